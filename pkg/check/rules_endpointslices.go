package check

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// endpointSliceRules are the endpointSlice rules, in report order.
var endpointSliceRules = []Rule{endpointslicesAddressTypes, endpointslicesAddressFamily}

var endpointslicesAddressTypes = Rule{
	ID:        "endpointslices-address-types",
	Area:      AreaEndpointSlices,
	Title:     "Each selector Service has EndpointSlices for exactly its families",
	Severity:  Error,
	Reference: "staging/src/k8s.io/endpointslice/utils.go getAddressTypesForService; staging/src/k8s.io/endpointslice/reconciler.go Reconcile; test/e2e/network/dual_stack.go validateEndpointSlices",
	Why:       "The EndpointSlice controller in kube-controller-manager keeps one set of slices for each address type the Service's `ipFamilies` name (for an empty list, the clusterIP's family, or both for a headless Service), with a placeholder slice when there are no endpoints, and deletes the slices of other types. A missing or extra slice means the controller has not reconciled the Service, and clients of that family see no or stale endpoints.",
	Fix:       "check that kube-controller-manager runs endpointslice-controller and that the Service's ipFamilies are what you want",
	Needs:     []Source{SourceServices, SourceSlices},
	Check:     checkSliceAddressTypes,
}

func checkSliceAddressTypes(f *Facts, r *Reporter) {
	type slices4svc struct {
		any     map[discoveryv1.AddressType]bool
		managed map[discoveryv1.AddressType][]string // by the endpointslice controller
	}
	bySvc := map[string]*slices4svc{}
	for i := range f.EndpointSlices {
		s := &f.EndpointSlices[i]
		name := s.Labels[discoveryv1.LabelServiceName]
		if name == "" {
			continue
		}
		key := s.Namespace + "/" + name
		e := bySvc[key]
		if e == nil {
			e = &slices4svc{any: map[discoveryv1.AddressType]bool{}, managed: map[discoveryv1.AddressType][]string{}}
			bySvc[key] = e
		}
		e.any[s.AddressType] = true
		if s.Labels[discoveryv1.LabelManagedBy] == endpointSliceControllerName {
			e.managed[s.AddressType] = append(e.managed[s.AddressType], s.Name)
		}
	}
	for i := range f.Services {
		svc := &f.Services[i]
		if svc.Spec.Type == corev1.ServiceTypeExternalName || len(svc.Spec.Selector) == 0 {
			continue
		}
		want := WantAddressTypes(svc)
		have := bySvc[svc.Namespace+"/"+svc.Name]
		var problems []string
		for _, t := range want {
			if have == nil || !have.any[t] {
				problems = append(problems, fmt.Sprintf("no %s EndpointSlice", t))
			}
		}
		if have != nil {
			for _, t := range []discoveryv1.AddressType{discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6} {
				if names := have.managed[t]; len(names) > 0 && !slices.Contains(want, t) {
					problems = append(problems, fmt.Sprintf("%s EndpointSlice %s though the Service has no %s family", t, strings.Join(names, ","), t))
				}
			}
		}
		if len(problems) > 0 {
			wantS := make([]string, len(want))
			for j, t := range want {
				wantS[j] = string(t)
			}
			r.Fail(serviceSubject(svc, "EndpointSlices"), Setting{}, "%s (want address types %s, label %s=%s)",
				strings.Join(problems, "; "), strings.Join(wantS, ","), discoveryv1.LabelServiceName, svc.Name)
		}
	}
}

const endpointSliceControllerName = "endpointslice-controller.k8s.io"

