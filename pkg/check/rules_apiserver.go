package check

import (
	"fmt"
	"net"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"
	netutils "k8s.io/utils/net"
)

// apiserverRules are the apiserver rules, in report order.
var apiserverRules = []Rule{apiServerServiceRangeSyntax, apiServerServiceRangeFamilies, apiServerServiceRangeSize, apiServerServiceRangeDefault, apiServerAdvertiseAddressFamily, apiServerServiceRangeConsistent, apiServerSecondaryRangeFlag, apiServerKubernetesServiceIP}

var apiServerServiceRangeSyntax = Rule{
	ID:        "apiserver-service-range-syntax",
	Area:      AreaAPIServer,
	Title:     "kube-apiserver --service-cluster-ip-range parses and has at most two entries",
	Severity:  Error,
	Reference: "cmd/kube-apiserver/app/options/completion.go getServiceIPAndRanges; cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "kube-apiserver splits `--service-cluster-ip-range` on commas and refuses to start when the first entry does not parse (\"service-cluster-ip-range[0] is not a valid cidr\"), the second does not (\"service-cluster-ip-range[1] is not an ip net\"), or there are more than two (\"--service-cluster-ip-range must not contain more than two entries\"). It parses sloppily: host bits are masked and leading zeros dropped without a word, so the range in use can differ from the one written.",
	Fix:       "set --service-cluster-ip-range to one CIDR, or two CIDRs of different families separated by a comma (no spaces)",
	Needs:     []Source{SourceControlPlane},
	Scope:     apiServers,
	Check:     checkAPIServerRangeSyntax,
}

func checkAPIServerRangeSyntax(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if !rg.set {
			continue // the default range: apiserver-service-range-default
		}
		subject := flagSubject(c, "service-cluster-ip-range")
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

var apiServerServiceRangeFamilies = Rule{
	ID:        "apiserver-service-range-families",
	Area:      AreaAPIServer,
	Title:     "The two kube-apiserver service ranges are of different IP families",
	Severity:  Error,
	Reference: "cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "With two service ranges kube-apiserver requires one IPv4 and one IPv6 CIDR and otherwise refuses to start: \"--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family\". The family of the first entry is the cluster's primary one, which Services get by default.",
	Fix:       "give --service-cluster-ip-range one IPv4 and one IPv6 CIDR, primary family first",
	Needs:     []Source{SourceControlPlane},
	Scope:     apiServers,
	Check:     checkAPIServerRangeFamilies,
}

func checkAPIServerRangeFamilies(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if rg.primary == nil || rg.secondary == nil {
			continue // single range, or a parse error reported elsewhere
		}
		subject := flagSubject(c, "service-cluster-ip-range")
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

var apiServerServiceRangeSize = Rule{
	ID:        "apiserver-service-range-size",
	Area:      AreaAPIServer,
	Title:     "kube-apiserver service ranges are within the size limits of its version",
	Severity:  Error,
	Reference: "cmd/kube-apiserver/app/options/validation.go validateMaxCIDRRange; pkg/controlplane/apiserver/options/options.go ServiceIPRange; pkg/registry/core/service/ipallocator/ipallocator.go NewIPAllocator; pkg/features/kube_features.go MultiCIDRServiceAllocator, DisableAllocatorDualWrite",
	Why:       "kube-apiserver refuses to start with a primary range of fewer than 8 addresses (\"the service cluster IP range must be at least 8 IP addresses\") and with a range of more than 20 host bits (\"specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be >= 108\") unless the feature gates `MultiCIDRServiceAllocator` and `DisableAllocatorDualWrite` are both on, the default from v1.34. Whatever the version, its ClusterIP allocator cannot use an IPv6 range shorter than /64 (\"shortest allowed prefix length for service CIDR is 64, got 48\"): kube-apiserver only logs that, and no ClusterIP is ever allocated from the range.",
	Fix:       "use at most 20 host bits per service range (IPv4 /12 or longer, IPv6 /108 or longer) before v1.34, an IPv6 prefix of /64 or longer always, and at least 8 addresses for the primary range",
	Needs:     []Source{SourceControlPlane},
	Scope:     apiServers,
	Check:     checkAPIServerRangeSize,
}

func checkAPIServerRangeSize(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		subject := flagSubject(c, "service-cluster-ip-range")
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

// apiserverRangeLimit applies, for a kube-apiserver version, the mask
// limit of validateClusterIPFlags / validateMaxCIDRRange
// (cmd/kube-apiserver/app/options/validation.go) with the gate defaults of
// pkg/features/kube_features.go: 20 host bits unless
// MultiCIDRServiceAllocator and DisableAllocatorDualWrite are both on
// (defaults: on from 1.33 and 1.34, locked from 1.34 and 1.35); 1.27-1.30
// raised the limit to 64 bits when MultiCIDRServiceAllocator alone was on.
// --feature-gates overrides the defaults where a gate exists and is not
// locked.
func apiserverRangeLimit(c Component, serverVersion string) serviceRangeLimit {
	v := componentVersion(c, serverVersion)
	if v == nil {
		return serviceRangeLimit{}
	}
	at := func(minor uint) bool { return v.AtLeast(version.MajorMinor(1, minor)) }
	gates := featureGates(c)
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

var apiServerServiceRangeDefault = Rule{
	ID:        "apiserver-service-range-default",
	Area:      AreaAPIServer,
	Title:     "kube-apiserver --service-cluster-ip-range is set (the default is deprecated and single-stack)",
	Severity:  Warning,
	Reference: "pkg/controlplane/apiserver/options/options.go ServiceIPRange; pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "Without `--service-cluster-ip-range` kube-apiserver falls back to 10.0.0.0/24, a single-stack IPv4 range of 256 addresses, and logs \"No CIDR for service cluster IPs specified. Default value which was 10.0.0.0/24 is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver.\" A cluster on the default cannot be dual-stack, and a later release may refuse to start without the flag.",
	Fix:       "set --service-cluster-ip-range explicitly (for dual-stack: <IPv4 CIDR>,<IPv6 CIDR>)",
	Needs:     []Source{SourceControlPlane},
	Scope:     apiServers,
	Check:     checkAPIServerRangeDefault,
}

func checkAPIServerRangeDefault(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	for _, c := range servers {
		if rg := apiserverRangesOf(c); !rg.set {
			r.Fail(flagSubject(c, "service-cluster-ip-range"), rg.at, "No CIDR for service cluster IPs specified. Default value which was %s is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver. (the cluster is single-stack IPv4 with 256 service addresses)", defaultServiceCIDR)
		}
	}
}

var apiServerAdvertiseAddressFamily = Rule{
	ID:        "apiserver-advertise-address-family",
	Area:      AreaAPIServer,
	Title:     "kube-apiserver --advertise-address is of the primary service family",
	Severity:  Error,
	Reference: "cmd/kube-apiserver/app/options/validation.go validatePublicIPServiceClusterIPRangeIPFamilies; https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/dual-stack-support/",
	Why:       "Unless `--endpoint-reconciler-type=none`, kube-apiserver refuses to start when its advertise address (published as the endpoint of Service default/kubernetes; `--bind-address` when unset) is not of the family of the first service range: \"service IP family \"10.96.0.0/12\" must match public address family \"2001:db8::10\"\". kubeadm does not check this itself: it passes `advertiseAddress` and the first `serviceSubnet` entry on to kube-apiserver.",
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
			if reason := f.unavailable(SourceControlPlane); reason != "" {
				r.Skip(string(r.rule.Area), reason) // as the engine skips on Needs
			} else {
				r.Pass(APIServer, Setting{}, "no kube-apiserver instance and no kubeadm advertiseAddress found: nothing to check")
			}
			return
		}
		servers = []Component{c}
	}
	for _, c := range servers {
		subject := flagSubject(c, "advertise-address")
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
			r.Pass(subject, flagAt(c, "advertise-address", ""), "--advertise-address unset: kube-apiserver uses the host's default-route address, which cannot be checked from here")
			continue
		}
		if netutils.IsIPv4CIDR(rg.primary) != netutils.IsIPv4(ip) {
			r.Fail(subject, at, "service IP family %q must match public address family %q (the primary service range is %s, the advertise address %s)", rg.primary.String(), ip.String(), familyOfCIDR(rg.primary), familyOfNetIP(ip))
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
	c.Settings["service-cluster-ip-range"] = kubeadmServices(k)
	c.Settings["advertise-address"] = *k.AdvertiseAddress
	for name, s := range k.ExtraArgs["apiServer"] {
		c.Settings[name] = s
	}
	return c, true
}

var apiServerServiceRangeConsistent = Rule{
	ID:        "apiserver-service-range-consistent",
	Area:      AreaAPIServer,
	Title:     "All kube-apiserver instances have the same --service-cluster-ip-range",
	Severity:  Error,
	Reference: "pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go; https://kubernetes.io/docs/tasks/network/reconfigure-default-service-ip-ranges/",
	Why:       "Every kube-apiserver compares its own `--service-cluster-ip-range` with the default ServiceCIDR `kubernetes`, and the documented procedure requires all instances to have the same ranges. An instance whose ranges differ leaves the object as it is and emits Warning events (reason `KubernetesDefaultServiceCIDRInconsistent`), and a Service created without `ipFamilies` gets the primary family of whichever instance handles the request.",
	Fix:       "give every kube-apiserver the same --service-cluster-ip-range, entries in the same order",
	Needs:     []Source{SourceControlPlane},
	Check:     checkAPIServerRangeConsistent,
}

func checkAPIServerRangeConsistent(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) < 2 {
		r.Pass(APIServer, Setting{}, "%d kube-apiserver instance(s): nothing to compare", len(servers))
		return
	}
	ref := apiserverRangesOf(servers[0])
	for _, c := range servers[1:] {
		rg := apiserverRangesOf(c)
		if !slices.Equal(rg.effective, ref.effective) {
			r.Fail(flagSubject(c, "service-cluster-ip-range"), rg.at, "kube-apiserver instances disagree: %s has --service-cluster-ip-range %s but %s has %s; all kube-apiservers must have the same ranges in the same order (the `kubernetes` ServiceCIDR follows them)", componentName(c), strings.Join(rg.effective, ","), componentName(servers[0]), strings.Join(ref.effective, ","))
		}
	}
}

var apiServerSecondaryRangeFlag = Rule{
	ID:        "apiserver-secondary-range-flag",
	Area:      AreaAPIServer,
	Title:     "kube-apiserver does not use the obsolete --secondary-service-cluster-ip-range",
	Severity:  Error,
	Reference: "https://github.com/kubernetes/kubernetes/pull/79386 (v1.16); cmd/kube-apiserver/app/options/options.go (the flag is no longer defined); https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "Kubernetes v1.16 took the second service range from a separate `--secondary-service-cluster-ip-range` flag, behind the IPv6DualStack feature gate. Later releases take both ranges only as the comma-separated `--service-cluster-ip-range` and no longer define the old flag, so kube-apiserver refuses to start: \"unknown flag: --secondary-service-cluster-ip-range\".",
	Fix:       "remove --secondary-service-cluster-ip-range and give both ranges as --service-cluster-ip-range=<primary>,<secondary>",
	Needs:     []Source{SourceControlPlane},
	Scope:     apiServers,
	Check:     checkAPIServerSecondaryFlag,
}

func checkAPIServerSecondaryFlag(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	for _, c := range servers {
		if s, ok := c.Setting("secondary-service-cluster-ip-range"); ok {
			primary := flagValue(c, "service-cluster-ip-range")
			if primary == "" {
				primary = "<primary>"
			}
			r.Fail(flagSubject(c, "secondary-service-cluster-ip-range"), s, "unknown flag: --secondary-service-cluster-ip-range (a v1.16 alpha flag, since removed): use --service-cluster-ip-range=%s,%s", primary, s.Value)
		}
	}
}

var apiServerKubernetesServiceIP = Rule{
	ID:        "apiserver-kubernetes-service-ip",
	Area:      AreaAPIServer,
	Title:     "Service default/kubernetes has the first IP of the primary service range",
	Severity:  Error,
	Reference: "pkg/controlplane/apiserver/options/options.go ServiceIPRange; k8s.io/utils/net GetIndexedIP; https://kubernetes.io/docs/tasks/network/reconfigure-default-service-ip-ranges/",
	Why:       "kube-apiserver gives Service default/kubernetes the first address of the primary service range, and its own serving certificate, like the ones kubeadm issues, names that address. It never changes the clusterIP of an existing Service, so after the primary range changes in-cluster clients keep connecting to an old address that the certificates do not name.",
	Fix:       "when the primary service range changed, follow docs tasks/network/reconfigure-default-service-ip-ranges.md (recreate Service default/kubernetes); otherwise restore the range",
	Needs:     []Source{SourceServices},
	Check:     checkKubernetesServiceIP,
}

func checkKubernetesServiceIP(f *Facts, r *Reporter) {
	const subject = "service/default/kubernetes"
	primary, at, ok := primaryServiceRange(f)
	if !ok {
		if why := f.unavailable(SourceControlPlane, SourceServiceCIDRs, SourceKubeadm); why != "" {
			r.Skip(subject, "the service range is unknown: "+why)
			return
		}
		r.Pass(subject, Setting{}, "the service range is unknown: nothing to check")
		return
	}
	svc := findService(f, "default", "kubernetes")
	if svc == nil {
		r.Pass(subject, Setting{}, "Service default/kubernetes not among the %d Services read: nothing to check", len(f.Services))
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
