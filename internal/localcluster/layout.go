package localcluster

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Layout is the IP-family shape of a local cluster.
type Layout string

const (
	DualStackIPv4Primary Layout = "dual-ipv4" // the default: IPv4 first everywhere
	DualStackIPv6Primary Layout = "dual-ipv6" // both lists reversed
	SingleStackIPv4      Layout = "ipv4"
	SingleStackIPv6      Layout = "ipv6"
)

// Layouts lists every layout, in the order help texts show them.
var Layouts = []Layout{DualStackIPv4Primary, DualStackIPv6Primary, SingleStackIPv4, SingleStackIPv6}

// familyRanges holds one family's share of a layout. The node prefixes mimic
// kind's docker network; nothing ever connects to them (everything listens on
// 127.0.0.1), they only have to be valid, non-loopback addresses.
type familyRanges struct {
	family      corev1.IPFamily
	serviceCIDR string
	clusterCIDR string
	nodeMask    int
	nodePrefix  netip.Prefix // node N gets the N-th address of this prefix
}

var (
	ipv4Ranges = familyRanges{corev1.IPv4Protocol, "10.96.0.0/16", "10.244.0.0/16", 24, netip.MustParsePrefix("172.18.0.0/24")}
	ipv6Ranges = familyRanges{corev1.IPv6Protocol, "fd00:10:96::/112", "fd00:10:244::/56", 64, netip.MustParsePrefix("fc00:f853:ccd:e793::/64")}
)

// ParseLayout accepts a layout name as the CLI and the Makefile spell it.
func ParseLayout(s string) (Layout, error) {
	for _, l := range Layouts {
		if string(l) == s {
			return l, nil
		}
	}
	names := make([]string, len(Layouts))
	for i, l := range Layouts {
		names[i] = string(l)
	}
	return "", fmt.Errorf("unknown layout %q (want one of %s)", s, strings.Join(names, ", "))
}

// families returns the layout's ranges, primary family first.
func (l Layout) families() []familyRanges {
	switch l {
	case DualStackIPv6Primary:
		return []familyRanges{ipv6Ranges, ipv4Ranges}
	case SingleStackIPv4:
		return []familyRanges{ipv4Ranges}
	case SingleStackIPv6:
		return []familyRanges{ipv6Ranges}
	default:
		return []familyRanges{ipv4Ranges, ipv6Ranges}
	}
}

// IPFamilies is the cluster's families, primary first.
func (l Layout) IPFamilies() []corev1.IPFamily {
	var out []corev1.IPFamily
	for _, f := range l.families() {
		out = append(out, f.family)
	}
	return out
}

// ServiceCIDRs is the value of --service-cluster-ip-range.
func (l Layout) ServiceCIDRs() string {
	return l.join(func(f familyRanges) string { return f.serviceCIDR })
}

// ClusterCIDRs is the value of the controller-manager's --cluster-cidr.
func (l Layout) ClusterCIDRs() string {
	return l.join(func(f familyRanges) string { return f.clusterCIDR })
}

// NodeIPs are node n's InternalIPs (n counts from 1, node n gets address n+1
// of the node network, as in kind), primary family first.
func (l Layout) NodeIPs(n int) []string { return l.hostAddrs(n + 1) }

// AdvertiseAddress is the apiserver's --advertise-address, address 1 of the
// node network. It must be of the primary service family
// (cmd/kube-apiserver/app/options/validation.go
// validatePublicIPServiceClusterIPRangeIPFamilies).
func (l Layout) AdvertiseAddress() string { return l.hostAddrs(1)[0] }

// nodeIPsOf is node n's InternalIPs of the given families, in that order
// (Config.NodeIPFamilies), or the layout's NodeIPs when families is empty.
func (l Layout) nodeIPsOf(n int, families []corev1.IPFamily) []string {
	if len(families) == 0 {
		return l.NodeIPs(n)
	}
	var out []string
	for _, fam := range families {
		f := ipv4Ranges
		if fam == corev1.IPv6Protocol {
			f = ipv6Ranges
		}
		out = append(out, f.hostAddr(n+1))
	}
	return out
}

// hostAddrs returns address k of each family's node network.
func (l Layout) hostAddrs(k int) []string {
	var out []string
	for _, f := range l.families() {
		out = append(out, f.hostAddr(k))
	}
	return out
}

// hostAddr is address k of the family's node network.
func (f familyRanges) hostAddr(k int) string {
	addr := f.nodePrefix.Addr()
	for range k {
		addr = addr.Next()
	}
	return addr.String()
}

func (l Layout) join(field func(familyRanges) string) string {
	var parts []string
	for _, f := range l.families() {
		parts = append(parts, field(f))
	}
	return strings.Join(parts, ",")
}

// nodeMaskArgs are the controller-manager's mask flags. Single-stack clusters
// may only name their own family's flag (cmd/kube-controller-manager/app/core.go
// setNodeCIDRMaskSizes).
func (l Layout) nodeMaskArgs() []string {
	var out []string
	for _, f := range l.families() {
		if f.family == corev1.IPv4Protocol {
			out = append(out, fmt.Sprintf("--node-cidr-mask-size-ipv4=%d", f.nodeMask))
		} else {
			out = append(out, fmt.Sprintf("--node-cidr-mask-size-ipv6=%d", f.nodeMask))
		}
	}
	return out
}
