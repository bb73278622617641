package check

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/version"
	netutils "k8s.io/utils/net"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// kubeProxyRules are the kubeProxy rules, in report order.
var kubeProxyRules = []Rule{kubeProxyConfigValid, kubeProxyClusterCIDR, kubeProxyClusterCIDRFamily, kubeProxyClusterCIDRMatches, kubeProxyNodePortAddresses, kubeProxyIPVSMode}

var kubeProxyConfigValid = Rule{
	ID:        "kube-proxy-config-valid",
	Area:      AreaKubeProxy,
	Title:     "kube-proxy bindAddress, nodePortAddresses and detectLocalMode are valid",
	Severity:  Error,
	Reference: "pkg/proxy/apis/config/validation/validation.go Validate, validateKubeProxyNodePortAddress, validateDetectLocalMode",
	Why:       "kube-proxy validates its configuration at start-up and exits on an error: `bindAddress` must be an IP (\"not a valid textual representation of an IP address\"), each `nodePortAddresses` entry a CIDR or a keyword (\"must be a valid CIDR or one of the keywords 'primary', 'localhost', 'all'\"; before v1.37 only a lone primary: \"can't use both 'primary' and CIDRs\"), and `detectLocalMode` one of the supported modes (\"Unsupported value\").",
	Fix:       "bindAddress must be an IP; nodePortAddresses CIDRs (or the keyword primary); detectLocalMode one of ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix",
	Needs:     []Source{SourceKubeProxy},
	Scope:     kubeProxies,
	Check:     checkKubeProxyConfigValid,
}

func checkKubeProxyConfigValid(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	for _, c := range proxies {
		if s, ok := c.Setting("bind-address"); ok && netutils.ParseIPSloppy(s.Value) == nil {
			r.Fail(flagSubject(c, "bind-address"), s, "%s", field.Invalid(kubeProxyPath.Child("BindAddress"), s.Value, "not a valid textual representation of an IP address").Error())
		}
		if s, ok := c.Setting("nodeport-addresses"); ok && s.Value != "" {
			v := componentVersion(c, f.ServerVersion)
			legacy := v != nil && !v.AtLeast(version.MajorMinor(1, 37))
			for _, msg := range kubeProxyValidateNodePortAddresses(strings.Split(s.Value, ","), legacy) {
				r.Fail(flagSubject(c, "nodeport-addresses"), s, "%s", msg)
			}
		}
		if s, ok := c.Setting("detect-local-mode"); ok {
			valid := []string{"ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", ""}
			if !slices.Contains(valid, s.Value) {
				r.Fail(flagSubject(c, "detect-local-mode"), s, "%s", field.NotSupported(kubeProxyPath.Child("DetectLocalMode"), s.Value, valid).Error())
			}
		}
	}
}

// kubeProxyPath is where kube-proxy's validation errors point.
var kubeProxyPath = field.NewPath("KubeProxyConfiguration")

// kubeProxyValidateNodePortAddresses is validateKubeProxyNodePortAddress:
// since v1.37 each entry is a CIDR or one of the keywords primary,
// localhost, all; before, a CIDR or the single entry primary.
func kubeProxyValidateNodePortAddresses(list []string, legacy bool) []string {
	path := kubeProxyPath.Child("NodePortAddresses")
	var out []string
	seen := map[string]bool{}
	for i, a := range list {
		if legacy {
			if a == "primary" {
				if i != 0 || len(list) != 1 {
					out = append(out, field.Invalid(path.Index(i), a, "can't use both 'primary' and CIDRs").Error())
				}
				break
			}
			if _, _, err := netutils.ParseCIDRSloppy(a); err != nil {
				out = append(out, field.Invalid(path.Index(i), a, "must be a valid CIDR").Error())
			}
			continue
		}
		switch a {
		case "primary", "localhost", "all":
			if seen[a] {
				out = append(out, field.Duplicate(path.Index(i), a).Error())
			}
			seen[a] = true
			continue
		}
		if _, _, err := netutils.ParseCIDRSloppy(a); err != nil {
			out = append(out, field.Invalid(path.Index(i), a, "must be a valid CIDR or one of the keywords 'primary', 'localhost', 'all'").Error())
		}
	}
	return out
}

