package check

import "strings"

// clusterRules are the cluster rules, in report order.
var clusterRules = []Rule{clusterStack}

var clusterStack = Rule{
	ID:        "cluster-stack",
	Area:      AreaCluster,
	Title:     "The cluster's IP stack (and --expect)",
	Severity:  Error,
	Reference: "KEP-563 (the primary family is that of the first --service-cluster-ip-range entry); https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "A cluster is dual-stack when kube-apiserver has a service range of each family (and kube-controller-manager a cluster CIDR of each); the family of the first `--service-cluster-ip-range` entry is the primary one, which Services get by default. Kubernetes runs single-stack clusters without complaint, so a single stack is only reported, unless `--expect` asks for another.",
	Fix:       "give kube-apiserver and kube-controller-manager one range of each family (--service-cluster-ip-range, --cluster-cidr), or correct --expect",
	Scope:     knownFamilies,
	Check:     checkClusterStack,
}

func checkClusterStack(f *Facts, r *Reporter) {
	const subject = "cluster"
	fams := f.Families()
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
