package check

import (
	"fmt"
	"net"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"
)

// eksRules are eksctl's own checks of a ClusterConfig's IP family, in
// report order.
var eksRules = []Rule{eksSingleStack, eksNetworkConfig, eksIPv6VPC}

// eksctlValidation is where eksctl checks a ClusterConfig.
const eksctlValidation = "eksctl-io/eksctl pkg/apis/eksctl.io/v1alpha5/validation.go"

// eksctlDocs documents ipFamily.
const eksctlDocs = "https://eksctl.io/usage/vpc-ip-family/ (eksctl-io/eksctl userdocs/src/usage/vpc-ip-family.md); https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html"

// eksClusterConfig scopes the rules to an eksctl ClusterConfig.
var eksClusterConfig = scopeOf("eks", "no eksctl ClusterConfig (not an EKS cluster made with eksctl)", func(f *Facts) bool { return f.EKS != nil })

var eksSingleStack = Rule{
	ID:        "eks-single-stack",
	Area:      AreaEKS,
	Title:     "An EKS cluster is IPv4 or IPv6, never dual-stack",
	Severity:  Info,
	Reference: eksctlValidation + " validateKubernetesNetworkConfig; " + eksctlDocs,
	Why:       "EKS runs a cluster in one IP family, chosen once with `kubernetesNetworkConfig.ipFamily` (IPv4 by default, or IPv6): it has no dual-stack service ranges. An IPv6 cluster still gives pods IPv4 egress through the VPC CNI, but Services and pods' primary addresses are IPv6 only. A dual-stack expectation (--expect=dual) cannot be met on EKS; the cluster-stack rule reports it.",
	Fix:       "nothing to fix: choose ipFamily IPv4 or IPv6 when creating the cluster (it cannot change afterwards)",
	Scope:     eksClusterConfig,
	Check:     checkEKSSingleStack,
}

func checkEKSSingleStack(f *Facts, r *Reporter) {
	e := f.EKS
	family, at := "IPv4", Setting{Source: e.Source + " (kubernetesNetworkConfig.ipFamily unset: IPv4)", File: e.File, Line: e.Line}
	if e.IPFamily != nil {
		family, at = e.IPFamily.Value, *e.IPFamily
	}
	if !strings.EqualFold(family, "IPv4") && !strings.EqualFold(family, "IPv6") {
		return // eks-network-config
	}
	r.Fail("eks kubernetesNetworkConfig.ipFamily", at, "EKS runs IPv4 or IPv6 clusters, never dual-stack: this one is %s", family)
}

var eksNetworkConfig = Rule{
	ID:        "eks-network-config",
	Area:      AreaEKS,
	Title:     "eksctl's kubernetesNetworkConfig is valid, with what IPv6 requires",
	Severity:  Error,
	Reference: eksctlValidation + " validateKubernetesNetworkConfig; pkg/apis/eksctl.io/v1alpha5/addon.go minimumVPCCNIVersionForIPv6; " + eksctlDocs,
	Why:       "eksctl create cluster refuses an ipFamily other than IPv4 or IPv6 (\"invalid value \\\"dual\\\" for ipFamily; allowed are IPv4 and IPv6\"), a serviceIPv4CIDR that does not parse or comes with IPv6 (\"service IPv4 CIDR is not supported with IPv6\"), and, for IPv6 outside EKS Auto Mode, a config without the coredns add-on (\"the default core addons must be defined for IPv6; missing addon(s): coredns; either define them or use EKS Auto Mode\"), with the vpc-cni add-on but neither OIDC nor the pod identity agent (\"either pod identity or oidc needs to be enabled if IPv6 is set; set either one or use EKS Auto Mode\"), a vpc-cni older than 1.10.0 (\"vpc-cni version must be at least version 1.10.0 for IPv6\") or a Kubernetes version before 1.21 (\"cluster version must be >= 1.21\").",
	Fix:       "for IPv6 add the coredns add-on, iam.withOIDC: true (or the eks-pod-identity-agent add-on) with vpc-cni >= 1.10.0, drop serviceIPv4CIDR, and use Kubernetes 1.21 or later; or enable Auto Mode",
	Scope:     eksClusterConfig,
	Check:     checkEKSNetworkConfig,
}

