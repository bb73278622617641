package check

import (
	"fmt"
	"net"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// nodeRules are the node rules, in report order.
var nodeRules = []Rule{nodesPodCIDRsValid, nodesPodCIDRPerFamily, nodesPodCIDRInClusterCIDR, nodesInternalIPPerFamily, nodesPrimaryFamily}

var nodesPodCIDRsValid = Rule{
	ID:        "nodes-pod-cidrs-valid",
	Area:      AreaNodes,
	Title:     "Node spec.podCIDRs: valid, at most one CIDR per family",
	Severity:  Error,
	Reference: "pkg/apis/core/validation/validation.go ValidateNode",
	Why:       "The API server rejects a Node whose `spec.podCIDRs` do not parse (\"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\") or hold more than one CIDR of a family (\"may specify no more than one CIDR for each IP family\"), and once set podCIDRs cannot change. When `spec.podCIDR` and `spec.podCIDRs[0]` differ, the API server treats podCIDR as authoritative.",
	Fix:       "spec.podCIDRs is immutable: delete and re-register the node so node IPAM allocates one CIDR per family",
	Needs:     []Source{SourceNodes},
	Check:     checkNodePodCIDRsValid,
}

func checkNodePodCIDRsValid(f *Facts, r *Reporter) {
	for i := range f.Nodes {
		node := &f.Nodes[i]
		cidrs := node.Spec.PodCIDRs
		var problems []string
		for j, v := range cidrs {
			if _, _, err := netutils.ParseCIDRSloppy(v); err != nil {
				problems = append(problems, fmt.Sprintf("spec.podCIDRs[%d]: Invalid value: %q: %s", j, v, msgInvalidCIDR))
			}
		}
		if len(problems) == 0 && len(cidrs) > 1 {
			if dual, err := netutils.IsDualStackCIDRStrings(cidrs); err != nil || !dual || len(cidrs) > 2 {
				problems = append(problems, fmt.Sprintf("spec.podCIDRs: Invalid value: %s: may specify no more than one CIDR for each IP family", quoteList(cidrs)))
			}
		}
		if node.Spec.PodCIDR != "" && len(cidrs) > 0 && node.Spec.PodCIDR != cidrs[0] {
			problems = append(problems, fmt.Sprintf("spec.podCIDR %q differs from spec.podCIDRs[0] %q (the API server treats podCIDR as authoritative)", node.Spec.PodCIDR, cidrs[0]))
		}
		r.FailAll(nodeSubject(node, "spec.podCIDRs"), Setting{}, problems)
	}
}

// podCIDRFamilies is the family of each of a node's podCIDRs, or ok=false
// when one does not parse or two share a family (nodes-pod-cidrs-valid).
func podCIDRFamilies(node *corev1.Node) (fams []corev1.IPFamily, cidrs []*net.IPNet, ok bool) {
	for _, v := range node.Spec.PodCIDRs {
		_, cidr, err := netutils.ParseCIDRSloppy(v)
		if err != nil {
			return nil, nil, false
		}
		fam := familyOfCIDR(cidr)
		if slices.Contains(fams, fam) {
			return nil, nil, false
		}
		fams = append(fams, fam)
		cidrs = append(cidrs, cidr)
	}
	return fams, cidrs, true
}

var nodesPodCIDRPerFamily = Rule{
	ID:        "nodes-pod-cidr-per-family",
	Area:      AreaNodes,
	Title:     "Every node has one podCIDR per cluster family, in the cluster's order",
	Severity:  Error,
	Reference: "pkg/controller/nodeipam/ipam/range_allocator.go occupyCIDRs; https://kubernetes.io/docs/tasks/network/validate-dual-stack/",
	Why:       "With `--allocate-node-cidrs`, node IPAM gives each node one podCIDR per `--cluster-cidr` entry, in that order, and expects `spec.podCIDRs[i]` in `--cluster-cidr[i]`; a node with a podCIDR the configuration lacks stops node IPAM from starting (\"node:node-1 has an allocated cidr: fd00:10:244:1::/64 at index:1 that does not exist in cluster cidrs configuration\"). podCIDRs never change once set, so nodes allocated before the cluster became dual-stack keep one family, while the validate-dual-stack procedure expects one IPv4 and one IPv6 podCIDR on every node.",
	Fix:       "give kube-controller-manager a dual-stack --cluster-cidr in the service ranges' order; nodes allocated before keep their podCIDRs: delete and re-register them",
	Needs:     []Source{SourceNodes},
	Check:     checkNodePodCIDRFamilies,
}

func checkNodePodCIDRFamilies(f *Facts, r *Reporter) {
	ipam, known := f.nodeIPAM()
	allocating := known && ipam.Allocate
	var want []corev1.IPFamily
	var at Setting
	switch {
	case f.DualStack():
		want = f.Families()
		_, at, _ = f.ServiceRanges()
		if allocating && isDualPair(familiesOfCIDRs(ipam.ClusterCIDRs)) {
			want, at = familiesOfCIDRs(ipam.ClusterCIDRs), ipam.ClusterCIDRsAt
		}
	case allocating:
		want, at = familiesOfCIDRs(ipam.ClusterCIDRs), ipam.ClusterCIDRsAt
	case f.Families() == nil && !known:
		r.Skip("nodes", familiesUnknown(f))
		return
	default:
		// Single-stack, and node IPAM not known to allocate: podCIDRs are
		// optional (the network plugin may assign addresses itself).
		return
	}
	clusterCIDRNote := ""
	if allocating && !isDualPair(familiesOfCIDRs(ipam.ClusterCIDRs)) && isDualPair(want) {
		clusterCIDRNote = fmt.Sprintf(" (kube-controller-manager --cluster-cidr=%s is single-stack)", ipam.ClusterCIDRsAt.Value)
	}
	anyHas := slices.ContainsFunc(f.Nodes, func(n corev1.Node) bool { return len(n.Spec.PodCIDRs) > 0 })
	events := cidrNotAvailable(f)
	for i := range f.Nodes {
		node := &f.Nodes[i]
		subject := nodeSubject(node, "spec.podCIDRs")
		if len(node.Spec.PodCIDRs) == 0 {
			// A node node IPAM allocated nothing to (it is on, or its
			// CIDRNotAvailable event says so): capacity-node-pod-cidrs-allocated.
			switch {
			case known || !anyHas || len(events[node.Name]) > 0:
			case !nodeReady(node):
				r.FailWith(Info, subject, at, "pending: no podCIDRs yet, while other nodes have them, and the node is not Ready: they come moments after a node registers (an error once it is Ready without them)")
			default:
				r.Fail(subject, at, "no podCIDRs, while other nodes have them")
			}
			continue
		}
		fams, _, ok := podCIDRFamilies(node)
		if !ok || slices.Equal(fams, want) {
			continue
		}
		var problems []string
		for _, w := range want {
			if !slices.Contains(fams, w) {
				problems = append(problems, fmt.Sprintf("no %s podCIDR%s", w, clusterCIDRNote))
			}
		}
		for idx, fam := range fams {
			if !slices.Contains(want, fam) {
				p := fmt.Sprintf("an %s podCIDR %s that the cluster's %s configuration lacks", fam, node.Spec.PodCIDRs[idx], joinFamilies(want))
				if allocating {
					p += fmt.Sprintf("; node IPAM fails: node:%s has an allocated cidr: %v at index:%v that does not exist in cluster cidrs configuration", node.Name, node.Spec.PodCIDRs[idx], idx)
				}
				problems = append(problems, p)
			}
		}
		if len(problems) == 0 { // same families, other order
			problems = append(problems, fmt.Sprintf("ordered %s but the cluster is %s: node IPAM occupies podCIDRs[i] in --cluster-cidr[i]", joinFamilies(fams), joinFamilies(want)))
		}
		r.Fail(subject, at, "podCIDRs %s: %s", strings.Join(node.Spec.PodCIDRs, ","), strings.Join(problems, "; "))
	}
	if !anyHas && !known && len(f.Nodes) > 0 {
		r.Pass("nodes", at, "no node has spec.podCIDRs: the network plugin assigns pod addresses without node IPAM")
	}
}

var nodesPodCIDRInClusterCIDR = Rule{
	ID:        "nodes-pod-cidr-in-cluster-cidr",
	Area:      AreaNodes,
	Title:     "Node podCIDRs lie in --cluster-cidr and have the node mask size",
	Severity:  Error,
	Reference: "pkg/controller/nodeipam/ipam/range_allocator.go occupyCIDRs; cmd/kube-controller-manager/app/core.go setNodeCIDRMaskSizes",
	Why:       "When node IPAM starts it marks every node's podCIDRs as used in the cluster CIDR of the same index and fails on one outside it (\"failed to mark cidr[10.245.1.0/24] at idx [0] as occupied for node: node-1: cidr 10.245.1.0/24 is out the range of cluster cidr 10.244.0.0/16\"), so a `--cluster-cidr` changed under existing nodes stops kube-controller-manager. A podCIDR of another size than the node mask was allocated under an earlier mask setting: it keeps working, but nodes differ in how many pod addresses they have.",
	Fix:       "restore the --cluster-cidr and --node-cidr-mask-size-ipv4/-ipv6 the nodes were allocated from, or delete and re-register the nodes",
	Needs:     []Source{SourceNodes, SourceControlPlane},
	Check:     checkNodePodCIDRsInClusterCIDR,
}

func checkNodePodCIDRsInClusterCIDR(f *Facts, r *Reporter) {
	ipam, known := f.nodeIPAM()
	if !known {
		r.Skip("nodes", "node IPAM configuration unknown: no kube-controller-manager flags or kubeadm podSubnet")
		return
	}
	if !ipam.Allocate {
		r.Pass("nodes", ipam.AllocateAt, "--allocate-node-cidrs is not true: the controller-manager allocates no podCIDRs, nothing to compare")
		return
	}
	for i := range f.Nodes {
		node := &f.Nodes[i]
		var outside, masks []string
		var maskAt Setting
		for idx, v := range node.Spec.PodCIDRs {
			_, cidr, err := netutils.ParseCIDRSloppy(v)
			if err != nil || idx >= len(ipam.ClusterCIDRs) {
				continue
			}
			cluster := ipam.ClusterCIDRs[idx]
			fam := familyOfCIDR(cidr)
			if fam != familyOfCIDR(cluster) {
				continue // nodes-pod-cidr-per-family
			}
			ones, _ := cidr.Mask.Size()
			clusterOnes, _ := cluster.Mask.Size()
			if !cluster.Contains(cidr.IP) || ones < clusterOnes {
				outside = append(outside, fmt.Sprintf("spec.podCIDRs[%d] %s is outside --cluster-cidr[%d] %s: node IPAM fails `failed to mark cidr[%v] at idx [%v] as occupied for node: %v: cidr %v is out the range of cluster cidr %v`",
					idx, v, idx, cluster, cidr, idx, node.Name, cidr, cluster))
				continue
			}
			if want := ipam.Masks[fam]; want > 0 && ones != want {
				masks = append(masks, fmt.Sprintf("spec.podCIDRs[%d] %s is a /%d, the %s node mask size is %d", idx, v, ones, fam, want))
				maskAt = ipam.MaskAt[fam]
			}
		}
		subject := nodeSubject(node, "spec.podCIDRs")
		switch {
		case len(outside) > 0:
			r.Fail(subject, ipam.ClusterCIDRsAt, "%s", strings.Join(append(outside, masks...), "; "))
		case len(masks) > 0:
			r.FailWith(Warning, subject, maskAt, "%s (allocated under another --node-cidr-mask-size)", strings.Join(masks, "; "))
		}
	}
}

var nodesInternalIPPerFamily = Rule{
	ID:        "nodes-internal-ip-per-family",
	Area:      AreaNodes,
	Title:     "On a dual-stack cluster every node has an InternalIP of each family",
	Severity:  Error,
	Reference: "pkg/kubelet/nodestatus/setters.go NodeAddress; https://kubernetes.io/docs/tasks/network/validate-dual-stack/",
	Why:       "kubelet publishes one InternalIP per `--node-ip` entry, and without `--node-ip` a single address it looks up itself, so a Node has addresses of both families only with a dual-stack `--node-ip` or a cloud provider that reports both. A node without both has single-stack hostNetwork pods and `status.hostIPs`, and the validate-dual-stack procedure expects an InternalIP of each family. A node that has just registered and is not Ready yet may have no address at all (a cloud provider's controller sets them after registration): that is reported as pending (info) until the node is Ready.",
	Fix:       "start kubelet with --node-ip=<IPv4>,<IPv6> (primary family first), or use a cloud provider that reports both families",
	Needs:     []Source{SourceNodes},
	Scope:     knownFamilies,
	Check:     checkNodeInternalIPs,
}

func checkNodeInternalIPs(f *Facts, r *Reporter) {
	fams := f.Families()
	if !f.DualStack() {
		return
	}
	_, at, _ := f.ServiceRanges()
	for i := range f.Nodes {
		node := &f.Nodes[i]
		have, ips := internalIPFamilies(node)
		var missing []string
		for _, w := range fams {
			if !slices.Contains(have, w) {
				missing = append(missing, string(w))
			}
		}
		switch {
		case len(missing) == 0:
		case len(ips) == 0 && !nodeReady(node):
			r.FailWith(Info, nodeSubject(node, "status.addresses"), at, "pending: no InternalIP yet, and the node is not Ready: a node that has just registered gets its addresses from its kubelet's first status or a cloud provider's controller (an error once it is Ready without one)")
		default:
			listed := "none"
			if len(ips) > 0 {
				listed = strings.Join(ips, ",")
			}
			r.Fail(nodeSubject(node, "status.addresses"), at, "no %s InternalIP (InternalIPs: %s) on a dual-stack cluster: kubelet publishes an InternalIP per family only with a dual-stack --node-ip",
				strings.Join(missing, " or "), listed)
		}
	}
}

// nodeReady says whether the node's Ready condition is True. Until then
// a node may not yet have what registration leaves to others: its
// addresses and podCIDRs are pending, not missing.
func nodeReady(node *corev1.Node) bool {
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// internalIPFamilies lists the families of a node's InternalIPs, in order,
// and the addresses.
func internalIPFamilies(node *corev1.Node) (fams []corev1.IPFamily, ips []string) {
	for _, a := range node.Status.Addresses {
		if a.Type != corev1.NodeInternalIP {
			continue
		}
		ips = append(ips, a.Address)
		if fam := familyOfIP(a.Address); fam != "" && !slices.Contains(fams, fam) {
			fams = append(fams, fam)
		}
	}
	return fams, ips
}

var nodesPrimaryFamily = Rule{
	ID:        "nodes-primary-family",
	Area:      AreaNodes,
	Title:     "A node's first InternalIP is of the cluster's primary family",
	Severity:  Warning,
	Reference: "pkg/kubelet/kubelet_pods.go sortPodIPs; cmd/kube-proxy/app/server.go detectNodeIPs",
	Why:       "kubelet orders each pod's IPs by the family of the node's first IP, and kube-proxy takes its primary family from the node's first IP unless `bindAddress` is set. A node whose first InternalIP is not of the primary service family gives its pods a podIPs[0] of the other family, which probes and single-family consumers then use.",
	Fix:       "list the primary family's address first in kubelet --node-ip",
	Needs:     []Source{SourceNodes},
	Scope:     knownFamilies,
	Check:     checkNodePrimaryFamily,
}

func checkNodePrimaryFamily(f *Facts, r *Reporter) {
	fams := f.Families()
	_, at, _ := f.ServiceRanges()
	primary := fams[0]
	for i := range f.Nodes {
		node := &f.Nodes[i]
		ips := nodeHostIPs(node)
		if len(ips) == 0 || familyOfNetIP(ips[0]) == primary {
			continue
		}
		first := ips[0].String()
		hasPrimary := len(ips) == 2
		subject := nodeSubject(node, "status.addresses")
		switch {
		case hasPrimary:
			r.Fail(subject, at, "the first node IP %s is %s but the cluster is %s-primary: kubelet orders pod IPs by it (sortPodIPs) and kube-proxy takes its family as primary",
				first, dualstack.OtherFamily(primary), primary)
		case !f.DualStack():
			r.FailWith(Error, subject, at, "the node has no %s address (its IP is %s) on a %s cluster", primary, first, stackName(fams))
		}
		// dual-stack and the primary family missing: nodes-internal-ip-per-family
	}
}
