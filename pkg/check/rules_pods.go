package check

import (
	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"

	"fmt"
	"net"
	"slices"
	"strings"
)

// podRules are the pod rules, in report order.
var podRules = []Rule{podsPodIPsValid, podsDualStackIPs, podsPrimaryFamily, podsIPsInNodePodCIDRs, podsHostIPsValid, podsHostIPsMatchNode}

// pkg/apis/core/validation/validation.go validatePodIPs.
var podsPodIPsValid = Rule{
	ID:        "pods-pod-ips-valid",
	Area:      "pods",
	Title:     "Pod status.podIPs: valid, one per family, podIPs[0] == podIP",
	Severity:  Error,
	Reference: "RULES.md §6.1; pkg/apis/core/validation/validation.go validatePodIPs",
	Fix:       "fix the network plugin (CNI) that reports these addresses, then recreate the pod",
	Needs:     []string{SourcePods},
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
	if len(problems) > 0 {
		r.Fail(podSubject(pod, "status.podIPs"), Setting{}, "%s", strings.Join(problems, "; "))
	}
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

// test/e2e/network/dual_stack.go "should create pod, add ipv6 and ipv4 ip
// to pod ips"; validate-dual-stack.md step 3.
var podsDualStackIPs = Rule{
	ID:        "pods-dual-stack-ips",
	Area:      "pods",
	Title:     "Running pods on dual-stack nodes have an IP of each family",
	Severity:  Error,
	Reference: "RULES.md §7.1 step 3, §9 X8; test/e2e/network/dual_stack.go",
	Fix:       "configure the network plugin (CNI IPAM) for both families, then recreate the pods",
	Needs:     []string{SourcePods, SourceNodes},
	Check:     checkPodIndexFamilies,
	CheckPod:  checkPodDualStackIPs,
}

func checkPodDualStackIPs(f *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Spec.HostNetwork || pod.Status.Phase != corev1.PodRunning {
		return
	}
	idx := podIndexOf(f, false)
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
		r.Fail(podSubject(pod, "status.podIPs"), Setting{}, "only an %s address (%s) on dual-stack node %s: the network plugin assigned no %s address", fam, ips[0], node.name, otherFamily(fam))
	}
}

// checkPodIndexFamilies prepares the index before the pods are streamed and
// skips the rule when the cluster's families are unknown.
func checkPodIndexFamilies(f *Facts, r *Reporter) {
	if podIndexOf(f, true).families == nil {
		r.Skip("pods", familiesUnknown(f))
	}
}

// checkPodIndexNodes prepares the index before the pods are streamed.
func checkPodIndexNodes(f *Facts, _ *Reporter) {
	podIndexOf(f, true)
}

// pkg/kubelet/kubelet_pods.go sortPodIPs; KEP-563 "Default Pod IP
// Selection": podIPs[0] matches the primary service family.
var podsPrimaryFamily = Rule{
	ID:        "pods-primary-family",
	Area:      "pods",
	Title:     "A pod's podIPs[0] is of the cluster's primary family",
	Severity:  Warning,
	Reference: "RULES.md §4.3, §9 X8; pkg/kubelet/kubelet_pods.go sortPodIPs (KEP-563 Default Pod IP Selection)",
	Fix:       "list the primary family first in the node's kubelet --node-ip (kubelet orders pod IPs by it), then recreate the pods",
	Needs:     []string{SourcePods},
	Check:     checkPodIndexFamilies,
	CheckPod:  checkPodPrimaryFamily,
}

func checkPodPrimaryFamily(f *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Spec.HostNetwork || len(pod.Status.PodIPs) == 0 {
		return // hostNetwork pods follow their node: nodes-primary-family
	}
	idx := podIndexOf(f, false)
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

// pkg/kubelet/kubelet_node_status.go updateNode hands node.spec.podCIDRs
// to the runtime; host-local IPAM allocates from them.
var podsIPsInNodePodCIDRs = Rule{
	ID:        "pods-ips-in-node-pod-cidrs",
	Area:      "pods",
	Title:     "Pod IPs lie in their node's podCIDR of the same family",
	Severity:  Warning,
	Reference: "RULES.md §4.4, §2.3; pkg/kubelet/kubelet_node_status.go updateNode",
	Fix:       "make the network plugin allocate from node spec.podCIDRs (or --skip this rule when its IPAM deliberately ignores them)",
	Needs:     []string{SourcePods, SourceNodes},
	Check:     checkPodIndexNodes,
	CheckPod:  checkPodIPsInNodeCIDRs,
}

func checkPodIPsInNodeCIDRs(f *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Spec.HostNetwork || len(pod.Status.PodIPs) == 0 {
		return
	}
	node := podIndexOf(f, false).nodes[pod.Spec.NodeName]
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
	if len(problems) > 0 {
		r.Fail(podSubject(pod, "status.podIPs"), Setting{}, "%s", strings.Join(problems, "; "))
	}
}

// pkg/apis/core/validation/validation.go validateHostIPs.
var podsHostIPsValid = Rule{
	ID:        "pods-host-ips-valid",
	Area:      "pods",
	Title:     "Pod status.hostIPs: valid, one per family, hostIPs[0] == hostIP",
	Severity:  Error,
	Reference: "RULES.md §6.1; pkg/apis/core/validation/validation.go validateHostIPs",
	Fix:       "fix the node's addresses (kubelet --node-ip), then recreate the pod",
	Needs:     []string{SourcePods},
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
	if len(problems) > 0 {
		r.Fail(podSubject(pod, "status.hostIPs"), Setting{}, "%s", strings.Join(problems, "; "))
	}
}

// pkg/kubelet/kubelet_pods.go generateAPIPodStatus copies
// pkg/util/node GetNodeHostIPs into hostIPs, and into hostNetwork pods' podIPs.
var podsHostIPsMatchNode = Rule{
	ID:        "pods-host-ips-match-node",
	Area:      "pods",
	Title:     "Pod hostIPs (and hostNetwork podIPs) equal the node's host IPs",
	Severity:  Warning,
	Reference: "RULES.md §6.1, §4.3; pkg/kubelet/kubelet_pods.go generateAPIPodStatus, pkg/util/node/node.go GetNodeHostIPs",
	Fix:       "hostNetwork podIPs are immutable once set: recreate pods started before the node's addresses changed",
	Needs:     []string{SourcePods, SourceNodes},
	Check:     checkPodIndexNodes,
	CheckPod:  checkPodHostIPsMatchNode,
}

func checkPodHostIPsMatchNode(f *Facts, pod *corev1.Pod, r *Reporter) {
	if pod.Spec.NodeName == "" || (pod.Status.HostIP == "" && len(pod.Status.HostIPs) == 0 && len(pod.Status.PodIPs) == 0) {
		return
	}
	node := podIndexOf(f, false).nodes[pod.Spec.NodeName]
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
