package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// Addresses of one family in the fixture clusters.
type famAddrs struct {
	serviceRange, clusterCIDR, nodePodCIDR, nodeIP, podIP, serviceIP, kubernetesIP string
}

var addrs = map[corev1.IPFamily]famAddrs{
	corev1.IPv4Protocol: {"10.96.0.0/16", "10.244.0.0/16", "10.244.1.0/24", "192.168.0.11", "10.244.1.5", "10.96.0.10", "10.96.0.1"},
	corev1.IPv6Protocol: {"fd00:10:96::/112", "fd00:10:244::/56", "fd00:10:244:1::/64", "fd00::11", "fd00:10:244:1::5", "fd00:10:96::10", "fd00:10:96::1"},
}

var (
	v4, v6 = corev1.IPv4Protocol, corev1.IPv6Protocol
	stacks = map[string][]corev1.IPFamily{
		"dual-stack IPv4-primary": {v4, v6},
		"dual-stack IPv6-primary": {v6, v4},
		"single-stack IPv4":       {v4},
		"single-stack IPv6":       {v6},
	}
)

// world is a fixture cluster; facts() wires the pods in as a PodVisitor.
type world struct {
	f    *Facts
	pods []corev1.Pod
}

func (w *world) facts() *Facts {
	pods := w.pods
	w.f.Pods = podsOf(pods)
	return w.f
}

// podsOf streams a slice of pods.
func podsOf(pods []corev1.Pod) PodVisitor {
	return func(visit func(*corev1.Pod) error) error {
		for i := range pods {
			if err := visit(&pods[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

func pick(fams []corev1.IPFamily, field func(famAddrs) string) []string {
	var out []string
	for _, f := range fams {
		out = append(out, field(addrs[f]))
	}
	return out
}

func podIPs(ips ...string) []corev1.PodIP {
	var out []corev1.PodIP
	for _, ip := range ips {
		out = append(out, corev1.PodIP{IP: ip})
	}
	return out
}

func hostIPs(ips ...string) []corev1.HostIP {
	var out []corev1.HostIP
	for _, ip := range ips {
		out = append(out, corev1.HostIP{IP: ip})
	}
	return out
}

func slice(ns, name, svc string, t discoveryv1.AddressType, ips ...string) discoveryv1.EndpointSlice {
	s := discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{
			discoveryv1.LabelServiceName: svc, discoveryv1.LabelManagedBy: endpointSliceControllerName,
		}},
		AddressType: t,
	}
	for _, ip := range ips {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{Addresses: []string{ip}})
	}
	return s
}

// healthy builds a consistent cluster of the given families: apiserver and
// controller-manager flags, the kubernetes ServiceCIDR, a node, a Service
// of each kind with its EndpointSlices, a pod, a hostNetwork pod and a
// pending pod.
func healthy(fams []corev1.IPFamily) *world {
	join := func(field func(famAddrs) string) string { return strings.Join(pick(fams, field), ",") }
	dual := len(fams) == 2
	f := &Facts{
		Components: []Component{
			{Kind: APIServer, Instance: "kube-apiserver-cp1", Source: "pod kube-system/kube-apiserver-cp1", Settings: map[string]Setting{
				"service-cluster-ip-range": {Value: join(func(a famAddrs) string { return a.serviceRange }), Source: "pod kube-system/kube-apiserver-cp1, arg --service-cluster-ip-range"},
			}},
			{Kind: ControllerManager, Instance: "kube-controller-manager-cp1", Source: "pod kube-system/kube-controller-manager-cp1", Settings: map[string]Setting{
				"allocate-node-cidrs": {Value: "true", Source: "pod kube-system/kube-controller-manager-cp1, arg --allocate-node-cidrs"},
				"cluster-cidr":        {Value: join(func(a famAddrs) string { return a.clusterCIDR }), Source: "pod kube-system/kube-controller-manager-cp1, arg --cluster-cidr"},
			}},
		},
		ServiceCIDRs: []ServiceCIDR{{Name: "kubernetes", CIDRs: pick(fams, func(a famAddrs) string { return a.serviceRange })}},
	}
	nodeIPs := pick(fams, func(a famAddrs) string { return a.nodeIP })
	node := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}}
	node.Spec.PodCIDRs = pick(fams, func(a famAddrs) string { return a.nodePodCIDR })
	node.Spec.PodCIDR = node.Spec.PodCIDRs[0]
	for _, ip := range nodeIPs {
		node.Status.Addresses = append(node.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: ip})
	}
	node.Status.Addresses = append(node.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeHostName, Address: "node-1"})
	f.Nodes = []corev1.Node{node}

	policy := corev1.IPFamilyPolicyPreferDualStack
	if dual {
		policy = corev1.IPFamilyPolicyRequireDualStack
	}
	serviceIPs := pick(fams, func(a famAddrs) string { return a.serviceIP })
	f.Services = []corev1.Service{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kubernetes"}, Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeClusterIP, ClusterIP: addrs[fams[0]].kubernetesIP, ClusterIPs: []string{addrs[fams[0]].kubernetesIP},
			IPFamilies: fams[:1], IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicySingleStack),
		}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web"}, Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeClusterIP, Selector: map[string]string{"app": "web"}, ClusterIP: serviceIPs[0], ClusterIPs: serviceIPs,
			IPFamilies: fams, IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicyPreferDualStack),
		}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "headless"}, Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeClusterIP, Selector: map[string]string{"app": "web"}, ClusterIP: corev1.ClusterIPNone, ClusterIPs: []string{corev1.ClusterIPNone},
			IPFamilies: fams, IPFamilyPolicy: &policy,
		}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "ext"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "example.com"}},
	}
	podIPList := pick(fams, func(a famAddrs) string { return a.podIP })
	for _, fam := range fams {
		t := discoveryv1.AddressType(fam)
		f.EndpointSlices = append(f.EndpointSlices,
			slice("demo", "web-"+strings.ToLower(string(fam)), "web", t, addrs[fam].podIP),
			slice("demo", "headless-"+strings.ToLower(string(fam)), "headless", t, addrs[fam].podIP))
	}
	f.EndpointSlices = append(f.EndpointSlices, discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: "default", Name: "kubernetes", Labels: map[string]string{discoveryv1.LabelServiceName: "kubernetes"}},
		AddressType: discoveryv1.AddressType(fams[0]),
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{nodeIPs[0]}}},
	})

	web := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web-x"}, Spec: corev1.PodSpec{NodeName: "node-1"}}
	web.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: podIPList[0], PodIPs: podIPs(podIPList...), HostIP: nodeIPs[0], HostIPs: hostIPs(nodeIPs...)}
	proxy := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy-x"}, Spec: corev1.PodSpec{NodeName: "node-1", HostNetwork: true}}
	proxy.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: nodeIPs[0], PodIPs: podIPs(nodeIPs...), HostIP: nodeIPs[0], HostIPs: hostIPs(nodeIPs...)}
	pending := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web-pending"}, Status: corev1.PodStatus{Phase: corev1.PodPending}}
	return &world{f: f, pods: []corev1.Pod{web, proxy, pending}}
}

