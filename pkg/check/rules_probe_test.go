package check

import (
	"strings"
	"testing"
)

func TestProbeRule(t *testing.T) {
	refused := `Service "kubectl-dualstack-probe-x" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services`
	withProbe := func(stack string, p *Probe, expect string) *Facts {
		f := cpCluster(stack)
		f.Probe, f.Expect = p, expect
		return f
	}
	for _, tc := range []struct {
		name   string
		facts  *Facts
		result Result
		sev    Severity
		msg    string
	}{
		{"not asked for", withProbe("dual4", nil, ""), Pass, Error, "not run"},
		{"not permitted", withProbe("dual4", &Probe{Skipped: "forbidden: cannot create services"}, ""), Skip, Error, "forbidden"},
		{"dual-stack allocation", withProbe("dual4", &Probe{ClusterIPs: []string{"10.96.0.7", "fd00:10:96::7"}}, ""), Pass, Error, "allocated clusterIPs 10.96.0.7,fd00:10:96::7"},
		{"one family allocated", withProbe("dual4", &Probe{ClusterIPs: []string{"10.96.0.7"}}, ""), Fail, Error, "got clusterIPs 10.96.0.7"},
		{"refused on a dual-stack cluster", withProbe("dual4", &Probe{Error: refused}, ""), Fail, Error, "this cluster is not configured for dual-stack services"},
		{"refused on a single-stack cluster", withProbe("single4", &Probe{Error: refused}, ""), Fail, Info, "single-stack cluster"},
		{"refused where CI expects dual-stack", withProbe("single4", &Probe{Error: refused}, "dual"), Fail, Error, "refused a RequireDualStack Service"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			findings := runRules(t, tc.facts, probeRules)
			if len(findings) != 1 {
				t.Fatalf("%d findings, want 1: %+v", len(findings), findings)
			}
			fd := findings[0]
			if fd.Result != tc.result || fd.Severity != tc.sev || !strings.Contains(fd.Message, tc.msg) {
				t.Errorf("got %s %s %q, want %s %s containing %q", fd.Result, fd.Severity, fd.Message, tc.result, tc.sev, tc.msg)
			}
		})
	}
}
