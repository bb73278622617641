package check

import (
	"fmt"
	"net"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"
)

// cniRules lists the rules about the network plugin's families and pools.
var cniRules = []Rule{cniFamilies, cniPodRanges, cniPoolsOutsideServices}

// cniFound scopes the CNI rules: with no known plugin's configuration
// (another plugin, or one check does not read) there is nothing to check;
// with one, the rules compare it with the cluster's families.
var cniFound = &Scope{Subject: "cni", Empty: func(f *Facts) string {
	if f.CNI != nil {
		return ""
	}
	return "unknown CNI (" + CNIUnknown + ")"
}, Then: knownFamilies}

// cniName names the plugin in messages.
func cniName(c *CNI) string {
	switch c.Name {
	case CNICilium:
		return "Cilium"
	case CNICalico:
		return "Calico"
	}
	return c.Name
}

var cniFamilies = Rule{
	ID:        "cni-families",
	Area:      AreaCNI,
	Title:     "The network plugin gives pods an address of every cluster family",
	Severity:  Error,
	Reference: "Cilium: install/kubernetes/cilium/templates/cilium-configmap.yaml (enable-ipv6), pkg/ipam/allocator/clusterpool/clusterpool.go Init, https://docs.cilium.io/en/stable/network/concepts/ipam/cluster-pool/ ; Calico: libcalico-go/config/crd/crd.projectcalico.org_ippools.yaml (spec.disabled), https://docs.tigera.io/calico/latest/networking/ipam/ipv6 ; flannel: Documentation/configuration.md (Dual-stack), pkg/subnet/kube/kube.go AcquireLease",
	Why:       "Kubernetes gives pods no address: the network plugin does, of each family only when configured for it, and nothing fails when a family is missing. Cilium's ConfigMap says of `enable-ipv6`: \"If enabled, all endpoints are allocated an IPv6 address\", and with cluster-pool IPAM its operator refuses an enabled family without a pool (\"cluster-pool-ipv6-cidr must be provided when using ClusterPool\"). Calico IPAM assigns from IPPools, never from a disabled one (\"When disabled is true, Calico IPAM will not assign addresses from this pool\"): a family without an enabled pool gets no address (only a warning when nothing says Calico's IPAM is calico-ipam: Canal, whose configuration RKE2 keeps in a Secret, takes the nodes' podCIDRs whatever the pools). flannel's dual-stack needs `\"EnableIPv6\": true` and an `IPv6Network` in net-conf.json, and is \"only supported for kube subnet manager and vxlan, extension or host-gw(linux) backend\".",
	Fix:       "enable the family in the CNI: Cilium enable-ipv6 (Helm ipv6.enabled) with cluster-pool-ipv6-cidr (clusterPoolIPv6PodCIDRList); a Calico IPPool of the family; flannel EnableIPv6 and IPv6Network with the vxlan backend; then restart its agents and recreate the pods",
	Needs:     []Source{SourceCNI},
	Scope:     cniFound,
	Check:     checkCNIFamilies,
}

func checkCNIFamilies(f *Facts, r *Reporter) {
	c := f.CNI
	fams := f.Families()
	for _, fam := range fams {
		subject := c.Name + " " + string(fam)
		if !c.Serves(fam) {
			at := c.Families[fam]
			if c.IPAMAssumed {
				// Canal (whose IPAM RKE2 keeps in a Secret) never uses the pools.
				r.FailWith(Warning, subject, at, "%s gives pods no %s address on this %s cluster if it hands them out of its IPPools (its IPAM was not read): %s", cniName(c), fam, stackName(fams), familyOff(c, fam))
				continue
			}
			r.Fail(subject, at, "%s gives pods no %s address on this %s cluster: %s", cniName(c), fam, stackName(fams), familyOff(c, fam))
			continue
		}
		switch c.Name {
		case CNICilium:
			key := "cluster-pool-ipv" + ipvN(fam) + "-cidr"
			if c.IPAM.Value == IPAMClusterPool && len(poolsOfFamily(c.PoolsOf(PoolPods), fam)) == 0 {
				r.Fail(subject, c.At, "enable-ipv%s is true but %s is not set: the operator refuses to start (\"%s must be provided when using ClusterPool\")", ipvN(fam), key, key)
			}
		case CNIFlannel:
			network := map[corev1.IPFamily]string{corev1.IPv4Protocol: "Network", corev1.IPv6Protocol: "IPv6Network"}[fam]
			if len(poolsOfFamily(c.PoolsOf(PoolNetwork), fam)) == 0 {
				r.Fail(subject, c.Families[fam], "Enable%s is true but %s is not set: flannel has no %s network to take the nodes' %s podCIDRs from", fam, network, fam, fam)
			}
			if backend := c.Settings["Backend.Type"]; fam == corev1.IPv6Protocol && !slices.Contains([]string{"vxlan", "host-gw", "wireguard", "extension"}, backend.Value) {
				r.Fail(subject, backend, "flannel's %s backend carries no IPv6: dual-stack is only supported for the vxlan, extension, host-gw and wireguard backends", backend.Value)
			}
		}
	}
}