// setNodeAddrs gives node-1 these InternalIPs and keeps its pods' hostIPs
// (and the hostNetwork pod's podIPs) in step, as kubelet would.
func (w *world) setNodeAddrs(ips ...string) {
	n := &w.f.Nodes[0]
	n.Status.Addresses = nil
	for _, ip := range ips {
		n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: ip})
	}
	for i := range w.pods {
		p := &w.pods[i]
		if p.Spec.NodeName == "" {
			continue
		}
		p.Status.HostIP, p.Status.HostIPs = ips[0], hostIPs(ips...)
		if p.Spec.HostNetwork {
			p.Status.PodIP, p.Status.PodIPs = ips[0], podIPs(ips...)
		}
	}
}

func (w *world) service(name string) *corev1.Service {
	for i := range w.f.Services {
		if w.f.Services[i].Name == name {
			return &w.f.Services[i]
		}
	}
	panic(name)
}

func (w *world) pod(name string) *corev1.Pod {
	for i := range w.pods {
		if w.pods[i].Name == name {
			return &w.pods[i]
		}
	}
	panic(name)
}

func (w *world) dropSlice(name string) {
	w.f.EndpointSlices = slices.DeleteFunc(w.f.EndpointSlices, func(s discoveryv1.EndpointSlice) bool { return s.Name == name })
}

