package check

import (
	"fmt"
	"net"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"
)

// serviceRules are the service rules, in report order.
var serviceRules = []Rule{servicesClusterIPsValid, servicesIPFamiliesMatch, servicesClusterIPInRange, servicesIPFamilyPolicy, servicesPreferDualStackSingleFamily}

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

func isHeadless(svc *corev1.Service) bool {
	return svc.Spec.ClusterIP == corev1.ClusterIPNone
}
