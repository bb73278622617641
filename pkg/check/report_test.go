package check

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
)

// hostile holds what an event message, an object name or a file can carry:
// colour and clipboard (OSC 52) escapes, a carriage return that rewrites
// the line, a newline that would make a row of its own, a bell, a C1 CSI
// and invalid UTF-8.
const hostile = "a\x1b[31mred\x1b]52;c;aGk=\a\rfake\nline\tx\x08\u009b2J\xff\xfe"

func hostileReport() Report {
	return NewReport([]Finding{{
		ID: "servicecidr-default-events", Title: "t", Severity: Warning, Result: Fail, Area: "objects",
		Subject: "pod/" + hostile, Source: "events " + hostile, Message: "KubernetesDefaultServiceCIDRInconsistent: " + hostile,
		Fix: "fix " + hostile, File: "dir/" + hostile + ".yaml", Line: 3, Column: 1,
	}, {
		ID: "cluster-stack", Title: "t", Severity: Info, Result: Skip, Area: "cluster", Subject: "cluster", Message: "cannot read: " + hostile,
	}})
}

func TestWriteTextEscapes(t *testing.T) {
	r := hostileReport()
	for _, verbose := range []bool{false, true} {
		var b bytes.Buffer
		if err := r.WriteText(&b, TextOptions{Verbose: verbose}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if bad := termtest.RawControls(out, "\n"); len(bad) > 0 {
			t.Errorf("verbose=%v: raw control characters %v in:\n%q", verbose, bad, out)
		}
		// The escaped forms, on the table's one row (newline and tab too).
		row := strings.Split(out, "\n")[1]
		for _, want := range []string{"pod/a^[[31mred^[]52;c;aGk=^G\\rfake^Jline^Ix^H^[[2J\uFFFD\uFFFD", "KubernetesDefaultServiceCIDRInconsistent: a^[[31mred^[]52;c;aGk=^G fake line x^H^[[2J\uFFFD\uFFFD"} {
			if !strings.Contains(row, want) {
				t.Errorf("verbose=%v: the row %q does not hold %q", verbose, row, want)
			}
		}
		if !strings.Contains(out, "  source: dir/a^[[31mred") || !strings.Contains(out, "  fix:    fix a^[[31mred") {
			t.Errorf("verbose=%v: details not escaped:\n%s", verbose, out)
		}
		if !verbose && !strings.Contains(out, "  cannot read: a^[[31mred") {
			t.Errorf("the skip reason is not escaped:\n%s", out)
		}
	}
}

// The machine formats encode what they quote: they stay valid documents,
// invalid UTF-8 becomes U+FFFD and no control character is written raw.
func TestMachineFormatsEncodeHostileText(t *testing.T) {
	r := hostileReport()
	var js, ym, junit, sarif bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteYAML(&ym); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJUnit(&junit); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteSARIF(&sarif, Rules(), "test"); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"json": js.String(), "yaml": ym.String(), "junit": junit.String(), "sarif": sarif.String()} {
		if bad := termtest.RawControls(out, "\n"); len(bad) > 0 {
			t.Errorf("%s: raw control characters %v", name, bad)
		}
	}
	// JSON and YAML give the text back, invalid bytes as U+FFFD.
	want := strings.ToValidUTF8(r.Findings[0].Message, "\uFFFD\uFFFD")
	for name, unmarshal := range map[string]func([]byte, any) error{"json": json.Unmarshal, "yaml": func(b []byte, v any) error { return yaml.Unmarshal(b, v) }} {
		var back Report
		data := map[string][]byte{"json": js.Bytes(), "yaml": ym.Bytes()}[name]
		if err := unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, data)
		}
		if got := back.Findings[0].Message; got != want {
			t.Errorf("%s message:\n got %q\nwant %q", name, got, want)
		}
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil {
		t.Fatalf("junit: %v\n%s", err, junit.String())
	}
	if len(doc.Suites) == 0 || len(doc.Suites[0].Cases) == 0 || !strings.HasPrefix(doc.Suites[0].Cases[0].Name, "pod/a") {
		t.Errorf("junit: no test case for the hostile subject:\n%s", junit.String())
	}
	var sarifDoc map[string]any
	if err := json.Unmarshal(sarif.Bytes(), &sarifDoc); err != nil {
		t.Errorf("sarif: %v", err)
	}
}
