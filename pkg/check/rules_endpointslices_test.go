package check

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

func TestEndpointSliceRulesBroken(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"missing IPv6 EndpointSlice", dual4, func(w *world) { w.dropSlice("web-ipv6") },
			"endpointslices-address-types", Error, "no IPv6 EndpointSlice"},
		{"EndpointSlice of a family the Service lacks", single4, func(w *world) {
			w.f.EndpointSlices = append(w.f.EndpointSlices, slice("demo", "web-ipv6", "web", discoveryv1.AddressTypeIPv6, "fd00:10:244:1::5"))
		}, "endpointslices-address-types", Error, "IPv6 EndpointSlice web-ipv6 though the Service has no IPv6 family"},
		{"IPv6 address in an IPv4 slice", dual4, func(w *world) {
			w.f.EndpointSlices[0].Endpoints[0].Addresses = []string{"fd00:10:244:1::5"}
		}, "endpointslices-address-family", Error, "must be an IPv4 address"},
	})
}

// BackendsMissingFamily: a dual-stack Service's backends paired across its
// slices; one with an address of one family, or a missing address type,
// is named; a Service of one family, or without a selector, has none.
func TestBackendsMissingFamily(t *testing.T) {
	svc := func(policy corev1.IPFamilyPolicy, selector bool, fams ...corev1.IPFamily) *corev1.Service {
		s := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web"}, Spec: corev1.ServiceSpec{IPFamilyPolicy: &policy, IPFamilies: fams}}
		if selector {
			s.Spec.Selector = map[string]string{"app": "web"}
		}
		return s
	}
	backend := func(s discoveryv1.EndpointSlice, pods ...string) dualstack.Slice {
		for i, p := range pods {
			s.Endpoints[i].TargetRef = &corev1.ObjectReference{Kind: "Pod", Namespace: "demo", Name: p}
		}
		return dualstack.NewSlice(&s)
	}
	v4 := backend(rawSlice("demo", "web-v4", "web", discoveryv1.AddressTypeIPv4, "10.244.1.2", "10.244.1.3"), "web-1", "web-2")
	v6 := backend(rawSlice("demo", "web-v6", "web", discoveryv1.AddressTypeIPv6, "fd00:10:244:1::2"), "web-1")
	dual := []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}
	for _, tc := range []struct {
		name   string
		svc    *corev1.Service
		slices []dualstack.Slice
		want   []string
	}{
		{"a backend of one family", svc(corev1.IPFamilyPolicyRequireDualStack, true, dual...), []dualstack.Slice{v4, v6}, []string{"backend demo/web-2: 10.244.1.3 only"}},
		{"no IPv6 slice", svc(corev1.IPFamilyPolicyPreferDualStack, true, dual...), []dualstack.Slice{v4}, []string{"no IPv6 EndpointSlice", "backend demo/web-1: 10.244.1.2 only", "backend demo/web-2: 10.244.1.3 only"}},
		{"every backend paired", svc(corev1.IPFamilyPolicyRequireDualStack, true, dual...), []dualstack.Slice{backend(rawSlice("demo", "web-v4", "web", discoveryv1.AddressTypeIPv4, "10.244.1.2"), "web-1"), v6}, nil},
		{"one family", svc(corev1.IPFamilyPolicySingleStack, true, corev1.IPv4Protocol), []dualstack.Slice{v4}, nil},
		{"no selector", svc(corev1.IPFamilyPolicyRequireDualStack, false, dual...), []dualstack.Slice{v4}, nil},
	} {
		if got := BackendsMissingFamily(tc.svc, tc.slices); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
