package check

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/version"
	netutils "k8s.io/utils/net"
)

// controlPlaneRules check component flags and configuration files. They
// read only Facts. Messages that correspond to an upstream check contain
// the upstream error text verbatim (shared/design/RULES.md), formatted with
// the actual values, followed by context in parentheses.
var controlPlaneRules = []Rule{
	// --- kube-apiserver ---------------------------------------------------

	// cmd/kube-apiserver/app/options/completion.go getServiceIPAndRanges
	// (parse errors) and validation.go validateClusterIPFlags (A1, A2).
	{
		ID:        "apiserver-service-range-syntax",
		Area:      "apiserver",
		Title:     "kube-apiserver --service-cluster-ip-range parses and has at most two entries",
		Severity:  Error,
		Reference: "RULES.md §1.2, §1.3 A1/A2; cmd/kube-apiserver/app/options/completion.go getServiceIPAndRanges, validation.go validateClusterIPFlags",
		Fix:       "set --service-cluster-ip-range to one CIDR, or two CIDRs of different families separated by a comma (no spaces)",
		Needs:     []string{SourceControlPlane},
		Check:     checkAPIServerRangeSyntax,
	},
	// cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags (A4).
	{
		ID:        "apiserver-service-range-families",
		Area:      "apiserver",
		Title:     "The two kube-apiserver service ranges are of different IP families",
		Severity:  Error,
		Reference: "RULES.md §1.3 A4; cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags",
		Fix:       "give --service-cluster-ip-range one IPv4 and one IPv6 CIDR, primary family first",
		Needs:     []string{SourceControlPlane},
		Check:     checkAPIServerRangeFamilies,
	},
	// cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags /
	// validateMaxCIDRRange (A3, A5; gates MultiCIDRServiceAllocator and
	// DisableAllocatorDualWrite in pkg/features/kube_features.go);
	// pkg/controlplane/apiserver/options/options.go ServiceIPRange (minimum
	// 8 addresses); pkg/registry/core/service/ipallocator/ipallocator.go
	// NewIPAllocator (IPv6 prefix >= 64).
	{
		ID:        "apiserver-service-range-size",
		Area:      "apiserver",
		Title:     "kube-apiserver service ranges are within the size limits of its version",
		Severity:  Error,
		Reference: "RULES.md §1.2, §1.3 A3/A5 and \"Effective mask limit by version\"; cmd/kube-apiserver/app/options/validation.go validateMaxCIDRRange, pkg/controlplane/apiserver/options/options.go ServiceIPRange, pkg/registry/core/service/ipallocator/ipallocator.go NewIPAllocator",
		Fix:       "use at most 20 host bits per service range (IPv4 /12 or longer, IPv6 /108 or longer) before v1.34, an IPv6 prefix of /64 or longer always, and at least 8 addresses for the primary range",
		Needs:     []string{SourceControlPlane},
		Check:     checkAPIServerRangeSize,
	},
	// pkg/controlplane/apiserver/options/options.go ServiceIPRange,
	// pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR.
	{
		ID:        "apiserver-service-range-default",
		Area:      "apiserver",
		Title:     "kube-apiserver --service-cluster-ip-range is set (the default is deprecated and single-stack)",
		Severity:  Warning,
		Reference: "RULES.md §1.1; pkg/controlplane/apiserver/options/options.go ServiceIPRange, pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR",
		Fix:       "set --service-cluster-ip-range explicitly (for dual-stack: <IPv4 CIDR>,<IPv6 CIDR>)",
		Needs:     []string{SourceControlPlane},
		Check:     checkAPIServerRangeDefault,
	},
	// cmd/kube-apiserver/app/options/validation.go
	// validatePublicIPServiceClusterIPRangeIPFamilies (X3).
	{
		ID:        "apiserver-advertise-address-family",
		Area:      "apiserver",
		Title:     "kube-apiserver --advertise-address is of the primary service family",
		Severity:  Error,
		Reference: "RULES.md §1.3 validatePublicIPServiceClusterIPRangeIPFamilies, §9 X3; cmd/kube-apiserver/app/options/validation.go validatePublicIPServiceClusterIPRangeIPFamilies",
		Fix:       "advertise an address of the family of the first --service-cluster-ip-range entry (or swap the ranges' order on a new cluster)",
		// No Needs: without kube-apiserver instances it checks what kubeadm
		// would generate, and skips only when neither is known.
		Check: checkAPIServerAdvertiseFamily,
	},
	// content/en/docs/tasks/network/reconfigure-default-service-ip-ranges.md;
	// pkg/controlplane/controller/defaultservicecidr (X2, the flags part).
	{
		ID:        "apiserver-service-range-consistent",
		Area:      "apiserver",
		Title:     "All kube-apiserver instances have the same --service-cluster-ip-range",
		Severity:  Error,
		Reference: "RULES.md §1.5, §9 X2; pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go, docs tasks/network/reconfigure-default-service-ip-ranges.md",
		Fix:       "give every kube-apiserver the same --service-cluster-ip-range, entries in the same order",
		Needs:     []string{SourceControlPlane},
		Check:     checkAPIServerRangeConsistent,
	},
	// kubernetes PR #79386 (v1.16 only); later releases reject the flag
	// (pflag: unknown flag).
	{
		ID:        "apiserver-secondary-range-flag",
		Area:      "apiserver",
		Title:     "kube-apiserver does not use the obsolete --secondary-service-cluster-ip-range",
		Severity:  Error,
		Reference: "RULES.md §1.4; kubernetes PR #79386 (v1.16), cmd/kube-apiserver/app/options/options.go (flag no longer defined)",
		Fix:       "remove --secondary-service-cluster-ip-range and give both ranges as --service-cluster-ip-range=<primary>,<secondary>",
		Needs:     []string{SourceControlPlane},
		Check:     checkAPIServerSecondaryFlag,
	},
	// pkg/controlplane/apiserver/options/options.go ServiceIPRange
	// (APIServerServiceIP = GetIndexedIP(range, 1)) (X11).
	{
		ID:        "apiserver-kubernetes-service-ip",
		Area:      "apiserver",
		Title:     "Service default/kubernetes has the first IP of the primary service range",
		Severity:  Error,
		Reference: "RULES.md §1.2, §5.1, §9 X11; pkg/controlplane/apiserver/options/options.go ServiceIPRange, k8s.io/utils/net GetIndexedIP",
		Fix:       "when the primary service range changed, follow docs tasks/network/reconfigure-default-service-ip-ranges.md (recreate Service default/kubernetes); otherwise restore the range",
		Needs:     []string{SourceServices},
		Check:     checkKubernetesServiceIP,
	},

	// --- kube-controller-manager -----------------------------------------

	// cmd/kube-controller-manager/app/core.go newNodeIpamController (K1),
	// pkg/controller/nodeipam/ipam/cidr_allocator.go New.
	{
		ID:        "controller-manager-cidr-allocator-type",
		Area:      "controller-manager",
		Title:     "kube-controller-manager --cidr-allocator-type is RangeAllocator",
		Severity:  Error,
		Reference: "RULES.md §2.2 K1; cmd/kube-controller-manager/app/core.go newNodeIpamController, pkg/controller/nodeipam/ipam/cidr_allocator.go New",
		Fix:       "unset --cidr-allocator-type (RangeAllocator), or let the cloud controller manager allocate node CIDRs",
		Needs:     []string{SourceControlPlane},
		Check:     checkKCMAllocatorType,
	},
	// cmd/kube-controller-manager/app/core.go validateCIDRs / processCIDRs
	// (K2, K3, K4); pkg/controller/nodeipam/node_ipam_controller.go
	// NewNodeIpamController (K10).
	{
		ID:        "controller-manager-cluster-cidr",
		Area:      "controller-manager",
		Title:     "kube-controller-manager --cluster-cidr is one CIDR or a dual-stack pair",
		Severity:  Error,
		Reference: "RULES.md §2.2 K2/K3/K4/K10; cmd/kube-controller-manager/app/core.go validateCIDRs, processCIDRs; pkg/controller/nodeipam/node_ipam_controller.go NewNodeIpamController",
		Fix:       "set --cluster-cidr to one CIDR, or one IPv4 and one IPv6 CIDR separated by a comma",
		Needs:     []string{SourceControlPlane},
		Check:     checkKCMClusterCIDR,
	},
	// cmd/kube-controller-manager/app/options/nodeipamcontroller.go
	// Validate; cmd/kube-controller-manager/app/core.go newNodeIpamController (K5).
	{
		ID:        "controller-manager-service-range",
		Area:      "controller-manager",
		Title:     "kube-controller-manager --service-cluster-ip-range parses and is dual-stack when it has two entries",
		Severity:  Error,
		Reference: "RULES.md §2.1, §2.2 K5; cmd/kube-controller-manager/app/options/nodeipamcontroller.go Validate, cmd/kube-controller-manager/app/core.go newNodeIpamController",
		Fix:       "give kube-controller-manager the same --service-cluster-ip-range as kube-apiserver",
		Needs:     []string{SourceControlPlane},
		Check:     checkKCMServiceRange,
	},
	// cmd/kube-controller-manager/app/core.go setNodeCIDRMaskSizes (K6-K9),
	// pkg/controller/nodeipam/node_ipam_controller.go NewNodeIpamController
	// (K11), pkg/controller/nodeipam/ipam/cidrset/cidr_set.go NewCIDRSet
	// (K12) (X13).
	{
		ID:        "controller-manager-node-cidr-mask",
		Area:      "controller-manager",
		Title:     "kube-controller-manager node CIDR mask sizes fit the cluster CIDRs",
		Severity:  Error,
		Reference: "RULES.md §2.2 K6-K12, §9 X13; cmd/kube-controller-manager/app/core.go setNodeCIDRMaskSizes, pkg/controller/nodeipam/node_ipam_controller.go NewNodeIpamController, pkg/controller/nodeipam/ipam/cidrset/cidr_set.go NewCIDRSet",
		Fix:       "on dual-stack use --node-cidr-mask-size-ipv4/-ipv6 (not --node-cidr-mask-size); keep each node mask >= its cluster CIDR mask and, for IPv6, at most 16 bits longer",
		Needs:     []string{SourceControlPlane},
		Check:     checkKCMNodeMask,
	},
	// X1: cmd/kube-controller-manager/app/options/nodeipamcontroller.go
	// (the same flag as kube-apiserver's); k0s issue #1319.
	{
		ID:        "controller-manager-service-range-matches-apiserver",
		Area:      "controller-manager",
		Title:     "kube-controller-manager --service-cluster-ip-range equals kube-apiserver's",
		Severity:  Warning,
		Reference: "RULES.md §2.1, §9 X1; cmd/kube-controller-manager/app/options/nodeipamcontroller.go ApplyTo, cmd/kube-apiserver/app/options/options.go",
		Fix:       "give kube-controller-manager exactly kube-apiserver's --service-cluster-ip-range (same entries, same order)",
		Needs:     []string{SourceControlPlane},
		Check:     checkKCMServiceRangeMatches,
	},
	// X5: cmd/kube-apiserver/app/options/options.go (flag help: "must not
	// overlap"), pkg/controller/nodeipam/ipam/range_allocator.go
	// filterOutServiceRange.
	{
		ID:        "controller-manager-pod-service-overlap",
		Area:      "controller-manager",
		Title:     "Pod CIDRs and service CIDRs do not overlap",
		Severity:  Warning,
		Reference: "RULES.md §1.1, §2.3, §9 X5; cmd/kube-apiserver/app/options/options.go (--service-cluster-ip-range help), pkg/controller/nodeipam/ipam/range_allocator.go filterOutServiceRange",
		Fix:       "choose pod and service ranges that do not overlap (pods and services need disjoint address space)",
		Check:     checkPodServiceOverlap,
	},
	// Node IPAM gives each node one podCIDR per --cluster-cidr entry, in
	// that order (range_allocator.go occupyCIDRs; kubeadm and kind pass
	// their podSubnet on): pods get only the cluster CIDR's families, and
	// node.spec.podCIDR is of its first. Neither kubeadm nor kind compares
	// it with the service ranges. KEP-563: the first entry of each
	// dual-stack setting is the primary family.
	{
		ID:        "controller-manager-cluster-cidr-families",
		Area:      "controller-manager",
		Title:     "The cluster CIDR (--cluster-cidr, kubeadm's podSubnet) has the service ranges' families, primary first",
		Severity:  Error,
		Reference: "RULES.md §2.3, §7.1, §9 X4/X6/X7/X8; KEP-563 (first entry = primary family), pkg/controller/nodeipam/ipam/range_allocator.go occupyCIDRs",
		Fix:       "give --cluster-cidr (kubeadm and kind: podSubnet; and kube-proxy's clusterCIDR) one CIDR per service family, in the order of --service-cluster-ip-range; nodes keep the podCIDRs they have: re-register them",
		Check:     checkClusterCIDRFamilies,
	},

	// --- kube-proxy --------------------------------------------------------

	// pkg/proxy/apis/config/validation/validation.go Validate
	// (BindAddress, validateKubeProxyNodePortAddress, validateDetectLocalMode).
	{
		ID:        "kube-proxy-config-valid",
		Area:      "kube-proxy",
		Title:     "kube-proxy bindAddress, nodePortAddresses and detectLocalMode are valid",
		Severity:  Error,
		Reference: "RULES.md §3.1, §3.2; pkg/proxy/apis/config/validation/validation.go Validate, validateKubeProxyNodePortAddress, validateDetectLocalMode",
		Fix:       "bindAddress must be an IP; nodePortAddresses CIDRs (or the keyword primary); detectLocalMode one of ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix",
		Needs:     []string{SourceKubeProxy},
		Check:     checkKubeProxyConfigValid,
	},
	// pkg/proxy/apis/config/validation/validation.go
	// validateDetectLocalConfiguration / validateDualStackCIDRStrings.
	{
		ID:        "kube-proxy-cluster-cidr",
		Area:      "kube-proxy",
		Title:     "kube-proxy clusterCIDR is one CIDR or a dual-stack pair",
		Severity:  Error,
		Reference: "RULES.md §3.2 DetectLocal.ClusterCIDRs; pkg/proxy/apis/config/validation/validation.go validateDualStackCIDRStrings",
		Fix:       "set kube-proxy clusterCIDR to the pod CIDR, or the IPv4 and IPv6 pod CIDRs separated by a comma",
		Needs:     []string{SourceKubeProxy},
		Check:     checkKubeProxyClusterCIDR,
	},
	// cmd/kube-proxy/app/server.go checkBadIPConfig, detectNodeIPs (X12).
	{
		ID:        "kube-proxy-cluster-cidr-family",
		Area:      "kube-proxy",
		Title:     "kube-proxy clusterCIDR includes the primary IP family",
		Severity:  Error,
		Reference: "RULES.md §3.3 checkBadIPConfig, detectNodeIPs, §9 X12; cmd/kube-proxy/app/server.go checkBadIPConfig",
		Fix:       "list the pod CIDR of the primary family (first) in kube-proxy clusterCIDR, or fix bindAddress's family",
		Needs:     []string{SourceKubeProxy},
		Check:     checkKubeProxyClusterCIDRFamily,
	},
	// X4: cmd/kubeadm/app/componentconfigs/kubeproxy.go (clusterCIDR =
	// podSubnet), pkg/proxy local traffic detection.
	{
		ID:        "kube-proxy-cluster-cidr-matches",
		Area:      "kube-proxy",
		Title:     "kube-proxy clusterCIDR equals the controller-manager's --cluster-cidr (or kubeadm's podSubnet)",
		Severity:  Warning,
		Reference: "RULES.md §3.1, §3.3 getLocalDetectors, §5.1, §9 X4; cmd/kubeadm/app/componentconfigs/kubeproxy.go Default, cmd/kube-proxy/app/server_linux.go getLocalDetectors",
		Fix:       "set kube-proxy clusterCIDR to exactly kube-controller-manager's --cluster-cidr",
		Needs:     []string{SourceKubeProxy},
		Check:     checkKubeProxyClusterCIDRMatches,
	},
	// cmd/kube-proxy/app/server.go checkBadConfig.
	{
		ID:        "kube-proxy-nodeport-addresses",
		Area:      "kube-proxy",
		Title:     "kube-proxy nodePortAddresses cover the cluster's IP families",
		Severity:  Warning,
		Reference: "RULES.md §3.1, §3.3 checkBadConfig; cmd/kube-proxy/app/server.go checkBadConfig",
		Fix:       "set nodePortAddresses to [primary], or to CIDRs of both families on a dual-stack cluster",
		Needs:     []string{SourceKubeProxy},
		Check:     checkKubeProxyNodePortAddresses,
	},

	// --- kubeadm -------------------------------------------------------------

	// cmd/kubeadm/app/apis/kubeadm/validation/validation.go
	// ValidateNetworking: ValidateIPNetFromString, ValidateServiceSubnetSize.
	{
		ID:        "kubeadm-service-subnet",
		Area:      "kubeadm",
		Title:     "kubeadm networking.serviceSubnet is valid",
		Severity:  Error,
		Reference: "RULES.md §5.2 ValidateIPNetFromString, ValidateServiceSubnetSize; cmd/kubeadm/app/apis/kubeadm/validation/validation.go",
		Fix:       "set serviceSubnet to one CIDR or a dual-stack pair, each with at least 10 addresses and at most 20 host bits",
		Needs:     []string{SourceKubeadm},
		Check:     checkKubeadmServiceSubnet,
	},
	// cmd/kubeadm/app/apis/kubeadm/validation/validation.go
	// ValidateNetworking: ValidateIPNetFromString, ValidatePodSubnetNodeMask.
	{
		ID:        "kubeadm-pod-subnet",
		Area:      "kubeadm",
		Title:     "kubeadm networking.podSubnet is valid and fits the node masks",
		Severity:  Error,
		Reference: "RULES.md §5.2 ValidateIPNetFromString, ValidatePodSubnetNodeMask, §9 X13; cmd/kubeadm/app/apis/kubeadm/validation/validation.go",
		Fix:       "set podSubnet to one CIDR or a dual-stack pair whose masks are at most 16 bits shorter than the node masks (24/64 by default)",
		Needs:     []string{SourceKubeadm},
		Check:     checkKubeadmPodSubnet,
	},
	// cmd/kubeadm/app/phases/controlplane/manifests.go getAPIServerCommand,
	// getControllerManagerCommand.
	{
		ID:        "kubeadm-matches-control-plane",
		Area:      "kubeadm",
		Title:     "kubeadm's serviceSubnet and podSubnet match the running control plane",
		Severity:  Warning,
		Reference: "RULES.md §5.1, §9 X4; cmd/kubeadm/app/phases/controlplane/manifests.go getAPIServerCommand, getControllerManagerCommand",
		Fix:       "make the kubeadm-config ClusterConfiguration and the static pod manifests agree (kubeadm upgrade regenerates the manifests from it)",
		Needs:     []string{SourceKubeadm, SourceControlPlane},
		Check:     checkKubeadmMatchesControlPlane,
	},
	// cmd/kubeadm/app/constants/constants.go GetDNSIP (X11).
	{
		ID:        "kubeadm-dns-service-ip",
		Area:      "kubeadm",
		Title:     "Service kube-system/kube-dns has the 10th IP of kubeadm's serviceSubnet",
		Severity:  Warning,
		Reference: "RULES.md §5.1, §5.4, §9 X11; cmd/kubeadm/app/constants/constants.go GetDNSIP",
		Fix:       "recreate Service kube-system/kube-dns with the 10th IP of the first serviceSubnet (what kubelet clusterDNS uses)",
		Needs:     []string{SourceKubeadm, SourceServices},
		Check:     checkKubeadmDNSServiceIP,
	},

	// --- kubelet --------------------------------------------------------------

	// staging/src/k8s.io/component-helpers/node/util/ips.go
	// ParseNodeIPArgument; cmd/kubelet/app/server.go; pkg/kubelet/
	// kubelet_node_status.go validateNodeIP via nodestatus.NodeAddress.
	{
		ID:        "kubelet-node-ip",
		Area:      "kubelet",
		Title:     "kubelet --node-ip is one IP or a dual-stack pair",
		Severity:  Error,
		Reference: "RULES.md §4.1; staging/src/k8s.io/component-helpers/node/util/ips.go ParseNodeIPArgument, cmd/kubelet/app/server.go, pkg/kubelet/kubelet_node_status.go validateNodeIP",
		Fix:       "set --node-ip to the node's IP, or to its IPv4 and IPv6 addresses separated by a comma (no '::' or '0.0.0.0' in a pair)",
		Needs:     []string{SourceKubelet},
		Check:     checkKubeletNodeIP,
	},
	// pkg/kubelet/nodestatus/setters.go NodeAddress, pkg/kubelet/
	// kubelet_pods.go sortPodIPs; KEP-563 default pod IP selection.
	{
		ID:        "kubelet-node-ip-families",
		Area:      "kubelet",
		Title:     "kubelet --node-ip matches the cluster's families and primary family",
		Severity:  Warning,
		Reference: "RULES.md §4.2, §4.3, §7.2; pkg/kubelet/nodestatus/setters.go NodeAddress, pkg/kubelet/kubelet_pods.go sortPodIPs",
		Fix:       "on a dual-stack cluster without a cloud provider set --node-ip=<primary-family IP>,<other-family IP>",
		Needs:     []string{SourceKubelet},
		Check:     checkKubeletNodeIPFamilies,
	},
	// cmd/kubeadm/app/constants/constants.go GetDNSIP; kubelet clusterDNS (X11).
	{
		ID:        "kubelet-cluster-dns",
		Area:      "kubelet",
		Title:     "kubelet clusterDNS service IPs belong to a Service",
		Severity:  Error,
		Reference: "RULES.md §5.1, §5.5, §9 X11; cmd/kubeadm/app/constants/constants.go GetDNSIP",
		Fix:       "set kubelet clusterDNS to the clusterIP of the DNS Service (kube-system/kube-dns)",
		Needs:     []string{SourceKubelet, SourceServices},
		Check:     checkKubeletClusterDNS,
	},
}

