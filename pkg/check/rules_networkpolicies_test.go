package check

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Policies for the table tests: a peer of each kind, rules, policies.

func npBlock(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
}

func npPods() networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}
}

func npNamespaces() networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}}}
}

func npPort(port int) []networkingv1.NetworkPolicyPort {
	return []networkingv1.NetworkPolicyPort{{Port: new(intstr.FromInt32(int32(port)))}}
}

func npIn(ports []networkingv1.NetworkPolicyPort, peers ...networkingv1.NetworkPolicyPeer) networkingv1.NetworkPolicyIngressRule {
	return networkingv1.NetworkPolicyIngressRule{Ports: ports, From: peers}
}

func npOut(ports []networkingv1.NetworkPolicyPort, peers ...networkingv1.NetworkPolicyPeer) networkingv1.NetworkPolicyEgressRule {
	return networkingv1.NetworkPolicyEgressRule{Ports: ports, To: peers}
}

// npLive is a policy as the live gatherer reads it.
func npLive(name string, in []networkingv1.NetworkPolicyIngressRule, out []networkingv1.NetworkPolicyEgressRule) NetworkPolicy {
	p := NetworkPolicy{Policy: networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: name},
		Spec:       networkingv1.NetworkPolicySpec{Ingress: in, Egress: out},
	}}
	p.At = Setting{Source: "API object " + p.Name()}
	return p
}

// npFile is a policy as the files gatherer reads it (positions left out:
// FieldAt falls back to the document).
func npFile(name string, in []networkingv1.NetworkPolicyIngressRule, out []networkingv1.NetworkPolicyEgressRule) NetworkPolicy {
	p := npLive(name, in, out)
	p.At = Setting{Source: "file policies.yaml, NetworkPolicy", File: "policies.yaml", Line: 1}
	p.Fields = map[string]Setting{}
	return p
}

func npIngress(rules ...networkingv1.NetworkPolicyIngressRule) []networkingv1.NetworkPolicyIngressRule {
	return rules
}

func npEgress(rules ...networkingv1.NetworkPolicyEgressRule) []networkingv1.NetworkPolicyEgressRule {
	return rules
}

// npCluster is a healthy cluster of stack ("dual4", "dual6", "single4")
// holding policies.
func npCluster(stack string, policies ...NetworkPolicy) *Facts {
	f := cpCluster(stack)
	f.NetworkPolicies = policies
	return f
}

const npSubject = "networkpolicy/demo/"