var kubeProxyClusterCIDR = Rule{
	ID:        "kube-proxy-cluster-cidr",
	Area:      AreaKubeProxy,
	Title:     "kube-proxy clusterCIDR is one CIDR or a dual-stack pair",
	Severity:  Error,
	Reference: "pkg/proxy/apis/config/validation/validation.go validateDualStackCIDRStrings, validateDetectLocalConfiguration",
	Why:       "When `detectLocalMode` is ClusterCIDR (the default) and `clusterCIDR` is set, kube-proxy refuses to start unless it is one CIDR or an IPv4 and IPv6 pair: \"must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]\" (sic), and for each entry \"must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)\".",
	Fix:       "set kube-proxy clusterCIDR to the pod CIDR, or the IPv4 and IPv6 pod CIDRs separated by a comma",
	Needs:     []Source{SourceKubeProxy},
	Scope:     kubeProxies,
	Check:     checkKubeProxyClusterCIDR,
}

func checkKubeProxyClusterCIDR(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	path := kubeProxyPath.Child("DetectLocalConfiguration", "ClusterCIDRs")
	for _, c := range proxies {
		s, ok := c.Setting("cluster-cidr")
		if !ok || s.Value == "" || kubeProxyLocalMode(c) != "ClusterCIDR" {
			continue // validated only in ClusterCIDR mode and when set
		}
		subject := flagSubject(c, "cluster-cidr")
		cidrs := strings.Split(s.Value, ",")
		if len(cidrs) > 2 {
			r.Fail(subject, s, "%s", field.Invalid(path, cidrs, "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]").Error())
			continue
		}
		for i, cidr := range cidrs {
			if _, _, err := netutils.ParseCIDRSloppy(cidr); err != nil {
				r.Fail(subject, s, "%s", field.Invalid(path.Index(i), cidr, "must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)").Error())
			}
		}
		if len(cidrs) == 2 {
			if dual, err := netutils.IsDualStackCIDRStrings(cidrs); err == nil && !dual {
				r.Fail(subject, s, "%s", field.Invalid(path, cidrs, "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]").Error())
			}
		}
	}
}

var kubeProxyClusterCIDRFamily = Rule{
	ID:        "kube-proxy-cluster-cidr-family",
	Area:      AreaKubeProxy,
	Title:     "kube-proxy clusterCIDR includes the primary IP family",
	Severity:  Error,
	Reference: "cmd/kube-proxy/app/server.go checkBadIPConfig, detectNodeIPs",
	Why:       "kube-proxy takes its primary family from `bindAddress` when that is a specific IP, else from its Node's first IP, and when every `clusterCIDR` entry is of the other family it logs \"Kube-proxy configuration may be incomplete or incorrect\" with \"cluster is IPv4-primary but clusterCIDRs contains only IPv6 addresses\", and detects no local traffic of the primary family. In ClusterCIDR mode on a node without dual-stack support the error is fatal: \"kube-proxy configuration is incorrect\".",
	Fix:       "list the pod CIDR of the primary family (first) in kube-proxy clusterCIDR, or fix bindAddress's family",
	Needs:     []Source{SourceKubeProxy},
	Scope:     kubeProxies,
	Check:     checkKubeProxyClusterCIDRFamily,
}

func checkKubeProxyClusterCIDRFamily(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	for _, c := range proxies {
		subject := flagSubject(c, "cluster-cidr")
		primary, why, ok := kubeProxyPrimary(f, c)
		if !ok {
			r.Pass(subject, flagAt(c, "cluster-cidr", ""), "the primary IP family is unknown (no bindAddress, no service range): nothing to check")
			continue
		}
		s, _ := c.Setting("cluster-cidr")
		cidrs := splitUntrimmed(s.Value)
		bad := dualstack.OtherFamily(primary)
		// badCIDRs: a non-empty list whose entries are all of the wrong family.
		allBad := len(cidrs) > 0 && !slices.ContainsFunc(cidrs, func(cidr string) bool {
			return netutils.IPFamilyOfCIDRString(cidr) != netutils.IPFamily(ipvN(bad))
		})
		if !allBad {
			continue
		}
		dual := f.DualStack()
		clusterType := string(primary) + "-only"
		if dual {
			clusterType = string(primary) + "-primary"
		}
		msg := fmt.Sprintf("cluster is %s but clusterCIDRs contains only IPv%s addresses", clusterType, ipvN(bad))
		if kubeProxyLocalMode(c) == "ClusterCIDR" && !dual {
			r.Fail(subject, s, "kube-proxy configuration is incorrect: %s (primary family taken from %s; fatal on nodes without dual-stack support)", msg, why)
		} else {
			r.FailWith(Warning, subject, s, "%s (primary family taken from %s; kube-proxy logs \"Kube-proxy configuration may be incomplete or incorrect\" and detects no local traffic of the primary family)", msg, why)
		}
	}
}

