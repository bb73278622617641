package live

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// The sources are read at once; when several fail fatally, the error is
// that of the first source in the gatherer's order (the control-plane pods
// before the nodes), whichever answer comes first.
func TestGatherFirstFatalErrorInSourceOrder(t *testing.T) {
	controlPlaneErr, nodesErr := errors.New("control plane: connection reset"), errors.New("nodes: connection reset")
	for range 20 { // the reads' order varies from run to run
		client := fake.NewClientset()
		client.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, controlPlaneErr
		})
		client.PrependReactor("list", "nodes", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, nodesErr
		})
		_, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
		if !errors.Is(err, controlPlaneErr) {
			t.Fatalf("got %v, want the control-plane pods' error", err)
		}
	}
}

// What each source found is merged in the sources' order; a source that
// cannot be read is recorded, not fatal.
func TestGatherMergesSources(t *testing.T) {
	kubeProxy := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy"},
		Data: map[string]string{"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16,fd00:10:244::/56\n"}}
	kubelet := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kubelet-config"},
		Data: map[string]string{"kubelet": "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"}}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}}
	client := fake.NewClientset(kubeProxy, kubelet, node)
	client.PrependReactor("list", "services", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "services"}, "", errors.New("no"))
	})
	f, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range f.Components {
		kinds = append(kinds, c.Kind)
	}
	if len(kinds) != 2 || kinds[0] != check.KubeProxy || kinds[1] != check.Kubelet {
		t.Errorf("components %v, want kube-proxy then kubelet", kinds)
	}
	if len(f.Nodes) != 1 || f.Nodes[0].Name != "node-1" {
		t.Errorf("nodes %v", f.Nodes)
	}
	if _, ok := f.Unavailable[check.SourceServices]; !ok {
		t.Errorf("services not marked unavailable: %v", f.Unavailable)
	}
	if _, ok := f.Unavailable[check.SourceControlPlane]; !ok {
		t.Errorf("control-plane pods not marked unavailable: %v", f.Unavailable)
	}
	if f.Pods == nil {
		t.Error("no pod visitor")
	}
}

// The configuration ConfigMaps are read with package source, as files
// are, but name their settings by ConfigMap and locate none.
func TestGatherReadsConfigMaps(t *testing.T) {
	cm := func(name, key, text string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: name}, Data: map[string]string{key: text}}
	}
	client := fake.NewClientset(
		cm("kubeadm-config", "ClusterConfiguration", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16,fd00:10:244::/56\n  serviceSubnet: \"\"\ncontrollerManager:\n  extraArgs:\n  - name: node-cidr-mask-size-ipv6\n    value: \"64\"\n"),
		cm("kube-proxy", "config.conf", "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16,fd00:10:244::/56\nnodePortAddresses: [primary]\n"),
		cm("kubelet-config", "kubelet", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS: [10.96.0.10]\n"),
	)
	f, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const kubeadm = "ConfigMap kube-system/kubeadm-config ClusterConfiguration"
	wantKubeadm := &check.Kubeadm{
		Source:    kubeadm,
		PodSubnet: &check.Setting{Value: "10.244.0.0/16,fd00:10:244::/56", Source: kubeadm + " networking.podSubnet"},
		ExtraArgs: map[string]map[string]check.Setting{"controllerManager": {
			"node-cidr-mask-size-ipv6": {Value: "64", Source: kubeadm + " controllerManager.extraArgs node-cidr-mask-size-ipv6"},
		}},
	}
	if !reflect.DeepEqual(f.Kubeadm, wantKubeadm) {
		t.Errorf("kubeadm:\n  got  %+v\n  want %+v", f.Kubeadm, wantKubeadm)
	}
	const proxy, kubelet = "ConfigMap kube-system/kube-proxy config.conf", "ConfigMap kube-system/kubelet-config kubelet"
	wantComponents := []check.Component{
		{Kind: check.KubeProxy, Instance: proxy, Source: proxy, Settings: map[string]check.Setting{
			"cluster-cidr":       {Value: "10.244.0.0/16,fd00:10:244::/56", Source: proxy + " clusterCIDR"},
			"nodeport-addresses": {Value: "primary", Source: proxy + " nodePortAddresses"},
		}},
		{Kind: check.Kubelet, Instance: "kubelet-config", Source: kubelet, Settings: map[string]check.Setting{
			"cluster-dns": {Value: "10.96.0.10", Source: kubelet + " clusterDNS"},
		}},
	}
	if !reflect.DeepEqual(f.Components, wantComponents) {
		t.Errorf("components:\n  got  %+v\n  want %+v", f.Components, wantComponents)
	}
}