// ---------------------------------------------------------------------------
// Shared helpers of the control-plane rules.

// cpName names a component instance in findings: its pod name
// (kube-apiserver-cp1), the kind and its node ("kubelet node1"), or just
// the kind when the instance is a description (a ConfigMap's).
func cpName(c Component) string {
	switch {
	case c.Instance == "" || strings.ContainsAny(c.Instance, " \t"):
		return c.Kind
	case strings.Contains(c.Instance, c.Kind):
		return c.Instance
	}
	return c.Kind + " " + c.Instance
}

// cpSubject names one flag of one component instance.
func cpSubject(c Component, flag string) string { return cpName(c) + " --" + flag }

// cpAt is where a flag was read or, when it is unset, the component with
// a note saying what applies instead.
func cpAt(c Component, flag, unset string) Setting {
	if s, ok := c.Setting(flag); ok {
		return s
	}
	return Setting{Source: fmt.Sprintf("%s (--%s unset%s)", c.Source, flag, unset), File: c.File, Line: c.Line}
}

// kubeadmAt points at the kubeadm ClusterConfiguration itself, for a
// value it leaves unset.
func kubeadmAt(k *Kubeadm, note string) Setting {
	return Setting{Source: k.Source + note, File: k.File, Line: k.Line}
}

// cpValue is a flag's value, "" when unset.
func cpValue(c Component, flag string) string {
	s, _ := c.Setting(flag)
	return s.Value
}

