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

// podRules are the pod rules, in report order.
var podRules = []Rule{podsPodIPsValid, podsDualStackIPs, podsPrimaryFamily, podsIPsInNodePodCIDRs, podsHostIPsValid, podsHostIPsMatchNode}

var podsPodIPsValid = Rule{
	ID:        "pods-pod-ips-valid",
	Area:      AreaPods,
	Title:     "Pod status.podIPs: valid, one per family, podIPs[0] == podIP",
	Severity:  Error,
	Reference: "pkg/apis/core/validation/validation.go validatePodIPs",
	Why:       "The API server rejects pod status updates whose `status.podIPs` do not parse (\"must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)\"), hold more than one IP of a family (\"may specify no more than one IP for each IP family\"), or do not start with `podIP` (\"must be equal to `podIP`\"). kubelet takes the addresses from the container runtime, which gets them from the network plugin.",
	Fix:       "fix the network plugin (CNI) that reports these addresses, then recreate the pod",
	Needs:     []Source{SourcePods},
	CheckPod:  checkPodIPsValid,
}

func checkPodIPsValid(_ *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Status.PodIP == "" && len(pod.Status.PodIPs) == 0 {
		return
	}
	ips := podIPStrings(pod)
	problems := ipListProblems("status.podIPs", ips)
	switch {
	case (pod.Status.PodIP != "") != (len(ips) > 0):
		problems = append(problems, "status.podIPs: podIP and podIPs must either both be set or both be unset")
	case pod.Status.PodIP != ips[0]:
		problems = append(problems, fmt.Sprintf("status.podIPs[0].ip: Invalid value: %q: must be equal to `podIP` (%q)", ips[0], pod.Status.PodIP))
	}
	r.FailAll(podSubject(pod, "status.podIPs"), Setting{}, problems)
}

// ipListProblems is validatePodIPs' / validateHostIPs' check of a list.
func ipListProblems(fieldName string, ips []string) []string {
	var problems []string
	for i, ip := range ips {
		if netutils.ParseIPSloppy(ip) == nil {
			problems = append(problems, fmt.Sprintf("%s[%d]: Invalid value: %q: %s", fieldName, i, ip, msgInvalidIP))
		}
	}
	if len(problems) == 0 && len(ips) > 1 {
		if dual, err := netutils.IsDualStackIPStrings(ips); err != nil || !dual || len(ips) > 2 {
			problems = append(problems, fmt.Sprintf("%s: Invalid value: %s: %s", fieldName, quoteList(ips), msgOneIPPerFamily))
		}
	}
	return problems
}

var podsDualStackIPs = Rule{
	ID:        "pods-dual-stack-ips",
	Area:      AreaPods,
	Title:     "Running pods on dual-stack nodes have an IP of each family",
	Severity:  Error,
	Reference: "test/e2e/network/dual_stack.go; https://kubernetes.io/docs/tasks/network/validate-dual-stack/",
	Why:       "The network plugin, not Kubernetes, assigns pod addresses: kubelet publishes at most one IP per family of what the runtime reports, and nothing fails when a family is missing. The upstream dual-stack e2e tests and the validate-dual-stack procedure expect every pod on a dual-stack node to have an IPv4 and an IPv6 address; a pod without one is unreachable through Services of that family.",
	Fix:       "configure the network plugin (CNI IPAM) for both families, then recreate the pods",
	Needs:     []Source{SourcePods, SourceNodes},
	Scope:     knownFamilies,
	CheckPod:  checkPodDualStackIPs,
}

func checkPodDualStackIPs(f *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Spec.HostNetwork || pod.Status.Phase != corev1.PodRunning {
		return
	}
	idx := r.run.nodeIndex()
	if !idx.dualStack {
		return
	}
	node := idx.nodes[pod.Spec.NodeName]
	if node == nil || !node.dualCapable() {
		return
	}
	ips := podIPStrings(pod)
	switch {
	case len(ips) >= 2:
		return // pods-pod-ips-valid checks the pair
	case len(ips) == 0:
		r.Fail(podSubject(pod, "status.podIPs"), Setting{}, "a Running pod without podIPs on dual-stack node %s", node.name)
	default:
		fam := familyOfIP(ips[0])
		if fam == "" {
			return
		}
		r.Fail(podSubject(pod, "status.podIPs"), Setting{}, "only an %s address (%s) on dual-stack node %s: the network plugin assigned no %s address", fam, ips[0], node.name, dualstack.OtherFamily(fam))
	}
}

