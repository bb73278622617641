package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// TestCompletion checks that shell completion lists the cluster's names,
// from the plugin's own __complete and through kubectl and the shim.
func TestCompletion(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "testdata", "demo"))
	var pods []string
	for _, p := range waitForPodIPs(t, client, "demo", 4) { // 3 web replicas and host-agent
		pods = append(pods, p.Name)
	}
	// Discovery's disk cache: the test's own, not the user's.
	t.Setenv("KUBECACHEDIR", t.TempDir())

	// The plugin's __complete, as its own completion scripts call it; the
	// word to complete comes last.
	plugin := func(args ...string) []string {
		t.Helper()
		cmd := exec.Command(filepath.Join(binDir(t), "kubectl-dualstack"), append([]string{"__complete", "--kubeconfig", c.Kubeconfig}, args...)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr // cobra's "Completion ended with directive" note
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("__complete %q: %v\n%s", args, err, stderr.String())
		}
		return completions(t, string(out))
	}
	t.Run("pod names", func(t *testing.T) {
		assertSameSet(t, "get pods -n demo <TAB>", plugin("get", "pods", "-n", "demo", ""), pods)
		assertSameSet(t, "describe po -n demo host<TAB>", plugin("describe", "po", "-n", "demo", "host"), []string{"host-agent"})
		assertSameSet(t, "get -n demo pods/host<TAB>", plugin("get", "-n", "demo", "pods/host"), []string{"pods/host-agent"})
		// Names already given are not offered again.
		assertSameSet(t, "get pods host-agent <TAB>", plugin("get", "pods", "-n", "demo", "host-agent", ""), slices.DeleteFunc(slices.Clone(pods), func(n string) bool { return n == "host-agent" }))
	})
	t.Run("namespaces", func(t *testing.T) {
		list, err := client.CoreV1().Namespaces().List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var namespaces []string
		for _, ns := range list.Items {
			namespaces = append(namespaces, ns.Name)
		}
		if !slices.Contains(namespaces, "demo") {
			t.Fatalf("no demo namespace in %q", namespaces)
		}
		assertSameSet(t, "get pods -n <TAB>", plugin("get", "pods", "-n", ""), namespaces)
		assertSameSet(t, "-n de<TAB>", plugin("get", "--namespace", "de"), []string{"default", "demo"})
	})
	t.Run("services, endpoints, nodes and servicecidrs", func(t *testing.T) {
		services := []string{"web", "web-headless", "web-ipv6", "web-single"}
		assertSameSet(t, "get svc -n demo <TAB>", plugin("get", "svc", "-n", "demo", ""), services)
		// The endpoints view is named after the Services.
		assertSameSet(t, "get ep -n demo <TAB>", plugin("get", "ep", "-n", "demo", ""), services)
		nodes, err := client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, n := range nodes.Items {
			names = append(names, n.Name)
		}
		assertSameSet(t, "describe nodes <TAB>", plugin("describe", "nodes", ""), names)
		assertSameSet(t, "get servicecidrs <TAB>", plugin("get", "servicecidrs", ""), []string{"kubernetes"})
	})
	t.Run("through kubectl", func(t *testing.T) {
		// kubectl reads the kubeconfig from the environment it passes on;
		// its global flags do not apply to plugins.
		out := kubectlComplete(t, []string{"KUBECONFIG=" + c.Kubeconfig}, "dualstack", "get", "pods", "-n", "demo", "")
		assertSameSet(t, "kubectl dualstack get pods -n demo <TAB>", completions(t, out), pods)
		out = kubectlComplete(t, []string{"KUBECONFIG=" + c.Kubeconfig}, "dualstack", "get", "pods", "-n", "")
		if comps := completions(t, out); !slices.Contains(comps, "demo") || !slices.Contains(comps, "kube-system") {
			t.Errorf("kubectl dualstack get pods -n <TAB>: %q", comps)
		}
	})
}

// TestCompletionThroughKubectl checks kubectl's plugin completion contract:
// `kubectl dualstack <TAB>` runs kubectl_complete-dualstack from PATH with
// the words after the plugin name, and kubectl relays what it prints.
func TestCompletionThroughKubectl(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"dualstack", "get", "po"}, []string{"pods", "pod", "po"}},
		{[]string{"dualstack", "get", "g"}, []string{"gateways", "gateway", "gtw"}},
		{[]string{"dualstack", "get", "in"}, []string{"ingresses", "ingress", "ing"}},
		{[]string{"dualstack", "get", "servicec"}, []string{"servicecidrs", "servicecidr"}},
		{[]string{"dualstack", "describe", "s"}, []string{"services", "service", "svc"}},
		{[]string{"dualstack", ""}, []string{"check", "completion", "describe", "get", "help", "plan", "summary", "version"}},
		{[]string{"dualstack", "check", "--fail-on", ""}, []string{"error", "warning", "never"}},
		{[]string{"dualstack", "check", "--only", "cluster-st"}, []string{"cluster-stack"}},
	} {
		out := kubectlComplete(t, nil, tt.args...)
		if got := completions(t, out); !slices.Equal(got, tt.want) || !strings.HasSuffix(out, "\n:4\n") {
			t.Errorf("kubectl __complete %q: got %q, want %q and directive :4\n%s", tt.args, got, tt.want, out)
		}
	}
	// Flags are the plugin's, not kubectl's.
	comps := completions(t, kubectlComplete(t, nil, "dualstack", "get", "pods", "--"))
	if !slices.Contains(comps, "--all-endpoints") || !slices.Contains(comps, "--namespace") {
		t.Errorf("kubectl dualstack get pods --<TAB>: %q", comps)
	}
	// Without the shim, kubectl completes nothing for the plugin.
	if comps := completions(t, kubectlCompleteWith(t, false, nil, "dualstack", "get", "po")); len(comps) != 0 {
		t.Errorf("without the shim: %q", comps)
	}
}

// kubectlComplete runs `kubectl __complete args...` as kubectl's completion
// scripts do, with a PATH holding the plugin and the shim, and returns
// stdout.
func kubectlComplete(t *testing.T, env []string, args ...string) string {
	t.Helper()
	return kubectlCompleteWith(t, true, env, args...)
}

func kubectlCompleteWith(t *testing.T, withShim bool, env []string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(binDir(t), "kubectl-dualstack"), filepath.Join(dir, "kubectl-dualstack")); err != nil {
		t.Fatal(err)
	}
	if withShim {
		shim, err := filepath.Abs(filepath.Join(repoDir, "hack", "kubectl_complete-dualstack"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(shim, filepath.Join(dir, "kubectl_complete-dualstack")); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(binDir(t), "kubectl"), append([]string{"__complete"}, args...)...)
	// Only the temp dir and the system's: no other plugin, no other shim.
	cmd.Env = append([]string{"PATH=" + dir + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "KUBECACHEDIR=" + t.TempDir()}, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl __complete %q: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// completions parses cobra's __complete output: one completion a line,
// with an optional tab and description, then the :directive line.
func completions(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, ":") {
		t.Fatalf("no directive line in __complete output:\n%s", out)
	}
	var comps []string
	for _, l := range lines[:len(lines)-1] {
		comps = append(comps, strings.SplitN(l, "\t", 2)[0])
	}
	return comps
}

func assertSameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}