// cpSplit splits a list value as most upstream callers do:
// strings.Split without trimming entries; "" has no entries.
func cpSplit(value string) []string {
	if value == "" {
		return nil
	}
	return strings.Split(value, ",")
}

// cpNormalize is a list of CIDRs as upstream reads them (ParseCIDRSloppy:
// leading zeros accepted, host bits masked), for comparing lists; an
// entry that does not parse stays as written.
func cpNormalize(entries []string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		if _, n, err := netutils.ParseCIDRSloppy(strings.TrimSpace(e)); err == nil {
			out[i] = n.String()
		} else {
			out[i] = e
		}
	}
	return out
}

// cpParseList parses the entries of a list value that parse, trimmed.
func cpParseList(value string) []*net.IPNet {
	var out []*net.IPNet
	for _, e := range cpSplit(value) {
		if _, n, err := netutils.ParseCIDRSloppy(strings.TrimSpace(e)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// cpFamily is IPv4 or IPv6 for an IP (IPv4-mapped counts as IPv4).
func cpFamily(ip net.IP) corev1.IPFamily {
	if netutils.IsIPv4(ip) {
		return corev1.IPv4Protocol
	}
	return corev1.IPv6Protocol
}

// cpVersion is the Kubernetes version a component runs: its image tag when
// that parses, else the server's version; nil when neither is known.
func cpVersion(c Component, serverVersion string) *version.Version {
	for _, s := range []string{c.Version, serverVersion} {
		if v, err := version.ParseGeneric(s); err == nil {
			return v
		}
	}
	return nil
}

// cpFeatureGates reads a component's --feature-gates (Name=bool,...).
func cpFeatureGates(c Component) map[string]bool {
	out := map[string]bool{}
	for _, kv := range strings.Split(cpValue(c, "feature-gates"), ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			out[strings.TrimSpace(k)] = b
		}
	}
	return out
}

// cpNothing reports a pass that says there was nothing to check.
func cpNothing(r *Reporter, subject, format string, args ...any) {
	r.Pass(subject, Setting{}, format, args...)
}

// cpUnavailable joins why the given sources could not be read, "" when
// all were.
func cpUnavailable(f *Facts, sources ...string) string {
	var reasons []string
	for _, s := range sources {
		if reason, ok := f.Unavailable[s]; ok {
			reasons = append(reasons, s+": "+reason)
		}
	}
	return strings.Join(reasons, "; ")
}

// cpFindService finds a Service by namespace and name.
func cpFindService(f *Facts, namespace, name string) *corev1.Service {
	for i := range f.Services {
		if s := &f.Services[i]; s.Namespace == namespace && s.Name == name {
			return s
		}
	}
	return nil
}

// cpSameFamily says whether two CIDRs are of one family.
func cpSameFamily(a, b *net.IPNet) bool { return familyOfCIDR(a) == familyOfCIDR(b) }

// cpOverlap says whether two CIDRs share addresses.
func cpOverlap(a, b *net.IPNet) bool {
	return cpSameFamily(a, b) && (a.Contains(b.IP) || b.Contains(a.IP))
}

// cpCovers says whether outer contains all of inner.
func cpCovers(outer, inner *net.IPNet) bool {
	oo, _ := outer.Mask.Size()
	io, _ := inner.Mask.Size()
	return cpSameFamily(outer, inner) && oo <= io && outer.Contains(inner.IP)
}

// cpIPvN is "4" or "6", as upstream's netutils.IPFamily prints.
func cpIPvN(fam corev1.IPFamily) string { return strings.TrimPrefix(string(fam), "IPv") }

// ---------------------------------------------------------------------------
// kube-apiserver

// cpDefaultServiceCIDR is kube-apiserver's default service range
// (pkg/kubeapiserver/options/options.go DefaultServiceIPCIDR).
const cpDefaultServiceCIDR = "10.0.0.0/24"

// apiserverRanges is one kube-apiserver's service ranges as
// getServiceIPAndRanges reads them.
type apiserverRanges struct {
	set     bool     // the flag is given and not empty
	at      Setting  // where it was read (or the default)
	entries []string // strings.Split(value, ","), untrimmed as upstream
	// primary and secondary are entries 0 and 1, parsed sloppily; nil when
	// absent or unparsable. primary is the default range when unset.
	primary, secondary *net.IPNet
	// effective is every entry normalized (the default when unset).
	effective []string
}

func apiserverRangesOf(c Component) apiserverRanges {
	s, ok := c.Setting("service-cluster-ip-range")
	if !ok || s.Value == "" {
		_, def, _ := netutils.ParseCIDRSloppy(cpDefaultServiceCIDR)
		at := cpAt(c, "service-cluster-ip-range", ": default "+cpDefaultServiceCIDR)
		return apiserverRanges{at: at, primary: def, effective: []string{cpDefaultServiceCIDR}}
	}
	r := apiserverRanges{set: true, at: s, entries: strings.Split(s.Value, ",")}
	if _, n, err := netutils.ParseCIDRSloppy(r.entries[0]); err == nil {
		r.primary = n
	}
	if len(r.entries) > 1 {
		if _, n, err := netutils.ParseCIDRSloppy(r.entries[1]); err == nil {
			r.secondary = n
		}
	}
	r.effective = cpNormalize(r.entries)
	return r
}

// cpPrimaryServiceRange is the cluster's primary service range: the first
// kube-apiserver's (its default when the flag is unset), else what
// Facts.ServiceRanges finds (ServiceCIDR kubernetes, kubeadm).
func cpPrimaryServiceRange(f *Facts) (*net.IPNet, Setting, bool) {
	if servers := f.ComponentsOf(APIServer); len(servers) > 0 {
		if rg := apiserverRangesOf(servers[0]); rg.primary != nil {
			return rg.primary, rg.at, true
		}
	}
	if cidrs, at, ok := f.ServiceRanges(); ok {
		return cidrs[0], at, true
	}
	return nil, Setting{}, false
}

// cpReferenceServiceRanges is the normalized service range list the other
// components should agree with, and where it was read.
func cpReferenceServiceRanges(f *Facts) ([]string, Setting, bool) {
	if servers := f.ComponentsOf(APIServer); len(servers) > 0 {
		rg := apiserverRangesOf(servers[0])
		return rg.effective, rg.at, true
	}
	if cidrs, at, ok := f.ServiceRanges(); ok {
		out := make([]string, len(cidrs))
		for i, c := range cidrs {
			out[i] = c.String()
		}
		return out, at, true
	}
	return nil, Setting{}, false
}

func checkAPIServerRangeSyntax(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if !rg.set {
			continue // the default range: apiserver-service-range-default
		}
		subject := cpSubject(c, "service-cluster-ip-range")
		if len(rg.entries) > 2 {
			r.Fail(subject, rg.at, "--service-cluster-ip-range must not contain more than two entries (%d given: %s)", len(rg.entries), rg.at.Value)
		}
		if rg.primary == nil {
			r.Fail(subject, rg.at, "service-cluster-ip-range[0] is not a valid cidr (%q); --service-cluster-ip-range must contain at least one valid cidr", rg.entries[0])
		}
		if len(rg.entries) > 1 && rg.secondary == nil {
			r.Fail(subject, rg.at, "service-cluster-ip-range[1] is not an ip net (%q)", rg.entries[1])
		}
		for i, n := range []*net.IPNet{rg.primary, rg.secondary} {
			if n != nil && n.String() != rg.entries[i] {
				r.FailWith(Info, subject, rg.at, "service-cluster-ip-range[%d] %q is read as %s (parsed sloppily: host bits masked, leading zeros dropped); write %s", i, rg.entries[i], n, n)
			}
		}
	}
}

func checkAPIServerRangeFamilies(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if rg.primary == nil || rg.secondary == nil {
			continue // single range, or a parse error reported elsewhere
		}
		subject := cpSubject(c, "service-cluster-ip-range")
		dual, err := netutils.IsDualStackCIDRs([]*net.IPNet{rg.primary, rg.secondary})
		if err != nil {
			r.Fail(subject, rg.at, "error attempting to validate dualstack for --service-cluster-ip-range value error:%v", err)
			continue
		}
		if !dual {
			r.Fail(subject, rg.at, "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family (%s and %s are both %s)", rg.primary, rg.secondary, familyOfCIDR(rg.primary))
		}
	}
}

