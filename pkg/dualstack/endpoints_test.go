package dualstack

import (
	"fmt"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/utils/ptr"
)

var (
	v4First = []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}
	v6First = []corev1.IPFamily{corev1.IPv6Protocol, corev1.IPv4Protocol}
)

func endpoint(ip, pod string, ready bool) discoveryv1.Endpoint {
	ep := discoveryv1.Endpoint{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(ready)}}
	if pod != "" {
		ep.TargetRef = &corev1.ObjectReference{Kind: "Pod", Namespace: "ns", Name: pod}
	}
	return ep
}

func slice(family discoveryv1.AddressType, ports []int32, eps ...discoveryv1.Endpoint) discoveryv1.EndpointSlice {
	s := discoveryv1.EndpointSlice{AddressType: family, Endpoints: eps}
	for _, p := range ports {
		s.Ports = append(s.Ports, discoveryv1.EndpointPort{Name: ptr.To(fmt.Sprintf("p%d", p)), Port: ptr.To(p), Protocol: ptr.To(corev1.ProtocolTCP)})
	}
	return s
}

func addresses(groups []Group) [][]string {
	var out [][]string
	for _, g := range groups {
		out = append(out, g.Addresses)
	}
	return out
}

func TestPairEndpointsByPod(t *testing.T) {
	slices := []discoveryv1.EndpointSlice{
		slice(discoveryv1.AddressTypeIPv6, []int32{80},
			endpoint("fd00::b", "b", true), endpoint("fd00::a", "a", true)),
		slice(discoveryv1.AddressTypeIPv4, []int32{80},
			endpoint("10.0.0.1", "a", true), endpoint("10.0.0.2", "b", true), endpoint("10.0.0.3", "v4only", true)),
	}
	got := addresses(PairEndpoints(slices, v4First, PairOptions{}))
	want := [][]string{{"10.0.0.1", "fd00::a"}, {"10.0.0.2", "fd00::b"}, {"10.0.0.3"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IPv4 first: got %v, want %v", got, want)
	}
	got = addresses(PairEndpoints(slices, v6First, PairOptions{}))
	want = [][]string{{"fd00::a", "10.0.0.1"}, {"fd00::b", "10.0.0.2"}, {"10.0.0.3"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IPv6 first: got %v, want %v", got, want)
	}
}

func TestPairEndpointsPortsReadinessAndUnpaired(t *testing.T) {
	slices := []discoveryv1.EndpointSlice{
		slice(discoveryv1.AddressTypeIPv4, []int32{80, 443},
			endpoint("10.0.0.1", "a", true), endpoint("10.0.0.9", "", true), endpoint("10.0.0.5", "sick", false)),
		slice(discoveryv1.AddressTypeIPv6, []int32{80, 443},
			endpoint("fd00::1", "a", true), endpoint("fd00::9", "", true), endpoint("fd00::5", "sick", false)),
	}
	groups := PairEndpoints(slices, v4First, PairOptions{})
	// Port "p443" sorts before "p80"; endpoints without targetRef stay alone.
	want := [][]string{{"10.0.0.1", "fd00::1"}, {"10.0.0.9"}, {"fd00::9"}, {"10.0.0.1", "fd00::1"}, {"10.0.0.9"}, {"fd00::9"}}
	if got := addresses(groups); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if *groups[0].Port.Number != 443 || *groups[3].Port.Number != 80 || groups[0].Backend != "ns/a" || groups[1].Backend != "" || groups[2].Backend != "" {
		t.Errorf("ports/backends: %+v", groups)
	}
	all := PairEndpoints(slices, v4First, PairOptions{IncludeNotReady: true})
	if len(all) != 8 {
		t.Fatalf("with not-ready: %d groups, want 8", len(all))
	}
	for _, g := range all {
		if (g.Backend == "ns/sick") == g.Ready {
			t.Errorf("group %+v: Ready should be false exactly for the not-ready pod", g)
		}
	}
}

func TestPairEndpointsNoPortsAndNilReady(t *testing.T) {
	ep := endpoint("10.0.0.1", "a", true)
	ep.Conditions.Ready = nil // unknown counts as ready
	groups := PairEndpoints([]discoveryv1.EndpointSlice{slice(discoveryv1.AddressTypeIPv4, nil, ep)}, v4First, PairOptions{})
	if len(groups) != 1 || groups[0].Port.Number != nil || !groups[0].Ready {
		t.Errorf("got %+v", groups)
	}
	if got := PairEndpoints([]discoveryv1.EndpointSlice{{AddressType: discoveryv1.AddressTypeFQDN, Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"a.example"}}}}}, v4First, PairOptions{}); len(got) != 0 {
		t.Errorf("FQDN slices are not IP endpoints: %+v", got)
	}
}

func TestSlicesFromEndpoints(t *testing.T) {
	ep := &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
		Addresses:         []corev1.EndpointAddress{{IP: "10.0.0.1", TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: "ns", Name: "a"}}},
		NotReadyAddresses: []corev1.EndpointAddress{{IP: "10.0.0.2", TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: "ns", Name: "b"}}},
		Ports:             []corev1.EndpointPort{{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP}},
	}}}
	groups := Pair(SlicesFromEndpoints(ep), v4First, PairOptions{IncludeNotReady: true})
	if len(groups) != 2 || groups[0].Backend != "ns/a" || !groups[0].Ready || groups[1].Ready || *groups[1].Port.Number != 80 {
		t.Errorf("got %+v", groups)
	}
}

