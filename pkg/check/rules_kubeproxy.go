package check

import (
	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"

	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/version"
)

// kubeProxyRules are the kubeProxy rules, in report order.
var kubeProxyRules = []Rule{kubeProxyConfigValid, kubeProxyClusterCIDR, kubeProxyClusterCIDRFamily, kubeProxyClusterCIDRMatches, kubeProxyNodePortAddresses}

// pkg/proxy/apis/config/validation/validation.go Validate
// (BindAddress, validateKubeProxyNodePortAddress, validateDetectLocalMode).
var kubeProxyConfigValid = Rule{
	ID:        "kube-proxy-config-valid",
	Area:      "kube-proxy",
	Title:     "kube-proxy bindAddress, nodePortAddresses and detectLocalMode are valid",
	Severity:  Error,
	Reference: "RULES.md §3.1, §3.2; pkg/proxy/apis/config/validation/validation.go Validate, validateKubeProxyNodePortAddress, validateDetectLocalMode",
	Fix:       "bindAddress must be an IP; nodePortAddresses CIDRs (or the keyword primary); detectLocalMode one of ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix",
	Needs:     []string{SourceKubeProxy},
	Check:     checkKubeProxyConfigValid,
}

func checkKubeProxyConfigValid(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	if len(proxies) == 0 {
		cpNothing(r, KubeProxy, "no kube-proxy configuration found: nothing to check")
		return
	}
	for _, c := range proxies {
		if s, ok := c.Setting("bind-address"); ok && netutils.ParseIPSloppy(s.Value) == nil {
			r.Fail(cpSubject(c, "bind-address"), s, "%s", field.Invalid(kubeProxyPath.Child("BindAddress"), s.Value, "not a valid textual representation of an IP address").Error())
		}
		if s, ok := c.Setting("nodeport-addresses"); ok && s.Value != "" {
			v := cpVersion(c, f.ServerVersion)
			legacy := v != nil && !v.AtLeast(version.MajorMinor(1, 37))
			for _, msg := range kubeProxyValidateNodePortAddresses(strings.Split(s.Value, ","), legacy) {
				r.Fail(cpSubject(c, "nodeport-addresses"), s, "%s", msg)
			}
		}
		if s, ok := c.Setting("detect-local-mode"); ok {
			valid := []string{"ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", ""}
			if !slices.Contains(valid, s.Value) {
				r.Fail(cpSubject(c, "detect-local-mode"), s, "%s", field.NotSupported(kubeProxyPath.Child("DetectLocalMode"), s.Value, valid).Error())
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

// pkg/proxy/apis/config/validation/validation.go
// validateDetectLocalConfiguration / validateDualStackCIDRStrings.
var kubeProxyClusterCIDR = Rule{
	ID:        "kube-proxy-cluster-cidr",
	Area:      "kube-proxy",
	Title:     "kube-proxy clusterCIDR is one CIDR or a dual-stack pair",
	Severity:  Error,
	Reference: "RULES.md §3.2 DetectLocal.ClusterCIDRs; pkg/proxy/apis/config/validation/validation.go validateDualStackCIDRStrings",
	Fix:       "set kube-proxy clusterCIDR to the pod CIDR, or the IPv4 and IPv6 pod CIDRs separated by a comma",
	Needs:     []string{SourceKubeProxy},
	Check:     checkKubeProxyClusterCIDR,
}

func checkKubeProxyClusterCIDR(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	if len(proxies) == 0 {
		cpNothing(r, KubeProxy, "no kube-proxy configuration found: nothing to check")
		return
	}
	path := kubeProxyPath.Child("DetectLocalConfiguration", "ClusterCIDRs")
	for _, c := range proxies {
		s, ok := c.Setting("cluster-cidr")
		if !ok || s.Value == "" || kubeProxyLocalMode(c) != "ClusterCIDR" {
			continue // validated only in ClusterCIDR mode and when set
		}
		subject := cpSubject(c, "cluster-cidr")
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

// cmd/kube-proxy/app/server.go checkBadIPConfig, detectNodeIPs (X12).
var kubeProxyClusterCIDRFamily = Rule{
	ID:        "kube-proxy-cluster-cidr-family",
	Area:      "kube-proxy",
	Title:     "kube-proxy clusterCIDR includes the primary IP family",
	Severity:  Error,
	Reference: "RULES.md §3.3 checkBadIPConfig, detectNodeIPs, §9 X12; cmd/kube-proxy/app/server.go checkBadIPConfig",
	Fix:       "list the pod CIDR of the primary family (first) in kube-proxy clusterCIDR, or fix bindAddress's family",
	Needs:     []string{SourceKubeProxy},
	Check:     checkKubeProxyClusterCIDRFamily,
}

func checkKubeProxyClusterCIDRFamily(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	if len(proxies) == 0 {
		cpNothing(r, KubeProxy, "no kube-proxy configuration found: nothing to check")
		return
	}
	for _, c := range proxies {
		subject := cpSubject(c, "cluster-cidr")
		primary, why, ok := kubeProxyPrimary(f, c)
		if !ok {
			r.Pass(subject, cpAt(c, "cluster-cidr", ""), "the primary IP family is unknown (no bindAddress, no service range): nothing to check")
			continue
		}
		s, _ := c.Setting("cluster-cidr")
		cidrs := cpSplit(s.Value)
		bad := otherFamily(primary)
		// badCIDRs: a non-empty list whose entries are all of the wrong family.
		allBad := len(cidrs) > 0 && !slices.ContainsFunc(cidrs, func(cidr string) bool {
			return netutils.IPFamilyOfCIDRString(cidr) != netutils.IPFamily(cpIPvN(bad))
		})
		if !allBad {
			continue
		}
		dual := f.DualStack()
		clusterType := string(primary) + "-only"
		if dual {
			clusterType = string(primary) + "-primary"
		}
		msg := fmt.Sprintf("cluster is %s but clusterCIDRs contains only IPv%s addresses", clusterType, cpIPvN(bad))
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
	if ip := netutils.ParseIPSloppy(cpValue(c, "bind-address")); ip != nil && !ip.IsUnspecified() {
		return cpFamily(ip), "bindAddress " + ip.String(), true
	}
	if fams := f.Families(); len(fams) > 0 {
		return fams[0], "the first service range", true
	}
	return "", "", false
}

// kubeProxyLocalMode is detectLocalMode after platformApplyDefaults
// (cmd/kube-proxy/app/server_linux.go): "" becomes ClusterCIDR.
func kubeProxyLocalMode(c Component) string {
	if m := cpValue(c, "detect-local-mode"); m != "" {
		return m
	}
	return "ClusterCIDR"
}

// X4: cmd/kubeadm/app/componentconfigs/kubeproxy.go (clusterCIDR =
// podSubnet), pkg/proxy local traffic detection.
var kubeProxyClusterCIDRMatches = Rule{
	ID:        "kube-proxy-cluster-cidr-matches",
	Area:      "kube-proxy",
	Title:     "kube-proxy clusterCIDR equals the controller-manager's --cluster-cidr (or kubeadm's podSubnet)",
	Severity:  Warning,
	Reference: "RULES.md §3.1, §3.3 getLocalDetectors, §5.1, §9 X4; cmd/kubeadm/app/componentconfigs/kubeproxy.go Default, cmd/kube-proxy/app/server_linux.go getLocalDetectors",
	Fix:       "set kube-proxy clusterCIDR to exactly kube-controller-manager's --cluster-cidr",
	Needs:     []string{SourceKubeProxy},
	Check:     checkKubeProxyClusterCIDRMatches,
}

func checkKubeProxyClusterCIDRMatches(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	if len(proxies) == 0 {
		cpNothing(r, KubeProxy, "no kube-proxy configuration found: nothing to check")
		return
	}
	// The reference: a controller-manager's --cluster-cidr (one that
	// allocates node CIDRs first), else kubeadm's podSubnet.
	var ref []string
	var refAt Setting
	var refName string
	for _, wantAllocate := range []bool{true, false} {
		for _, c := range f.ComponentsOf(ControllerManager) {
			if s, ok := c.Setting("cluster-cidr"); ok && s.Value != "" && ref == nil && (!wantAllocate || kcmConfigOf(c).allocate) {
				ref, refAt, refName = cpNormalize(strings.Split(s.Value, ",")), s, cpSubject(c, "cluster-cidr")
			}
		}
	}
	fromKubeadm := false
	if ref == nil && f.Kubeadm != nil && f.Kubeadm.PodSubnet != nil && f.Kubeadm.PodSubnet.Value != "" {
		ref, refAt, refName, fromKubeadm = cpNormalize(strings.Split(f.Kubeadm.PodSubnet.Value, ",")), *f.Kubeadm.PodSubnet, "kubeadm networking.podSubnet", true
	}
	if ref == nil {
		cpNothing(r, KubeProxy, "neither kube-controller-manager --cluster-cidr nor kubeadm podSubnet is known: nothing to compare")
		return
	}
	for _, c := range proxies {
		subject := cpSubject(c, "cluster-cidr")
		sev := Warning
		if kubeProxyLocalMode(c) != "ClusterCIDR" {
			sev = Info // clusterCIDR is not used in the other modes
		}
		s, ok := c.Setting("cluster-cidr")
		if !ok || s.Value == "" {
			if sev == Warning {
				r.Fail(subject, cpAt(c, "cluster-cidr", ""), "kube-proxy has no clusterCIDR while the pod CIDRs are %s (%s): Detect-local-mode set to ClusterCIDR, but no cluster CIDR specified for primary IP family", strings.Join(ref, ","), refAt.Source)
			}
			continue
		}
		got := cpNormalize(strings.Split(s.Value, ","))
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

// cmd/kube-proxy/app/server.go checkBadConfig.
var kubeProxyNodePortAddresses = Rule{
	ID:        "kube-proxy-nodeport-addresses",
	Area:      "kube-proxy",
	Title:     "kube-proxy nodePortAddresses cover the cluster's IP families",
	Severity:  Warning,
	Reference: "RULES.md §3.1, §3.3 checkBadConfig; cmd/kube-proxy/app/server.go checkBadConfig",
	Fix:       "set nodePortAddresses to [primary], or to CIDRs of both families on a dual-stack cluster",
	Needs:     []string{SourceKubeProxy},
	Check:     checkKubeProxyNodePortAddresses,
}

func checkKubeProxyNodePortAddresses(f *Facts, r *Reporter) {
	proxies := f.ComponentsOf(KubeProxy)
	if len(proxies) == 0 {
		cpNothing(r, KubeProxy, "no kube-proxy configuration found: nothing to check")
		return
	}
	for _, c := range proxies {
		subject := cpSubject(c, "nodeport-addresses")
		s, ok := c.Setting("nodeport-addresses")
		list := cpSplit(s.Value)
		if len(list) == 0 && cpValue(c, "proxy-mode") == "nftables" {
			list = []string{"primary"} // platformApplyDefaults
		}
		if !ok && len(list) == 0 {
			r.FailWith(Info, subject, cpAt(c, "nodeport-addresses", ""), "nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`")
			continue
		}
		primary, _, known := kubeProxyPrimary(f, c)
		if !known {
			continue
		}
		// anyDualStackConfig: the cluster's service ranges, or kube-proxy's
		// own clusterCIDR or nodePortAddresses, name both families.
		dualCIDRs, _ := netutils.IsDualStackCIDRStrings(cpSplit(cpValue(c, "cluster-cidr")))
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
			r.Fail(subject, s, "cluster appears to be dual-stack but nodePortAddresses contains only %s addresses; NodePort connections will be accepted on all local %s IPs", primary, otherFamily(primary))
		case count[primary] == 0:
			r.Fail(subject, s, "cluster appears to be %s-primary but nodePortAddresses contains only %s addresses; NodePort connections will be accepted on all local %s IPs", primary, otherFamily(primary), primary)
		}
	}
}