// serviceRangeLimit is how many host bits kube-apiserver accepts in a
// service range (validateClusterIPFlags).
type serviceRangeLimit struct {
	known   bool   // the version is known
	maxBits int    // 0: no limit
	why     string // version and gates, for messages
}

// apiserverRangeLimit applies RULES.md §1.3 "Effective mask limit by
// version": 20 host bits unless MultiCIDRServiceAllocator and
// DisableAllocatorDualWrite are both on (defaults: on from 1.33 and 1.34,
// locked from 1.34 and 1.35); 1.27-1.30 raised the limit to 64 bits when
// MultiCIDRServiceAllocator alone was on. --feature-gates overrides the
// defaults where a gate exists and is not locked.
func apiserverRangeLimit(c Component, serverVersion string) serviceRangeLimit {
	v := cpVersion(c, serverVersion)
	if v == nil {
		return serviceRangeLimit{}
	}
	at := func(minor uint) bool { return v.AtLeast(version.MajorMinor(1, minor)) }
	gates := cpFeatureGates(c)
	multi := at(33)
	if on, ok := gates["MultiCIDRServiceAllocator"]; ok && at(27) && !at(34) {
		multi = on
	}
	dualWriteOff := at(34)
	if on, ok := gates["DisableAllocatorDualWrite"]; ok && at(31) && !at(35) {
		dualWriteOff = on
	}
	switch {
	case at(31):
		why := fmt.Sprintf("kube-apiserver v%s with MultiCIDRServiceAllocator=%t, DisableAllocatorDualWrite=%t", v, multi, dualWriteOff)
		if multi && dualWriteOff {
			return serviceRangeLimit{known: true, why: why}
		}
		return serviceRangeLimit{known: true, maxBits: 20, why: why}
	case at(27) && multi:
		return serviceRangeLimit{known: true, maxBits: 64, why: fmt.Sprintf("kube-apiserver v%s with MultiCIDRServiceAllocator=true", v)}
	}
	return serviceRangeLimit{known: true, maxBits: 20, why: fmt.Sprintf("kube-apiserver v%s", v)}
}

func checkAPIServerRangeSize(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		subject := cpSubject(c, "service-cluster-ip-range")
		if rg.primary != nil {
			if size := min(netutils.RangeSize(rg.primary), 1<<16); size < 8 {
				r.Fail(subject, rg.at, "error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses (%s has %d)", rg.primary, size)
			}
		}
		limit := apiserverRangeLimit(c, f.ServerVersion)
		for i, n := range []*net.IPNet{rg.primary, rg.secondary} {
			if n == nil {
				continue
			}
			flag := "--service-cluster-ip-range"
			if i == 1 {
				flag += "[1]"
			}
			ones, bits := n.Mask.Size()
			tooLarge := fmt.Sprintf("specified %s is too large; for %d-bit addresses, the mask must be >= %d", flag, bits, bits-20)
			switch {
			case limit.known && limit.maxBits > 0 && bits-ones > limit.maxBits:
				tooLarge = fmt.Sprintf("specified %s is too large; for %d-bit addresses, the mask must be >= %d", flag, bits, bits-limit.maxBits)
				r.Fail(subject, rg.at, "%s (%s is /%d; %s)", tooLarge, n, ones, limit.why)
			case !limit.known && bits-ones > 20:
				r.FailWith(Warning, subject, rg.at, "%s (%s is /%d: rejected by kube-apiserver up to v1.33, and by v1.34 with DisableAllocatorDualWrite=false; the version is unknown)", tooLarge, n, ones)
			case netutils.IsIPv6CIDR(n) && ones < 64:
				r.Fail(subject, rg.at, "shortest allowed prefix length for service CIDR is 64, got %d (%s: the ClusterIP allocator cannot use this range; kube-apiserver only logs it)", ones, n)
			}
		}
	}
}

func checkAPIServerRangeDefault(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		if rg := apiserverRangesOf(c); !rg.set {
			r.Fail(cpSubject(c, "service-cluster-ip-range"), rg.at, "No CIDR for service cluster IPs specified. Default value which was %s is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver. (the cluster is single-stack IPv4 with 256 service addresses)", cpDefaultServiceCIDR)
		}
	}
}

func checkAPIServerAdvertiseFamily(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		c, ok := kubeadmAPIServer(f.Kubeadm)
		if !ok {
			if reason := cpUnavailable(f, SourceControlPlane); reason != "" {
				r.Skip(r.rule.Area, reason) // as the engine skips on Needs
			} else {
				cpNothing(r, APIServer, "no kube-apiserver instance and no kubeadm advertiseAddress found: nothing to check")
			}
			return
		}
		servers = []Component{c}
	}
	for _, c := range servers {
		subject := cpSubject(c, "advertise-address")
		if rt, ok := c.Setting("endpoint-reconciler-type"); ok && rt.Value == "none" {
			r.Pass(subject, rt, "--endpoint-reconciler-type=none: the advertise address family is not checked upstream")
			continue
		}
		rg := apiserverRangesOf(c)
		if rg.primary == nil {
			continue // apiserver-service-range-syntax
		}
		var ip net.IP
		at, ok := c.Setting("advertise-address")
		if ok && at.Value != "" {
			if ip = netutils.ParseIPSloppy(at.Value); ip == nil {
				r.Fail(subject, at, "invalid argument %q for \"--advertise-address\" flag: failed to parse IP: %q", at.Value, at.Value)
				continue
			}
		}
		// k8s.io/apiserver ServerRunOptions.DefaultAdvertiseAddress: an
		// unset or unspecified advertise address is the bind address
		// unless that is unspecified too (then a host address).
		if ip == nil || ip.IsUnspecified() {
			ip = nil
			if b, bok := c.Setting("bind-address"); bok {
				if bip := netutils.ParseIPSloppy(b.Value); bip != nil && !bip.IsUnspecified() {
					ip, at = bip, b
				}
			}
		}
		if ip == nil {
			r.Pass(subject, cpAt(c, "advertise-address", ""), "--advertise-address unset: kube-apiserver uses the host's default-route address, which cannot be checked from here")
			continue
		}
		if netutils.IsIPv4CIDR(rg.primary) != netutils.IsIPv4(ip) {
			r.Fail(subject, at, "service IP family %q must match public address family %q (the primary service range is %s, the advertise address %s)", rg.primary.String(), ip.String(), familyOfCIDR(rg.primary), cpFamily(ip))
		}
	}
}

