package plan

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// Options are what the user asks of the plan, and what the caller found
// out about admission.
type Options struct {
	// ServiceCIDR and PodCIDR are the new family's ranges (--service-cidr,
	// --pod-cidr); empty, the cluster's own or a proposal.
	ServiceCIDR, PodCIDR string
	Admission            AdmissionState
	// FilesOnly says the facts come from configuration files alone: the
	// nodes, pods and Services are not missing, only not planned.
	FilesOnly bool
}

// Build computes the plan from the facts. Only the pods are streamed; an
// error is either an *InputError (what the user gave) or what ended the pod
// stream.
func Build(facts *check.Facts, opts Options) (*Plan, error) {
	fams := facts.Families()
	if len(fams) == 0 {
		return nil, errors.New(unknownFamilies(facts))
	}
	p := &planner{facts: facts, opts: opts, primary: fams[0], adding: dualstack.OtherFamily(fams[0])}
	p.plan = &Plan{
		Stack:             stackName(fams),
		Families:          familyStrings(fams),
		Target:            familyStrings([]corev1.IPFamily{p.primary, p.adding}),
		KubernetesVersion: facts.ServerVersion,
		Distribution:      facts.Distribution,
		Steps:             []Step{},
	}
	if len(fams) == 1 {
		p.plan.Adding = string(p.adding)
	}
	if note, ok := distributionNotes[facts.Distribution]; ok && len(fams) == 1 {
		p.note("%s", note)
	}
	if err := p.ranges(); err != nil {
		return nil, err
	}
	if opts.FilesOnly {
		p.note("From configuration files the plan covers the configuration; the steps for nodes, pods and Services need the cluster: run kubectl dualstack plan against it once its control plane is dual-stack.")
	}
	p.controlPlane()
	p.kubeProxy()
	cni, err := p.pods()
	if err != nil {
		return nil, err
	}
	p.cni(cni)
	p.nodes()
	p.services()
	p.admission()
	p.finish()
	return p.plan, nil
}

// planner holds what the steps share while they are computed. Each
// section adds its steps; finish orders and numbers them.
type planner struct {
	facts           *check.Facts
	opts            Options
	primary, adding corev1.IPFamily
	// The added family's ranges and node mask.
	serviceRange, podRange netip.Prefix
	nodeMask               int
	// nodeIPAM says whether node IPAM allocates pod ranges
	// (--allocate-node-cidrs), as far as the facts tell.
	nodeIPAM bool

	sections [numSections][]Step
	pending  []Workload // pods to recreate, filled by pods()
	plan     *Plan
}

// Sections, in the order their steps are done: the control plane first,
// so that each later step finds what it needs already served.
const (
	secControlPlane = iota
	secNodeProxy
	secCNI
	secNodes
	secPods
	secServices
	secAdmission
	numSections
)

func (p *planner) add(sec int, s Step) { p.sections[sec] = append(p.sections[sec], s) }

func (p *planner) gap(step, reason string) {
	p.plan.NotComputed = append(p.plan.NotComputed, Gap{Step: step, Reason: reason})
}

func (p *planner) note(format string, args ...any) {
	p.plan.Notes = append(p.plan.Notes, fmt.Sprintf(format, args...))
}

// finish orders the steps, makes their IDs unique (two kube-proxy
// configurations of a k3s server and agent: each gets its instance), and
// adds the final verification, unless there is nothing to do.
func (p *planner) finish() {
	seen := map[string]int{}
	for _, sec := range p.sections {
		for _, s := range sec {
			seen[s.ID]++
		}
	}
	for _, sec := range p.sections {
		for _, s := range sec {
			if seen[s.ID] > 1 && s.Flags != nil && len(s.Flags.Instances) == 1 {
				s.ID += "-" + s.Flags.Instances[0]
			}
			p.plan.Steps = append(p.plan.Steps, s)
		}
	}
	if len(p.plan.Steps) == 0 {
		return
	}
	p.plan.Steps = append(p.plan.Steps, Step{
		ID: "verify", Kind: KindVerify, Target: "the cluster",
		Change:    "run kubectl dualstack check --expect=dual: it exits 0 when every component, node, pod and Service agrees on both families",
		Reason:    "each step above is verified on its own; the audit checks that they agree with each other",
		Reference: "https://kubernetes.io/docs/tasks/network/validate-dual-stack/",
		Verify:    "kubectl dualstack check --expect=dual",
	})
}