var podsPrimaryFamily = Rule{
	ID:        "pods-primary-family",
	Area:      AreaPods,
	Title:     "A pod's podIPs[0] is of the cluster's primary family",
	Severity:  Warning,
	Reference: "pkg/kubelet/kubelet_pods.go sortPodIPs; KEP-563 (Default Pod IP Selection)",
	Why:       "kubelet puts first the pod IP of the family of the node's first IP (IPv4 when it has none), and KEP-563 expects that default IP to be of the primary service family. Probes, lifecycle hooks without a `host` and consumers of `status.podIP` use only podIPs[0], so a pod whose first IP is of the other family is probed and reached over that family.",
	Fix:       "list the primary family first in the node's kubelet --node-ip (kubelet orders pod IPs by it), then recreate the pods",
	Needs:     []Source{SourcePods},
	Scope:     knownFamilies,
	CheckPod:  checkPodPrimaryFamily,
}

func checkPodPrimaryFamily(f *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Spec.HostNetwork || len(pod.Status.PodIPs) == 0 {
		return // hostNetwork pods follow their node: nodes-primary-family
	}
	idx := r.run.nodeIndex()
	if idx.families == nil {
		return
	}
	primary := idx.families[0]
	ips := podIPStrings(pod)
	fam0 := familyOfIP(ips[0])
	if fam0 == "" || fam0 == primary {
		return
	}
	subject := podSubject(pod, "status.podIPs")
	if idx.dualStack {
		if len(ips) == 2 { // one IP: pods-dual-stack-ips
			r.Fail(subject, Setting{}, "podIPs[0] %s is %s but the cluster is %s-primary: probes and single-family consumers use the %s address (kubelet orders pod IPs by node %s's first IP)",
				ips[0], fam0, primary, fam0, pod.Spec.NodeName)
		}
		return
	}
	if slices.ContainsFunc(ips, func(ip string) bool { return familyOfIP(ip) == primary }) {
		r.Fail(subject, Setting{}, "podIPs[0] %s is %s but the cluster is %s", ips[0], fam0, stackName(idx.families))
		return
	}
	r.FailWith(Error, subject, Setting{}, "no %s address (podIPs %s) on a %s cluster: its Services cannot reach it", primary, strings.Join(ips, ","), stackName(idx.families))
}

var podsIPsInNodePodCIDRs = Rule{
	ID:        "pods-ips-in-node-pod-cidrs",
	Area:      AreaPods,
	Title:     "Pod IPs lie in their node's podCIDR of the same family, or in the CNI's own pools",
	Severity:  Warning,
	Reference: "pkg/kubelet/kubelet_node_status.go updateNode; https://docs.tigera.io/calico/latest/networking/ipam/get-started-ip-addresses ; https://docs.cilium.io/en/stable/network/concepts/ipam/cluster-pool/",
	Why:       "kubelet hands the node's `spec.podCIDRs` to the container runtime, and network plugins with host-local IPAM allocate pod addresses from them; node IPAM keeps these ranges disjoint across nodes and out of the service ranges. A pod address outside its node's podCIDR comes from IPAM that ignores them: it can collide with another node's pods, and routes built from podCIDRs do not lead to it. Plugins with IPAM of their own hand addresses out of their own pools instead (\"The calico-ipam plugin uses Calico's IP pool resource to control how IP addresses are allocated to pods\"; Cilium's cluster-pool mode: \"the Cilium operator will manage the per-node PodCIDRs via the v2.CiliumNode resource\"): there, pod IPs are checked against those pools.",
	Fix:       "make the network plugin allocate from node spec.podCIDRs, or from its own pools when it has them (or --skip this rule when its IPAM deliberately ignores both)",
	Needs:     []Source{SourcePods, SourceNodes},
	Scope:     cniPoolsKnown,
	CheckPod:  checkPodIPsInNodeCIDRs,
}

