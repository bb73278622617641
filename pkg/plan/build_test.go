package plan

import (
	"errors"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

func component(kind, name string, flags map[string]string) check.Component {
	c := check.Component{Kind: kind, Instance: name, Source: "pod kube-system/" + name, Settings: map[string]check.Setting{}}
	for k, v := range flags {
		c.Settings[k] = check.Setting{Value: v, Source: "pod kube-system/" + name + ", arg --" + k}
	}
	return c
}

func node(name string, ips []string, podCIDRs ...string) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.NodeSpec{PodCIDRs: podCIDRs}}
	for _, ip := range ips {
		n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: ip})
	}
	return n
}

func service(ns, name string, policy corev1.IPFamilyPolicy, fams ...corev1.IPFamily) corev1.Service {
	s := corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, IPFamilyPolicy: &policy, IPFamilies: fams}}
	s.Spec.ClusterIP = "10.96.0.10"
	return s
}

func pods(list ...*corev1.Pod) check.PodVisitor {
	return func(visit func(*corev1.Pod) error) error {
		for _, p := range list {
			if err := visit(p); err != nil {
				return err
			}
		}
		return nil
	}
}

// singleIPv4 is a kubeadm-shaped single-stack IPv4 cluster of two nodes.
func singleIPv4() *check.Facts {
	return &check.Facts{
		ServerVersion: "v1.37.0",
		Components: []check.Component{
			component(check.APIServer, "kube-apiserver-cp1", map[string]string{"service-cluster-ip-range": "10.96.0.0/16"}),
			component(check.ControllerManager, "kube-controller-manager-cp1", map[string]string{
				"cluster-cidr": "10.244.0.0/16", "service-cluster-ip-range": "10.96.0.0/16", "allocate-node-cidrs": "true", "node-cidr-mask-size": "24"}),
			{Kind: check.KubeProxy, Instance: "kube-proxy", Source: "ConfigMap kube-system/kube-proxy config.conf",
				Settings: map[string]check.Setting{"cluster-cidr": {Value: "10.244.0.0/16"}}},
		},
		Kubeadm: &check.Kubeadm{Source: "ConfigMap kube-system/kubeadm-config ClusterConfiguration",
			PodSubnet: &check.Setting{Value: "10.244.0.0/16"}, ServiceSubnet: &check.Setting{Value: "10.96.0.0/16"}},
		Nodes: []corev1.Node{
			node("cp1", []string{"172.18.0.2"}, "10.244.0.0/24"),
			node("worker1", []string{"172.18.0.3", "fc00::3"}, "10.244.1.0/24"),
		},
		Services: []corev1.Service{
			service("default", "kubernetes", corev1.IPFamilyPolicySingleStack, corev1.IPv4Protocol),
			service("shop", "web", corev1.IPFamilyPolicySingleStack, corev1.IPv4Protocol),
			service("shop", "prefer", corev1.IPFamilyPolicyPreferDualStack, corev1.IPv4Protocol),
			{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "ext"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "example.com"}},
		},
		Pods: pods(
			&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-5d4f8-abcde", Labels: map[string]string{"pod-template-hash": "5d4f8"},
				OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "web-5d4f8", Controller: ptr.To(true)}}},
				Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIPs: []corev1.PodIP{{IP: "10.244.1.5"}}}},
			&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "lonely"},
				Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIPs: []corev1.PodIP{{IP: "10.244.1.6"}}}},
			&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "calico-node-x"},
				Spec:   corev1.PodSpec{HostNetwork: true, Containers: []corev1.Container{{Image: "docker.io/calico/node:v3.30.0"}}},
				Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIPs: []corev1.PodIP{{IP: "172.18.0.2"}}}},
		),
	}
}

func kinds(p *Plan) []Kind {
	var out []Kind
	for _, s := range p.Steps {
		out = append(out, s.Kind)
	}
	return out
}

func stepByID(t *testing.T, p *Plan, id string) Step {
	t.Helper()
	for _, s := range p.Steps {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no step %q in %v", id, ids(p))
	return Step{}
}

func ids(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.ID)
	}
	return out
}