// unavailable says why any of sources could not be read, "" when all were.
func (p *planner) unavailable(sources ...check.Source) string {
	var out []string
	for _, s := range sources {
		if why, ok := p.facts.Unavailable[s]; ok {
			out = append(out, string(s)+": "+why)
		}
	}
	return strings.Join(out, "; ")
}

func unknownFamilies(f *check.Facts) string {
	msg := "cannot plan: the cluster's IP families are unknown (no kube-apiserver --service-cluster-ip-range, ServiceCIDR kubernetes or kubeadm serviceSubnet could be read)"
	var why []string
	for _, s := range []check.Source{check.SourceControlPlane, check.SourceServiceCIDRs, check.SourceKubeadm} {
		if r, ok := f.Unavailable[s]; ok {
			why = append(why, string(s)+": "+r)
		}
	}
	if len(why) > 0 {
		msg += ": " + strings.Join(why, "; ")
	}
	return msg
}

func stackName(fams []corev1.IPFamily) string {
	if len(fams) == 1 {
		return "single-stack " + string(fams[0])
	}
	return "dual-stack " + string(fams[0]) + "-primary"
}

func familyStrings(fams []corev1.IPFamily) []string {
	out := make([]string, len(fams))
	for i, f := range fams {
		out[i] = string(f)
	}
	return out
}

