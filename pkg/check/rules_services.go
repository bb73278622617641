package check

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	netutils "k8s.io/utils/net"
)

// serviceRules are the service rules, in report order.
var serviceRules = []Rule{servicesClusterIPsValid, servicesIPFamiliesMatch, servicesClusterIPInRange, servicesIPFamilyPolicy, servicesPreferDualStackSingleFamily, servicesIPFamiliesStored}

var servicesClusterIPsValid = Rule{
	ID:        "services-cluster-ips-valid",
	Area:      AreaServices,
	Title:     "Service clusterIPs/ipFamilies/ipFamilyPolicy pass API validation",
	Severity:  Error,
	Reference: "pkg/apis/core/validation/validation.go ValidateServiceClusterIPsRelatedFields; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "The API server rejects a Service whose `clusterIPs[0]` differs from `clusterIP` (\"first value must match `clusterIP`\"), whose clusterIPs are more than two or two of one family (\"may specify no more than one IP for each IP family\"), whose `ipFamilies` or `ipFamilyPolicy` hold an unsupported value, or that is headless as a NodePort or LoadBalancer Service; ExternalName Services may set none of these fields (\"may not be set for ExternalName services\"). Every update of such a Service is rejected too.",
	Fix:       "recreate the Service with valid clusterIPs, ipFamilies and ipFamilyPolicy",
	Needs:     []Source{SourceServices},
	Check:     checkServiceIPsValid,
}

func checkServiceIPsValid(f *Facts, r *Reporter) {
	for i := range f.Services {
		svc := &f.Services[i]
		spec := &svc.Spec
		var problems []string
		if spec.Type == corev1.ServiceTypeExternalName {
			if len(spec.ClusterIPs) > 0 {
				problems = append(problems, "spec.clusterIPs: Forbidden: may not be set for ExternalName services")
			}
			if len(spec.IPFamilies) > 0 {
				problems = append(problems, "spec.ipFamilies: Forbidden: may not be set for ExternalName services")
			}
			if spec.IPFamilyPolicy != nil {
				problems = append(problems, "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services")
			}
		} else {
			problems = serviceIPProblems(svc)
		}
		r.FailAll(serviceSubject(svc, "spec.clusterIPs"), Setting{}, problems)
	}
}

// serviceIPProblems is ValidateServiceClusterIPsRelatedFields for a stored
// (non-ExternalName) Service.
func serviceIPProblems(svc *corev1.Service) []string {
	spec := &svc.Spec
	var problems []string
	if spec.ClusterIP != "" {
		if len(spec.ClusterIPs) == 0 {
			problems = append(problems, "spec.clusterIPs: Required value")
		} else if spec.ClusterIPs[0] != spec.ClusterIP {
			problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: first value must match `clusterIP`", quoteList(spec.ClusterIPs)))
		}
	} else if len(spec.ClusterIPs) > 0 {
		problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: must be empty when `clusterIP` is not specified", quoteList(spec.ClusterIPs)))
	}
	seen := map[corev1.IPFamily]bool{}
	for i, fam := range spec.IPFamilies {
		if fam != corev1.IPv4Protocol && fam != corev1.IPv6Protocol {
			problems = append(problems, fmt.Sprintf("spec.ipFamilies[%d]: Unsupported value: %q: supported values: \"IPv4\", \"IPv6\"", i, fam))
		} else if seen[fam] {
			problems = append(problems, fmt.Sprintf("spec.ipFamilies[%d]: Duplicate value: %q", i, fam))
		}
		seen[fam] = true
	}
	if len(spec.IPFamilies) > 2 {
		problems = append(problems, fmt.Sprintf("spec.ipFamilies: Invalid value: %d families: may only hold up to 2 values", len(spec.IPFamilies)))
	}
	if p := spec.IPFamilyPolicy; p != nil && *p != corev1.IPFamilyPolicySingleStack && *p != corev1.IPFamilyPolicyPreferDualStack && *p != corev1.IPFamilyPolicyRequireDualStack {
		problems = append(problems, fmt.Sprintf("spec.ipFamilyPolicy: Unsupported value: %q: supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"", *p))
	}
	invalid := false
	for i, ip := range spec.ClusterIPs {
		if ip == corev1.ClusterIPNone {
			if i > 0 || len(spec.ClusterIPs) > 1 {
				problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: 'None' must be the first and only value", quoteList(spec.ClusterIPs)))
				invalid = true
			}
			continue
		}
		if netutils.ParseIPSloppy(ip) == nil {
			problems = append(problems, fmt.Sprintf("spec.clusterIPs[%d]: Invalid value: %q: %s", i, ip, msgInvalidIP))
			invalid = true
		}
	}
	if len(spec.ClusterIPs) > 2 {
		problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: may only hold up to 2 values", quoteList(spec.ClusterIPs)))
	} else if !invalid && len(spec.ClusterIPs) == 2 {
		if dual, err := netutils.IsDualStackIPStrings(spec.ClusterIPs); err != nil || !dual {
			problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: %s", quoteList(spec.ClusterIPs), msgOneIPPerFamily))
		}
	}
	if isHeadless(svc) && (spec.Type == corev1.ServiceTypeNodePort || spec.Type == corev1.ServiceTypeLoadBalancer) {
		problems = append(problems, fmt.Sprintf("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for %s services", spec.Type))
	}
	return problems
}

var servicesIPFamiliesMatch = Rule{
	ID:        "services-ip-families-match",
	Area:      AreaServices,
	Title:     "Service clusterIPs pair up with ipFamilies, index by index",
	Severity:  Error,
	Reference: "pkg/apis/core/validation/validation.go ValidateServiceClusterIPsRelatedFields; test/e2e/network/dual_stack.go",
	Why:       "The API server requires `clusterIPs[i]` to be of the family `ipFamilies[i]` names (\"expected an IPv6 value as indicated by `ipFamilies[1]`\"), and the dual-stack e2e tests expect as many ipFamilies as clusterIPs. The EndpointSlice controller follows `ipFamilies`, so a ClusterIP of a family not listed there gets no endpoints.",
	Fix:       "recreate the Service: the apiserver allocates clusterIPs matching ipFamilies",
	Needs:     []Source{SourceServices},
	Check:     checkServiceFamiliesMatch,
}

func checkServiceFamiliesMatch(f *Facts, r *Reporter) {
	for i := range f.Services {
		svc := &f.Services[i]
		spec := &svc.Spec
		if spec.Type == corev1.ServiceTypeExternalName || isHeadless(svc) || len(spec.ClusterIPs) == 0 {
			continue
		}
		var problems []string
		if len(spec.ClusterIPs) != len(spec.IPFamilies) {
			problems = append(problems, fmt.Sprintf("%d clusterIPs (%s) but %d ipFamilies (%s)",
				len(spec.ClusterIPs), strings.Join(spec.ClusterIPs, ","), len(spec.IPFamilies), joinFamilies(spec.IPFamilies)))
		}
		for j, ip := range spec.ClusterIPs {
			if j >= len(spec.IPFamilies) {
				break
			}
			fam, want := familyOfIP(ip), spec.IPFamilies[j]
			if fam == "" || (want != corev1.IPv4Protocol && want != corev1.IPv6Protocol) || fam == want {
				continue
			}
			problems = append(problems, fmt.Sprintf("spec.clusterIPs[%d]: Invalid value: %q: expected an %s value as indicated by `ipFamilies[%v]`", j, ip, want, j))
		}
		r.FailAll(serviceSubject(svc, "spec.clusterIPs"), Setting{}, problems)
	}
}

var servicesClusterIPInRange = Rule{
	ID:        "services-cluster-ip-in-range",
	Area:      AreaServices,
	Title:     "Service clusterIPs lie in a service range of their family",
	Severity:  Warning,
	Reference: "pkg/registry/core/service/ipallocator/controller/repairip.go",
	Why:       "kube-apiserver's ClusterIP repair loop checks every Service's clusterIPs against the service ranges (the ServiceCIDR objects) and, for an address outside all of them, records a Warning event with reason `ClusterIPOutOfRange`: \"Cluster IP [IPv4]: 10.0.0.10 is not within any configured Service CIDR; please recreate service\". Such addresses are left over from a service range that was changed or removed, and the Service keeps its address until it is recreated.",
	Fix:       "recreate the Service so it gets a clusterIP from a configured range (or add a ServiceCIDR covering it)",
	Needs:     []Source{SourceServices},
	Check:     checkServiceIPsInRange,
}

func checkServiceIPsInRange(f *Facts, r *Reporter) {
	ranges, at, _ := f.ServiceRanges()
	names := []string{}
	for _, c := range ranges {
		names = append(names, c.String())
	}
	for _, sc := range f.ServiceCIDRs {
		for _, v := range sc.CIDRs {
			if _, cidr, err := netutils.ParseCIDRSloppy(v); err == nil && !slices.Contains(names, cidr.String()) {
				ranges = append(ranges, cidr)
				names = append(names, cidr.String())
				if at.Source == "" {
					at.Source = "ServiceCIDR objects"
				}
			}
		}
	}
	if len(ranges) == 0 {
		r.Skip("services", "no service range known: "+familiesUnknown(f))
		return
	}
	at.Value = strings.Join(names, ",")
	for i := range f.Services {
		svc := &f.Services[i]
		if svc.Spec.Type == corev1.ServiceTypeExternalName || isHeadless(svc) {
			continue
		}
		var problems []string
		for _, s := range svc.Spec.ClusterIPs {
			ip := netutils.ParseIPSloppy(s)
			if ip == nil {
				continue
			}
			if !slices.ContainsFunc(ranges, func(c *net.IPNet) bool { return c.Contains(ip) }) {
				problems = append(problems, fmt.Sprintf("Cluster IP [%s]: %s is not within any configured Service CIDR; please recreate service", familyOfIP(s), s))
			}
		}
		if len(problems) > 0 {
			r.Fail(serviceSubject(svc, "spec.clusterIPs"), at, "%s (service ranges: %s)", strings.Join(problems, "; "), at.Value)
		}
	}
}

var servicesIPFamilyPolicy = Rule{
	ID:        "services-ip-family-policy",
	Area:      AreaServices,
	Title:     "A SingleStack Service has one clusterIP and one family",
	Severity:  Error,
	Reference: "pkg/registry/core/service/storage/alloc.go initIPFamilyFields",
	Why:       "The API server rejects a SingleStack Service with two clusterIPs or two ipFamilies: \"must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified\" (or \"when multiple IP families are specified\"). Every update of a stored Service in that state is rejected the same way.",
	Fix:       "set spec.ipFamilyPolicy to PreferDualStack or RequireDualStack, or keep one clusterIP and family",
	Needs:     []Source{SourceServices},
	Check:     checkServiceFamilyPolicy,
}

func checkServiceFamilyPolicy(f *Facts, r *Reporter) {
	for i := range f.Services {
		svc := &f.Services[i]
		spec := &svc.Spec
		if spec.Type == corev1.ServiceTypeExternalName || spec.IPFamilyPolicy == nil || *spec.IPFamilyPolicy != corev1.IPFamilyPolicySingleStack {
			continue
		}
		var problems []string
		if len(spec.ClusterIPs) == 2 {
			problems = append(problems, "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified")
		}
		if len(spec.IPFamilies) == 2 {
			problems = append(problems, "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified")
		}
		r.FailAll(serviceSubject(svc, "spec.ipFamilyPolicy"), Setting{}, problems)
	}
}

var servicesPreferDualStackSingleFamily = Rule{
	ID:        "services-prefer-dual-stack-single-family",
	Area:      AreaServices,
	Title:     "Dual-stack-policy Services have both families on a dual-stack cluster",
	Severity:  Warning,
	Reference: "pkg/registry/core/service/storage/alloc.go isMatchingPreferDualStackClusterIPFields; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "The API server chooses a Service's families when it is created or when its `ipFamilies` or `clusterIPs` change; an update that leaves those of a PreferDualStack Service alone keeps them as they are. A Service created while the cluster was single-stack therefore keeps one family after the cluster becomes dual-stack, until its families are set again or it is recreated.",
	Fix:       "set ipFamilies/clusterIPs or recreate",
	Needs:     []Source{SourceServices},
	Scope:     knownFamilies,
	Check:     checkServiceNotUpgraded,
}

func checkServiceNotUpgraded(f *Facts, r *Reporter) {
	if !f.DualStack() {
		return // on a single-stack cluster a dual-stack policy is one family by design
	}
	_, at, _ := f.ServiceRanges()
	for i := range f.Services {
		svc := &f.Services[i]
		spec := &svc.Spec
		if spec.Type == corev1.ServiceTypeExternalName || spec.IPFamilyPolicy == nil || *spec.IPFamilyPolicy == corev1.IPFamilyPolicySingleStack {
			continue
		}
		if len(spec.IPFamilies) >= 2 {
			continue
		}
		only := "no family"
		if len(spec.IPFamilies) == 1 {
			only = "only " + string(spec.IPFamilies[0])
		}
		r.Fail(serviceSubject(svc, "spec.ipFamilies"), at, "ipFamilyPolicy %s but %s on a dual-stack cluster: Services created before the cluster became dual-stack are not upgraded",
			*spec.IPFamilyPolicy, only)
	}
}

var servicesIPFamiliesStored = Rule{
	ID:        "services-ip-families-stored",
	Area:      AreaServices,
	Title:     "Services are stored with ipFamilies, which watch events carry",
	Severity:  Warning,
	Reference: "pkg/registry/core/service/storage/storage.go defaultOnReadIPFamilies; staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go dispatchEvent; staging/src/k8s.io/apimachinery/pkg/util/managedfields/internal/skipnonapplied.go; pkg/controller/endpoint/endpoints_controller.go podToEndpointAddressForService; kubernetes/kubernetes pull request 138736, issues 138735 and 131779; CHANGELOG/CHANGELOG-1.33.md v1.33.13 (and v1.34.9, v1.35.6, v1.36.2); kubernetes-sigs/cloud-provider-azure pull request 9112",
	Why:       "A Service created before Kubernetes 1.20 and not updated since is stored without `ipFamilies`, `ipFamilyPolicy` and `clusterIPs`: every update of a Service through the API stores them, an update of its status does not. The API server fills them in when a Service is read with GET or LIST (so `kubectl get` and this audit's list show them), but not in the watch events of its later changes (issue 131779: the watch cache's dispatched objects bypass that defaulting), and controllers' informers keep what the events carry. Controllers that take a Service's family from `ipFamilies[0]` then break: kube-controller-manager's Endpoints controller panics on the watch event of such a Service with a selector, taking kube-controller-manager down (\"Fixed a 1.33 regression that could cause a panic in the endpoint controller when processing services with empty IPFamilies field (pre-dual-stack services that were never spec-updated)\", pull request 138736), from v1.33.0 until v1.33.13, v1.34.9, v1.35.6 and v1.36.2; other clients guess (\"In some cases service.spec.ipfamilies would be empty, and we need to set a default value\", cloud-provider-azure pull request 9112). The audit tells such a Service by its metadata: created before 1.20 was released (2020-12-08), and no update of the Service itself since then in its managedFields. A Service created before managedFields existed (1.16) has none, and updates do not start them (only a create or a server-side apply does): such a Service is only probably stored without its families.",
	Fix:       "store the families with a server-side apply, which also records the update in managedFields: kubectl apply --server-side --field-manager=ip-families -f - with apiVersion: v1, kind: Service, metadata: {name: NAME, namespace: NAMESPACE}, spec: {ipFamilyPolicy: SingleStack, ipFamilies: [IPv4]} (the family of its clusterIP); on an affected kube-controller-manager, upgrade it to a patch release with the fix",
	Needs:     []Source{SourceServices},
	Check:     checkServiceFamiliesStored,
}

// endpointsPanicFixed is the first patch release of each minor version
// whose Endpoints controller no longer panics on a Service without
// ipFamilies (CHANGELOG-1.33.md to CHANGELOG-1.36.md); 1.32 and older never
// did, 1.37 has the fix.
var endpointsPanicFixed = map[uint]uint{33: 13, 34: 9, 35: 6, 36: 2}

// firstFamiliesRelease is when Kubernetes 1.20 came out, the first release
// that stores a Service's ipFamilies: no cluster stored them before.
var firstFamiliesRelease = metav1.Date(2020, 12, 8, 0, 0, 0, 0, time.UTC)

func checkServiceFamiliesStored(f *Facts, r *Reporter) {
	var kcm Component
	if c := f.ComponentsOf(ControllerManager); len(c) > 0 {
		kcm = c[0]
	}
	v := componentVersion(kcm, f.ServerVersion)
	fixed, affected := uint(0), false
	if v != nil && v.Major() == 1 {
		fixed, affected = endpointsPanicFixed[v.Minor()]
		affected = affected && v.Patch() < fixed
	}
	for i := range f.Services {
		svc := &f.Services[i]
		since, certain, ok := storedWithoutFamilies(svc)
		if !ok {
			continue
		}
		stored := "stored without ipFamilies"
		if !certain {
			stored = "probably " + stored
		}
		what := fmt.Sprintf("created %s, before Kubernetes 1.20 stored a Service's families, and %s: %s; a GET or LIST shows %s, filled in on read, but the watch events of its later changes (of its status, say) carry none",
			svc.CreationTimestamp.UTC().Format(time.DateOnly), since, stored, joinFamilies(svc.Spec.IPFamilies))
		switch {
		case !affected || len(svc.Spec.Selector) == 0:
			r.Fail(serviceSubject(svc, "spec.ipFamilies"), Setting{}, "%s", what)
		case certain:
			r.FailWith(Error, serviceSubject(svc, "spec.ipFamilies"), Setting{}, "%s; kube-controller-manager v%s's Endpoints controller panics on it (fixed in v1.%d.%d)", what, v, v.Minor(), fixed)
		default:
			r.Fail(serviceSubject(svc, "spec.ipFamilies"), Setting{}, "%s; if so, kube-controller-manager v%s's Endpoints controller panics on it (fixed in v1.%d.%d)", what, v, v.Minor(), fixed)
		}
	}
}

// storedWithoutFamilies says whether a Service is, as far as its metadata
// tells, stored without ipFamilies: created before Kubernetes 1.20, with
// no managedFields entry of an update of the Service itself (not of its
// status) since; since says what its managedFields tell. Without
// managedFields it is not certain: updates do not start them.
func storedWithoutFamilies(svc *corev1.Service) (since string, certain, stored bool) {
	if svc.Spec.Type == corev1.ServiceTypeExternalName || svc.CreationTimestamp.IsZero() || !svc.CreationTimestamp.Before(&firstFamiliesRelease) {
		return "", false, false
	}
	if len(svc.ManagedFields) == 0 {
		return "no managedFields entry tells of an update since (an update does not start them)", false, true
	}
	var last *metav1.Time
	for _, m := range svc.ManagedFields {
		if m.Subresource != "" || m.Time == nil {
			continue
		}
		if !m.Time.Before(&firstFamiliesRelease) {
			return "", false, false
		}
		if last == nil || last.Before(m.Time) {
			last = m.Time
		}
	}
	if last == nil {
		return "its managedFields tell of no update of the Service itself", true, true
	}
	return "last updated " + last.UTC().Format(time.DateOnly) + " (managedFields)", true, true
}

func isHeadless(svc *corev1.Service) bool {
	return svc.Spec.ClusterIP == corev1.ClusterIPNone
}