// kubeadmAPIServer is the kube-apiserver kubeadm would generate
// (getAPIServerCommand: --advertise-address from localAPIEndpoint,
// --service-cluster-ip-range from serviceSubnet or kubeadm's default,
// apiServer.extraArgs last), for a configuration checked before its
// cluster exists; ok only when kubeadm names an advertise address.
func kubeadmAPIServer(k *Kubeadm) (c Component, ok bool) {
	if k == nil || k.AdvertiseAddress == nil {
		return Component{}, false
	}
	c = Component{Kind: APIServer, Instance: "kubeadm", Source: k.Source + " (the kube-apiserver kubeadm generates)", File: k.File, Line: k.Line, Settings: map[string]Setting{}}
	svc := kubeadmAt(k, " (networking.serviceSubnet unset: default "+kubeadmDefaultServices+")")
	svc.Value = kubeadmDefaultServices
	if k.ServiceSubnet != nil && k.ServiceSubnet.Value != "" {
		svc = *k.ServiceSubnet
	}
	c.Settings["service-cluster-ip-range"] = svc
	c.Settings["advertise-address"] = *k.AdvertiseAddress
	for name, s := range k.ExtraArgs["apiServer"] {
		c.Settings[name] = s
	}
	return c, true
}

func checkAPIServerRangeConsistent(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) < 2 {
		cpNothing(r, APIServer, "%d kube-apiserver instance(s): nothing to compare", len(servers))
		return
	}
	ref := apiserverRangesOf(servers[0])
	for _, c := range servers[1:] {
		rg := apiserverRangesOf(c)
		if !slices.Equal(rg.effective, ref.effective) {
			r.Fail(cpSubject(c, "service-cluster-ip-range"), rg.at, "kube-apiserver instances disagree: %s has --service-cluster-ip-range %s but %s has %s; all kube-apiservers must have the same ranges in the same order (the `kubernetes` ServiceCIDR follows them)", cpName(c), strings.Join(rg.effective, ","), cpName(servers[0]), strings.Join(ref.effective, ","))
		}
	}
}

func checkAPIServerSecondaryFlag(f *Facts, r *Reporter) {
	servers := f.ComponentsOf(APIServer)
	if len(servers) == 0 {
		cpNothing(r, APIServer, "no kube-apiserver instance found: nothing to check")
		return
	}
	for _, c := range servers {
		if s, ok := c.Setting("secondary-service-cluster-ip-range"); ok {
			primary := cpValue(c, "service-cluster-ip-range")
			if primary == "" {
				primary = "<primary>"
			}
			r.Fail(cpSubject(c, "secondary-service-cluster-ip-range"), s, "unknown flag: --secondary-service-cluster-ip-range (a v1.16 alpha flag, since removed): use --service-cluster-ip-range=%s,%s", primary, s.Value)
		}
	}
}

func checkKubernetesServiceIP(f *Facts, r *Reporter) {
	const subject = "service/default/kubernetes"
	primary, at, ok := cpPrimaryServiceRange(f)
	if !ok {
		if why := cpUnavailable(f, SourceControlPlane, SourceServiceCIDRs, SourceKubeadm); why != "" {
			r.Skip(subject, "the service range is unknown: "+why)
			return
		}
		cpNothing(r, subject, "the service range is unknown: nothing to check")
		return
	}
	svc := cpFindService(f, "default", "kubernetes")
	if svc == nil {
		cpNothing(r, subject, "Service default/kubernetes not among the %d Services read: nothing to check", len(f.Services))
		return
	}
	want, err := netutils.GetIndexedIP(primary, 1)
	if err != nil {
		return // apiserver-service-range-size reports a range this small
	}
	got := netutils.ParseIPSloppy(svc.Spec.ClusterIP)
	if got == nil || !got.Equal(want) {
		r.Fail(subject, Setting{Source: "Service default/kubernetes spec.clusterIP"}, "Service default/kubernetes has clusterIP %q but the first IP of the primary service range %s (%s) is %s: in-cluster clients connect to %s, which serving certificates issued for %s (kube-apiserver's own, kubeadm's) do not name, and kube-apiserver does not change an existing Service's clusterIP", svc.Spec.ClusterIP, primary, at.Source, want, svc.Spec.ClusterIP, want)
	}
}

// ---------------------------------------------------------------------------
// kube-controller-manager

// kcmConfig is one kube-controller-manager's node IPAM start-up view
// (newNodeIpamController).
type kcmConfig struct {
	allocate    bool
	allocateErr string // --allocate-node-cidrs does not parse as a bool
	// cidrs is validateCIDRs(--cluster-cidr) when it succeeded; cidrsErr
	// its error otherwise.
	cidrs    []*net.IPNet
	cidrsErr error
}

// kcmValidateCIDRs is cmd/kube-controller-manager/app/core.go
// validateCIDRs (with processCIDRs).
func kcmValidateCIDRs(cidrsList string) ([]*net.IPNet, error) {
	cidrs, err := netutils.ParseCIDRs(strings.Split(strings.TrimSpace(cidrsList), ","))
	if err != nil {
		return nil, err
	}
	dual, _ := netutils.IsDualStackCIDRs(cidrs)
	if len(cidrs) > 1 && !dual {
		return nil, fmt.Errorf("len of ClusterCIDRs==%v and they are not configured as dual stack (at least one from each IPFamily", len(cidrs))
	}
	if len(cidrs) > 2 {
		return nil, fmt.Errorf("length of clusterCIDRs is:%v more than max allowed of 2", len(cidrs))
	}
	return cidrs, nil
}

func kcmConfigOf(c Component) kcmConfig {
	var k kcmConfig
	if s, ok := c.Setting("allocate-node-cidrs"); ok {
		b, err := strconv.ParseBool(s.Value)
		if err != nil {
			k.allocateErr = fmt.Sprintf("invalid argument %q for \"--allocate-node-cidrs\" flag: %v", s.Value, err)
		}
		k.allocate = b
	}
	k.cidrs, k.cidrsErr = kcmValidateCIDRs(cpValue(c, "cluster-cidr"))
	return k
}

// kcmNodeMasks is cmd/kube-controller-manager/app/core.go
// setNodeCIDRMaskSizes: the node mask per cluster CIDR, or the error and
// the flag it is about.
func kcmNodeMasks(c Component, cidrs []*net.IPNet) ([]int, string, error) {
	flags := map[string]int{}
	for _, name := range []string{"node-cidr-mask-size", "node-cidr-mask-size-ipv4", "node-cidr-mask-size-ipv6"} {
		s, ok := c.Setting(name)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(s.Value, 0, 32) // pflag Int32Var
		if err != nil {
			return nil, name, fmt.Errorf("invalid argument %q for \"--%s\" flag: %v", s.Value, name, err)
		}
		flags[name] = int(n) // 0 means unset upstream
	}
	sorted := func(v4, v6 int) []int {
		out := make([]int, len(cidrs))
		for i, cidr := range cidrs {
			if netutils.IsIPv6CIDR(cidr) {
				out[i] = v6
			} else {
				out[i] = v4
			}
		}
		return out
	}
	v4, v6 := 24, 64 // defaultNodeMaskCIDRIPv4, defaultNodeMaskCIDRIPv6
	legacy, m4, m6 := flags["node-cidr-mask-size"], flags["node-cidr-mask-size-ipv4"], flags["node-cidr-mask-size-ipv6"]
	if len(cidrs) > 1 {
		if legacy != 0 {
			return nil, "node-cidr-mask-size", errors.New("usage of --node-cidr-mask-size is not allowed with dual-stack clusters")
		}
		if m4 != 0 {
			v4 = m4
		}
		if m6 != 0 {
			v6 = m6
		}
		return sorted(v4, v6), "", nil
	}
	singleIPv6 := netutils.IsIPv6CIDR(cidrs[0])
	if legacy != 0 {
		if m4 != 0 || m6 != 0 {
			return nil, "node-cidr-mask-size", errors.New("usage of --node-cidr-mask-size-ipv4 and --node-cidr-mask-size-ipv6 is not allowed if --node-cidr-mask-size is set. For dual-stack clusters please unset it and use IPFamily specific flags")
		}
		return sorted(legacy, legacy), "", nil
	}
	if m4 != 0 {
		if singleIPv6 {
			return nil, "node-cidr-mask-size-ipv4", errors.New("usage of --node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster")
		}
		v4 = m4
	}
	if m6 != 0 {
		if !singleIPv6 {
			return nil, "node-cidr-mask-size-ipv6", errors.New("usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster")
		}
		v6 = m6
	}
	return sorted(v4, v6), "", nil
}

// kcmOff reports that node IPAM is off for an instance, or that the
// --allocate-node-cidrs value is invalid; it returns true when the
// caller has nothing more to check for the instance.
func kcmOff(c Component, k kcmConfig, r *Reporter, what string) bool {
	at := cpAt(c, "allocate-node-cidrs", ": false")
	switch {
	case k.allocateErr != "":
		r.Fail(cpSubject(c, "allocate-node-cidrs"), at, "%s", k.allocateErr)
		return true
	case !k.allocate:
		r.Pass(cpSubject(c, "allocate-node-cidrs"), at, "--allocate-node-cidrs is not true: node IPAM is off, %s not checked", what)
		return true
	}
	return false
}

