package check

import (
	netutils "k8s.io/utils/net"

	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// controllerManagerRules are the controllerManager rules, in report order.
var controllerManagerRules = []Rule{controllerManagerCIDRAllocatorType, controllerManagerClusterCIDR, controllerManagerServiceRange, controllerManagerNodeCIDRMask, controllerManagerServiceRangeMatchesAPIServer, controllerManagerPodServiceOverlap, controllerManagerClusterCIDRFamilies}

// cmd/kube-controller-manager/app/core.go newNodeIpamController (K1),
// pkg/controller/nodeipam/ipam/cidr_allocator.go New.
var controllerManagerCIDRAllocatorType = Rule{
	ID:        "controller-manager-cidr-allocator-type",
	Area:      "controller-manager",
	Title:     "kube-controller-manager --cidr-allocator-type is RangeAllocator",
	Severity:  Error,
	Reference: "RULES.md §2.2 K1; cmd/kube-controller-manager/app/core.go newNodeIpamController, pkg/controller/nodeipam/ipam/cidr_allocator.go New",
	Fix:       "unset --cidr-allocator-type (RangeAllocator), or let the cloud controller manager allocate node CIDRs",
	Needs:     []string{SourceControlPlane},
	Check:     checkKCMAllocatorType,
}

func checkKCMAllocatorType(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	for _, c := range kcms {
		k := kcmConfigOf(c)
		if !k.allocate {
			continue // the flag is only read with --allocate-node-cidrs
		}
		s, ok := c.Setting("cidr-allocator-type")
		if !ok {
			continue // RangeAllocator
		}
		subject := cpSubject(c, "cidr-allocator-type")
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

// cmd/kube-controller-manager/app/core.go validateCIDRs / processCIDRs
// (K2, K3, K4); pkg/controller/nodeipam/node_ipam_controller.go
// NewNodeIpamController (K10).
var controllerManagerClusterCIDR = Rule{
	ID:        "controller-manager-cluster-cidr",
	Area:      "controller-manager",
	Title:     "kube-controller-manager --cluster-cidr is one CIDR or a dual-stack pair",
	Severity:  Error,
	Reference: "RULES.md §2.2 K2/K3/K4/K10; cmd/kube-controller-manager/app/core.go validateCIDRs, processCIDRs; pkg/controller/nodeipam/node_ipam_controller.go NewNodeIpamController",
	Fix:       "set --cluster-cidr to one CIDR, or one IPv4 and one IPv6 CIDR separated by a comma",
	Needs:     []string{SourceControlPlane},
	Check:     checkKCMClusterCIDR,
}

func checkKCMClusterCIDR(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	for _, c := range kcms {
		k := kcmConfigOf(c)
		if kcmOff(c, k, r, "--cluster-cidr") {
			continue
		}
		if k.cidrsErr == nil {
			continue
		}
		at := cpAt(c, "cluster-cidr", "")
		msg := k.cidrsErr.Error()
		if strings.TrimSpace(at.Value) == "" {
			msg += "; Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set"
		}
		r.Fail(cpSubject(c, "cluster-cidr"), at, "%s", msg)
	}
}

// cmd/kube-controller-manager/app/options/nodeipamcontroller.go
// Validate; cmd/kube-controller-manager/app/core.go newNodeIpamController (K5).
var controllerManagerServiceRange = Rule{
	ID:        "controller-manager-service-range",
	Area:      "controller-manager",
	Title:     "kube-controller-manager --service-cluster-ip-range parses and is dual-stack when it has two entries",
	Severity:  Error,
	Reference: "RULES.md §2.1, §2.2 K5; cmd/kube-controller-manager/app/options/nodeipamcontroller.go Validate, cmd/kube-controller-manager/app/core.go newNodeIpamController",
	Fix:       "give kube-controller-manager the same --service-cluster-ip-range as kube-apiserver",
	Needs:     []string{SourceControlPlane},
	Check:     checkKCMServiceRange,
}

func checkKCMServiceRange(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	for _, c := range kcms {
		s, ok := c.Setting("service-cluster-ip-range")
		if !ok {
			continue
		}
		subject := cpSubject(c, "service-cluster-ip-range")
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

// cmd/kube-controller-manager/app/core.go setNodeCIDRMaskSizes (K6-K9),
// pkg/controller/nodeipam/node_ipam_controller.go NewNodeIpamController
// (K11), pkg/controller/nodeipam/ipam/cidrset/cidr_set.go NewCIDRSet
// (K12) (X13).
var controllerManagerNodeCIDRMask = Rule{
	ID:        "controller-manager-node-cidr-mask",
	Area:      "controller-manager",
	Title:     "kube-controller-manager node CIDR mask sizes fit the cluster CIDRs",
	Severity:  Error,
	Reference: "RULES.md §2.2 K6-K12, §9 X13; cmd/kube-controller-manager/app/core.go setNodeCIDRMaskSizes, pkg/controller/nodeipam/node_ipam_controller.go NewNodeIpamController, pkg/controller/nodeipam/ipam/cidrset/cidr_set.go NewCIDRSet",
	Fix:       "on dual-stack use --node-cidr-mask-size-ipv4/-ipv6 (not --node-cidr-mask-size); keep each node mask >= its cluster CIDR mask and, for IPv6, at most 16 bits longer",
	Needs:     []string{SourceControlPlane},
	Check:     checkKCMNodeMask,
}

func checkKCMNodeMask(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
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
			r.Fail(cpSubject(c, flag), cpAt(c, flag, ""), "%v", err)
			continue
		}
		at := cpAt(c, "cluster-cidr", "")
		subject := cpSubject(c, "cluster-cidr")
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
			if cidr.IP.To4() == nil && masks[i]-ones > 16 {
				r.Fail(subject, at, "New CIDR set failed; the node CIDR size is too big (%s with IPv6 node mask /%d: %d bits apart, at most 16 — use an IPv6 cluster CIDR of /%d or longer, or a node mask of /%d or shorter)", cidr, masks[i], masks[i]-ones, masks[i]-16, ones+16)
			}
		}
	}
}

// X1: cmd/kube-controller-manager/app/options/nodeipamcontroller.go
// (the same flag as kube-apiserver's); k0s issue #1319.
var controllerManagerServiceRangeMatchesAPIServer = Rule{
	ID:        "controller-manager-service-range-matches-apiserver",
	Area:      "controller-manager",
	Title:     "kube-controller-manager --service-cluster-ip-range equals kube-apiserver's",
	Severity:  Warning,
	Reference: "RULES.md §2.1, §9 X1; cmd/kube-controller-manager/app/options/nodeipamcontroller.go ApplyTo, cmd/kube-apiserver/app/options/options.go",
	Fix:       "give kube-controller-manager exactly kube-apiserver's --service-cluster-ip-range (same entries, same order)",
	Needs:     []string{SourceControlPlane},
	Check:     checkKCMServiceRangeMatches,
}

func checkKCMServiceRangeMatches(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	ref, refAt, ok := cpReferenceServiceRanges(f)
	if !ok {
		cpNothing(r, ControllerManager, "kube-apiserver's service range is unknown: nothing to compare")
		return
	}
	for _, c := range kcms {
		s, ok := c.Setting("service-cluster-ip-range")
		if !ok || s.Value == "" {
			continue
		}
		if got := cpNormalize(strings.Split(s.Value, ",")); !slices.Equal(got, ref) {
			r.Fail(cpSubject(c, "service-cluster-ip-range"), s, "kube-controller-manager --service-cluster-ip-range %s differs from kube-apiserver's %s (%s): both must list the same ranges in the same order", strings.Join(got, ","), strings.Join(ref, ","), refAt.Source)
		}
	}
}

// X5: cmd/kube-apiserver/app/options/options.go (flag help: "must not
// overlap"), pkg/controller/nodeipam/ipam/range_allocator.go
// filterOutServiceRange.
var controllerManagerPodServiceOverlap = Rule{
	ID:        "controller-manager-pod-service-overlap",
	Area:      "controller-manager",
	Title:     "Pod CIDRs and service CIDRs do not overlap",
	Severity:  Warning,
	Reference: "RULES.md §1.1, §2.3, §9 X5; cmd/kube-apiserver/app/options/options.go (--service-cluster-ip-range help), pkg/controller/nodeipam/ipam/range_allocator.go filterOutServiceRange",
	Fix:       "choose pod and service ranges that do not overlap (pods and services need disjoint address space)",
	Check:     checkPodServiceOverlap,
}

func checkPodServiceOverlap(f *Facts, r *Reporter) {
	var pods, services []cpNamedCIDR
	for _, c := range f.ComponentsOf(ControllerManager) {
		pods = cpAddCIDRs(pods, cpValue(c, "cluster-cidr"), cpSubject(c, "cluster-cidr"), cpAt(c, "cluster-cidr", ""))
	}
	if k := f.Kubeadm; k != nil && k.PodSubnet != nil {
		pods = cpAddCIDRs(pods, k.PodSubnet.Value, "kubeadm networking.podSubnet", *k.PodSubnet)
	}
	for _, c := range f.ComponentsOf(KubeProxy) {
		pods = cpAddCIDRs(pods, cpValue(c, "cluster-cidr"), cpSubject(c, "cluster-cidr"), cpAt(c, "cluster-cidr", ""))
	}
	for _, c := range f.ComponentsOf(APIServer) {
		rg := apiserverRangesOf(c)
		services = cpAddCIDRs(services, strings.Join(rg.effective, ","), cpSubject(c, "service-cluster-ip-range"), rg.at)
	}
	for _, c := range f.ComponentsOf(ControllerManager) {
		services = cpAddCIDRs(services, cpValue(c, "service-cluster-ip-range"), cpSubject(c, "service-cluster-ip-range"), cpAt(c, "service-cluster-ip-range", ""))
	}
	if k := f.Kubeadm; k != nil && k.ServiceSubnet != nil {
		services = cpAddCIDRs(services, k.ServiceSubnet.Value, "kubeadm networking.serviceSubnet", *k.ServiceSubnet)
	}
	if len(pods) == 0 || len(services) == 0 {
		if why := cpUnavailable(f, SourceControlPlane, SourceKubeadm, SourceKubeProxy); why != "" {
			r.Skip("cluster", "pod or service ranges unknown: "+why)
			return
		}
		cpNothing(r, "cluster", "pod or service ranges unknown: nothing to compare")
		return
	}
	for _, p := range pods {
		for _, s := range services {
			switch {
			case cpCovers(s.n, p.n):
				r.FailWith(Error, p.subject, p.at, "pod CIDR %s lies inside service CIDR %s (%s): node IPAM filters the service range out and has nothing left to allocate (CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range)", p.n, s.n, s.at.Source)
			case cpOverlap(p.n, s.n):
				r.Fail(p.subject, p.at, "pod CIDR %s overlaps service CIDR %s (%s): the service range \"must not overlap with any IP ranges assigned to nodes or pods\" (kube-apiserver --service-cluster-ip-range help)", p.n, s.n, s.at.Source)
			}
		}
	}
}

// cpNamedCIDR is a CIDR and where it was configured.
type cpNamedCIDR struct {
	n       *net.IPNet
	subject string
	at      Setting
}

// cpAddCIDRs appends the parsable entries of a list, skipping CIDRs
// already present.
func cpAddCIDRs(list []cpNamedCIDR, value, subject string, at Setting) []cpNamedCIDR {
	for _, n := range cpParseList(value) {
		if !slices.ContainsFunc(list, func(x cpNamedCIDR) bool { return x.n.String() == n.String() }) {
			list = append(list, cpNamedCIDR{n: n, subject: subject, at: at})
		}
	}
	return list
}

// Node IPAM gives each node one podCIDR per --cluster-cidr entry, in
// that order (range_allocator.go occupyCIDRs; kubeadm and kind pass
// their podSubnet on): pods get only the cluster CIDR's families, and
// node.spec.podCIDR is of its first. Neither kubeadm nor kind compares
// it with the service ranges. KEP-563: the first entry of each
// dual-stack setting is the primary family.
var controllerManagerClusterCIDRFamilies = Rule{
	ID:        "controller-manager-cluster-cidr-families",
	Area:      "controller-manager",
	Title:     "The cluster CIDR (--cluster-cidr, kubeadm's podSubnet) has the service ranges' families, primary first",
	Severity:  Error,
	Reference: "RULES.md §2.3, §7.1, §9 X4/X6/X7/X8; KEP-563 (first entry = primary family), pkg/controller/nodeipam/ipam/range_allocator.go occupyCIDRs",
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
		pods = append(pods, podCIDR{cpSubject(c, "cluster-cidr"), cpAt(c, "cluster-cidr", "")})
	}
	if k := f.Kubeadm; len(pods) == 0 && k != nil && k.PodSubnet != nil {
		pods = append(pods, podCIDR{"kubeadm networking.podSubnet", *k.PodSubnet})
	}
	services, servicesAt, known := f.ServiceRanges() // falls back to kubeadm's serviceSubnet
	if len(pods) == 0 || !known {
		if why := cpUnavailable(f, SourceControlPlane, SourceKubeadm, SourceServiceCIDRs); why != "" {
			r.Skip("cluster", "cluster CIDR or service ranges unknown: "+why)
			return
		}
		cpNothing(r, "cluster", "cluster CIDR or service ranges unknown: nothing to compare")
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
	k.cidrs, k.cidrsErr = kcmValidateCIDRs(cpValue(c, "cluster-cidr"))
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
	at := cpAt(c, "allocate-node-cidrs", ": false")
	switch {
	case k.allocateErr != "":
		r.Fail(cpSubject(c, "allocate-node-cidrs"), at, "%s", k.allocateErr)
		return true
	case !k.allocate:
		r.Pass(cpSubject(c, "allocate-node-cidrs"), at, "--allocate-node-cidrs is not true: node IPAM is off, %s not checked", what)
		return true
	}
	return false
}
