package check

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// serviceCIDRRules are the serviceCIDR rules, in report order.
var serviceCIDRRules = []Rule{servicecidrDefaultMatchesFlags, servicecidrDefaultEvents, servicecidrValid, servicecidrIPv6PrefixLength}

var servicecidrDefaultMatchesFlags = Rule{
	ID:        "servicecidr-default-matches-flags",
	Area:      AreaServiceCIDR,
	Title:     "The kubernetes ServiceCIDR equals kube-apiserver --service-cluster-ip-range",
	Severity:  Error,
	Reference: "pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go; https://kubernetes.io/docs/tasks/network/reconfigure-default-service-ip-ranges/",
	Why:       "From v1.33 kube-apiserver creates the ServiceCIDR `kubernetes` from its `--service-cluster-ip-range` and afterwards only converts it from single to dual-stack; any other difference stays, with Warning events such as \"The default ServiceCIDR [10.96.0.0/16] does not match the controller flag configurations [10.96.0.0/16 fd00::/108]\". ClusterIPs are allocated from the ServiceCIDR objects, so the flags then no longer say which ranges are in use.",
	Fix:       "give every kube-apiserver the same --service-cluster-ip-range as ServiceCIDR kubernetes (only single to dual-stack is converted automatically; see reconfigure-default-service-ip-ranges)",
	Needs:     []Source{SourceServiceCIDRs},
	Check:     checkDefaultServiceCIDR,
}

func checkDefaultServiceCIDR(f *Facts, r *Reporter) {
	const subject = "servicecidr/" + defaultServiceCIDRName + " spec.cidrs"
	if len(f.ServiceCIDRs) == 0 {
		r.Skip(subject, "no ServiceCIDR objects (Kubernetes before 1.33, or none gathered)")
		return
	}
	i := slices.IndexFunc(f.ServiceCIDRs, func(sc ServiceCIDR) bool { return sc.Name == defaultServiceCIDRName })
	if i < 0 {
		r.FailWith(Warning, subject, Setting{}, "no ServiceCIDR named %q, though the apiserver creates it from --service-cluster-ip-range (Kubernetes 1.33+)", defaultServiceCIDRName)
		return
	}
	object, ok := canonicalCIDRs(f.ServiceCIDRs[i].CIDRs)
	if !ok || len(object) == 0 {
		return // servicecidr-valid reports it
	}
	apiservers := f.ComponentsOf(APIServer)
	if len(apiservers) == 0 {
		reason := "kube-apiserver flags unknown: nothing to compare ServiceCIDR kubernetes with"
		if why := f.unavailable(SourceControlPlane); why != "" {
			reason += " (" + why + ")"
		}
		r.Skip(subject, reason)
		return
	}
	for _, c := range apiservers {
		at, set := c.Setting("service-cluster-ip-range")
		if !set {
			// pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR.
			at = Setting{Value: "10.0.0.0/24", Source: c.Source + " (--service-cluster-ip-range unset: default 10.0.0.0/24)", File: c.File, Line: c.Line}
		}
		entries := splitList(at.Value)
		if len(entries) > 2 {
			continue // the apiserver refuses to start; control-plane rules report it
		}
		flags, ok := canonicalCIDRs(entries)
		if !ok || len(flags) == 0 {
			continue
		}
		if slices.Equal(flags, object) {
			continue
		}
		hint := ""
		if len(object) == 1 && len(flags) == 2 && object[0] == flags[0] {
			hint = " (the apiserver converts single to dual-stack itself: look for KubernetesDefaultServiceCIDRError events)"
		}
		r.Fail(subject, at, "The default ServiceCIDR [%s] does not match the controller flag configurations [%s] (kube-apiserver %s)%s",
			strings.Join(f.ServiceCIDRs[i].CIDRs, " "), strings.Join(flags, " "), c.Instance, hint)
	}
}

const defaultServiceCIDRName = "kubernetes"

// canonicalCIDRs parses CIDRs as upstream (sloppy: host bits masked) and
// returns their canonical strings.
func canonicalCIDRs(values []string) ([]string, bool) {
	out := make([]string, 0, len(values))
	for _, v := range values {
		_, cidr, err := netutils.ParseCIDRSloppy(v)
		if err != nil {
			return nil, false
		}
		out = append(out, cidr.String())
	}
	return out, true
}

var servicecidrDefaultEvents = Rule{
	ID:        "servicecidr-default-events",
	Area:      AreaServiceCIDR,
	Title:     "No KubernetesDefaultServiceCIDRInconsistent/Error events",
	Severity:  Error,
	Reference: "pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go; https://kubernetes.io/docs/tasks/network/reconfigure-default-service-ip-ranges/",
	Why:       "When the ServiceCIDR `kubernetes` and a kube-apiserver's `--service-cluster-ip-range` disagree, that apiserver records Warning events on the object with reason `KubernetesDefaultServiceCIDRInconsistent`, and with reason `KubernetesDefaultServiceCIDRError` when it cannot create, update or convert it (for example \"The default ServiceCIDR can not be created\"). Apart from the events it keeps running with the object as it is.",
	Fix:       "make every kube-apiserver's --service-cluster-ip-range equal ServiceCIDR kubernetes (events name both)",
	Needs:     []Source{SourceEvents},
	Check:     checkServiceCIDREvents,
}

