package check

import (
	"fmt"
	"net"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// objectRules check API objects: nodes, pods, Services, EndpointSlices,
// ServiceCIDRs, and the cluster's stack.
var objectRules = []Rule{
	// The primary family is that of the first service range (KEP-563;
	// cmd/kube-apiserver/app/options/completion.go getServiceIPAndRanges).
	{
		ID:        "cluster-stack",
		Area:      "cluster",
		Title:     "The cluster's IP stack (and --expect)",
		Severity:  Error,
		Reference: "RULES.md §1.2, §7.2; KEP-563 (the primary family is that of the first --service-cluster-ip-range entry)",
		Fix:       "give kube-apiserver and kube-controller-manager one range of each family (--service-cluster-ip-range, --cluster-cidr), or correct --expect",
		Check:     checkClusterStack,
	},

	// pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go
	// keeps the `kubernetes` ServiceCIDR equal to the apiserver's flags.
	{
		ID:        "servicecidr-default-matches-flags",
		Area:      "servicecidr",
		Title:     "The kubernetes ServiceCIDR equals kube-apiserver --service-cluster-ip-range",
		Severity:  Error,
		Reference: "RULES.md §1.5, §9 X2; pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go",
		Fix:       "give every kube-apiserver the same --service-cluster-ip-range as ServiceCIDR kubernetes (only single to dual-stack is converted automatically; see reconfigure-default-service-ip-ranges)",
		Needs:     []string{SourceServiceCIDRs},
		Check:     checkDefaultServiceCIDR,
	},
	// Same controller: the events it emits when it cannot reconcile.
	{
		ID:        "servicecidr-default-events",
		Area:      "servicecidr",
		Title:     "No KubernetesDefaultServiceCIDRInconsistent/Error events",
		Severity:  Error,
		Reference: "RULES.md §1.5, §9 X2; pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go",
		Fix:       "make every kube-apiserver's --service-cluster-ip-range equal ServiceCIDR kubernetes (events name both)",
		Needs:     []string{SourceEvents},
		Check:     checkServiceCIDREvents,
	},
	// pkg/apis/networking/validation/validation.go ValidateServiceCIDR.
	{
		ID:        "servicecidr-valid",
		Area:      "servicecidr",
		Title:     "ServiceCIDR spec.cidrs: 1-2 canonical CIDRs of different families",
		Severity:  Error,
		Reference: "RULES.md §1.5; pkg/apis/networking/validation/validation.go ValidateServiceCIDR",
		Fix:       "list one or two canonical CIDRs, one per family, in spec.cidrs",
		Needs:     []string{SourceServiceCIDRs},
		Check:     checkServiceCIDRsValid,
	},
	// pkg/registry/core/service/ipallocator/ipallocator.go NewIPAllocator
	// refuses IPv6 ranges shorter than /64; the apiserver only logs it.
	{
		ID:        "servicecidr-ipv6-prefix-length",
		Area:      "servicecidr",
		Title:     "IPv6 service CIDRs are /64 or longer (usable by the allocator)",
		Severity:  Error,
		Reference: "RULES.md §1.3; pkg/registry/core/service/ipallocator/ipallocator.go NewIPAllocator",
		Fix:       "use an IPv6 service range of /64 or longer (/108 up to /112 is usual)",
		Needs:     []string{SourceServiceCIDRs},
		Check:     checkServiceCIDRPrefix,
	},

	// pkg/apis/core/validation/validation.go ValidateNode (spec.podCIDRs).
	{
		ID:        "nodes-pod-cidrs-valid",
		Area:      "nodes",
		Title:     "Node spec.podCIDRs: valid, at most one CIDR per family",
		Severity:  Error,
		Reference: "RULES.md §6.5; pkg/apis/core/validation/validation.go ValidateNode",
		Fix:       "spec.podCIDRs is immutable: delete and re-register the node so node IPAM allocates one CIDR per family",
		Needs:     []string{SourceNodes},
		Check:     checkNodePodCIDRsValid,
	},
	// pkg/controller/nodeipam/ipam/range_allocator.go occupyCIDRs: podCIDRs[i]
	// belongs to --cluster-cidr[i]; validate-dual-stack.md step 1.
	{
		ID:        "nodes-pod-cidr-per-family",
		Area:      "nodes",
		Title:     "Every node has one podCIDR per cluster family, in the cluster's order",
		Severity:  Error,
		Reference: "RULES.md §7.1 step 1, §2.3, §9 X6/X7; pkg/controller/nodeipam/ipam/range_allocator.go occupyCIDRs",
		Fix:       "give kube-controller-manager a dual-stack --cluster-cidr in the service ranges' order; nodes allocated before keep their podCIDRs: delete and re-register them",
		Needs:     []string{SourceNodes},
		Check:     checkNodePodCIDRFamilies,
	},
	// range_allocator.go occupyCIDRs and cidrset.Occupy; mask sizes from
	// cmd/kube-controller-manager/app/core.go setNodeCIDRMaskSizes.
	{
		ID:        "nodes-pod-cidr-in-cluster-cidr",
		Area:      "nodes",
		Title:     "Node podCIDRs lie in --cluster-cidr and have the node mask size",
		Severity:  Error,
		Reference: "RULES.md §2.3, §9 X6; pkg/controller/nodeipam/ipam/range_allocator.go occupyCIDRs, cmd/kube-controller-manager/app/core.go setNodeCIDRMaskSizes",
		Fix:       "restore the --cluster-cidr and --node-cidr-mask-size-ipv4/-ipv6 the nodes were allocated from, or delete and re-register the nodes",
		Needs:     []string{SourceNodes, SourceControlPlane},
		Check:     checkNodePodCIDRsInClusterCIDR,
	},
	// pkg/kubelet/nodestatus/setters.go NodeAddress publishes one InternalIP
	// per --node-ip entry; validate-dual-stack.md step 2.
	{
		ID:        "nodes-internal-ip-per-family",
		Area:      "nodes",
		Title:     "On a dual-stack cluster every node has an InternalIP of each family",
		Severity:  Error,
		Reference: "RULES.md §7.1 step 2, §4.2, §9 X7; pkg/kubelet/nodestatus/setters.go NodeAddress",
		Fix:       "start kubelet with --node-ip=<IPv4>,<IPv6> (primary family first), or use a cloud provider that reports both families",
		Needs:     []string{SourceNodes},
		Check:     checkNodeInternalIPs,
	},
	// pkg/kubelet/kubelet_pods.go sortPodIPs and cmd/kube-proxy/app/server.go
	// detectNodeIPs take the node's first IP as the primary family.
	{
		ID:        "nodes-primary-family",
		Area:      "nodes",
		Title:     "A node's first InternalIP is of the cluster's primary family",
		Severity:  Warning,
		Reference: "RULES.md §4.3, §3.3, §9 X8; pkg/kubelet/kubelet_pods.go sortPodIPs, cmd/kube-proxy/app/server.go detectNodeIPs",
		Fix:       "list the primary family's address first in kubelet --node-ip",
		Needs:     []string{SourceNodes},
		Check:     checkNodePrimaryFamily,
	},

	// pkg/apis/core/validation/validation.go validatePodIPs.
	{
		ID:        "pods-pod-ips-valid",
		Area:      "pods",
		Title:     "Pod status.podIPs: valid, one per family, podIPs[0] == podIP",
		Severity:  Error,
		Reference: "RULES.md §6.1; pkg/apis/core/validation/validation.go validatePodIPs",
		Fix:       "fix the network plugin (CNI) that reports these addresses, then recreate the pod",
		Needs:     []string{SourcePods},
		CheckPod:  checkPodIPsValid,
	},
	// test/e2e/network/dual_stack.go "should create pod, add ipv6 and ipv4 ip
	// to pod ips"; validate-dual-stack.md step 3.
	{
		ID:        "pods-dual-stack-ips",
		Area:      "pods",
		Title:     "Running pods on dual-stack nodes have an IP of each family",
		Severity:  Error,
		Reference: "RULES.md §7.1 step 3, §9 X8; test/e2e/network/dual_stack.go",
		Fix:       "configure the network plugin (CNI IPAM) for both families, then recreate the pods",
		Needs:     []string{SourcePods, SourceNodes},
		Check:     checkPodIndexFamilies,
		CheckPod:  checkPodDualStackIPs,
	},
	// pkg/kubelet/kubelet_pods.go sortPodIPs; KEP-563 "Default Pod IP
	// Selection": podIPs[0] matches the primary service family.
	{
		ID:        "pods-primary-family",
		Area:      "pods",
		Title:     "A pod's podIPs[0] is of the cluster's primary family",
		Severity:  Warning,
		Reference: "RULES.md §4.3, §9 X8; pkg/kubelet/kubelet_pods.go sortPodIPs (KEP-563 Default Pod IP Selection)",
		Fix:       "list the primary family first in the node's kubelet --node-ip (kubelet orders pod IPs by it), then recreate the pods",
		Needs:     []string{SourcePods},
		Check:     checkPodIndexFamilies,
		CheckPod:  checkPodPrimaryFamily,
	},
	// pkg/kubelet/kubelet_node_status.go updateNode hands node.spec.podCIDRs
	// to the runtime; host-local IPAM allocates from them.
	{
		ID:        "pods-ips-in-node-pod-cidrs",
		Area:      "pods",
		Title:     "Pod IPs lie in their node's podCIDR of the same family",
		Severity:  Warning,
		Reference: "RULES.md §4.4, §2.3; pkg/kubelet/kubelet_node_status.go updateNode",
		Fix:       "make the network plugin allocate from node spec.podCIDRs (or --skip this rule when its IPAM deliberately ignores them)",
		Needs:     []string{SourcePods, SourceNodes},
		Check:     checkPodIndexNodes,
		CheckPod:  checkPodIPsInNodeCIDRs,
	},
	// pkg/apis/core/validation/validation.go validateHostIPs.
	{
		ID:        "pods-host-ips-valid",
		Area:      "pods",
		Title:     "Pod status.hostIPs: valid, one per family, hostIPs[0] == hostIP",
		Severity:  Error,
		Reference: "RULES.md §6.1; pkg/apis/core/validation/validation.go validateHostIPs",
		Fix:       "fix the node's addresses (kubelet --node-ip), then recreate the pod",
		Needs:     []string{SourcePods},
		CheckPod:  checkPodHostIPsValid,
	},
	// pkg/kubelet/kubelet_pods.go generateAPIPodStatus copies
	// pkg/util/node GetNodeHostIPs into hostIPs, and into hostNetwork pods' podIPs.
	{
		ID:        "pods-host-ips-match-node",
		Area:      "pods",
		Title:     "Pod hostIPs (and hostNetwork podIPs) equal the node's host IPs",
		Severity:  Warning,
		Reference: "RULES.md §6.1, §4.3; pkg/kubelet/kubelet_pods.go generateAPIPodStatus, pkg/util/node/node.go GetNodeHostIPs",
		Fix:       "hostNetwork podIPs are immutable once set: recreate pods started before the node's addresses changed",
		Needs:     []string{SourcePods, SourceNodes},
		Check:     checkPodIndexNodes,
		CheckPod:  checkPodHostIPsMatchNode,
	},

	// pkg/apis/core/validation/validation.go ValidateServiceClusterIPsRelatedFields
	// and ValidateService (ExternalName, headless NodePort/LoadBalancer).
	{
		ID:        "services-cluster-ips-valid",
		Area:      "services",
		Title:     "Service clusterIPs/ipFamilies/ipFamilyPolicy pass API validation",
		Severity:  Error,
		Reference: "RULES.md §6.2; pkg/apis/core/validation/validation.go ValidateServiceClusterIPsRelatedFields",
		Fix:       "recreate the Service with valid clusterIPs, ipFamilies and ipFamilyPolicy",
		Needs:     []string{SourceServices},
		Check:     checkServiceIPsValid,
	},
	// ValidateServiceClusterIPsRelatedFields (family per index) and the e2e
	// validateServiceAndClusterIPFamily (len(clusterIPs) == len(ipFamilies)).
	{
		ID:        "services-ip-families-match",
		Area:      "services",
		Title:     "Service clusterIPs pair up with ipFamilies, index by index",
		Severity:  Error,
		Reference: "RULES.md §6.2, §9 X9; pkg/apis/core/validation/validation.go ValidateServiceClusterIPsRelatedFields, test/e2e/network/dual_stack.go",
		Fix:       "recreate the Service: the apiserver allocates clusterIPs matching ipFamilies",
		Needs:     []string{SourceServices},
		Check:     checkServiceFamiliesMatch,
	},
	// pkg/registry/core/service/ipallocator/controller/repairip.go: event
	// ClusterIPOutOfRange.
	{
		ID:        "services-cluster-ip-in-range",
		Area:      "services",
		Title:     "Service clusterIPs lie in a service range of their family",
		Severity:  Warning,
		Reference: "RULES.md §6.2, §9 X9; pkg/registry/core/service/ipallocator/controller/repairip.go",
		Fix:       "recreate the Service so it gets a clusterIP from a configured range (or add a ServiceCIDR covering it)",
		Needs:     []string{SourceServices},
		Check:     checkServiceIPsInRange,
	},
	// pkg/registry/core/service/storage/alloc.go initIPFamilyFields.
	{
		ID:        "services-ip-family-policy",
		Area:      "services",
		Title:     "A SingleStack Service has one clusterIP and one family",
		Severity:  Error,
		Reference: "RULES.md §6.2 defaulting/allocation 2; pkg/registry/core/service/storage/alloc.go initIPFamilyFields",
		Fix:       "set spec.ipFamilyPolicy to PreferDualStack or RequireDualStack, or keep one clusterIP and family",
		Needs:     []string{SourceServices},
		Check:     checkServiceFamilyPolicy,
	},
	// alloc.go isMatchingPreferDualStackClusterIPFields: existing
	// PreferDualStack Services are not upgraded when the cluster becomes dual-stack.
	{
		ID:        "services-prefer-dual-stack-single-family",
		Area:      "services",
		Title:     "Dual-stack-policy Services have both families on a dual-stack cluster",
		Severity:  Warning,
		Reference: "RULES.md §6.2 defaulting/allocation 9; pkg/registry/core/service/storage/alloc.go isMatchingPreferDualStackClusterIPFields",
		Fix:       "set ipFamilies/clusterIPs or recreate",
		Needs:     []string{SourceServices},
		Check:     checkServiceNotUpgraded,
	},

	// staging/src/k8s.io/endpointslice/utils.go getAddressTypesForService and
	// reconciler.go Reconcile (one set of slices per address type, placeholder
	// included); e2e validateEndpointSlices.
	{
		ID:        "endpointslices-address-types",
		Area:      "endpointslices",
		Title:     "Each selector Service has EndpointSlices for exactly its families",
		Severity:  Error,
		Reference: "RULES.md §6.3, §9 X10; staging/src/k8s.io/endpointslice/utils.go getAddressTypesForService, reconciler.go Reconcile",
		Fix:       "check that kube-controller-manager runs endpointslice-controller and that the Service's ipFamilies are what you want",
		Needs:     []string{SourceServices, SourceSlices},
		Check:     checkSliceAddressTypes,
	},
	// pkg/apis/discovery/validation/validation.go ValidateEndpointSlice.
	{
		ID:        "endpointslices-address-family",
		Area:      "endpointslices",
		Title:     "EndpointSlice addresses match the slice's addressType",
		Severity:  Error,
		Reference: "RULES.md §6.3; pkg/apis/discovery/validation/validation.go ValidateEndpointSlice",
		Fix:       "fix the controller that wrote the slice: put each family's addresses in a slice of that addressType",
		Needs:     []string{SourceSlices},
		Check:     checkSliceAddressFamily,
	},
}

// Upstream texts quoted by several rules.
const (
	msgInvalidIP      = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
	msgInvalidCIDR    = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
	msgOneIPPerFamily = "may specify no more than one IP for each IP family"
)

func podSubject(pod *corev1.Pod, fieldName string) string {
	return "pod/" + pod.Namespace + "/" + pod.Name + " " + fieldName
}

func serviceSubject(svc *corev1.Service, fieldName string) string {
	return "service/" + svc.Namespace + "/" + svc.Name + " " + fieldName
}

func nodeSubject(node *corev1.Node, fieldName string) string {
	return "node/" + node.Name + " " + fieldName
}

// quoteList renders a list field's value: ["a","b"].
func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// familiesUnknown says why the cluster's families are unknown.
func familiesUnknown(f *Facts) string {
	reason := "the cluster's IP families are unknown: no kube-apiserver --service-cluster-ip-range, ServiceCIDR kubernetes or kubeadm serviceSubnet could be read"
	var why []string
	for _, s := range []string{SourceControlPlane, SourceServiceCIDRs, SourceKubeadm} {
		if r, ok := f.Unavailable[s]; ok {
			why = append(why, s+": "+r)
		}
	}
	if len(why) > 0 {
		reason += " (" + strings.Join(why, "; ") + ")"
	}
	return reason
}

// isDualPair says whether fams is one IPv4 and one IPv6, in any order.
func isDualPair(fams []corev1.IPFamily) bool {
	return len(fams) == 2 && fams[0] != fams[1]
}

// ---------------------------------------------------------------------------
// cluster

func checkClusterStack(f *Facts, r *Reporter) {
	const subject = "cluster"
	fams := f.Families()
	if fams == nil {
		r.Skip(subject, familiesUnknown(f))
		return
	}
	_, at, _ := f.ServiceRanges()
	stack := stackName(fams)
	got := "invalid"
	switch {
	case isDualPair(fams):
		got = "dual"
	case len(fams) == 1:
		got = strings.ToLower(string(fams[0]))
	}
	expectName := map[string]string{"dual": "a dual-stack cluster", "ipv4": "a single-stack IPv4 cluster", "ipv6": "a single-stack IPv6 cluster"}
	switch {
	case f.Expect != "" && f.Expect != got:
		r.Fail(subject, at, "--expect=%s wants %s, but the service ranges %s make it %s", f.Expect, expectName[f.Expect], at.Value, stack)
	case got == "dual" || f.Expect != "":
		r.Pass(subject, at, "%s (service ranges %s)", stack, at.Value)
	default:
		r.FailWith(Info, subject, at, "%s cluster (service ranges %s): the other rules check its consistency; --expect=dual makes this an error", stack, at.Value)
	}
}

// ---------------------------------------------------------------------------
// servicecidr

const defaultServiceCIDRName = "kubernetes"

// canonicalCIDRs parses CIDRs as upstream (sloppy: host bits masked) and
// returns their canonical strings.
func canonicalCIDRs(values []string) ([]string, bool) {
	out := make([]string, 0, len(values))
	for _, v := range values {
		_, cidr, err := netutils.ParseCIDRSloppy(v)
		if err != nil {
			return nil, false
		}
		out = append(out, cidr.String())
	}
	return out, true
}

func checkDefaultServiceCIDR(f *Facts, r *Reporter) {
	const subject = "servicecidr/" + defaultServiceCIDRName + " spec.cidrs"
	if len(f.ServiceCIDRs) == 0 {
		r.Skip(subject, "no ServiceCIDR objects (Kubernetes before 1.33, or none gathered)")
		return
	}
	i := slices.IndexFunc(f.ServiceCIDRs, func(sc ServiceCIDR) bool { return sc.Name == defaultServiceCIDRName })
	if i < 0 {
		r.FailWith(Warning, subject, Setting{}, "no ServiceCIDR named %q, though the apiserver creates it from --service-cluster-ip-range (Kubernetes 1.33+)", defaultServiceCIDRName)
		return
	}
	object, ok := canonicalCIDRs(f.ServiceCIDRs[i].CIDRs)
	if !ok || len(object) == 0 {
		return // servicecidr-valid reports it
	}
	apiservers := f.ComponentsOf(APIServer)
	if len(apiservers) == 0 {
		reason := "kube-apiserver flags unknown: nothing to compare ServiceCIDR kubernetes with"
		if why, ok := f.Unavailable[SourceControlPlane]; ok {
			reason += " (" + SourceControlPlane + ": " + why + ")"
		}
		r.Skip(subject, reason)
		return
	}
	for _, c := range apiservers {
		at, set := c.Setting("service-cluster-ip-range")
		if !set {
			// pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR.
			at = Setting{Value: "10.0.0.0/24", Source: c.Source + " (--service-cluster-ip-range unset: default 10.0.0.0/24)", File: c.File, Line: c.Line}
		}
		entries := splitList(at.Value)
		if len(entries) > 2 {
			continue // the apiserver refuses to start; control-plane rules report it
		}
		flags, ok := canonicalCIDRs(entries)
		if !ok || len(flags) == 0 {
			continue
		}
		if slices.Equal(flags, object) {
			continue
		}
		hint := ""
		if len(object) == 1 && len(flags) == 2 && object[0] == flags[0] {
			hint = " (the apiserver converts single to dual-stack itself: look for KubernetesDefaultServiceCIDRError events)"
		}
		r.Fail(subject, at, "The default ServiceCIDR [%s] does not match the controller flag configurations [%s] (kube-apiserver %s)%s",
			strings.Join(f.ServiceCIDRs[i].CIDRs, " "), strings.Join(flags, " "), c.Instance, hint)
	}
}

// Events outlive their cause: the controller retries a failed update (a
// conflict while converting single to dual-stack is common), so once
// ServiceCIDR kubernetes equals every apiserver's flags they are history.
func checkServiceCIDREvents(f *Facts, r *Reporter) {
	settled := defaultServiceCIDRSettled(f)
	seen := map[string]bool{}
	for _, e := range f.ServiceCIDREvents {
		if seen[e] {
			continue
		}
		seen[e] = true
		if settled {
			r.FailWith(Info, "servicecidr/"+defaultServiceCIDRName+" events", Setting{Source: "events"}, "%s (resolved since: ServiceCIDR kubernetes now equals every kube-apiserver's --service-cluster-ip-range)", e)
			continue
		}
		r.Fail("servicecidr/"+defaultServiceCIDRName+" events", Setting{Source: "events"}, "%s", e)
	}
}

// defaultServiceCIDRSettled says whether ServiceCIDR kubernetes is known to
// equal every kube-apiserver's --service-cluster-ip-range.
func defaultServiceCIDRSettled(f *Facts) bool {
	i := slices.IndexFunc(f.ServiceCIDRs, func(sc ServiceCIDR) bool { return sc.Name == defaultServiceCIDRName })
	apiservers := f.ComponentsOf(APIServer)
	if i < 0 || len(apiservers) == 0 {
		return false
	}
	object, ok := canonicalCIDRs(f.ServiceCIDRs[i].CIDRs)
	if !ok {
		return false
	}
	for _, c := range apiservers {
		at, set := c.Setting("service-cluster-ip-range")
		flags, ok := canonicalCIDRs(splitList(at.Value))
		if !set || !ok || !slices.Equal(flags, object) {
			return false
		}
	}
	return true
}

func checkServiceCIDRsValid(f *Facts, r *Reporter) {
	path := field.NewPath("spec", "cidrs")
	for _, sc := range f.ServiceCIDRs {
		var problems []string
		switch {
		case len(sc.CIDRs) == 0:
			problems = append(problems, field.Required(path, "at least one CIDR required").Error())
		case len(sc.CIDRs) > 2:
			problems = append(problems, fmt.Sprintf("%s: Invalid value: %s: may only hold up to 2 values", path, quoteList(sc.CIDRs)))
		default:
			for i, c := range sc.CIDRs {
				for _, e := range validation.IsValidCIDR(path.Index(i), c) {
					problems = append(problems, e.Error())
				}
			}
			if len(sc.CIDRs) == 2 {
				a, b := netutils.IPFamilyOfCIDRString(sc.CIDRs[0]), netutils.IPFamilyOfCIDRString(sc.CIDRs[1])
				if a == b && a != netutils.IPFamilyUnknown {
					problems = append(problems, fmt.Sprintf("%s: Invalid value: %s: %s, i.e 192.168.0.0/24 and 2001:db8::/64", path, quoteList(sc.CIDRs), msgOneIPPerFamily))
				}
			}
		}
		if len(problems) > 0 {
			r.Fail("servicecidr/"+sc.Name+" spec.cidrs", Setting{}, "%s", strings.Join(problems, "; "))
		}
	}
}

func checkServiceCIDRPrefix(f *Facts, r *Reporter) {
	for _, sc := range f.ServiceCIDRs {
		for i, c := range sc.CIDRs {
			_, cidr, err := netutils.ParseCIDRSloppy(c)
			if err != nil || !netutils.IsIPv6CIDR(cidr) {
				continue
			}
			if ones, _ := cidr.Mask.Size(); ones < 64 {
				r.Fail(fmt.Sprintf("servicecidr/%s spec.cidrs[%d]", sc.Name, i), Setting{},
					"%s: shortest allowed prefix length for service CIDR is 64, got %d (the apiserver only logs this: no ClusterIP is ever allocated from this range)", c, ones)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// nodes

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
		if len(problems) > 0 {
			r.Fail(nodeSubject(node, "spec.podCIDRs"), Setting{}, "%s", strings.Join(problems, "; "))
		}
	}
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
	for i := range f.Nodes {
		node := &f.Nodes[i]
		subject := nodeSubject(node, "spec.podCIDRs")
		if len(node.Spec.PodCIDRs) == 0 {
			switch {
			case allocating:
				r.Fail(subject, ipam.AllocateAt, "no podCIDRs: node IPAM (--allocate-node-cidrs) has not allocated any (event CIDRNotAvailable when the cluster CIDR is exhausted)")
			case !known && anyHas:
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

func checkNodeInternalIPs(f *Facts, r *Reporter) {
	fams := f.Families()
	if fams == nil {
		r.Skip("nodes", familiesUnknown(f))
		return
	}
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
		if len(missing) > 0 {
			listed := "none"
			if len(ips) > 0 {
				listed = strings.Join(ips, ",")
			}
			r.Fail(nodeSubject(node, "status.addresses"), at, "no %s InternalIP (InternalIPs: %s) on a dual-stack cluster: kubelet publishes an InternalIP per family only with a dual-stack --node-ip",
				strings.Join(missing, " or "), listed)
		}
	}
}

func checkNodePrimaryFamily(f *Facts, r *Reporter) {
	fams := f.Families()
	if fams == nil {
		r.Skip("nodes", familiesUnknown(f))
		return
	}
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
				first, otherFamily(primary), primary)
		case !f.DualStack():
			r.FailWith(Error, subject, at, "the node has no %s address (its IP is %s) on a %s cluster", primary, first, stackName(fams))
		}
		// dual-stack and the primary family missing: nodes-internal-ip-per-family
	}
}

// ---------------------------------------------------------------------------
// pods: streamed; what they need of nodes is indexed once per Facts.

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

func familyOfNetIP(ip net.IP) corev1.IPFamily {
	if netutils.IsIPv4(ip) {
		return corev1.IPv4Protocol
	}
	return corev1.IPv6Protocol
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

func joinIPs(ips []net.IP) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ",")
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

// ---------------------------------------------------------------------------
// services

func isHeadless(svc *corev1.Service) bool {
	return svc.Spec.ClusterIP == corev1.ClusterIPNone
}

func checkServiceIPsValid(f *Facts, r *Reporter) {
	for i := range f.Services {
		svc := &f.Services[i]
		spec := &svc.Spec
		var problems []string
		if spec.Type == corev1.ServiceTypeExternalName {
			if len(spec.ClusterIPs) > 0 {
				problems = append(problems, "spec.clusterIPs: Forbidden: may not be set for ExternalName services")
			}
			if len(spec.IPFamilies) > 0 {
				problems = append(problems, "spec.ipFamilies: Forbidden: may not be set for ExternalName services")
			}
			if spec.IPFamilyPolicy != nil {
				problems = append(problems, "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services")
			}
		} else {
			problems = serviceIPProblems(svc)
		}
		if len(problems) > 0 {
			r.Fail(serviceSubject(svc, "spec.clusterIPs"), Setting{}, "%s", strings.Join(problems, "; "))
		}
	}
}

// serviceIPProblems is ValidateServiceClusterIPsRelatedFields for a stored
// (non-ExternalName) Service.
func serviceIPProblems(svc *corev1.Service) []string {
	spec := &svc.Spec
	var problems []string
	if spec.ClusterIP != "" {
		if len(spec.ClusterIPs) == 0 {
			problems = append(problems, "spec.clusterIPs: Required value")
		} else if spec.ClusterIPs[0] != spec.ClusterIP {
			problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: first value must match `clusterIP`", quoteList(spec.ClusterIPs)))
		}
	} else if len(spec.ClusterIPs) > 0 {
		problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: must be empty when `clusterIP` is not specified", quoteList(spec.ClusterIPs)))
	}
	seen := map[corev1.IPFamily]bool{}
	for i, fam := range spec.IPFamilies {
		if fam != corev1.IPv4Protocol && fam != corev1.IPv6Protocol {
			problems = append(problems, fmt.Sprintf("spec.ipFamilies[%d]: Unsupported value: %q: supported values: \"IPv4\", \"IPv6\"", i, fam))
		} else if seen[fam] {
			problems = append(problems, fmt.Sprintf("spec.ipFamilies[%d]: Duplicate value: %q", i, fam))
		}
		seen[fam] = true
	}
	if len(spec.IPFamilies) > 2 {
		problems = append(problems, fmt.Sprintf("spec.ipFamilies: Invalid value: %d families: may only hold up to 2 values", len(spec.IPFamilies)))
	}
	if p := spec.IPFamilyPolicy; p != nil && *p != corev1.IPFamilyPolicySingleStack && *p != corev1.IPFamilyPolicyPreferDualStack && *p != corev1.IPFamilyPolicyRequireDualStack {
		problems = append(problems, fmt.Sprintf("spec.ipFamilyPolicy: Unsupported value: %q: supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"", *p))
	}
	invalid := false
	for i, ip := range spec.ClusterIPs {
		if ip == corev1.ClusterIPNone {
			if i > 0 || len(spec.ClusterIPs) > 1 {
				problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: 'None' must be the first and only value", quoteList(spec.ClusterIPs)))
				invalid = true
			}
			continue
		}
		if netutils.ParseIPSloppy(ip) == nil {
			problems = append(problems, fmt.Sprintf("spec.clusterIPs[%d]: Invalid value: %q: %s", i, ip, msgInvalidIP))
			invalid = true
		}
	}
	if len(spec.ClusterIPs) > 2 {
		problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: may only hold up to 2 values", quoteList(spec.ClusterIPs)))
	} else if !invalid && len(spec.ClusterIPs) == 2 {
		if dual, err := netutils.IsDualStackIPStrings(spec.ClusterIPs); err != nil || !dual {
			problems = append(problems, fmt.Sprintf("spec.clusterIPs: Invalid value: %s: %s", quoteList(spec.ClusterIPs), msgOneIPPerFamily))
		}
	}
	if isHeadless(svc) && (spec.Type == corev1.ServiceTypeNodePort || spec.Type == corev1.ServiceTypeLoadBalancer) {
		problems = append(problems, fmt.Sprintf("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for %s services", spec.Type))
	}
	return problems
}

func checkServiceFamiliesMatch(f *Facts, r *Reporter) {
	for i := range f.Services {
		svc := &f.Services[i]
		spec := &svc.Spec
		if spec.Type == corev1.ServiceTypeExternalName || isHeadless(svc) || len(spec.ClusterIPs) == 0 {
			continue
		}
		var problems []string
		if len(spec.ClusterIPs) != len(spec.IPFamilies) {
			problems = append(problems, fmt.Sprintf("%d clusterIPs (%s) but %d ipFamilies (%s)",
				len(spec.ClusterIPs), strings.Join(spec.ClusterIPs, ","), len(spec.IPFamilies), joinFamilies(spec.IPFamilies)))
		}
		for j, ip := range spec.ClusterIPs {
			if j >= len(spec.IPFamilies) {
				break
			}
			fam, want := familyOfIP(ip), spec.IPFamilies[j]
			if fam == "" || (want != corev1.IPv4Protocol && want != corev1.IPv6Protocol) || fam == want {
				continue
			}
			problems = append(problems, fmt.Sprintf("spec.clusterIPs[%d]: Invalid value: %q: expected an %s value as indicated by `ipFamilies[%v]`", j, ip, want, j))
		}
		if len(problems) > 0 {
			r.Fail(serviceSubject(svc, "spec.clusterIPs"), Setting{}, "%s", strings.Join(problems, "; "))
		}
	}
}

func checkServiceIPsInRange(f *Facts, r *Reporter) {
	ranges, at, _ := f.ServiceRanges()
	names := []string{}
	for _, c := range ranges {
		names = append(names, c.String())
	}
	for _, sc := range f.ServiceCIDRs {
		for _, v := range sc.CIDRs {
			if _, cidr, err := netutils.ParseCIDRSloppy(v); err == nil && !slices.Contains(names, cidr.String()) {
				ranges = append(ranges, cidr)
				names = append(names, cidr.String())
				if at.Source == "" {
					at.Source = "ServiceCIDR objects"
				}
			}
		}
	}
	if len(ranges) == 0 {
		r.Skip("services", "no service range known: "+familiesUnknown(f))
		return
	}
	at.Value = strings.Join(names, ",")
	for i := range f.Services {
		svc := &f.Services[i]
		if svc.Spec.Type == corev1.ServiceTypeExternalName || isHeadless(svc) {
			continue
		}
		var problems []string
		for _, s := range svc.Spec.ClusterIPs {
			ip := netutils.ParseIPSloppy(s)
			if ip == nil {
				continue
			}
			if !slices.ContainsFunc(ranges, func(c *net.IPNet) bool { return c.Contains(ip) }) {
				problems = append(problems, fmt.Sprintf("Cluster IP [%s]: %s is not within any configured Service CIDR; please recreate service", familyOfIP(s), s))
			}
		}
		if len(problems) > 0 {
			r.Fail(serviceSubject(svc, "spec.clusterIPs"), at, "%s (service ranges: %s)", strings.Join(problems, "; "), at.Value)
		}
	}
}

func checkServiceFamilyPolicy(f *Facts, r *Reporter) {
	for i := range f.Services {
		svc := &f.Services[i]
		spec := &svc.Spec
		if spec.Type == corev1.ServiceTypeExternalName || spec.IPFamilyPolicy == nil || *spec.IPFamilyPolicy != corev1.IPFamilyPolicySingleStack {
			continue
		}
		var problems []string
		if len(spec.ClusterIPs) == 2 {
			problems = append(problems, "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified")
		}
		if len(spec.IPFamilies) == 2 {
			problems = append(problems, "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified")
		}
		if len(problems) > 0 {
			r.Fail(serviceSubject(svc, "spec.ipFamilyPolicy"), Setting{}, "%s", strings.Join(problems, "; "))
		}
	}
}

func checkServiceNotUpgraded(f *Facts, r *Reporter) {
	fams := f.Families()
	if fams == nil {
		r.Skip("services", familiesUnknown(f))
		return
	}
	if !f.DualStack() {
		return // on a single-stack cluster a dual-stack policy is one family by design
	}
	_, at, _ := f.ServiceRanges()
	for i := range f.Services {
		svc := &f.Services[i]
		spec := &svc.Spec
		if spec.Type == corev1.ServiceTypeExternalName || spec.IPFamilyPolicy == nil || *spec.IPFamilyPolicy == corev1.IPFamilyPolicySingleStack {
			continue
		}
		if len(spec.IPFamilies) >= 2 {
			continue
		}
		only := "no family"
		if len(spec.IPFamilies) == 1 {
			only = "only " + string(spec.IPFamilies[0])
		}
		r.Fail(serviceSubject(svc, "spec.ipFamilies"), at, "ipFamilyPolicy %s but %s on a dual-stack cluster: Services created before the cluster became dual-stack are not upgraded",
			*spec.IPFamilyPolicy, only)
	}
}

// ---------------------------------------------------------------------------
// endpointslices

const endpointSliceControllerName = "endpointslice-controller.k8s.io"

// wantAddressTypes is getAddressTypesForService: ipFamilies, else the
// clusterIP's family, else both for a headless Service.
func wantAddressTypes(svc *corev1.Service) []discoveryv1.AddressType {
	var out []discoveryv1.AddressType
	for _, fam := range svc.Spec.IPFamilies {
		if t := discoveryv1.AddressType(fam); (fam == corev1.IPv4Protocol || fam == corev1.IPv6Protocol) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > 0 {
		return out
	}
	if ip := svc.Spec.ClusterIP; ip != "" && ip != corev1.ClusterIPNone {
		if familyOfIP(ip) == corev1.IPv6Protocol {
			return []discoveryv1.AddressType{discoveryv1.AddressTypeIPv6}
		}
		return []discoveryv1.AddressType{discoveryv1.AddressTypeIPv4}
	}
	return []discoveryv1.AddressType{discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6}
}

func checkSliceAddressTypes(f *Facts, r *Reporter) {
	type slices4svc struct {
		any     map[discoveryv1.AddressType]bool
		managed map[discoveryv1.AddressType][]string // by the endpointslice controller
	}
	bySvc := map[string]*slices4svc{}
	for i := range f.EndpointSlices {
		s := &f.EndpointSlices[i]
		name := s.Labels[discoveryv1.LabelServiceName]
		if name == "" {
			continue
		}
		key := s.Namespace + "/" + name
		e := bySvc[key]
		if e == nil {
			e = &slices4svc{any: map[discoveryv1.AddressType]bool{}, managed: map[discoveryv1.AddressType][]string{}}
			bySvc[key] = e
		}
		e.any[s.AddressType] = true
		if s.Labels[discoveryv1.LabelManagedBy] == endpointSliceControllerName {
			e.managed[s.AddressType] = append(e.managed[s.AddressType], s.Name)
		}
	}
	for i := range f.Services {
		svc := &f.Services[i]
		if svc.Spec.Type == corev1.ServiceTypeExternalName || len(svc.Spec.Selector) == 0 {
			continue
		}
		want := wantAddressTypes(svc)
		have := bySvc[svc.Namespace+"/"+svc.Name]
		var problems []string
		for _, t := range want {
			if have == nil || !have.any[t] {
				problems = append(problems, fmt.Sprintf("no %s EndpointSlice", t))
			}
		}
		if have != nil {
			for _, t := range []discoveryv1.AddressType{discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6} {
				if names := have.managed[t]; len(names) > 0 && !slices.Contains(want, t) {
					problems = append(problems, fmt.Sprintf("%s EndpointSlice %s though the Service has no %s family", t, strings.Join(names, ","), t))
				}
			}
		}
		if len(problems) > 0 {
			wantS := make([]string, len(want))
			for j, t := range want {
				wantS[j] = string(t)
			}
			r.Fail(serviceSubject(svc, "EndpointSlices"), Setting{}, "%s (want address types %s, label %s=%s)",
				strings.Join(problems, "; "), strings.Join(wantS, ","), discoveryv1.LabelServiceName, svc.Name)
		}
	}
}

func checkSliceAddressFamily(f *Facts, r *Reporter) {
	const maxListed = 5
	for i := range f.EndpointSlices {
		s := &f.EndpointSlices[i]
		var want corev1.IPFamily
		switch s.AddressType {
		case discoveryv1.AddressTypeIPv4:
			want = corev1.IPv4Protocol
		case discoveryv1.AddressTypeIPv6:
			want = corev1.IPv6Protocol
		default:
			continue // FQDN
		}
		var problems []string
		bad := 0
		for j, ep := range s.Endpoints {
			for k, a := range ep.Addresses {
				fam := familyOfIP(a)
				if fam == want {
					continue
				}
				bad++
				if bad > maxListed {
					continue
				}
				msg := "must be an " + string(want) + " address"
				if fam == "" {
					msg = msgInvalidIP
				}
				problems = append(problems, fmt.Sprintf("endpoints[%d].addresses[%d]: Invalid value: %q: %s", j, k, a, msg))
			}
		}
		if bad > maxListed {
			problems = append(problems, fmt.Sprintf("and %d more", bad-maxListed))
		}
		if len(problems) > 0 {
			r.Fail("endpointslice/"+s.Namespace+"/"+s.Name+" endpoints", Setting{}, "addressType %s: %s", s.AddressType, strings.Join(problems, "; "))
		}
	}
}
