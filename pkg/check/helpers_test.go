package check

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// The rules of the control plane and of the API objects, as most tests
// run them together.
var (
	controlPlaneRules = slices.Concat(apiserverRules, controllerManagerRules, kubeProxyRules, kubeadmRules, kubeletRules)
	objectRules       = slices.Concat(clusterRules, serviceCIDRRules, nodeRules, podRules, serviceRules, endpointSliceRules, capacityRules)
)

// examples holds, per rule ID, the first failing finding a test produced
// through runRules (one at the rule's own severity when there is one):
// TestMain requires one for every rule, and docs/rules.md shows it.
var examples = struct {
	sync.Mutex
	byID map[string]Finding
}{byID: map[string]Finding{}}

// runRules runs rules on f, and records their failures as examples. Every
// test of a rule runs it through here.
func runRules(t testing.TB, f *Facts, rules []Rule) []Finding {
	t.Helper()
	findings, err := Run(f, rules, Options{})
	if err != nil {
		t.Fatal(err)
	}
	examples.Lock()
	defer examples.Unlock()
	for _, fd := range findings {
		if fd.Result != Fail {
			continue
		}
		rule := slices.IndexFunc(rules, func(r Rule) bool { return r.ID == fd.ID })
		if old, seen := examples.byID[fd.ID]; !seen || (old.Severity != rules[rule].Severity && fd.Severity == rules[rule].Severity) {
			examples.byID[fd.ID] = fd
		}
	}
	return findings
}

// Instance names (and so finding subjects) of the test components.
const (
	cpAPI1  = "kube-apiserver-cp1"
	cpAPI2  = "kube-apiserver-cp2"
	cpKCM1  = "kube-controller-manager-cp1"
	cpProxy = "kube-proxy"
	cpNode1 = "node1"
)

// cpComp builds a component whose settings came from a pod's command line.
func cpComp(kind, name string, flags map[string]string) Component {
	where := "pod kube-system/" + name
	c := Component{Kind: kind, Instance: name, Source: where, Settings: map[string]Setting{}}
	for k, v := range flags {
		c.Settings[k] = Setting{Value: v, Source: where + ", arg --" + k}
	}
	return c
}

func cpAPIServer(flags map[string]string) Component { return cpComp(APIServer, cpAPI1, flags) }

func cpKCM(flags map[string]string) Component { return cpComp(ControllerManager, cpKCM1, flags) }

func cpKubeProxy(flags map[string]string) Component { return cpComp(KubeProxy, cpProxy, flags) }

func cpKubelet(node string, flags map[string]string) Component {
	return cpComp(Kubelet, node, flags)
}

func cpService(ns, name string, ips ...string) corev1.Service {
	return corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.ServiceSpec{ClusterIP: ips[0], ClusterIPs: ips},
	}
}

func cpKubeadmConfig(podSubnet, serviceSubnet string, kcmArgs map[string]string) *Kubeadm {
	const where = "ConfigMap kube-system/kubeadm-config ClusterConfiguration"
	k := &Kubeadm{Source: where, ExtraArgs: map[string]map[string]Setting{}}
	if podSubnet != "" {
		k.PodSubnet = &Setting{Value: podSubnet, Source: where + " networking.podSubnet"}
	}
	if serviceSubnet != "" {
		k.ServiceSubnet = &Setting{Value: serviceSubnet, Source: where + " networking.serviceSubnet"}
	}
	for name, v := range kcmArgs {
		if k.ExtraArgs["controllerManager"] == nil {
			k.ExtraArgs["controllerManager"] = map[string]Setting{}
		}
		k.ExtraArgs["controllerManager"][name] = Setting{Value: v, Source: where + " controllerManager.extraArgs " + name}
	}
	return k
}

