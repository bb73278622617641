package summary

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// mixedFacts is a dual-stack cluster with a mixed workload: in shop, dual
// and single pods and Services, exempt ones, a dual Service with a
// backend of one family, load balancers, Ingresses and NetworkPolicies of
// one family and of both; legacy, a namespace exempt as a whole.
func mixedFacts() *check.Facts {
	f := dualCluster()
	rs := &Owner{Kind: "ReplicaSet", Name: "web-abc"}
	f.Namespaces = []corev1.Namespace{
		{ObjectMeta: meta("", "shop", nil, nil)},
		{ObjectMeta: meta("", "legacy", nil, exemptAnnotation("*: pinned to IPv4 until the vendor supports IPv6"))},
	}
	pending := pod(meta("shop", "pending", nil, nil), nil)
	pending.Status.Phase = corev1.PodPending
	f.Pods = streamed(
		pod(meta("shop", "web-1", map[string]string{"app": "web"}, nil), rs, "10.244.1.2", "fd00:10:244:1::2"),
		pod(meta("shop", "web-2", map[string]string{"app": "web"}, nil), rs, "10.244.1.3"),
		pod(meta("shop", "legacy-app", nil, exemptAnnotation("pods-dual-stack-ips: talks to an IPv4-only mainframe")), nil, "10.244.1.4"),
		pod(meta("shop", "nightly-1-x", nil, nil), &Owner{Kind: "Job", Name: "nightly-1"}, "10.244.1.5", "fd00:10:244:1::5"),
		pod(meta("shop", "batch-1", map[string]string{"app": "batch"}, nil), nil, "10.244.1.6"),
		pending,
		pod(meta("legacy", "old-1", nil, nil), nil, "10.244.1.7"),
	)
	f.Services = []corev1.Service{
		service(meta("default", "kubernetes", nil, nil), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicySingleStack, false, v4),
		service(meta("shop", "web", map[string]string{"app": "web"}, nil), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicyPreferDualStack, false, dual...),
		service(meta("shop", "v4only", nil, nil), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicySingleStack, false, v4),
		service(meta("shop", "old", nil, nil), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicyPreferDualStack, false, v4),
		service(meta("shop", "pinned", nil, exemptAnnotation("*: clients pin its IPv4 address")), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicySingleStack, false, v4),
		service(meta("shop", "hl", nil, nil), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicyRequireDualStack, true, dual...),
		{ObjectMeta: meta("shop", "ext", nil, nil), Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "example.com"}},
		lbStatus(service(meta("shop", "lb", nil, nil), corev1.ServiceTypeLoadBalancer, corev1.IPFamilyPolicyRequireDualStack, false, dual...), "203.0.113.10"),
		lbStatus(service(meta("shop", "lb2", nil, nil), corev1.ServiceTypeLoadBalancer, corev1.IPFamilyPolicyRequireDualStack, false, dual...), "203.0.113.11", "2001:db8::11"),
		service(meta("legacy", "old", nil, nil), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicySingleStack, false, v4),
	}
	f.EndpointSlices = []check.EndpointSlice{
		slice("shop", "web", discoveryv1.AddressTypeIPv4, map[string]string{"web-1": "10.244.1.2", "web-2": "10.244.1.3"}),
		slice("shop", "web", discoveryv1.AddressTypeIPv6, map[string]string{"web-1": "fd00:10:244:1::2"}),
	}
	for _, name := range []string{"hl", "lb", "lb2"} {
		f.EndpointSlices = append(f.EndpointSlices, placeholders("shop", name)...)
	}
	f.Ingresses = append(f.Ingresses, ingress(meta("shop", "www", nil, nil), "203.0.113.20"), ingress(meta("shop", "www2", nil, nil), "203.0.113.21", "2001:db8::21"))
	f.NetworkPolicies = append(f.NetworkPolicies,
		policy(meta("shop", "allow-v4", nil, nil), "0.0.0.0/0"),
		policy(meta("shop", "allow-both", nil, nil), "0.0.0.0/0", "::/0"),
		policy(meta("shop", "same-namespace", nil, nil)))
	f.IPAddresses = []netip.Addr{netip.MustParseAddr("10.96.0.1"), netip.MustParseAddr("10.96.0.10"), netip.MustParseAddr("fd00:10:96::10")}
	return f
}

// configured exempts the batch pods, as a configuration file would.
var configured = []check.Exemption{{Rules: []string{"pods-dual-stack-ips"}, Selector: labels.SelectorFromSet(labels.Set{"app": "batch"}), Reason: "batch jobs reach IPv4 only", Source: "config.yaml:7"}}

