package dualstack

import (
	"fmt"
	"math"
	"math/big"
	"net/netip"
)

// Address capacity as Kubernetes' allocators count it: `get servicecidrs`,
// check's capacity rules and plan share these sums.

// ServiceRangeSize is how many ClusterIPs the allocator hands out from a
// service range: upstream's hostsPerNetwork
// (pkg/registry/core/service/ipallocator), every address but the network
// address and, for IPv4, the broadcast address: 2^h-2 for IPv4 and 2^h-1
// for IPv6, h being the host bits. Upstream caps it at 2^64-1, which is
// the exact count of a /64, the shortest IPv6 range the allocator accepts;
// a shorter one it refuses ("shortest allowed prefix length for service
// CIDR is 64"), so no address of it is ever handed out: 0 here.
func ServiceRangeSize(p netip.Prefix) uint64 {
	if !p.IsValid() || (p.Addr().Is6() && p.Bits() < 64) {
		return 0
	}
	hostBits := p.Addr().BitLen() - p.Bits()
	if hostBits >= 64 {
		return math.MaxUint64
	}
	n := uint64(1)<<hostBits - 1 // the network address
	if p.Addr().Is4() && n > 0 {
		n-- // the broadcast address
	}
	return n
}

// InServiceRange says whether the allocator counts ip as an address of
// range p: inside it, not its network address and, for IPv4, not its
// broadcast address (pkg/api/servicecidr PrefixContainsIP).
func InServiceRange(p netip.Prefix, ip netip.Addr) bool {
	p = p.Masked()
	if !p.Contains(ip) || ip == p.Addr() {
		return false
	}
	return !ip.Is4() || ip != lastAddress(p)
}

// lastAddress is the prefix's last address (IPv4's broadcast address).
func lastAddress(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := range b {
		if bit := i * 8; bit+8 > p.Bits() {
			keep := max(p.Bits()-bit, 0)
			b[i] |= byte(0xff >> keep)
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// maxNodeMaskDiffIPv6 is how many bits longer than an IPv6 cluster CIDR
// the node mask may be (pkg/controller/nodeipam/ipam/cidrset
// clusterSubnetMaxDiff); kube-controller-manager refuses more.
const maxNodeMaskDiffIPv6 = 16

// NodeRanges is how many node pod ranges of mask node IPAM carves from a
// cluster CIDR (pkg/controller/nodeipam/ipam/cidrset getMaxCIDRs:
// 2^(mask-bits)). ok is false for a mask kube-controller-manager refuses:
// shorter than the cluster CIDR's, longer than the family's addresses, or,
// for IPv6, more than 16 bits longer than the cluster CIDR's.
func NodeRanges(cluster netip.Prefix, mask int) (n uint64, ok bool) {
	diff := mask - cluster.Bits()
	if !cluster.IsValid() || diff < 0 || mask > cluster.Addr().BitLen() || (cluster.Addr().Is6() && diff > maxNodeMaskDiffIPv6) {
		return 0, false
	}
	return uint64(1) << diff, true // diff <= 32
}

// UsedPermille is used/size in tenths of a percent, rounded down, so that
// a range one address short of full never shows 100.0%; ok is false for
// an empty range.
func UsedPermille(used, size uint64) (permille uint64, ok bool) {
	if size == 0 {
		return 0, false
	}
	q := new(big.Int).Mul(new(big.Int).SetUint64(used), big.NewInt(1000))
	return q.Quo(q, new(big.Int).SetUint64(size)).Uint64(), true
}

// FormatPercent writes a permille as a percentage with one decimal: "85.7%".
func FormatPercent(permille uint64) string {
	return fmt.Sprintf("%d.%d%%", permille/10, permille%10)
}

// AtLeastPercent says whether used is at least pct percent of size,
// exactly (no rounding): used*100 >= pct*size.
func AtLeastPercent(used, size, pct uint64) bool {
	a := new(big.Int).Mul(new(big.Int).SetUint64(used), big.NewInt(100))
	b := new(big.Int).Mul(new(big.Int).SetUint64(size), new(big.Int).SetUint64(pct))
	return size > 0 && a.Cmp(b) >= 0
}