// cniPoolsKnown skips the rule when the network plugin's configuration
// could not be read: its pools, which pod IPs may come from, are unknown.
var cniPoolsKnown = &Scope{Skip: true, Empty: func(f *Facts) string {
	if why := f.unavailable(SourceCNI); why != "" {
		return "which ranges pods get their addresses from is unknown (" + why + ")"
	}
	return ""
}}

func checkPodIPsInNodeCIDRs(f *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Spec.HostNetwork || len(pod.Status.PodIPs) == 0 {
		return
	}
	idx := r.run.nodeIndex()
	if idx.cni != nil {
		checkPodIPsInCNIPools(idx.cni, idx.nodes[pod.Spec.NodeName], pod, r)
		return
	}
	node := idx.nodes[pod.Spec.NodeName]
	if node == nil || !node.hasPodCIDRs {
		return
	}
	var problems []string
	for i, podIP := range pod.Status.PodIPs {
		ip := netutils.ParseIPSloppy(podIP.IP)
		if ip == nil {
			continue
		}
		fam := familyOfNetIP(ip)
		if cidr := node.podCIDRs[fam]; cidr != nil && !cidr.Contains(ip) {
			problems = append(problems, fmt.Sprintf("podIPs[%d] %s is outside node %s's %s podCIDR %s", i, podIP.IP, node.name, fam, cidr))
		}
	}
	r.FailAll(podSubject(pod, "status.podIPs"), Setting{}, problems)
}

// checkPodIPsInCNIPools checks a pod's IPs against the pools of a plugin
// with IPAM of its own (or, when that IPAM is only assumed, its node's
// podCIDR too). A family it has no pool of is cni-families' finding,
// reported once, not once per pod.
func checkPodIPsInCNIPools(cni *cniPodPools, node *nodeAddrs, pod *corev1.Pod, r *Reporter) {
	if !cni.known {
		return
	}
	var problems []string
	for i, podIP := range pod.Status.PodIPs {
		ip := netutils.ParseIPSloppy(podIP.IP)
		if ip == nil {
			continue
		}
		fam := familyOfNetIP(ip)
		pools := cni.pools[fam]
		if len(pools) == 0 || slices.ContainsFunc(pools, func(n *net.IPNet) bool { return n.Contains(ip) }) {
			continue
		}
		msg := fmt.Sprintf("podIPs[%d] %s is in none of %s's %s pools %s", i, podIP.IP, cni.name, fam, joinNets(pools))
		if cni.orNodePodCIDRs && node != nil && node.podCIDRs[fam] != nil {
			if node.podCIDRs[fam].Contains(ip) {
				continue
			}
			msg += fmt.Sprintf(", nor in node %s's podCIDR %s", node.name, node.podCIDRs[fam])
		}
		problems = append(problems, msg)
	}
	r.FailAll(podSubject(pod, "status.podIPs"), Setting{}, problems)
}

func joinNets(nets []*net.IPNet) string {
	s := make([]string, len(nets))
	for i, n := range nets {
		s[i] = n.String()
	}
	return strings.Join(s, ",")
}

var podsHostIPsValid = Rule{
	ID:        "pods-host-ips-valid",
	Area:      AreaPods,
	Title:     "Pod status.hostIPs: valid, one per family, hostIPs[0] == hostIP",
	Severity:  Error,
	Reference: "pkg/apis/core/validation/validation.go validateHostIPs",
	Why:       "The API server rejects pod status updates whose `status.hostIPs[0]` differs from `hostIP` (\"must be equal to `hostIP`\"), or whose hostIPs do not parse or hold more than one IP of a family (\"may specify no more than one IP for each IP family\"). kubelet fills them from its node's addresses.",
	Fix:       "fix the node's addresses (kubelet --node-ip), then recreate the pod",
	Needs:     []Source{SourcePods},
	CheckPod:  checkPodHostIPsValid,
}