// The mixed workload's counts, worked out by hand from mixedFacts.
func TestComputeMixed(t *testing.T) {
	s, err := Compute(mixedFacts(), Options{Exemptions: configured})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Groups) != 2 || s.Groups[0].Namespace != "shop" || s.Groups[1].Namespace != "legacy" {
		t.Fatalf("groups %v, want shop then legacy (nothing counted: last)", groupNames(s))
	}
	shop := s.Groups[0]
	want := Counts{
		// web-1 and nightly-1-x have both; web-2 not; legacy-app and
		// batch-1 are exempt (annotation, configured); pending is not Running.
		Pods: &Pods{Running: 5, Dual: 2},
		// Dual: web, lb, lb2; old prefers but has one; v4only and pinned
		// are SingleStack (pinned exempt); hl is headless; ext and
		// default/kubernetes are not counted. web-2 lacks IPv6 in web's slices.
		Services:        &Services{Dual: 3, PreferButSingle: 1, Single: 2, Headless: Ratio{Dual: 1, Total: 1}, BackendsMissingFamily: ptr.To(1)},
		LoadBalancers:   &Ratio{Dual: 1, Total: 2},
		Ingresses:       &Ratio{Dual: 1, Total: 2},
		NetworkPolicies: &NetworkPolicies{Total: 3, WithIPBlocks: 2, OneFamily: 1},
		Exempt:          &Exempt{Pods: 2, Services: 1},
		// Counted: 5 pods + 7 Services + 2 LBs + 2 Ingresses + 2 policies
		// with ipBlocks - 3 exempt = 15. Ready: 2 pods + (3+1-1) Services
		// + 1 LB + 1 Ingress + 1 policy = 8.
		Readiness: &Readiness{Ready: 8, Counted: 15, Percent: ptr.To(53)},
	}
	if !reflect.DeepEqual(shop.Counts, want) {
		t.Errorf("shop:\n got %s\nwant %s", dump(shop.Counts), dump(want))
	}
	wantNames := Names{Names: []string{"service/web (backends)", "service/v4only", "service/old", "service/lb (load balancer)", "ingress/www"}, More: 2}
	if !reflect.DeepEqual(shop.NotDual, wantNames) {
		t.Errorf("shop's names %+v, want %+v (networkpolicy/allow-v4 and pod/web-2 are the 2 more)", shop.NotDual, wantNames)
	}
	legacy := s.Groups[1]
	if *legacy.Exempt != (Exempt{Pods: 1, Services: 1}) || legacy.Readiness.Counted != 0 || legacy.Readiness.Percent != nil || len(legacy.NotDual.Names) != 0 {
		t.Errorf("legacy (exempt by its namespace): %s, names %v", dump(legacy.Counts), legacy.NotDual)
	}
	if s.Total.Pods.Running != 6 || s.Total.Exempt.Sum() != 5 || !reflect.DeepEqual(s.Total.Readiness, &Readiness{Ready: 8, Counted: 15, Percent: ptr.To(53)}) {
		t.Errorf("total %s", dump(s.Total))
	}
	if !s.Complete || len(s.Unknown) != 0 {
		t.Errorf("complete %v, unknown %+v: every source was read", s.Complete, s.Unknown)
	}
	c := s.Cluster
	if c.Stack != "dual-stack IPv4-primary" || c.PrimaryFamily != v4 || len(c.PodRanges) != 2 || c.PodRanges[0].Taken != 1 || c.PodRanges[0].Ranges != 256 ||
		len(c.ServiceAddresses) != 2 || c.ServiceAddresses[0].Used != 2 || c.ServiceAddresses[1].Used != 1 || c.CNI != nil || c.WhyUnknown["cni"] != check.CNIUnknown {
		t.Errorf("cluster %+v", c)
	}
}

// The exemption rules summary counts by are rules check has.
func TestExemptionRulesExist(t *testing.T) {
	var ids []string
	for _, r := range check.Rules() {
		ids = append(ids, r.ID)
	}
	for _, id := range []string{rulePods, ruleServices, ruleLoadBalancers, ruleIngresses, rulePolicies} {
		if !slices.Contains(ids, id) {
			t.Errorf("rule %s is not one of check's", id)
		}
	}
}

// -n and -l: only what is in the namespace and matches is counted.
func TestComputeNamespaceAndSelector(t *testing.T) {
	s, err := Compute(mixedFacts(), Options{Namespace: "shop", Selector: labels.SelectorFromSet(labels.Set{"app": "web"})})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Groups) != 1 || s.Scope.Namespace != "shop" || s.Scope.Selector != "app=web" {
		t.Fatalf("groups %v, scope %+v", groupNames(s), s.Scope)
	}
	g := s.Groups[0]
	if *g.Pods != (Pods{Running: 2, Dual: 1}) || g.Services.Dual != 1 || g.Services.Single+g.Services.PreferButSingle+g.Services.Headless.Total != 0 ||
		g.Ingresses.Total != 0 || g.NetworkPolicies.Total != 0 {
		t.Errorf("app=web in shop: %s", dump(g.Counts))
	}
}