func checkKCMAllocatorType(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	for _, c := range kcms {
		k := kcmConfigOf(c)
		if !k.allocate {
			continue // the flag is only read with --allocate-node-cidrs
		}
		s, ok := c.Setting("cidr-allocator-type")
		if !ok {
			continue // RangeAllocator
		}
		subject := cpSubject(c, "cidr-allocator-type")
		switch s.Value {
		case "RangeAllocator":
		case "CloudAllocator":
			r.Fail(subject, s, "--cidr-allocator-type is set to 'CloudAllocator' but cloud provider is not configured (kube-controller-manager has had no cloud provider since v1.31)")
		case "IPAMFromCluster", "IPAMFromCloud":
			r.Fail(subject, s, "Error trying to Init(): legacy cloud provider support disabled at build time (--cidr-allocator-type=%s)", s.Value)
		default:
			r.Fail(subject, s, "invalid CIDR allocator type: %v", s.Value)
		}
	}
}

func checkKCMClusterCIDR(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	for _, c := range kcms {
		k := kcmConfigOf(c)
		if kcmOff(c, k, r, "--cluster-cidr") {
			continue
		}
		if k.cidrsErr == nil {
			continue
		}
		at := cpAt(c, "cluster-cidr", "")
		msg := k.cidrsErr.Error()
		if strings.TrimSpace(at.Value) == "" {
			msg += "; Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set"
		}
		r.Fail(cpSubject(c, "cluster-cidr"), at, "%s", msg)
	}
}

func checkKCMServiceRange(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	for _, c := range kcms {
		s, ok := c.Setting("service-cluster-ip-range")
		if !ok {
			continue
		}
		subject := cpSubject(c, "service-cluster-ip-range")
		list := strings.Split(s.Value, ",")
		if len(list) > 2 {
			r.Fail(subject, s, "--service-cluster-ip-range can not contain more than two entries (%d given: %s)", len(list), s.Value)
		}
		if k := kcmConfigOf(c); !k.allocate {
			continue // "Only used when --allocate-node-cidrs=true"
		}
		var parsed [2]*net.IPNet
		for i := 0; i < 2 && i < len(list); i++ {
			if strings.TrimSpace(list[i]) == "" {
				continue
			}
			_, n, err := netutils.ParseCIDRSloppy(list[i])
			if err != nil {
				r.FailWith(Warning, subject, s, "Warning: unsuccessful parsing of service CIDR %q: %v (node IPAM will not keep pod CIDRs out of it)", list[i], err)
				continue
			}
			parsed[i] = n
		}
		if parsed[0] != nil && parsed[1] != nil {
			if dual, _ := netutils.IsDualStackCIDRs(parsed[:]); !dual {
				r.Fail(subject, s, "serviceCIDR and secondaryServiceCIDR are not dualstack (from different IPfamiles) (%s and %s are both %s)", parsed[0], parsed[1], familyOfCIDR(parsed[0]))
			}
		}
	}
}

func checkKCMNodeMask(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	for _, c := range kcms {
		k := kcmConfigOf(c)
		if k.allocateErr != "" || kcmOff(c, k, r, "node CIDR masks") {
			continue // an invalid --allocate-node-cidrs: controller-manager-cluster-cidr
		}
		if k.cidrsErr != nil {
			continue // controller-manager-cluster-cidr
		}
		masks, flag, err := kcmNodeMasks(c, k.cidrs)
		if err != nil {
			r.Fail(cpSubject(c, flag), cpAt(c, flag, ""), "%v", err)
			continue
		}
		at := cpAt(c, "cluster-cidr", "")
		subject := cpSubject(c, "cluster-cidr")
		tooSmall := false
		for i, cidr := range k.cidrs {
			if ones, _ := cidr.Mask.Size(); ones > masks[i] {
				tooSmall = true
				r.Fail(subject, at, "Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family (%s is /%d, the %s node mask is /%d)", cidr, ones, familyOfCIDR(cidr), masks[i])
			}
		}
		if tooSmall {
			continue // NewNodeIpamController fails before the CIDR sets exist
		}
		for i, cidr := range k.cidrs {
			ones, _ := cidr.Mask.Size()
			if cidr.IP.To4() == nil && masks[i]-ones > 16 {
				r.Fail(subject, at, "New CIDR set failed; the node CIDR size is too big (%s with IPv6 node mask /%d: %d bits apart, at most 16 — use an IPv6 cluster CIDR of /%d or longer, or a node mask of /%d or shorter)", cidr, masks[i], masks[i]-ones, masks[i]-16, ones+16)
			}
		}
	}
}

func checkKCMServiceRangeMatches(f *Facts, r *Reporter) {
	kcms := f.ComponentsOf(ControllerManager)
	if len(kcms) == 0 {
		cpNothing(r, ControllerManager, "no kube-controller-manager instance found: nothing to check")
		return
	}
	ref, refAt, ok := cpReferenceServiceRanges(f)
	if !ok {
		cpNothing(r, ControllerManager, "kube-apiserver's service range is unknown: nothing to compare")
		return
	}
	for _, c := range kcms {
		s, ok := c.Setting("service-cluster-ip-range")
		if !ok || s.Value == "" {
			continue
		}
		if got := cpNormalize(strings.Split(s.Value, ",")); !slices.Equal(got, ref) {
			r.Fail(cpSubject(c, "service-cluster-ip-range"), s, "kube-controller-manager --service-cluster-ip-range %s differs from kube-apiserver's %s (%s): both must list the same ranges in the same order", strings.Join(got, ","), strings.Join(ref, ","), refAt.Source)
		}
	}
}

// cpNamedCIDR is a CIDR and where it was configured.
type cpNamedCIDR struct {
	n       *net.IPNet
	subject string
	at      Setting
}

// cpAddCIDRs appends the parsable entries of a list, skipping CIDRs
// already present.
func cpAddCIDRs(list []cpNamedCIDR, value, subject string, at Setting) []cpNamedCIDR {
	for _, n := range cpParseList(value) {
		if !slices.ContainsFunc(list, func(x cpNamedCIDR) bool { return x.n.String() == n.String() }) {
			list = append(list, cpNamedCIDR{n: n, subject: subject, at: at})
		}
	}
	return list
}

func checkPodServiceOverlap(f *Facts, r *Reporter) {
	var pods, services []cpNamedCIDR
	for _, c := range f.ComponentsOf(ControllerManager) {
		pods = cpAddCIDRs(pods, cpValue(c, "cluster-cidr"), cpSubject(c, "cluster-cidr"), cpAt(c, "cluster-cidr", ""))
	}
	if k := f.Kubeadm; k != nil && k.PodSubnet != nil {
		pods = cpAddCIDRs(pods, k.PodSubnet.Value, "kubeadm networking.podSubnet", *k.PodSubnet)
	}
	for _, c := range f.ComponentsOf(KubeProxy) {
		pods = cpAddCIDRs(pods, cpValue(c, "cluster-cidr"), cpSubject(c, "cluster-cidr"), cpAt(c, "cluster-cidr", ""))
	}
	for _, c := range f.ComponentsOf(APIServer) {
		rg := apiserverRangesOf(c)
		services = cpAddCIDRs(services, strings.Join(rg.effective, ","), cpSubject(c, "service-cluster-ip-range"), rg.at)
	}
	for _, c := range f.ComponentsOf(ControllerManager) {
		services = cpAddCIDRs(services, cpValue(c, "service-cluster-ip-range"), cpSubject(c, "service-cluster-ip-range"), cpAt(c, "service-cluster-ip-range", ""))
	}
	if k := f.Kubeadm; k != nil && k.ServiceSubnet != nil {
		services = cpAddCIDRs(services, k.ServiceSubnet.Value, "kubeadm networking.serviceSubnet", *k.ServiceSubnet)
	}
	if len(pods) == 0 || len(services) == 0 {
		if why := cpUnavailable(f, SourceControlPlane, SourceKubeadm, SourceKubeProxy); why != "" {
			r.Skip("cluster", "pod or service ranges unknown: "+why)
			return
		}
		cpNothing(r, "cluster", "pod or service ranges unknown: nothing to compare")
		return
	}
	for _, p := range pods {
		for _, s := range services {
			switch {
			case cpCovers(s.n, p.n):
				r.FailWith(Error, p.subject, p.at, "pod CIDR %s lies inside service CIDR %s (%s): node IPAM filters the service range out and has nothing left to allocate (CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range)", p.n, s.n, s.at.Source)
			case cpOverlap(p.n, s.n):
				r.Fail(p.subject, p.at, "pod CIDR %s overlaps service CIDR %s (%s): the service range \"must not overlap with any IP ranges assigned to nodes or pods\" (kube-apiserver --service-cluster-ip-range help)", p.n, s.n, s.at.Source)
			}
		}
	}
}