func checkPodHostIPsValid(_ *Facts, pod *corev1.Pod, r *Reporter) {
	ips := hostIPStrings(pod)
	if len(ips) == 0 {
		return
	}
	var problems []string
	if pod.Status.HostIP != ips[0] {
		problems = append(problems, fmt.Sprintf("status.hostIPs[0].ip: Invalid value: %q: must be equal to `hostIP` (%q)", ips[0], pod.Status.HostIP))
	}
	problems = append(problems, ipListProblems("status.hostIPs", ips)...)
	r.FailAll(podSubject(pod, "status.hostIPs"), Setting{}, problems)
}

var podsHostIPsMatchNode = Rule{
	ID:        "pods-host-ips-match-node",
	Area:      AreaPods,
	Title:     "Pod hostIPs (and hostNetwork podIPs) equal the node's host IPs",
	Severity:  Warning,
	Reference: "pkg/kubelet/kubelet_pods.go generateAPIPodStatus; pkg/util/node/node.go GetNodeHostIPs",
	Why:       "kubelet sets every pod's hostIPs to the node's host IPs, its first InternalIP (else ExternalIP) and the first address of the other family, and gives hostNetwork pods the same addresses as podIPs; a hostNetwork pod's primary podIP never changes once set, only a missing second family is added. A difference means the node's addresses changed after the pod started, or kubelet has not updated the pod's status.",
	Fix:       "hostNetwork podIPs are immutable once set: recreate pods started before the node's addresses changed",
	Needs:     []Source{SourcePods, SourceNodes},
	CheckPod:  checkPodHostIPsMatchNode,
}

func checkPodHostIPsMatchNode(f *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Spec.NodeName == "" || (pod.Status.HostIP == "" && len(pod.Status.HostIPs) == 0 && len(pod.Status.PodIPs) == 0) {
		return
	}
	node := r.run.nodeIndex().nodes[pod.Spec.NodeName]
	if node == nil || len(node.hostIPs) == 0 {
		return
	}
	hostIPs := hostIPStrings(pod)
	if len(hostIPs) == 0 && pod.Status.HostIP != "" {
		hostIPs = []string{pod.Status.HostIP} // kubelets before PodHostIPs
	}
	var problems []string
	if ipsDiffer(hostIPs, node.hostIPs) {
		problems = append(problems, fmt.Sprintf("status.hostIPs %s", strings.Join(hostIPs, ",")))
	}
	if pod.Spec.HostNetwork && len(pod.Status.PodIPs) > 0 {
		podIPs := podIPStrings(pod)
		if ipsDiffer(podIPs, node.hostIPs) || len(podIPs) < len(node.hostIPs) {
			problems = append(problems, fmt.Sprintf("hostNetwork status.podIPs %s", strings.Join(podIPs, ",")))
		}
	}
	if len(problems) > 0 {
		r.Fail(podSubject(pod, "status.hostIPs"), Setting{}, "%s, but node %s's host IPs (first InternalIP, then one of the other family: GetNodeHostIPs) are %s",
			strings.Join(problems, " and "), node.name, joinIPs(node.hostIPs))
	}
}

// ipsDiffer compares address strings with the node's host IPs, position by
// position; unparsable addresses are left to the validity rules.
func ipsDiffer(got []string, want []net.IP) bool {
	for i, s := range got {
		if i >= len(want) {
			return true
		}
		if ip := netutils.ParseIPSloppy(s); ip != nil && !ip.Equal(want[i]) {
			return true
		}
	}
	return false
}

func podIPStrings(pod *corev1.Pod) []string {
	ips := make([]string, len(pod.Status.PodIPs))
	for i, ip := range pod.Status.PodIPs {
		ips[i] = ip.IP
	}
	return ips
}

func hostIPStrings(pod *corev1.Pod) []string {
	ips := make([]string, len(pod.Status.HostIPs))
	for i, ip := range pod.Status.HostIPs {
		ips[i] = ip.IP
	}
	return ips
}
