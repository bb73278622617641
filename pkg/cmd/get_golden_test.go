package cmd

import (
	"net/netip"
	"path/filepath"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// goldenCase is one run of `kubectl dualstack get` against a fixture.
type goldenCase struct {
	name string
	args []string
	// noEndpointSlices serves no discovery.k8s.io/v1, as Kubernetes before
	// 1.21 did: `get endpoints` falls back to v1 Endpoints.
	noEndpointSlices bool
	// noGatewayAPI serves no Gateway API: the Gateways are left out.
	noGatewayAPI bool
	// failed: the command fails (exit code 1).
	failed bool
}

// layoutCases run in every layout.
var layoutCases = []goldenCase{
	{name: "pods", args: []string{"get", "pods"}},
	{name: "pods-wide", args: []string{"get", "pods", "-o", "wide"}},
	{name: "pods-all-namespaces-show-labels", args: []string{"get", "pods", "-A", "--show-labels"}},
	{name: "pods-label-column-sort-by-name", args: []string{"get", "pods", "-L", "app", "--sort-by=.metadata.name"}},
	{name: "pods-no-headers", args: []string{"get", "pods", "--no-headers"}},
	{name: "pods-name", args: []string{"get", "pods", "-o", "name"}},
	{name: "pods-json", args: []string{"get", "pods", "-o", "json"}},
	{name: "pods-jsonpath", args: []string{"get", "pods", "-o", "jsonpath={.items[*].status.podIPs}"}},
	{name: "pods-custom-columns", args: []string{"get", "pods", "-o", "custom-columns=NAME:.metadata.name,IPS:.status.podIPs[*].ip"}},
	{name: "svc", args: []string{"get", "svc"}},
	{name: "svc-wide", args: []string{"get", "svc", "-o", "wide"}},
	{name: "svc-web-yaml", args: []string{"get", "svc", "web", "-o", "yaml"}},
	{name: "endpoints", args: []string{"get", "endpoints"}},
	{name: "endpoints-all-include-not-ready", args: []string{"get", "ep", "--all-endpoints", "--include-not-ready"}},
	{name: "endpoints-db", args: []string{"get", "endpoints", "db"}},
	{name: "endpoints-v1-fallback", args: []string{"get", "endpoints"}, noEndpointSlices: true},
	{name: "nodes", args: []string{"get", "nodes"}},
	{name: "nodes-wide", args: []string{"get", "nodes", "-o", "wide"}},
	{name: "ingresses", args: []string{"get", "ingresses"}},
	{name: "ingresses-all-namespaces", args: []string{"get", "ing", "-A"}},
	{name: "gateways", args: []string{"get", "gateways"}},
	{name: "gateways-wide-show-labels", args: []string{"get", "gtw", "-o", "wide", "--show-labels"}},
}

// dualIPv4Cases run in the dual-ipv4 layout only: what they check does not
// depend on the layout.
var dualIPv4Cases = []goldenCase{
	{name: "endpoints-all-namespaces", args: []string{"get", "endpoints", "-A"}},
	{name: "endpoints-name", args: []string{"get", "endpoints", "-o", "name"}},
	{name: "endpoints-v1-fallback-all-include-not-ready", args: []string{"get", "ep", "--all-endpoints", "--include-not-ready"}, noEndpointSlices: true},
	{name: "error-unknown-type", args: []string{"get", "foo"}, failed: true},
	{name: "error-pod-not-found", args: []string{"get", "pods", "nope"}, failed: true},
	{name: "error-endpoints-not-found", args: []string{"get", "endpoints", "nope"}, failed: true},
	{name: "error-bogus-output", args: []string{"get", "pods", "-o", "bogus"}, failed: true},
	{name: "empty-namespace", args: []string{"get", "pods", "-n", "empty"}},
	{name: "ingress-web-yaml", args: []string{"get", "ingress/web", "-o", "yaml"}},
	{name: "ingresses-name-sort-by", args: []string{"get", "ingresses", "-A", "-o", "name", "--sort-by=.metadata.creationTimestamp"}},
	{name: "ingresses-jsonpath", args: []string{"get", "ingresses", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.status.loadBalancer.ingress[*].ip}{\"\\n\"}{end}"}},
	{name: "ingresses-label-selector", args: []string{"get", "ingresses", "-l", "app=web"}},
	{name: "gateways-json", args: []string{"get", "gateways", "-o", "json"}},
	{name: "gateway-public-yaml", args: []string{"get", "gateway", "public", "-o", "yaml"}},
	{name: "gateways-name", args: []string{"get", "gateways", "-A", "-o", "name"}},
	{name: "gateways-custom-columns", args: []string{"get", "gateways", "-o", "custom-columns=NAME:.metadata.name,ADDRESSES:.status.addresses[*].value"}},
	{name: "gateways-sort-by-name-chunked", args: []string{"get", "gateways", "--sort-by=.metadata.name", "--chunk-size=1"}},
	{name: "error-gateway-not-found", args: []string{"get", "gateways", "nope"}, failed: true},
	{name: "error-ingress-not-found", args: []string{"get", "ingresses", "nope"}, failed: true},
	{name: "error-gateways-not-served", args: []string{"get", "gateways"}, noGatewayAPI: true, failed: true},
	{name: "error-watch-nodes", args: []string{"get", "nodes", "-w"}, failed: true},
}

var goldenLayouts = []string{"dual-ipv4", "dual-ipv6", "single-ipv4", "single-ipv6"}

func TestGetGolden(t *testing.T) {
	useGoldenKubeconfig(t)

	for _, layout := range goldenLayouts {
		objs := loadFixture(t, filepath.Join("..", "..", "testdata", "get", layout+".yaml"))
		cases := layoutCases
		if layout == "dual-ipv4" {
			cases = append(cases[:len(cases):len(cases)], dualIPv4Cases...)
		}
		for _, tc := range cases {
			name := layout + "." + tc.name
			t.Run(name, func(t *testing.T) {
				objs := objs
				if tc.noGatewayAPI {
					objs, _ = splitCRDs(objs)
				}
				stdout, stderr, code := executeGet(t, objs, !tc.noEndpointSlices, tc.args...)
				wantCode := ExitOK
				if tc.failed {
					wantCode = ExitError
				}
				if code != wantCode {
					t.Errorf("exit code %d, want %d; stderr:\n%s", code, wantCode, stderr)
				}
				compareGolden(t, filepath.Join("..", "..", "testdata", "get", "golden", name+".txt"), goldenText(stdout, stderr))
			})
		}
	}
}

// TestGetFixturesConsistent checks that the fixtures could be a real
// cluster: pod IPs in their node's pod CIDRs (node IPs on the host network),
// cluster IPs matching the IP families and policy, and endpoints pointing at
// pods that have those addresses and that readiness.
func TestGetFixturesConsistent(t *testing.T) {
	for _, layout := range goldenLayouts {
		t.Run(layout, func(t *testing.T) {
			nodes := map[string]*corev1.Node{}
			pods := map[string]*corev1.Pod{}
			services := map[string]*corev1.Service{}
			objs := loadFixture(t, filepath.Join("..", "..", "testdata", "get", layout+".yaml"))
			for _, obj := range objs {
				switch o := obj.(type) {
				case *corev1.Node:
					nodes[o.Name] = o
				case *corev1.Pod:
					pods[o.Namespace+"/"+o.Name] = o
				case *corev1.Service:
					services[o.Namespace+"/"+o.Name] = o
				}
			}
			for _, pod := range pods {
				checkFixturePod(t, pod, nodes)
			}
			for _, svc := range services {
				checkFixtureService(t, svc)
			}
			for _, obj := range objs {
				switch o := obj.(type) {
				case *discoveryv1.EndpointSlice:
					checkFixtureSlice(t, o, services, pods)
				case *corev1.Endpoints:
					checkFixtureEndpoints(t, o, services, pods)
				}
			}
		})
	}
}

func checkFixturePod(t *testing.T, pod *corev1.Pod, nodes map[string]*corev1.Node) {
	t.Helper()
	if pod.Spec.NodeName == "" {
		if len(pod.Status.PodIPs) > 0 {
			t.Errorf("pod %s: IPs without a node", pod.Name)
		}
		return
	}
	node, ok := nodes[pod.Spec.NodeName]
	if !ok {
		t.Errorf("pod %s: no node %s", pod.Name, pod.Spec.NodeName)
		return
	}
	var internal []string
	for _, a := range node.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			internal = append(internal, a.Address)
		}
	}
	var ips []string
	for _, ip := range pod.Status.PodIPs {
		ips = append(ips, ip.IP)
	}
	if len(ips) > 0 && pod.Status.PodIP != ips[0] {
		t.Errorf("pod %s: podIP %s is not podIPs[0] %s", pod.Name, pod.Status.PodIP, ips[0])
	}
	if pod.Spec.HostNetwork {
		if !slices.Equal(ips, internal) {
			t.Errorf("hostNetwork pod %s: IPs %v, node InternalIPs %v", pod.Name, ips, internal)
		}
		return
	}
	for i, ip := range ips {
		addr := netip.MustParseAddr(ip)
		if !slices.ContainsFunc(node.Spec.PodCIDRs, func(c string) bool { return netip.MustParsePrefix(c).Contains(addr) }) {
			t.Errorf("pod %s: IP %s outside node %s's pod CIDRs %v", pod.Name, ip, node.Name, node.Spec.PodCIDRs)
		}
		if i == 0 && dualstack.FamilyOf(ip) != dualstack.FamilyOf(internal[0]) {
			t.Errorf("pod %s: first IP %s is not of the cluster's primary family", pod.Name, ip)
		}
	}
}

