package check

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// talosRules are the Talos rules, in report order: what Talos's own
// validation (talosctl validate, and machined when it loads the
// configuration) says of the cluster network and the kubelet's node IP.
var talosRules = []Rule{talosNetworkSubnets, talosNetworkSubnetCount, talosNetworkConflict, talosKubeletValidSubnets}

// talosConfig scopes the Talos rules to Talos machine configurations.
var talosConfig = scopeOf("talos", "no Talos machine configuration (not a Talos cluster)", func(f *Facts) bool { return f.Talos != nil })

// Constants of siderolabs/talos pkg/machinery (constants/constants.go,
// config/types/k8s/network.go).
const (
	talosMinSubnetHostBits       = 4  // minSubnetHostBits
	talosMaxServiceHostBits      = 20 // MaxHostBitsForServiceSubnet
	talosPodSubnetNodeMaskMaxDif = 16 // PodSubnetNodeMaskMaxDiff
	talosDefaultNodeMaskIPv4     = 24 // DefaultNodeCIDRMaskSizeIPv4
	talosDefaultNodeMaskIPv6     = 64 // DefaultNodeCIDRMaskSizeIPv6
)

const talosNetworkReference = "siderolabs/talos pkg/machinery/config/types/k8s/network.go KubeNetworkConfigV1Alpha1.Validate, validateSubnets; https://docs.siderolabs.com/talos/v1.14/reference/configuration/kubernetes/kubenetworkconfig"

var talosNetworkSubnets = Rule{
	ID:        "talos-network-subnets",
	Area:      AreaTalos,
	Title:     "Talos KubeNetworkConfig podSubnets, serviceSubnets and node masks are valid",
	Severity:  Error,
	Reference: talosNetworkReference,
	Why:       "Talos refuses a KubeNetworkConfig whose subnet lists are empty (\"at least one subnet must be specified\"), longer than two (\"at most two subnets can be specified for dual-stack clusters\") or with two of one family (\"at most one IPv4 and one IPv6 subnet can be specified for dual-stack clusters\"), a subnet with host bits set (\"is not a valid CIDR\") or fewer than 4 host bits, a pod subnet longer than the node mask (\"is smaller than the per-node pod CIDR mask size\") or more than 16 bits shorter (\"the difference must be at most 16 bits\"), a service subnet of more than 20 host bits (\"is too large, it must be at least /108\"), and node masks out of range (\"nodeCIDRMaskSizeIPv4 must be between 1 and 32\"). A subnet that does not parse stops it loading the document at all.",
	Fix:       "give podSubnets and serviceSubnets one CIDR per family (network addresses, services /108 or longer for IPv6, /12 for IPv4), pod subnets at most 16 bits shorter than the node masks (24 and 64 unless nodeCIDRMaskSizeIPv4/IPv6 say otherwise)",
	Scope:     talosConfig,
	Check:     checkTalosNetworkSubnets,
}

func checkTalosNetworkSubnets(f *Facts, r *Reporter) {
	for _, n := range f.Talos.Networks {
		v4, v4ok := talosNodeMask(r, n.NodeCIDRMaskSizeIPv4, "nodeCIDRMaskSizeIPv4", 32, talosDefaultNodeMaskIPv4)
		v6, v6ok := talosNodeMask(r, n.NodeCIDRMaskSizeIPv6, "nodeCIDRMaskSizeIPv6", 128, talosDefaultNodeMaskIPv6)
		podSize := func(p netip.Prefix) string {
			mask, ok := v4, v4ok
			if p.Addr().Is6() {
				mask, ok = v6, v6ok
			}
			switch {
			case !ok:
			case p.Bits() > mask:
				return fmt.Sprintf("invalid subnet: %s is smaller than the per-node pod CIDR mask size /%d", p, mask)
			case mask-p.Bits() > talosPodSubnetNodeMaskMaxDif:
				return fmt.Sprintf("invalid subnet: %s is too large for the per-node pod CIDR mask size /%d, the difference must be at most %d bits", p, mask, talosPodSubnetNodeMaskMaxDif)
			}
			return ""
		}
		serviceSize := func(p netip.Prefix) string {
			if p.Addr().BitLen()-p.Bits() > talosMaxServiceHostBits {
				return fmt.Sprintf("invalid subnet: %s is too large, it must be at least /%d (at most %d host identifier bits)", p, p.Addr().BitLen()-talosMaxServiceHostBits, talosMaxServiceHostBits)
			}
			return ""
		}
		talosSubnets(r, "pod subnets", "podSubnets", n.PodSubnets, n.PodSubnetsAt, podSize)
		talosSubnets(r, "service subnets", "serviceSubnets", n.ServiceSubnets, n.ServiceSubnetsAt, serviceSize)
	}
}