func TestBuildSingleStack(t *testing.T) {
	p, err := Build(singleIPv4(), Options{ServiceCIDR: "fd00:10:96::/112", PodCIDR: "fd00:10:244::/56", Admission: AdmissionState{Known: true, Served: true}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kube-apiserver", "kube-controller-manager", "kubeadm", "kube-proxy", "cni", "node-cp1", "node-worker1",
		"pods-shop", "service-shop-web", "service-shop-prefer", "admission", "verify"}
	if got := ids(p); !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	if got := stepByID(t, p, "kube-apiserver").Flags.Set; got["service-cluster-ip-range"] != "10.96.0.0/16,fd00:10:96::/112" {
		t.Errorf("kube-apiserver flags = %v", got)
	}
	kcm := stepByID(t, p, "kube-controller-manager").Flags
	wantKCM := map[string]string{"cluster-cidr": "10.244.0.0/16,fd00:10:244::/56", "service-cluster-ip-range": "10.96.0.0/16,fd00:10:96::/112",
		"node-cidr-mask-size-ipv4": "24", "node-cidr-mask-size-ipv6": "64"}
	if !mapsEqual(kcm.Set, wantKCM) || !slices.Equal(kcm.Remove, []string{"node-cidr-mask-size"}) {
		t.Errorf("kube-controller-manager = %+v, want set %v and --node-cidr-mask-size removed", kcm, wantKCM)
	}
	cp1 := stepByID(t, p, "node-cp1").Node
	if cp1.Action != ActionReregister || cp1.NodeIPs[0].Address != "172.18.0.2" || cp1.NodeIPs[1].Placeholder != "<IPv6 address of cp1>" {
		t.Errorf("node cp1 = %+v", cp1)
	}
	if w := stepByID(t, p, "node-worker1").Node; w.NodeIPs[1].Address != "fc00::3" {
		t.Errorf("node worker1 keeps its IPv6 address: %+v", w)
	}
	if cni := stepByID(t, p, "cni").CNI; cni.Name != "calico" || cni.Settings["IPPool cidr"] != "fd00:10:244::/56" {
		t.Errorf("cni = %+v", cni)
	}
	workloads := stepByID(t, p, "pods-shop").Pods
	if len(workloads) != 2 || workloads[0].Kind != "Deployment" || workloads[0].Name != "web" || workloads[1].Kind != "Pod" {
		t.Errorf("pods = %+v, want Deployment web (from its ReplicaSet) and Pod lonely", workloads)
	}
	if got := string(stepByID(t, p, "service-shop-web").Service.Patch); got != `{"spec":{"ipFamilies":["IPv4","IPv6"],"ipFamilyPolicy":"PreferDualStack"}}` {
		t.Errorf("SingleStack patch = %s", got)
	}
	if s := stepByID(t, p, "service-shop-prefer").Service; s.Case != CasePreferDualSingle || string(s.Patch) != `{"spec":{"ipFamilies":["IPv4","IPv6"]}}` {
		t.Errorf("PreferDualStack-single = %+v %s", s, s.Patch)
	}
	if a := stepByID(t, p, "admission").Admission; a.APIVersion != "admissionregistration.k8s.io/v1" || !strings.Contains(a.Manifest, "PreferDualStack") {
		t.Errorf("admission = %+v", a)
	}
	for _, r := range p.Ranges {
		if want := map[string]string{"IPv4": OriginCluster, "IPv6": OriginGiven}[r.Family]; r.Origin != want {
			t.Errorf("range %+v: want origin %s", r, want)
		}
	}
	if r := p.RangeOf("pods", "IPv4"); r == nil || r.CIDR != "10.244.0.0/16" || r.NodeMask != 24 || r.Nodes != 256 {
		t.Errorf("IPv4 pod range %+v: want 10.244.0.0/16 holding 256 /24s", r)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestBuildHalfConverted: only the steps still missing appear.
func TestBuildHalfConverted(t *testing.T) {
	f := singleIPv4()
	f.Components[0].Settings["service-cluster-ip-range"] = check.Setting{Value: "10.96.0.0/16,fd00:10:96::/112"}
	f.Kubeadm = nil
	f.Nodes = []corev1.Node{node("cp1", []string{"172.18.0.2", "fc00::2"}, "10.244.0.0/24", "fd00:10:244::/64")}
	f.Services = f.Services[:1]
	f.Pods = nil
	p, err := Build(f, Options{Admission: AdmissionState{Known: true, Served: true, Policy: "mine"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kube-controller-manager", "kube-proxy", "cni", "verify"}
	if got := ids(p); !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	if r := p.RangeOf("services", "IPv6"); r.Origin != OriginCluster || r.CIDR != "fd00:10:96::/112" {
		t.Errorf("service range %+v: want the apiserver's own", r)
	}
	if r := p.RangeOf("pods", "IPv6"); r.Origin != OriginProposed || !strings.HasPrefix(r.CIDR, "fd") {
		t.Errorf("pod range %+v: want a proposed ULA", r)
	}
}

// TestBuildNothingToDo: a dual-stack cluster has no steps, and a note
// about new Services when no policy defaults them.
func TestBuildNothingToDo(t *testing.T) {
	f := &check.Facts{
		Components: []check.Component{
			component(check.APIServer, "a", map[string]string{"service-cluster-ip-range": "10.96.0.0/16,fd00:10:96::/112"}),
			component(check.ControllerManager, "c", map[string]string{"cluster-cidr": "10.244.0.0/16,fd00:10:244::/56", "allocate-node-cidrs": "true"}),
		},
		Nodes:    []corev1.Node{node("n1", []string{"172.18.0.2", "fc00::2"}, "10.244.0.0/24", "fd00:10:244::/64")},
		Services: []corev1.Service{service("shop", "web", corev1.IPFamilyPolicyPreferDualStack, corev1.IPv4Protocol, corev1.IPv6Protocol)},
	}
	p, err := Build(f, Options{Admission: AdmissionState{Known: true, Served: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 0 || p.Adding != "" {
		t.Fatalf("steps %v adding %q, want none", ids(p), p.Adding)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "MutatingAdmissionPolicy") {
		t.Errorf("notes = %q, want the admission policy suggested", p.Notes)
	}
}

func TestBuildIPv6AddsIPv4(t *testing.T) {
	f := &check.Facts{
		ServerVersion: "v1.37.0",
		Components: []check.Component{
			component(check.APIServer, "a", map[string]string{"service-cluster-ip-range": "fd00:10:96::/112"}),
			component(check.ControllerManager, "c", map[string]string{"cluster-cidr": "10.244.0.0/16", "allocate-node-cidrs": "true"}),
		},
	}
	// The controller-manager's odd IPv4 cluster CIDR is the cluster's own
	// range of the family being added: kept.
	p, err := Build(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pods := p.RangeOf("pods", "IPv4"); p.Adding != "IPv4" || pods.CIDR != "10.244.0.0/16" || pods.Origin != OriginCluster {
		t.Fatalf("adding %s, ranges %+v", p.Adding, p.Ranges)
	}
	if svc := p.RangeOf("services", "IPv4"); svc.CIDR != "10.96.0.0/16" || svc.Origin != OriginProposed || svc.Addresses != 65534 {
		t.Errorf("service range %+v: want 10.96.0.0/16 proposed with 65,534 addresses", svc)
	}
}

func TestBuildInputErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
		want string
	}{
		{"wrong family", Options{ServiceCIDR: "10.97.0.0/16"}, "is IPv4, but the family being added is IPv6"},
		{"not a CIDR", Options{PodCIDR: "fd00::"}, "is not a CIDR"},
		{"host bits", Options{PodCIDR: "fd00::1/56"}, "has host bits set"},
		{"overlaps a node address", Options{ServiceCIDR: "fc00::/112"}, "overlaps node worker1's address fc00::3"},
		{"services and pods overlap", Options{ServiceCIDR: "fd00:10::/112", PodCIDR: "fd00:10::/56"}, "overlap"},
		{"pod range too large", Options{PodCIDR: "fd00::/40"}, "at most 16 bits"},
		{"service range too large", Options{ServiceCIDR: "fd00::/60"}, "/64 or longer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(singleIPv4(), tt.opts)
			var input *InputError
			if !errors.As(err, &input) {
				t.Fatalf("err = %v, want an InputError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want %q", err, tt.want)
			}
		})
	}
	f := singleIPv4()
	f.Components[1].Settings["cluster-cidr"] = check.Setting{Value: "10.244.0.0/16,fd00:1::/56"}
	if _, err := Build(f, Options{PodCIDR: "fd00:2::/56"}); err == nil || !strings.Contains(err.Error(), "conflicts with the cluster's IPv6 range fd00:1::/56") {
		t.Errorf("a --pod-cidr other than the controller-manager's: err = %v", err)
	}
	f = singleIPv4()
	f.ServerVersion = "v1.31.0"
	if _, err := Build(f, Options{ServiceCIDR: "fd00::/100"}); err == nil || !strings.Contains(err.Error(), "at most 2^20 addresses") {
		t.Errorf("a /100 service range on 1.31: err = %v", err)
	}
}

// TestProposalStable: the same cluster gets the same proposal, which
// overlaps nothing it uses.
func TestProposalStable(t *testing.T) {
	a, err := Build(singleIPv4(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Build(singleIPv4(), Options{})
	if !slices.Equal(a.Ranges, b.Ranges) {
		t.Errorf("proposals differ: %v and %v", a.Ranges, b.Ranges)
	}
	if r := a.RangeOf("pods", "IPv6"); r.Nodes != 256 || r.NodeMask != 64 || !strings.HasSuffix(r.CIDR, "::/56") {
		t.Errorf("pod proposal %+v: want a /56 of 256 /64 node ranges", r)
	}
}

func TestBuildGaps(t *testing.T) {
	f := singleIPv4()
	f.Unavailable = map[check.Source]string{check.SourceNodes: "list nodes forbidden", check.SourceServices: "list services forbidden"}
	p, err := Build(f, Options{Admission: AdmissionState{Known: true, Served: true, Unreadable: "list mutatingadmissionpolicies forbidden"}})
	if err != nil {
		t.Fatal(err)
	}
	var gaps []string
	for _, g := range p.NotComputed {
		gaps = append(gaps, g.Step)
	}
	want := []string{"nodes (kubelet --node-ip, re-registration)", "Services", "default policy for new Services"}
	if !slices.Equal(gaps, want) {
		t.Errorf("gaps = %v, want %v", gaps, want)
	}
	f = &check.Facts{Unavailable: map[check.Source]string{check.SourceControlPlane: "list pods forbidden"}}
	if _, err := Build(f, Options{}); err == nil || !strings.Contains(err.Error(), "list pods forbidden") {
		t.Errorf("unknown families: err = %v", err)
	}
}