func checkFixtureService(t *testing.T, svc *corev1.Service) {
	t.Helper()
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		if len(svc.Spec.ClusterIPs) > 0 || len(svc.Spec.IPFamilies) > 0 || svc.Spec.IPFamilyPolicy != nil {
			t.Errorf("ExternalName service %s has IPs or families", svc.Name)
		}
		return
	}
	want := map[corev1.IPFamilyPolicy]int{corev1.IPFamilyPolicySingleStack: 1, corev1.IPFamilyPolicyRequireDualStack: 2}
	if n, ok := want[*svc.Spec.IPFamilyPolicy]; ok && len(svc.Spec.IPFamilies) != n {
		t.Errorf("service %s: %s with families %v", svc.Name, *svc.Spec.IPFamilyPolicy, svc.Spec.IPFamilies)
	}
	if svc.Spec.ClusterIP != svc.Spec.ClusterIPs[0] {
		t.Errorf("service %s: clusterIP %s is not clusterIPs[0]", svc.Name, svc.Spec.ClusterIP)
	}
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		return
	}
	if len(svc.Spec.ClusterIPs) != len(svc.Spec.IPFamilies) {
		t.Errorf("service %s: clusterIPs %v for families %v", svc.Name, svc.Spec.ClusterIPs, svc.Spec.IPFamilies)
	}
	for i, ip := range svc.Spec.ClusterIPs {
		if i < len(svc.Spec.IPFamilies) && dualstack.FamilyOf(ip) != svc.Spec.IPFamilies[i] {
			t.Errorf("service %s: clusterIPs[%d] %s is not %s", svc.Name, i, ip, svc.Spec.IPFamilies[i])
		}
	}
	var ingress []corev1.IPFamily
	for _, ing := range svc.Status.LoadBalancer.Ingress {
		ingress = append(ingress, dualstack.FamilyOf(ing.IP))
	}
	if len(ingress) > 0 && !slices.Equal(ingress, svc.Spec.IPFamilies) {
		t.Errorf("service %s: ingress families %v, service families %v", svc.Name, ingress, svc.Spec.IPFamilies)
	}
}