func runObjectRules(t testing.TB, f *Facts) []Finding {
	t.Helper()
	findings, err := Run(f, objectRules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return findings
}

// failing lists "id" for every failure at error or warning level.
func failing(findings []Finding) []string {
	var out []string
	for _, fd := range findings {
		if fd.Result == Fail && fd.Severity != Info {
			out = append(out, fd.ID)
		}
	}
	return out
}

func dump(findings []Finding) string {
	var b strings.Builder
	for _, fd := range findings {
		if fd.Result != Pass {
			fmt.Fprintf(&b, "\n  %s %s %s %s: %s", fd.ID, fd.Severity, fd.Result, fd.Subject, fd.Message)
		}
	}
	return b.String()
}

func TestObjectRulesHealthyClusters(t *testing.T) {
	for name, fams := range stacks {
		t.Run(name, func(t *testing.T) {
			findings := runObjectRules(t, healthy(fams).facts())
			if got := failing(findings); len(got) > 0 {
				t.Fatalf("failing findings %v:%s", got, dump(findings))
			}
			for _, fd := range findings {
				if fd.Result == Skip {
					t.Errorf("skip with every source available:%s", dump([]Finding{fd}))
				}
				if fd.ID == "cluster-stack" {
					wantResult := Pass
					if len(fams) == 1 {
						wantResult = Fail // at info level
					}
					if fd.Result != wantResult || !strings.Contains(fd.Message, name) {
						t.Errorf("cluster-stack: %s %s %q", fd.Result, fd.Severity, fd.Message)
					}
				}
			}
		})
	}
}

// A managed control plane hides its flags: rules that need them skip, the
// rest still find a healthy cluster healthy.
func TestObjectRulesWithoutControlPlane(t *testing.T) {
	for name, fams := range stacks {
		t.Run(name, func(t *testing.T) {
			w := healthy(fams)
			w.f.Components = nil
			w.f.MarkUnavailable(SourceControlPlane, "no static control-plane pods")
			findings := runObjectRules(t, w.facts())
			if got := failing(findings); len(got) > 0 {
				t.Fatalf("failing findings %v:%s", got, dump(findings))
			}
			skipped := map[string]string{}
			for _, fd := range findings {
				if fd.Result == Skip {
					skipped[fd.ID] = fd.Message
				}
			}
			for _, id := range []string{"nodes-pod-cidr-in-cluster-cidr", "servicecidr-default-matches-flags"} {
				if !strings.Contains(skipped[id], "no static control-plane pods") {
					t.Errorf("%s: skip %q, want the control-plane reason", id, skipped[id])
				}
			}
			if len(skipped) != 2 {
				t.Errorf("skipped %v", skipped)
			}
		})
	}
}

func TestObjectRulesUnknownFamiliesSkip(t *testing.T) {
	w := healthy(stacks["dual-stack IPv4-primary"])
	w.f.Components, w.f.ServiceCIDRs = nil, nil
	w.f.MarkUnavailable(SourceControlPlane, "forbidden")
	w.f.MarkUnavailable(SourceServiceCIDRs, "not served")
	findings := runObjectRules(t, w.facts())
	if got := failing(findings); len(got) > 0 {
		t.Fatalf("failing findings %v:%s", got, dump(findings))
	}
	for _, fd := range findings {
		if fd.ID == "cluster-stack" && (fd.Result != Skip || !strings.Contains(fd.Message, "forbidden")) {
			t.Errorf("cluster-stack: %s %q", fd.Result, fd.Message)
		}
		if fd.ID == "pods-dual-stack-ips" && fd.Result != Skip {
			t.Errorf("pods-dual-stack-ips: %s, want a skip when families are unknown", fd.Result)
		}
	}
}

// An error event the controller has since retried past (the ServiceCIDR now
// equals the flags) is information, not a failure.
func TestServiceCIDREventsResolved(t *testing.T) {
	w := healthy(stacks["dual-stack IPv4-primary"])
	w.f.ServiceCIDREvents = []string{"KubernetesDefaultServiceCIDRError: The default ServiceCIDR can not be upgraded from 10.96.0.0/16 to dual stack [10.96.0.0/16 fd00:10:96::/112] : Operation cannot be fulfilled"}
	findings := runObjectRules(t, w.facts())
	if got := failing(findings); len(got) > 0 {
		t.Fatalf("failing rules %v:%s", got, dump(findings))
	}
	i := slices.IndexFunc(findings, func(fd Finding) bool { return fd.ID == "servicecidr-default-events" })
	if i < 0 || findings[i].Severity != Info || !strings.Contains(findings[i].Message, "resolved since") {
		t.Errorf("want an info finding saying the event is resolved:%s", dump(findings))
	}
}

func TestObjectRulesBrokenCases(t *testing.T) {
	dual4, dual6, single4 := stacks["dual-stack IPv4-primary"], stacks["dual-stack IPv6-primary"], stacks["single-stack IPv4"]
	cases := []struct {
		name   string
		fams   []corev1.IPFamily
		break_ func(w *world)
		id     string
		sev    Severity
		msg    string // a fragment of the failure's message
	}{
		{"expect ipv4 on a dual-stack cluster", dual4, func(w *world) { w.f.Expect = "ipv4" }, "cluster-stack", Error, "dual-stack IPv4-primary"},
		{"expect dual on a single-stack cluster", single4, func(w *world) { w.f.Expect = "dual" }, "cluster-stack", Error, "single-stack IPv4"},

		{"kubernetes ServiceCIDR lags the flags", dual4, func(w *world) { w.f.ServiceCIDRs[0].CIDRs = []string{"10.96.0.0/16"} },
			"servicecidr-default-matches-flags", Error, "The default ServiceCIDR [10.96.0.0/16] does not match the controller flag configurations [10.96.0.0/16 fd00:10:96::/112]"},
		{"kubernetes ServiceCIDR missing", dual4, func(w *world) { w.f.ServiceCIDRs[0].Name = "other" },
			"servicecidr-default-matches-flags", Warning, `no ServiceCIDR named "kubernetes"`},
		{"inconsistency events, apiserver flags unknown", dual4, func(w *world) {
			w.f.Components = nil
			w.f.ServiceCIDREvents = []string{"KubernetesDefaultServiceCIDRInconsistent: The default ServiceCIDR [10.96.0.0/16] does not match", "KubernetesDefaultServiceCIDRInconsistent: The default ServiceCIDR [10.96.0.0/16] does not match"}
		}, "servicecidr-default-events", Error, "KubernetesDefaultServiceCIDRInconsistent"},
		{"ServiceCIDR of one family twice", dual4, func(w *world) {
			w.f.ServiceCIDRs = append(w.f.ServiceCIDRs, ServiceCIDR{Name: "extra", CIDRs: []string{"10.100.0.0/16", "10.101.0.0/16"}})
		}, "servicecidr-valid", Error, "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64"},
		{"ServiceCIDR not canonical", dual4, func(w *world) {
			w.f.ServiceCIDRs = append(w.f.ServiceCIDRs, ServiceCIDR{Name: "extra", CIDRs: []string{"10.100.0.1/16"}})
		}, "servicecidr-valid", Error, "must not have bits set beyond the prefix length"},
		{"IPv6 ServiceCIDR shorter than /64", dual4, func(w *world) {
			w.f.ServiceCIDRs = append(w.f.ServiceCIDRs, ServiceCIDR{Name: "big", CIDRs: []string{"fd00:99::/48"}})
		}, "servicecidr-ipv6-prefix-length", Error, "shortest allowed prefix length for service CIDR is 64, got 48"},

		{"two IPv4 podCIDRs", dual4, func(w *world) { w.f.Nodes[0].Spec.PodCIDRs = []string{"10.244.1.0/24", "10.244.2.0/24"} },
			"nodes-pod-cidrs-valid", Error, "may specify no more than one CIDR for each IP family"},
		{"IPv4 podCIDR only", dual4, func(w *world) { w.f.Nodes[0].Spec.PodCIDRs = []string{"10.244.1.0/24"} },
			"nodes-pod-cidr-per-family", Error, "no IPv6 podCIDR"},
		{"podCIDRs in the wrong order", dual4, func(w *world) {
			w.f.Nodes[0].Spec.PodCIDRs = []string{"fd00:10:244:1::/64", "10.244.1.0/24"}
			w.f.Nodes[0].Spec.PodCIDR = "fd00:10:244:1::/64"
		}, "nodes-pod-cidr-per-family", Error, "ordered IPv6,IPv4 but the cluster is IPv4,IPv6"},
		{"no podCIDRs while node IPAM allocates", dual6, func(w *world) { w.f.Nodes[0].Spec.PodCIDRs, w.f.Nodes[0].Spec.PodCIDR = nil, "" },
			"nodes-pod-cidr-per-family", Error, "has not allocated"},
		{"IPv6 podCIDR on a single-stack IPv4 node IPAM", single4, func(w *world) {
			w.f.Nodes[0].Spec.PodCIDRs = []string{"10.244.1.0/24", "fd00:10:244:1::/64"}
		}, "nodes-pod-cidr-per-family", Error, "does not exist in cluster cidrs configuration"},
		{"podCIDR outside the cluster CIDR", dual4, func(w *world) {
			w.f.Nodes[0].Spec.PodCIDRs = []string{"10.245.1.0/24", "fd00:10:244:1::/64"}
			w.f.Nodes[0].Spec.PodCIDR = "10.245.1.0/24"
			p := w.pod("web-x")
			p.Status.PodIP, p.Status.PodIPs = "10.245.1.5", podIPs("10.245.1.5", "fd00:10:244:1::5")
		}, "nodes-pod-cidr-in-cluster-cidr", Error, "cidr 10.245.1.0/24 is out the range of cluster cidr 10.244.0.0/16"},
		{"podCIDR of another mask size", dual6, func(w *world) {
			w.f.Nodes[0].Spec.PodCIDRs = []string{"fd00:10:244:1::/64", "10.244.1.0/25"}
		}, "nodes-pod-cidr-in-cluster-cidr", Warning, "is a /25, the IPv4 node mask size is 24"},
		{"no IPv6 InternalIP", dual4, func(w *world) { w.setNodeAddrs("192.168.0.11") },
			"nodes-internal-ip-per-family", Error, "no IPv6 InternalIP"},
		{"node IPv6 first on an IPv4-primary cluster", dual4, func(w *world) { w.setNodeAddrs("fd00::11", "192.168.0.11") },
			"nodes-primary-family", Warning, "the first node IP fd00::11 is IPv6 but the cluster is IPv4-primary"},
		{"IPv6 node on a single-stack IPv4 cluster", single4, func(w *world) { w.setNodeAddrs("fd00::11") },
			"nodes-primary-family", Error, "no IPv4 address"},

		{"two IPv4 pod IPs", dual4, func(w *world) {
			w.pod("web-x").Status.PodIPs = podIPs("10.244.1.5", "10.244.1.6")
		}, "pods-pod-ips-valid", Error, "may specify no more than one IP for each IP family"},
		{"podIP differs from podIPs[0]", dual6, func(w *world) { w.pod("web-x").Status.PodIP = "fd00:10:244:1::6" },
			"pods-pod-ips-valid", Error, "must be equal to `podIP`"},
		{"single-stack pod on a dual-stack node", dual4, func(w *world) {
			w.pod("web-x").Status.PodIPs = podIPs("10.244.1.5")
		}, "pods-dual-stack-ips", Error, "only an IPv4 address (10.244.1.5) on dual-stack node node-1"},
		{"pod IPv6 first on an IPv4-primary cluster", dual4, func(w *world) {
			p := w.pod("web-x")
			p.Status.PodIP, p.Status.PodIPs = "fd00:10:244:1::5", podIPs("fd00:10:244:1::5", "10.244.1.5")
		}, "pods-primary-family", Warning, "podIPs[0] fd00:10:244:1::5 is IPv6 but the cluster is IPv4-primary"},
		{"pod IP outside the node's podCIDR", dual4, func(w *world) {
			p := w.pod("web-x")
			p.Status.PodIP, p.Status.PodIPs = "10.244.9.5", podIPs("10.244.9.5", "fd00:10:244:1::5")
		}, "pods-ips-in-node-pod-cidrs", Warning, "10.244.9.5 is outside node node-1's IPv4 podCIDR 10.244.1.0/24"},
		{"hostIP differs from hostIPs[0]", dual4, func(w *world) { w.pod("web-x").Status.HostIP = "fd00::11" },
			"pods-host-ips-valid", Error, "must be equal to `hostIP`"},
		{"hostIPs not the node's", dual4, func(w *world) {
			p := w.pod("web-x")
			p.Status.HostIP, p.Status.HostIPs = "192.168.0.99", hostIPs("192.168.0.99", "fd00::11")
		}, "pods-host-ips-match-node", Warning, "node node-1's host IPs"},
		{"hostNetwork pod without the node's IPv6", dual6, func(w *world) {
			p := w.pod("kube-proxy-x")
			p.Status.PodIPs = p.Status.PodIPs[:1]
		}, "pods-host-ips-match-node", Warning, "hostNetwork status.podIPs fd00::11"},

		{"clusterIP differs from clusterIPs[0]", dual4, func(w *world) { w.service("web").Spec.ClusterIP = "10.96.0.12" },
			"services-cluster-ips-valid", Error, "first value must match `clusterIP`"},
		{"ExternalName with ipFamilies", dual4, func(w *world) { w.service("ext").Spec.IPFamilies = []corev1.IPFamily{v4} },
			"services-cluster-ips-valid", Error, "may not be set for ExternalName services"},
		{"clusterIPs against ipFamilies", dual4, func(w *world) { w.service("web").Spec.IPFamilies = []corev1.IPFamily{v6, v4} },
			"services-ip-families-match", Error, "expected an IPv6 value as indicated by `ipFamilies[0]`"},
		{"clusterIP outside the service ranges", dual4, func(w *world) {
			s := w.service("web")
			s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.97.0.10", []string{"10.97.0.10", "fd00:10:96::10"}
		}, "services-cluster-ip-in-range", Warning, "Cluster IP [IPv4]: 10.97.0.10 is not within any configured Service CIDR; please recreate service"},
		{"SingleStack with two families", dual6, func(w *world) {
			w.service("web").Spec.IPFamilyPolicy = ptr.To(corev1.IPFamilyPolicySingleStack)
		}, "services-ip-family-policy", Error, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"},
		{"PreferDualStack left single-stack by an upgrade", dual4, func(w *world) {
			s := w.service("web")
			s.Spec.ClusterIPs, s.Spec.IPFamilies = s.Spec.ClusterIPs[:1], s.Spec.IPFamilies[:1]
			w.dropSlice("web-ipv6")
		}, "services-prefer-dual-stack-single-family", Warning, "ipFamilyPolicy PreferDualStack but only IPv4 on a dual-stack cluster"},

		{"missing IPv6 EndpointSlice", dual4, func(w *world) { w.dropSlice("web-ipv6") },
			"endpointslices-address-types", Error, "no IPv6 EndpointSlice"},
		{"EndpointSlice of a family the Service lacks", single4, func(w *world) {
			w.f.EndpointSlices = append(w.f.EndpointSlices, slice("demo", "web-ipv6", "web", discoveryv1.AddressTypeIPv6, "fd00:10:244:1::5"))
		}, "endpointslices-address-types", Error, "IPv6 EndpointSlice web-ipv6 though the Service has no IPv6 family"},
		{"IPv6 address in an IPv4 slice", dual4, func(w *world) {
			w.f.EndpointSlices[0].Endpoints[0].Addresses = []string{"fd00:10:244:1::5"}
		}, "endpointslices-address-family", Error, "must be an IPv4 address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := healthy(tc.fams)
			tc.break_(w)
			findings := runObjectRules(t, w.facts())
			if got := failing(findings); !slices.Equal(got, []string{tc.id}) {
				t.Fatalf("failing rules %v, want exactly [%s]:%s", got, tc.id, dump(findings))
			}
			for _, fd := range findings {
				if fd.Result != Fail || fd.Severity == Info {
					continue
				}
				if fd.Severity != tc.sev || !strings.Contains(fd.Message, tc.msg) {
					t.Errorf("%s %s: %q, want %s containing %q", fd.ID, fd.Severity, fd.Message, tc.sev, tc.msg)
				}
				if !regexp.MustCompile(`^(cluster|(node|servicecidr)/\S+ \S+|(pod|service|endpointslice)/[^/\s]+/\S+ \S+)$`).MatchString(fd.Subject) {
					t.Errorf("subject %q does not name the object and field", fd.Subject)
				}
			}
		})
	}
}

func TestObjectRulesOneFailurePerBadPod(t *testing.T) {
	w := healthy(stacks["dual-stack IPv4-primary"])
	web := *w.pod("web-x")
	w.pods = nil
	for i := range 3 {
		p := web.DeepCopy()
		p.Name = fmt.Sprintf("web-%d", i)
		p.Status.PodIPs = p.Status.PodIPs[:1]
		w.pods = append(w.pods, *p)
	}
	var subjects []string
	for _, fd := range runObjectRules(t, w.facts()) {
		if fd.Result == Fail {
			subjects = append(subjects, fd.ID+" "+fd.Subject)
		}
	}
	want := []string{"pods-dual-stack-ips pod/demo/web-0 status.podIPs", "pods-dual-stack-ips pod/demo/web-1 status.podIPs", "pods-dual-stack-ips pod/demo/web-2 status.podIPs"}
	if !slices.Equal(subjects, want) {
		t.Errorf("failures %v, want %v", subjects, want)
	}
}

func TestObjectRuleMetadata(t *testing.T) {
	kebab := regexp.MustCompile(`^(cluster|servicecidr|nodes|pods|services|endpointslices)(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
	}
	for _, r := range objectRules {
		if !kebab.MatchString(r.ID) || !strings.HasPrefix(r.ID, r.Area) {
			t.Errorf("%s: ID is not <area>-<what> for area %q", r.ID, r.Area)
		}
		if r.Title == "" || r.Fix == "" || !strings.Contains(r.Reference, "RULES.md §") {
			t.Errorf("%s: title, fix and a RULES.md reference are required", r.ID)
		}
		if r.Severity != Error && r.Severity != Warning && r.Severity != Info {
			t.Errorf("%s: severity %q", r.ID, r.Severity)
		}
		if r.Check == nil && r.CheckPod == nil {
			t.Errorf("%s: no check", r.ID)
		}
		if r.CheckPod != nil && !slices.Contains(r.Needs, SourcePods) {
			t.Errorf("%s: a pod rule must need %s", r.ID, SourcePods)
		}
	}
}

// bigWorld is a dual-stack cluster with nodes nodes and pods pods spread
// over them, every pod healthy.
func bigWorld(nodes, pods int) *world {
	w := healthy(stacks["dual-stack IPv4-primary"])
	w.f.Components[1].Settings["cluster-cidr"] = Setting{Value: "10.0.0.0/8,fd00:10:244::/48"}
	w.f.Nodes = make([]corev1.Node, nodes)
	for i := range w.f.Nodes {
		n := &w.f.Nodes[i]
		n.Name = fmt.Sprintf("node-%d", i)
		n.Spec.PodCIDRs = []string{fmt.Sprintf("10.%d.%d.0/24", i/256, i%256), fmt.Sprintf("fd00:10:244:%x::/64", i)}
		n.Spec.PodCIDR = n.Spec.PodCIDRs[0]
		n.Status.Addresses = []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("192.168.%d.%d", i/256, i%256)},
			{Type: corev1.NodeInternalIP, Address: fmt.Sprintf("fd00::%x", i)},
		}
	}
	w.pods = make([]corev1.Pod, pods)
	for i := range w.pods {
		n := &w.f.Nodes[i%nodes]
		v4 := fmt.Sprintf("10.%d.%d.%d", (i%nodes)/256, (i%nodes)%256, 2+i/nodes)
		v6 := fmt.Sprintf("fd00:10:244:%x::%x", i%nodes, 2+i/nodes)
		w.pods[i] = corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: fmt.Sprintf("pod-%d", i)},
			Spec:       corev1.PodSpec{NodeName: n.Name},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: v4, PodIPs: podIPs(v4, v6),
				HostIP: n.Status.Addresses[0].Address, HostIPs: hostIPs(n.Status.Addresses[0].Address, n.Status.Addresses[1].Address)},
		}
	}
	return w
}

// Pod rules look nodes up in an index built once per run, not by scanning
// f.Nodes for each of 10,000 pods.
func TestPodRulesTenThousandPodsIndexNodesOnce(t *testing.T) {
	w := bigWorld(2000, 10000)
	f := w.facts()
	before := f.podIndexBuilds
	findings := runObjectRules(t, f)
	if got := failing(findings); len(got) > 0 {
		t.Fatalf("%d failing findings, first %v:%s", len(got), got[0], dump(findings[:min(len(findings), 5)]))
	}
	if builds := f.podIndexBuilds - before; builds != 1 {
		t.Errorf("node index built %d times for 10,000 pods, want once", builds)
	}
	// A second run over the same facts reuses it; changed nodes rebuild it.
	runObjectRules(t, f)
	if builds := f.podIndexBuilds - before; builds != 1 {
		t.Errorf("second run rebuilt the index (%d builds)", builds)
	}
	f.Nodes = f.Nodes[:1000]
	runObjectRules(t, f)
	if builds := f.podIndexBuilds - before; builds != 2 {
		t.Errorf("index not rebuilt after the nodes changed (%d builds)", builds)
	}
}

func BenchmarkPodRules10000Pods(b *testing.B) {
	f := bigWorld(2000, 10000).facts()
	var podRules []Rule
	for _, r := range objectRules {
		if r.CheckPod != nil {
			podRules = append(podRules, r)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(f, podRules, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
