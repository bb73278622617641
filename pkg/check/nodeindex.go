package check

import (
	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"

	"net"
	"slices"
)

// nodeAddrs is what pod rules need of a node.
type nodeAddrs struct {
	name        string
	hostIPs     []net.IP
	podCIDRs    map[corev1.IPFamily]*net.IPNet // first of each family
	hasPodCIDRs bool
	internal    []corev1.IPFamily
}

// dualCapable: an InternalIP of each family and, when the node has
// podCIDRs, one of each family (pods on a node lacking one are the node's
// problem, reported once by the node rules, not once per pod).
func (n *nodeAddrs) dualCapable() bool {
	if len(n.internal) < 2 {
		return false
	}
	return !n.hasPodCIDRs || (n.podCIDRs[corev1.IPv4Protocol] != nil && n.podCIDRs[corev1.IPv6Protocol] != nil)
}

// podIndex is built once per Facts (and rebuilt if its nodes or families
// change): pods look their node up by name instead of scanning f.Nodes.
// It lives in Facts.podIndex.
type podIndex struct {
	nodesFirst *corev1.Node
	nodesLen   int
	families   []corev1.IPFamily
	dualStack  bool
	nodes      map[string]*nodeAddrs
}

// podIndexOf returns f's index, built on first use. refresh (from a rule's
// Check, once per run) also re-reads the cluster's families; per pod only
// the nodes slice's identity is compared.
func podIndexOf(f *Facts, refresh bool) *podIndex {
	var first *corev1.Node
	if len(f.Nodes) > 0 {
		first = &f.Nodes[0]
	}
	var fams []corev1.IPFamily
	if refresh {
		fams = f.Families()
	}
	if idx := f.podIndex; idx != nil && idx.nodesFirst == first && idx.nodesLen == len(f.Nodes) && (!refresh || slices.Equal(idx.families, fams)) {
		return idx
	}
	if !refresh {
		fams = f.Families()
	}
	idx := &podIndex{nodesFirst: first, nodesLen: len(f.Nodes), families: fams, dualStack: isDualPair(fams), nodes: make(map[string]*nodeAddrs, len(f.Nodes))}
	for i := range f.Nodes {
		node := &f.Nodes[i]
		n := &nodeAddrs{name: node.Name, hostIPs: nodeHostIPs(node), podCIDRs: map[corev1.IPFamily]*net.IPNet{}, hasPodCIDRs: len(node.Spec.PodCIDRs) > 0}
		for _, v := range node.Spec.PodCIDRs {
			if _, cidr, err := netutils.ParseCIDRSloppy(v); err == nil {
				if fam := familyOfCIDR(cidr); n.podCIDRs[fam] == nil {
					n.podCIDRs[fam] = cidr
				}
			}
		}
		n.internal, _ = internalIPFamilies(node)
		idx.nodes[node.Name] = n
	}
	f.podIndex = idx
	f.podIndexBuilds++
	return idx
}
