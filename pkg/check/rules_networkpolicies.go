package check

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// networkPolicyRules lists the rules about NetworkPolicies' ipBlocks of both families.
var networkPolicyRules = []Rule{networkPoliciesIPBlockFamilies, networkPoliciesIPBlockValid}

// dualStackPolicies scopes the family rule: it runs on a dual-stack
// cluster, or with --expect=dual; when neither the cluster's families nor
// --expect say, it is skipped.
var dualStackPolicies = &Scope{Skip: true, Empty: func(f *Facts) string {
	if f.Expect == "dual" || f.Families() != nil {
		return ""
	}
	return familiesUnknown(f) + "; --expect=dual audits the policies as a dual-stack cluster's"
}}

var networkPoliciesIPBlockFamilies = Rule{
	ID:        "networkpolicies-ipblock-families",
	Area:      AreaNetworkPolicies,
	Title:     "NetworkPolicy ipBlock peers cover both IP families on a dual-stack cluster",
	Severity:  Warning,
	Reference: "staging/src/k8s.io/api/networking/v1/types.go IPBlock, NetworkPolicyIngressRule, NetworkPolicyEgressRule; https://kubernetes.io/docs/concepts/services-networking/network-policies/; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "An ipBlock \"describes a particular CIDR (Ex. \"192.168.1.0/24\",\"2001:db8::/64\") that is allowed to the pods matched by a NetworkPolicySpec's podSelector\", and a rule with peers \"allows traffic only if the traffic matches at least one item in the from list\" (the `to` list for egress). On a dual-stack cluster pods talk both families, and a CIDR is of one family: `0.0.0.0/0` without `::/0`, or IPv4 ranges with no IPv6 one, leave the other family's traffic matching no peer of the rule, so it is silently denied where the listed family is allowed (aws-network-policy-agent issues 55 and 408, kube-router issue 1245, hypershift issue 2704). An `except` that carves ranges out of one family only leaves the other family's equivalent ranges allowed. Rules whose peers are pod or namespace selectors match pods by label, whatever their family, and a rule without peers matches every address.",
	Fix:       "give each rule's ipBlock peers the other family's ranges too (::/0 beside 0.0.0.0/0, the IPv6 prefixes of the same networks), with matching except entries; if a peer really has no address of that family, accept the warning or --skip the rule",
	Needs:     []Source{SourcePolicies},
	Scope:     dualStackPolicies,
	Check:     checkPolicyIPBlockFamilies,
}

func checkPolicyIPBlockFamilies(f *Facts, r *Reporter) {
	if !f.DualStack() && f.Expect != "dual" {
		return // a single-stack cluster: one family is all there is
	}
	for i := range f.NetworkPolicies {
		for _, gap := range PolicyFamilyGaps(&f.NetworkPolicies[i]) {
			r.Fail(gap.Subject, gap.At, "%s", gap.Message)
		}
	}
}

// PolicyFamilyGap is a rule of a NetworkPolicy whose ipBlocks leave a
// family out: what networkpolicies-ipblock-families reports.
type PolicyFamilyGap struct {
	Subject string // "networkpolicy/ns/name spec.ingress[0].from"
	At      Setting
	Message string
}

// PolicyFamilyGaps is the networkpolicies-ipblock-families test of one
// policy, whatever the cluster's families: its rules whose ipBlocks cover
// one family (unless another rule of its direction, on the same ports,
// covers the other), or whose excepts carve one family only.
func PolicyFamilyGaps(p *NetworkPolicy) []PolicyFamilyGap {
	var gaps []PolicyFamilyGap
	for _, dir := range policyDirections(&p.Policy) {
		for j, rule := range dir.rules {
			if gap, ok := ruleFamilyGap(p, dir, j, rule); ok {
				gaps = append(gaps, gap)
			}
		}
	}
	return gaps
}

// HasIPBlocks says whether a rule of the policy has an ipBlock peer.
func (p *NetworkPolicy) HasIPBlocks() bool {
	for _, dir := range policyDirections(&p.Policy) {
		for _, rule := range dir.rules {
			if len(rule.ipBlocks()) > 0 {
				return true
			}
		}
	}
	return false
}

