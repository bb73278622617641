package check

import (
	"strings"
	"testing"
)

func TestControlPlaneRulesHealthy(t *testing.T) {
	for _, stack := range []string{"dual4", "dual6", "single4"} {
		findings := runRules(t, cpCluster(stack), controlPlaneRules)
		for _, fd := range findings {
			if fd.Result != Pass {
				t.Errorf("%s: %s %s %s %s: %s", stack, fd.ID, fd.Result, fd.Severity, fd.Subject, fd.Message)
			}
		}
	}
}

// Rules whose inputs are absent pass with "nothing to check", and rules
// whose sources are unavailable are skipped: never a failure.
func TestControlPlaneRulesNothingToCheck(t *testing.T) {
	empty := &Facts{}
	findings := runRules(t, empty, controlPlaneRules)
	for _, fd := range findings {
		if fd.Result != Pass {
			t.Errorf("empty facts: %s %s: %s", fd.ID, fd.Result, fd.Message)
		}
	}
	unavailable := &Facts{}
	for _, s := range []Source{SourceControlPlane, SourceKubeadm, SourceKubeProxy, SourceKubelet, SourceServices, SourceServiceCIDRs} {
		unavailable.MarkUnavailable(s, "forbidden")
	}
	findings = runRules(t, unavailable, controlPlaneRules)
	for _, fd := range findings {
		if fd.Result != Skip || !strings.Contains(fd.Message, "forbidden") {
			t.Errorf("unavailable sources: %s %s: %s", fd.ID, fd.Result, fd.Message)
		}
	}
}

func TestObjectRulesHealthyClusters(t *testing.T) {
	for name, fams := range stacks {
		t.Run(name, func(t *testing.T) {
			findings := runObjectRules(t, healthy(fams).facts())
			if got := failing(findings); len(got) > 0 {
				t.Fatalf("failing findings %v:%s", got, dump(findings))
			}
			for _, fd := range findings {
				if fd.Result == Skip {
					t.Errorf("skip with every source available:%s", dump([]Finding{fd}))
				}
				if fd.ID == "cluster-stack" {
					wantResult := Pass
					if len(fams) == 1 {
						wantResult = Fail // at info level
					}
					if fd.Result != wantResult || !strings.Contains(fd.Message, name) {
						t.Errorf("cluster-stack: %s %s %q", fd.Result, fd.Severity, fd.Message)
					}
				}
			}
		})
	}
}

// A managed control plane hides its flags: rules that need them skip, the
// rest still find a healthy cluster healthy.
func TestObjectRulesWithoutControlPlane(t *testing.T) {
	for name, fams := range stacks {
		t.Run(name, func(t *testing.T) {
			w := healthy(fams)
			w.f.Components = nil
			w.f.MarkUnavailable(SourceControlPlane, "no static control-plane pods")
			findings := runObjectRules(t, w.facts())
			if got := failing(findings); len(got) > 0 {
				t.Fatalf("failing findings %v:%s", got, dump(findings))
			}
			skipped := map[string]string{}
			for _, fd := range findings {
				if fd.Result == Skip {
					skipped[fd.ID] = fd.Message
				}
			}
			for _, id := range []string{"nodes-pod-cidr-in-cluster-cidr", "servicecidr-default-matches-flags", "capacity-node-pod-cidrs"} {
				if !strings.Contains(skipped[id], "no static control-plane pods") {
					t.Errorf("%s: skip %q, want the control-plane reason", id, skipped[id])
				}
			}
			if len(skipped) != 3 {
				t.Errorf("skipped %v", skipped)
			}
		})
	}
}

func TestObjectRulesUnknownFamiliesSkip(t *testing.T) {
	w := healthy(stacks["dual-stack IPv4-primary"])
	w.f.Components, w.f.ServiceCIDRs = nil, nil
	w.f.MarkUnavailable(SourceControlPlane, "forbidden")
	w.f.MarkUnavailable(SourceServiceCIDRs, "not served")
	findings := runObjectRules(t, w.facts())
	if got := failing(findings); len(got) > 0 {
		t.Fatalf("failing findings %v:%s", got, dump(findings))
	}
	for _, fd := range findings {
		if fd.ID == "cluster-stack" && (fd.Result != Skip || !strings.Contains(fd.Message, "forbidden")) {
			t.Errorf("cluster-stack: %s %q", fd.Result, fd.Message)
		}
		if fd.ID == "pods-dual-stack-ips" && fd.Result != Skip {
			t.Errorf("pods-dual-stack-ips: %s, want a skip when families are unknown", fd.Result)
		}
	}
}
