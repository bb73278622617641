package cmd

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// complete runs `__complete args...` as a shell does and returns the
// completions (descriptions cut off) and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	out, errOut, code := execute(t, append([]string{"__complete"}, args...)...)
	if code != ExitOK {
		t.Fatalf("__complete %q: exit %d\n%s", args, code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	directive := lines[len(lines)-1]
	var comps []string
	for _, l := range lines[:len(lines)-1] {
		comps = append(comps, strings.SplitN(l, "\t", 2)[0])
	}
	return comps, directive
}

// noFiles is cobra's ShellCompDirectiveNoFileComp.
const noFiles = ":4"

func TestCompleteSubcommands(t *testing.T) {
	comps, directive := complete(t, "")
	want := []string{"check", "completion", "describe", "get", "help", "plan", "summary", "version"}
	if !slices.Equal(comps, want) || directive != noFiles {
		t.Errorf("got %q %s, want %q %s", comps, directive, want, noFiles)
	}
}

func TestCompleteResourceTypes(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"get", "po"}, []string{"pods", "pod", "po"}},
		{[]string{"get", "s"}, []string{"services", "service", "svc", "servicecidrs", "servicecidr"}},
		{[]string{"get", "servicec"}, []string{"servicecidrs", "servicecidr"}},
		{[]string{"get", "e"}, []string{"endpoints", "endpoint", "ep"}},
		{[]string{"get", "n"}, []string{"nodes", "node", "no"}},
		{[]string{"get", "i"}, []string{"ingresses", "ingress", "ing"}},
		{[]string{"get", "g"}, []string{"gateways", "gateway", "gtw"}},
		{[]string{"get", ""}, []string{"pods", "pod", "po", "services", "service", "svc", "endpoints", "endpoint", "ep", "nodes", "node", "no",
			"servicecidrs", "servicecidr", "ingresses", "ingress", "ing", "gateways", "gateway", "gtw"}},
		{[]string{"describe", "no"}, []string{"nodes", "node", "no"}},
		// describe has no ingresses or gateways, nor their names.
		{[]string{"describe", ""}, []string{"pods", "pod", "po", "services", "service", "svc", "endpoints", "endpoint", "ep", "nodes", "node", "no"}},
		{[]string{"describe", "ing"}, nil},
		{[]string{"describe", "ingress/w"}, nil},
		{[]string{"get", "deployments"}, nil},
		// Flags before the type do not change what the type is.
		{[]string{"get", "-n", "demo", "-o", "wide", "sv"}, []string{"svc"}},
	} {
		comps, directive := complete(t, tt.args...)
		if !slices.Equal(comps, tt.want) || directive != noFiles {
			t.Errorf("%q: got %q %s, want %q %s", tt.args, comps, directive, tt.want, noFiles)
		}
	}
}

func TestCompleteFlags(t *testing.T) {
	comps, directive := complete(t, "get", "pods", "--")
	for _, want := range []string{"--all-namespaces", "--output", "--selector", "--watch", "--include-not-ready", "--all-endpoints", "--chunk-size", "--namespace", "--kubeconfig", "--context"} {
		if !slices.Contains(comps, want) {
			t.Errorf("get pods --<TAB> lacks %s: %q", want, comps)
		}
	}
	if directive != noFiles {
		t.Errorf("directive %s", directive)
	}
	// klog's hidden flags stay hidden.
	if slices.Contains(comps, "--logtostderr") {
		t.Errorf("hidden klog flag completed: %q", comps)
	}
}

func TestCompleteFlagValues(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"check", "-o", ""}, []string{"text", "json", "yaml", "junit", "sarif"}},
		{[]string{"check", "--fail-on", ""}, []string{"error", "warning", "never"}},
		{[]string{"check", "--expect", ""}, []string{"dual", "ipv4", "ipv6"}},
		{[]string{"check", "--color", ""}, []string{"auto", "always", "never"}},
		{[]string{"version", "-o", ""}, []string{"yaml", "json"}},
		{[]string{"get", "pods", "-o", "w"}, []string{"wide"}},
		{[]string{"summary", "-o", ""}, []string{"wide", "json", "yaml"}},
		{[]string{"summary", "--by", ""}, []string{"namespace", "owner"}},
	} {
		comps, directive := complete(t, tt.args...)
		if !slices.Equal(comps, tt.want) || directive != noFiles {
			t.Errorf("%q: got %q %s, want %q %s", tt.args, comps, directive, tt.want, noFiles)
		}
	}
}