// familyOff says why the plugin does not serve fam.
func familyOff(c *CNI, fam corev1.IPFamily) string {
	switch c.Name {
	case CNICilium:
		return fmt.Sprintf("enable-ipv%s is %s", ipvN(fam), c.Families[fam].Value)
	case CNIFlannel:
		return fmt.Sprintf("Enable%s is %s", fam, c.Families[fam].Value)
	}
	return fmt.Sprintf("no enabled %s pool (its pools: %s)", fam, c.PoolsSummary(PoolPods))
}

// poolsOfFamily keeps the pools of one family that parse.
func poolsOfFamily(pools []CNIPool, fam corev1.IPFamily) []CNIPool {
	var out []CNIPool
	for _, p := range pools {
		if n := p.Net(); n != nil && familyOfCIDR(n) == fam {
			out = append(out, p)
		}
	}
	return out
}

var cniPodRanges = Rule{
	ID:        "cni-pod-ranges",
	Area:      AreaCNI,
	Title:     "The network plugin's ranges agree with the cluster's pod ranges",
	Severity:  Error,
	Reference: "flannel: pkg/subnet/kube/kube.go AcquireLease; Calico: https://docs.tigera.io/calico/latest/networking/ipam/initial-ippool , tigera/operator pkg/controller/ippool/pool_controller.go mergePlatformPodCIDRs; Cilium: install/kubernetes/cilium/templates/cilium-configmap.yaml (routingMode native), https://docs.cilium.io/en/stable/network/concepts/masquerading/",
	Why:       "Where pods take their addresses from the nodes' spec.podCIDRs (flannel; Calico with host-local IPAM; Cilium's ipam kubernetes) the plugin's own ranges must hold them. flannel refuses a node whose podCIDR lies outside its network (\"subnet %q specified in the flannel net config doesn't contain %q PodCIDR of the %q node\"). Calico's docs: \"Calico IP pools are ranges of IP addresses that Calico uses to assign to pods; the ranges must within the Kubernetes pod CIDR\", and the Tigera operator refuses others (\"IPPool %v is not within the platform's configured pod network CIDR(s)\"); with host-local IPAM, pods get the node's podCIDR addresses, which Calico routes and NATs by IPPool. Cilium in native routing masquerades what leaves ipv4-native-routing-cidr / ipv6-native-routing-cidr, which Helm requires for each masqueraded family (\"ipv6NativeRoutingCIDR must be set when routingMode is native\"): pod ranges outside it are masqueraded between nodes.",
	Fix:       "make the plugin's ranges match the cluster CIDR (kube-controller-manager --cluster-cidr, kubeadm podSubnet): flannel Network and IPv6Network; Calico IPPools inside it (with host-local IPAM, holding it); Cilium ipv4/ipv6-native-routing-cidr holding the pod ranges",
	Needs:     []Source{SourceCNI},
	Scope:     cniFound,
	Check:     checkCNIPodRanges,
}

func checkCNIPodRanges(f *Facts, r *Reporter) {
	c := f.CNI
	fams := f.Families()
	for _, fam := range fams {
		if !c.Serves(fam) {
			continue // cni-families
		}
		podRanges := clusterPodRanges(f, fam)
		switch c.Name {
		case CNIFlannel:
			for _, pr := range podRanges {
				if network := poolsOfFamily(c.PoolsOf(PoolNetwork), fam); len(network) > 0 && !coveredBy(pr.cidr, network) {
					r.Fail(c.Name+" "+network[0].Name, network[0].CIDR, "%s %s does not hold %s: flannel does not start on a node whose podCIDR lies outside it (\"subnet ... specified in the flannel net config doesn't contain ... PodCIDR of the ... node\")",
						network[0].Name, network[0].CIDR.Value, pr)
				}
			}
		case CNICalico:
			checkCalicoPools(c, fam, podRanges, r)
		case CNICilium:
			checkCiliumNativeRouting(c, fam, podRanges, r)
		}
	}
}