func TestNetworkPolicyIPBlockFamilies(t *testing.T) {
	web := npPort(80)
	cpRunCases(t, "networkpolicies-ipblock-families", []cpCase{
		{"0.0.0.0/0 without ::/0", npCluster("dual4", npLive("world", npIngress(npIn(web, npBlock("0.0.0.0/0"))), nil)),
			[]cpWant{cpFail(Warning, npSubject+"world spec.ingress[0].from", "ingress rule 0: its ipBlock peers (0.0.0.0/0) are IPv4 only: IPv6 sources match none of them")}},
		{"0.0.0.0/0 with ::/0", npCluster("dual4", npLive("world", npIngress(npIn(web, npBlock("0.0.0.0/0"), npBlock("::/0"))), nil)),
			[]cpWant{cpOK("networkpolicies")}},
		{"IPv4 CIDRs only, egress", npCluster("dual4", npLive("db", nil, npEgress(npOut(npPort(5432), npBlock("10.0.0.0/8"), npBlock("192.168.0.0/16"))))),
			[]cpWant{cpFail(Warning, npSubject+"db spec.egress[0].to", "egress rule 0: its ipBlock peers (10.0.0.0/8, 192.168.0.0/16) are IPv4 only: IPv6 destinations")}},
		{"IPv6 CIDRs only", npCluster("dual4", npLive("v6", nil, npEgress(npOut(nil, npBlock("2001:db8::/32"))))),
			[]cpWant{cpFail(Warning, npSubject+"v6 spec.egress[0].to", "are IPv6 only: IPv4 destinations")}},
		{"except carves IPv4 only", npCluster("dual4", npLive("internet", nil, npEgress(npOut(nil, npBlock("0.0.0.0/0", "10.0.0.0/8", "192.168.0.0/16"), npBlock("::/0"))))),
			[]cpWant{cpFail(Warning, npSubject+"internet spec.egress[0].to", "except carves IPv4 ranges only (10.0.0.0/8, 192.168.0.0/16) out of its ipBlocks (0.0.0.0/0, ::/0): the IPv6 cidrs (::/0) have no except")}},
		{"except carves both families", npCluster("dual4", npLive("internet", nil, npEgress(npOut(nil, npBlock("0.0.0.0/0", "10.0.0.0/8"), npBlock("::/0", "fd00::/8"))))),
			[]cpWant{cpOK("networkpolicies")}},
		{"mixed peers, one-family ipBlock", npCluster("dual4", npLive("mixed", npIngress(npIn(web, npPods(), npNamespaces(), npBlock("192.168.10.0/24"))), nil)),
			[]cpWant{cpFail(Warning, npSubject+"mixed spec.ingress[0].from", "(192.168.10.0/24) are IPv4 only")}},
		{"mixed peers, both families", npCluster("dual4", npLive("mixed", npIngress(npIn(web, npNamespaces(), npBlock("192.168.10.0/24"), npBlock("2001:db8:10::/64"))), nil)),
			[]cpWant{cpOK("networkpolicies")}},
		{"namespace selector only", npCluster("dual4", npLive("ns", npIngress(npIn(web, npNamespaces())), npEgress(npOut(nil, npNamespaces())))),
			[]cpWant{cpOK("networkpolicies")}},
		{"pod selector only", npCluster("dual4", npLive("pods", npIngress(npIn(nil, npPods())), nil)),
			[]cpWant{cpOK("networkpolicies")}},
		{"empty from and to: every address", npCluster("dual4", npLive("all", npIngress(npIn(web)), npEgress(npOut(npPort(53))))),
			[]cpWant{cpOK("networkpolicies")}},
		{"families split over two rules on the same ports", npCluster("dual4", npLive("split", npIngress(npIn(web, npBlock("0.0.0.0/0")), npIn(npPort(80), npBlock("::/0"))), nil)),
			[]cpWant{cpOK("networkpolicies")}},
		{"families split over two rules on other ports", npCluster("dual4", npLive("split", npIngress(npIn(web, npBlock("0.0.0.0/0")), npIn(npPort(443), npBlock("::/0"))), nil)),
			[]cpWant{
				cpFail(Warning, npSubject+"split spec.ingress[0].from", "IPv6 sources match none of them"),
				cpFail(Warning, npSubject+"split spec.ingress[1].from", "IPv4 sources match none of them"),
			}},
		{"both directions, one of them one-family", npCluster("dual4", npLive("both", npIngress(npIn(web, npBlock("0.0.0.0/0"), npBlock("::/0"))), npEgress(npOut(nil, npPods()), npOut(nil, npBlock("10.96.0.0/16"))))),
			[]cpWant{cpFail(Warning, npSubject+"both spec.egress[1].to", "egress rule 1")}},
		{"IPv6-primary cluster", npCluster("dual6", npLive("world", npIngress(npIn(web, npBlock("0.0.0.0/0"))), nil)),
			[]cpWant{cpFail(Warning, npSubject+"world spec.ingress[0].from", "IPv6 sources match none of them")}},
		{"single-stack cluster: one family is all there is", npCluster("single4", npLive("world", npIngress(npIn(web, npBlock("0.0.0.0/0"))), nil)),
			[]cpWant{cpOK("networkpolicies")}},
		{"single-stack cluster, --expect=dual", func() *Facts {
			f := npCluster("single4", npLive("world", npIngress(npIn(web, npBlock("0.0.0.0/0"))), nil))
			f.Expect = "dual"
			return f
		}(), []cpWant{cpFail(Warning, npSubject+"world spec.ingress[0].from", "IPv6 sources")}},
		{"manifests alone: families unknown", &Facts{NetworkPolicies: []NetworkPolicy{npFile("world", npIngress(npIn(web, npBlock("0.0.0.0/0"))), nil)}},
			[]cpWant{cpSkip("networkpolicies", "--expect=dual audits the policies")}},
		{"manifests alone, --expect=dual", &Facts{Expect: "dual", NetworkPolicies: []NetworkPolicy{npFile("world", npIngress(npIn(web, npBlock("0.0.0.0/0"))), nil)}},
			[]cpWant{cpFail(Warning, npSubject+"world spec.ingress[0].from", "IPv6 sources")}},
		{"several policies, a healthy one among them", npCluster("dual4",
			npLive("ok", npIngress(npIn(web, npBlock("203.0.113.0/24"), npBlock("2001:db8:113::/48"))), nil),
			npLive("world", npIngress(npIn(web, npBlock("0.0.0.0/0"))), nil),
			npLive("dns", nil, npEgress(npOut(npPort(53), npNamespaces())))),
			[]cpWant{cpFail(Warning, npSubject+"world spec.ingress[0].from", "")}},
		{"policies unreadable", func() *Facts {
			f := npCluster("dual4")
			f.MarkUnavailable(SourcePolicies, "forbidden: networkpolicies.networking.k8s.io is forbidden")
			return f
		}(), []cpWant{cpSkip("networkpolicies", "forbidden")}},
	})
}

