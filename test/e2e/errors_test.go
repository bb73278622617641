package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// TestErrorsLikeKubectl: NotFound, Forbidden and an unreachable server give
// the same one-line stderr and exit code 1 as the kubectl binary, for get
// and describe (kubectl's retry log lines before the last aside).
func TestErrorsLikeKubectl(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	for _, args := range [][]string{
		{"get", "pods", "nope"},
		{"describe", "pod", "nope"},
		{"get", "services", "nope"},
		{"describe", "node", "nope"},
		{"get", "pods", "--as=nobody"},
		{"describe", "pods", "--as=nobody"},
		{"get", "nodes", "--as=nobody"},
		{"get", "pods", "--server=https://127.0.0.1:1"},
		{"describe", "pod", "x", "--server=https://127.0.0.1:1"},
	} {
		_, ours, oursCode := runSplit(t, filepath.Join(binDir(t), "kubectl-dualstack"), append(args, "--kubeconfig", c.Kubeconfig)...)
		_, theirs, theirsCode := runSplit(t, filepath.Join(binDir(t), "kubectl"), append(args, "--kubeconfig", c.Kubeconfig)...)
		// For an unreachable server kubectl logs each discovery retry before
		// its final line; the plugin prints that line only.
		lines := strings.Split(strings.TrimSuffix(theirs, "\n"), "\n")
		theirs = lines[len(lines)-1] + "\n"
		if ours != theirs || oursCode != theirsCode || oursCode != 1 {
			t.Errorf("%v:\n  ours   (exit %d): %q\n  kubectl (exit %d): %q", args, oursCode, ours, theirsCode, theirs)
		}
		if strings.Count(ours, "\n") != 1 {
			t.Errorf("%v: want one line on stderr, got %q", args, ours)
		}
	}
}
