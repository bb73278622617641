package live

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// calicoObject is a cluster-scoped Calico (or Tigera operator) object.
func calicoObject(apiVersion, kind, name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name}, "spec": spec}}
}

// newDynamic serves the Calico resources; notServed answer 404, as an API
// server without their CRD does.
func newDynamic(notServed []schema.GroupVersionResource, objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), ListKinds, objs...)
	client.PrependReactor("list", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if slices.Contains(notServed, a.GetResource()) {
			return true, nil, apierrors.NewNotFound(a.GetResource().GroupResource(), "")
		}
		return false, nil, nil
	})
	return client
}

func configMap(ns, name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: data}
}

func TestGatherCNI(t *testing.T) {
	v4 := calicoObject("crd.projectcalico.org/v1", "IPPool", "default-ipv4-ippool", map[string]any{"cidr": "10.244.0.0/16"})
	v6 := calicoObject("crd.projectcalico.org/v1", "IPPool", "default-ipv6-ippool", map[string]any{"cidr": "fd00:10:244::/56", "disabled": true})
	v6v3 := calicoObject("projectcalico.org/v3", "IPPool", "default-ipv6-ippool", map[string]any{"cidr": "fd00:10:244::/56"})
	hostLocal := calicoObject("operator.tigera.io/v1", "Installation", "default", map[string]any{"cni": map[string]any{"type": "Calico", "ipam": map[string]any{"type": "HostLocal"}}})
	cilium := configMap("kube-system", "cilium-config", map[string]string{"ipam": "kubernetes", "enable-ipv6": "true"})
	flannel := configMap("kube-system", "kube-flannel-cfg", map[string]string{"net-conf.json": `{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}`})
	for _, tc := range []struct {
		name      string
		typed     []runtime.Object
		notServed []schema.GroupVersionResource
		objs      []runtime.Object
		want      string // CNISummary's name and source
		listed    []string
		assumed   bool // the IPAM only assumed
	}{
		{"no known plugin", nil, []schema.GroupVersionResource{calicoIPPoolsV1, calicoIPPoolsV3, tigeraInstallation}, nil,
			"unknown: " + check.CNIUnknown, []string{"ippools", "ippools", "installations"}, false},
		{"Calico's v1 IPPools and the operator's Installation", nil, nil, []runtime.Object{v4, v6, hostLocal},
			"calico, IPAM host-local: IPPool objects (crd.projectcalico.org/v1); Installation default (operator.tigera.io/v1)", []string{"ippools", "installations"}, false},
		{"Calico's v3 CRDs only", nil, []schema.GroupVersionResource{calicoIPPoolsV1, tigeraInstallation}, []runtime.Object{v6v3},
			"calico, IPAM calico-ipam: IPPool objects (projectcalico.org/v3)", []string{"ippools", "ippools", "installations"}, true},
		{"Calico's manifests: IPPools and calico-config", []runtime.Object{configMap("kube-system", "calico-config", map[string]string{"cni_network_config": `{"plugins": [{"type": "calico", "mtu": __CNI_MTU__, "ipam": {"type": "host-local", "subnet": "usePodCidr"}}]}`})},
			[]schema.GroupVersionResource{tigeraInstallation}, []runtime.Object{v4},
			"calico, IPAM host-local: IPPool objects (crd.projectcalico.org/v1)", nil, false},
		{"Cilium, with a leftover flannel ConfigMap", []runtime.Object{cilium, flannel}, []schema.GroupVersionResource{calicoIPPoolsV1, calicoIPPoolsV3, tigeraInstallation}, nil,
			"cilium, IPAM kubernetes: ConfigMap kube-system/cilium-config; also found: flannel (ConfigMap kube-system/kube-flannel-cfg net-conf.json)", nil, false},
		{"Canal (RKE2's): flannel's addresses under Calico's policy", []runtime.Object{configMap("kube-system", "rke2-canal-config", flannel.Data)}, []schema.GroupVersionResource{calicoIPPoolsV3, tigeraInstallation}, []runtime.Object{v4},
			"flannel, IPAM host-local: ConfigMap kube-system/rke2-canal-config net-conf.json; also found: calico (IPPool objects (crd.projectcalico.org/v1))", nil, false},
		{"Cilium chained onto flannel", []runtime.Object{configMap("kube-system", "cilium-config", map[string]string{"cni-chaining-mode": "flannel"}), flannel}, []schema.GroupVersionResource{calicoIPPoolsV1, calicoIPPoolsV3, tigeraInstallation}, nil,
			"flannel, IPAM host-local: ConfigMap kube-system/kube-flannel-cfg net-conf.json; also found: cilium chained onto flannel (ConfigMap kube-system/cilium-config)", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dyn := newDynamic(tc.notServed, tc.objs...)
			f, err := Gatherer{Client: fake.NewClientset(tc.typed...), Dynamic: dyn, ChunkSize: 500}.Gather(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if why, unread := f.Unavailable[check.SourceCNI]; unread {
				t.Fatalf("CNI configuration unavailable: %s", why)
			}
			name, source := f.CNISummary()
			if got := name + ": " + source; got != tc.want {
				t.Errorf("CNI %q, want %q", got, tc.want)
			}
			if f.CNI != nil && f.CNI.IPAMAssumed != tc.assumed {
				t.Errorf("IPAM assumed: %v, want %v (%s)", f.CNI.IPAMAssumed, tc.assumed, f.CNI.IPAM.Source)
			}
			if tc.listed != nil {
				var listed []string
				for _, a := range dyn.Actions() {
					if a.GetResource() != GatewaysResource { // the loadbalancers source's
						listed = append(listed, a.GetResource().Resource)
					}
				}
				if !slices.Equal(listed, tc.listed) {
					t.Errorf("listed %v, want %v (v3 IPPools only when v1 has none)", listed, tc.listed)
				}
			}
		})
	}
}

// A forbidden plugin object makes the source unavailable, with why; so
// does a gatherer without a dynamic client.
func TestGatherCNIUnavailable(t *testing.T) {
	dyn := newDynamic(nil)
	dyn.PrependReactor("list", "ippools", func(a k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(a.GetResource().GroupResource(), "", errors.New("RBAC says no"))
	})
	f, err := Gatherer{Client: fake.NewClientset(), Dynamic: dyn, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if why := f.Unavailable[check.SourceCNI]; !strings.HasPrefix(why, "forbidden: ") || !strings.Contains(why, "ippools.crd.projectcalico.org") {
		t.Errorf("unavailable %q, want forbidden naming ippools.crd.projectcalico.org", why)
	}
	if name, _ := f.CNISummary(); name != "" {
		t.Errorf("summary %q, want none for an unread source", name)
	}

	client := fake.NewClientset()
	client.PrependReactor("get", "configmaps", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.(k8stesting.GetAction).GetName() == "cilium-config" {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "cilium-config", errors.New("RBAC says no"))
		}
		return false, nil, nil
	})
	f, err = Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if why := f.Unavailable[check.SourceCNI]; !strings.Contains(why, `configmaps "cilium-config" is forbidden`) {
		t.Errorf("unavailable %q, want the forbidden ConfigMap first", why)
	}
}
