package check

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"
)

// controllerManagerRules are the controllerManager rules, in report order.
var controllerManagerRules = []Rule{controllerManagerCIDRAllocatorType, controllerManagerClusterCIDR, controllerManagerServiceRange, controllerManagerNodeCIDRMask, controllerManagerServiceRangeMatchesAPIServer, controllerManagerPodServiceOverlap, controllerManagerClusterCIDRFamilies}

var controllerManagerCIDRAllocatorType = Rule{
	ID:        "controller-manager-cidr-allocator-type",
	Area:      AreaControllerManager,
	Title:     "kube-controller-manager --cidr-allocator-type is RangeAllocator",
	Severity:  Error,
	Reference: "cmd/kube-controller-manager/app/core.go newNodeIpamController; pkg/controller/nodeipam/ipam/cidr_allocator.go New",
	Why:       "With `--allocate-node-cidrs`, kube-controller-manager's node IPAM only works with RangeAllocator: it has had no cloud provider since v1.31 (\"--cidr-allocator-type is set to 'CloudAllocator' but cloud provider is not configured\"), the IPAMFromCluster and IPAMFromCloud types are not built in (\"legacy cloud provider support disabled at build time\"), and other values are an \"invalid CIDR allocator type\". Node IPAM then fails to build and kube-controller-manager exits.",
	Fix:       "unset --cidr-allocator-type (RangeAllocator), or let the cloud controller manager allocate node CIDRs",
	Needs:     []Source{SourceControlPlane},
	Scope:     controllerManagers,
	Check:     checkKCMAllocatorType,
}

func checkKCMAllocatorType(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	for _, c := range kcms {
		k := kcmConfigOf(c)
		if !k.allocate {
			continue // the flag is only read with --allocate-node-cidrs
		}
		s, ok := c.Setting("cidr-allocator-type")
		if !ok {
			continue // RangeAllocator
		}
		subject := flagSubject(c, "cidr-allocator-type")
		switch s.Value {
		case "RangeAllocator":
		case "CloudAllocator":
			r.Fail(subject, s, "--cidr-allocator-type is set to 'CloudAllocator' but cloud provider is not configured (kube-controller-manager has had no cloud provider since v1.31)")
		case "IPAMFromCluster", "IPAMFromCloud":
			r.Fail(subject, s, "Error trying to Init(): legacy cloud provider support disabled at build time (--cidr-allocator-type=%s)", s.Value)
		default:
			r.Fail(subject, s, "invalid CIDR allocator type: %v", s.Value)
		}
	}
}

var controllerManagerClusterCIDR = Rule{
	ID:        "controller-manager-cluster-cidr",
	Area:      AreaControllerManager,
	Title:     "kube-controller-manager --cluster-cidr is one CIDR or a dual-stack pair",
	Severity:  Error,
	Reference: "cmd/kube-controller-manager/app/core.go validateCIDRs, processCIDRs; pkg/controller/nodeipam/node_ipam_controller.go NewNodeIpamController; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "With `--allocate-node-cidrs`, kube-controller-manager exits unless every `--cluster-cidr` entry parses and the list is one CIDR or one IPv4 and one IPv6 CIDR: \"len of ClusterCIDRs==2 and they are not configured as dual stack (at least one from each IPFamily\" (sic), \"length of clusterCIDRs is:3 more than max allowed of 2\". An empty `--cluster-cidr` fails as well (\"Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set\"), and without node IPAM new nodes get no podCIDRs.",
	Fix:       "set --cluster-cidr to one CIDR, or one IPv4 and one IPv6 CIDR separated by a comma",
	Needs:     []Source{SourceControlPlane},
	Scope:     controllerManagers,
	Check:     checkKCMClusterCIDR,
}

func checkKCMClusterCIDR(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	for _, c := range kcms {
		k := kcmConfigOf(c)
		if kcmOff(c, k, r, "--cluster-cidr") {
			continue
		}
		if k.cidrsErr == nil {
			continue
		}
		at := flagAt(c, "cluster-cidr", "")
		msg := k.cidrsErr.Error()
		if strings.TrimSpace(at.Value) == "" {
			msg += "; Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set"
		}
		r.Fail(flagSubject(c, "cluster-cidr"), at, "%s", msg)
	}
}

