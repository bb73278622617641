package check

import (
	netutils "k8s.io/utils/net"

	"fmt"
	"net"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"
)

// apiserverRules are the apiserver rules, in report order.
var apiserverRules = []Rule{apiServerServiceRangeSyntax, apiServerServiceRangeFamilies, apiServerServiceRangeSize, apiServerServiceRangeDefault, apiServerAdvertiseAddressFamily, apiServerServiceRangeConsistent, apiServerSecondaryRangeFlag, apiServerKubernetesServiceIP}

// cmd/kube-apiserver/app/options/completion.go getServiceIPAndRanges
// (parse errors) and validation.go validateClusterIPFlags (A1, A2).
var apiServerServiceRangeSyntax = Rule{
	ID:        "apiserver-service-range-syntax",
	Area:      "apiserver",
	Title:     "kube-apiserver --service-cluster-ip-range parses and has at most two entries",
	Severity:  Error,
	Reference: "RULES.md §1.2, §1.3 A1/A2; cmd/kube-apiserver/app/options/completion.go getServiceIPAndRanges, validation.go validateClusterIPFlags",
	Fix:       "set --service-cluster-ip-range to one CIDR, or two CIDRs of different families separated by a comma (no spaces)",
	Needs:     []string{SourceControlPlane},
	Check:     checkAPIServerRangeSyntax,
}

func checkAPIServerRangeSyntax(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if !rg.set {
			continue // the default range: apiserver-service-range-default
		}
		subject := cpSubject(c, "service-cluster-ip-range")
		if len(rg.entries) > 2 {
			r.Fail(subject, rg.at, "--service-cluster-ip-range must not contain more than two entries (%d given: %s)", len(rg.entries), rg.at.Value)
		}
		if rg.primary == nil {
			r.Fail(subject, rg.at, "service-cluster-ip-range[0] is not a valid cidr (%q); --service-cluster-ip-range must contain at least one valid cidr", rg.entries[0])
		}
		if len(rg.entries) > 1 && rg.secondary == nil {
			r.Fail(subject, rg.at, "service-cluster-ip-range[1] is not an ip net (%q)", rg.entries[1])
		}
		for i, n := range []*net.IPNet{rg.primary, rg.secondary} {
			if n != nil && n.String() != rg.entries[i] {
				r.FailWith(Info, subject, rg.at, "service-cluster-ip-range[%d] %q is read as %s (parsed sloppily: host bits masked, leading zeros dropped); write %s", i, rg.entries[i], n, n)
			}
		}
	}
}

// cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags (A4).
var apiServerServiceRangeFamilies = Rule{
	ID:        "apiserver-service-range-families",
	Area:      "apiserver",
	Title:     "The two kube-apiserver service ranges are of different IP families",
	Severity:  Error,
	Reference: "RULES.md §1.3 A4; cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags",
	Fix:       "give --service-cluster-ip-range one IPv4 and one IPv6 CIDR, primary family first",
	Needs:     []string{SourceControlPlane},
	Check:     checkAPIServerRangeFamilies,
}

func checkAPIServerRangeFamilies(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if rg.primary == nil || rg.secondary == nil {
			continue // single range, or a parse error reported elsewhere
		}
		subject := cpSubject(c, "service-cluster-ip-range")
		dual, err := netutils.IsDualStackCIDRs([]*net.IPNet{rg.primary, rg.secondary})
		if err != nil {
			r.Fail(subject, rg.at, "error attempting to validate dualstack for --service-cluster-ip-range value error:%v", err)
			continue
		}
		if !dual {
			r.Fail(subject, rg.at, "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family (%s and %s are both %s)", rg.primary, rg.secondary, familyOfCIDR(rg.primary))
		}
	}
}

// cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags /
// validateMaxCIDRRange (A3, A5; gates MultiCIDRServiceAllocator and
// DisableAllocatorDualWrite in pkg/features/kube_features.go);
// pkg/controlplane/apiserver/options/options.go ServiceIPRange (minimum
// 8 addresses); pkg/registry/core/service/ipallocator/ipallocator.go
// NewIPAllocator (IPv6 prefix >= 64).
var apiServerServiceRangeSize = Rule{
	ID:        "apiserver-service-range-size",
	Area:      "apiserver",
	Title:     "kube-apiserver service ranges are within the size limits of its version",
	Severity:  Error,
	Reference: "RULES.md §1.2, §1.3 A3/A5 and \"Effective mask limit by version\"; cmd/kube-apiserver/app/options/validation.go validateMaxCIDRRange, pkg/controlplane/apiserver/options/options.go ServiceIPRange, pkg/registry/core/service/ipallocator/ipallocator.go NewIPAllocator",
	Fix:       "use at most 20 host bits per service range (IPv4 /12 or longer, IPv6 /108 or longer) before v1.34, an IPv6 prefix of /64 or longer always, and at least 8 addresses for the primary range",
	Needs:     []string{SourceControlPlane},
	Check:     checkAPIServerRangeSize,
}

func checkAPIServerRangeSize(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		subject := cpSubject(c, "service-cluster-ip-range")
		if rg.primary != nil {
			if size := min(netutils.RangeSize(rg.primary), 1<<16); size < 8 {
				r.Fail(subject, rg.at, "error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses (%s has %d)", rg.primary, size)
			}
		}
		limit := apiserverRangeLimit(c, f.ServerVersion)
		for i, n := range []*net.IPNet{rg.primary, rg.secondary} {
			if n == nil {
				continue
			}
			flag := "--service-cluster-ip-range"
			if i == 1 {
				flag += "[1]"
			}
			ones, bits := n.Mask.Size()
			tooLarge := fmt.Sprintf("specified %s is too large; for %d-bit addresses, the mask must be >= %d", flag, bits, bits-20)
			switch {
			case limit.known && limit.maxBits > 0 && bits-ones > limit.maxBits:
				tooLarge = fmt.Sprintf("specified %s is too large; for %d-bit addresses, the mask must be >= %d", flag, bits, bits-limit.maxBits)
				r.Fail(subject, rg.at, "%s (%s is /%d; %s)", tooLarge, n, ones, limit.why)
			case !limit.known && bits-ones > 20:
				r.FailWith(Warning, subject, rg.at, "%s (%s is /%d: rejected by kube-apiserver up to v1.33, and by v1.34 with DisableAllocatorDualWrite=false; the version is unknown)", tooLarge, n, ones)
			case netutils.IsIPv6CIDR(n) && ones < 64:
				r.Fail(subject, rg.at, "shortest allowed prefix length for service CIDR is 64, got %d (%s: the ClusterIP allocator cannot use this range; kube-apiserver only logs it)", ones, n)
			}
		}
	}
}

// serviceRangeLimit is how many host bits kube-apiserver accepts in a
// service range (validateClusterIPFlags).
type serviceRangeLimit struct {
	known   bool   // the version is known
	maxBits int    // 0: no limit
	why     string // version and gates, for messages
}