func checkClusterCIDRFamilies(f *Facts, r *Reporter) {
	// The pod side: each controller-manager's flag, else kubeadm's (or
	// kind's) podSubnet, which becomes that flag.
	type podCIDR struct {
		subject string
		at      Setting
	}
	var pods []podCIDR
	for _, c := range f.ComponentsOf(ControllerManager) {
		pods = append(pods, podCIDR{cpSubject(c, "cluster-cidr"), cpAt(c, "cluster-cidr", "")})
	}
	if k := f.Kubeadm; len(pods) == 0 && k != nil && k.PodSubnet != nil {
		pods = append(pods, podCIDR{"kubeadm networking.podSubnet", *k.PodSubnet})
	}
	services, servicesAt, known := f.ServiceRanges() // falls back to kubeadm's serviceSubnet
	if len(pods) == 0 || !known {
		if why := cpUnavailable(f, SourceControlPlane, SourceKubeadm, SourceServiceCIDRs); why != "" {
			r.Skip("cluster", "cluster CIDR or service ranges unknown: "+why)
			return
		}
		cpNothing(r, "cluster", "cluster CIDR or service ranges unknown: nothing to compare")
		return
	}
	want := familiesOfCIDRs(services)
	for _, p := range pods {
		cidrs, err := netutils.ParseCIDRs(splitList(p.at.Value))
		if err != nil || len(cidrs) == 0 {
			continue // controller-manager-cluster-cidr and kubeadm-pod-subnet report it
		}
		have := familiesOfCIDRs(cidrs)
		for _, fam := range want {
			if !slices.Contains(have, fam) {
				r.Fail(p.subject, p.at, "%s has no %s CIDR but the service ranges %s (%s) do: nodes get no %s podCIDR and pods no %s address", p.at.Value, fam, servicesAt.Value, servicesAt.Source, fam, fam)
			}
		}
		if have[0] != want[0] && slices.Contains(want, have[0]) {
			r.FailWith(Warning, p.subject, p.at, "%s lists %s first but the primary service family (%s) is %s: nodes' spec.podCIDR is %s while pods' podIP and Services' clusterIP are %s", p.at.Value, have[0], servicesAt.Source, want[0], have[0], want[0])
		}
	}
}

// ---------------------------------------------------------------------------
// kube-proxy

// kubeProxyPath is where kube-proxy's validation errors point.
var kubeProxyPath = field.NewPath("KubeProxyConfiguration")

// kubeProxyLocalMode is detectLocalMode after platformApplyDefaults
// (cmd/kube-proxy/app/server_linux.go): "" becomes ClusterCIDR.
func kubeProxyLocalMode(c Component) string {
	if m := cpValue(c, "detect-local-mode"); m != "" {
		return m
	}
	return "ClusterCIDR"
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

// ---------------------------------------------------------------------------
// kubeadm

// Constants of cmd/kubeadm/app/constants/constants.go.
const (
	kubeadmMinServiceAddresses = 10 // MinimumAddressesInServiceSubnet
	kubeadmMaxServiceBits      = 20 // MaximumBitsForServiceSubnet
	kubeadmMinPodAddresses     = 14 // MinimumAddressesInPodSubnet
	kubeadmNodeMaskMaxDiff     = 16 // PodSubnetNodeMaskMaxDiff
	kubeadmDefaultServices     = "10.96.0.0/12"
)

// kubeadmValidateIPNet is ValidateIPNetFromString: errors, site-local
// warnings, and the subnets when they parsed.
func kubeadmValidateIPNet(subnetStr string, minAddrs int64, path *field.Path) (errs, warnings []string, subnets []*net.IPNet) {
	subnets, err := netutils.ParseCIDRs(strings.Split(subnetStr, ","))
	if err != nil {
		return []string{field.Invalid(path, subnetStr, "couldn't parse subnet").Error()}, nil, nil
	}
	switch {
	case len(subnets) > 2:
		errs = append(errs, field.Invalid(path, subnetStr, "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking").Error())
	case len(subnets) == 2:
		if dual, err := netutils.IsDualStackCIDRs(subnets); err != nil {
			errs = append(errs, field.Invalid(path, subnetStr, err.Error()).Error())
		} else if !dual {
			errs = append(errs, field.Invalid(path, subnetStr, "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking").Error())
		}
	}
	_, siteLocal, _ := netutils.ParseCIDRSloppy("fec0::/10")
	for _, s := range subnets {
		if n := netutils.RangeSize(s); n < minAddrs {
			errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("subnet with %d address(es) is too small, the minimum is %d", n, minAddrs)).Error())
		}
		if siteLocal.Contains(s.IP) || s.Contains(siteLocal.IP) {
			warnings = append(warnings, fmt.Sprintf("the subnet %v contains IPv6 site-local addresses that belong to fec0::/10 which has been deprecated by rfc3879", s))
		}
	}
	return errs, warnings, subnets
}

func checkKubeadmServiceSubnet(f *Facts, r *Reporter) {
	k := f.Kubeadm
	if k == nil {
		cpNothing(r, "kubeadm", "no kubeadm ClusterConfiguration (not a kubeadm cluster): nothing to check")
		return
	}
	const subject = "kubeadm networking.serviceSubnet"
	if k.ServiceSubnet == nil || k.ServiceSubnet.Value == "" {
		r.Pass(subject, kubeadmAt(k, ""), "networking.serviceSubnet unset: kubeadm uses its default %s", kubeadmDefaultServices)
		return
	}
	at := *k.ServiceSubnet
	path := field.NewPath("networking", "serviceSubnet")
	errs, warnings, subnets := kubeadmValidateIPNet(at.Value, kubeadmMinServiceAddresses, path)
	// ValidateServiceSubnetSize.
	for _, s := range subnets {
		if ones, bits := s.Mask.Size(); bits-ones > kubeadmMaxServiceBits {
			errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("specified service subnet is too large; for %d-bit addresses, the mask must be >= %d", bits, bits-kubeadmMaxServiceBits)).Error())
		}
	}
	for _, e := range errs {
		r.Fail(subject, at, "%s", e)
	}
	for _, w := range warnings {
		r.FailWith(Warning, subject, at, "%s", w)
	}
}

func checkKubeadmPodSubnet(f *Facts, r *Reporter) {
	k := f.Kubeadm
	if k == nil {
		cpNothing(r, "kubeadm", "no kubeadm ClusterConfiguration (not a kubeadm cluster): nothing to check")
		return
	}
	const subject = "kubeadm networking.podSubnet"
	if k.PodSubnet == nil || k.PodSubnet.Value == "" {
		r.Pass(subject, kubeadmAt(k, ""), "networking.podSubnet unset: kubeadm does not turn on node IPAM; nothing to check")
		return
	}
	at := *k.PodSubnet
	path := field.NewPath("networking", "podSubnet")
	errs, warnings, subnets := kubeadmValidateIPNet(at.Value, kubeadmMinPodAddresses, path)
	args := k.ExtraArgs["controllerManager"]
	if args["allocate-node-cidrs"].Value != "false" {
		// ValidatePodSubnetNodeMask with getClusterNodeMask (the legacy
		// node-cidr-mask-size extraArg is ignored).
		for _, s := range subnets {
			maskSize, _ := s.Mask.Size()
			arg, nodeMask := "node-cidr-mask-size-ipv4", 24
			if netutils.IsIPv6(s.IP) {
				arg, nodeMask = "node-cidr-mask-size-ipv6", 64
			}
			if v := args[arg].Value; v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("could not parse the value of the kube-controller-manager flag %s as an integer: %v", arg, err)).Error())
					continue
				}
				nodeMask = n
			}
			if maskSize > nodeMask {
				errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("the size of pod subnet with mask %d is smaller than the size of node subnet with mask %d", maskSize, nodeMask)).Error())
			} else if nodeMask-maskSize > kubeadmNodeMaskMaxDiff {
				errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("pod subnet mask (%d) and node-mask (%d) difference is greater than %d", maskSize, nodeMask, kubeadmNodeMaskMaxDiff)).Error())
			}
		}
	}
	for _, e := range errs {
		r.Fail(subject, at, "%s", e)
	}
	for _, w := range warnings {
		r.FailWith(Warning, subject, at, "%s", w)
	}
}

func checkKubeadmMatchesControlPlane(f *Facts, r *Reporter) {
	k := f.Kubeadm
	if k == nil {
		cpNothing(r, "kubeadm", "no kubeadm ClusterConfiguration (not a kubeadm cluster): nothing to check")
		return
	}
	servers, kcms := f.ComponentsOf(APIServer), f.ComponentsOf(ControllerManager)
	if len(servers) == 0 && len(kcms) == 0 {
		cpNothing(r, "kubeadm", "no control-plane instance found: nothing to compare")
		return
	}
	// getAPIServerCommand: --service-cluster-ip-range=serviceSubnet unless
	// apiServer.extraArgs override it.
	svcWant, svcAt := kubeadmDefaultServices, kubeadmAt(k, " (networking.serviceSubnet unset: default "+kubeadmDefaultServices+")")
	if k.ServiceSubnet != nil && k.ServiceSubnet.Value != "" {
		svcWant, svcAt = k.ServiceSubnet.Value, *k.ServiceSubnet
	}
	if s, ok := k.ExtraArgs["apiServer"]["service-cluster-ip-range"]; ok {
		svcWant, svcAt = s.Value, s
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if want := cpNormalize(strings.Split(svcWant, ",")); !slices.Equal(rg.effective, want) {
			r.Fail(cpSubject(c, "service-cluster-ip-range"), rg.at, "%s runs with service range %s but kubeadm's ClusterConfiguration says %s (%s): kubeadm upgrade regenerates the manifest from the ClusterConfiguration and would change the range", cpName(c), strings.Join(rg.effective, ","), svcWant, svcAt.Source)
		}
	}
	// getControllerManagerCommand: --cluster-cidr=podSubnet when set,
	// unless controllerManager.extraArgs override it.
	podWant, podAt := "", kubeadmAt(k, " (networking.podSubnet unset)")
	if k.PodSubnet != nil {
		podWant, podAt = k.PodSubnet.Value, *k.PodSubnet
	}
	if s, ok := k.ExtraArgs["controllerManager"]["cluster-cidr"]; ok {
		podWant, podAt = s.Value, s
	}
	for _, c := range kcms {
		got := cpNormalize(cpSplit(cpValue(c, "cluster-cidr")))
		if want := cpNormalize(cpSplit(podWant)); !slices.Equal(got, want) {
			shownGot, shownWant := strings.Join(got, ","), podWant
			if shownGot == "" {
				shownGot = "no --cluster-cidr"
			}
			if shownWant == "" {
				shownWant = "no podSubnet"
			}
			r.Fail(cpSubject(c, "cluster-cidr"), cpAt(c, "cluster-cidr", ""), "%s runs with %s but kubeadm's ClusterConfiguration says %s (%s): kubeadm upgrade regenerates the manifest from the ClusterConfiguration and would change it", cpName(c), shownGot, shownWant, podAt.Source)
		}
	}
}

