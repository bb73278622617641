package dualstack

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"
)

// FamilyOf returns the IP family of ip, or "" when ip is not an IP.
func FamilyOf(ip string) corev1.IPFamily {
	switch netutils.IPFamilyOfString(ip) {
	case netutils.IPv4:
		return corev1.IPv4Protocol
	case netutils.IPv6:
		return corev1.IPv6Protocol
	}
	return ""
}

// FamilyOfPrefix is the family of a parsed prefix.
func FamilyOfPrefix(p netip.Prefix) corev1.IPFamily {
	if p.Addr().Is4() {
		return corev1.IPv4Protocol
	}
	return corev1.IPv6Protocol
}

// OtherFamily is IPv6 for IPv4 and IPv4 for IPv6.
func OtherFamily(f corev1.IPFamily) corev1.IPFamily {
	if f == corev1.IPv4Protocol {
		return corev1.IPv6Protocol
	}
	return corev1.IPv4Protocol
}