// apiserverRangeLimit applies RULES.md §1.3 "Effective mask limit by
// version": 20 host bits unless MultiCIDRServiceAllocator and
// DisableAllocatorDualWrite are both on (defaults: on from 1.33 and 1.34,
// locked from 1.34 and 1.35); 1.27-1.30 raised the limit to 64 bits when
// MultiCIDRServiceAllocator alone was on. --feature-gates overrides the
// defaults where a gate exists and is not locked.
func apiserverRangeLimit(c Component, serverVersion string) serviceRangeLimit {
	v := cpVersion(c, serverVersion)
	if v == nil {
		return serviceRangeLimit{}
	}
	at := func(minor uint) bool { return v.AtLeast(version.MajorMinor(1, minor)) }
	gates := cpFeatureGates(c)
	multi := at(33)
	if on, ok := gates["MultiCIDRServiceAllocator"]; ok && at(27) && !at(34) {
		multi = on
	}
	dualWriteOff := at(34)
	if on, ok := gates["DisableAllocatorDualWrite"]; ok && at(31) && !at(35) {
		dualWriteOff = on
	}
	switch {
	case at(31):
		why := fmt.Sprintf("kube-apiserver v%s with MultiCIDRServiceAllocator=%t, DisableAllocatorDualWrite=%t", v, multi, dualWriteOff)
		if multi && dualWriteOff {
			return serviceRangeLimit{known: true, why: why}
		}
		return serviceRangeLimit{known: true, maxBits: 20, why: why}
	case at(27) && multi:
		return serviceRangeLimit{known: true, maxBits: 64, why: fmt.Sprintf("kube-apiserver v%s with MultiCIDRServiceAllocator=true", v)}
	}
	return serviceRangeLimit{known: true, maxBits: 20, why: fmt.Sprintf("kube-apiserver v%s", v)}
}

// pkg/controlplane/apiserver/options/options.go ServiceIPRange,
// pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR.
var apiServerServiceRangeDefault = Rule{
	ID:        "apiserver-service-range-default",
	Area:      "apiserver",
	Title:     "kube-apiserver --service-cluster-ip-range is set (the default is deprecated and single-stack)",
	Severity:  Warning,
	Reference: "RULES.md §1.1; pkg/controlplane/apiserver/options/options.go ServiceIPRange, pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR",
	Fix:       "set --service-cluster-ip-range explicitly (for dual-stack: <IPv4 CIDR>,<IPv6 CIDR>)",
	Needs:     []string{SourceControlPlane},
	Check:     checkAPIServerRangeDefault,
}

func checkAPIServerRangeDefault(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		if rg := apiserverRangesOf(c); !rg.set {
			r.Fail(cpSubject(c, "service-cluster-ip-range"), rg.at, "No CIDR for service cluster IPs specified. Default value which was %s is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver. (the cluster is single-stack IPv4 with 256 service addresses)", cpDefaultServiceCIDR)
		}
	}
}

// cmd/kube-apiserver/app/options/validation.go
// validatePublicIPServiceClusterIPRangeIPFamilies (X3).
var apiServerAdvertiseAddressFamily = Rule{
	ID:        "apiserver-advertise-address-family",
	Area:      "apiserver",
	Title:     "kube-apiserver --advertise-address is of the primary service family",
	Severity:  Error,
	Reference: "RULES.md §1.3 validatePublicIPServiceClusterIPRangeIPFamilies, §9 X3; cmd/kube-apiserver/app/options/validation.go validatePublicIPServiceClusterIPRangeIPFamilies",
	Fix:       "advertise an address of the family of the first --service-cluster-ip-range entry (or swap the ranges' order on a new cluster)",
	// No Needs: without kube-apiserver instances it checks what kubeadm
	// would generate, and skips only when neither is known.
	Check: checkAPIServerAdvertiseFamily,
}

