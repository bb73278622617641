package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// fleetTimeout is the --request-timeout of the fleet runs: the dead
// context's audit ends then; fleetMargin is what the whole run may take
// beyond it (the live clusters are read meanwhile, at most --parallel at
// once, on a machine of 2 shared cores).
const (
	fleetTimeout = 5 * time.Second
	fleetMargin  = 5 * time.Second
)

// TestFleet audits three real control planes and a server that never
// answers in one run: check --all-contexts gives a section and a matrix
// row per cluster and the worst exit code, 2 (the dead cluster's audit
// could not run), within the request timeout plus a margin; summary
// --all-contexts and plan --context x --context y give each cluster what
// it gives alone. It logs the plugin's peak RSS with 3 and 10 contexts.
func TestFleet(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	started := map[string]*localcluster.Cluster{
		"a-dual": startCluster(t, localcluster.Config{}),
		// A dual-stack API server, an IPv4-only controller-manager: nodes
		// get IPv4 pod ranges only (errors).
		"b-broken": startCluster(t, withArgs(localcluster.ControllerManager, "--cluster-cidr=10.244.0.0/16", "--node-cidr-mask-size-ipv6=0")),
		"c-single": startCluster(t, localcluster.Config{Layout: localcluster.SingleStackIPv4}),
	}
	for _, c := range started {
		waitForServiceSlices(t, kubernetes.NewForConfigOrDie(c.RESTConfig))
	}
	dead := hangingTCPServer(t)
	servers := map[string]string{"d-dead": dead}
	for name, c := range started {
		servers[name] = c.RESTConfig.Host
	}
	kubeconfig := mergeKubeconfigs(t, "fleet", started, map[string]string{"d-dead": dead}, nil)
	bin := filepath.Join(binDir(t), "kubectl-dualstack")
	timeout := []string{"--kubeconfig", kubeconfig, "--request-timeout", fleetTimeout.String()}

	// check --all-contexts: the matrix and the worst exit code, in time.
	began := time.Now()
	out, stderr, code := runSplit(t, bin, append([]string{"check", "--all-contexts"}, timeout...)...)
	elapsed := time.Since(began)
	t.Logf("check --all-contexts: exit %d in %.1fs\n%s", code, elapsed.Seconds(), out)
	if code != 2 || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 2 (an audit could not run) and nothing", code, stderr)
	}
	if elapsed > fleetTimeout+fleetMargin {
		t.Errorf("took %s, want at most %s", elapsed, fleetTimeout+fleetMargin)
	}
	order := []string{"a-dual", "b-broken", "c-single", "d-dead"}
	assertSections(t, out, order, servers)
	rows := matrixRows(t, out, "== 4 clusters")
	want := map[string]*regexp.Regexp{
		"a-dual":   regexp.MustCompile(`^a-dual +0 +0 +\d+ +0 +dual-stack IPv4-primary +v1\.\d+\.\d+ +-$`),
		"b-broken": regexp.MustCompile(`^b-broken +1 +[1-9]\d* +\d+ +0 +dual-stack IPv4-primary +v1\.\d+\.\d+ +-$`),
		"c-single": regexp.MustCompile(`^c-single +0 +0 +\d+ +0 +single-stack IPv4 +v1\.\d+\.\d+ +-$`),
		"d-dead":   regexp.MustCompile(`^d-dead +2 +- +- +- +- +- +- +the server ` + regexp.QuoteMeta(dead) + ` did not answer within 5s \(--request-timeout\)$`),
	}
	for i, name := range order {
		if i >= len(rows) || !want[name].MatchString(rows[i]) {
			t.Errorf("matrix row %d: got %q, want %s", i, rowAt(rows, i), want[name])
		}
	}
	// The broken cluster's row counts what its own audit finds.
	alone, aloneCode := runCheck(t, kubeconfig, "--context", "b-broken")
	if fields := strings.Fields(rowAt(rows, 1)); aloneCode != 1 || len(fields) < 3 || fields[2] != fmt.Sprint(alone.Summary.Error) {
		t.Errorf("b-broken alone: exit %d, %d errors; its row %q", aloneCode, alone.Summary.Error, rowAt(rows, 1))
	}

	// -o json: the clusters wrapper, each live cluster's usual report.
	out, _, code = runSplit(t, bin, append([]string{"check", "--all-contexts", "-o", "json"}, timeout...)...)
	var doc struct {
		Clusters []struct {
			Context, Server, Error string
			Report                 *struct{ Summary struct{ Error int } }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 2 || len(doc.Clusters) != 4 {
		t.Fatalf("-o json: exit %d, %v\n%s", code, err, out)
	}
	for i, c := range doc.Clusters {
		if c.Context != order[i] || c.Server != servers[order[i]] || (c.Report == nil) != (c.Context == "d-dead") || (c.Error != "") != (c.Context == "d-dead") {
			t.Errorf("-o json cluster %d: %+v", i, c)
		}
	}

	// summary --all-contexts: a section each as summary alone prints it,
	// then a matrix of readiness.
	out, stderr, code = runSplit(t, bin, append([]string{"summary", "--all-contexts", "-A"}, timeout...)...)
	t.Logf("summary --all-contexts -A: exit %d\n%s", code, out)
	if code != 2 || stderr != "" {
		t.Errorf("summary: exit %d, stderr %q; want 2 and nothing", code, stderr)
	}
	assertSections(t, out, order, servers)
	for _, name := range order[:3] {
		single, _, _ := runSplit(t, bin, "summary", "-A", "--kubeconfig", kubeconfig, "--context", name)
		if !strings.Contains(out, sectionHeader(name, servers[name])+single+"\n") {
			t.Errorf("summary: %s's section is not what summary alone prints:\n%s", name, single)
		}
	}
	summaryRows := matrixRows(t, out, "== 4 clusters")
	if len(summaryRows) != 4 || !regexp.MustCompile(`^c-single +0 +\d+% \(\d+/\d+\) +single-stack IPv4 `).MatchString(summaryRows[2]) {
		t.Errorf("summary matrix %q", summaryRows)
	}

	// plan --context x --context y: in the order given, each its plan.
	out, stderr, code = runSplit(t, bin, "plan", "--kubeconfig", kubeconfig, "--context", "c-single", "--context", "a-dual")
	assertSections(t, out, []string{"c-single", "a-dual"}, servers)
	worst := 0
	for _, name := range []string{"c-single", "a-dual"} {
		single, _, singleCode := runSplit(t, bin, "plan", "--kubeconfig", kubeconfig, "--context", name)
		worst = max(worst, singleCode)
		if !strings.Contains(out, sectionHeader(name, servers[name])+single+"\n") {
			t.Errorf("plan: %s's section is not what plan alone prints:\n%s\n--- fleet:\n%s", name, single, out)
		}
	}
	if code != worst || stderr != "" {
		t.Errorf("plan: exit %d, stderr %q; want %d (the worst) and nothing", code, stderr, worst)
	}

	// Peak RSS of the plugin: the 3 live contexts, then 10 contexts
	// pointing at them in turn.
	ten := map[string]string{}
	for i := range 10 {
		ten[fmt.Sprintf("fleet-%02d", i)] = order[i%3]
	}
	tenConfig := mergeKubeconfigs(t, "ten", started, nil, ten)
	for _, tt := range []struct {
		clusters int
		args     []string
	}{
		{3, []string{"--kubeconfig", kubeconfig, "--all-contexts", "--context-pattern", "[abc]-*"}},
		{10, []string{"--kubeconfig", tenConfig, "--all-contexts", "--context-pattern", "fleet-*"}},
	} {
		cmd := exec.Command(bin, append([]string{"check"}, tt.args...)...)
		var out strings.Builder
		cmd.Stdout = &out
		began := time.Now()
		code := exitCode(t, cmd.Run())
		rusage := cmd.ProcessState.SysUsage().(*syscall.Rusage) // Maxrss in KiB on Linux
		t.Logf("check --all-contexts, %d contexts: exit %d in %.1fs, peak RSS %.1f MiB", tt.clusters, code, time.Since(began).Seconds(), float64(rusage.Maxrss)/1024)
		if rows := matrixRows(t, out.String(), fmt.Sprintf("== %d clusters", tt.clusters)); code != 1 || len(rows) != tt.clusters {
			t.Errorf("%d contexts: exit %d, %d matrix rows; want 1 (b-broken's findings) and %d", tt.clusters, code, len(rows), tt.clusters)
		}
	}
}

// mergeKubeconfigs writes one kubeconfig with a context per started
// cluster (its admin credentials), one per dead server (any admin's
// credentials, TLS unverified: the server never gets that far), and one
// per alias naming another context's cluster.
func mergeKubeconfigs(t *testing.T, file string, started map[string]*localcluster.Cluster, dead, aliases map[string]string) string {
	t.Helper()
	merged := clientcmdapi.NewConfig()
	for name, c := range started {
		cfg, err := clientcmd.LoadFromFile(c.Kubeconfig)
		if err != nil {
			t.Fatal(err)
		}
		ctx := cfg.Contexts[cfg.CurrentContext]
		merged.Clusters[name] = cfg.Clusters[ctx.Cluster]
		merged.AuthInfos[name] = cfg.AuthInfos[ctx.AuthInfo]
		merged.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	}
	for name, server := range dead {
		merged.Clusters[name] = &clientcmdapi.Cluster{Server: server, InsecureSkipTLSVerify: true}
		merged.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: "a-dual"}
	}
	for name, target := range aliases {
		merged.Contexts[name] = &clientcmdapi.Context{Cluster: target, AuthInfo: target}
	}
	path := filepath.Join(t.TempDir(), file)
	if err := clientcmd.WriteToFile(*merged, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func sectionHeader(context, server string) string {
	return fmt.Sprintf("== Context %s (server %s)\n", context, server)
}

// assertSections checks the sections' headers: in order, each naming its
// context's server.
func assertSections(t *testing.T, out string, order []string, servers map[string]string) {
	t.Helper()
	var got []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "== Context ") {
			got = append(got, line)
		}
	}
	var want []string
	for _, name := range order {
		want = append(want, strings.TrimSuffix(sectionHeader(name, servers[name]), "\n"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sections:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// matrixRows are the rows under the matrix's heading and header line.
func matrixRows(t *testing.T, out, heading string) []string {
	t.Helper()
	_, matrix, ok := strings.Cut(out, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("no %q in\n%s", heading, out)
	}
	lines := strings.Split(strings.TrimSuffix(matrix, "\n"), "\n")
	return lines[1:]
}

func rowAt(rows []string, i int) string {
	if i < len(rows) {
		return rows[i]
	}
	return ""
}
