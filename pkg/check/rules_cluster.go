package check

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"
)

// clusterRules are the cluster rules, in report order.
var clusterRules = []Rule{clusterStack, clusterIPv6DualStackGate}

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

// ipv6DualStackGate is the feature gate of dual-stack before it went GA.
const ipv6DualStackGate = "IPv6DualStack"

var clusterIPv6DualStackGate = Rule{
	ID:        "cluster-ipv6dualstack-gate",
	Area:      AreaCluster,
	Title:     "No component sets the removed IPv6DualStack feature gate",
	Severity:  Error,
	Reference: "staging/src/k8s.io/component-base/featuregate/feature_gate.go unsafeSetFromMap; pkg/features/kube_features.go (IPv6DualStack: GA and locked in v1.23, removed in v1.25 by pull request 109435); https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "Old dual-stack guides pass `--feature-gates=IPv6DualStack=true` to every component (or set it in a KubeletConfiguration's or KubeProxyConfiguration's featureGates). The gate went GA in v1.23, locked on: setting it false fails (\"cannot set feature gate IPv6DualStack to false, feature is locked to true\") and setting it true only warns (\"Setting GA feature gate IPv6DualStack=true. It will be removed in a future release.\"). Kubernetes v1.25 removed it, and from then kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kube-proxy refuse to start: \"unrecognized feature gate: IPv6DualStack\". A component's version is its image tag, else the version the rules assume.",
	Fix:       "remove IPv6DualStack from --feature-gates (and from featureGates); dual-stack needs no gate since v1.23",
	Check:     checkClusterIPv6DualStackGate,
}

func checkClusterIPv6DualStackGate(f *Facts, r *Reporter) {
	for _, c := range f.Components {
		if s, ok := c.Setting("feature-gates"); ok {
			reportIPv6DualStackGate(f, r, c.Kind, flagSubject(c, "feature-gates"), s, componentVersion(c, f.ServerVersion), IsRelease(c.Version))
		}
	}
	if k := f.Kubeadm; k != nil {
		for _, component := range []string{"apiServer", "controllerManager", "scheduler"} {
			if s, ok := k.ExtraArgs[component]["feature-gates"]; ok {
				name := "the " + component + " kubeadm deploys"
				reportIPv6DualStackGate(f, r, name, "kubeadm "+component+".extraArgs feature-gates", s, componentVersion(Component{}, f.ServerVersion), false)
			}
		}
	}
}

// reportIPv6DualStackGate reports what a component of version v (tagged:
// its own image says so) does with IPv6DualStack in its feature gates.
func reportIPv6DualStackGate(f *Facts, r *Reporter, name, subject string, at Setting, v *version.Version, tagged bool) {
	value, ok := gateValue(at.Value, ipv6DualStackGate)
	if !ok || v == nil || !v.AtLeast(version.MajorMinor(1, 23)) {
		return // the gate still existed, unlocked
	}
	runs := fmt.Sprintf("v%d.%d", v.Major(), v.Minor())
	if !tagged {
		runs += " (" + f.VersionSource + ")"
	}
	sev, says := Error, ""
	switch {
	case v.AtLeast(version.MajorMinor(1, 25)):
		says = "unrecognized feature gate: " + ipv6DualStackGate
	case strings.EqualFold(value, "true"):
		sev, says = Warning, "Setting GA feature gate "+ipv6DualStackGate+"=true. It will be removed in a future release."
	default:
		says = "cannot set feature gate " + ipv6DualStackGate + " to " + value + ", feature is locked to true"
	}
	if sev == Error && !tagged && f.VersionAssumed() {
		sev = Warning
	}
	r.FailWith(sev, subject, at, "%s %s says: %s (dual-stack is GA since v1.23; the gate was removed in v1.25)", name, runs, says)
}

// gateValue is a gate's value in a --feature-gates list (Name=value,...).
func gateValue(gates, name string) (string, bool) {
	for _, kv := range strings.Split(gates, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}