func TestCompleteRuleIDs(t *testing.T) {
	var ids []string
	for _, r := range check.Rules() {
		ids = append(ids, r.ID)
	}
	for _, flag := range []string{"--only", "--skip"} {
		comps, directive := complete(t, "check", flag, "")
		if !slices.Equal(comps, ids) || directive != noFiles {
			t.Errorf("check %s <TAB>: got %q %s, want every rule ID", flag, comps, directive)
		}
	}
	// Titles are the descriptions.
	out, _, _ := execute(t, "__complete", "check", "--only", "cluster-st")
	if out != "cluster-stack\t"+ruleTitle("cluster-stack")+"\n"+noFiles+"\n" {
		t.Errorf("check --only cluster-st<TAB>:\n%s", out)
	}
	// In a list the last ID is completed, and those given are not offered.
	comps, _ := complete(t, "check", "--skip", "cluster-stack,pods-primary-f")
	if !slices.Equal(comps, []string{"cluster-stack,pods-primary-family"}) {
		t.Errorf("comma list: %q", comps)
	}
	comps, _ = complete(t, "check", "--skip", "cluster-stack,cluster-st")
	if len(comps) != 0 {
		t.Errorf("a given ID offered again: %q", comps)
	}
}

func ruleTitle(id string) string {
	for _, r := range check.Rules() {
		if r.ID == id {
			return r.Title
		}
	}
	return ""
}

func TestCompleteKubeconfigNames(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "config")
	err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: dual
  cluster: {server: "https://127.0.0.1:1"}
- name: single
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: admin
contexts:
- name: dual-admin
  context: {cluster: dual, user: admin}
- name: single-admin
  context: {cluster: single, user: admin}
current-context: dual-admin
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		flag string
		want []string
	}{
		{"--context", []string{"dual-admin", "single-admin"}},
		{"--cluster", []string{"dual", "single"}},
		{"--user", []string{"admin"}},
	} {
		comps, directive := complete(t, "get", "pods", "--kubeconfig", kubeconfig, tt.flag, "")
		slices.Sort(comps) // read from maps
		if !slices.Equal(comps, tt.want) || directive != noFiles {
			t.Errorf("%s <TAB>: got %q %s, want %q", tt.flag, comps, directive, tt.want)
		}
	}
}

// TestCompleteNamesTimeBound: a server that never answers costs the shell
// clusterCompletionTimeout, and yields no names and no file names.
func TestCompleteNamesTimeBound(t *testing.T) {
	stop := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-stop }))
	t.Cleanup(server.Close)
	t.Cleanup(func() { close(stop) }) // runs first: lets Close return
	t.Setenv("KUBECACHEDIR", t.TempDir())
	defer func(d time.Duration) { clusterCompletionTimeout = d }(clusterCompletionTimeout)
	clusterCompletionTimeout = 300 * time.Millisecond

	for _, args := range [][]string{
		{"get", "pods", "--server", server.URL, ""},
		{"describe", "--server", server.URL, "svc/"},
		{"get", "--server", server.URL, "-n", ""},
	} {
		began := time.Now()
		comps, directive := complete(t, args...)
		if len(comps) != 0 || directive != noFiles {
			t.Errorf("%q: got %q %s", args, comps, directive)
		}
		if elapsed := time.Since(began); elapsed > 3*time.Second {
			t.Errorf("%q took %s", args, elapsed)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "complete -o default -F __start_kubectl-dualstack kubectl-dualstack",
		"zsh":        "#compdef kubectl-dualstack",
		"fish":       "complete -c kubectl-dualstack",
		"powershell": "Register-ArgumentCompleter -CommandName 'kubectl-dualstack'",
	} {
		out, errOut, code := execute(t, "completion", shell)
		if code != ExitOK || errOut != "" || !strings.Contains(out, want) || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d, stderr %q, lacks %q or __complete:\n%.300s", shell, code, errOut, want, out)
		}
	}
	out, _, _ := execute(t, "completion", "--help")
	if !strings.Contains(out, "kubectl_complete-dualstack") || !strings.Contains(out, "krew#812") {
		t.Errorf("completion help does not tell how to complete `kubectl dualstack`:\n%s", out)
	}
}

// TestCompletionShim checks the shim hack/kubectl_complete-dualstack: an
// executable that hands kubectl's arguments to `kubectl-dualstack __complete`.
func TestCompletionShim(t *testing.T) {
	const path = "../../hack/kubectl_complete-dualstack"
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o111 != 0o111 {
		t.Errorf("%s is not executable by all: %s", path, info.Mode())
	}
	script, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(script), "#!/bin/sh\n") || !strings.HasSuffix(string(script), "\nexec kubectl-dualstack __complete \"$@\"\n") {
		t.Errorf("%s:\n%s", path, script)
	}
}
