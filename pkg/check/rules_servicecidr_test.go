package check

import (
	"slices"
	"strings"
	"testing"
)

// An error event the controller has since retried past (the ServiceCIDR now
// equals the flags) is information, not a failure.
func TestServiceCIDRRulesBroken(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"kubernetes ServiceCIDR lags the flags", dual4, func(w *world) { w.f.ServiceCIDRs[0].CIDRs = []string{"10.96.0.0/16"} },
			"servicecidr-default-matches-flags", Error, "The default ServiceCIDR [10.96.0.0/16] does not match the controller flag configurations [10.96.0.0/16 fd00:10:96::/112]"},
		{"kubernetes ServiceCIDR missing", dual4, func(w *world) { w.f.ServiceCIDRs[0].Name = "other" },
			"servicecidr-default-matches-flags", Warning, `no ServiceCIDR named "kubernetes"`},
		{"inconsistency events, apiserver flags unknown", dual4, func(w *world) {
			w.f.Components = nil
			w.f.ServiceCIDREvents = []string{"KubernetesDefaultServiceCIDRInconsistent: The default ServiceCIDR [10.96.0.0/16] does not match", "KubernetesDefaultServiceCIDRInconsistent: The default ServiceCIDR [10.96.0.0/16] does not match"}
		}, "servicecidr-default-events", Error, "KubernetesDefaultServiceCIDRInconsistent"},
		{"ServiceCIDR of one family twice", dual4, func(w *world) {
			w.f.ServiceCIDRs = append(w.f.ServiceCIDRs, ServiceCIDR{Name: "extra", CIDRs: []string{"10.100.0.0/16", "10.101.0.0/16"}})
		}, "servicecidr-valid", Error, "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64"},
		{"ServiceCIDR not canonical", dual4, func(w *world) {
			w.f.ServiceCIDRs = append(w.f.ServiceCIDRs, ServiceCIDR{Name: "extra", CIDRs: []string{"10.100.0.1/16"}})
		}, "servicecidr-valid", Error, "must not have bits set beyond the prefix length"},
		{"IPv6 ServiceCIDR shorter than /64", dual4, func(w *world) {
			w.f.ServiceCIDRs = append(w.f.ServiceCIDRs, ServiceCIDR{Name: "big", CIDRs: []string{"fd00:99::/48"}})
		}, "servicecidr-ipv6-prefix-length", Error, "shortest allowed prefix length for service CIDR is 64, got 48"},
	})
}

func TestServiceCIDREventsResolved(t *testing.T) {
	w := healthy(stacks["dual-stack IPv4-primary"])
	w.f.ServiceCIDREvents = []string{"KubernetesDefaultServiceCIDRError: The default ServiceCIDR can not be upgraded from 10.96.0.0/16 to dual stack [10.96.0.0/16 fd00:10:96::/112] : Operation cannot be fulfilled"}
	findings := runObjectRules(t, w.facts())
	if got := failing(findings); len(got) > 0 {
		t.Fatalf("failing rules %v:%s", got, dump(findings))
	}
	i := slices.IndexFunc(findings, func(fd Finding) bool { return fd.ID == "servicecidr-default-events" })
	if i < 0 || findings[i].Severity != Info || !strings.Contains(findings[i].Message, "resolved since") {
		t.Errorf("want an info finding saying the event is resolved:%s", dump(findings))
	}
}
