package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"
)

// clusterRules are the cluster rules, in report order.
var clusterRules = []Rule{clusterStack, clusterIPv6DualStackGate, clusterStrictIPCIDRValues}

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

var clusterStrictIPCIDRValues = Rule{
	ID:        "cluster-ip-cidr-strict-form",
	Area:      AreaCluster,
	Title:     "The configuration's IPs and CIDRs are in the strict form API validation wants from 1.36",
	Severity:  Warning,
	Reference: "staging/src/k8s.io/apimachinery/pkg/util/validation/ip.go IsValidIPForLegacyField, IsValidCIDRForLegacyField; pkg/features/kube_features.go StrictIPCIDRValidation; https://kep.k8s.io/4858; staging/src/k8s.io/apiserver/pkg/server/options/server_run_options.go (--advertise-address); staging/src/k8s.io/component-helpers/node/util/ips.go ParseNodeIPArgument; cmd/kubeadm/app/util/config/initconfiguration.go SetAPIEndpointDynamicDefaults",
	Why:       "From Kubernetes 1.36 the StrictIPCIDRValidation feature gate is on by default (beta; alpha and off from 1.33), and the API server refuses, in new objects, IPs and CIDRs that are ambiguous: \"must not have leading 0s\" (other software reads 010 as octal 8), \"must not be an IPv4-mapped IPv6 address\" (::ffff:10.0.0.1), and in a CIDR \"must not have bits set beyond the prefix length\" (is 10.0.0.1/8 the network 10.0.0.0/8 or the address 10.0.0.1?). Component flags are not API objects, and most components read such values sloppily: kube-controller-manager's --cluster-cidr and --service-cluster-ip-range, kube-proxy's clusterCIDR, nodePortAddresses and bindAddress, the kubelet's --node-ip and clusterDNS read leading zeros as decimal, mask host bits and read an IPv4-mapped address as IPv4; kubeadm accepts its subnets the same way and writes them as given into those flags (its advertiseAddress it rewrites canonically). The value in use then differs from the one written, and the same value copied into an object (a NetworkPolicy's ipBlock, a Service's loadBalancerSourceRanges) is refused. kube-apiserver parses --advertise-address with Go's parser, which refuses leading zeros, on every version: it does not start (`invalid argument \"010.0.0.1\" for \"--advertise-address\" flag: failed to parse IP: \"010.0.0.1\"`). kube-apiserver's --service-cluster-ip-range is apiserver-service-range-syntax's; the leading zeros k3s, k0s, Talos and the installers refuse before any component starts are their own rules'.",
	Fix:       "write each IP and CIDR in canonical form: no leading zeros, an IPv4 address as IPv4, a CIDR as its network address (10.244.0.0/16, not 10.244.0.1/16)",
	Check:     checkClusterStrictIPCIDRValues,
}

func checkClusterStrictIPCIDRValues(f *Facts, r *Reporter) {
	strict, why := strictIPCIDR(f)
	seen := map[string]bool{}
	// check reports one value, read by reader (what reads it sloppily).
	check := func(subject, reader string, at Setting, v strictValue) {
		key := at.Source + "=" + at.Value
		if at.File != "" {
			key = fmt.Sprintf("%s:%d:%d", at.File, at.Line, at.Column) // kube-proxy's clusterCIDR kubeadm copies from its podSubnet
		}
		if seen[key] {
			return
		}
		seen[key] = true
		for _, e := range splitList(at.Value) {
			if v.flag == "nodeport-addresses" && (e == "primary" || e == "localhost" || e == "all") {
				continue
			}
			detail, readAs, zeros, ok := strictProblem(e, v.cidr)
			switch {
			case !ok:
			case zeros && f.Distribution != "":
				// The distribution parses it first, strictly: its rules.
			case zeros && v.refusesLeadingZeros:
				r.FailWith(Error, subject, at, "kube-apiserver refuses to start: invalid argument %q for \"--%s\" flag: failed to parse IP: %q", e, v.flag, e)
			case strict:
				r.Fail(subject, at, "%q: %s (%s: refused in API objects); %s sloppily as %s: write %s", e, detail, why, reader, readAs, readAs)
			}
		}
	}
	for _, c := range f.Components {
		for _, v := range strictValues {
			if s, ok := c.Setting(v.flag); ok && v.kind == c.Kind {
				check(flagSubject(c, v.flag), c.Kind+" reads it", s, v)
			}
		}
	}
	k := f.Kubeadm
	if k == nil {
		return
	}
	for _, sub := range []struct {
		field string
		at    *Setting
	}{{"networking.podSubnet", k.PodSubnet}, {"networking.serviceSubnet", k.ServiceSubnet}} {
		if sub.at != nil {
			check("kubeadm "+sub.field, "kubeadm writes it as given into the components' flags, which read it", *sub.at, strictValue{flag: sub.field, cidr: true})
		}
	}
	if a := k.AdvertiseAddress; a != nil {
		check("kubeadm localAPIEndpoint.advertiseAddress", "kubeadm writes into --advertise-address the address it reads", *a, strictValue{flag: "advertiseAddress"})
	}
	for _, section := range slices.Sorted(maps.Keys(kubeadmComponents)) {
		for _, v := range strictValues {
			if s, ok := k.ExtraArgs[section][v.flag]; ok && v.kind == kubeadmComponents[section] {
				check("kubeadm "+section+".extraArgs "+v.flag, "kubeadm writes it as given into the flag; "+v.kind+" reads it", s, v)
			}
		}
	}
}
