package check

import (
	"net"

	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// k0sRules are the k0s rules, in report order: k0s's own validation of its
// ClusterConfig's network (pkg/apis/k0s/v1beta1/network.go), which it runs
// before starting any component.
var k0sRules = []Rule{k0sNetworkCIDRs, k0sIPv6SingleStack, k0sDualStack, k0sDualStackDisabled, k0sPrimaryAddressFamily}

// k0sConfig scopes the k0s rules to a k0s ClusterConfig.
var k0sConfig = scopeOf("k0s", "no k0s ClusterConfig (not a k0s cluster)", func(f *Facts) bool { return f.K0s != nil })

// k0sErrorPrefix is how k0s prefixes the network's errors
// (ClusterConfig.Validate, ClusterSpec.Validate).
const k0sErrorPrefix = "spec: network: "

// k0sReference is the source of k0s's network validation and its docs.
const k0sReference = "k0sproject/k0s pkg/apis/k0s/v1beta1/network.go Network.Validate; https://docs.k0sproject.io/stable/networking/, https://docs.k0sproject.io/stable/dual-stack/"

var k0sNetworkCIDRs = Rule{
	ID:        "k0s-network-cidrs",
	Area:      AreaK0s,
	Title:     "k0s spec.network podCIDR and serviceCIDR are valid CIDRs of one family",
	Severity:  Error,
	Reference: k0sReference,
	Why:       "k0s validates its ClusterConfig before it starts anything, and refuses a `podCIDR` or `serviceCIDR` that does not parse (\"invalid CIDR address\"), the two of different families (\"podCIDR and serviceCIDR must be both IPv4 or IPv6\"), or an IPv6 `serviceCIDR` of a prefix longer than /108 (\"IPv6 service CIDR prefix must be <= 108\": k0s compares the prefix length here, while for `dualStack.IPv6serviceCIDR` it refuses more than 20 host bits, so /108 is the one length both accept). Unset, they are 10.244.0.0/16 and 10.96.0.0/12.",
	Fix:       "set podCIDR and serviceCIDR to CIDRs of one family (the IPv4 ones for dual-stack, whose IPv6 CIDRs go to dualStack.IPv6podCIDR and IPv6serviceCIDR); give an IPv6 service CIDR the length /108",
	Scope:     k0sConfig,
	Check:     checkK0sNetworkCIDRs,
}

func checkK0sNetworkCIDRs(f *Facts, r *Reporter) {
	k := f.K0s
	pod, podOK := k0sCIDR(k.PodCIDR.Value)
	svc, svcOK := k0sCIDR(k.ServiceCIDR.Value)
	if !podOK {
		k0sFail(r, "podCIDR", k.PodCIDR, "invalid CIDR address")
	}
	if !svcOK {
		k0sFail(r, "serviceCIDR", k.ServiceCIDR, "invalid CIDR address")
	}
	if !podOK || !svcOK {
		return
	}
	if netutils.IsIPv4CIDR(pod) != netutils.IsIPv4CIDR(svc) {
		k0sFail(r, "podCIDR", k.PodCIDR, "podCIDR and serviceCIDR must be both IPv4 or IPv6")
	}
	if ones, bits := svc.Mask.Size(); !netutils.IsIPv4CIDR(svc) && bits == 128 && ones > 108 {
		k0sFail(r, "serviceCIDR", k.ServiceCIDR, "IPv6 service CIDR prefix must be <= 108")
	}
}

var k0sIPv6SingleStack = Rule{
	ID:        "k0s-ipv6-single-stack",
	Area:      AreaK0s,
	Title:     "A single-stack IPv6 k0s cluster has k0s's IPv6SingleStack feature gate",
	Severity:  Error,
	Reference: "k0sproject/k0s pkg/apis/k0s/v1beta1/network.go Network.Validate, pkg/featuregate/features.go; https://docs.k0sproject.io/stable/single-stack-ipv6/, https://docs.k0sproject.io/stable/feature-gates/",
	Why:       "Single-stack IPv6 is an alpha k0s feature: unless dual-stack is enabled, k0s refuses an IPv6 `podCIDR` when the controller does not run with `--feature-gates=IPv6SingleStack=true` (\"feature gate IPv6SingleStack must be explicitly enabled to use IPv6 single stack\"). The gate is a flag of `k0s controller`, which a k0s.yaml cannot show (a warning then) and a k0sctl Cluster gives in its controllers' `installFlags` (an error when one lacks it).",
	Fix:       "run every k0s controller with --feature-gates=IPv6SingleStack=true (k0sctl: in each controller's installFlags), or configure dual-stack",
	Scope:     k0sConfig,
	Check:     checkK0sIPv6SingleStack,
}

func checkK0sIPv6SingleStack(f *Facts, r *Reporter) {
	k := f.K0s
	pod, podOK := k0sCIDR(k.PodCIDR.Value)
	_, svcOK := k0sCIDR(k.ServiceCIDR.Value)
	if !podOK || !svcOK || netutils.IsIPv4CIDR(pod) || k.DualStack.Value == "true" {
		return // not single-stack IPv6, or k0s-network-cidrs reports it
	}
	const msg = "feature gate IPv6SingleStack must be explicitly enabled to use IPv6 single stack"
	switch gate := k.IPv6SingleStack; {
	case gate == nil:
		r.FailWith(Warning, k0sSubject("podCIDR"), k.PodCIDR, "%s%s: unless every k0s controller runs with --feature-gates=IPv6SingleStack=true, which the files do not show", k0sErrorPrefix, field.Invalid(field.NewPath("podCIDR"), k.PodCIDR.Value, msg))
	case gate.Value != "true":
		r.Fail(k0sSubject("podCIDR"), k.PodCIDR, "%s%s (a controller without the gate: %s)", k0sErrorPrefix, field.Invalid(field.NewPath("podCIDR"), k.PodCIDR.Value, msg), gate.Source)
	}
}

var k0sDualStack = Rule{
	ID:        "k0s-dual-stack",
	Area:      AreaK0s,
	Title:     "k0s dual-stack has IPv6 dualStack CIDRs, IPv4 podCIDR and serviceCIDR, and a CNI mode that supports it",
	Severity:  Error,
	Reference: k0sReference,
	Why:       "With `dualStack.enabled`, k0s refuses `IPv6podCIDR` or `IPv6serviceCIDR` unset or unparsable (\"invalid CIDR address\") or IPv4 (\"must be an IPv6 CIDR, not IPv4\"), an `IPv6serviceCIDR` with more than 20 host bits (\"IPv6 service CIDR prefix must be <= 108\"), an IPv6 `podCIDR` or `serviceCIDR` (\"if DualStack is enabled, podCIDR must be IPv4\", \"if DualStack is enabled, serviceCIDR must be IPv4\": the IPv4 CIDRs are those two fields, the primary family is chosen by `primaryAddressFamily`), and Calico in any mode but bird (\"dual-stack for calico is only supported for mode `bird`\": Calico's default vxlan mode does not tunnel IPv6).",
	Fix:       "with dualStack.enabled, keep the IPv4 CIDRs in podCIDR and serviceCIDR, put IPv6 CIDRs (a service CIDR of /108 or longer) in IPv6podCIDR and IPv6serviceCIDR, and use Calico's bird mode",
	Scope:     k0sConfig,
	Check:     checkK0sDualStack,
}

func checkK0sDualStack(f *Facts, r *Reporter) {
	k := f.K0s
	if k.DualStack.Value != "true" {
		return
	}
	if k.Provider.Value == "calico" && k.CalicoMode.Value != "bird" {
		r.Fail(k0sSubject("calico.mode"), k.CalicoMode, "%s%s", k0sErrorPrefix, field.Forbidden(field.NewPath("calico", "mode"), "dual-stack for calico is only supported for mode `bird`"))
	}
	if n, ok := k0sCIDR(k.IPv6PodCIDR.Value); !ok {
		k0sFail(r, "dualStack.IPv6podCIDR", k.IPv6PodCIDR, "invalid CIDR address")
	} else if netutils.IsIPv4CIDR(n) {
		k0sFail(r, "dualStack.IPv6podCIDR", k.IPv6PodCIDR, "must be an IPv6 CIDR, not IPv4")
	}
	if n, ok := k0sCIDR(k.IPv6ServiceCIDR.Value); !ok {
		k0sFail(r, "dualStack.IPv6serviceCIDR", k.IPv6ServiceCIDR, "invalid CIDR address")
	} else if netutils.IsIPv4CIDR(n) {
		k0sFail(r, "dualStack.IPv6serviceCIDR", k.IPv6ServiceCIDR, "must be an IPv6 CIDR, not IPv4")
	} else if ones, bits := n.Mask.Size(); bits-ones > 20 {
		k0sFail(r, "dualStack.IPv6serviceCIDR", k.IPv6ServiceCIDR, "IPv6 service CIDR prefix must be <= 108")
	}
	// An unparsable podCIDR or serviceCIDR counts as not IPv4 here too.
	if n, ok := k0sCIDR(k.PodCIDR.Value); !ok || !netutils.IsIPv4CIDR(n) {
		k0sFail(r, "podCIDR", k.PodCIDR, "if DualStack is enabled, podCIDR must be IPv4")
	}
	if n, ok := k0sCIDR(k.ServiceCIDR.Value); !ok || !netutils.IsIPv4CIDR(n) {
		k0sFail(r, "serviceCIDR", k.ServiceCIDR, "if DualStack is enabled, serviceCIDR must be IPv4")
	}
}

var k0sDualStackDisabled = Rule{
	ID:        "k0s-dual-stack-disabled",
	Area:      AreaK0s,
	Title:     "k0s IPv6 dualStack CIDRs are not ignored for want of dualStack.enabled",
	Severity:  Warning,
	Reference: "k0sproject/k0s pkg/apis/k0s/v1beta1/network.go Network.BuildServiceCIDR, BuildPodCIDR, DualStack; https://docs.k0sproject.io/stable/dual-stack/",
	Why:       "k0s reads `dualStack.IPv6podCIDR` and `IPv6serviceCIDR` only when `dualStack.enabled` is true (it defaults to false): otherwise it builds kube-apiserver's `--service-cluster-ip-range`, kube-controller-manager's `--cluster-cidr` and kube-proxy's `clusterCIDR` from `serviceCIDR` and `podCIDR` alone, without a word, and the cluster is single-stack.",
	Fix:       "set spec.network.dualStack.enabled: true, or remove the IPv6 CIDRs",
	Scope:     k0sConfig,
	Check:     checkK0sDualStackDisabled,
}

func checkK0sDualStackDisabled(f *Facts, r *Reporter) {
	k := f.K0s
	if k.DualStack.Value == "true" {
		return
	}
	for _, s := range []struct {
		field string
		at    Setting
	}{{"dualStack.IPv6podCIDR", k.IPv6PodCIDR}, {"dualStack.IPv6serviceCIDR", k.IPv6ServiceCIDR}} {
		if s.at.Value != "" {
			r.Fail(k0sSubject(s.field), s.at, "%s is %s but dualStack.enabled is %s (%s): k0s ignores it and builds the cluster single-stack from podCIDR %s and serviceCIDR %s", s.field, s.at.Value, k.DualStack.Value, k.DualStack.Source, k.PodCIDR.Value, k.ServiceCIDR.Value)
		}
	}
}

var k0sPrimaryAddressFamily = Rule{
	ID:        "k0s-primary-address-family",
	Area:      AreaK0s,
	Title:     "k0s spec.network.primaryAddressFamily is IPv4 or IPv6",
	Severity:  Error,
	Reference: "k0sproject/k0s pkg/apis/k0s/v1beta1/network.go Network.Validate, clusterconfig_types.go ClusterSpec.PrimaryAddressFamily; https://docs.k0sproject.io/stable/dual-stack/ (\"Specifying the default IP family\")",
	Why:       "k0s puts the CIDRs of the primary family first in every component's flags; `primaryAddressFamily` names it, else the family of `api.externalAddress` (else `api.address`), else IPv4. k0s refuses any other value (\"addressFamily: Unsupported value: … supported values: \\\"IPv4\\\", \\\"IPv6\\\"\").",
	Fix:       "set primaryAddressFamily to IPv4 or IPv6, or leave it out to follow the API address's family",
	Scope:     k0sConfig,
	Check:     checkK0sPrimaryAddressFamily,
}

func checkK0sPrimaryAddressFamily(f *Facts, r *Reporter) {
	at := f.K0s.PrimaryAddressFamily
	if v := at.Value; v != "" && v != "IPv4" && v != "IPv6" {
		r.Fail(k0sSubject("primaryAddressFamily"), at, "%s%s", k0sErrorPrefix, field.NotSupported(field.NewPath("addressFamily"), v, []string{"IPv4", "IPv6"}))
	}
}

// k0sCIDR parses a CIDR as k0s does (net.ParseCIDR: no leading zeros).
func k0sCIDR(s string) (*net.IPNet, bool) {
	_, n, err := net.ParseCIDR(s)
	return n, err == nil
}

func k0sSubject(fieldName string) string { return "k0s spec.network." + fieldName }

// k0sFail reports k0s's field.Invalid error about a network field (a
// dotted name prints as k0s's path does).
func k0sFail(r *Reporter, fieldName string, at Setting, detail string) {
	r.Fail(k0sSubject(fieldName), at, "%s%s", k0sErrorPrefix, field.Invalid(field.NewPath(fieldName), at.Value, detail))
}
