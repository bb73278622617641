package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// The pinned control plane serves every API the plugin reads; `make
// test-compat` runs these tests on older ones too, where ServiceCIDRs and
// IPAddresses are networking.k8s.io/v1beta1 behind a feature gate (1.31,
// 1.32) or absent.

// serviceCIDRsV1Minor is the first minor serving networking.k8s.io/v1
// ServiceCIDRs and IPAddresses.
const serviceCIDRsV1Minor = 33

// serverMinor is the cluster's Kubernetes minor version.
func serverMinor(t *testing.T, c *localcluster.Cluster) int {
	t.Helper()
	v, err := version.ParseGeneric(serverVersion(t, kubernetes.NewForConfigOrDie(c.RESTConfig)))
	if err != nil {
		t.Fatal(err)
	}
	return int(v.Minor())
}

// requireServiceCIDRsV1 skips a test of networking.k8s.io/v1 ServiceCIDRs
// on a server too old to serve them (TestCheckServiceCIDRsOlderServers
// covers those).
func requireServiceCIDRsV1(t *testing.T, c *localcluster.Cluster) {
	t.Helper()
	if m := serverMinor(t, c); m < serviceCIDRsV1Minor {
		t.Skipf("Kubernetes 1.%d serves no networking.k8s.io/v1 ServiceCIDRs", m)
	}
}

// unexpectedSkips lists the skipped findings of an admin's audit, but for
// those an older server's missing ServiceCIDR API explains.
func unexpectedSkips(t *testing.T, c *localcluster.Cluster, r report.Report) []string {
	t.Helper()
	old := serverMinor(t, c) < serviceCIDRsV1Minor
	var out []string
	for _, f := range r.Findings {
		if f.Result == check.Skip && !(old && strings.Contains(f.Message, "not served by this cluster: networking.k8s.io/v1 is Kubernetes 1.33+")) {
			out = append(out, f.Subject+": "+f.Message)
		}
	}
	return out
}

// TestCheckServiceCIDRsOlderServers: on a server older than 1.33, check
// reads ServiceCIDRs and IPAddresses from networking.k8s.io/v1beta1 where
// the MultiCIDRServiceAllocator gate serves them, and skips their rules,
// naming the versions, where nothing serves them.
func TestCheckServiceCIDRsOlderServers(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Layout: localcluster.SingleStackIPv4, Nodes: 1})
	if m := serverMinor(t, c); m >= serviceCIDRsV1Minor {
		t.Skipf("Kubernetes 1.%d serves networking.k8s.io/v1 ServiceCIDRs (make test-compat runs older servers)", m)
	}
	waitForServiceSlices(t, kubernetes.NewForConfigOrDie(c.RESTConfig))
	serviceCIDRRules := []string{"capacity-service-addresses", "servicecidr-default-matches-flags", "servicecidr-valid"}
	r, code := runCheck(t, c.Kubeconfig, "--expect=ipv4")
	for _, id := range serviceCIDRRules {
		if got := findingsOf(r, id); len(got) != 1 || got[0].Result != check.Skip {
			t.Errorf("not served: %s gave %+v, want one skip", id, got)
		}
	}
	if skipped := unexpectedSkips(t, c, r); len(skipped) > 0 || code != 0 || len(failing(r)) > 0 {
		t.Errorf("not served: exit %d, failing %v, skips the old server does not explain %v\n%s", code, failing(r), skipped, describeFindings(r))
	}

	for _, args := range [][]string{{"get", "servicecidrs"}, {"get", "servicecidrs", "-o", "json"}} {
		_, stderr, code := runSplit(t, filepath.Join(binDir(t), "kubectl-dualstack"), append(args, "--kubeconfig", c.Kubeconfig)...)
		want := "error: the server doesn't have a resource type \"servicecidrs\" (networking.k8s.io/v1 ServiceCIDRs and IPAddresses are Kubernetes 1.33+)\n"
		if stderr != want || code != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", args, code, stderr, want)
		}
	}

	// 1.31 and 1.32 serve v1beta1 with the gate on. (1.31's apiserver
	// refuses to start with the gate on a dual-stack range: "cannot create
	// cluster secondary IP allocator", hence the single-stack layout.)
	gate := "--feature-gates=MultiCIDRServiceAllocator=true"
	beta := startCluster(t, localcluster.Config{Layout: localcluster.SingleStackIPv4, Nodes: 1, ExtraArgs: map[string][]string{
		localcluster.APIServer:         {gate, "--runtime-config=networking.k8s.io/v1beta1=true"},
		localcluster.ControllerManager: {gate},
	}})
	waitForServiceSlices(t, kubernetes.NewForConfigOrDie(beta.RESTConfig))
	r, code = runCheck(t, beta.Kubeconfig, "--expect=ipv4")
	for _, id := range serviceCIDRRules {
		if got := findingsOf(r, id); len(got) != 1 || got[0].Result != check.Pass {
			t.Errorf("v1beta1 served: %s gave %+v, want one pass\n%s", id, got, describeFindings(r))
		}
	}
	if r.Summary.Skip > 0 || code != 0 {
		t.Errorf("v1beta1 served: exit %d, %d skipped\n%s", code, r.Summary.Skip, describeFindings(r))
	}
}
