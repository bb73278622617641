package summary

import (
	"cmp"
	"errors"
	"slices"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// Options say what to count and how to group it.
type Options struct {
	Namespace string          // "" for every namespace
	Selector  labels.Selector // of the objects counted; nil for all
	By        string          // ByNamespace (the default) or ByOwner
	// Exemptions are the configured ones (a configuration file's),
	// besides the objects' and their namespaces' annotations.
	Exemptions []check.Exemption
	// Config names the file they came from, for the output.
	Config string
	// Owners are what ByOwner follows from ReplicaSets and Jobs to their
	// own owners (ReadOwners); nil groups by the direct controller.
	Owners *Owners
}

// The rule whose exemptions an object without both families is counted
// exempt by: the one that reports such an object (for Services of any
// policy, the rule about Services lacking a family).
const (
	rulePods          = "pods-dual-stack-ips"
	ruleServices      = "services-prefer-dual-stack-single-family"
	ruleLoadBalancers = "loadbalancers-service-families"
	ruleIngresses     = "loadbalancers-ingress-families"
	rulePolicies      = "networkpolicies-ipblock-families"
)

// Compute counts the facts' objects, streaming the pods once. The error
// is the pod stream's when the server cannot be talked to; pods that may
// not be listed are unknown.
func Compute(f *check.Facts, opts Options) (*Summary, error) {
	c := &counter{facts: f, opts: opts, exemptions: check.NewExemptions(opts.Exemptions, f.Namespaces), groups: map[groupKey]*tally{}, unknown: map[check.Source]string{}}
	for _, s := range summarySources {
		if why, ok := f.Unavailable[s.source]; ok {
			c.unknown[s.source] = why
		}
	}
	if opts.Owners != nil {
		for source, why := range opts.Owners.Unavailable {
			c.unknown[source] = why
		}
	}
	c.countServices()
	c.countIngresses()
	c.countPolicies()
	if err := c.countPods(); err != nil {
		return nil, err
	}
	return c.summary(), nil
}

// summarySources are the sources summary reads, and the fields each leaves
// null when it could not be read, in the order Summary.Unknown lists them.
var summarySources = []struct {
	source  check.Source
	affects []string
}{
	{check.SourcePods, []string{"pods", "exempt", "readiness"}},
	{check.SourceServices, []string{"services", "loadBalancers", "exempt", "readiness"}},
	{check.SourceSlices, []string{"services.backendsMissingFamily", "readiness"}},
	{check.SourceIngresses, []string{"ingresses", "exempt", "readiness"}},
	{check.SourcePolicies, []string{"networkPolicies", "exempt", "readiness"}},
	{check.SourceNamespaces, []string{"exempt", "readiness"}},
	{check.SourceReplicaSets, []string{"groups (a ReplicaSet's pods are grouped under it, not under its Deployment)"}},
	{check.SourceJobs, []string{"groups (a Job's pods are grouped under it, not under its CronJob)"}},
	{check.SourceNodes, []string{"cluster.podRanges"}},
	{check.SourceServiceCIDRs, []string{"cluster.serviceAddresses"}},
	{check.SourceIPAddresses, []string{"cluster.serviceAddresses"}},
	{check.SourceCNI, []string{"cluster.cni"}},
}

// counter is one computation: a tally per group, and the sources that
// could not be read.
type counter struct {
	facts      *check.Facts
	opts       Options
	exemptions *check.Exemptions
	groups     map[groupKey]*tally
	unknown    map[check.Source]string
}

type groupKey struct{ namespace, kind, name string }

// tally is one group's counts as they are made.
type tally struct {
	namespace string
	owner     *Owner
	pods      Pods
	services  Services
	backends  int
	lbs       Ratio
	ingresses Ratio
	policies  NetworkPolicies
	exempt    Exempt
	notDual   Names
}

func (c *counter) known(sources ...check.Source) bool {
	for _, s := range sources {
		if _, ok := c.unknown[s]; ok {
			return false
		}
	}
	return true
}

// selected says whether an object is counted: in the namespace, matching
// the selector.
func (c *counter) selected(m *metav1.ObjectMeta) bool {
	if c.opts.Namespace != "" && m.Namespace != c.opts.Namespace {
		return false
	}
	return c.opts.Selector == nil || c.opts.Selector.Matches(labels.Set(m.Labels))
}

// group is the tally an object counts in.
func (c *counter) group(m *metav1.ObjectMeta) *tally {
	var owner *Owner
	if c.opts.By == ByOwner {
		owner = c.opts.Owners.groupOf(m)
	}
	key := groupKey{namespace: m.Namespace}
	if owner != nil {
		key.kind, key.name = owner.Kind, owner.Name
	}
	t := c.groups[key]
	if t == nil {
		t = &tally{namespace: m.Namespace, owner: owner}
		c.groups[key] = t
	}
	return t
}

// exempt says whether an exemption covers the object for the rule.
func (c *counter) exempt(ruleID, kind string, m *metav1.ObjectMeta) bool {
	_, exempt, _ := c.exemptions.Reason(ruleID, check.Object{Kind: kind, Namespace: m.Namespace, Name: m.Name, Labels: m.Labels, Annotations: m.Annotations})
	return exempt
}

// lacking counts an object without both families in t: exempt from the
// rule, or named.
func (c *counter) lacking(t *tally, ruleID, kind, name string, m *metav1.ObjectMeta, exempt *int) {
	if c.exempt(ruleID, kind, m) {
		*exempt++
		return
	}
	t.name(name)
}

// name adds to the names of what lacks a family, up to MaxNames.
func (t *tally) name(name string) {
	if len(t.notDual.Names) < MaxNames {
		t.notDual.Names = append(t.notDual.Names, name)
	} else {
		t.notDual.More++
	}
}

func (c *counter) countServices() {
	f := c.facts
	if !c.known(check.SourceServices) {
		return
	}
	bySvc := map[string][]dualstack.Slice{}
	for i := range f.EndpointSlices {
		s := &f.EndpointSlices[i]
		if name := s.Labels[discoveryv1.LabelServiceName]; name != "" {
			bySvc[s.Namespace+"/"+name] = append(bySvc[s.Namespace+"/"+name], s.Slice)
		}
	}
	for i := range f.Services {
		svc := &f.Services[i]
		m := &svc.ObjectMeta
		if !c.selected(m) || svc.Spec.Type == corev1.ServiceTypeExternalName || (m.Namespace == metav1.NamespaceDefault && m.Name == "kubernetes") {
			continue // default/kubernetes is the API server's own, SingleStack whatever anyone does
		}
		t := c.group(m)
		dual := dualService(svc)
		switch {
		case svc.Spec.ClusterIP == corev1.ClusterIPNone:
			t.services.Headless.Total++
			if dual {
				t.services.Headless.Dual++
			}
		case dual:
			t.services.Dual++
		case svc.Spec.IPFamilyPolicy != nil && *svc.Spec.IPFamilyPolicy == corev1.IPFamilyPolicyPreferDualStack:
			t.services.PreferButSingle++
		default:
			t.services.Single++
		}
		switch {
		case !dual:
			c.lacking(t, ruleServices, "service", "service/"+m.Name, m, &t.exempt.Services)
		case c.known(check.SourceSlices) && len(check.BackendsMissingFamily(svc, bySvc[m.Namespace+"/"+m.Name])) > 0:
			t.backends++ // a dual-stack Service: its pods are what lack a family
			t.name("service/" + m.Name + " (backends)")
		}
		if svc.Spec.Type == corev1.ServiceTypeLoadBalancer {
			t.lbs.Total++
			if check.PublishesBothFamilies(svc) {
				t.lbs.Dual++
			} else {
				c.lacking(t, ruleLoadBalancers, "service", "service/"+m.Name+" (load balancer)", m, &t.exempt.LoadBalancers)
			}
		}
	}
}

// dualService: RequireDualStack, or PreferDualStack with both families.
func dualService(svc *corev1.Service) bool {
	p := svc.Spec.IPFamilyPolicy
	fams := svc.Spec.IPFamilies
	return p != nil && *p != corev1.IPFamilyPolicySingleStack &&
		slices.Contains(fams, corev1.IPv4Protocol) && slices.Contains(fams, corev1.IPv6Protocol)
}

func (c *counter) countIngresses() {
	if !c.known(check.SourceIngresses) {
		return
	}
	for i := range c.facts.Ingresses {
		ing := &c.facts.Ingresses[i]
		if !c.selected(&ing.ObjectMeta) {
			continue
		}
		t := c.group(&ing.ObjectMeta)
		t.ingresses.Total++
		if check.IngressPublishesBothFamilies(ing) {
			t.ingresses.Dual++
			continue
		}
		c.lacking(t, ruleIngresses, "ingress", "ingress/"+ing.Name, &ing.ObjectMeta, &t.exempt.Ingresses)
	}
}

func (c *counter) countPolicies() {
	if !c.known(check.SourcePolicies) {
		return
	}
	for i := range c.facts.NetworkPolicies {
		p := &c.facts.NetworkPolicies[i]
		m := &p.Policy.ObjectMeta
		if !c.selected(m) {
			continue
		}
		t := c.group(m)
		t.policies.Total++
		if !p.HasIPBlocks() {
			continue
		}
		t.policies.WithIPBlocks++
		if len(check.PolicyFamilyGaps(p)) > 0 {
			t.policies.OneFamily++
			c.lacking(t, rulePolicies, "networkpolicy", "networkpolicy/"+m.Name, m, &t.exempt.NetworkPolicies)
		}
	}
}

// countPods streams the Running pods: a pod is dual with an IP address of
// each family.
func (c *counter) countPods() error {
	if c.facts.Pods == nil {
		c.unknown[check.SourcePods] = "not read"
		return nil
	}
	err := c.facts.Pods(func(pod *corev1.Pod) error {
		if pod.Status.Phase != corev1.PodRunning || !c.selected(&pod.ObjectMeta) {
			return nil
		}
		t := c.group(&pod.ObjectMeta)
		t.pods.Running++
		if dualPod(pod) {
			t.pods.Dual++
			return nil
		}
		c.lacking(t, rulePods, "pod", "pod/"+pod.Name, &pod.ObjectMeta, &t.exempt.Pods)
		return nil
	})
	var unavailable check.UnavailableError
	if errors.As(err, &unavailable) {
		c.unknown[check.SourcePods] = live.Unreadable(unavailable.Err)
		return nil
	}
	return err
}

func dualPod(pod *corev1.Pod) bool {
	var v4, v6 bool
	for _, ip := range pod.Status.PodIPs {
		switch dualstack.FamilyOf(ip.IP) {
		case corev1.IPv4Protocol:
			v4 = true
		case corev1.IPv6Protocol:
			v6 = true
		}
	}
	return v4 && v6
}

// summary turns the tallies into the groups, worst first, and the total.
func (c *counter) summary() *Summary {
	s := &Summary{Cluster: clusterOf(c.facts), Scope: Scope{Namespace: c.opts.Namespace, By: cmp.Or(c.opts.By, ByNamespace), Config: c.opts.Config}, Groups: []Group{}, Unknown: []Unknown{}}
	if c.opts.Selector != nil {
		s.Scope.Selector = c.opts.Selector.String()
	}
	var total tally
	for _, t := range c.groups {
		if t.notDual.Names == nil {
			t.notDual.Names = []string{}
		}
		s.Groups = append(s.Groups, Group{Namespace: t.namespace, Owner: t.owner, Counts: c.counts(t), NotDual: t.notDual})
		total.add(t)
	}
	slices.SortFunc(s.Groups, worstFirst)
	s.Total = c.counts(&total)
	for _, src := range summarySources {
		if why, ok := c.unknown[src.source]; ok {
			s.Unknown = append(s.Unknown, Unknown{Source: string(src.source), Reason: why, Affects: src.affects})
		}
	}
	s.Complete = len(s.Unknown) == 0
	return s
}

// counts are a tally's counts, nil where a source is unknown.
func (c *counter) counts(t *tally) Counts {
	var out Counts
	if c.known(check.SourcePods) {
		out.Pods = &t.pods
	}
	if c.known(check.SourceServices) {
		services := t.services
		if c.known(check.SourceSlices) {
			services.BackendsMissingFamily = &t.backends
		}
		out.Services, out.LoadBalancers = &services, &t.lbs
	}
	if c.known(check.SourceIngresses) {
		out.Ingresses = &t.ingresses
	}
	if c.known(check.SourcePolicies) {
		out.NetworkPolicies = &t.policies
	}
	if c.known(check.SourcePods, check.SourceServices, check.SourceIngresses, check.SourcePolicies, check.SourceNamespaces) {
		out.Exempt = &t.exempt
	}
	out.Readiness = readiness(out)
	return out
}

// add sums another tally's counts into t.
func (t *tally) add(o *tally) {
	t.pods.Running += o.pods.Running
	t.pods.Dual += o.pods.Dual
	t.services.Dual += o.services.Dual
	t.services.PreferButSingle += o.services.PreferButSingle
	t.services.Single += o.services.Single
	t.services.Headless.Dual += o.services.Headless.Dual
	t.services.Headless.Total += o.services.Headless.Total
	t.backends += o.backends
	t.lbs.Dual += o.lbs.Dual
	t.lbs.Total += o.lbs.Total
	t.ingresses.Dual += o.ingresses.Dual
	t.ingresses.Total += o.ingresses.Total
	t.policies.Total += o.policies.Total
	t.policies.WithIPBlocks += o.policies.WithIPBlocks
	t.policies.OneFamily += o.policies.OneFamily
	t.exempt.Pods += o.exempt.Pods
	t.exempt.Services += o.exempt.Services
	t.exempt.LoadBalancers += o.exempt.LoadBalancers
	t.exempt.Ingresses += o.exempt.Ingresses
	t.exempt.NetworkPolicies += o.exempt.NetworkPolicies
}

// worstFirst orders groups by readiness, lowest first (groups with
// nothing counted, then those whose readiness is unknown, last), then by
// how many items are not ready, most first, then by name.
func worstFirst(a, b Group) int {
	rank := func(g Group) (int, int, int) {
		r := g.Readiness
		switch {
		case r == nil:
			return 2, 0, 0
		case r.Percent == nil:
			return 1, 0, 0
		}
		return 0, *r.Percent, r.Ready - r.Counted
	}
	ra, pa, na := rank(a)
	rb, pb, nb := rank(b)
	return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(pa, pb), cmp.Compare(na, nb),
		cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(ownerName(a.Owner), ownerName(b.Owner)))
}

func ownerName(o *Owner) string {
	if o == nil {
		return ""
	}
	return o.Kind + "/" + o.Name
}