// checkFixtureAddress checks an endpoint address against its targetRef's pod.
func checkFixtureAddress(t *testing.T, what, ip string, ref *corev1.ObjectReference, ready bool, pods map[string]*corev1.Pod) {
	t.Helper()
	if ref == nil {
		return
	}
	pod, ok := pods[ref.Namespace+"/"+ref.Name]
	if !ok {
		t.Errorf("%s: targetRef to missing pod %s/%s", what, ref.Namespace, ref.Name)
		return
	}
	if ref.UID != pod.UID {
		t.Errorf("%s: targetRef uid %s, pod %s has %s", what, ref.UID, pod.Name, pod.UID)
	}
	if !slices.ContainsFunc(pod.Status.PodIPs, func(p corev1.PodIP) bool { return p.IP == ip }) {
		t.Errorf("%s: %s is not an IP of pod %s", what, ip, pod.Name)
	}
	podReady := slices.ContainsFunc(pod.Status.Conditions, func(c corev1.PodCondition) bool {
		return c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue
	})
	if ready != podReady {
		t.Errorf("%s: %s ready=%v, pod %s ready=%v", what, ip, ready, pod.Name, podReady)
	}
}

func checkFixtureSlice(t *testing.T, slice *discoveryv1.EndpointSlice, services map[string]*corev1.Service, pods map[string]*corev1.Pod) {
	t.Helper()
	svc, ok := services[slice.Namespace+"/"+slice.Labels[discoveryv1.LabelServiceName]]
	if !ok {
		t.Errorf("slice %s: no Service %q", slice.Name, slice.Labels[discoveryv1.LabelServiceName])
		return
	}
	if !slices.Contains(svc.Spec.IPFamilies, corev1.IPFamily(slice.AddressType)) {
		t.Errorf("slice %s: %s, service %s has %v", slice.Name, slice.AddressType, svc.Name, svc.Spec.IPFamilies)
	}
	for _, ep := range slice.Endpoints {
		for _, ip := range ep.Addresses {
			if dualstack.FamilyOf(ip) != corev1.IPFamily(slice.AddressType) {
				t.Errorf("slice %s: %s in an %s slice", slice.Name, ip, slice.AddressType)
			}
			checkFixtureAddress(t, "slice "+slice.Name, ip, ep.TargetRef, ep.Conditions.Ready == nil || *ep.Conditions.Ready, pods)
		}
	}
}

