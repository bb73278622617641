package report

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

func TestFormats(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Formats() {
		if f.Name == "" || seen[f.Name] || f.Description == "" || strings.Contains(f.Description, "\n") || f.Writer == nil {
			t.Errorf("format %+v: want a new name, a one-line description and a writer", f)
		}
		seen[f.Name] = true
		if w, ok := Get(f.Name); !ok || w != f.Writer {
			t.Errorf("Get(%q) = %v, %v; want the table's writer", f.Name, w, ok)
		}
	}
	if !seen[Default] {
		t.Errorf("the default %q is not a format", Default)
	}
	for _, name := range []string{"", "html", "JSON"} {
		if _, ok := Get(name); ok {
			t.Errorf("Get(%q) found a writer", name)
		}
	}
}

// Every format encodes or escapes what it quotes: no control character or
// invisible format character is written raw (YAML aside, which has no
// escape for the latter outside double quotes: it keeps them as they
// are), and the machine formats stay valid documents that give the text
// back (invalid UTF-8 as U+FFFD).
func TestFormatsEncodeHostileText(t *testing.T) {
	r := hostileReport()
	out := map[string][]byte{}
	for _, f := range Formats() {
		out[f.Name] = write(t, f.Writer, r, Options{Rules: check.Rules(), ToolVersion: "test"})
		raw := termtest.RawControls
		if f.Name == "yaml" {
			raw = termtest.RawC0C1
		}
		if bad := raw(string(out[f.Name]), "\n"); len(bad) > 0 {
			t.Errorf("%s: raw control characters %v", f.Name, bad)
		}
	}
	if !strings.Contains(string(out["json"]), `\ufffd\ufffd\u202eRLO\u2066\u200b\udb40\udc41`) {
		t.Errorf("json: the format characters are not written as \\u escapes:\n%s", out["json"])
	}
	want := strings.ToValidUTF8(r.Findings[0].Message, "\uFFFD\uFFFD")
	for name, unmarshal := range map[string]func([]byte, any) error{"json": json.Unmarshal, "yaml": func(b []byte, v any) error { return yaml.Unmarshal(b, v) }} {
		var back Report
		if err := unmarshal(out[name], &back); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out[name])
		}
		if got := back.Findings[0].Message; got != want {
			t.Errorf("%s message:\n got %q\nwant %q", name, got, want)
		}
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out["junit"], &doc); err != nil {
		t.Fatalf("junit: %v\n%s", err, out["junit"])
	}
	if len(doc.Suites) == 0 || len(doc.Suites[0].Cases) == 0 || !strings.HasPrefix(doc.Suites[0].Cases[0].Name, "pod/a") {
		t.Errorf("junit: no test case for the hostile subject:\n%s", out["junit"])
	}
	var sarifDoc map[string]any
	if err := json.Unmarshal(out["sarif"], &sarifDoc); err != nil {
		t.Errorf("sarif: %v", err)
	}
}