func TestFamilyOf(t *testing.T) {
	for ip, want := range map[string]corev1.IPFamily{"10.0.0.1": corev1.IPv4Protocol, "fd00::1": corev1.IPv6Protocol, "::ffff:10.0.0.1": corev1.IPv4Protocol /* as Kubernetes itself counts it */, "nope": ""} {
		if got := FamilyOf(ip); got != want {
			t.Errorf("FamilyOf(%q) = %q, want %q", ip, got, want)
		}
	}
}

// BenchmarkPairEndpoints shows pairing stays linear: 10,000 dual-stack backends.
func BenchmarkPairEndpoints(b *testing.B) {
	var v4, v6 []discoveryv1.Endpoint
	for i := range 10000 {
		pod := fmt.Sprintf("pod-%d", i)
		v4 = append(v4, endpoint(fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255), pod, true))
		v6 = append(v6, endpoint(fmt.Sprintf("fd00::%x", i), pod, true))
	}
	slices := []discoveryv1.EndpointSlice{slice(discoveryv1.AddressTypeIPv4, []int32{80}, v4...), slice(discoveryv1.AddressTypeIPv6, []int32{80}, v6...)}
	b.ReportAllocs()
	for b.Loop() {
		if groups := PairEndpoints(slices, v4First, PairOptions{}); len(groups) != 10000 {
			b.Fatalf("%d groups, want 10000", len(groups))
		}
	}
}

func TestPairEndpointsUnpairedOrder(t *testing.T) {
	// Endpoints without targetRef: the Service's primary family first, then
	// numerically (10.0.0.9 before 10.0.0.10).
	slices := []discoveryv1.EndpointSlice{
		slice(discoveryv1.AddressTypeIPv4, []int32{80}, endpoint("10.0.0.10", "", true), endpoint("10.0.0.9", "", true)),
		slice(discoveryv1.AddressTypeIPv6, []int32{80}, endpoint("fd00::10", "", true), endpoint("fd00::9", "", true)),
	}
	got := addresses(PairEndpoints(slices, v6First, PairOptions{}))
	want := [][]string{{"fd00::9"}, {"fd00::10"}, {"10.0.0.9"}, {"10.0.0.10"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IPv6 first: got %v, want %v", got, want)
	}
	got = addresses(PairEndpoints(slices, v4First, PairOptions{}))
	want = [][]string{{"10.0.0.9"}, {"10.0.0.10"}, {"fd00::9"}, {"fd00::10"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IPv4 first: got %v, want %v", got, want)
	}
}

func TestPairEndpointsPortOrder(t *testing.T) {
	slices := []discoveryv1.EndpointSlice{slice(discoveryv1.AddressTypeIPv4, []int32{80, 443, 9000}, endpoint("10.0.0.1", "a", true))}
	var got []int32
	for _, g := range PairEndpoints(slices, v4First, PairOptions{PortOrder: []string{"p443", "p80"}}) {
		got = append(got, *g.Port.Number)
	}
	// The Service's order first; a port it does not list after.
	if want := []int32{443, 80, 9000}; !reflect.DeepEqual(got, want) {
		t.Errorf("port order %v, want %v", got, want)
	}
}

// BenchmarkPairEndpointsUnpaired: 10,000 endpoints without targetRef (a
// Service without selector, endpoints written by hand) are sorted by
// address, each parsed once rather than in every comparison.
func BenchmarkPairEndpointsUnpaired(b *testing.B) {
	var v4, v6 []discoveryv1.Endpoint
	for i := range 5000 {
		v4 = append(v4, endpoint(fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255), "", true))
		v6 = append(v6, endpoint(fmt.Sprintf("fd00::%x", i), "", true))
	}
	slices := []discoveryv1.EndpointSlice{slice(discoveryv1.AddressTypeIPv4, []int32{80}, v4...), slice(discoveryv1.AddressTypeIPv6, []int32{80}, v6...)}
	b.ReportAllocs()
	for b.Loop() {
		if groups := PairEndpoints(slices, v4First, PairOptions{}); len(groups) != 10000 {
			b.Fatalf("%d groups, want 10000", len(groups))
		}
	}
}

// NewSlice keeps what pairing reads: a backend named by its targetRef (its
// kind too when not a Pod), readiness with an unset condition as ready,
// and a slice without ports as one port with no number.
func TestNewSlice(t *testing.T) {
	notReady := false
	got := NewSlice(&discoveryv1.EndpointSlice{AddressType: discoveryv1.AddressTypeIPv4, Endpoints: []discoveryv1.Endpoint{
		{Addresses: []string{"10.0.0.1"}, TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: "ns", Name: "a", UID: "u"}},
		{Addresses: []string{"10.0.0.2"}, TargetRef: &corev1.ObjectReference{Kind: "Node", Namespace: "", Name: "n1"}, Conditions: discoveryv1.EndpointConditions{Ready: &notReady}},
		{Addresses: []string{"10.0.0.3"}},
	}})
	want := Slice{AddressType: discoveryv1.AddressTypeIPv4, Ports: []Port{{}}, Endpoints: []Endpoint{
		{Addresses: []string{"10.0.0.1"}, Backend: "ns/a", Ready: true},
		{Addresses: []string{"10.0.0.2"}, Backend: "Node:/n1"},
		{Addresses: []string{"10.0.0.3"}, Ready: true},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewSlice: %+v, want %+v", got, want)
	}
}
