package report

import (
	"encoding/json"
	"strings"
	"testing"
)

// The configuration file an audit used is named at the top of the text
// report, in the JSON and YAML reports, and in SARIF's invocation.
func TestConfigReported(t *testing.T) {
	r := New(nil)
	r.Config = ".kubectl-dualstack.yaml"
	for name, want := range map[string]string{
		"json": `"config": ".kubectl-dualstack.yaml"`,
		"yaml": "config: .kubectl-dualstack.yaml\n",
	} {
		writer, _ := Get(name)
		if out := string(write(t, writer, r, Options{})); !strings.Contains(out, want) {
			t.Errorf("%s report lacks %q:\n%s", name, want, out)
		}
	}
	if out := string(write(t, textWriter{}, r, Options{})); !strings.HasPrefix(out, "Configuration: .kubectl-dualstack.yaml\n\n") {
		t.Errorf("the text report does not start with the configuration:\n%s", out)
	}
	if out := string(write(t, textWriter{}, New(nil), Options{})); strings.Contains(out, "Configuration") {
		t.Errorf("a text report names no configuration when none was used:\n%s", out)
	}

	data := write(t, sarifWriter{}, r, Options{})
	if err := validateSARIF(sarifValidator(t), data); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	var doc struct {
		Runs []struct {
			Invocations []struct{ Properties map[string]string }
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.Runs[0].Invocations[0].Properties["config"] != r.Config {
		t.Errorf("SARIF invocation properties: %v\n%s", err, data)
	}
}

// A file name is escaped like every other text the report quotes.
func TestConfigEscaped(t *testing.T) {
	r := New(nil)
	r.Config = "evil\x1b[31m.yaml"
	if out := string(write(t, textWriter{}, r, Options{})); strings.Contains(out, "\x1b") {
		t.Errorf("raw escape in the text report: %q", out)
	}
}
