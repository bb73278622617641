package check

import (
	"fmt"
	"net"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"
)

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
	return familiesOfCIDRs(cidrs)
}

// DualStack says whether the service ranges name both families.
func (f *Facts) DualStack() bool {
	return isDualPair(f.Families())
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

// knownFamilies scopes the rules that compare objects with the cluster's
// families: when no source told them, those rules are skipped.
var knownFamilies = &Scope{Skip: true, Empty: func(f *Facts) string {
	if f.Families() != nil {
		return ""
	}
	return familiesUnknown(f)
}}

// familiesUnknown says why the cluster's families are unknown.
func familiesUnknown(f *Facts) string {
	reason := "the cluster's IP families are unknown: no kube-apiserver --service-cluster-ip-range, ServiceCIDR kubernetes or kubeadm serviceSubnet could be read"
	if why := f.unavailable(SourceControlPlane, SourceServiceCIDRs, SourceKubeadm); why != "" {
		reason += " (" + why + ")"
	}
	return reason
}

// defaultServiceCIDR is kube-apiserver's default service range
// (pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR).
const defaultServiceCIDR = "10.0.0.0/24"

// apiserverRanges is one kube-apiserver's service ranges as
// getServiceIPAndRanges reads them.
type apiserverRanges struct {
	set     bool     // the flag is given and not empty
	at      Setting  // where it was read (or the default)
	entries []string // strings.Split(value, ","), untrimmed as upstream
	// primary and secondary are entries 0 and 1, parsed sloppily; nil when
	// absent or unparsable. primary is the default range when unset.
	primary, secondary *net.IPNet
	// effective is every entry normalized (the default when unset).
	effective []string
}

func apiserverRangesOf(c Component) apiserverRanges {
	s, ok := c.Setting("service-cluster-ip-range")
	if !ok || s.Value == "" {
		_, def, _ := netutils.ParseCIDRSloppy(defaultServiceCIDR)
		at := flagAt(c, "service-cluster-ip-range", ": default "+defaultServiceCIDR)
		return apiserverRanges{at: at, primary: def, effective: []string{defaultServiceCIDR}}
	}
	r := apiserverRanges{set: true, at: s, entries: strings.Split(s.Value, ",")}
	if _, n, err := netutils.ParseCIDRSloppy(r.entries[0]); err == nil {
		r.primary = n
	}
	if len(r.entries) > 1 {
		if _, n, err := netutils.ParseCIDRSloppy(r.entries[1]); err == nil {
			r.secondary = n
		}
	}
	r.effective = normalizeCIDRs(r.entries)
	return r
}

// primaryServiceRange is the cluster's primary service range: the first
// kube-apiserver's (its default when the flag is unset), else what
// Facts.ServiceRanges finds (ServiceCIDR kubernetes, kubeadm).
func primaryServiceRange(f *Facts) (*net.IPNet, Setting, bool) {
	if servers := f.ComponentsOf(APIServer); len(servers) > 0 {
		if rg := apiserverRangesOf(servers[0]); rg.primary != nil {
			return rg.primary, rg.at, true
		}
	}
	if cidrs, at, ok := f.ServiceRanges(); ok {
		return cidrs[0], at, true
	}
	return nil, Setting{}, false
}

// referenceServiceRanges is the normalized service range list the other
// components should agree with, and where it was read.
func referenceServiceRanges(f *Facts) ([]string, Setting, bool) {
	if servers := f.ComponentsOf(APIServer); len(servers) > 0 {
		rg := apiserverRangesOf(servers[0])
		return rg.effective, rg.at, true
	}
	if cidrs, at, ok := f.ServiceRanges(); ok {
		out := make([]string, len(cidrs))
		for i, c := range cidrs {
			out[i] = c.String()
		}
		return out, at, true
	}
	return nil, Setting{}, false
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

// inferredPodFamilies is what a cluster whose cluster CIDR is hidden (a
// managed control plane) shows of its pod ranges: the families of the
// nodes' spec.podCIDRs, primary first. Their supernets cannot be known,
// so only the families and their order are inferred, and only when every
// node with podCIDRs has the same; at says so ("inferred from 3 nodes'
// spec.podCIDRs"). Rules that need the real --cluster-cidr never use it.
func inferredPodFamilies(f *Facts) (fams []corev1.IPFamily, at Setting, ok bool) {
	nodes := 0
	for i := range f.Nodes {
		if len(f.Nodes[i].Spec.PodCIDRs) == 0 {
			continue
		}
		got, _, valid := podCIDRFamilies(&f.Nodes[i])
		if !valid || (nodes > 0 && !slices.Equal(got, fams)) {
			return nil, Setting{}, false // nodes-pod-cidrs-valid, nodes-pod-cidr-per-family
		}
		fams = got
		nodes++
	}
	if nodes == 0 {
		return nil, Setting{}, false
	}
	counted := fmt.Sprintf("%d nodes'", nodes)
	if nodes == 1 {
		counted = "1 node's"
	}
	return fams, Setting{Value: joinFamilies(fams), Source: "inferred from " + counted + " spec.podCIDRs"}, true
}

// StackName describes the cluster's families for people: "dual-stack
// IPv4-primary", "single-stack IPv6", "unknown".
func (f *Facts) StackName() string { return stackName(f.Families()) }

// FamiliesUnknown says why the cluster's families are unknown.
func (f *Facts) FamiliesUnknown() string { return familiesUnknown(f) }