// cpCluster is a consistent, healthy cluster: "dual4" (dual-stack
// IPv4-primary), "dual6" (dual-stack IPv6-primary) or "single4".
func cpCluster(stack string) *Facts {
	var svc, pods, advertise, nodeIP, apiIP, dnsIP string
	switch stack {
	case "dual4":
		svc, pods, advertise, nodeIP, apiIP, dnsIP = "10.96.0.0/16,fd00:10:96::/112", "10.244.0.0/16,fd00:10:244::/56", "192.168.0.10", "192.168.0.11,fd00:1::11", "10.96.0.1", "10.96.0.10"
	case "dual6":
		svc, pods, advertise, nodeIP, apiIP, dnsIP = "fd00:10:96::/112,10.96.0.0/16", "fd00:10:244::/56,10.244.0.0/16", "fd00:1::10", "fd00:1::11,192.168.0.11", "fd00:10:96::1", "fd00:10:96::a"
	case "single4":
		svc, pods, advertise, nodeIP, apiIP, dnsIP = "10.96.0.0/12", "10.244.0.0/16", "192.168.0.10", "192.168.0.11", "10.96.0.1", "10.96.0.10"
	default:
		panic(stack)
	}
	return &Facts{
		ServerVersion: "v1.37.0",
		Components: []Component{
			cpAPIServer(map[string]string{"service-cluster-ip-range": svc, "advertise-address": advertise}),
			cpKCM(map[string]string{"allocate-node-cidrs": "true", "cluster-cidr": pods, "service-cluster-ip-range": svc}),
			cpKubeProxy(map[string]string{"cluster-cidr": pods, "nodeport-addresses": "primary"}),
			cpKubelet(cpNode1, map[string]string{"node-ip": nodeIP, "cluster-dns": dnsIP}),
		},
		Kubeadm:  cpKubeadmConfig(pods, svc, nil),
		Services: []corev1.Service{cpService("default", "kubernetes", apiIP), cpService("kube-system", "kube-dns", dnsIP)},
	}
}

// cpSet sets a flag on every instance of kind ("" value: unset).
func cpSet(f *Facts, kind, flag, value string) {
	for i := range f.Components {
		c := &f.Components[i]
		if c.Kind != kind {
			continue
		}
		if value == "" {
			delete(c.Settings, flag)
			continue
		}
		c.Settings[flag] = Setting{Value: value, Source: c.Source + ", arg --" + flag}
	}
}

// cpWithout drops every instance of kind.
func cpWithout(f *Facts, kind string) {
	f.Components = slices.DeleteFunc(f.Components, func(c Component) bool { return c.Kind == kind })
}

// cpMut is a healthy cluster changed by fn.
func cpMut(stack string, fn func(f *Facts)) *Facts {
	f := cpCluster(stack)
	fn(f)
	return f
}

func cpRule(t *testing.T, id string) Rule {
	t.Helper()
	for _, r := range Rules() {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %q", id)
	return Rule{}
}

// cpWant is one expected finding. A pass always has the rule's severity;
// text, when not empty, must be contained in the message.
type cpWant struct {
	res     Result
	sev     Severity
	subject string
	text    string
}

func cpFail(sev Severity, subject, text string) cpWant { return cpWant{Fail, sev, subject, text} }

func cpPass(subject, text string) cpWant { return cpWant{Pass, "", subject, text} }

func cpSkip(subject, text string) cpWant { return cpWant{Skip, "", subject, text} }

// cpOK is the engine's pass when a rule found nothing.
func cpOK(area string) cpWant { return cpWant{Pass, "", area, "ok"} }

// cpCase is one table row: facts, and the exact set of findings.
type cpCase struct {
	name  string
	facts *Facts
	want  []cpWant
}

func cpRunCases(t *testing.T, id string, cases []cpCase) {
	t.Helper()
	rule := cpRule(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := runRules(t, tc.facts, []Rule{rule})
			key := func(res Result, sev Severity, subject string) string {
				return fmt.Sprintf("%s/%s/%s", res, sev, subject)
			}
			var got, want []string
			for _, fd := range findings {
				got = append(got, key(fd.Result, fd.Severity, fd.Subject))
				if fd.ID != rule.ID || fd.Reference != rule.Reference {
					t.Errorf("finding %+v does not carry the rule's ID and reference", fd)
				}
			}
			for i := range tc.want {
				if tc.want[i].res != Fail {
					tc.want[i].sev = rule.Severity
				}
				w := tc.want[i]
				want = append(want, key(w.res, w.sev, w.subject))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n  got  %q\n  want %q", got, want)
				for _, fd := range findings {
					t.Logf("  %s %s %s: %s", fd.Result, fd.Severity, fd.Subject, fd.Message)
				}
				return
			}
			for _, w := range tc.want {
				if w.text == "" {
					continue
				}
				if !slices.ContainsFunc(findings, func(fd Finding) bool {
					return key(fd.Result, fd.Severity, fd.Subject) == key(w.res, w.sev, w.subject) && strings.Contains(fd.Message, w.text)
				}) {
					t.Errorf("no %s finding about %s contains %q; messages:", w.res, w.subject, w.text)
					for _, fd := range findings {
						t.Logf("  %s", fd.Message)
					}
				}
			}
		})
	}
}

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

