package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// TestOddObjects: objects a real API server accepts but the demo never
// makes (pods with no, one, or two IPs in either order; headless,
// ExternalName and selectorless Services; hand-made EndpointSlices of type
// FQDN, with Node or other targetRefs, without targetRef, conditions or
// ports; nodes without addresses) go through every get output, describe
// and check: no panic, exit codes as documented, rows as the objects say.
// The nodes it adds are its own cluster's, gone when the cluster stops.
func TestOddObjects(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	const ns = "default"

	// Nodes no kubelet reports on: one bare, one with a hostname only.
	for _, name := range []string{"node-bare", "node-hostname-only"} {
		if _, err := client.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	hostnameOnly := `{"status":{"addresses":[{"type":"Hostname","address":"node-hostname-only"}]}}`
	if _, err := client.CoreV1().Nodes().Patch(ctx, "node-hostname-only", types.MergePatchType, []byte(hostnameOnly), metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal(err)
	}

	// Pods: unscheduled, bound to the bare node (never started), one
	// family only, two families (the IPv6-first one re-ordered below, as a
	// kubelet on an IPv6-first node reports it), host network.
	pod := func(name string, annotations map[string]string, edit func(*corev1.PodSpec)) {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "odd"}, Annotations: annotations},
			Spec:       corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}},
		}
		if edit != nil {
			edit(&p.Spec)
		}
		if _, err := client.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pod("pod-no-node", nil, func(s *corev1.PodSpec) { s.NodeName, s.NodeSelector = "", map[string]string{"odd": "nowhere"} })
	pod("pod-no-ip", nil, func(s *corev1.PodSpec) { s.NodeName = "node-bare" })
	pod("pod-one-ipv4", map[string]string{localcluster.AnnotationIPFamilies: "IPv4"}, nil)
	pod("pod-one-ipv6", map[string]string{localcluster.AnnotationIPFamilies: "IPv6"}, nil)
	pod("pod-ipv4-first", nil, nil)
	pod("pod-ipv6-first", nil, nil)
	pod("pod-host-network", nil, func(s *corev1.PodSpec) { s.HostNetwork = true })
	started := waitForRunning(t, client, ns, "pod-one-ipv4", "pod-one-ipv6", "pod-ipv4-first", "pod-ipv6-first", "pod-host-network")
	ips := podIPs(started["pod-ipv6-first"])
	if len(ips) != 2 {
		t.Fatalf("pod-ipv6-first has IPs %v", ips)
	}
	swapped := `{"status":{"podIP":"` + ips[1] + `","podIPs":[{"ip":"` + ips[1] + `"},{"ip":"` + ips[0] + `"}]}}`
	if _, err := client.CoreV1().Pods(ns).Patch(ctx, "pod-ipv6-first", types.MergePatchType, []byte(swapped), metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal(err)
	}

	// Services, and the slices of the selectorless ones by hand.
	for _, svc := range []*corev1.Service{
		{ObjectMeta: metav1.ObjectMeta{Name: "svc-headless"}, Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone, IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicyPreferDualStack), Selector: map[string]string{"app": "odd"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "svc-external-name"}, Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeExternalName, ExternalName: "db.example.com"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "svc-selectorless"}, Spec: corev1.ServiceSpec{
			IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicyRequireDualStack), Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "svc-fqdn"}, Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "db", Port: 5432}}}},
	} {
		if _, err := client.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	nodeRef := &corev1.ObjectReference{Kind: "Node", Name: "node-1"}
	vmRef := &corev1.ObjectReference{Kind: "VirtualMachine", Namespace: ns, Name: "vm-1"}
	httpPort := []discoveryv1.EndpointPort{{Name: ptr.To("http"), Port: ptr.To[int32](8080), Protocol: ptr.To(corev1.ProtocolTCP)}}
	ready := discoveryv1.EndpointConditions{Ready: ptr.To(true)}
	for _, s := range []discoveryv1.EndpointSlice{
		{ObjectMeta: metav1.ObjectMeta{Name: "svc-selectorless-v4"}, AddressType: discoveryv1.AddressTypeIPv4, Ports: httpPort, Endpoints: []discoveryv1.Endpoint{
			{Addresses: []string{"192.168.10.50"}, Conditions: ready},
			{Addresses: []string{"192.168.10.12"}, Conditions: ready, TargetRef: nodeRef},
			{Addresses: []string{"10.244.9.60"}, Conditions: ready, TargetRef: vmRef},
			{Addresses: []string{"10.244.9.61"}}, // no conditions: ready
		}},
		{ObjectMeta: metav1.ObjectMeta{Name: "svc-selectorless-v6"}, AddressType: discoveryv1.AddressTypeIPv6, Ports: httpPort, Endpoints: []discoveryv1.Endpoint{
			{Addresses: []string{"fd00:10::50"}, Conditions: ready},
			{Addresses: []string{"fd00:10::12"}, Conditions: ready, TargetRef: nodeRef},
			{Addresses: []string{"fd00:10:244:9::60"}, Conditions: ready, TargetRef: vmRef},
		}},
		{ObjectMeta: metav1.ObjectMeta{Name: "svc-fqdn-1"}, AddressType: discoveryv1.AddressTypeFQDN,
			Ports:     []discoveryv1.EndpointPort{{Name: ptr.To("db"), Port: ptr.To[int32](5432)}},
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"db.example.com"}, Conditions: ready}}},
	} {
		s.Labels = map[string]string{discoveryv1.LabelServiceName: strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s.Name, "-v4"), "-v6"), "-1")}
		if _, err := client.DiscoveryV1().EndpointSlices(ns).Create(ctx, &s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// svc-headless: every started pod but pod-one-ipv6 has an IPv4 address.
	waitForSlices(t, client, ns, "svc-headless", 4)

	plugin := func(args ...string) (string, int) {
		t.Helper()
		out, err := exec.Command(filepath.Join(binDir(t), "kubectl-dualstack"), append(args, "--kubeconfig", c.Kubeconfig)...).CombinedOutput()
		code := exitCode(t, err)
		if strings.Contains(string(out), "panic") || strings.Contains(string(out), "goroutine ") {
			t.Errorf("%s: a panic:\n%s", strings.Join(args, " "), out)
		}
		return string(out), code
	}
	mustRun := func(args ...string) string {
		t.Helper()
		out, code := plugin(args...)
		if code != 0 {
			t.Errorf("%s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
		return out
	}

	t.Run("get", func(t *testing.T) {
		for _, typ := range []string{"pods", "svc", "endpoints", "nodes"} {
			for _, format := range []string{"wide", "json", "yaml", "name", "custom-columns=NAME:.metadata.name"} {
				mustRun("get", typ, "-A", "-o", format)
			}
		}
		checkPodIPs(t, client, mustRun("get", "pods", "-A", "-o", "wide"))

		nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]map[string]string{}
		for _, row := range columns(t, mustRun("get", "nodes")) {
			rows[row["NAME"]] = row
		}
		for _, n := range nodes.Items {
			want := joinedOrNone(internalIPs(n))
			if got := rows[n.Name]["INTERNAL-IPS"]; got != want {
				t.Errorf("node %s: INTERNAL-IPS %q, want %q", n.Name, got, want)
			}
		}

		svcs := map[string]map[string]string{}
		for _, row := range columns(t, mustRun("get", "svc", "-o", "wide")) {
			svcs[row["NAME"]] = row
		}
		for name, want := range map[string][2]string{ // CLUSTER-IPS, EXTERNAL-IP
			"svc-headless":      {"None", "<none>"},
			"svc-external-name": {"<none>", "db.example.com"},
		} {
			if got := [2]string{svcs[name]["CLUSTER-IPS"], svcs[name]["EXTERNAL-IP"]}; got != want {
				t.Errorf("service %s: %q, want %q", name, got, want)
			}
		}

		// Every ready address of the IP slices once, grouped by targetRef;
		// the FQDN slice is left out (kube-proxy ignores it too).
		eps := mustRun("get", "endpoints", "-A", "--all-endpoints")
		for _, svc := range []string{"svc-headless", "svc-selectorless"} {
			checkEndpointGroupsOf(t, client, ns, svc, rowsOfService(eps, ns, svc))
		}
		if !strings.Contains(rowsOfService(eps, ns, "svc-fqdn"), " <none> ") {
			t.Errorf("svc-fqdn: want <none>:\n%s", eps)
		}
		for _, group := range []string{"{192.168.10.12:8080,[fd00:10::12]:8080}", "{10.244.9.60:8080,[fd00:10:244:9::60]:8080}"} {
			if !strings.Contains(eps, group) {
				t.Errorf("no group %s:\n%s", group, eps)
			}
		}
	})

	t.Run("describe", func(t *testing.T) {
		pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods.Items {
			out := mustRun("describe", "pod", p.Name, "-n", ns)
			if got, want := describeField(out, "IPs"), joinedOrNone(podIPs(p)); got != want {
				t.Errorf("describe pod %s: IPs %q, want %q", p.Name, got, want)
			}
		}
		for _, name := range []string{"node-bare", "node-hostname-only"} {
			if got := describeField(mustRun("describe", "node", name), "Primary IP Family"); got != "<none>" {
				t.Errorf("describe node %s: Primary IP Family %q, want <none>", name, got)
			}
		}
		for _, name := range []string{"svc-headless", "svc-external-name", "svc-selectorless", "svc-fqdn"} {
			mustRun("describe", "svc", name, "-n", ns)
		}
		if got := describeField(mustRun("describe", "svc", "svc-fqdn", "-n", ns), "Endpoints"); got != "<none>" {
			t.Errorf("describe svc svc-fqdn: Endpoints %q, want <none>", got)
		}
		mustRun("describe", "endpoints", "svc-headless", "-n", ns) // made by the endpoints controller
		mustRun("describe", "pods", "-A")
		mustRun("describe", "nodes")
	})

	t.Run("check", func(t *testing.T) {
		for _, format := range []string{"text", "yaml", "junit", "sarif"} {
			if out, code := plugin("check", "-o", format); code != 0 && code != 1 {
				t.Errorf("check -o %s: exit %d\n%s", format, code, out)
			}
		}
		report, code := runCheck(t, c.Kubeconfig)
		failed := map[string]bool{}
		for _, f := range report.Findings {
			if f.Result == check.Fail {
				failed[f.ID+" "+f.Subject] = true
			}
		}
		for _, want := range []string{
			"nodes-internal-ip-per-family node/node-bare status.addresses",
			"nodes-internal-ip-per-family node/node-hostname-only status.addresses",
			"pods-dual-stack-ips pod/default/pod-one-ipv4 status.podIPs",
			"pods-dual-stack-ips pod/default/pod-one-ipv6 status.podIPs",
			"pods-primary-family pod/default/pod-ipv6-first status.podIPs",
		} {
			if !failed[want] {
				t.Errorf("no failing %q in\n%s", want, describeFindings(report))
			}
		}
		if code != 1 || !report.Failing("error") {
			t.Errorf("exit %d, want 1 (errors found)", code)
		}
	})
}

// waitForRunning waits until the named pods run with IPs, and returns them.
func waitForRunning(t *testing.T, client kubernetes.Interface, ns string, names ...string) map[string]corev1.Pod {
	t.Helper()
	out := map[string]corev1.Pod{}
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		for _, p := range list.Items {
			if slices.Contains(names, p.Name) && p.Status.Phase == corev1.PodRunning && len(p.Status.PodIPs) > 0 {
				out[p.Name] = p
			}
		}
		return len(out) == len(names), nil
	})
	if err != nil {
		t.Fatalf("waiting for pods %v to run: %v (running: %d)", names, err, len(out))
	}
	return out
}

func joinedOrNone(values []string) string {
	if len(values) == 0 {
		return "<none>"
	}
	return strings.Join(values, ",")
}

// describeField is the value of the first top-level `Label:  value` line.
func describeField(out, label string) string {
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, label+":"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return "(no " + label + ")"
}

// rowsOfService keeps the header and the rows of one Service of a
// `get endpoints -A` table (its first row, then continuation lines).
func rowsOfService(out, ns, svc string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	kept := []string{lines[0]}
	mine := false
	for _, line := range lines[1:] {
		if f := strings.Fields(line); len(f) == 4 {
			mine = f[0] == ns && f[1] == svc
		}
		if mine {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n") + "\n"
}