// kubeProxyPrimary is kube-proxy's primary family (detectNodeIPs): that of
// bindAddress when it is set and not unspecified, else (upstream: the
// Node's first IP) the cluster's primary family. ok is false when neither
// is known.
func kubeProxyPrimary(f *Facts, c Component) (fam corev1.IPFamily, why string, ok bool) {
	if ip := netutils.ParseIPSloppy(flagValue(c, "bind-address")); ip != nil && !ip.IsUnspecified() {
		return familyOfNetIP(ip), "bindAddress " + ip.String(), true
	}
	if fams := f.Families(); len(fams) > 0 {
		return fams[0], "the first service range", true
	}
	return "", "", false
}

// kubeProxyLocalMode is detectLocalMode after platformApplyDefaults
// (cmd/kube-proxy/app/server_linux.go): "" becomes ClusterCIDR.
func kubeProxyLocalMode(c Component) string {
	if m := flagValue(c, "detect-local-mode"); m != "" {
		return m
	}
	return "ClusterCIDR"
}

var kubeProxyClusterCIDRMatches = Rule{
	ID:        "kube-proxy-cluster-cidr-matches",
	Area:      AreaKubeProxy,
	Title:     "kube-proxy clusterCIDR equals the controller-manager's --cluster-cidr (or kubeadm's podSubnet)",
	Severity:  Warning,
	Reference: "cmd/kubeadm/app/componentconfigs/kubeproxy.go Default; cmd/kube-proxy/app/server_linux.go getLocalDetectors",
	Why:       "In ClusterCIDR mode (the default) kube-proxy counts traffic as local when its source lies in the first `clusterCIDR` entry of its family, and masquerades Service traffic from anywhere else, so pod ranges missing from `clusterCIDR` are treated as outside the cluster; with no entry of the primary family it logs \"Detect-local-mode set to ClusterCIDR, but no cluster CIDR specified for primary IP family\". kubeadm sets `clusterCIDR` to `podSubnet` by default and, when a configuration sets another value, only prints a \"recommended value\" warning.",
	Fix:       "set kube-proxy clusterCIDR to exactly kube-controller-manager's --cluster-cidr",
	Needs:     []Source{SourceKubeProxy},
	Scope:     kubeProxies,
	Check:     checkKubeProxyClusterCIDRMatches,
}

func checkKubeProxyClusterCIDRMatches(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	// The reference: a controller-manager's --cluster-cidr (one that
	// allocates node CIDRs first), else kubeadm's podSubnet.
	var ref []string
	var refAt Setting
	var refName string
	for _, wantAllocate := range []bool{true, false} {
		for _, c := range f.ComponentsOf(ControllerManager) {
			if s, ok := c.Setting("cluster-cidr"); ok && s.Value != "" && ref == nil && (!wantAllocate || kcmConfigOf(c).allocate) {
				ref, refAt, refName = normalizeCIDRs(strings.Split(s.Value, ",")), s, flagSubject(c, "cluster-cidr")
			}
		}
	}
	fromKubeadm := false
	if ref == nil && f.Kubeadm != nil && f.Kubeadm.PodSubnet != nil && f.Kubeadm.PodSubnet.Value != "" {
		ref, refAt, refName, fromKubeadm = normalizeCIDRs(strings.Split(f.Kubeadm.PodSubnet.Value, ",")), *f.Kubeadm.PodSubnet, "kubeadm networking.podSubnet", true
	}
	if ref == nil {
		if pods, at, ok := inferredPodFamilies(f); ok {
			checkKubeProxyPodFamilies(proxies, pods, at, r)
			return
		}
		r.Pass(KubeProxy, Setting{}, "neither kube-controller-manager --cluster-cidr nor kubeadm podSubnet is known: nothing to compare")
		return
	}
	for _, c := range proxies {
		subject := flagSubject(c, "cluster-cidr")
		sev := Warning
		if kubeProxyLocalMode(c) != "ClusterCIDR" {
			sev = Info // clusterCIDR is not used in the other modes
		}
		s, ok := c.Setting("cluster-cidr")
		if !ok || s.Value == "" {
			if sev == Warning {
				r.Fail(subject, flagAt(c, "cluster-cidr", ""), "kube-proxy has no clusterCIDR while the pod CIDRs are %s (%s): Detect-local-mode set to ClusterCIDR, but no cluster CIDR specified for primary IP family", strings.Join(ref, ","), refAt.Source)
			}
			continue
		}
		got := normalizeCIDRs(strings.Split(s.Value, ","))
		if slices.Equal(got, ref) {
			continue
		}
		if fromKubeadm {
			r.FailWith(sev, subject, s, "The recommended value for %q in %q is: %v; the provided value is: %v (kubeadm podSubnet, %s)", "clusterCIDR", "KubeProxyConfiguration", f.Kubeadm.PodSubnet.Value, s.Value, refAt.Source)
		} else {
			r.FailWith(sev, subject, s, "kube-proxy clusterCIDR %s differs from %s %s (%s): kube-proxy treats traffic from pod IPs outside its clusterCIDR as coming from outside the cluster", strings.Join(got, ","), refName, strings.Join(ref, ","), refAt.Source)
		}
	}
}