var controllerManagerServiceRange = Rule{
	ID:        "controller-manager-service-range",
	Area:      AreaControllerManager,
	Title:     "kube-controller-manager --service-cluster-ip-range parses and is dual-stack when it has two entries",
	Severity:  Error,
	Reference: "cmd/kube-controller-manager/app/options/nodeipamcontroller.go Validate; cmd/kube-controller-manager/app/core.go newNodeIpamController",
	Why:       "kube-controller-manager refuses more than two entries (\"--service-cluster-ip-range can not contain more than two entries\") and, with node IPAM on, two entries of one family (\"serviceCIDR and secondaryServiceCIDR are not dualstack (from different IPfamiles)\"). An entry that does not parse is only logged (\"Warning: unsuccessful parsing of service CIDR\"), and node IPAM then no longer keeps pod CIDRs out of that service range.",
	Fix:       "give kube-controller-manager the same --service-cluster-ip-range as kube-apiserver",
	Needs:     []Source{SourceControlPlane},
	Scope:     controllerManagers,
	Check:     checkKCMServiceRange,
}

func checkKCMServiceRange(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	for _, c := range kcms {
		s, ok := c.Setting("service-cluster-ip-range")
		if !ok {
			continue
		}
		subject := flagSubject(c, "service-cluster-ip-range")
		list := strings.Split(s.Value, ",")
		if len(list) > 2 {
			r.Fail(subject, s, "--service-cluster-ip-range can not contain more than two entries (%d given: %s)", len(list), s.Value)
		}
		if k := kcmConfigOf(c); !k.allocate {
			continue // "Only used when --allocate-node-cidrs=true"
		}
		var parsed [2]*net.IPNet
		for i := 0; i < 2 && i < len(list); i++ {
			if strings.TrimSpace(list[i]) == "" {
				continue
			}
			_, n, err := netutils.ParseCIDRSloppy(list[i])
			if err != nil {
				r.FailWith(Warning, subject, s, "Warning: unsuccessful parsing of service CIDR %q: %v (node IPAM will not keep pod CIDRs out of it)", list[i], err)
				continue
			}
			parsed[i] = n
		}
		if parsed[0] != nil && parsed[1] != nil {
			if dual, _ := netutils.IsDualStackCIDRs(parsed[:]); !dual {
				r.Fail(subject, s, "serviceCIDR and secondaryServiceCIDR are not dualstack (from different IPfamiles) (%s and %s are both %s)", parsed[0], parsed[1], familyOfCIDR(parsed[0]))
			}
		}
	}
}

var controllerManagerNodeCIDRMask = Rule{
	ID:        "controller-manager-node-cidr-mask",
	Area:      AreaControllerManager,
	Title:     "kube-controller-manager node CIDR mask sizes fit the cluster CIDRs",
	Severity:  Error,
	Reference: "cmd/kube-controller-manager/app/core.go setNodeCIDRMaskSizes; pkg/controller/nodeipam/node_ipam_controller.go NewNodeIpamController; pkg/controller/nodeipam/ipam/cidrset/cidr_set.go NewCIDRSet",
	Why:       "kube-controller-manager exits on `--node-cidr-mask-size` with a dual-stack `--cluster-cidr` (\"usage of --node-cidr-mask-size is not allowed with dual-stack clusters\"), on a family-specific mask of the other family in a single-stack cluster, on a node mask shorter than its cluster CIDR's (\"Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family\"), and on an IPv6 node mask more than 16 bits longer than the IPv6 cluster CIDR's (\"New CIDR set failed; the node CIDR size is too big\"). The node masks default to /24 and /64, so an IPv6 cluster CIDR must be /48 or longer unless `--node-cidr-mask-size-ipv6` is set; IPv4 has no such limit.",
	Fix:       "on dual-stack use --node-cidr-mask-size-ipv4/-ipv6 (not --node-cidr-mask-size); keep each node mask >= its cluster CIDR mask and, for IPv6, at most 16 bits longer",
	Needs:     []Source{SourceControlPlane},
	Scope:     controllerManagers,
	Check:     checkKCMNodeMask,
}

