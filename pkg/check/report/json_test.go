package report

import (
	"encoding/json"
	"testing"
)

// The JSON report's keys are the README's contract.
func TestWriteJSONContract(t *testing.T) {
	var contract struct {
		Summary  map[string]int               `json:"summary"`
		Findings []map[string]json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(write(t, jsonWriter{}, smallReport(), Options{}), &contract); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"error", "warning", "info", "pass", "skip"} {
		if _, ok := contract.Summary[key]; !ok {
			t.Errorf("summary lacks %q", key)
		}
	}
	for _, key := range []string{"id", "title", "severity", "result", "subject", "source", "message", "reference"} {
		if _, ok := contract.Findings[0][key]; !ok {
			t.Errorf("finding lacks %q", key)
		}
	}
}
