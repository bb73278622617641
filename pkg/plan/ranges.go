package plan

import (
	"crypto/sha256"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// InputError is a problem with what the user gave (--service-cidr,
// --pod-cidr): the plan cannot be computed as asked.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}

// Upstream limits on a service range. Before 1.35, kube-apiserver refuses
// more than 2^20 addresses in either family (cmd/kube-apiserver/app/options/
// validation.go validateMaxCIDRRange: "specified %s is too large"); from
// 1.35, when the ServiceCIDR allocator's gates are locked on, that check is
// skipped and an IPv6 service range may be as large as a /64
// (pkg/apis/networking/validation: "shortest allowed prefix length for
// service CIDR is 64").
const (
	legacyMaxServiceBits = 20
	minIPv6ServicePrefix = 64
)

// Default node mask sizes of kube-controller-manager
// (cmd/kube-controller-manager/app/options/nodeipamcontroller.go).
var defaultNodeMask = map[corev1.IPFamily]int{corev1.IPv4Protocol: 24, corev1.IPv6Protocol: 64}

// maxNodeMaskDiff is node IPAM's limit on an IPv6 node mask minus the
// cluster mask (pkg/controller/nodeipam/ipam/cidrset/cidr_set.go
// clusterSubnetMaxDiff: "the node CIDR size is too big").
const maxNodeMaskDiff = 16

// used is every range and address the cluster uses, so that a new range
// overlaps none of them.
type used struct {
	prefixes []netip.Prefix
	what     []string // what each prefix is, for error messages
}

func (u *used) add(cidrOrIP, what string) {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidrOrIP))
	if err != nil {
		a, err := netip.ParseAddr(strings.TrimSpace(cidrOrIP))
		if err != nil {
			return
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	u.prefixes = append(u.prefixes, p.Masked())
	u.what = append(u.what, what)
}

// overlap names what p overlaps, "" when nothing.
func (u *used) overlap(p netip.Prefix) string {
	for i, q := range u.prefixes {
		if p.Overlaps(q) {
			return u.what[i]
		}
	}
	return ""
}

// parseGiven parses a --service-cidr or --pod-cidr value: one CIDR of the
// family being added, in canonical form.
func parseGiven(flag, value string, fam corev1.IPFamily) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(value))
	if err != nil {
		return netip.Prefix{}, inputErrorf("--%s %q is not a CIDR", flag, value)
	}
	if p != p.Masked() {
		return netip.Prefix{}, inputErrorf("--%s %s has host bits set: did you mean %s?", flag, value, p.Masked())
	}
	if got := dualstack.FamilyOfPrefix(p); got != fam {
		return netip.Prefix{}, inputErrorf("--%s %s is %s, but the family being added is %s", flag, value, got, fam)
	}
	return p, nil
}

// serviceCapacity is how many Service IPs a range holds for the allocator:
// every address but the network address, and for IPv4 the broadcast address
// too (pkg/registry/core/service/ipallocator: the first and, for IPv4, the
// last address are reserved).
func serviceCapacity(p netip.Prefix) (uint64, string) {
	bits := p.Addr().BitLen() - p.Bits()
	reserved := 1
	if p.Addr().Is4() {
		reserved = 2
	}
	n := dualstack.ServiceRangeSize(p)
	return n, fmt.Sprintf("/%d: 2^%d - %d reserved = %s Service IPs", p.Bits(), bits, reserved, thousands(n))
}

// nodeCapacity is how many node ranges of mask a pod range holds.
func nodeCapacity(p netip.Prefix, mask, nodes int) (uint64, string) {
	n, _ := dualstack.NodeRanges(p, mask)
	sums := fmt.Sprintf("/%d with node mask /%d: 2^(%d-%d) = %s node ranges of 2^%d addresses", p.Bits(), mask, mask, p.Bits(), thousands(n), p.Addr().BitLen()-mask)
	if nodes > 0 {
		sums += "; the cluster has " + plural(nodes, "node", "nodes")
	}
	return n, sums
}

