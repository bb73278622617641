package check

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestNodeRulesBroken(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"two IPv4 podCIDRs", dual4, func(w *world) { w.f.Nodes[0].Spec.PodCIDRs = []string{"10.244.1.0/24", "10.244.2.0/24"} },
			"nodes-pod-cidrs-valid", Error, "may specify no more than one CIDR for each IP family"},
		{"IPv4 podCIDR only", dual4, func(w *world) { w.f.Nodes[0].Spec.PodCIDRs = []string{"10.244.1.0/24"} },
			"nodes-pod-cidr-per-family", Error, "no IPv6 podCIDR"},
		{"podCIDRs in the wrong order", dual4, func(w *world) {
			w.f.Nodes[0].Spec.PodCIDRs = []string{"fd00:10:244:1::/64", "10.244.1.0/24"}
			w.f.Nodes[0].Spec.PodCIDR = "fd00:10:244:1::/64"
		}, "nodes-pod-cidr-per-family", Error, "ordered IPv6,IPv4 but the cluster is IPv4,IPv6"},
		{"IPv6 podCIDR on a single-stack IPv4 node IPAM", single4, func(w *world) {
			w.f.Nodes[0].Spec.PodCIDRs = []string{"10.244.1.0/24", "fd00:10:244:1::/64"}
		}, "nodes-pod-cidr-per-family", Error, "does not exist in cluster cidrs configuration"},
		{"podCIDR outside the cluster CIDR", dual4, func(w *world) {
			w.f.Nodes[0].Spec.PodCIDRs = []string{"10.245.1.0/24", "fd00:10:244:1::/64"}
			w.f.Nodes[0].Spec.PodCIDR = "10.245.1.0/24"
			p := w.pod("web-x")
			p.Status.PodIP, p.Status.PodIPs = "10.245.1.5", podIPs("10.245.1.5", "fd00:10:244:1::5")
		}, "nodes-pod-cidr-in-cluster-cidr", Error, "cidr 10.245.1.0/24 is out the range of cluster cidr 10.244.0.0/16"},
		{"podCIDR of another mask size", dual6, func(w *world) {
			w.f.Nodes[0].Spec.PodCIDRs = []string{"fd00:10:244:1::/64", "10.244.1.0/25"}
		}, "nodes-pod-cidr-in-cluster-cidr", Warning, "is a /25, the IPv4 node mask size is 24"},
		{"no IPv6 InternalIP", dual4, func(w *world) { w.setNodeAddrs("192.168.0.11") },
			"nodes-internal-ip-per-family", Error, "no IPv6 InternalIP"},
		{"node IPv6 first on an IPv4-primary cluster", dual4, func(w *world) { w.setNodeAddrs("fd00::11", "192.168.0.11") },
			"nodes-primary-family", Warning, "the first node IP fd00::11 is IPv6 but the cluster is IPv4-primary"},
		{"IPv6 node on a single-stack IPv4 cluster", single4, func(w *world) { w.setNodeAddrs("fd00::11") },
			"nodes-primary-family", Error, "no IPv4 address"},
	})
}

// nodes-pod-cidr-per-family leaves a node without podCIDRs to the
// capacity rule when node IPAM allocates, or its event says it does.
func TestNodeWithoutPodCIDRsReportedOnce(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"no podCIDRs while node IPAM allocates", dual6, func(w *world) { w.f.Nodes[0].Spec.PodCIDRs, w.f.Nodes[0].Spec.PodCIDR = nil, "" },
			"capacity-node-pod-cidrs-allocated", Error, "has not allocated"},
	})
	w := healthy(dual4)
	w.f.Components = nil // node IPAM unknown: a managed control plane
	w.f.MarkUnavailable(SourceControlPlane, "no static control-plane pods")
	second := w.f.Nodes[0]
	second.Name, second.Spec.PodCIDRs, second.Spec.PodCIDR = "node-2", nil, ""
	third := second
	third.Name = "node-3"
	w.f.Nodes = append(w.f.Nodes, second, third)
	w.f.CIDRNotAvailable = []NodeEvent{{Node: "node-3", Message: "Node node-3 status is now: CIDRNotAvailable", Count: 1}}
	got := map[string]string{}
	for _, fd := range runObjectRules(t, w.facts()) {
		if fd.Result == Fail && fd.Severity != Info {
			got[fd.Subject] += fd.ID + " "
		}
	}
	want := map[string]string{
		"node/node-2 spec.podCIDRs": "nodes-pod-cidr-per-family ",
		"node/node-3 spec.podCIDRs": "capacity-node-pod-cidrs-allocated ",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("failures by subject %v, want %v", got, want)
	}
}

