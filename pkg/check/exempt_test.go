package check

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// exemptWorld is a dual-stack IPv4-primary fixture with one failure of
// each object kind an exemption names: pods demo/web-x and demo/other
// with IPv4 only (pods-dual-stack-ips), Service demo/web left
// single-stack (services-prefer-dual-stack-single-family), node node-1
// node-2 without an IPv6 InternalIP (nodes-internal-ip-per-family), Ingress
// shop/web publishing IPv4 only (loadbalancers-ingress-families) and
// NetworkPolicy demo/world allowing 0.0.0.0/0 only
// (networkpolicies-ipblock-families).
func exemptWorld() *world {
	w := healthy(dual4)
	other := w.pod("web-x").DeepCopy()
	other.Name = "other"
	other.Labels = map[string]string{"app": "other"}
	w.pods = append(w.pods, *other)
	for _, name := range []string{"web-x", "other"} {
		p := w.pod(name)
		p.Status.PodIPs = p.Status.PodIPs[:1]
	}
	s := w.service("web")
	s.Spec.ClusterIPs, s.Spec.IPFamilies = s.Spec.ClusterIPs[:1], s.Spec.IPFamilies[:1]
	w.dropSlice("web-ipv6")
	// A second node, without pods, has no IPv6 InternalIP.
	node := w.f.Nodes[0].DeepCopy()
	node.Name = "node-2"
	node.Spec.PodCIDRs, node.Spec.PodCIDR = []string{"10.244.2.0/24", "fd00:10:244:2::/64"}, "10.244.2.0/24"
	node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "192.168.0.12"}}
	w.f.Nodes = append(w.f.Nodes, *node)
	w.f.Ingresses = []networkingv1.Ingress{lbIngress("web", lbV4)}
	w.f.NetworkPolicies = []NetworkPolicy{npLive("world", npIngress(npIn(npPort(80), npBlock("0.0.0.0/0"))), nil)}
	w.f.Namespaces = []corev1.Namespace{
		{ObjectMeta: metav1.ObjectMeta{Name: "demo", Labels: map[string]string{"team": "web"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "shop"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}},
	}
	return w
}

// Subjects of exemptWorld's failures.
const (
	exPod     = "pod/demo/web-x status.podIPs"
	exOther   = "pod/demo/other status.podIPs"
	exService = "service/demo/web spec.ipFamilies"
	exNode    = "node/node-2 status.addresses"
	exIngress = "ingress/shop/web status.loadBalancer.ingress"
	exPolicy  = "networkpolicy/demo/world spec.ingress[0].from"
)

// exemptRules are the rules exemptWorld breaks.
var exemptRules = []string{"pods-dual-stack-ips", "services-prefer-dual-stack-single-family", "nodes-internal-ip-per-family",
	"loadbalancers-ingress-families", "networkpolicies-ipblock-families"}

func annotate(m *metav1.ObjectMeta, value string) {
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[ExemptAnnotation] = value
}

func (w *world) namespace(name string) *corev1.Namespace {
	for i := range w.f.Namespaces {
		if w.f.Namespaces[i].Name == name {
			return &w.f.Namespaces[i]
		}
	}
	panic(name)
}

