package plan

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

const (
	refNodePodCIDR = "k8s.io/kubernetes pkg/apis/core/validation/validation.go ValidateNodeUpdate (\"node updates may not change podCIDR except from \\\"\\\" to valid\"), pkg/controller/nodeipam/ipam/range_allocator.go AllocateOrOccupyCIDR; https://kubernetes.io/docs/concepts/architecture/nodes/#node-name-uniqueness; https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/"
	refNodeIP      = "https://kubernetes.io/docs/concepts/services-networking/dual-stack/#configure-ipv4-ipv6-dual-stack (kubelet --node-ip)"
)

// nodes plans each node, one at a time: a node without a pod range of the
// added family must be registered again (its spec.podCIDRs cannot change),
// a node without an address of it needs kubelet's --node-ip.
func (p *planner) nodes() {
	if p.opts.FilesOnly {
		return
	}
	if why := p.unavailable(check.SourceNodes); why != "" {
		p.gap("nodes (kubelet --node-ip, re-registration)", why)
		return
	}
	p.nodeIPAM = p.allocatesNodeCIDRs()
	for i := range p.facts.Nodes {
		n := &p.facts.Nodes[i]
		ips := p.nodeIPs(n)
		hasPodRange := false
		for _, c := range n.Spec.PodCIDRs {
			if q, err := netip.ParsePrefix(c); err == nil && dualstack.FamilyOfPrefix(q) == p.adding {
				hasPodRange = true
			}
		}
		needsIP := ips[1].Address == ""
		reregister := p.nodeIPAM && !hasPodRange
		if !needsIP && !reregister {
			continue
		}
		nodeIP := ips[0].Address + "," + addressOrPlaceholder(ips[1])
		change := fmt.Sprintf("restart kubelet with --node-ip=%s", nodeIP)
		action := ActionNodeIP
		reason := "kubelet reports one address family unless --node-ip names both, and pods on the node get their host IPs from it"
		verify := fmt.Sprintf("kubectl dualstack get nodes %s shows addresses of both families", n.Name)
		if reregister {
			action = ActionReregister
			change = fmt.Sprintf("kubectl drain %s --ignore-daemonsets --delete-emptydir-data; set kubelet's --node-ip=%s and stop kubelet; kubectl delete node %s; start kubelet (it registers the node again, and node IPAM gives it a pod range of each family); kubectl uncordon %s. Then the next node, one at a time", n.Name, nodeIP, n.Name, n.Name)
			reason = "a node's spec.podCIDRs cannot change once set and node IPAM allocates only to nodes without one: only a new Node object gets an " + string(p.adding) + " pod range"
			verify = fmt.Sprintf("kubectl get node %s -o jsonpath='{.spec.podCIDRs}' shows a range of each family", n.Name)
		}
		p.add(secNodes, Step{
			ID: "node-" + n.Name, Kind: KindNode, Target: "node " + n.Name,
			Change: change, Reason: reason, Reference: refNodeIP + "; " + refNodePodCIDR, Verify: verify,
			Node: &NodeChange{Name: n.Name, Action: action, NodeIPs: ips, PodCIDRs: n.Spec.PodCIDRs},
		})
	}
}

// allocatesNodeCIDRs says whether node IPAM hands out pod ranges: the
// controller-manager's flag when it is known, else whether nodes have any.
func (p *planner) allocatesNodeCIDRs() bool {
	for _, c := range p.facts.ComponentsOf(check.ControllerManager) {
		s, ok := c.Setting("allocate-node-cidrs")
		return ok && strings.EqualFold(strings.TrimSpace(s.Value), "true")
	}
	if k := p.facts.Kubeadm; k != nil && k.PodSubnet != nil && k.PodSubnet.Value != "" {
		return true // kubeadm sets --allocate-node-cidrs with a podSubnet
	}
	for i := range p.facts.Nodes {
		if len(p.facts.Nodes[i].Spec.PodCIDRs) > 0 {
			return true
		}
	}
	return false
}

// nodeIPs is the node's --node-ip pair: its address of the primary and of
// the added family, or a placeholder where it shows none.
func (p *planner) nodeIPs(n *corev1.Node) []NodeIP {
	out := []NodeIP{{Family: string(p.primary)}, {Family: string(p.adding)}}
	for _, ip := range nodeInternalIPs(n) {
		slot := &out[0]
		if dualstack.FamilyOfPrefix(netip.PrefixFrom(ip, 0)) == p.adding {
			slot = &out[1]
		}
		if slot.Address == "" {
			slot.Address = ip.String()
		}
	}
	for i := range out {
		if out[i].Address == "" {
			out[i].Placeholder = fmt.Sprintf("<%s address of %s>", out[i].Family, n.Name)
		}
	}
	return out
}

func addressOrPlaceholder(ip NodeIP) string {
	if ip.Address != "" {
		return ip.Address
	}
	return ip.Placeholder
}

// nodeInternalIPs is the node's InternalIPs that parse, in order.
func nodeInternalIPs(n *corev1.Node) []netip.Addr {
	var out []netip.Addr
	for _, a := range n.Status.Addresses {
		if a.Type != corev1.NodeInternalIP {
			continue
		}
		if ip, err := netip.ParseAddr(a.Address); err == nil {
			out = append(out, ip.Unmap())
		}
	}
	return out
}