// A node that has just registered (not Ready, no addresses, no podCIDRs)
// is pending: info findings naming it, nothing failing, until it is Ready
// without them, when the same findings are errors. A not-Ready node that
// reported an address of one family only is wrong already.
func TestNodePendingUntilReady(t *testing.T) {
	joining := func(w *world, ready corev1.ConditionStatus) {
		n := corev1.Node{}
		n.Name = "node-2"
		setReady(&n, ready)
		w.f.Nodes = append(w.f.Nodes, n)
	}
	byRule := func(findings []Finding, sev Severity) []string {
		var out []string
		for _, fd := range findings {
			if fd.Result == Fail && fd.Severity == sev {
				out = append(out, fd.ID+" "+fd.Subject)
			}
		}
		slices.Sort(out)
		return out
	}
	both := []string{"capacity-node-pod-cidrs-allocated node/node-2 spec.podCIDRs", "nodes-internal-ip-per-family node/node-2 status.addresses"}
	for _, tc := range []struct {
		ready        corev1.ConditionStatus
		info, errors []string
	}{
		{corev1.ConditionFalse, both, nil},
		{corev1.ConditionUnknown, both, nil},
		{corev1.ConditionTrue, nil, both},
	} {
		w := healthy(dual4)
		joining(w, tc.ready)
		findings := runObjectRules(t, w.facts())
		if got := byRule(findings, Info); !slices.Equal(got, tc.info) {
			t.Errorf("Ready=%s: info %v, want %v:%s", tc.ready, got, tc.info, dump(findings))
		}
		if got := byRule(findings, Error); !slices.Equal(got, tc.errors) || len(byRule(findings, Warning)) > 0 {
			t.Errorf("Ready=%s: errors %v, want %v:%s", tc.ready, got, tc.errors, dump(findings))
		}
		for _, fd := range findings {
			if fd.Severity == Info && fd.Result == Fail && !strings.HasPrefix(fd.Message, "pending: ") {
				t.Errorf("Ready=%s: %s %q does not say pending", tc.ready, fd.ID, fd.Message)
			}
		}
	}

	runBrokenCases(t, []brokenCase{
		{"not Ready, an IPv4 InternalIP only", dual4, func(w *world) {
			w.setNodeAddrs("192.168.0.11")
			setReady(&w.f.Nodes[0], corev1.ConditionFalse)
		}, "nodes-internal-ip-per-family", Error, "no IPv6 InternalIP"},
	})

	// node IPAM unknown (a managed control plane): nodes-pod-cidr-per-family
	// compares the node with the others.
	w := healthy(dual4)
	w.f.Components = nil
	w.f.MarkUnavailable(SourceControlPlane, "no static control-plane pods")
	joining(w, corev1.ConditionFalse)
	w.f.Nodes[1].Status.Addresses = w.f.Nodes[0].Status.Addresses
	findings := runObjectRules(t, w.facts())
	if got, want := byRule(findings, Info), []string{"nodes-pod-cidr-per-family node/node-2 spec.podCIDRs"}; !slices.Equal(got, want) || len(failing(findings)) > 0 {
		t.Errorf("node IPAM unknown: info %v, want %v, and nothing failing:%s", got, want, dump(findings))
	}
}
