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
	// cni is the network plugin's own pod pools, nil when pods take their
	// addresses from their node's podCIDRs (or the plugin is unknown).
	cni *cniPodPools
}

// cniPodPools are the pools a network plugin with its own IPAM hands pod
// addresses out of, by family; known is false when they are not in its
// configuration (Cilium's multi-pool, a cloud's IPAM). orNodePodCIDRs:
// its IPAM is only assumed, so an address of the node's podCIDR is fine
// too.
type cniPodPools struct {
	name           string
	known          bool
	orNodePodCIDRs bool
	pools          map[corev1.IPFamily][]*net.IPNet
}

func newCNIPodPools(c *CNI) *cniPodPools {
	if c == nil || !c.OwnIPAM() {
		return nil
	}
	pools, known := c.PodPools()
	out := &cniPodPools{name: cniName(c), known: known, orNodePodCIDRs: c.IPAMAssumed, pools: map[corev1.IPFamily][]*net.IPNet{}}
	for _, p := range pools {
		if n := p.Net(); n != nil {
			out.pools[familyOfCIDR(n)] = append(out.pools[familyOfCIDR(n)], n)
		}
	}
	return out
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
	idx := &nodeIndex{families: fams, dualStack: isDualPair(fams), nodes: make(map[string]*nodeAddrs, len(f.Nodes)), cni: newCNIPodPools(f.CNI)}
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