func checkEKSNetworkConfig(f *Facts, r *Reporter) {
	e := f.EKS
	const subject = "eks kubernetesNetworkConfig"
	if s := e.ServiceIPv4CIDR; s != nil && s.Value != "" {
		if e.IPv6() {
			r.Fail(subject+".serviceIPv4CIDR", *s, "service IPv4 CIDR is not supported with IPv6")
		} else if _, _, err := net.ParseCIDR(s.Value); err != nil {
			r.Fail(subject+".serviceIPv4CIDR", *s, "invalid IPv4 CIDR for kubernetesNetworkConfig.serviceIPv4CIDR: %v", err)
		}
	}
	if e.IPFamily == nil || e.IPFamily.Value == "" || strings.EqualFold(e.IPFamily.Value, "IPv4") {
		return
	}
	if !e.IPv6() {
		r.Fail(subject+".ipFamily", *e.IPFamily, "invalid value %q for ipFamily; allowed are IPv4 and IPv6 (EKS has no dual-stack clusters)", e.IPFamily.Value)
		return
	}
	if !e.AutoMode {
		if !e.HasAddon("coredns") {
			r.Fail("eks addons", e.AddonsAt, "the default core addons must be defined for IPv6; missing addon(s): coredns; either define them or use EKS Auto Mode")
		}
		if cni := e.Addon("vpc-cni"); cni != nil {
			podIdentity := e.HasAddon("eks-pod-identity-agent")
			if !podIdentity && (e.WithOIDC == nil || e.WithOIDC.Value != "true") {
				at := cni.Name
				if e.WithOIDC != nil {
					at = *e.WithOIDC
				}
				r.Fail("eks iam.withOIDC", at, "either pod identity or oidc needs to be enabled if IPv6 is set; set either one or use EKS Auto Mode")
			}
			if podIdentity && !e.AutoApplyPodIdentityAssociations && !cni.UseDefaultPodIdentityAssociations && cni.PodIdentityAssociations == 0 {
				r.Fail("eks addons vpc-cni", cni.Name, "Set one of: addonsConfig.autoApplyPodIdentityAssociations, useDefaultPodIdentityAssociations on the vpc-cni addon, apply a custom pod identity on the vpc-cni addon")
			}
		}
	}
	if cni := e.Addon("vpc-cni"); cni != nil && cni.Version != "" && cni.Version != "latest" {
		if old, err := eksVersionLess(cni.Version, "1.10.0"); err != nil {
			r.Fail("eks addons vpc-cni", cni.Name, "failed to parse version %q: %v", cni.Version, err)
		} else if old {
			r.Fail("eks addons vpc-cni", cni.Name, "vpc-cni version must be at least version 1.10.0 for IPv6 (version %s)", cni.Version)
		}
	}
	if v := e.Version; v != nil && v.Value != "" && v.Value != "auto" && v.Value != "latest" {
		if old, err := eksVersionLess(v.Value, "1.21"); err != nil {
			r.Fail("eks metadata.version", *v, "failed to convert %s cluster version to semver: %v", v.Value, err)
		} else if old {
			r.Fail("eks metadata.version", *v, "cluster version must be >= 1.21 (metadata.version %s)", v.Value)
		}
	}
}

