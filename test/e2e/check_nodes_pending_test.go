package e2e

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// TestCheckNodePendingUntilReady: a node registers on a real control plane
// whose node IPAM has not got to it (kube-controller-manager is down, its
// flags still say --allocate-node-cidrs=true), and whose kubelet has
// reported no address yet: NotReady, no InternalIP, no podCIDRs. check
// names it in info findings that say pending, and fails nothing; once its
// status says Ready without them, the same findings are errors.
func TestCheckNodePendingUntilReady(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	waitForServiceSlices(t, client)
	if err := c.StopComponent(localcluster.ControllerManager); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const name = "node-joining"
	if _, err := client.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	setNodeReady(t, client, name, corev1.ConditionFalse, "KubeletNotReady", "container runtime network not ready")

	subjects := []string{
		"capacity-node-pod-cidrs-allocated node/" + name + " spec.podCIDRs",
		"nodes-internal-ip-per-family node/" + name + " status.addresses",
	}
	r, code := runCheck(t, c.Kubeconfig)
	t.Logf("not Ready: exit %d, summary %+v\n%s", code, r.Summary, describeFindings(r))
	if got := nodeFindings(r, name, check.Info); !slices.Equal(got, subjects) {
		t.Errorf("info findings on %s: %v, want %v", name, got, subjects)
	}
	for _, f := range r.Findings {
		if strings.Contains(f.Subject, name) && f.Severity == check.Info && !strings.HasPrefix(f.Message, "pending: ") {
			t.Errorf("%s %s: %q does not say pending", f.ID, f.Subject, f.Message)
		}
	}
	if got := failing(r); len(got) > 0 || code != 0 {
		t.Errorf("a node that has just registered: exit %d, failing rules %v; want 0 and none", code, got)
	}

	setNodeReady(t, client, name, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status")
	r, code = runCheck(t, c.Kubeconfig)
	t.Logf("Ready: exit %d, summary %+v\n%s", code, r.Summary, describeFindings(r))
	if got := nodeFindings(r, name, check.Error); !slices.Equal(got, subjects) || code != 1 {
		t.Errorf("Ready without addresses or podCIDRs: exit %d, errors on %s %v; want 1 and %v", code, name, got, subjects)
	}
	if got := nodeFindings(r, name, check.Info); len(got) > 0 {
		t.Errorf("Ready: info findings on %s left: %v", name, got)
	}
}

// setNodeReady writes the node's Ready condition, as its kubelet does in
// the status it posts.
func setNodeReady(t *testing.T, client kubernetes.Interface, name string, status corev1.ConditionStatus, reason, message string) {
	t.Helper()
	now := metav1.Now()
	patch, _ := json.Marshal(map[string]any{"status": map[string]any{"conditions": []corev1.NodeCondition{{
		Type: corev1.NodeReady, Status: status, Reason: reason, Message: message, LastHeartbeatTime: now, LastTransitionTime: now,
	}}}})
	if _, err := client.CoreV1().Nodes().Patch(context.Background(), name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal(err)
	}
}

// nodeFindings lists "id subject" of the failing findings of severity sev
// that name the node, sorted.
func nodeFindings(r report.Report, node string, sev check.Severity) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Result == check.Fail && f.Severity == sev && strings.HasPrefix(f.Subject, "node/"+node+" ") {
			out = append(out, f.ID+" "+f.Subject)
		}
	}
	slices.Sort(out)
	return out
}