// talosNodeMask is a node mask's value (the default when unset) and
// whether Talos accepts it; it reports one it refuses.
func talosNodeMask(r *Reporter, s *Setting, name string, max, def int) (int, bool) {
	if s == nil {
		return def, true
	}
	v, err := strconv.Atoi(s.Value)
	switch {
	case err == nil && v == 0:
		return def, true
	case err == nil && v >= 1 && v <= max:
		return v, true
	}
	r.Fail("talos KubeNetworkConfig "+name, *s, "KubeNetworkConfig: %s must be between 1 and %d", name, max)
	return 0, false
}

// talosSubnets is validateSubnets: the first error of a list, reported as
// Talos prefixes it ("pod subnets: ..."), at the entry it is about or the
// list.
func talosSubnets(r *Reporter, what, fieldName string, subnets []Setting, listAt Setting, size func(netip.Prefix) string) {
	subject := "talos KubeNetworkConfig " + fieldName
	fail := func(at Setting, msg string) { r.Fail(subject, at, "KubeNetworkConfig: %s: %s", what, msg) }
	switch {
	case len(subnets) == 0:
		fail(listAt, "at least one subnet must be specified")
		return
	case len(subnets) > 2:
		fail(listAt, "at most two subnets can be specified for dual-stack clusters")
		return
	}
	var v4, v6 int
	for _, s := range subnets {
		p, err := netip.ParsePrefix(s.Value)
		switch {
		case err != nil: // meta.Prefix: the document does not load
			r.Fail(subject, s, "KubeNetworkConfig does not load: %v", err)
			return
		case p.Masked() != p:
			fail(s, fmt.Sprintf("invalid subnet: %s is not a valid CIDR", p))
			return
		case p.Addr().BitLen()-p.Bits() < talosMinSubnetHostBits:
			fail(s, fmt.Sprintf("invalid subnet: /%d is too small, it must be larger than /%d", p.Bits(), p.Bits()-talosMinSubnetHostBits))
			return
		}
		if msg := size(p); msg != "" {
			fail(s, msg)
			return
		}
		if p.Addr().Is4() {
			v4++
		} else {
			v6++
		}
	}
	if v4 > 1 || v6 > 1 {
		fail(listAt, "at most one IPv4 and one IPv6 subnet can be specified for dual-stack clusters")
	}
}

var talosNetworkSubnetCount = Rule{
	ID:        "talos-network-subnet-count",
	Area:      AreaTalos,
	Title:     "Talos KubeNetworkConfig has as many pod subnets as service subnets",
	Severity:  Error,
	Reference: talosNetworkReference,
	Why:       "Talos refuses a KubeNetworkConfig with one pod subnet and two service subnets, or the reverse (\"the number of pod subnets must match the number of service subnets\"): a dual-stack cluster needs both families for pods and for Services.",
	Fix:       "list one pod subnet and one service subnet per family",
	Scope:     talosConfig,
	Check:     checkTalosNetworkSubnetCount,
}