var eksIPv6VPC = Rule{
	ID:        "eks-ipv6-vpc",
	Area:      AreaEKS,
	Title:     "eksctl's VPC and placement settings agree with the IP family",
	Severity:  Error,
	Reference: eksctlValidation + " ValidateVPCConfig, ipv6CidrsValid, ValidateClusterConfig, validateRemoteNetworkingConfig; " + eksctlDocs,
	Why:       "eksctl builds an IPv6 cluster's VPC itself and refuses settings that contradict the family: IPv6 VPC fields on an IPv4 cluster (\"cannot specify vpc.extraIPv6CIDRs with an IPv4 cluster\", \"Ipv6Cidr and Ipv6CidrPool are only supported when IPFamily is set to IPv6\"), and on an IPv6 cluster `vpc.autoAllocateIPv6` (\"auto allocate ipv6 is not supported with IPv6\"), half of a custom IPv6 range (\"Ipv6Cidr and Ipv6Pool must both be configured to use a custom IPv6 CIDR and address pool\"), a custom range with an existing VPC, `vpc.nat` (\"setting NAT is not supported with IPv6\"), local zones, Outposts and remote networks.",
	Fix:       "remove the IPv6 VPC fields from an IPv4 cluster; on an IPv6 cluster drop vpc.nat, vpc.autoAllocateIPv6, localZones, outpost and remoteNetworkConfig, and give both vpc.ipv6Cidr and vpc.ipv6Pool or neither",
	Scope:     eksClusterConfig,
	Check:     checkEKSIPv6VPC,
}

func checkEKSIPv6VPC(f *Facts, r *Reporter) {
	e := f.EKS
	fail := func(name, msg string) { r.Fail("eks "+name, e.VPC[name], "%s", msg) }
	if !e.IPv6() {
		if _, ok := e.VPC["vpc.extraIPv6CIDRs"]; ok {
			fail("vpc.extraIPv6CIDRs", "cannot specify vpc.extraIPv6CIDRs with an IPv4 cluster")
		}
		for _, name := range []string{"vpc.ipv6Cidr", "vpc.ipv6Pool"} {
			if _, ok := e.VPC[name]; ok {
				fail(name, "Ipv6Cidr and Ipv6CidrPool are only supported when IPFamily is set to IPv6")
				break
			}
		}
		return
	}
	if s, ok := e.VPC["vpc.autoAllocateIPv6"]; ok && s.Value == "true" {
		fail("vpc.autoAllocateIPv6", "auto allocate ipv6 is not supported with IPv6")
	}
	_, cidr := e.VPC["vpc.ipv6Cidr"]
	_, pool := e.VPC["vpc.ipv6Pool"]
	_, id := e.VPC["vpc.id"]
	switch {
	case cidr && pool && id:
		fail("vpc.ipv6Cidr", "cannot provide VPC.IPv6Cidr when using a pre-existing VPC.ID")
	case cidr && !pool:
		fail("vpc.ipv6Cidr", "Ipv6Cidr and Ipv6Pool must both be configured to use a custom IPv6 CIDR and address pool")
	case pool && !cidr:
		fail("vpc.ipv6Pool", "Ipv6Cidr and Ipv6Pool must both be configured to use a custom IPv6 CIDR and address pool")
	}
	for _, refused := range []struct{ name, msg string }{
		{"vpc.nat", "setting NAT is not supported with IPv6"},
		{"localZones", "localZones are not supported with IPv6"},
		{"outpost", "IPv6 is not supported on Outposts"},
		{"remoteNetworkConfig", "remoteNetworkConfig is not supported on EKS cluster configured with IPv6 address family"},
	} {
		if _, ok := e.VPC[refused.name]; ok {
			fail(refused.name, refused.msg)
		}
	}
}

// eksVersionLess compares versions as eksctl's go-version does: a
// pre-release (v1.10.0-eksbuild.1) sorts before its release.
func eksVersionLess(v, min string) (bool, error) {
	parse := func(s string) (*version.Version, error) {
		if sv, err := version.ParseSemantic(s); err == nil {
			return sv, nil
		}
		return version.ParseGeneric(s)
	}
	a, err := parse(v)
	if err != nil {
		return false, err
	}
	b, err := parse(min)
	if err != nil {
		return false, fmt.Errorf("minimum %q: %w", min, err)
	}
	return a.LessThan(b), nil
}