func checkAPIServerAdvertiseFamily(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		c, ok := kubeadmAPIServer(f.Kubeadm)
		if !ok {
			if reason := cpUnavailable(f, SourceControlPlane); reason != "" {
				r.Skip(r.rule.Area, reason) // as the engine skips on Needs
			} else {
				cpNothing(r, APIServer, "no kube-apiserver instance and no kubeadm advertiseAddress found: nothing to check")
			}
			return
		}
		servers = []Component{c}
	}
	for _, c := range servers {
		subject := cpSubject(c, "advertise-address")
		if rt, ok := c.Setting("endpoint-reconciler-type"); ok && rt.Value == "none" {
			r.Pass(subject, rt, "--endpoint-reconciler-type=none: the advertise address family is not checked upstream")
			continue
		}
		rg := apiserverRangesOf(c)
		if rg.primary == nil {
			continue // apiserver-service-range-syntax
		}
		var ip net.IP
		at, ok := c.Setting("advertise-address")
		if ok && at.Value != "" {
			if ip = netutils.ParseIPSloppy(at.Value); ip == nil {
				r.Fail(subject, at, "invalid argument %q for \"--advertise-address\" flag: failed to parse IP: %q", at.Value, at.Value)
				continue
			}
		}
		// k8s.io/apiserver ServerRunOptions.DefaultAdvertiseAddress: an
		// unset or unspecified advertise address is the bind address
		// unless that is unspecified too (then a host address).
		if ip == nil || ip.IsUnspecified() {
			ip = nil
			if b, bok := c.Setting("bind-address"); bok {
				if bip := netutils.ParseIPSloppy(b.Value); bip != nil && !bip.IsUnspecified() {
					ip, at = bip, b
				}
			}
		}
		if ip == nil {
			r.Pass(subject, cpAt(c, "advertise-address", ""), "--advertise-address unset: kube-apiserver uses the host's default-route address, which cannot be checked from here")
			continue
		}
		if netutils.IsIPv4CIDR(rg.primary) != netutils.IsIPv4(ip) {
			r.Fail(subject, at, "service IP family %q must match public address family %q (the primary service range is %s, the advertise address %s)", rg.primary.String(), ip.String(), familyOfCIDR(rg.primary), cpFamily(ip))
		}
	}
}

// kubeadmAPIServer is the kube-apiserver kubeadm would generate
// (getAPIServerCommand: --advertise-address from localAPIEndpoint,
// --service-cluster-ip-range from serviceSubnet or kubeadm's default,
// apiServer.extraArgs last), for a configuration checked before its
// cluster exists; ok only when kubeadm names an advertise address.
func kubeadmAPIServer(k *Kubeadm) (c Component, ok bool) {
	if k == nil || k.AdvertiseAddress == nil {
		return Component{}, false
	}
	c = Component{Kind: APIServer, Instance: "kubeadm", Source: k.Source + " (the kube-apiserver kubeadm generates)", File: k.File, Line: k.Line, Settings: map[string]Setting{}}
	svc := kubeadmAt(k, " (networking.serviceSubnet unset: default "+kubeadmDefaultServices+")")
	svc.Value = kubeadmDefaultServices
	if k.ServiceSubnet != nil && k.ServiceSubnet.Value != "" {
		svc = *k.ServiceSubnet
	}
	c.Settings["service-cluster-ip-range"] = svc
	c.Settings["advertise-address"] = *k.AdvertiseAddress
	for name, s := range k.ExtraArgs["apiServer"] {
		c.Settings[name] = s
	}
	return c, true
}

// content/en/docs/tasks/network/reconfigure-default-service-ip-ranges.md;
// pkg/controlplane/controller/defaultservicecidr (X2, the flags part).
var apiServerServiceRangeConsistent = Rule{
	ID:        "apiserver-service-range-consistent",
	Area:      "apiserver",
	Title:     "All kube-apiserver instances have the same --service-cluster-ip-range",
	Severity:  Error,
	Reference: "RULES.md §1.5, §9 X2; pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go, docs tasks/network/reconfigure-default-service-ip-ranges.md",
	Fix:       "give every kube-apiserver the same --service-cluster-ip-range, entries in the same order",
	Needs:     []string{SourceControlPlane},
	Check:     checkAPIServerRangeConsistent,
}

func checkAPIServerRangeConsistent(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) < 2 {
		cpNothing(r, APIServer, "%d kube-apiserver instance(s): nothing to compare", len(servers))
		return
	}
	ref := apiserverRangesOf(servers[0])
	for _, c := range servers[1:] {
		rg := apiserverRangesOf(c)
		if !slices.Equal(rg.effective, ref.effective) {
			r.Fail(cpSubject(c, "service-cluster-ip-range"), rg.at, "kube-apiserver instances disagree: %s has --service-cluster-ip-range %s but %s has %s; all kube-apiservers must have the same ranges in the same order (the `kubernetes` ServiceCIDR follows them)", cpName(c), strings.Join(rg.effective, ","), cpName(servers[0]), strings.Join(ref.effective, ","))
		}
	}
}

