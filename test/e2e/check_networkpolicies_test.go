package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// TestCheckNetworkPolicies: on a real dual-stack cluster, check finds the
// NetworkPolicies whose ipBlocks cover one family, and nothing else; the
// malformed ipBlocks networkpolicies-ipblock-valid reports in manifests
// are the ones the real API server refuses, with the same messages.
func TestCheckNetworkPolicies(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Layout: localcluster.DualStackIPv4Primary})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	const ns = "shop"
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	block := func(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
		return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
	}
	pods := networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "api"}}}
	namespaces := networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "ops"}}}
	port := func(p int32) []networkingv1.NetworkPolicyPort {
		return []networkingv1.NetworkPolicyPort{{Port: new(intstr.FromInt32(p))}}
	}
	in := func(ports []networkingv1.NetworkPolicyPort, peers ...networkingv1.NetworkPolicyPeer) networkingv1.NetworkPolicyIngressRule {
		return networkingv1.NetworkPolicyIngressRule{Ports: ports, From: peers}
	}
	out := func(ports []networkingv1.NetworkPolicyPort, peers ...networkingv1.NetworkPolicyPeer) networkingv1.NetworkPolicyEgressRule {
		return networkingv1.NetworkPolicyEgressRule{Ports: ports, To: peers}
	}
	policy := func(name string, ingress []networkingv1.NetworkPolicyIngressRule, egress []networkingv1.NetworkPolicyEgressRule) *networkingv1.NetworkPolicy {
		return &networkingv1.NetworkPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec:       networkingv1.NetworkPolicySpec{Ingress: ingress, Egress: egress},
		}
	}
	ingress := func(rules ...networkingv1.NetworkPolicyIngressRule) []networkingv1.NetworkPolicyIngressRule {
		return rules
	}
	egress := func(rules ...networkingv1.NetworkPolicyEgressRule) []networkingv1.NetworkPolicyEgressRule {
		return rules
	}

	// Policies the API server stores; want are the subjects of the
	// one-family ones.
	stored := []*networkingv1.NetworkPolicy{
		policy("default-deny", nil, nil),
		policy("world-both", ingress(in(port(80), block("0.0.0.0/0"), block("::/0"))), nil),
		policy("world-v4", ingress(in(port(80), block("0.0.0.0/0"))), nil),
		policy("db-v4-list", nil, egress(out(port(5432), block("10.0.0.0/8"), block("192.168.0.0/16")))),
		policy("v6-only", nil, egress(out(nil, block("2001:db8::/32")))),
		policy("except-v4-only", nil, egress(out(nil, block("0.0.0.0/0", "10.0.0.0/8"), block("::/0")))),
		policy("except-both", nil, egress(out(nil, block("0.0.0.0/0", "10.0.0.0/8"), block("::/0", "fc00::/7")))),
		policy("mixed-v4", ingress(in(port(8080), pods, namespaces, block("203.0.113.0/24"))), nil),
		policy("mixed-both", ingress(in(port(8080), namespaces, block("203.0.113.0/24"), block("2001:db8:113::/48"))), nil),
		policy("namespaces-only", ingress(in(nil, namespaces)), egress(out(port(53), namespaces))),
		policy("pods-only", ingress(in(nil, pods)), nil),
		policy("all-peers", ingress(in(port(80))), egress(out(nil))),
		policy("split-same-port", ingress(in(port(443), block("198.51.100.0/24")), in(port(443), block("2001:db8:51::/48"))), nil),
		policy("split-other-port", ingress(in(port(443), block("198.51.100.0/24")), in(port(8443), block("2001:db8:51::/48"))), nil),
	}
	want := []string{
		"networkpolicy/shop/db-v4-list spec.egress[0].to",
		"networkpolicy/shop/except-v4-only spec.egress[0].to",
		"networkpolicy/shop/mixed-v4 spec.ingress[0].from",
		"networkpolicy/shop/split-other-port spec.ingress[0].from",
		"networkpolicy/shop/split-other-port spec.ingress[1].from",
		"networkpolicy/shop/v6-only spec.egress[0].to",
		"networkpolicy/shop/world-v4 spec.ingress[0].from",
	}
	for _, p := range stored {
		if _, err := client.NetworkingV1().NetworkPolicies(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating %s: %v", p.Name, err)
		}
	}

	waitForServiceSlices(t, client)
	report, code := runCheck(t, c.Kubeconfig, "--fail-on=warning")
	t.Logf("summary %+v\n%s", report.Summary, describeFindings(report))
	if got := failing(report); !slices.Equal(got, []string{"networkpolicies-ipblock-families"}) || code != 1 {
		t.Errorf("exit %d, failing rules %v; want exit 1 (--fail-on=warning) and [networkpolicies-ipblock-families] only", code, got)
	}
	var got []string
	for _, f := range report.Findings {
		if f.ID == "networkpolicies-ipblock-families" && f.Result == check.Fail {
			got = append(got, f.Subject)
			if f.Severity != check.Warning || !strings.HasPrefix(f.Source, "API object networkpolicy/shop/") {
				t.Errorf("%s: %s from %q, want a warning about the API object", f.Subject, f.Severity, f.Source)
			}
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("one-family policies found:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if report.Summary.Skip > 0 {
		t.Errorf("%d rules skipped on an admin's audit", report.Summary.Skip)
	}

	// Malformed ipBlocks: what check says of each manifest is what the
	// API server answers when asked to create it.
	dir := t.TempDir()
	for _, p := range []*networkingv1.NetworkPolicy{
		policy("except-outside", ingress(in(nil, block("10.20.0.0/16", "10.30.5.0/24"), block("fd00:20::/48", "fd00:20:0:5::/64"))), nil),
		policy("except-other-family", nil, egress(out(nil, block("0.0.0.0/0", "fc00::/7"), block("::/0", "fc00::/7")))),
		policy("host-bits", ingress(in(nil, block("198.51.100.1/24"), block("2001:db8:100::/48"))), nil),
		policy("leading-zeros", ingress(in(nil, block("10.0.0.0/8", "010.1.0.0/16"), block("fd00::/8", "fd00:1::/32"))), nil),
		policy("ipv4-mapped", ingress(in(nil, block("::ffff:10.0.0.0/104"), block("10.0.0.0/8"))), nil),
		policy("no-cidr", ingress(in(nil, block(""))), nil),
	} {
		data, err := yaml.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, p.Name+".yaml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fromFile, code := runCheck(t, c.Kubeconfig, "--from-file", file, "--only", "networkpolicies-ipblock-valid")
		var messages []string
		for _, f := range fromFile.Findings {
			if f.Result == check.Fail {
				msg, _, _ := strings.Cut(f.Message, " (Kubernetes ")
				messages = append(messages, msg)
			}
		}
		_, createErr := client.NetworkingV1().NetworkPolicies(ns).Create(ctx, p, metav1.CreateOptions{})
		if createErr == nil || code != 1 || len(messages) == 0 {
			t.Errorf("%s: check exit %d with %q, the API server: %v; want both to refuse it", p.Name, code, messages, createErr)
			continue
		}
		for _, msg := range messages {
			if !strings.Contains(createErr.Error(), msg) {
				t.Errorf("%s: check says %q, the API server %q", p.Name, msg, createErr)
			}
		}
		t.Logf("%s: %s", p.Name, createErr)
	}
}