func checkKCMNodeMask(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	for _, c := range kcms {
		k := kcmConfigOf(c)
		if k.allocateErr != "" || kcmOff(c, k, r, "node CIDR masks") {
			continue // an invalid --allocate-node-cidrs: controller-manager-cluster-cidr
		}
		if k.cidrsErr != nil {
			continue // controller-manager-cluster-cidr
		}
		masks, flag, err := kcmNodeMasks(c, k.cidrs)
		if err != nil {
			r.Fail(flagSubject(c, flag), flagAt(c, flag, ""), "%v", err)
			continue
		}
		at := flagAt(c, "cluster-cidr", "")
		subject := flagSubject(c, "cluster-cidr")
		tooSmall := false
		for i, cidr := range k.cidrs {
			if ones, _ := cidr.Mask.Size(); ones > masks[i] {
				tooSmall = true
				r.Fail(subject, at, "Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family (%s is /%d, the %s node mask is /%d)", cidr, ones, familyOfCIDR(cidr), masks[i])
			}
		}
		if tooSmall {
			continue // NewNodeIpamController fails before the CIDR sets exist
		}
		for i, cidr := range k.cidrs {
			ones, _ := cidr.Mask.Size()
			if netutils.IsIPv6CIDR(cidr) && masks[i]-ones > 16 {
				r.Fail(subject, at, "New CIDR set failed; the node CIDR size is too big (%s with IPv6 node mask /%d: %d bits apart, at most 16 — use an IPv6 cluster CIDR of /%d or longer, or a node mask of /%d or shorter)", cidr, masks[i], masks[i]-ones, masks[i]-16, ones+16)
			}
		}
	}
}

var controllerManagerServiceRangeMatchesAPIServer = Rule{
	ID:        "controller-manager-service-range-matches-apiserver",
	Area:      AreaControllerManager,
	Title:     "kube-controller-manager --service-cluster-ip-range equals kube-apiserver's",
	Severity:  Warning,
	Reference: "cmd/kube-controller-manager/app/options/nodeipamcontroller.go ApplyTo; cmd/kube-apiserver/app/options/options.go; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "kube-controller-manager reads `--service-cluster-ip-range` only for node IPAM, to keep pod CIDRs out of the service ranges, and nothing compares it with kube-apiserver's. When they differ (a secondary range added to one component only, say), node IPAM protects ranges that Services do not use and may hand out pod CIDRs inside the ones they do.",
	Fix:       "give kube-controller-manager exactly kube-apiserver's --service-cluster-ip-range (same entries, same order)",
	Needs:     []Source{SourceControlPlane},
	Scope:     controllerManagers,
	Check:     checkKCMServiceRangeMatches,
}

func checkKCMServiceRangeMatches(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	ref, refAt, ok := referenceServiceRanges(f)
	if !ok {
		r.Pass(ControllerManager, Setting{}, "kube-apiserver's service range is unknown: nothing to compare")
		return
	}
	for _, c := range kcms {
		s, ok := c.Setting("service-cluster-ip-range")
		if !ok || s.Value == "" {
			continue
		}
		if got := normalizeCIDRs(strings.Split(s.Value, ",")); !slices.Equal(got, ref) {
			r.Fail(flagSubject(c, "service-cluster-ip-range"), s, "kube-controller-manager --service-cluster-ip-range %s differs from kube-apiserver's %s (%s): both must list the same ranges in the same order", strings.Join(got, ","), strings.Join(ref, ","), refAt.Source)
		}
	}
}

var controllerManagerPodServiceOverlap = Rule{
	ID:        "controller-manager-pod-service-overlap",
	Area:      AreaControllerManager,
	Title:     "Pod CIDRs and service CIDRs do not overlap",
	Severity:  Warning,
	Reference: "cmd/kube-apiserver/app/options/options.go (--service-cluster-ip-range help); pkg/controller/nodeipam/ipam/range_allocator.go filterOutServiceRange",
	Why:       "kube-apiserver's flag help says the service range \"must not overlap with any IP ranges assigned to nodes or pods\", but nothing enforces it. Node IPAM marks the overlapping part of the cluster CIDR as used, and when the service range covers the whole cluster CIDR no node gets a podCIDR (\"CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range\"); a network plugin allocating from an overlapping range can give pods addresses that are also ClusterIPs.",
	Fix:       "choose pod and service ranges that do not overlap (pods and services need disjoint address space)",
	Check:     checkPodServiceOverlap,
}

