package check

import "testing"

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