func thousands(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// checkServiceRange refuses a service range kube-apiserver of version
// would refuse.
func checkServiceRange(flag string, p netip.Prefix, version string) error {
	if atLeast(version, 1, 35) {
		if p.Addr().Is6() && p.Bits() < minIPv6ServicePrefix {
			return inputErrorf("--%s %s is too large: kube-apiserver takes an IPv6 service range of /%d or longer", flag, p, minIPv6ServicePrefix)
		}
		return nil
	}
	if bits := p.Addr().BitLen() - p.Bits(); bits > legacyMaxServiceBits {
		return inputErrorf("--%s %s is too large: kube-apiserver %s takes a service range of at most 2^%d addresses (/%d or longer)", flag, p, version, legacyMaxServiceBits, p.Addr().BitLen()-legacyMaxServiceBits)
	}
	return nil
}

// checkPodRange refuses a pod range node IPAM would refuse with mask; the
// 16-bit limit is IPv6's only (cidr_set.go NewCIDRSet).
func checkPodRange(flag string, p netip.Prefix, mask int) error {
	switch {
	case mask < p.Bits():
		return inputErrorf("--%s %s is smaller than the node mask /%d", flag, p, mask)
	case p.Addr().Is6() && mask-p.Bits() > maxNodeMaskDiff:
		return inputErrorf("--%s %s is too large for node mask /%d: node IPAM allows at most %d bits between them (/%d or longer)", flag, p, mask, maxNodeMaskDiff, mask-maxNodeMaskDiff)
	}
	return nil
}

// proposeIPv6 proposes a ULA /48 (RFC 4193) whose global ID is derived from
// seed, so that the same cluster gets the same proposal every time: pods in
// its first subnets, sized for nodes, services in its last /64.
func proposeIPv6(seed string, nodes, mask int, u *used) (pods, services netip.Prefix, err error) {
	sum := sha256.Sum256([]byte(seed))
	for attempt := 0; attempt < 16; attempt++ {
		var a [16]byte
		a[0] = 0xfd
		copy(a[1:6], sum[attempt:attempt+5])
		base := netip.AddrFrom16(a)
		podBits := mask - podPrefixFor(nodes, mask)
		pods = netip.PrefixFrom(base, mask-podBits)
		a[6], a[7] = 0xff, 0xff
		services = netip.PrefixFrom(netip.AddrFrom16(a), 112)
		if u.overlap(pods) == "" && u.overlap(services) == "" {
			return pods, services, nil
		}
	}
	return netip.Prefix{}, netip.Prefix{}, inputErrorf("no free IPv6 ULA range found: give --service-cidr and --pod-cidr")
}

// podPrefixFor is the IPv6 pod range's prefix length for mask: room for at
// least 4x the nodes and 256 node ranges, on a nibble boundary (readable
// addresses), within node IPAM's 16-bit limit.
func podPrefixFor(nodes, mask int) int {
	bits := 8
	for (1<<bits) < 4*nodes && bits < maxNodeMaskDiff {
		bits += 4
	}
	return mask - bits
}

// IPv4 candidates for a cluster that adds IPv4: the ranges kubeadm, k3s
// and the CNIs use by default, then other private ranges (RFC 1918).
var (
	ipv4PodCandidates     = []string{"10.244.0.0/16", "10.42.0.0/16", "172.16.0.0/16", "192.168.0.0/16", "10.128.0.0/14"}
	ipv4ServiceCandidates = []string{"10.96.0.0/16", "10.43.0.0/16", "172.17.0.0/16", "192.168.128.0/17"}
)

func proposeIPv4(nodes, mask int, u *used) (pods, services netip.Prefix, err error) {
	pick := func(cands []string, fits func(netip.Prefix) bool) (netip.Prefix, bool) {
		for _, c := range cands {
			p := netip.MustParsePrefix(c)
			if u.overlap(p) == "" && fits(p) {
				return p, true
			}
		}
		return netip.Prefix{}, false
	}
	pods, ok := pick(ipv4PodCandidates, func(p netip.Prefix) bool {
		return mask >= p.Bits() && mask-p.Bits() < 32 && uint64(1)<<uint(mask-p.Bits()) >= uint64(2*nodes)
	})
	if !ok {
		return pods, services, inputErrorf("no free private IPv4 pod range found for %s: give --pod-cidr", plural(nodes, "node", "nodes"))
	}
	u.add(pods.String(), "the proposed pod range")
	services, ok = pick(ipv4ServiceCandidates, func(netip.Prefix) bool { return true })
	if !ok {
		return pods, services, inputErrorf("no free private IPv4 service range found: give --service-cidr")
	}
	return pods, services, nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
