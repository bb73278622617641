package check

import "testing"

func TestClusterRulesBroken(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"expect ipv4 on a dual-stack cluster", dual4, func(w *world) { w.f.Expect = "ipv4" }, "cluster-stack", Error, "dual-stack IPv4-primary"},
		{"expect dual on a single-stack cluster", single4, func(w *world) { w.f.Expect = "dual" }, "cluster-stack", Error, "single-stack IPv4"},
	})
}
