package check

import (
	"net"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
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

// ServiceRanges is the cluster's service CIDR list, primary first, and where
// it was read: the first kube-apiserver's --service-cluster-ip-range, else
// the `kubernetes` ServiceCIDR object, else kubeadm's serviceSubnet.
func (f *Facts) ServiceRanges() ([]*net.IPNet, Setting, bool) {
	for _, c := range f.ComponentsOf(APIServer) {
		if s, ok := c.Setting("service-cluster-ip-range"); ok {
			if cidrs, err := netutils.ParseCIDRs(splitList(s.Value)); err == nil && len(cidrs) > 0 {
				return cidrs, s, true
			}
		}
	}
	for _, sc := range f.ServiceCIDRs {
		if sc.Name == "kubernetes" {
			if cidrs, err := netutils.ParseCIDRs(sc.CIDRs); err == nil && len(cidrs) > 0 {
				return cidrs, Setting{Value: strings.Join(sc.CIDRs, ","), Source: "ServiceCIDR kubernetes spec.cidrs"}, true
			}
		}
	}
	if f.Kubeadm != nil && f.Kubeadm.ServiceSubnet != nil {
		if cidrs, err := netutils.ParseCIDRs(splitList(f.Kubeadm.ServiceSubnet.Value)); err == nil && len(cidrs) > 0 {
			return cidrs, *f.Kubeadm.ServiceSubnet, true
		}
	}
	return nil, Setting{}, false
}

// Families is the cluster's IP families, primary first, from its service
// ranges (the primary family is that of the first range: KEP-563); nil
// when no source told.
func (f *Facts) Families() []corev1.IPFamily {
	cidrs, _, ok := f.ServiceRanges()
	if !ok {
		return nil
	}
	var out []corev1.IPFamily
	for _, c := range cidrs {
		out = append(out, familyOfCIDR(c))
	}
	return out
}

// DualStack says whether the service ranges name both families.
func (f *Facts) DualStack() bool {
	fams := f.Families()
	return len(fams) == 2 && fams[0] != fams[1]
}