// ruleFamilyGap is one rule's gap, if it has one.
func ruleFamilyGap(p *NetworkPolicy, dir policyDirection, index int, rule policyRule) (PolicyFamilyGap, bool) {
	blocks := rule.ipBlocks()
	if len(blocks) == 0 {
		return PolicyFamilyGap{}, false // selectors only, or no peers (every address)
	}
	path := fmt.Sprintf("spec.%s[%d].%s", dir.name, index, dir.peers)
	gap := PolicyFamilyGap{Subject: p.Name() + " " + path, At: p.FieldAt(path + fmt.Sprintf("[%d].ipBlock.cidr", blocks[0].peer))}
	cidrs, excepts := ipBlockFamilies(blocks)
	switch len(cidrs) {
	case 1:
		var have corev1.IPFamily
		for fam := range cidrs {
			have = fam
		}
		missing := dualstack.OtherFamily(have)
		for k, other := range dir.rules {
			if k != index && equality.Semantic.DeepEqual(other.ports, rule.ports) && ipBlockCovers(other.ipBlocks(), missing) {
				return PolicyFamilyGap{}, false // the other family is allowed by its own rule, on the same ports
			}
		}
		gap.Message = fmt.Sprintf("%s rule %d: its ipBlock peers (%s) are %s only: %s %s match none of them, so this rule does not allow them (a dual-stack cluster's pods use both families)",
			dir.name, index, strings.Join(cidrs[have], ", "), have, missing, dir.others)
		return gap, true
	case 2:
		if len(excepts) != 1 {
			return PolicyFamilyGap{}, false
		}
		var carved corev1.IPFamily
		for fam := range excepts {
			carved = fam
		}
		missing := dualstack.OtherFamily(carved)
		gap.Message = fmt.Sprintf("%s rule %d: except carves %s ranges only (%s) out of its ipBlocks (%s): the %s cidrs (%s) have no except, so the %s equivalents stay allowed",
			dir.name, index, carved, strings.Join(excepts[carved], ", "), strings.Join(append(slices.Clone(cidrs[corev1.IPv4Protocol]), cidrs[corev1.IPv6Protocol]...), ", "),
			missing, strings.Join(cidrs[missing], ", "), missing)
		return gap, true
	}
	return PolicyFamilyGap{}, false
}

// ipBlockFamilies groups the cidrs of blocks, and their excepts, by family
// (an except by the family of its own value); values that do not parse
// are left to networkpolicies-ipblock-valid.
func ipBlockFamilies(blocks []peerBlock) (cidrs, excepts map[corev1.IPFamily][]string) {
	cidrs, excepts = map[corev1.IPFamily][]string{}, map[corev1.IPFamily][]string{}
	for _, b := range blocks {
		if _, n, err := netutils.ParseCIDRSloppy(b.block.CIDR); err == nil {
			cidrs[familyOfCIDR(n)] = append(cidrs[familyOfCIDR(n)], b.block.CIDR)
		}
		for _, e := range b.block.Except {
			if _, n, err := netutils.ParseCIDRSloppy(e); err == nil {
				excepts[familyOfCIDR(n)] = append(excepts[familyOfCIDR(n)], e)
			}
		}
	}
	return cidrs, excepts
}

// ipBlockCovers says whether one of blocks has a cidr of fam.
func ipBlockCovers(blocks []peerBlock, fam corev1.IPFamily) bool {
	cidrs, _ := ipBlockFamilies(blocks)
	return len(cidrs[fam]) > 0
}

var networkPoliciesIPBlockValid = Rule{
	ID:        "networkpolicies-ipblock-valid",
	Area:      AreaNetworkPolicies,
	Title:     "NetworkPolicy ipBlocks pass API validation",
	Severity:  Error,
	Reference: "pkg/apis/networking/validation/validation.go ValidateIPBlock, ValidateNetworkPolicyPeer; staging/src/k8s.io/apimachinery/pkg/util/validation/ip.go IsValidCIDRForLegacyField; pkg/features/kube_features.go StrictIPCIDRValidation; https://kep.k8s.io/4858",
	Why:       "The API server refuses a NetworkPolicy whose ipBlock has no `cidr` (\"Required value\"), a `cidr` or `except` that is no CIDR (\"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\"), an `except` that is not inside its `cidr` (\"must be a strict subset of `cidr`\"): an except of the other family never is, or a peer with an ipBlock and a selector (\"may not specify both ipBlock and another peer\"). From Kubernetes 1.36 the StrictIPCIDRValidation gate is on by default and new objects' CIDRs must also be in strict form: \"must not have leading 0s in IP or prefix length\", \"must not have an IPv4-mapped IPv6 address\", \"must not have bits set beyond the prefix length\". A live cluster holds no such policy (its API server refused it), except one stored before 1.36 with a value only strict validation refuses: it keeps working, but re-creating it from the same manifest is refused. Mainly useful on manifests (`--from-file`), before they are applied.",
	Fix:       "write each cidr as a network address of its own family (10.0.0.0/8, not 10.0.0.1/8 or 010.0.0.0/8), with every except inside it and of the same family, in a peer of its own",
	Needs:     []Source{SourcePolicies},
	Check:     checkPolicyIPBlocksValid,
}