// kubernetes PR #79386 (v1.16 only); later releases reject the flag
// (pflag: unknown flag).
var apiServerSecondaryRangeFlag = Rule{
	ID:        "apiserver-secondary-range-flag",
	Area:      "apiserver",
	Title:     "kube-apiserver does not use the obsolete --secondary-service-cluster-ip-range",
	Severity:  Error,
	Reference: "RULES.md §1.4; kubernetes PR #79386 (v1.16), cmd/kube-apiserver/app/options/options.go (flag no longer defined)",
	Fix:       "remove --secondary-service-cluster-ip-range and give both ranges as --service-cluster-ip-range=<primary>,<secondary>",
	Needs:     []string{SourceControlPlane},
	Check:     checkAPIServerSecondaryFlag,
}

func checkAPIServerSecondaryFlag(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		if s, ok := c.Setting("secondary-service-cluster-ip-range"); ok {
			primary := cpValue(c, "service-cluster-ip-range")
			if primary == "" {
				primary = "<primary>"
			}
			r.Fail(cpSubject(c, "secondary-service-cluster-ip-range"), s, "unknown flag: --secondary-service-cluster-ip-range (a v1.16 alpha flag, since removed): use --service-cluster-ip-range=%s,%s", primary, s.Value)
		}
	}
}

// pkg/controlplane/apiserver/options/options.go ServiceIPRange
// (APIServerServiceIP = GetIndexedIP(range, 1)) (X11).
var apiServerKubernetesServiceIP = Rule{
	ID:        "apiserver-kubernetes-service-ip",
	Area:      "apiserver",
	Title:     "Service default/kubernetes has the first IP of the primary service range",
	Severity:  Error,
	Reference: "RULES.md §1.2, §5.1, §9 X11; pkg/controlplane/apiserver/options/options.go ServiceIPRange, k8s.io/utils/net GetIndexedIP",
	Fix:       "when the primary service range changed, follow docs tasks/network/reconfigure-default-service-ip-ranges.md (recreate Service default/kubernetes); otherwise restore the range",
	Needs:     []string{SourceServices},
	Check:     checkKubernetesServiceIP,
}

func checkKubernetesServiceIP(f *Facts, r *Reporter) {
	const subject = "service/default/kubernetes"
	primary, at, ok := cpPrimaryServiceRange(f)
	if !ok {
		if why := cpUnavailable(f, SourceControlPlane, SourceServiceCIDRs, SourceKubeadm); why != "" {
			r.Skip(subject, "the service range is unknown: "+why)
			return
		}
		cpNothing(r, subject, "the service range is unknown: nothing to check")
		return
	}
	svc := cpFindService(f, "default", "kubernetes")
	if svc == nil {
		cpNothing(r, subject, "Service default/kubernetes not among the %d Services read: nothing to check", len(f.Services))
		return
	}
	want, err := netutils.GetIndexedIP(primary, 1)
	if err != nil {
		return // apiserver-service-range-size reports a range this small
	}
	got := netutils.ParseIPSloppy(svc.Spec.ClusterIP)
	if got == nil || !got.Equal(want) {
		r.Fail(subject, Setting{Source: "Service default/kubernetes spec.clusterIP"}, "Service default/kubernetes has clusterIP %q but the first IP of the primary service range %s (%s) is %s: in-cluster clients connect to %s, which serving certificates issued for %s (kube-apiserver's own, kubeadm's) do not name, and kube-apiserver does not change an existing Service's clusterIP", svc.Spec.ClusterIP, primary, at.Source, want, svc.Spec.ClusterIP, want)
	}
}