// checkCalicoPools: Calico's enabled pools lie inside the cluster CIDR;
// with host-local IPAM they hold the nodes' podCIDRs. With its IPAM only
// assumed, the pools may be another plugin's leftovers (Canal's Calico
// makes a default pool it never hands addresses out of): nothing to say.
func checkCalicoPools(c *CNI, fam corev1.IPFamily, podRanges []podRange, r *Reporter) {
	if c.IPAMAssumed {
		return
	}
	var enabled []CNIPool
	for _, p := range poolsOfFamily(c.PoolsOf(PoolPods), fam) {
		if !p.Disabled {
			enabled = append(enabled, p)
		}
	}
	var clusterCIDRs []*net.IPNet
	var clusterAt string
	for _, pr := range podRanges {
		if pr.cluster {
			clusterCIDRs, clusterAt = append(clusterCIDRs, pr.cidr), pr.String()
		}
	}
	for _, p := range enabled {
		if n := p.Net(); len(clusterCIDRs) > 0 && !slices.ContainsFunc(clusterCIDRs, func(cc *net.IPNet) bool { return covers(cc, n) }) {
			r.FailWith(Warning, "calico IPPool "+p.Name, p.CIDR, "IPPool %s %s lies outside %s: Calico's pools must lie within the Kubernetes pod CIDR, by which kube-proxy tells pod traffic", p.Name, p.CIDR.Value, clusterAt)
		}
	}
	if c.IPAM.Value != IPAMHostLocal {
		return
	}
	for _, pr := range podRanges {
		if !coveredBy(pr.cidr, enabled) {
			r.Fail("calico "+string(fam), c.IPAM, "with host-local IPAM pods get their addresses from %s, which lies in no enabled %s IPPool: Calico routes and NATs pod traffic by IPPool", pr, fam)
		}
	}
}

// checkCiliumNativeRouting: in native routing, a masqueraded family needs
// its native-routing CIDR, holding the pod ranges.
func checkCiliumNativeRouting(c *CNI, fam corev1.IPFamily, podRanges []podRange, r *Reporter) {
	mode := c.Settings["routing-mode"].Value
	native := mode == "native" || mode == "" && c.Settings["tunnel"].Value == "disabled"
	masq := c.Settings["enable-ipv"+ipvN(fam)+"-masquerade"].Value != "false" && c.Settings["enable-ip-masq-agent"].Value != "true"
	if !native || !masq || fam == corev1.IPv4Protocol && (c.IPAM.Value == "eni" || c.IPAM.Value == "alibabacloud") {
		return
	}
	key := "ipv" + ipvN(fam) + "-native-routing-cidr"
	routing := poolsOfFamily(c.PoolsOf(PoolNativeRouting), fam)
	if len(routing) == 0 {
		r.Fail("cilium "+key, c.Settings["routing-mode"], "routing-mode native masquerades %s but %s is not set: the agent refuses to start (Helm: \"ipv%sNativeRoutingCIDR must be set when routingMode is native\")", fam, key, ipvN(fam))
		return
	}
	if pools, ok := c.PodPools(); ok {
		podRanges = nil
		for _, p := range poolsOfFamily(pools, fam) {
			podRanges = append(podRanges, podRange{cidr: p.Net(), what: p.Name, from: p.CIDR.Source})
		}
	}
	for _, pr := range podRanges {
		if !coveredBy(pr.cidr, routing) {
			r.FailWith(Warning, "cilium "+key, routing[0].CIDR, "%s %s does not hold %s: pod traffic to it is masqueraded between nodes", key, routing[0].CIDR.Value, pr)
		}
	}
}

// podRange is one of the cluster's pod ranges of a family, what it is and
// where it was read.
type podRange struct {
	cidr       *net.IPNet
	what, from string
	// cluster: the cluster CIDR, not one node's podCIDR.
	cluster bool
}

func (p podRange) String() string { return fmt.Sprintf("%s %s (%s)", p.what, p.cidr, p.from) }

