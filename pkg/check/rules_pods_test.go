package check

import (
	"fmt"
	"slices"
	"testing"
)

func TestPodRulesBroken(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"two IPv4 pod IPs", dual4, func(w *world) {
			w.pod("web-x").Status.PodIPs = podIPs("10.244.1.5", "10.244.1.6")
		}, "pods-pod-ips-valid", Error, "may specify no more than one IP for each IP family"},
		{"podIP differs from podIPs[0]", dual6, func(w *world) { w.pod("web-x").Status.PodIP = "fd00:10:244:1::6" },
			"pods-pod-ips-valid", Error, "must be equal to `podIP`"},
		{"single-stack pod on a dual-stack node", dual4, func(w *world) {
			w.pod("web-x").Status.PodIPs = podIPs("10.244.1.5")
		}, "pods-dual-stack-ips", Error, "only an IPv4 address (10.244.1.5) on dual-stack node node-1"},
		{"pod IPv6 first on an IPv4-primary cluster", dual4, func(w *world) {
			p := w.pod("web-x")
			p.Status.PodIP, p.Status.PodIPs = "fd00:10:244:1::5", podIPs("fd00:10:244:1::5", "10.244.1.5")
		}, "pods-primary-family", Warning, "podIPs[0] fd00:10:244:1::5 is IPv6 but the cluster is IPv4-primary"},
		{"pod IP outside the node's podCIDR", dual4, func(w *world) {
			p := w.pod("web-x")
			p.Status.PodIP, p.Status.PodIPs = "10.244.9.5", podIPs("10.244.9.5", "fd00:10:244:1::5")
		}, "pods-ips-in-node-pod-cidrs", Warning, "10.244.9.5 is outside node node-1's IPv4 podCIDR 10.244.1.0/24"},
		{"hostIP differs from hostIPs[0]", dual4, func(w *world) { w.pod("web-x").Status.HostIP = "fd00::11" },
			"pods-host-ips-valid", Error, "must be equal to `hostIP`"},
		{"hostIPs not the node's", dual4, func(w *world) {
			p := w.pod("web-x")
			p.Status.HostIP, p.Status.HostIPs = "192.168.0.99", hostIPs("192.168.0.99", "fd00::11")
		}, "pods-host-ips-match-node", Warning, "node node-1's host IPs"},
		{"hostNetwork pod without the node's IPv6", dual6, func(w *world) {
			p := w.pod("kube-proxy-x")
			p.Status.PodIPs = p.Status.PodIPs[:1]
		}, "pods-host-ips-match-node", Warning, "hostNetwork status.podIPs fd00::11"},
	})
}

func TestObjectRulesOneFailurePerBadPod(t *testing.T) {
	w := healthy(stacks["dual-stack IPv4-primary"])
	web := *w.pod("web-x")
	w.pods = nil
	for i := range 3 {
		p := web.DeepCopy()
		p.Name = fmt.Sprintf("web-%d", i)
		p.Status.PodIPs = p.Status.PodIPs[:1]
		w.pods = append(w.pods, *p)
	}
	var subjects []string
	for _, fd := range runObjectRules(t, w.facts()) {
		if fd.Result == Fail {
			subjects = append(subjects, fd.ID+" "+fd.Subject)
		}
	}
	want := []string{"pods-dual-stack-ips pod/demo/web-0 status.podIPs", "pods-dual-stack-ips pod/demo/web-1 status.podIPs", "pods-dual-stack-ips pod/demo/web-2 status.podIPs"}
	if !slices.Equal(subjects, want) {
		t.Errorf("failures %v, want %v", subjects, want)
	}
}

// Pod rules look nodes up in an index the run builds once. It lives in the
// run, not in Facts: a second run over facts whose nodes changed sees the
// change.
func TestPodRulesNodeIndexPerRun(t *testing.T) {
	w := bigWorld(2000, 10000)
	f := w.facts()
	findings := runObjectRules(t, f)
	if got := failing(findings); len(got) > 0 {
		t.Fatalf("%d failing findings, first %v:%s", len(got), got[0], dump(findings[:min(len(findings), 5)]))
	}
	f.Nodes[0].Spec.PodCIDRs = []string{"10.200.0.0/24", "fd00:10:244:ffff::/64"}
	var outside []string
	for _, fd := range runObjectRules(t, f) {
		if fd.ID == "pods-ips-in-node-pod-cidrs" && fd.Result == Fail {
			outside = append(outside, fd.Subject)
		}
	}
	// Pods 0, 2000, 4000, 6000 and 8000 run on node-0.
	if len(outside) != 5 {
		t.Errorf("after node-0's podCIDRs changed, %d pods outside them, want 5: %v", len(outside), outside)
	}
}

func BenchmarkPodRules10000Pods(b *testing.B) {
	f := bigWorld(2000, 10000).facts()
	var podRules []Rule
	for _, r := range objectRules {
		if r.CheckPod != nil {
			podRules = append(podRules, r)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(f, podRules, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