// A source that could not be read leaves its counts, the exempt counts
// and readiness null, never 0, and says so.
func TestComputeUnknownSources(t *testing.T) {
	f := mixedFacts()
	f.MarkUnavailable(check.SourceIngresses, "forbidden: ingresses.networking.k8s.io is forbidden")
	f.MarkUnavailable(check.SourceSlices, "forbidden: endpointslices.discovery.k8s.io is forbidden")
	f.Pods = func(func(*corev1.Pod) error) error {
		return check.UnavailableError{Err: errors.New("pods is forbidden: User \"viewer\" cannot list resource \"pods\"")}
	}
	s, err := Compute(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range append(s.Groups, Group{Counts: s.Total}) {
		if g.Pods != nil || g.Ingresses != nil || g.Exempt != nil || g.Readiness != nil || g.Services == nil || g.Services.BackendsMissingFamily != nil ||
			g.NetworkPolicies == nil || g.LoadBalancers == nil {
			t.Errorf("%s: %s: want pods, ingresses, backends, exempt and readiness null, the rest counted", g.Namespace, dump(g.Counts))
		}
	}
	var sources []string
	for _, u := range s.Unknown {
		sources = append(sources, u.Source)
	}
	if s.Complete || !slices.Equal(sources, []string{"pods", "EndpointSlices", "Ingresses"}) || !strings.Contains(s.Unknown[0].Reason, "cannot list resource") {
		t.Errorf("complete %v, unknown %+v", s.Complete, s.Unknown)
	}

	// A server that cannot be talked to ends the summary.
	f.Pods = func(func(*corev1.Pod) error) error { return errors.New("connection refused") }
	if _, err := Compute(f, Options{}); err == nil || err.Error() != "connection refused" {
		t.Errorf("a failed pod stream: %v, want its error", err)
	}
}

// The cluster block: what could not be known says why.
func TestClusterUnknown(t *testing.T) {
	f := &check.Facts{ServerVersion: "v1.37.0", Pods: streamed()}
	f.MarkUnavailable(check.SourceServiceCIDRs, "forbidden: servicecidrs")
	f.MarkUnavailable(check.SourceCNI, "forbidden: configmaps")
	s, err := Compute(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Cluster
	if c.Stack != "unknown" || c.Families != nil || c.CNI != nil || c.PodRanges != nil || c.ServiceAddresses != nil ||
		!strings.Contains(c.WhyUnknown["stack"], "IP families are unknown") || c.WhyUnknown["cni"] != "CNI configuration: forbidden: configmaps" ||
		!strings.Contains(c.WhyUnknown["podRanges"], "node IPAM configuration unknown") || c.WhyUnknown["serviceAddresses"] != "ServiceCIDR objects: forbidden: servicecidrs" {
		t.Errorf("cluster %+v", c)
	}
	if s.Complete || len(s.Unknown) != 2 {
		t.Errorf("unknown %+v: ServiceCIDRs and the CNI could not be read", s.Unknown)
	}
}

// Groups come worst first; nothing counted, then unknown, last.
func TestWorstFirst(t *testing.T) {
	g := func(ns string, ready, counted int, known bool) Group {
		grp := Group{Namespace: ns}
		if known {
			grp.Readiness = readiness(Counts{Pods: &Pods{Running: counted, Dual: ready}, Services: &Services{BackendsMissingFamily: ptr.To(0)},
				LoadBalancers: &Ratio{}, Ingresses: &Ratio{}, NetworkPolicies: &NetworkPolicies{}, Exempt: &Exempt{}})
		}
		return grp
	}
	groups := []Group{g("empty", 0, 0, true), g("unknown", 0, 0, false), g("b-half", 5, 10, true), g("a-half", 1, 2, true), g("full", 3, 3, true), g("zero", 0, 1, true)}
	slices.SortFunc(groups, worstFirst)
	var got []string
	for _, grp := range groups {
		got = append(got, grp.Namespace)
	}
	// At 50%, b-half has 5 items not ready, a-half 1.
	if want := []string{"zero", "b-half", "a-half", "full", "empty", "unknown"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// Memory does not grow with the pods: streaming ten times as many pods,
// every one without both families, leaves the same summary behind.
func TestComputeMemoryFlat(t *testing.T) {
	retained := func(n int) uint64 {
		f := dualCluster()
		f.Pods = func(visit func(*corev1.Pod) error) error {
			for i := range n {
				p := pod(meta(fmt.Sprintf("ns-%d", i%10), fmt.Sprintf("pod-%d", i), nil, nil), nil, "10.244.1.2")
				if err := visit(&p); err != nil {
					return err
				}
			}
			return nil
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := Compute(f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if names := s.Groups[0].NotDual; s.Total.Pods.Running != n || len(names.Names)+names.More != n/10 {
			t.Errorf("%d pods: total %+v, %d names and %d more", n, s.Total.Pods, len(names.Names), names.More)
		}
		runtime.KeepAlive(s)
		return after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	}
	small, large := retained(10_000), retained(100_000)
	if large > small+256<<10 {
		t.Errorf("the summary of 100,000 pods retains %d KiB, of 10,000 pods %d KiB: it grows with the pods", large>>10, small>>10)
	}
}

func groupNames(s *Summary) []string {
	var out []string
	for _, g := range s.Groups {
		out = append(out, g.Namespace+"/"+ownerName(g.Owner))
	}
	return out
}

// dump shows counts as their JSON: pointers followed, null for nil.
func dump(c Counts) string {
	out, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	return string(out)
}