// A configuration the ConfigMap holds wrongly makes its source
// unavailable, with the problem.
func TestGatherConfigMapProblem(t *testing.T) {
	client := fake.NewClientset(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy"},
		Data: map[string]string{"config.conf": "kind: KubeProxyConfiguration\nclusterCIDR: [10.244.0.0/16]\n"}})
	f, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const want = "ConfigMap kube-system/kube-proxy config.conf: wrong type: clusterCIDR must be a string, not a list"
	if got := f.Unavailable[check.SourceKubeProxy]; got != want || len(f.ComponentsOf(check.KubeProxy)) != 0 {
		t.Errorf("unavailable %q, want %q; components %+v", got, want, f.Components)
	}
}

// IPAddresses are read page by page, by name; CIDRNotAvailable events are
// read wherever they are (the recorder puts those of Nodes in default),
// and no other event is taken for one.
func TestGatherCapacitySources(t *testing.T) {
	var objs []runtime.Object
	for _, ip := range []string{"10.96.0.1", "10.96.0.10", "fd00:10:96::1"} {
		objs = append(objs, &networkingv1.IPAddress{ObjectMeta: metav1.ObjectMeta{Name: ip}})
	}
	event := func(ns, name, reason, kind, node string) *corev1.Event {
		return &corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Reason: reason, Count: 2,
			InvolvedObject: corev1.ObjectReference{Kind: kind, Name: node}, Message: "Node " + node + " status is now: " + reason}
	}
	objs = append(objs,
		event("default", "node-5.1", "CIDRNotAvailable", "Node", "node-5"),
		event("default", "node-5.2", "RegisteredNode", "Node", "node-5"),
		event("demo", "web.1", "CIDRNotAvailable", "Pod", "web"))
	client := fake.NewClientset(objs...)
	pages := 0
	client.PrependReactor("list", "ipaddresses", func(a k8stesting.Action) (bool, runtime.Object, error) {
		pages++
		if limit := a.(k8stesting.ListActionImpl).ListOptions.Limit; limit != 2 {
			t.Errorf("ipaddresses listed with limit %d, want the chunk size", limit)
		}
		return false, nil, nil
	})
	f, err := Gatherer{Client: client, ChunkSize: 2}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.IPAddresses); got != "[10.96.0.1 10.96.0.10 fd00:10:96::1]" || pages == 0 {
		t.Errorf("IPAddresses %s in %d pages", got, pages)
	}
	want := []check.NodeEvent{{Node: "node-5", Message: "Node node-5 status is now: CIDRNotAvailable", Count: 2}}
	if !reflect.DeepEqual(f.CIDRNotAvailable, want) {
		t.Errorf("CIDRNotAvailable %+v, want %+v", f.CIDRNotAvailable, want)
	}

	forbidden := fake.NewClientset()
	forbidden.PrependReactor("list", "ipaddresses", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "networking.k8s.io", Resource: "ipaddresses"}, "", errors.New("no"))
	})
	f, err = Gatherer{Client: forbidden, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if reason := f.Unavailable[check.SourceIPAddresses]; !strings.HasPrefix(reason, "forbidden: ") {
		t.Errorf("IPAddresses forbidden: unavailable %q", reason)
	}
}