func slice(ns, name, svc string, t discoveryv1.AddressType, ips ...string) EndpointSlice {
	s := rawSlice(ns, name, svc, t, ips...)
	return NewEndpointSlice(&s)
}

// rawSlice is slice as the API serves it.
func rawSlice(ns, name, svc string, t discoveryv1.AddressType, ips ...string) discoveryv1.EndpointSlice {
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
	setReady(&node, corev1.ConditionTrue)
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
	for _, ip := range append([]string{addrs[fams[0]].kubernetesIP}, serviceIPs...) {
		f.IPAddresses = append(f.IPAddresses, netip.MustParseAddr(ip))
	}
	podIPList := pick(fams, func(a famAddrs) string { return a.podIP })
	for _, fam := range fams {
		t := discoveryv1.AddressType(fam)
		f.EndpointSlices = append(f.EndpointSlices,
			slice("demo", "web-"+strings.ToLower(string(fam)), "web", t, addrs[fam].podIP),
			slice("demo", "headless-"+strings.ToLower(string(fam)), "headless", t, addrs[fam].podIP))
	}
	f.EndpointSlices = append(f.EndpointSlices, NewEndpointSlice(&discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: "default", Name: "kubernetes", Labels: map[string]string{discoveryv1.LabelServiceName: "kubernetes"}},
		AddressType: discoveryv1.AddressType(fams[0]),
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{nodeIPs[0]}}},
	}))

	web := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web-x"}, Spec: corev1.PodSpec{NodeName: "node-1"}}
	web.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: podIPList[0], PodIPs: podIPs(podIPList...), HostIP: nodeIPs[0], HostIPs: hostIPs(nodeIPs...)}
	proxy := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy-x"}, Spec: corev1.PodSpec{NodeName: "node-1", HostNetwork: true}}
	proxy.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: nodeIPs[0], PodIPs: podIPs(nodeIPs...), HostIP: nodeIPs[0], HostIPs: hostIPs(nodeIPs...)}
	pending := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web-pending"}, Status: corev1.PodStatus{Phase: corev1.PodPending}}
	return &world{f: f, pods: []corev1.Pod{web, proxy, pending}}
}

// setReady sets node's Ready condition, as its kubelet reports it: True
// on a running node, False on one that has just registered.
func setReady(node *corev1.Node, status corev1.ConditionStatus) {
	node.Status.Conditions = slices.DeleteFunc(node.Status.Conditions, func(c corev1.NodeCondition) bool { return c.Type == corev1.NodeReady })
	node.Status.Conditions = append(node.Status.Conditions, corev1.NodeCondition{Type: corev1.NodeReady, Status: status})
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
	w.f.EndpointSlices = slices.DeleteFunc(w.f.EndpointSlices, func(s EndpointSlice) bool { return s.Name == name })
}

func runObjectRules(t testing.TB, f *Facts) []Finding {
	t.Helper()
	return runRules(t, f, objectRules)
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

// brokenCase is a healthy fixture cluster of the given families, broken by
// one change that exactly one rule must report.
type brokenCase struct {
	name   string
	fams   []corev1.IPFamily
	break_ func(w *world)
	id     string
	sev    Severity
	msg    string // a fragment of the failure's message
}

// Stacks of the broken cases.
var dual4, dual6, single4 = stacks["dual-stack IPv4-primary"], stacks["dual-stack IPv6-primary"], stacks["single-stack IPv4"]

func runBrokenCases(t *testing.T, cases []brokenCase) {
	t.Helper()
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
