package check

import (
	"net"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"
)

// nodeIndex is what the pod rules need of the cluster, derived once per
// run (run.nodeIndex): each pod looks its node up by name instead of
// scanning Facts.Nodes.
type nodeIndex struct {
	families  []corev1.IPFamily
	dualStack bool
	nodes     map[string]*nodeAddrs
}

// nodeAddrs is what pod rules need of a node.
type nodeAddrs struct {
	name        string
	hostIPs     []net.IP
	podCIDRs    map[corev1.IPFamily]*net.IPNet // first of each family
	hasPodCIDRs bool
	internal    []corev1.IPFamily
}

func newNodeIndex(f *Facts) *nodeIndex {
	fams := f.Families()
	idx := &nodeIndex{families: fams, dualStack: isDualPair(fams), nodes: make(map[string]*nodeAddrs, len(f.Nodes))}
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
	return idx
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