// clusterPodRanges are the cluster's pod ranges of fam: its cluster CIDR
// (kube-controller-manager --cluster-cidr, kubeadm podSubnet) when known,
// else each node's podCIDR of the family.
func clusterPodRanges(f *Facts, fam corev1.IPFamily) []podRange {
	var out []podRange
	if ipam, ok := f.nodeIPAM(); ok {
		for _, cidr := range ipam.ClusterCIDRs {
			if familyOfCIDR(cidr) == fam {
				out = append(out, podRange{cidr: cidr, what: "the cluster CIDR", from: ipam.ClusterCIDRsAt.Source, cluster: true})
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for i := range f.Nodes {
		node := &f.Nodes[i]
		for _, v := range node.Spec.PodCIDRs {
			if _, cidr, err := netutils.ParseCIDRSloppy(v); err == nil && familyOfCIDR(cidr) == fam {
				out = append(out, podRange{cidr: cidr, what: "node " + node.Name + "'s podCIDR", from: nodeSubject(node, "spec.podCIDRs")})
			}
		}
	}
	return out
}

// coveredBy says whether one of the pools holds all of cidr.
func coveredBy(cidr *net.IPNet, pools []CNIPool) bool {
	return slices.ContainsFunc(pools, func(p CNIPool) bool { n := p.Net(); return n != nil && covers(n, cidr) })
}

var cniPoolsOutsideServices = Rule{
	ID:        "cni-pools-service-overlap",
	Area:      AreaCNI,
	Title:     "The network plugin's pod ranges lie outside the service ranges",
	Severity:  Error,
	Reference: "cmd/kube-apiserver/app/options/options.go (--service-cluster-ip-range help); https://docs.cilium.io/en/stable/network/concepts/ipam/cluster-pool/ ; https://docs.tigera.io/calico/latest/reference/resources/ippool ; cilium/cilium#31504",
	Why:       "kube-apiserver's flag help says the service range \"must not overlap with any IP ranges assigned to nodes or pods\", and nothing enforces it: a plugin handing out pod addresses from a range that overlaps it gives pods addresses that are also ClusterIPs, and traffic to one reaches the other. Cilium's cluster pool defaults to 10.0.0.0/8, which overlaps common service ranges (cilium/cilium#31504: \"This usually breaks the cluster utterly\"); Calico's IPPools and flannel's networks are the pod ranges of their clusters.",
	Fix:       "move the overlapping pool (a new Calico IPPool, Cilium clusterPoolIPv4PodCIDRList, flannel Network) to addresses outside the service ranges, then migrate the pods to it",
	Needs:     []Source{SourceCNI},
	Scope:     cniFound,
	Check:     checkCNIPoolsOutsideServices,
}

func checkCNIPoolsOutsideServices(f *Facts, r *Reporter) {
	services := serviceRangesAll(f)
	if len(services) == 0 {
		r.Skip("cni", familiesUnknown(f))
		return
	}
	c := f.CNI
	for _, p := range c.Pools {
		n := p.Net()
		if n == nil || p.Disabled || p.Role == PoolNativeRouting {
			continue // a native-routing CIDR often spans the whole network
		}
		var hit []string
		for _, s := range services {
			if overlaps(n, s.cidr) {
				hit = append(hit, s.cidr.String()+" ("+s.what+")")
			}
		}
		if len(hit) > 0 {
			r.Fail(c.Name+" "+p.Name, p.CIDR, "%s %s overlaps the service range %s: pods can get addresses that are ClusterIPs", p.Name, p.CIDR.Value, strings.Join(hit, ", "))
		}
	}
}

// serviceRange is a service CIDR and where it was read.
type serviceRange struct {
	cidr *net.IPNet
	what string
}

// serviceRangesAll are the cluster's service ranges (ServiceRanges) and
// those of every ServiceCIDR object, each once.
func serviceRangesAll(f *Facts) []serviceRange {
	var out []serviceRange
	seen := map[string]bool{}
	add := func(cidr *net.IPNet, what string) {
		if !seen[cidr.String()] {
			seen[cidr.String()] = true
			out = append(out, serviceRange{cidr, what})
		}
	}
	if cidrs, at, ok := f.ServiceRanges(); ok {
		for _, c := range cidrs {
			add(c, at.Source)
		}
	}
	for _, sc := range f.ServiceCIDRs {
		for _, v := range sc.CIDRs {
			if _, cidr, err := netutils.ParseCIDRSloppy(v); err == nil {
				add(cidr, "ServiceCIDR "+sc.Name)
			}
		}
	}
	return out
}