func checkKubeadmDNSServiceIP(f *Facts, r *Reporter) {
	const subject = "service/kube-system/kube-dns"
	k := f.Kubeadm
	if k == nil {
		cpNothing(r, "kubeadm", "no kubeadm ClusterConfiguration (not a kubeadm cluster): nothing to check")
		return
	}
	list, at := kubeadmDefaultServices, kubeadmAt(k, " (networking.serviceSubnet unset: default "+kubeadmDefaultServices+")")
	if k.ServiceSubnet != nil && k.ServiceSubnet.Value != "" {
		list, at = k.ServiceSubnet.Value, *k.ServiceSubnet
	}
	// GetDNSIP / GetKubernetesServiceCIDR: the first serviceSubnet entry.
	subnets, err := netutils.ParseCIDRs(strings.Split(list, ","))
	if err != nil || len(subnets) == 0 {
		cpNothing(r, subject, "kubeadm serviceSubnet does not parse (kubeadm-service-subnet): nothing to check")
		return
	}
	want, err := netutils.GetIndexedIP(subnets[0], 10)
	if err != nil {
		cpNothing(r, subject, "kubeadm serviceSubnet %s has no 10th address (kubeadm-service-subnet): nothing to check", subnets[0])
		return
	}
	svc := cpFindService(f, "kube-system", "kube-dns")
	if svc == nil {
		cpNothing(r, subject, "Service kube-system/kube-dns not among the %d Services read (another DNS add-on?): nothing to check", len(f.Services))
		return
	}
	if got := netutils.ParseIPSloppy(svc.Spec.ClusterIP); got == nil || !got.Equal(want) {
		r.Fail(subject, Setting{Source: "Service kube-system/kube-dns spec.clusterIP"}, "Service kube-system/kube-dns has clusterIP %q but kubeadm's DNS address, the 10th IP of %s (%s), is %s: kubelets configured by kubeadm send DNS queries there", svc.Spec.ClusterIP, subnets[0], at.Source, want)
	}
}

// ---------------------------------------------------------------------------
// kubelet

// kubeletParseNodeIP is ParseNodeIPArgument
// (staging/src/k8s.io/component-helpers/node/util/ips.go): entries
// trimmed, unparsable ones ignored and returned.
func kubeletParseNodeIP(nodeIP, cloudProvider string) ([]net.IP, []string, error) {
	allowDual := cloudProvider == "" || cloudProvider == "external"
	var ips []net.IP
	var invalid []string
	if nodeIP != "" {
		for _, s := range strings.Split(nodeIP, ",") {
			s = strings.TrimSpace(s)
			if ip := netutils.ParseIPSloppy(s); ip != nil {
				ips = append(ips, ip)
			} else {
				invalid = append(invalid, s)
			}
		}
	}
	switch {
	case len(ips) > 2 || (len(ips) == 2 && netutils.IsIPv6(ips[0]) == netutils.IsIPv6(ips[1])):
		return nil, invalid, errors.New("must contain either a single IP or a dual-stack pair of IPs")
	case len(ips) == 2 && !allowDual:
		return nil, invalid, errors.New("dual-stack not supported in this configuration")
	case len(ips) == 2 && (ips[0].IsUnspecified() || ips[1].IsUnspecified()):
		return nil, invalid, errors.New("dual-stack node IP cannot include '0.0.0.0' or '::'")
	}
	return ips, invalid, nil
}

// kubeletValidateNodeIP is the part of validateNodeIP
// (pkg/kubelet/kubelet_node_status.go) that does not need the host.
func kubeletValidateNodeIP(ip net.IP) error {
	switch {
	case ip.IsLoopback():
		return errors.New("nodeIP can't be loopback address")
	case ip.IsMulticast():
		return errors.New("nodeIP can't be a multicast address")
	case ip.IsLinkLocalUnicast():
		return errors.New("nodeIP can't be a link-local unicast address")
	}
	return nil
}

// kubeletsWith is the kubelet instances that have a setting.
func kubeletsWith(f *Facts, flag string) []Component {
	var out []Component
	for _, c := range f.ComponentsOf(Kubelet) {
		if _, ok := c.Setting(flag); ok {
			out = append(out, c)
		}
	}
	return out
}

func checkKubeletNodeIP(f *Facts, r *Reporter) {
	kubelets := kubeletsWith(f, "node-ip")
	if len(kubelets) == 0 {
		cpNothing(r, Kubelet, "no kubelet --node-ip known: nothing to check")
		return
	}
	for _, c := range kubelets {
		s, _ := c.Setting("node-ip")
		subject := cpSubject(c, "node-ip")
		ips, invalid, err := kubeletParseNodeIP(s.Value, cpValue(c, "cloud-provider"))
		if len(invalid) > 0 {
			r.FailWith(Warning, subject, s, "Could not parse some node IP(s), ignoring them: %s", strings.Join(invalid, ", "))
		}
		if err != nil {
			r.Fail(subject, s, "bad --node-ip %q: %v", s.Value, err)
			continue
		}
		for i, ip := range ips {
			if ip.IsUnspecified() {
				continue // "prefer this family": not validated
			}
			if err := kubeletValidateNodeIP(ip); err != nil {
				name := "nodeIP"
				if i == 1 {
					name = "secondaryNodeIP"
				}
				r.Fail(subject, s, "failed to validate %s: %v (%s)", name, err, ip)
			}
		}
	}
}

func checkKubeletNodeIPFamilies(f *Facts, r *Reporter) {
	kubelets := kubeletsWith(f, "node-ip")
	fams := f.Families()
	if len(kubelets) == 0 || len(fams) == 0 {
		cpNothing(r, Kubelet, "no kubelet --node-ip or no service range known: nothing to check")
		return
	}
	dual := f.DualStack()
	for _, c := range kubelets {
		s, _ := c.Setting("node-ip")
		subject := cpSubject(c, "node-ip")
		cloud := cpValue(c, "cloud-provider")
		ips, _, err := kubeletParseNodeIP(s.Value, cloud)
		if err != nil || len(ips) == 0 {
			continue // kubelet-node-ip
		}
		if fam := cpFamily(ips[0]); fam != fams[0] {
			r.Fail(subject, s, "--node-ip %s puts %s first but the cluster's primary family is %s: kubelet orders pod IPs by the node IP's family, so podIPs[0] will not match the primary service family", s.Value, fam, fams[0])
		}
		if dual && cloud == "" && (len(ips) < 2) {
			r.Fail(subject, s, "the cluster is %s but --node-ip %s names no dual-stack pair and there is no cloud provider: the Node gets an InternalIP of one family only", stackName(fams), s.Value)
		}
	}
}

func checkKubeletClusterDNS(f *Facts, r *Reporter) {
	kubelets := kubeletsWith(f, "cluster-dns")
	if len(kubelets) == 0 {
		cpNothing(r, Kubelet, "no kubelet clusterDNS known: nothing to check")
		return
	}
	if len(f.Services) == 0 {
		cpNothing(r, Kubelet, "no Services read: nothing to compare clusterDNS with")
		return
	}
	ranges, _, ok := f.ServiceRanges()
	if primary, _, pok := cpPrimaryServiceRange(f); pok && !ok {
		ranges, ok = []*net.IPNet{primary}, true
	}
	if !ok {
		cpNothing(r, Kubelet, "the service range is unknown: nothing to check")
		return
	}
	isServiceIP := func(ip net.IP) bool {
		for _, svc := range f.Services {
			for _, s := range append([]string{svc.Spec.ClusterIP}, svc.Spec.ClusterIPs...) {
				if sip := netutils.ParseIPSloppy(s); sip != nil && sip.Equal(ip) {
					return true
				}
			}
		}
		return false
	}
	for _, c := range kubelets {
		s, _ := c.Setting("cluster-dns")
		for _, e := range strings.Split(s.Value, ",") {
			ip := netutils.ParseIPSloppy(strings.TrimSpace(e))
			if ip == nil {
				r.Fail(cpSubject(c, "cluster-dns"), s, "clusterDNS entry %q is not an IP address", e)
				continue
			}
			inRange := slices.ContainsFunc(ranges, func(n *net.IPNet) bool { return n.Contains(ip) })
			if inRange && !isServiceIP(ip) {
				want := ""
				if dns := cpFindService(f, "kube-system", "kube-dns"); dns != nil {
					want = fmt.Sprintf(" (Service kube-system/kube-dns has %s)", dns.Spec.ClusterIP)
				}
				r.Fail(cpSubject(c, "cluster-dns"), s, "clusterDNS %s is in the service range but no Service has that clusterIP%s: pods cannot resolve names", ip, want)
			}
		}
	}
}
