package check

import (
	"fmt"
	"net"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// Upstream texts quoted by several rules.
const (
	msgInvalidIP      = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
	msgInvalidCIDR    = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
	msgOneIPPerFamily = "may specify no more than one IP for each IP family"
)

// splitList splits a comma-separated flag value as upstream does (entries
// trimmed, empty value = no entries).
func splitList(value string) []string {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	parts := strings.Split(value, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// splitUntrimmed splits a list value as most upstream callers do:
// strings.Split without trimming entries; "" has no entries.
func splitUntrimmed(value string) []string {
	if value == "" {
		return nil
	}
	return strings.Split(value, ",")
}

// normalizeCIDRs is a list of CIDRs as upstream reads them (ParseCIDRSloppy:
// leading zeros accepted, host bits masked), for comparing lists; an
// entry that does not parse stays as written.
func normalizeCIDRs(entries []string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		if _, n, err := netutils.ParseCIDRSloppy(strings.TrimSpace(e)); err == nil {
			out[i] = n.String()
		} else {
			out[i] = e
		}
	}
	return out
}

// parseCIDRList parses the entries of a list value that parse, trimmed.
func parseCIDRList(value string) []*net.IPNet {
	var out []*net.IPNet
	for _, e := range splitUntrimmed(value) {
		if _, n, err := netutils.ParseCIDRSloppy(strings.TrimSpace(e)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// settingValues is the values of a list's settings.
func settingValues(settings []Setting) []string {
	out := make([]string, len(settings))
	for i, s := range settings {
		out[i] = s.Value
	}
	return out
}

// quoteList renders a list field's value: ["a","b"].
func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ",") + "]"
}

func joinIPs(ips []net.IP) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ",")
}

// familyOfCIDR is the IP family of a parsed CIDR (IPv4-mapped counts as
// IPv4, as in k8s.io/utils/net).
func familyOfCIDR(cidr *net.IPNet) corev1.IPFamily {
	if netutils.IsIPv4CIDR(cidr) {
		return corev1.IPv4Protocol
	}
	return corev1.IPv6Protocol
}

// familyOfIP is the IP family of an address string, "" if unparsable.
var familyOfIP = dualstack.FamilyOf

// familyOfNetIP is IPv4 or IPv6 for an IP (IPv4-mapped counts as IPv4).
func familyOfNetIP(ip net.IP) corev1.IPFamily {
	if netutils.IsIPv4(ip) {
		return corev1.IPv4Protocol
	}
	return corev1.IPv6Protocol
}

// familiesOfCIDRs is the family of each CIDR, in order.
func familiesOfCIDRs(cidrs []*net.IPNet) []corev1.IPFamily {
	out := make([]corev1.IPFamily, 0, len(cidrs))
	for _, c := range cidrs {
		out = append(out, familyOfCIDR(c))
	}
	return out
}

// isDualPair says whether fams is one IPv4 and one IPv6, in any order.
func isDualPair(fams []corev1.IPFamily) bool {
	return len(fams) == 2 && fams[0] != fams[1]
}

// joinFamilies is "IPv4,IPv6".
func joinFamilies(fams []corev1.IPFamily) string {
	s := make([]string, len(fams))
	for i, f := range fams {
		s[i] = string(f)
	}
	return strings.Join(s, ",")
}

// sameFamily says whether two CIDRs are of one family.
func sameFamily(a, b *net.IPNet) bool { return familyOfCIDR(a) == familyOfCIDR(b) }

// overlaps says whether two CIDRs share addresses.
func overlaps(a, b *net.IPNet) bool {
	return sameFamily(a, b) && (a.Contains(b.IP) || b.Contains(a.IP))
}

// covers says whether outer contains all of inner.
func covers(outer, inner *net.IPNet) bool {
	oo, _ := outer.Mask.Size()
	io, _ := inner.Mask.Size()
	return sameFamily(outer, inner) && oo <= io && outer.Contains(inner.IP)
}

// ipvN is "4" or "6", as upstream's netutils.IPFamily prints.
func ipvN(fam corev1.IPFamily) string { return strings.TrimPrefix(string(fam), "IPv") }