// Events outlive their cause: the controller retries a failed update (a
// conflict while converting single to dual-stack is common), so once
// ServiceCIDR kubernetes equals every apiserver's flags they are history.
func checkServiceCIDREvents(f *Facts, r *Reporter) {
	settled := defaultServiceCIDRSettled(f)
	seen := map[string]bool{}
	for _, e := range f.ServiceCIDREvents {
		if seen[e] {
			continue
		}
		seen[e] = true
		if settled {
			r.FailWith(Info, "servicecidr/"+defaultServiceCIDRName+" events", Setting{Source: "events"}, "%s (resolved since: ServiceCIDR kubernetes now equals every kube-apiserver's --service-cluster-ip-range)", e)
			continue
		}
		r.Fail("servicecidr/"+defaultServiceCIDRName+" events", Setting{Source: "events"}, "%s", e)
	}
}

// defaultServiceCIDRSettled says whether ServiceCIDR kubernetes is known to
// equal every kube-apiserver's --service-cluster-ip-range.
func defaultServiceCIDRSettled(f *Facts) bool {
	i := slices.IndexFunc(f.ServiceCIDRs, func(sc ServiceCIDR) bool { return sc.Name == defaultServiceCIDRName })
	apiservers := f.ComponentsOf(APIServer)
	if i < 0 || len(apiservers) == 0 {
		return false
	}
	object, ok := canonicalCIDRs(f.ServiceCIDRs[i].CIDRs)
	if !ok {
		return false
	}
	for _, c := range apiservers {
		at, set := c.Setting("service-cluster-ip-range")
		flags, ok := canonicalCIDRs(splitList(at.Value))
		if !set || !ok || !slices.Equal(flags, object) {
			return false
		}
	}
	return true
}

var servicecidrValid = Rule{
	ID:        "servicecidr-valid",
	Area:      AreaServiceCIDR,
	Title:     "ServiceCIDR spec.cidrs: 1-2 canonical CIDRs of different families",
	Severity:  Error,
	Reference: "pkg/apis/networking/validation/validation.go ValidateServiceCIDR",
	Why:       "The API server accepts a ServiceCIDR only with one or two CIDRs (\"at least one CIDR required\", \"may only hold up to 2 values\"), each in strict canonical form (for example \"must not have bits set beyond the prefix length\"), and two only of different families (\"may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64\"). Unlike the flags, it does not mask host bits or accept leading zeros.",
	Fix:       "list one or two canonical CIDRs, one per family, in spec.cidrs",
	Needs:     []Source{SourceServiceCIDRs},
	Check:     checkServiceCIDRsValid,
}

func checkServiceCIDRsValid(f *Facts, r *Reporter) {
	path := field.NewPath("spec", "cidrs")
	for _, sc := range f.ServiceCIDRs {
		var problems []string
		switch {
		case len(sc.CIDRs) == 0:
			problems = append(problems, field.Required(path, "at least one CIDR required").Error())
		case len(sc.CIDRs) > 2:
			problems = append(problems, fmt.Sprintf("%s: Invalid value: %s: may only hold up to 2 values", path, quoteList(sc.CIDRs)))
		default:
			for i, c := range sc.CIDRs {
				for _, e := range validation.IsValidCIDR(path.Index(i), c) {
					problems = append(problems, e.Error())
				}
			}
			if len(sc.CIDRs) == 2 {
				a, b := netutils.IPFamilyOfCIDRString(sc.CIDRs[0]), netutils.IPFamilyOfCIDRString(sc.CIDRs[1])
				if a == b && a != netutils.IPFamilyUnknown {
					problems = append(problems, fmt.Sprintf("%s: Invalid value: %s: %s, i.e 192.168.0.0/24 and 2001:db8::/64", path, quoteList(sc.CIDRs), msgOneIPPerFamily))
				}
			}
		}
		r.FailAll("servicecidr/"+sc.Name+" spec.cidrs", Setting{}, problems)
	}
}

var servicecidrIPv6PrefixLength = Rule{
	ID:        "servicecidr-ipv6-prefix-length",
	Area:      AreaServiceCIDR,
	Title:     "IPv6 service CIDRs are /64 or longer (usable by the allocator)",
	Severity:  Error,
	Reference: "pkg/registry/core/service/ipallocator/ipallocator.go NewIPAllocator",
	Why:       "The ClusterIP allocator refuses IPv6 ranges with a prefix shorter than /64 (\"shortest allowed prefix length for service CIDR is 64, got 48\"), while ServiceCIDR validation sets no size limit. kube-apiserver accepts such a ServiceCIDR and only logs the allocator error, so no ClusterIP is ever allocated from it.",
	Fix:       "use an IPv6 service range of /64 or longer (/108 up to /112 is usual)",
	Needs:     []Source{SourceServiceCIDRs},
	Check:     checkServiceCIDRPrefix,
}

func checkServiceCIDRPrefix(f *Facts, r *Reporter) {
	for _, sc := range f.ServiceCIDRs {
		for i, c := range sc.CIDRs {
			_, cidr, err := netutils.ParseCIDRSloppy(c)
			if err != nil || !netutils.IsIPv6CIDR(cidr) {
				continue
			}
			if ones, _ := cidr.Mask.Size(); ones < 64 {
				r.Fail(fmt.Sprintf("servicecidr/%s spec.cidrs[%d]", sc.Name, i), Setting{},
					"%s: shortest allowed prefix length for service CIDR is 64, got %d (the apiserver only logs this: no ClusterIP is ever allocated from this range)", c, ones)
			}
		}
	}
}