// checkKubeProxyPodFamilies compares kube-proxy's clusterCIDR with the pod
// families inferred from the nodes' podCIDRs when the cluster CIDR is
// hidden: only whether each family has an entry (kube-proxy uses the first
// of each), never the ranges themselves, which cannot be inferred.
func checkKubeProxyPodFamilies(proxies []Component, pods []corev1.IPFamily, podsAt Setting, r *Reporter) {
	for _, c := range proxies {
		subject := flagSubject(c, "cluster-cidr")
		if kubeProxyLocalMode(c) != "ClusterCIDR" {
			continue // clusterCIDR is not used in the other modes
		}
		s := flagAt(c, "cluster-cidr", "")
		have := familiesOfCIDRs(parseCIDRList(s.Value))
		missing := slices.DeleteFunc(slices.Clone(pods), func(fam corev1.IPFamily) bool { return slices.Contains(have, fam) })
		if len(missing) == 0 {
			r.Pass(subject, s, "kube-proxy clusterCIDR %s has a CIDR of each pod family, %s (%s; the cluster CIDR itself is hidden)", s.Value, joinFamilies(pods), podsAt.Source)
			continue
		}
		r.Fail(subject, s, "kube-proxy clusterCIDR %q has no %s CIDR while the nodes' podCIDRs are %s (%s): kube-proxy treats traffic from those pods as coming from outside the cluster", s.Value, joinFamilies(missing), joinFamilies(pods), podsAt.Source)
	}
}

var kubeProxyNodePortAddresses = Rule{
	ID:        "kube-proxy-nodeport-addresses",
	Area:      AreaKubeProxy,
	Title:     "kube-proxy nodePortAddresses cover the cluster's IP families",
	Severity:  Warning,
	Reference: "cmd/kube-proxy/app/server.go checkBadConfig; cmd/kube-proxy/app/server_linux.go platformApplyDefaults",
	Why:       "kube-proxy accepts NodePort connections on the addresses `nodePortAddresses` selects, on all local IPs when it is unset (the nftables mode defaults it to primary), and only logs at start-up when the list leaves out a family: \"cluster appears to be dual-stack but nodePortAddresses contains only IPv4 addresses; NodePort connections will be accepted on all local IPv6 IPs\". When it is unset kube-proxy logs \"nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`\".",
	Fix:       "set nodePortAddresses to [primary], or to CIDRs of both families on a dual-stack cluster",
	Needs:     []Source{SourceKubeProxy},
	Scope:     kubeProxies,
	Check:     checkKubeProxyNodePortAddresses,
}

func checkKubeProxyNodePortAddresses(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	for _, c := range proxies {
		subject := flagSubject(c, "nodeport-addresses")
		s, ok := c.Setting("nodeport-addresses")
		list := splitUntrimmed(s.Value)
		if len(list) == 0 && flagValue(c, "proxy-mode") == "nftables" {
			list = []string{"primary"} // platformApplyDefaults
		}
		if !ok && len(list) == 0 {
			r.FailWith(Info, subject, flagAt(c, "nodeport-addresses", ""), "nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`")
			continue
		}
		primary, _, known := kubeProxyPrimary(f, c)
		if !known {
			continue
		}
		// anyDualStackConfig: the cluster's service ranges, or kube-proxy's
		// own clusterCIDR or nodePortAddresses, name both families.
		dualCIDRs, _ := netutils.IsDualStackCIDRStrings(splitUntrimmed(flagValue(c, "cluster-cidr")))
		dualNPA, _ := netutils.IsDualStackCIDRStrings(list)
		dual := f.DualStack() || dualCIDRs || dualNPA
		// Keywords expand to CIDRs of both families (primary: the node's
		// IP of each family, which a dual-stack node has).
		count := map[corev1.IPFamily]int{}
		total := 0
		for _, a := range list {
			switch a {
			case "primary", "localhost", "all":
				count[corev1.IPv4Protocol]++
				count[corev1.IPv6Protocol]++
				total += 2
			default:
				if _, n, err := netutils.ParseCIDRSloppy(strings.TrimSpace(a)); err == nil {
					count[familyOfCIDR(n)]++
				}
				total++
			}
		}
		switch {
		case dual && count[primary] == total:
			r.Fail(subject, s, "cluster appears to be dual-stack but nodePortAddresses contains only %s addresses; NodePort connections will be accepted on all local %s IPs", primary, dualstack.OtherFamily(primary))
		case count[primary] == 0:
			r.Fail(subject, s, "cluster appears to be %s-primary but nodePortAddresses contains only %s addresses; NodePort connections will be accepted on all local %s IPs", primary, dualstack.OtherFamily(primary), primary)
		}
	}
}