func checkPodServiceOverlap(f *Facts, r *Reporter) {
	var pods, services []namedCIDR
	for _, c := range f.ComponentsOf(ControllerManager) {
		pods = addCIDRs(pods, flagValue(c, "cluster-cidr"), flagSubject(c, "cluster-cidr"), flagAt(c, "cluster-cidr", ""))
	}
	if k := f.Kubeadm; k != nil && k.PodSubnet != nil {
		pods = addCIDRs(pods, k.PodSubnet.Value, "kubeadm networking.podSubnet", *k.PodSubnet)
	}
	for _, c := range f.ComponentsOf(KubeProxy) {
		pods = addCIDRs(pods, flagValue(c, "cluster-cidr"), flagSubject(c, "cluster-cidr"), flagAt(c, "cluster-cidr", ""))
	}
	for _, c := range f.ComponentsOf(APIServer) {
		rg := apiserverRangesOf(c)
		services = addCIDRs(services, strings.Join(rg.effective, ","), flagSubject(c, "service-cluster-ip-range"), rg.at)
	}
	for _, c := range f.ComponentsOf(ControllerManager) {
		services = addCIDRs(services, flagValue(c, "service-cluster-ip-range"), flagSubject(c, "service-cluster-ip-range"), flagAt(c, "service-cluster-ip-range", ""))
	}
	if k := f.Kubeadm; k != nil && k.ServiceSubnet != nil {
		services = addCIDRs(services, k.ServiceSubnet.Value, "kubeadm networking.serviceSubnet", *k.ServiceSubnet)
	}
	if len(pods) == 0 || len(services) == 0 {
		if why := f.unavailable(SourceControlPlane, SourceKubeadm, SourceKubeProxy); why != "" {
			r.Skip("cluster", "pod or service ranges unknown: "+why)
			return
		}
		r.Pass("cluster", Setting{}, "pod or service ranges unknown: nothing to compare")
		return
	}
	for _, p := range pods {
		for _, s := range services {
			switch {
			case covers(s.n, p.n):
				r.FailWith(Error, p.subject, p.at, "pod CIDR %s lies inside service CIDR %s (%s): node IPAM filters the service range out and has nothing left to allocate (CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range)", p.n, s.n, s.at.Source)
			case overlaps(p.n, s.n):
				r.Fail(p.subject, p.at, "pod CIDR %s overlaps service CIDR %s (%s): the service range \"must not overlap with any IP ranges assigned to nodes or pods\" (kube-apiserver --service-cluster-ip-range help)", p.n, s.n, s.at.Source)
			}
		}
	}
}

// namedCIDR is a CIDR and where it was configured.
type namedCIDR struct {
	n       *net.IPNet
	subject string
	at      Setting
}

// addCIDRs appends the parsable entries of a list, skipping CIDRs
// already present.
func addCIDRs(list []namedCIDR, value, subject string, at Setting) []namedCIDR {
	for _, n := range parseCIDRList(value) {
		if !slices.ContainsFunc(list, func(x namedCIDR) bool { return x.n.String() == n.String() }) {
			list = append(list, namedCIDR{n: n, subject: subject, at: at})
		}
	}
	return list
}

var controllerManagerClusterCIDRFamilies = Rule{
	ID:        "controller-manager-cluster-cidr-families",
	Area:      AreaControllerManager,
	Title:     "The cluster CIDR (--cluster-cidr, kubeadm's podSubnet) has the service ranges' families, primary first",
	Severity:  Error,
	Reference: "KEP-563 (first entry = primary family); pkg/controller/nodeipam/ipam/range_allocator.go occupyCIDRs; https://kubernetes.io/docs/tasks/network/validate-dual-stack/",
	Why:       "Node IPAM gives each node one podCIDR per `--cluster-cidr` entry, in that order, so pods get addresses only of the cluster CIDR's families and `node.spec.podCIDR` is of its first one. Neither kube-controller-manager, kubeadm nor kind compares the cluster CIDR with the service ranges: a missing family leaves pods without addresses for that family's Services, and another first family makes nodes' primary podCIDR disagree with pods' podIP and Services' clusterIP.",
	Fix:       "give --cluster-cidr (kubeadm and kind: podSubnet; and kube-proxy's clusterCIDR) one CIDR per service family, in the order of --service-cluster-ip-range; nodes keep the podCIDRs they have: re-register them",
	Check:     checkClusterCIDRFamilies,
}