// WantAddressTypes is getAddressTypesForService: ipFamilies, else the
// clusterIP's family, else both for a headless Service.
func WantAddressTypes(svc *corev1.Service) []discoveryv1.AddressType {
	var out []discoveryv1.AddressType
	for _, fam := range svc.Spec.IPFamilies {
		if t := discoveryv1.AddressType(fam); (fam == corev1.IPv4Protocol || fam == corev1.IPv6Protocol) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > 0 {
		return out
	}
	if ip := svc.Spec.ClusterIP; ip != "" && ip != corev1.ClusterIPNone {
		if familyOfIP(ip) == corev1.IPv6Protocol {
			return []discoveryv1.AddressType{discoveryv1.AddressTypeIPv6}
		}
		return []discoveryv1.AddressType{discoveryv1.AddressTypeIPv4}
	}
	return []discoveryv1.AddressType{discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6}
}

// BackendsMissingFamily says what lacks a family among the ready backends
// of a selector Service with both families: each address type it wants
// (WantAddressTypes) that has no EndpointSlice, as
// endpointslices-address-types reports it, and each backend (endpoints
// paired by their targetRef across families, dualstack.Pair)
// with addresses of one family only. endpointSlices are the Service's own (label
// kubernetes.io/service-name). Nil for a Service of one family, or without
// a selector: its slices are kept by someone else.
func BackendsMissingFamily(svc *corev1.Service, endpointSlices []dualstack.Slice) []string {
	want := WantAddressTypes(svc)
	if svc.Spec.Type == corev1.ServiceTypeExternalName || len(svc.Spec.Selector) == 0 || len(want) < 2 {
		return nil
	}
	var missing []string
	for _, t := range want {
		if !hasAddressType(endpointSlices, t) {
			missing = append(missing, fmt.Sprintf("no %s EndpointSlice", t))
		}
	}
	seen := map[string]bool{}
	for _, g := range dualstack.Pair(endpointSlices, svc.Spec.IPFamilies, dualstack.PairOptions{}) {
		if g.Backend == "" || seen[g.Backend] {
			continue // unpaired endpoints (no targetRef) say nothing of a backend's families
		}
		fams := map[corev1.IPFamily]bool{}
		for _, a := range g.Addresses {
			fams[familyOfIP(a)] = true
		}
		if !fams[corev1.IPv4Protocol] || !fams[corev1.IPv6Protocol] {
			seen[g.Backend] = true
			missing = append(missing, fmt.Sprintf("backend %s: %s only", g.Backend, strings.Join(g.Addresses, ",")))
		}
	}
	return missing
}

func hasAddressType(endpointSlices []dualstack.Slice, t discoveryv1.AddressType) bool {
	return slices.ContainsFunc(endpointSlices, func(s dualstack.Slice) bool { return s.AddressType == t })
}

var endpointslicesAddressFamily = Rule{
	ID:        "endpointslices-address-family",
	Area:      AreaEndpointSlices,
	Title:     "EndpointSlice addresses match the slice's addressType",
	Severity:  Error,
	Reference: "pkg/apis/discovery/validation/validation.go ValidateEndpointSlice",
	Why:       "The API server rejects an EndpointSlice whose addresses are not of its `addressType` (\"must be an IPv4 address\", \"must be an IPv6 address\"). kube-proxy programs each family from the slices of that address type, so an address in a slice of the other type is not served.",
	Fix:       "fix the controller that wrote the slice: put each family's addresses in a slice of that addressType",
	Needs:     []Source{SourceSlices},
	Check:     checkSliceAddressFamily,
}

func checkSliceAddressFamily(f *Facts, r *Reporter) {
	const maxListed = 5
	for i := range f.EndpointSlices {
		s := &f.EndpointSlices[i]
		var want corev1.IPFamily
		switch s.AddressType {
		case discoveryv1.AddressTypeIPv4:
			want = corev1.IPv4Protocol
		case discoveryv1.AddressTypeIPv6:
			want = corev1.IPv6Protocol
		default:
			continue // FQDN
		}
		var problems []string
		bad := 0
		for j, ep := range s.Endpoints {
			for k, a := range ep.Addresses {
				fam := familyOfIP(a)
				if fam == want {
					continue
				}
				bad++
				if bad > maxListed {
					continue
				}
				msg := "must be an " + string(want) + " address"
				if fam == "" {
					msg = msgInvalidIP
				}
				problems = append(problems, fmt.Sprintf("endpoints[%d].addresses[%d]: Invalid value: %q: %s", j, k, a, msg))
			}
		}
		if bad > maxListed {
			problems = append(problems, fmt.Sprintf("and %d more", bad-maxListed))
		}
		if len(problems) > 0 {
			r.Fail("endpointslice/"+s.Namespace+"/"+s.Name+" endpoints", Setting{}, "addressType %s: %s", s.AddressType, strings.Join(problems, "; "))
		}
	}
}