func TestNetworkPolicyIPBlockValid(t *testing.T) {
	block := func(name string, peers ...networkingv1.NetworkPolicyPeer) NetworkPolicy {
		return npFile(name, npIngress(npIn(nil, peers...)), nil)
	}
	at := func(version string, policies ...NetworkPolicy) *Facts {
		f := npCluster("dual4", policies...)
		f.ServerVersion = version
		return f
	}
	const ipBlock = " spec.ingress[0].from[0].ipBlock"
	cpRunCases(t, "networkpolicies-ipblock-valid", []cpCase{
		{"valid blocks", at("v1.37.0", block("ok", npBlock("0.0.0.0/0", "10.0.0.0/8"), npBlock("::/0", "fd00::/8"))),
			[]cpWant{cpOK("networkpolicies")}},
		{"except outside the cidr", at("v1.37.0", block("out", npBlock("10.0.0.0/16", "192.168.0.0/24"))),
			[]cpWant{cpFail(Error, npSubject+"out"+ipBlock, "spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"192.168.0.0/24\": must be a strict subset of `cidr`")}},
		{"except of the other family", at("v1.37.0", block("other", npBlock("0.0.0.0/0", "fd00::/8"))),
			[]cpWant{cpFail(Error, npSubject+"other"+ipBlock, "except[0]: Invalid value: \"fd00::/8\": must be a strict subset of `cidr`")}},
		{"except equal to the cidr", at("v1.37.0", block("equal", npBlock("10.0.0.0/8", "10.0.0.0/8"))),
			[]cpWant{cpFail(Error, npSubject+"equal"+ipBlock, "must be a strict subset of `cidr`")}},
		{"no cidr", at("v1.37.0", block("nocidr", npBlock(""))),
			[]cpWant{cpFail(Error, npSubject+"nocidr"+ipBlock, "spec.ingress[0].from[0].ipBlock.cidr: Required value")}},
		{"an address, not a CIDR", at("v1.37.0", block("addr", npBlock("10.0.0.1"))),
			[]cpWant{cpFail(Error, npSubject+"addr"+ipBlock, "cidr: Invalid value: \"10.0.0.1\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")}},
		{"ipBlock and a selector in one peer", at("v1.37.0", block("both", networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}, PodSelector: &metav1.LabelSelector{}})),
			[]cpWant{cpFail(Error, npSubject+"both"+ipBlock, "spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer")}},
		{"host bits set, manifest, 1.37", at("v1.37.0", block("host", npBlock("10.0.0.1/8"))),
			[]cpWant{cpFail(Error, npSubject+"host"+ipBlock, "cidr: Invalid value: \"10.0.0.1/8\": must not have bits set beyond the prefix length (Kubernetes v1.37.0: StrictIPCIDRValidation is on by default from 1.36)")}},
		{"leading zeros, manifest, 1.36", at("v1.36.2", block("zeros", npBlock("10.0.0.0/8", "010.1.0.0/16"))),
			[]cpWant{cpFail(Error, npSubject+"zeros"+ipBlock, "except[0]: Invalid value: \"010.1.0.0/16\": must not have leading 0s in IP or prefix length")}},
		{"IPv4-mapped IPv6, manifest", at("v1.37.0", block("mapped", npBlock("::ffff:10.0.0.0/104"))),
			[]cpWant{cpFail(Error, npSubject+"mapped"+ipBlock, "must not have an IPv4-mapped IPv6 address")}},
		{"host bits set, manifest, 1.35: accepted", at("v1.35.4", block("host", npBlock("10.0.0.1/8"))),
			[]cpWant{cpOK("networkpolicies")}},
		{"host bits set, stored before 1.36", func() *Facts {
			return at("v1.37.0", npLive("stored", npIngress(npIn(nil, npBlock("10.0.0.1/8"))), nil))
		}(), []cpWant{cpFail(Warning, npSubject+"stored"+ipBlock, "the API server keeps this policy, stored before, but refuses to create it again from the same manifest")}},
		{"strict validation turned off", func() *Facts {
			f := at("v1.37.0", block("host", npBlock("10.0.0.1/8")))
			cpSet(f, APIServer, "feature-gates", "StrictIPCIDRValidation=false")
			return f
		}(), []cpWant{cpOK("networkpolicies")}},
		{"strict validation turned on early", func() *Facts {
			f := at("v1.34.0", block("host", npBlock("10.0.0.1/8")))
			cpSet(f, APIServer, "feature-gates", "StrictIPCIDRValidation=true")
			return f
		}(), []cpWant{cpFail(Error, npSubject+"host"+ipBlock, "(kube-apiserver-cp1 sets --feature-gates StrictIPCIDRValidation=true)")}},
		{"egress peers too", at("v1.37.0", npFile("eg", nil, npEgress(npOut(nil, npPods(), npBlock("10.0.0.0/8", "11.0.0.0/8"))))),
			[]cpWant{cpFail(Error, npSubject+"eg spec.egress[0].to[1].ipBlock", "spec.egress[0].to[1].ipBlock.except[0]")}},
	})
}

// FieldAt points at the field itself, else the closest enclosing one, else
// the policy; a live policy names the object and field.
func TestNetworkPolicyFieldAt(t *testing.T) {
	p := npFile("x", nil, nil)
	p.Fields["spec.ingress[0].from[1].ipBlock"] = Setting{File: "policies.yaml", Line: 9}
	for path, line := range map[string]int{
		"spec.ingress[0].from[1].ipBlock.except[2]": 9,
		"spec.ingress[0].from[1].ipBlock":           9,
		"spec.ingress[0].from[0]":                   1,
	} {
		if got := p.FieldAt(path); got.Line != line {
			t.Errorf("FieldAt(%s) at line %d, want %d", path, got.Line, line)
		}
	}
	live := npLive("x", nil, nil)
	if got := live.FieldAt("spec.egress[0].to"); got.Source != "API object networkpolicy/demo/x spec.egress[0].to" || got.File != "" {
		t.Errorf("live FieldAt: %+v", got)
	}
}