func checkClusterCIDRFamilies(f *Facts, r *Reporter) {
	// The pod side: each controller-manager's flag, else kubeadm's (or
	// kind's) podSubnet, which becomes that flag.
	type podCIDR struct {
		subject string
		at      Setting
	}
	var pods []podCIDR
	for _, c := range f.ComponentsOf(ControllerManager) {
		pods = append(pods, podCIDR{flagSubject(c, "cluster-cidr"), flagAt(c, "cluster-cidr", "")})
	}
	if k := f.Kubeadm; len(pods) == 0 && k != nil && k.PodSubnet != nil {
		pods = append(pods, podCIDR{"kubeadm networking.podSubnet", *k.PodSubnet})
	}
	services, servicesAt, known := f.ServiceRanges() // falls back to kubeadm's serviceSubnet
	if inferred, at, ok := inferredPodFamilies(f); len(pods) == 0 && known && ok {
		checkInferredPodFamilies(r, inferred, at, familiesOfCIDRs(services), servicesAt)
		return
	}
	if len(pods) == 0 || !known {
		if why := f.unavailable(SourceControlPlane, SourceKubeadm, SourceServiceCIDRs); why != "" {
			r.Skip("cluster", "cluster CIDR or service ranges unknown: "+why)
			return
		}
		r.Pass("cluster", Setting{}, "cluster CIDR or service ranges unknown: nothing to compare")
		return
	}
	want := familiesOfCIDRs(services)
	for _, p := range pods {
		cidrs, err := netutils.ParseCIDRs(splitList(p.at.Value))
		if err != nil || len(cidrs) == 0 {
			continue // controller-manager-cluster-cidr and kubeadm-pod-subnet report it
		}
		have := familiesOfCIDRs(cidrs)
		for _, fam := range want {
			if !slices.Contains(have, fam) {
				r.Fail(p.subject, p.at, "%s has no %s CIDR but the service ranges %s (%s) do: nodes get no %s podCIDR and pods no %s address", p.at.Value, fam, servicesAt.Value, servicesAt.Source, fam, fam)
			}
		}
		if have[0] != want[0] && slices.Contains(want, have[0]) {
			r.FailWith(Warning, p.subject, p.at, "%s lists %s first but the primary service family (%s) is %s: nodes' spec.podCIDR is %s while pods' podIP and Services' clusterIP are %s", p.at.Value, have[0], servicesAt.Source, want[0], have[0], want[0])
		}
	}
}

// checkInferredPodFamilies compares the pod families inferred from the
// nodes' podCIDRs, when the cluster CIDR is hidden, with the service
// ranges' families: at most a warning, as an inference is not a flag.
func checkInferredPodFamilies(r *Reporter, pods []corev1.IPFamily, podsAt Setting, services []corev1.IPFamily, servicesAt Setting) {
	const subject = "cluster pod ranges"
	ok := true
	for _, fam := range services {
		if !slices.Contains(pods, fam) {
			ok = false
			r.FailWith(Warning, subject, podsAt, "the nodes' podCIDRs are %s (%s; the cluster CIDR is hidden) but the service ranges %s (%s) are %s: nodes get no %s podCIDR, so pods no %s address unless the network plugin assigns them itself", joinFamilies(pods), podsAt.Source, servicesAt.Value, servicesAt.Source, joinFamilies(services), fam, fam)
		}
	}
	if pods[0] != services[0] && slices.Contains(services, pods[0]) {
		ok = false
		r.FailWith(Warning, subject, podsAt, "the nodes' podCIDRs list %s first (%s) but the primary service family (%s) is %s: nodes' spec.podCIDR is %s while pods' podIP and Services' clusterIP are %s", pods[0], podsAt.Source, servicesAt.Source, services[0], pods[0], services[0])
	}
	if ok {
		r.Pass(subject, podsAt, "the pod ranges are %s (%s; the cluster CIDR itself is hidden), as the service ranges %s", joinFamilies(pods), podsAt.Source, servicesAt.Value)
	}
}

// kcmConfig is one kube-controller-manager's node IPAM start-up view
// (newNodeIpamController).
type kcmConfig struct {
	allocate    bool
	allocateErr string // --allocate-node-cidrs does not parse as a bool
	// cidrs is validateCIDRs(--cluster-cidr) when it succeeded; cidrsErr
	// its error otherwise.
	cidrs    []*net.IPNet
	cidrsErr error
}

func kcmConfigOf(c Component) kcmConfig {
	var k kcmConfig
	if s, ok := c.Setting("allocate-node-cidrs"); ok {
		b, err := strconv.ParseBool(s.Value)
		if err != nil {
			k.allocateErr = fmt.Sprintf("invalid argument %q for \"--allocate-node-cidrs\" flag: %v", s.Value, err)
		}
		k.allocate = b
	}
	k.cidrs, k.cidrsErr = kcmValidateCIDRs(flagValue(c, "cluster-cidr"))
	return k
}

