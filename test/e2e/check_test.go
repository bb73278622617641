package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// runCheck runs the built plugin's check with -o json and returns the
// report and the exit code.
func runCheck(t *testing.T, kubeconfig string, args ...string) (report.Report, int) {
	t.Helper()
	out, stderr, code := runSplit(t, filepath.Join(binDir(t), "kubectl-dualstack"), append([]string{"check", "-o", "json", "--kubeconfig", kubeconfig}, args...)...)
	var r report.Report
	if jsonErr := json.Unmarshal([]byte(out), &r); jsonErr != nil {
		t.Fatalf("check printed no JSON report (exit %d): %v\nstdout:\n%s\nstderr:\n%s", code, jsonErr, out, stderr)
	}
	return r, code
}

// failing lists "id (severity)" of the failing findings at warning or error.
func failing(r report.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Result == check.Fail && f.Severity != check.Info && !slices.Contains(out, f.ID) {
			out = append(out, f.ID)
		}
	}
	sort.Strings(out)
	return out
}

func describeFindings(r report.Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		if f.Result != check.Pass {
			b.WriteString("  " + string(f.Result) + " " + string(f.Severity) + " " + f.ID + " " + f.Subject + ": " + f.Message + " [" + f.Source + "]\n")
		}
	}
	return b.String()
}

// TestCheckHealthy: healthy local clusters report no failing finding.
func TestCheckHealthy(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	for _, tt := range []struct {
		layout localcluster.Layout
		args   []string
	}{
		{localcluster.DualStackIPv4Primary, []string{"--expect=dual", "--probe"}},
		{localcluster.DualStackIPv6Primary, []string{"--expect=dual", "--probe"}},
		{localcluster.SingleStackIPv4, []string{"--expect=ipv4", "--probe"}},
	} {
		t.Run(string(tt.layout), func(t *testing.T) {
			c := startCluster(t, localcluster.Config{Layout: tt.layout})
			if tt.layout != localcluster.SingleStackIPv4 {
				kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "testdata", "demo"))
				waitForPodIPs(t, kubernetes.NewForConfigOrDie(c.RESTConfig), "demo", 4)
			}
			waitForServiceSlices(t, kubernetes.NewForConfigOrDie(c.RESTConfig))
			report, code := runCheck(t, c.Kubeconfig, tt.args...)
			t.Logf("summary %+v\n%s", report.Summary, describeFindings(report))
			if got := failing(report); len(got) > 0 || code != 0 {
				t.Errorf("healthy cluster: exit %d, failing rules %v", code, got)
			}
			if skipped := unexpectedSkips(t, c, report); len(skipped) > 0 {
				t.Errorf("an admin's audit of the local cluster skipped %v", skipped)
			}
			if report.Summary.Pass < 10 {
				t.Errorf("only %d rules passed", report.Summary.Pass)
			}
		})
	}
}

// TestCheckLeastPrivilege: a user who may read pods, services and nodes only
// gets a complete report, with skips naming what it could not read.
func TestCheckLeastPrivilege(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	_, err := client.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "pods-services-nodes-reader"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods", "services", "nodes"}, Verbs: []string{"get", "list", "watch"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "viewer"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "pods-services-nodes-reader"},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: "viewer"}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	report, code := runCheck(t, c.Kubeconfig, "--as=viewer")
	t.Logf("summary %+v\n%s", report.Summary, describeFindings(report))
	if code != 0 || len(failing(report)) > 0 {
		t.Errorf("exit %d, failing %v: missing rights must skip, not fail", code, failing(report))
	}
	skipped := describeFindings(report)
	for _, source := range []check.Source{check.SourceKubeadm, check.SourceKubeProxy, check.SourceKubelet, check.SourceSlices, check.SourceServiceCIDRs} {
		if !strings.Contains(skipped, string(source)+": forbidden") {
			t.Errorf("no skip naming %q as forbidden", source)
		}
	}
	if report.Summary.Pass == 0 {
		t.Error("nothing passed: rules on pods, services and nodes should still run")
	}
}

// TestCheckLiveWithFiles: --live --from-file audits the cluster and adds a
// node's kubelet flags file to it; the finding points at the file's line.
func TestCheckLiveWithFiles(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	waitForServiceSlices(t, kubernetes.NewForConfigOrDie(c.RESTConfig))
	flags := filepath.Join(t.TempDir(), "kubeadm-flags.env")
	content := "# written by kubeadm\nKUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=172.18.0.2,172.18.0.3\"\n"
	if err := os.WriteFile(flags, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	report, code := runCheck(t, c.Kubeconfig, "--live", "--from-file", flags)
	t.Logf("summary %+v\n%s", report.Summary, describeFindings(report))
	if got := failing(report); !slices.Equal(got, []string{"kubelet-node-ip"}) || code != 1 {
		t.Fatalf("exit %d, failing %v, want exit 1 and [kubelet-node-ip]", code, got)
	}
	for _, f := range report.Findings {
		if f.ID == "kubelet-node-ip" && f.Result == check.Fail && (f.File != flags || f.Line != 2) {
			t.Errorf("kubelet-node-ip points at %s:%d, want %s:2", f.File, f.Line, flags)
		}
	}
	// The cluster was audited too: the live sources were read.
	if report.Summary.Skip > 0 || report.Summary.Pass < 40 {
		t.Errorf("the live part of the audit is missing: %+v", report.Summary)
	}
}
