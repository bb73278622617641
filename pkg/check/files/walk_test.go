package files

import (
	"slices"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// Walk visits the files Gather reads, in its order, and returns what it
// could not read as Gather notes it.
func TestWalk(t *testing.T) {
	paths := []string{"../../../testdata/files/healthy/k3s-dual", "../../../testdata/files/healthy/dual-ipv4"}
	var visited []string
	notes := Walk(append(paths, "missing.yaml"), Options{}, func(name string, _ []byte) { visited = append(visited, name) })
	f := &check.Facts{}
	if err := Gather(f, paths, Options{}); err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, in := range f.Inputs {
		read = append(read, in.File)
	}
	if !slices.Equal(visited, read) {
		t.Errorf("Walk visited %v, Gather read %v", visited, read)
	}
	if len(notes) != 1 || notes[0].At.File != "missing.yaml" || notes[0].Severity != check.Error {
		t.Errorf("notes %+v, want one error for missing.yaml", notes)
	}
}