// runExempt runs the rules exemptWorld breaks (--only: the registry is
// what annotations are checked against), with opts, and returns the
// findings that are not passes by their subject.
func runExempt(t *testing.T, w *world, opts Options) map[string]Finding {
	t.Helper()
	opts.Only = exemptRules
	findings, err := Run(w.facts(), Rules(), opts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Finding{}
	for _, fd := range findings {
		if fd.Result == Pass {
			continue
		}
		if _, dup := out[fd.Subject]; dup {
			t.Fatalf("two findings about %s:%s", fd.Subject, dump(findings))
		}
		out[fd.Subject] = fd
	}
	return out
}

// wantExempt checks that exactly the subjects exempt are Exempt, with
// these reasons and where they were declared, and every other finding
// still fails.
func wantExempt(t *testing.T, got map[string]Finding, exempt map[string]string, by string) {
	t.Helper()
	for _, subject := range []string{exPod, exOther, exService, exNode, exIngress, exPolicy} {
		fd, ok := got[subject]
		if !ok {
			t.Errorf("no finding about %s", subject)
			continue
		}
		reason, want := exempt[subject]
		switch {
		case want && (fd.Result != Exempt || fd.Exemption != reason || fd.ExemptBy != by):
			t.Errorf("%s: %s exemption %q by %q, want exempt %q by %q", subject, fd.Result, fd.Exemption, fd.ExemptBy, reason, by)
		case !want && (fd.Result != Fail || fd.Exemption != "" || fd.ExemptBy != ""):
			t.Errorf("%s: %s exemption %q, want a failure", subject, fd.Result, fd.Exemption)
		}
	}
	if len(got) != 6 {
		var subjects []string
		for subject := range got {
			subjects = append(subjects, subject)
		}
		t.Errorf("%d findings, want 6: %q", len(got), subjects)
	}
}

func TestExemptAnnotatedObjects(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		wantExempt(t, runExempt(t, exemptWorld(), Options{}), nil, "")
	})
	t.Run("each kind", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.pod("web-x").ObjectMeta, "pods-dual-stack-ips: legacy app, IPv4 only")
		annotate(&w.service("web").ObjectMeta, "services-prefer-dual-stack-single-family: the partner's firewall knows its IPv4 address")
		annotate(&w.f.Nodes[1].ObjectMeta, "nodes-internal-ip-per-family: an IPv4-only rack until June")
		annotate(&w.f.Ingresses[0].ObjectMeta, "loadbalancers-ingress-families: the controller is IPv4-only")
		annotate(&w.f.NetworkPolicies[0].Policy.ObjectMeta, "networkpolicies-ipblock-families: IPv6 traffic is denied on purpose")
		wantExempt(t, runExempt(t, w, Options{}), map[string]string{
			exPod:     "legacy app, IPv4 only",
			exService: "the partner's firewall knows its IPv4 address",
			exNode:    "an IPv4-only rack until June",
			exIngress: "the controller is IPv4-only",
			exPolicy:  "IPv6 traffic is denied on purpose",
		}, ExemptByAnnotation)
	})
	t.Run("another rule's exemption", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.pod("web-x").ObjectMeta, "pods-primary-family: not this failure")
		got := runExempt(t, w, Options{})
		wantExempt(t, got, nil, "")
		if msg := got[exPod].Message; strings.Contains(msg, "exemption") {
			t.Errorf("a valid annotation for another rule: %q", msg)
		}
	})
	t.Run("every rule", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.pod("web-x").ObjectMeta, "*: a lab pod")
		annotate(&w.service("web").ObjectMeta, " * :  kept single-stack ")
		wantExempt(t, runExempt(t, w, Options{}), map[string]string{exPod: "a lab pod", exService: "kept single-stack"}, ExemptByAnnotation)
	})
	t.Run("a rule list with spaces", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.pod("web-x").ObjectMeta, " pods-primary-family ,  pods-dual-stack-ips :  legacy: IPv4 only ")
		wantExempt(t, runExempt(t, w, Options{}), map[string]string{exPod: "legacy: IPv4 only"}, ExemptByAnnotation)
	})
	t.Run("the namespace's annotation covers its objects", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.namespace("demo").ObjectMeta, "*: the demo team runs IPv4 only")
		annotate(&w.namespace("shop").ObjectMeta, "pods-dual-stack-ips: not the Ingress's rule")
		const why = "the demo team runs IPv4 only (namespace demo)"
		wantExempt(t, runExempt(t, w, Options{}), map[string]string{exPod: why, exOther: why, exService: why, exPolicy: why}, ExemptByAnnotation)
	})
	t.Run("the object's own reason before its namespace's", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.namespace("demo").ObjectMeta, "pods-dual-stack-ips: the namespace's reason")
		annotate(&w.pod("web-x").ObjectMeta, "pods-dual-stack-ips: the pod's reason")
		got := runExempt(t, w, Options{})
		if got[exPod].Exemption != "the pod's reason" || got[exOther].Exemption != "the namespace's reason (namespace demo)" {
			t.Errorf("reasons %q and %q", got[exPod].Exemption, got[exOther].Exemption)
		}
	})
}