func checkFixtureEndpoints(t *testing.T, ep *corev1.Endpoints, services map[string]*corev1.Service, pods map[string]*corev1.Pod) {
	t.Helper()
	svc, ok := services[ep.Namespace+"/"+ep.Name]
	if !ok {
		t.Errorf("endpoints %s: no Service", ep.Name)
		return
	}
	for _, subset := range ep.Subsets {
		for _, addrs := range []struct {
			list  []corev1.EndpointAddress
			ready bool
		}{{subset.Addresses, true}, {subset.NotReadyAddresses, false}} {
			for _, a := range addrs.list {
				if svc.Spec.Selector != nil && dualstack.FamilyOf(a.IP) != svc.Spec.IPFamilies[0] {
					t.Errorf("endpoints %s: %s is not of the Service's primary family %s", ep.Name, a.IP, svc.Spec.IPFamilies[0])
				}
				checkFixtureAddress(t, "endpoints "+ep.Name, a.IP, a.TargetRef, addrs.ready, pods)
			}
		}
	}
}

// executeGet runs the root command with args against a fake clientset
// holding objs, and returns stdout, stderr and the exit code main would use.
func executeGet(t *testing.T, objs []runtime.Object, endpointSlices bool, args ...string) (string, string, int) {
	t.Helper()
	client, dyn := fakeClients(t, objs)
	if endpointSlices {
		client.Resources = append(client.Resources, &metav1.APIResourceList{
			GroupVersion: "discovery.k8s.io/v1",
			APIResources: []metav1.APIResource{{Name: "endpointslices", SingularName: "endpointslice", Namespaced: true, Kind: "EndpointSlice", Verbs: []string{"get", "list", "watch"}}},
		})
	}
	return executeGetWith(t, client, dyn, args...)
}

// executeGetWith is executeGet with clients of the caller's.
func executeGetWith(t *testing.T, client *fake.Clientset, dyn dynamic.Interface, args ...string) (string, string, int) {
	t.Helper()
	testGetOptions = func(o *GetOptions) {
		o.Client, o.Dynamic = client, dyn
		o.Tables = printers.Tables{Now: goldenNow}
	}
	t.Cleanup(func() { testGetOptions = nil })

	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	root := NewRootCmd(streams, BuildInfo{})
	root.SetArgs(args)
	code := ExitOK
	if err := root.Execute(); err != nil {
		code = PrintError(errOut, err)
	}
	return out.String(), errOut.String(), code
}
