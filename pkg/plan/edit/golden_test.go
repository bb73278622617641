package edit_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/plan/edit"
)

var update = flag.Bool("update", false, "rewrite testdata/plan/edit/*.diff")

// goldenSets are the single-stack sets whose edits are kept as diffs in
// testdata/plan/edit, for people to read what the edit changes.
var goldenSets = []string{"kubeadm-ipv4", "k3s-ipv4", "openshift-ipv4"}

// TestGoldenDiffs: the unified diffs of a few sets' edits, paths relative
// to the set, are testdata/plan/edit/<set>.diff (go test -update rewrites
// them).
func TestGoldenDiffs(t *testing.T) {
	golden, err := filepath.Abs("../../../testdata/plan/edit")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range goldenSets {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(fixtures, "single", name)
			f, _ := audit(t, entries(t, dir), "")
			target := targetFor(t, f)
			t.Chdir(dir)
			list, err := os.ReadDir(".")
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, e := range list {
				paths = append(paths, e.Name())
			}
			edited, err := edit.Files(paths, target)
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, e := range edited {
				got.WriteString(e.Diff)
			}
			file := filepath.Join(golden, name+".diff")
			if *update {
				if err := os.MkdirAll(golden, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if got.String() != string(want) {
				t.Errorf("the diff of %s differs from %s (go test -update rewrites it):\n%s", name, file, got.String())
			}
		})
	}
}
