package e2e

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// TestWatchEndpointsAcrossRestart: `get endpoints -w` watches through a
// proxy the test cuts. While the watch is cut, the IPv6 EndpointSlice of a
// Service is deleted and the apiserver restarts, so the server no longer
// has the changes since the version the watch saw last: when the proxy
// lets it through again, the watch gets 410 Expired, lists again, and must
// print the Service's row without the deleted slice's endpoint, not leave
// the row as it was.
func TestWatchEndpointsAcrossRestart(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()

	// A selectorless Service and its slices, made by hand: no controller
	// recreates a slice deleted.
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "manual"}, Spec: corev1.ServiceSpec{
		IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicyRequireDualStack),
		Ports:          []corev1.ServicePort{{Name: "http", Port: 80}},
	}}
	if _, err := client.CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	backend := &corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: "backend-1"}
	for _, s := range []struct {
		name   string
		family discoveryv1.AddressType
		ip     string
	}{{"manual-v4", discoveryv1.AddressTypeIPv4, "192.168.10.50"}, {"manual-v6", discoveryv1.AddressTypeIPv6, "fd00:10::50"}} {
		slice := &discoveryv1.EndpointSlice{
			ObjectMeta: metav1.ObjectMeta{Name: s.name, Labels: map[string]string{
				discoveryv1.LabelServiceName: "manual", discoveryv1.LabelManagedBy: "e2e.kubectl-dualstack",
			}},
			AddressType: s.family,
			Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{s.ip}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}, TargetRef: backend}},
			Ports:       []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To[int32](80), Protocol: ptr.To(corev1.ProtocolTCP)}},
		}
		if _, err := client.DiscoveryV1().EndpointSlices("default").Create(ctx, slice, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	var cut atomic.Bool
	proxy := startFaultProxy(t, c.RESTConfig, func(_ *faultProxy, _ http.ResponseWriter, _ *http.Request, _ http.Handler) bool {
		if cut.Load() {
			panic(http.ErrAbortHandler) // the connection drops
		}
		return false
	})
	w := startWatchProcess(t, "get", "endpoints", "-n", "default", "-w", "--kubeconfig", c.Kubeconfig,
		"--server", proxy.URL, "--certificate-authority", proxy.CAFile)
	lines := w.waitForRow(t, "manual", 10*time.Second)
	if row := lines[len(lines)-1]; !strings.Contains(row, "192.168.10.50:80") || !strings.Contains(row, "[fd00:10::50]:80") {
		t.Fatalf("manual's first row lacks an endpoint: %q", row)
	}

	cut.Store(true)
	proxy.srv.CloseClientConnections()
	if err := client.DiscoveryV1().EndpointSlices("default").Delete(ctx, "manual-v6", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := c.Restart(ctx, localcluster.APIServer); err != nil {
		t.Fatal(err)
	}
	restarted := time.Since(began)
	cut.Store(false)

	lines = w.waitForRow(t, "manual", 60*time.Second)
	resumed := time.Since(began)
	row := lines[len(lines)-1]
	code := w.stop(t)
	t.Logf("slice deleted while the watch was cut, apiserver restarted in %.1fs; row printed at %.1fs: %q; stderr %q; exit %d after Ctrl-C",
		restarted.Seconds(), resumed.Seconds(), row, w.stderrText(), code)
	if !strings.Contains(row, "192.168.10.50:80") || strings.Contains(row, "fd00:10::50") {
		t.Errorf("after the relist manual's row is %q, want the IPv4 endpoint only", row)
	}
	if code != 0 {
		t.Errorf("the watch exited %d after SIGINT, want 0", code)
	}
}
