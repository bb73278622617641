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

// familiesOfCIDRs is the family of each CIDR, in order.
func familiesOfCIDRs(cidrs []*net.IPNet) []corev1.IPFamily {
	out := make([]corev1.IPFamily, 0, len(cidrs))
	for _, c := range cidrs {
		out = append(out, familyOfCIDR(c))
	}
	return out
}

// stackName describes a cluster's families for people: "dual-stack
// IPv4-primary", "single-stack IPv6", "unknown".
func stackName(fams []corev1.IPFamily) string {
	switch {
	case len(fams) == 0:
		return "unknown"
	case len(fams) == 1:
		return "single-stack " + string(fams[0])
	case len(fams) == 2 && fams[0] != fams[1]:
		return "dual-stack " + string(fams[0]) + "-primary"
	}
	return "not a dual-stack pair (" + joinFamilies(fams) + ")"
}

// joinFamilies is "IPv4,IPv6".
func joinFamilies(fams []corev1.IPFamily) string {
	s := make([]string, len(fams))
	for i, f := range fams {
		s[i] = string(f)
	}
	return strings.Join(s, ",")
}

// otherFamily is IPv6 for IPv4 and IPv4 for IPv6.
func otherFamily(f corev1.IPFamily) corev1.IPFamily {
	if f == corev1.IPv4Protocol {
		return corev1.IPv6Protocol
	}
	return corev1.IPv4Protocol
}

// nodeHostIPs is a node's host IPs as upstream computes them
// (pkg/util/node GetNodeHostIPs): InternalIPs then ExternalIPs, the first
// one, then the first of the other family. Kubelet copies them into every
// pod's status.hostIPs and into hostNetwork pods' podIPs.
func nodeHostIPs(node *corev1.Node) []net.IP {
	var all []net.IP
	for _, typ := range []corev1.NodeAddressType{corev1.NodeInternalIP, corev1.NodeExternalIP} {
		for _, a := range node.Status.Addresses {
			if a.Type == typ {
				if ip := netutils.ParseIPSloppy(a.Address); ip != nil {
					all = append(all, ip)
				}
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	out := []net.IP{all[0]}
	for _, ip := range all[1:] {
		if netutils.IsIPv6(ip) != netutils.IsIPv6(out[0]) {
			return append(out, ip)
		}
	}
	return out
}

// maskSetting is where the node mask of a family comes from: its own flag,
// else (single-stack) --node-cidr-mask-size, else the default.
func maskSetting(settings map[string]Setting, fam corev1.IPFamily, dual bool, where string) Setting {
	flag, def := "node-cidr-mask-size-ipv4", "24"
	if fam == corev1.IPv6Protocol {
		flag, def = "node-cidr-mask-size-ipv6", "64"
	}
	if s, ok := settings[flag]; ok {
		return s
	}
	if s, ok := settings["node-cidr-mask-size"]; ok && !dual {
		return s
	}
	return Setting{Value: def, Source: where + " (--" + flag + " unset: default " + def + ")"}
}

// nodeIPAM is the controller-manager's node IPAM configuration.
type nodeIPAM struct {
	Allocate   bool    // --allocate-node-cidrs=true
	AllocateAt Setting // where that was read
	// ClusterCIDRs is --cluster-cidr, in order (node IPAM allocates
	// podCIDRs[i] from ClusterCIDRs[i]); ClusterCIDRsAt where it was read.
	ClusterCIDRs   []*net.IPNet
	ClusterCIDRsAt Setting
	// Masks is the node mask size per family (0 when unparsable), and
	// MaskAt where it was read (Source says "default" when not set).
	Masks  map[corev1.IPFamily]int
	MaskAt map[corev1.IPFamily]Setting
}

// nodeIPAM reads node IPAM from the first kube-controller-manager's flags,
// else from kubeadm's ClusterConfiguration (podSubnet becomes
// --cluster-cidr and --allocate-node-cidrs=true unless extraArgs say
// otherwise). ok is false when neither is known or --cluster-cidr does not
// parse (the control-plane rules report that).
func (f *Facts) nodeIPAM() (ipam nodeIPAM, ok bool) {
	var settings map[string]Setting
	where := ""
	if kcm := f.ComponentsOf(ControllerManager); len(kcm) > 0 {
		settings, where = kcm[0].Settings, kcm[0].Source
	} else if k := f.Kubeadm; k != nil && k.PodSubnet != nil {
		settings, where = map[string]Setting{}, k.Source
		settings["cluster-cidr"] = *k.PodSubnet
		settings["allocate-node-cidrs"] = Setting{Value: "true", Source: k.PodSubnet.Source + " (kubeadm sets --allocate-node-cidrs with a podSubnet)"}
		for name, s := range k.ExtraArgs["controllerManager"] {
			settings[name] = s
		}
	} else {
		return nodeIPAM{}, false
	}
	ipam.AllocateAt = settings["allocate-node-cidrs"]
	ipam.Allocate = strings.EqualFold(strings.TrimSpace(ipam.AllocateAt.Value), "true")
	if ipam.AllocateAt.Source == "" {
		ipam.AllocateAt.Source = where + " (--allocate-node-cidrs unset: false)"
	}
	ipam.ClusterCIDRsAt = settings["cluster-cidr"]
	if ipam.ClusterCIDRsAt.Value != "" {
		cidrs, err := netutils.ParseCIDRs(splitList(ipam.ClusterCIDRsAt.Value))
		if err != nil {
			return nodeIPAM{}, false
		}
		ipam.ClusterCIDRs = cidrs
	}
	if ipam.Allocate && len(ipam.ClusterCIDRs) == 0 {
		return nodeIPAM{}, false
	}
	// The node mask of each cluster CIDR, as the controller-manager
	// computes it (kcmNodeMasks); 0 when it refuses the flags, which
	// controller-manager-node-cidr-mask reports.
	ipam.Masks, ipam.MaskAt = map[corev1.IPFamily]int{}, map[corev1.IPFamily]Setting{}
	if len(ipam.ClusterCIDRs) > 0 {
		masks, _, err := kcmNodeMasks(Component{Kind: ControllerManager, Source: where, Settings: settings}, ipam.ClusterCIDRs)
		for i, cidr := range ipam.ClusterCIDRs {
			fam := familyOfCIDR(cidr)
			ipam.MaskAt[fam] = maskSetting(settings, fam, len(ipam.ClusterCIDRs) > 1, where)
			if err == nil {
				ipam.Masks[fam] = masks[i]
			}
		}
	}
	return ipam, true
}
