package check

import "testing"

func TestConfigFiles(t *testing.T) {
	unreadable := FileNote{At: Setting{File: "kubeadm.yaml", Line: 3, Column: 5, Source: "file kubeadm.yaml, document 1"}, Severity: Error,
		Message: "yaml: did not find expected key"}
	skipped := FileNote{At: Setting{File: "notes.yaml"}, Severity: Info, Message: "no YAML document (only comments)"}
	findings := runRules(t, &Facts{FileNotes: []FileNote{unreadable, skipped}}, filesRules)
	if len(findings) != 2 {
		t.Fatalf("%d findings, want one per note: %+v", len(findings), findings)
	}
	for i, want := range []FileNote{unreadable, skipped} {
		fd := findings[i]
		if fd.Result != Fail || fd.Severity != want.Severity || fd.Message != want.Message || fd.File != want.At.File || fd.Line != want.At.Line || fd.Subject != want.At.File {
			t.Errorf("finding %d: %+v, want the note %+v", i, fd, want)
		}
	}
	if findings := runRules(t, &Facts{}, filesRules); len(findings) != 1 || findings[0].Result != Pass {
		t.Errorf("no notes: %+v, want one pass", findings)
	}
}
