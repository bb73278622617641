package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/plan"
)

func setsOf(t *testing.T, group string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(filesDir, group))
	if err != nil {
		t.Fatal(err)
	}
	var sets []string
	for _, e := range entries {
		if e.IsDir() {
			sets = append(sets, filepath.Join(filesDir, group, e.Name()))
		}
	}
	return sets
}

// plan --from-file on every healthy set has nothing to do; on every
// single-stack set it emits edited files that check --from-file
// --expect=dual passes, but where a note of the plan says the files need
// what no plan can know (an installer's machine network).
func TestPlanFromFileEmitsFilesCheckPasses(t *testing.T) {
	for _, set := range setsOf(t, "healthy") {
		t.Run("healthy/"+filepath.Base(set), func(t *testing.T) {
			out, stderr, code := execute(t, "plan", "--from-file", set, "-o", "json")
			var p plan.Plan
			if err := json.Unmarshal([]byte(out), &p); err != nil || code != ExitOK {
				t.Fatalf("exit %d, %v: %s %s", code, err, out, stderr)
			}
			if len(p.Target) == 2 && len(p.Families) == 2 && len(p.Steps) != 0 {
				t.Errorf("a healthy dual-stack set has steps: %v", p.Steps)
			}
		})
	}
	for _, set := range setsOf(t, "single") {
		t.Run("single/"+filepath.Base(set), func(t *testing.T) {
			dir := t.TempDir()
			out, stderr, code := execute(t, "plan", "--from-file", set, "--emit", dir, "-o", "json")
			var p plan.Plan
			if err := json.Unmarshal([]byte(out), &p); err != nil || code != ExitOK {
				t.Fatalf("exit %d, %v: %s %s", code, err, out, stderr)
			}
			if p.Adding != "IPv6" || len(p.Steps) == 0 {
				t.Fatalf("adding %q, %d steps: want IPv6 and steps", p.Adding, len(p.Steps))
			}
			diff, err := os.ReadFile(filepath.Join(dir, "files.diff"))
			if err != nil || len(diff) == 0 {
				t.Fatalf("no files.diff emitted: %v", err)
			}
			out, stderr, code = execute(t, "check", "--from-file", filepath.Join(dir, "files"), "--expect=dual", "-o", "json")
			var r report.Report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("check: %v: %s %s", err, out, stderr)
			}
			for _, f := range r.Findings {
				if f.Result != check.Fail || f.Severity == check.Info {
					continue
				}
				if !noted(p.Notes, f) {
					t.Errorf("%s %s at %s:%d fails on the edited files, and no note of the plan says why: %s", f.Severity, f.ID, f.File, f.Line, f.Message)
				}
			}
			if t.Failed() {
				t.Logf("notes: %s\ndiff:\n%s", strings.Join(p.Notes, "\n"), diff)
			}
		})
	}
}

// noted says whether a plan note is about the finding's file and line.
func noted(notes []string, f check.Finding) bool {
	at := fmt.Sprintf("%s:%d: ", filepath.Base(f.File), f.Line)
	for _, n := range notes {
		if strings.Contains(n, "/"+at) || strings.HasPrefix(n, at) {
			return true
		}
	}
	return false
}