func checkPolicyIPBlocksValid(f *Facts, r *Reporter) {
	strict, why := strictIPCIDR(f)
	for i := range f.NetworkPolicies {
		p := &f.NetworkPolicies[i]
		for _, dir := range policyDirections(&p.Policy) {
			for j, rule := range dir.rules {
				for k, peer := range rule.peers {
					peerPath := field.NewPath("spec", dir.name).Index(j).Child(dir.peers).Index(k)
					if peer.IPBlock == nil {
						continue
					}
					subject := p.Name() + " " + peerPath.Child("ipBlock").String()
					if peer.PodSelector != nil || peer.NamespaceSelector != nil {
						r.Fail(subject, p.FieldAt(peerPath.String()), "%s", field.Forbidden(peerPath, "may not specify both ipBlock and another peer").Error())
					}
					base := validateIPBlock(peer.IPBlock, peerPath.Child("ipBlock"), false)
					for _, e := range base {
						r.Fail(subject, p.FieldAt(e.Field), "%s", e.Error())
					}
					if !strict {
						continue
					}
					for _, e := range validateIPBlock(peer.IPBlock, peerPath.Child("ipBlock"), true) {
						if slices.ContainsFunc(base, func(b *field.Error) bool { return b.Error() == e.Error() }) {
							continue
						}
						if p.At.File == "" {
							r.FailWith(Warning, subject, p.FieldAt(e.Field), "%s (%s; the API server keeps this policy, stored before, but refuses to create it again from the same manifest)", e.Error(), why)
							continue
						}
						r.Fail(subject, p.FieldAt(e.Field), "%s (%s)", e.Error(), why)
					}
				}
			}
		}
	}
}

// validateIPBlock is ValidateIPBlock, with strict validation on or off.
func validateIPBlock(b *networkingv1.IPBlock, path *field.Path, strict bool) field.ErrorList {
	if b.CIDR == "" {
		return field.ErrorList{field.Required(path.Child("cidr"), "")}
	}
	errs := validation.IsValidCIDRForLegacyField(path.Child("cidr"), b.CIDR, strict, nil)
	_, cidr, err := netutils.ParseCIDRSloppy(b.CIDR)
	if err != nil {
		return errs
	}
	for i, e := range b.Except {
		exceptPath := path.Child("except").Index(i)
		errs = append(errs, validation.IsValidCIDRForLegacyField(exceptPath, e, strict, nil)...)
		_, except, err := netutils.ParseCIDRSloppy(e)
		if err != nil {
			continue
		}
		cidrLen, _ := cidr.Mask.Size()
		exceptLen, _ := except.Mask.Size()
		if !cidr.Contains(except.IP) || cidrLen >= exceptLen {
			errs = append(errs, field.Invalid(exceptPath, e, "must be a strict subset of `cidr`"))
		}
	}
	return errs
}

// policyDirection is a policy's ingress or egress rules, in one shape.
type policyDirection struct {
	name, peers string // "ingress", "from"; "egress", "to"
	others      string // what its peers are, for messages
	rules       []policyRule
}

// policyRule is one ingress or egress rule: its peers and ports.
type policyRule struct {
	peers []networkingv1.NetworkPolicyPeer
	ports []networkingv1.NetworkPolicyPort
}

// peerBlock is an ipBlock peer and its index among the rule's peers.
type peerBlock struct {
	peer  int
	block *networkingv1.IPBlock
}

func (r policyRule) ipBlocks() []peerBlock {
	var out []peerBlock
	for i := range r.peers {
		if b := r.peers[i].IPBlock; b != nil {
			out = append(out, peerBlock{i, b})
		}
	}
	return out
}

func policyDirections(np *networkingv1.NetworkPolicy) []policyDirection {
	ingress := policyDirection{name: "ingress", peers: "from", others: "sources"}
	for _, r := range np.Spec.Ingress {
		ingress.rules = append(ingress.rules, policyRule{r.From, r.Ports})
	}
	egress := policyDirection{name: "egress", peers: "to", others: "destinations"}
	for _, r := range np.Spec.Egress {
		egress.rules = append(egress.rules, policyRule{r.To, r.Ports})
	}
	return []policyDirection{ingress, egress}
}
