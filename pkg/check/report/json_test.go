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
	for _, key := range []string{"error", "warning", "info", "pass", "skip", "exempt"} {
		if _, ok := contract.Summary[key]; !ok {
			t.Errorf("summary lacks %q", key)
		}
	}
	for _, key := range []string{"id", "title", "severity", "result", "subject", "source", "message", "reference"} {
		if _, ok := contract.Findings[0][key]; !ok {
			t.Errorf("finding lacks %q", key)
		}
	}
	// An exempt finding, after the failures, says why and where that was
	// declared; the others have neither key.
	exempt := contract.Findings[2]
	if string(exempt["result"]) != `"exempt"` || string(exempt["exemption"]) != `"legacy app, IPv4 only"` || string(exempt["exemptBy"]) != `"annotation"` {
		t.Errorf("exempt finding %s", exempt)
	}
	if contract.Summary["exempt"] != 1 || contract.Summary["error"] != 1 {
		t.Errorf("summary %v: the exempt error is counted apart", contract.Summary)
	}
	for _, f := range contract.Findings {
		if _, ok := f["exemption"]; ok && string(f["result"]) != `"exempt"` {
			t.Errorf("a %s finding has an exemption", f["result"])
		}
	}
}

// An audit of files lists its inputs; a live audit has none.
func TestWriteJSONInputs(t *testing.T) {
	var got struct {
		Inputs []map[string]json.RawMessage `json:"inputs"`
	}
	if err := json.Unmarshal(write(t, jsonWriter{}, filesReport(), Options{}), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Inputs) != 5 || string(got.Inputs[2]["format"]) != `"static-pod"` || string(got.Inputs[1]["documents"]) != "2" || string(got.Inputs[4]["file"]) != `"notes.yaml"` {
		t.Errorf("inputs %s", got.Inputs)
	}
	var live map[string]json.RawMessage
	if err := json.Unmarshal(write(t, jsonWriter{}, smallReport(), Options{}), &live); err != nil {
		t.Fatal(err)
	}
	if _, ok := live["inputs"]; ok {
		t.Error("a live audit lists inputs")
	}
}