var kubeProxyIPVSMode = Rule{
	ID:        "kube-proxy-ipvs-mode",
	Area:      AreaKubeProxy,
	Title:     "kube-proxy does not run the ipvs mode, deprecated since 1.35",
	Severity:  Warning,
	Reference: "cmd/kube-proxy/app/server_linux.go createProxier; cmd/kubeadm/app/componentconfigs/kubeproxy.go Default; pkg/proxy/apis/config/validation/validation.go validateProxyModeLinux; pkg/features/kube_features.go KubeProxyIPVS; kubernetes/kubernetes pull requests 134539 and 139067; https://kep.k8s.io/5495; https://kubernetes.io/docs/reference/networking/virtual-ips/",
	Why:       "kube-proxy's ipvs mode is deprecated since Kubernetes 1.35. kube-proxy in that mode logs at start and records a Warning event (reason IPVSDeprecation) on its Node: \"The ipvs proxier has been deprecated and will be disabled by default in Kubernetes 1.40 and removed in Kubernetes 1.43. Migrate to the 'nftables' proxier instead.\"; kubeadm warns from 1.37: `The \"KubeProxyConfiguration\" field \"mode\" is set to \"ipvs\" which has been deprecated since version v1.35. For newer Linux kernel versions, we recommend using the \"nftables\" mode, which has been GA since v1.33. For older Linux kernel versions, you can use the \"iptables\" mode which is still the default one.` From 1.37 the KubeProxyIPVS feature gate (deprecated, on by default) turns it off ahead of time: kube-proxy then refuses the mode and does not start (\"must be iptables, nftables or blank (blank means the best-available proxy [currently iptables])\"). A component's version is its image tag, else the version the rules assume.",
	Fix:       "move kube-proxy to mode nftables (Linux 5.13 or newer) or iptables, node by node, before ipvs is disabled in 1.40",
	Needs:     []Source{SourceKubeProxy},
	Scope:     kubeProxies,
	Check:     checkKubeProxyIPVSMode,
}

// ipvsDeprecation is what kube-proxy logs and records in ipvs mode
// (cmd/kube-proxy/app/server_linux.go, v1.37).
const ipvsDeprecation = "The ipvs proxier has been deprecated and will be disabled by default in Kubernetes 1.40 and removed in Kubernetes 1.43. Migrate to the 'nftables' proxier instead."

func checkKubeProxyIPVSMode(f *Facts, r *Reporter) {
	for _, c := range f.ComponentsOf(KubeProxy) {
		s, ok := c.Setting("proxy-mode")
		if !ok || s.Value != "ipvs" {
			continue
		}
		v := componentVersion(c, f.ServerVersion)
		if v == nil || !v.AtLeast(version.MajorMinor(1, 35)) {
			continue // not deprecated yet
		}
		if on, set := featureGates(c)["KubeProxyIPVS"]; set && !on && v.AtLeast(version.MajorMinor(1, 37)) {
			r.FailWith(Error, flagSubject(c, "proxy-mode"), s, "%s; kube-proxy v%s refuses to start with KubeProxyIPVS=false", field.Invalid(kubeProxyPath.Child("ProxyMode"), s.Value, "must be iptables, nftables or blank (blank means the best-available proxy [currently iptables])").Error(), v)
			continue
		}
		r.Fail(flagSubject(c, "proxy-mode"), s, "mode ipvs on kube-proxy v%s: %s", v, ipvsDeprecation)
	}
}