// With Namespace, the namespaced objects are read in that namespace only
// (summary -n), the cluster's own (nodes) wherever they are.
func TestGatherNamespace(t *testing.T) {
	var objs []runtime.Object
	for _, ns := range []string{"shop", "other"} {
		objs = append(objs,
			&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}},
			&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}},
			&discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web-abc"}},
			&networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}},
			&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"}},
		)
	}
	client := fake.NewClientset(append(objs, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}})...)
	f, err := Gatherer{Client: client, ChunkSize: 500, Namespace: "shop"}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var pods []string
	if err := f.Pods(func(p *corev1.Pod) error { pods = append(pods, p.Namespace); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(pods) != 1 || pods[0] != "shop" || len(f.Services) != 1 || f.Services[0].Namespace != "shop" || len(f.EndpointSlices) != 1 ||
		f.EndpointSlices[0].Namespace != "shop" || len(f.Ingresses) != 1 || len(f.NetworkPolicies) != 1 || f.NetworkPolicies[0].Policy.Namespace != "shop" || len(f.Nodes) != 1 {
		t.Errorf("pods %v, services %d, slices %d, ingresses %d, policies %d, nodes %d: want shop's only, and the node",
			pods, len(f.Services), len(f.EndpointSlices), len(f.Ingresses), len(f.NetworkPolicies), len(f.Nodes))
	}
}

// What is held for the whole audit is what the rules read: nodes without
// managed fields or the status the scheduler reads, EndpointSlices as
// dualstack.Slice under their metadata; Services keep their managed fields
// (services-ip-families-stored reads them).
func TestGatherHoldsWhatRulesRead(t *testing.T) {
	managed := []metav1.ManagedFieldsEntry{{Manager: "kubelet", Operation: metav1.ManagedFieldsOperationUpdate}}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: "shop", Name: name, ManagedFields: managed, Labels: map[string]string{discoveryv1.LabelServiceName: "web"}}
	}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1", ManagedFields: managed}, Status: corev1.NodeStatus{
		Addresses:  []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.1"}},
		Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
		NodeInfo:   corev1.NodeSystemInfo{KubeletVersion: "v1.37.0+k3s1"},
		Capacity:   corev1.ResourceList{corev1.ResourcePods: resource.MustParse("110")},
		Images:     []corev1.ContainerImage{{Names: []string{"registry.k8s.io/pause:3.10"}}},
	}}
	ready := false
	slice := &discoveryv1.EndpointSlice{ObjectMeta: meta("web-abc"), AddressType: discoveryv1.AddressTypeIPv6, Endpoints: []discoveryv1.Endpoint{{
		Addresses: []string{"fd00::5"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready},
		TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: "shop", Name: "web-1", UID: "u1"}, NodeName: &node.Name,
	}}}
	client := fake.NewClientset(node, &corev1.Service{ObjectMeta: meta("web")}, slice)
	f, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Nodes) != 1 || len(f.EndpointSlices) != 1 || len(f.Services) != 1 {
		t.Fatalf("nodes %d, slices %d, services %d: want one each", len(f.Nodes), len(f.EndpointSlices), len(f.Services))
	}
	if f.Nodes[0].ManagedFields != nil || f.EndpointSlices[0].ManagedFields != nil || len(f.Services[0].ManagedFields) != 1 {
		t.Errorf("managed fields: node %v, slice %v, service %v; want the Service's only",
			f.Nodes[0].ManagedFields, f.EndpointSlices[0].ManagedFields, f.Services[0].ManagedFields)
	}
	n := f.Nodes[0].Status
	if n.Capacity != nil || n.Images != nil || len(n.Addresses) != 1 || len(n.Conditions) != 1 || n.NodeInfo.KubeletVersion != "v1.37.0+k3s1" {
		t.Errorf("node status %+v: want addresses, conditions and node info only", n)
	}
	want := check.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-abc", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
		Slice: dualstack.Slice{AddressType: discoveryv1.AddressTypeIPv6, Ports: []dualstack.Port{{}}, Endpoints: []dualstack.Endpoint{{Addresses: []string{"fd00::5"}, Backend: "shop/web-1"}}}}
	if got := f.EndpointSlices[0]; !reflect.DeepEqual(got, want) {
		t.Errorf("slice %+v, want %+v", got, want)
	}
}
