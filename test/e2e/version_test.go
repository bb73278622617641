package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// TestVersionAgainstServer runs the built plugin, directly and through
// kubectl's plugin lookup, against a real apiserver.
func TestVersionAgainstServer(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	server, err := kubernetes.NewForConfigOrDie(c.RESTConfig).Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(server.GitVersion, "v1.") {
		t.Errorf("the local apiserver reports %q: build stamping is missing", server.GitVersion)
	}
	want := "Server Version: " + server.GitVersion + "\n"

	direct := run(t, filepath.Join(binDir(t), "kubectl-dualstack"), "version", "--kubeconfig", c.Kubeconfig)
	if !strings.HasPrefix(direct, "Plugin Version: ") || !strings.HasSuffix(direct, want) {
		t.Errorf("kubectl-dualstack version:\n%s\nwant it to end with %q", direct, want)
	}

	viaKubectl := exec.Command(filepath.Join(binDir(t), "kubectl"), "dualstack", "version", "--kubeconfig", c.Kubeconfig)
	viaKubectl.Env = append(os.Environ(), "PATH="+binDir(t)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := viaKubectl.CombinedOutput()
	if err != nil || string(out) != direct {
		t.Errorf("kubectl dualstack version: %v\n%s\nwant the same as the direct call:\n%s", err, out, direct)
	}
}