// splitCIDRs parses a comma-separated CIDR list, skipping what does not
// parse (check reports that).
func splitCIDRs(value string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range strings.Split(value, ",") {
		if p, err := netip.ParsePrefix(strings.TrimSpace(s)); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}

// ofFamily returns the first prefix of fam.
func ofFamily(prefixes []netip.Prefix, fam corev1.IPFamily) (netip.Prefix, bool) {
	for _, q := range prefixes {
		if dualstack.FamilyOfPrefix(q) == fam {
			return q, true
		}
	}
	return netip.Prefix{}, false
}

// withAdded is value with the added family's range after its first entry,
// unless it has one already: the primary range always stays first.
func withAdded(value string, added netip.Prefix) string {
	entries := strings.Split(value, ",")
	return strings.TrimSpace(entries[0]) + "," + added.String()
}

func nodeCount(f *check.Facts) int { return max(len(f.Nodes), 1) }

// ranges settles the added family's service and pod ranges: the cluster's
// own when a component has them, else the user's, else proposed.
func (p *planner) ranges() error {
	u := p.usedRanges()
	p.nodeMask = defaultNodeMask[p.adding]
	for _, kcm := range p.facts.ComponentsOf(check.ControllerManager) {
		if s, ok := kcm.Setting("node-cidr-mask-size-" + strings.ToLower(string(p.adding))); ok {
			fmt.Sscan(s.Value, &p.nodeMask)
		}
	}
	existingSvc, svcWhere := p.existing(true)
	existingPod, podWhere := p.existing(false)
	var err error
	given := func(flag, value string, existing netip.Prefix, where string) (netip.Prefix, error) {
		if value == "" {
			return existing, nil
		}
		q, err := parseGiven(flag, value, p.adding)
		if err != nil {
			return q, err
		}
		if existing.IsValid() && existing != q {
			return q, inputErrorf("--%s %s conflicts with the cluster's %s range %s (%s): the plan keeps ranges a component already uses", flag, q, p.adding, existing, where)
		}
		if !existing.IsValid() {
			if what := u.overlap(q); what != "" {
				return q, inputErrorf("--%s %s overlaps %s", flag, q, what)
			}
		}
		return q, nil
	}
	if p.serviceRange, err = given("service-cidr", p.opts.ServiceCIDR, existingSvc, svcWhere); err != nil {
		return err
	}
	if p.podRange, err = given("pod-cidr", p.opts.PodCIDR, existingPod, podWhere); err != nil {
		return err
	}
	if p.serviceRange.IsValid() && p.podRange.IsValid() && p.serviceRange.Overlaps(p.podRange) {
		return inputErrorf("the service range %s and the pod range %s overlap", p.serviceRange, p.podRange)
	}
	origin := func(value string, existing netip.Prefix) string {
		switch {
		case existing.IsValid():
			return OriginCluster
		case value != "":
			return OriginGiven
		}
		return OriginProposed
	}
	svcOrigin, podOrigin := origin(p.opts.ServiceCIDR, existingSvc), origin(p.opts.PodCIDR, existingPod)
	if !p.serviceRange.IsValid() || !p.podRange.IsValid() {
		if p.podRange.IsValid() {
			u.add(p.podRange.String(), "the pod range "+p.podRange.String())
		}
		if p.serviceRange.IsValid() {
			u.add(p.serviceRange.String(), "the service range "+p.serviceRange.String())
		}
		var pods, services netip.Prefix
		if p.adding == corev1.IPv6Protocol {
			pods, services, err = proposeIPv6(p.seed(), nodeCount(p.facts), p.nodeMask, u)
		} else {
			pods, services, err = proposeIPv4(nodeCount(p.facts), p.nodeMask, u)
		}
		if err != nil {
			return err
		}
		if !p.serviceRange.IsValid() {
			p.serviceRange = services
		}
		if !p.podRange.IsValid() {
			p.podRange = pods
		}
	}
	if svcOrigin != OriginCluster {
		if err := checkServiceRange("service-cidr", p.serviceRange, p.facts.ServerVersion); err != nil {
			return err
		}
	}
	if podOrigin != OriginCluster {
		if err := checkPodRange("pod-cidr", p.podRange, p.nodeMask); err != nil {
			return err
		}
	}
	p.plan.Ranges = append(p.primaryRanges(),
		serviceRangeOf(p.serviceRange, svcOrigin),
		p.podRangeOf(p.podRange, p.nodeMask, podOrigin))
	if svcOrigin == OriginProposed || podOrigin == OriginProposed {
		p.note("The %s ranges marked proposed were chosen to overlap nothing the cluster uses; give --service-cidr and --pod-cidr to use your own.", p.adding)
	}
	return nil
}

func serviceRangeOf(q netip.Prefix, origin string) Range {
	addrs, sums := serviceCapacity(q)
	return Range{Purpose: "services", Family: string(dualstack.FamilyOfPrefix(q)), CIDR: q.String(), Origin: origin, Addresses: addrs, Arithmetic: sums}
}

func (p *planner) podRangeOf(q netip.Prefix, mask int, origin string) Range {
	nodes, sums := nodeCapacity(q, mask, len(p.facts.Nodes))
	return Range{Purpose: "pods", Family: string(dualstack.FamilyOfPrefix(q)), CIDR: q.String(), Origin: origin, NodeMask: mask, Nodes: nodes, Arithmetic: sums}
}

// primaryRanges are the primary family's service and pod ranges, as far
// as the facts tell: the first service range, and the first pod range of
// the controller-manager, kubeadm or kube-proxy.
func (p *planner) primaryRanges() []Range {
	var out []Range
	if value, ok := p.serviceRanges(); ok {
		if q, ok := ofFamily(splitCIDRs(value), p.primary); ok {
			out = append(out, serviceRangeOf(q, OriginCluster))
		}
	}
	var pods []string
	mask := defaultNodeMask[p.primary]
	for _, kcm := range p.facts.ComponentsOf(check.ControllerManager) {
		if s, ok := kcm.Setting("cluster-cidr"); ok {
			pods = append(pods, s.Value)
		}
		for _, flag := range []string{"node-cidr-mask-size", "node-cidr-mask-size-" + strings.ToLower(string(p.primary))} {
			if s, ok := kcm.Setting(flag); ok {
				fmt.Sscan(s.Value, &mask)
			}
		}
	}
	if k := p.facts.Kubeadm; k != nil && k.PodSubnet != nil {
		pods = append(pods, k.PodSubnet.Value)
	}
	for _, proxy := range p.facts.ComponentsOf(check.KubeProxy) {
		if s, ok := proxy.Setting("cluster-cidr"); ok {
			pods = append(pods, s.Value)
		}
	}
	for _, value := range pods {
		if q, ok := ofFamily(splitCIDRs(value), p.primary); ok && mask >= q.Bits() && mask-q.Bits() < 64 {
			return append(out, p.podRangeOf(q, mask, OriginCluster))
		}
	}
	return out
}

func (p *planner) serviceRanges() (string, bool) {
	_, at, ok := p.facts.ServiceRanges()
	return at.Value, ok
}

// existing is the added family's service (or pod) range a component or
// kubeadm already has, and where it was read.
func (p *planner) existing(services bool) (netip.Prefix, string) {
	type source struct{ kind, flag string }
	sources := []source{{check.ControllerManager, "cluster-cidr"}, {check.KubeProxy, "cluster-cidr"}}
	if services {
		sources = []source{{check.APIServer, "service-cluster-ip-range"}, {check.ControllerManager, "service-cluster-ip-range"}}
	}
	for _, src := range sources {
		for _, c := range p.facts.ComponentsOf(src.kind) {
			if s, ok := c.Setting(src.flag); ok {
				if q, ok := ofFamily(splitCIDRs(s.Value), p.adding); ok {
					return q, cmp.Or(s.Source, c.Source)
				}
			}
		}
	}
	if k := p.facts.Kubeadm; k != nil {
		at := k.PodSubnet
		if services {
			at = k.ServiceSubnet
		}
		if at != nil {
			if q, ok := ofFamily(splitCIDRs(at.Value), p.adding); ok {
				return q, at.Source
			}
		}
	}
	if services {
		for _, sc := range p.facts.ServiceCIDRs {
			if q, ok := ofFamily(splitCIDRs(strings.Join(sc.CIDRs, ",")), p.adding); ok {
				return q, "ServiceCIDR " + sc.Name
			}
		}
	}
	return netip.Prefix{}, ""
}

// usedRanges collects every range and address the cluster uses.
func (p *planner) usedRanges() *used {
	u := &used{}
	for _, c := range p.facts.Components {
		for _, flag := range []string{"service-cluster-ip-range", "cluster-cidr"} {
			if s, ok := c.Setting(flag); ok {
				for _, q := range splitCIDRs(s.Value) {
					u.add(q.String(), fmt.Sprintf("%s %s (%s)", c.Kind, flag, q))
				}
			}
		}
	}
	for _, sc := range p.facts.ServiceCIDRs {
		for _, c := range sc.CIDRs {
			u.add(c, fmt.Sprintf("ServiceCIDR %s (%s)", sc.Name, c))
		}
	}
	for i := range p.facts.Nodes {
		n := &p.facts.Nodes[i]
		for _, c := range n.Spec.PodCIDRs {
			u.add(c, fmt.Sprintf("node %s's pod range %s", n.Name, c))
		}
		for _, a := range n.Status.Addresses {
			if a.Type == corev1.NodeInternalIP || a.Type == corev1.NodeExternalIP {
				u.add(a.Address, fmt.Sprintf("node %s's address %s", n.Name, a.Address))
			}
		}
	}
	return u
}

// seed makes the IPv6 proposal stable for a cluster: its service ranges,
// which never change while it runs.
func (p *planner) seed() string {
	_, at, _ := p.facts.ServiceRanges()
	return at.Value
}