// kcmValidateCIDRs is cmd/kube-controller-manager/app/core.go
// validateCIDRs (with processCIDRs).
func kcmValidateCIDRs(cidrsList string) ([]*net.IPNet, error) {
	cidrs, err := netutils.ParseCIDRs(strings.Split(strings.TrimSpace(cidrsList), ","))
	if err != nil {
		return nil, err
	}
	dual, _ := netutils.IsDualStackCIDRs(cidrs)
	if len(cidrs) > 1 && !dual {
		return nil, fmt.Errorf("len of ClusterCIDRs==%v and they are not configured as dual stack (at least one from each IPFamily", len(cidrs))
	}
	if len(cidrs) > 2 {
		return nil, fmt.Errorf("length of clusterCIDRs is:%v more than max allowed of 2", len(cidrs))
	}
	return cidrs, nil
}

// kcmNodeMasks is cmd/kube-controller-manager/app/core.go
// setNodeCIDRMaskSizes: the node mask per cluster CIDR, or the error and
// the flag it is about.
func kcmNodeMasks(c Component, cidrs []*net.IPNet) ([]int, string, error) {
	flags := map[string]int{}
	for _, name := range []string{"node-cidr-mask-size", "node-cidr-mask-size-ipv4", "node-cidr-mask-size-ipv6"} {
		s, ok := c.Setting(name)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(s.Value, 0, 32) // pflag Int32Var
		if err != nil {
			return nil, name, fmt.Errorf("invalid argument %q for \"--%s\" flag: %v", s.Value, name, err)
		}
		flags[name] = int(n) // 0 means unset upstream
	}
	sorted := func(v4, v6 int) []int {
		out := make([]int, len(cidrs))
		for i, cidr := range cidrs {
			if netutils.IsIPv6CIDR(cidr) {
				out[i] = v6
			} else {
				out[i] = v4
			}
		}
		return out
	}
	v4, v6 := 24, 64 // defaultNodeMaskCIDRIPv4, defaultNodeMaskCIDRIPv6
	legacy, m4, m6 := flags["node-cidr-mask-size"], flags["node-cidr-mask-size-ipv4"], flags["node-cidr-mask-size-ipv6"]
	if len(cidrs) > 1 {
		if legacy != 0 {
			return nil, "node-cidr-mask-size", errors.New("usage of --node-cidr-mask-size is not allowed with dual-stack clusters")
		}
		if m4 != 0 {
			v4 = m4
		}
		if m6 != 0 {
			v6 = m6
		}
		return sorted(v4, v6), "", nil
	}
	singleIPv6 := netutils.IsIPv6CIDR(cidrs[0])
	if legacy != 0 {
		if m4 != 0 || m6 != 0 {
			return nil, "node-cidr-mask-size", errors.New("usage of --node-cidr-mask-size-ipv4 and --node-cidr-mask-size-ipv6 is not allowed if --node-cidr-mask-size is set. For dual-stack clusters please unset it and use IPFamily specific flags")
		}
		return sorted(legacy, legacy), "", nil
	}
	if m4 != 0 {
		if singleIPv6 {
			return nil, "node-cidr-mask-size-ipv4", errors.New("usage of --node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster")
		}
		v4 = m4
	}
	if m6 != 0 {
		if !singleIPv6 {
			return nil, "node-cidr-mask-size-ipv6", errors.New("usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster")
		}
		v6 = m6
	}
	return sorted(v4, v6), "", nil
}

// kcmOff reports that node IPAM is off for an instance, or that the
// --allocate-node-cidrs value is invalid; it returns true when the
// caller has nothing more to check for the instance.
func kcmOff(c Component, k kcmConfig, r *Reporter, what string) bool {
	at := flagAt(c, "allocate-node-cidrs", ": false")
	switch {
	case k.allocateErr != "":
		r.Fail(flagSubject(c, "allocate-node-cidrs"), at, "%s", k.allocateErr)
		return true
	case !k.allocate:
		r.Pass(flagSubject(c, "allocate-node-cidrs"), at, "--allocate-node-cidrs is not true: node IPAM is off, %s not checked", what)
		return true
	}
	return false
}