func checkTalosNetworkSubnetCount(f *Facts, r *Reporter) {
	for _, n := range f.Talos.Networks {
		if len(n.PodSubnets) != len(n.ServiceSubnets) {
			r.Fail("talos KubeNetworkConfig serviceSubnets", n.ServiceSubnetsAt, "KubeNetworkConfig: the number of pod subnets must match the number of service subnets (%d pod subnets %s, %d service subnets %s)", len(n.PodSubnets), talosList(n.PodSubnets), len(n.ServiceSubnets), talosList(n.ServiceSubnets))
		}
	}
}

var talosNetworkConflict = Rule{
	ID:        "talos-network-conflict",
	Area:      AreaTalos,
	Title:     "A Talos machine configuration sets the cluster network once: cluster.network or a KubeNetworkConfig",
	Severity:  Error,
	Reference: "siderolabs/talos pkg/machinery/config/types/k8s/network.go V1Alpha1ConflictValidate; pkg/machinery/config/container/validate.go; https://docs.siderolabs.com/talos/v1.14/reference/configuration/kubernetes/kubenetworkconfig",
	Why:       "A KubeNetworkConfig document replaces the v1alpha1 machine configuration's `cluster.network`, and Talos refuses a configuration holding both (\"cluster network config is already set in the v1alpha1 config (.machine.cluster.network). Please remove it and use only the new KubeNetworkConfig document to avoid conflicts\").",
	Fix:       "remove cluster.network from the v1alpha1 document and keep the KubeNetworkConfig (or the reverse)",
	Scope:     talosConfig,
	Check:     checkTalosNetworkConflict,
}

func checkTalosNetworkConflict(f *Facts, r *Reporter) {
	for _, m := range f.Talos.Machines {
		if m.ClusterNetwork == nil {
			continue
		}
		for _, n := range f.Talos.Networks {
			if n.File == m.File { // one configuration: one file's documents
				r.Fail("talos cluster.network", *m.ClusterNetwork, "cluster network config is already set in the v1alpha1 config (.machine.cluster.network). Please remove it and use only the new KubeNetworkConfig document to avoid conflicts (the KubeNetworkConfig: %s)", n.Source)
				break
			}
		}
	}
}

var talosKubeletValidSubnets = Rule{
	ID:        "talos-kubelet-valid-subnets",
	Area:      AreaTalos,
	Title:     "Talos machine.kubelet.nodeIP.validSubnets are subnets or addresses",
	Severity:  Error,
	Reference: "siderolabs/talos pkg/machinery/config/types/v1alpha1/v1alpha1_validation.go KubeletConfig.Validate; siderolabs/net ParseSubnetOrAddress; https://www.talos.dev/v1.11/reference/configuration/v1alpha1/config (machine.kubelet.nodeIP)",
	Why:       "Talos chooses the kubelet's node IPs (one per family of the service subnets when `validSubnets` is unset) among the addresses in `validSubnets`, each a CIDR or an address, `!` excluding it. Talos refuses an entry that is neither (\"kubelet nodeIP subnet is not valid: \\\"…\\\"\").",
	Fix:       "write each validSubnets entry as a CIDR or an IP address, optionally prefixed with ! to exclude it",
	Scope:     talosConfig,
	Check:     checkTalosKubeletValidSubnets,
}

func checkTalosKubeletValidSubnets(f *Facts, r *Reporter) {
	for _, m := range f.Talos.Machines {
		for _, s := range m.ValidSubnets {
			cidr := strings.TrimPrefix(s.Value, "!")
			if _, err := netip.ParsePrefix(cidr); err == nil {
				continue
			}
			if _, err := netip.ParseAddr(cidr); err == nil {
				continue
			}
			r.Fail("talos machine.kubelet.nodeIP.validSubnets", s, "kubelet nodeIP subnet is not valid: %q", cidr)
		}
	}
}

// talosList quotes a list as Talos prints it: [a, b].
func talosList(settings []Setting) string {
	return "[" + strings.Join(settingValues(settings), ", ") + "]"
}