// A malformed annotation exempts nothing: the failure stays, saying the
// annotation was ignored and why.
func TestExemptMalformedAnnotation(t *testing.T) {
	for _, tc := range []struct {
		name, value, why string
	}{
		{"no reason", "pods-dual-stack-ips", `pod/demo/web-x: dualstack.kubectl.io/exempt "pods-dual-stack-ips": want "<rule-id>[,<rule-id>…]: <reason>"`},
		{"an empty reason", "pods-dual-stack-ips:  ", `want "<rule-id>[,<rule-id>…]: <reason>"`},
		{"no rule", ": legacy", `dualstack.kubectl.io/exempt ": legacy" names no rule ("*" for every rule)`},
		{"only commas", " , : legacy", "names no rule"},
		{"a misspelt rule", "pods-dual-stak-ips: legacy", `pod/demo/web-x: dualstack.kubectl.io/exempt "pods-dual-stak-ips: legacy" names no rule check knows: pods-dual-stak-ips (see --list-rules)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := exemptWorld()
			annotate(&w.pod("web-x").ObjectMeta, tc.value)
			got := runExempt(t, w, Options{})
			wantExempt(t, got, nil, "")
			if msg := got[exPod].Message; !strings.Contains(msg, " (exemption ignored: ") || !strings.Contains(msg, tc.why) ||
				!strings.HasPrefix(msg, "only an IPv4 address") {
				t.Errorf("message %q, want the failure's, then exemption ignored: …%s", msg, tc.why)
			}
			if msg := got[exOther].Message; strings.Contains(msg, "exemption") {
				t.Errorf("a pod without the annotation says %q", msg)
			}
		})
	}
	t.Run("a malformed namespace annotation", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.namespace("demo").ObjectMeta, "everything")
		got := runExempt(t, w, Options{})
		wantExempt(t, got, nil, "")
		for _, subject := range []string{exPod, exOther, exService, exPolicy} {
			if !strings.Contains(got[subject].Message, `(exemption ignored: namespace/demo: dualstack.kubectl.io/exempt "everything"`) {
				t.Errorf("%s: %q", subject, got[subject].Message)
			}
		}
	})
	t.Run("a misspelt rule next to a valid one", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.pod("web-x").ObjectMeta, "pods-dual-stack-ips,pods-primary-famly: legacy")
		if fd := runExempt(t, w, Options{})[exPod]; fd.Result != Exempt || fd.Exemption != "legacy" {
			t.Errorf("the rule it names correctly is exempt: %+v", fd)
		}
	})
	t.Run("the object's malformed annotation, its namespace's valid one", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.pod("web-x").ObjectMeta, "pods-dual-stack-ips")
		annotate(&w.namespace("demo").ObjectMeta, "pods-dual-stack-ips: the namespace's reason")
		if fd := runExempt(t, w, Options{})[exPod]; fd.Result != Exempt || fd.Exemption != "the namespace's reason (namespace demo)" {
			t.Errorf("%+v", fd)
		}
	})
}

func TestParseExemptAnnotation(t *testing.T) {
	for value, want := range map[string][]string{
		"a: why":              {"a"},
		"a,b: why":            {"a", "b"},
		" a , b ,: why":       {"a", "b"},
		"*: why":              {"*"},
		"a: why: with colons": {"a"},
	} {
		rules, reason, err := ParseExemptAnnotation(value)
		if err != nil || !slices.Equal(rules, want) || !strings.HasPrefix(reason, "why") {
			t.Errorf("%q: %v %q %v, want %v", value, rules, reason, err, want)
		}
	}
	for _, bad := range []string{"", "a", "a:", "a: ", ":why", ",:why", " "} {
		if _, _, err := ParseExemptAnnotation(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestExemptConfigured(t *testing.T) {
	sel := func(s string) labels.Selector {
		t.Helper()
		out, err := labels.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	const src = "config.yaml:12"
	for _, tc := range []struct {
		name   string
		x      Exemption
		exempt []string
	}{
		{"by namespace", Exemption{Rules: []string{AnyRule}, Namespaces: []string{"demo"}}, []string{exPod, exOther, exService, exPolicy}},
		{"by namespace, one rule", Exemption{Rules: []string{"pods-dual-stack-ips"}, Namespaces: []string{"demo", "shop"}}, []string{exPod, exOther}},
		{"by selector", Exemption{Rules: []string{AnyRule}, Selector: sel("app=other")}, []string{exOther}},
		{"by selector on a set", Exemption{Rules: []string{AnyRule}, Selector: sel("app in (web,other)")}, []string{exOther}},
		{"by name pattern", Exemption{Rules: []string{AnyRule}, Names: []string{"web*"}}, []string{exPod, exService, exIngress}},
		{"by name patterns", Exemption{Rules: []string{AnyRule}, Names: []string{"node-?", "wor[a-z]d"}}, []string{exNode, exPolicy}},
		{"namespace and name", Exemption{Rules: []string{AnyRule}, Namespaces: []string{"demo"}, Names: []string{"web*"}}, []string{exPod, exService}},
		{"namespace, selector and name", Exemption{Rules: []string{AnyRule}, Namespaces: []string{"demo"}, Selector: sel("app=other"), Names: []string{"o*"}}, []string{exOther}},
		{"namespace, selector and a name that does not match", Exemption{Rules: []string{AnyRule}, Namespaces: []string{"demo"}, Selector: sel("app=other"), Names: []string{"web*"}}, nil},
		{"a selector no object matches", Exemption{Rules: []string{AnyRule}, Selector: sel("tier=db")}, nil},
		{"a cluster-scoped object is in no namespace", Exemption{Rules: []string{AnyRule}, Namespaces: []string{"", "default"}, Names: []string{"node-*"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.x.Reason, tc.x.Source = "approved by the network team", src
			want := map[string]string{}
			for _, s := range tc.exempt {
				want[s] = "approved by the network team (" + src + ")"
			}
			wantExempt(t, runExempt(t, exemptWorld(), Options{Exemptions: []Exemption{tc.x}}), want, ExemptByConfig)
		})
	}
	t.Run("the annotation first", func(t *testing.T) {
		w := exemptWorld()
		annotate(&w.pod("web-x").ObjectMeta, "pods-dual-stack-ips: the pod's reason")
		got := runExempt(t, w, Options{Exemptions: []Exemption{{Rules: []string{AnyRule}, Namespaces: []string{"demo"}, Reason: "configured", Source: src}}})
		if fd := got[exPod]; fd.Exemption != "the pod's reason" || fd.ExemptBy != ExemptByAnnotation {
			t.Errorf("%+v", fd)
		}
		if fd := got[exOther]; fd.Exemption != "configured ("+src+")" || fd.ExemptBy != ExemptByConfig {
			t.Errorf("%+v", fd)
		}
	})
}

// Options.Severities sets the severity of every failure of a rule,
// exempt or not; other rules keep theirs.
func TestSeverityOverride(t *testing.T) {
	w := exemptWorld()
	annotate(&w.pod("web-x").ObjectMeta, "pods-dual-stack-ips: legacy")
	got := runExempt(t, w, Options{Severities: map[string]Severity{"pods-dual-stack-ips": Info, "nodes-internal-ip-per-family": Warning}})
	for subject, want := range map[string]Severity{exPod: Info, exOther: Info, exNode: Warning, exService: Warning, exIngress: Warning, exPolicy: Warning} {
		if got[subject].Severity != want {
			t.Errorf("%s: %s, want %s", subject, got[subject].Severity, want)
		}
	}
	if got[exPod].Result != Exempt || got[exOther].Result != Fail {
		t.Errorf("the override changed what is exempt: %s, %s", got[exPod].Result, got[exOther].Result)
	}
	// Passes and skips keep the rule's severity.
	findings, err := Run(cpCluster("dual4"), []Rule{cpRule(t, "apiserver-service-range-syntax")}, Options{Severities: map[string]Severity{"apiserver-service-range-syntax": Info}})
	if err != nil || len(findings) != 1 || findings[0].Result != Pass || findings[0].Severity != Error {
		t.Errorf("pass %+v, %v", findings, err)
	}
}

// A finding whose subject names no object (a flag, a configuration
// field, a file) is never exempt, whatever is configured or annotated.
func TestExemptNeverNonObjects(t *testing.T) {
	f := cpMut("dual4", func(f *Facts) {
		cpSet(f, APIServer, "service-cluster-ip-range", "10.96.0.0/16,fd00::/108,10.97.0.0/16")
		f.Kubeadm.PodSubnet.Value = "10.244.0.0/33"
		f.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "kube-system", Annotations: map[string]string{ExemptAnnotation: "*: everything"}}}}
		f.FileNotes = []FileNote{{Severity: Warning, At: Setting{File: "manifests/notes.yaml", Line: 1}, Message: "no format reads it"}}
	})
	everything := []Exemption{
		{Rules: []string{AnyRule}, Reason: "all", Source: "config.yaml:1"},
		{Rules: []string{AnyRule}, Names: []string{"*"}, Reason: "all", Source: "config.yaml:2"},
		{Rules: []string{AnyRule}, Namespaces: []string{"kube-system"}, Reason: "all", Source: "config.yaml:3"},
	}
	findings, err := Run(f, Rules(), Options{Exemptions: everything})
	if err != nil {
		t.Fatal(err)
	}
	var failed, exempt []string
	for _, fd := range findings {
		switch fd.Result {
		case Fail:
			failed = append(failed, fd.ID+" "+fd.Subject)
		case Exempt:
			exempt = append(exempt, fd.ID+" "+fd.Subject)
		}
	}
	// The exemptions were in force: the objects' findings are exempt.
	if !slices.Contains(exempt, "services-ip-families-match service/kube-system/kube-dns spec.clusterIPs") {
		t.Errorf("exempt: %q", exempt)
	}
	for _, want := range []string{
		"apiserver-service-range-syntax " + cpAPI1 + " --service-cluster-ip-range",
		"kubeadm-pod-subnet kubeadm networking.podSubnet",
		"config-files manifests/notes.yaml",
	} {
		if !slices.Contains(failed, want) {
			t.Errorf("no failure %q in %q (exempt: %q)", want, failed, exempt)
		}
	}
}
