package check

import "strings"

// clusterRules are the cluster rules, in report order.
var clusterRules = []Rule{clusterStack}

// The primary family is that of the first service range (KEP-563;
// cmd/kube-apiserver/app/options/completion.go getServiceIPAndRanges).
var clusterStack = Rule{
	ID:        "cluster-stack",
	Area:      "cluster",
	Title:     "The cluster's IP stack (and --expect)",
	Severity:  Error,
	Reference: "RULES.md §1.2, §7.2; KEP-563 (the primary family is that of the first --service-cluster-ip-range entry)",
	Fix:       "give kube-apiserver and kube-controller-manager one range of each family (--service-cluster-ip-range, --cluster-cidr), or correct --expect",
	Check:     checkClusterStack,
}

func checkClusterStack(f *Facts, r *Reporter) {
	const subject = "cluster"
	fams := f.Families()
	if fams == nil {
		r.Skip(subject, familiesUnknown(f))
		return
	}
	_, at, _ := f.ServiceRanges()
	stack := stackName(fams)
	got := "invalid"
	switch {
	case isDualPair(fams):
		got = "dual"
	case len(fams) == 1:
		got = strings.ToLower(string(fams[0]))
	}
	expectName := map[string]string{"dual": "a dual-stack cluster", "ipv4": "a single-stack IPv4 cluster", "ipv6": "a single-stack IPv6 cluster"}
	switch {
	case f.Expect != "" && f.Expect != got:
		r.Fail(subject, at, "--expect=%s wants %s, but the service ranges %s make it %s", f.Expect, expectName[f.Expect], at.Value, stack)
	case got == "dual" || f.Expect != "":
		r.Pass(subject, at, "%s (service ranges %s)", stack, at.Value)
	default:
		r.FailWith(Info, subject, at, "%s cluster (service ranges %s): the other rules check its consistency; --expect=dual makes this an error", stack, at.Value)
	}
}
