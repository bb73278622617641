package check

import "testing"

// eksWhere names the test ClusterConfig.
const eksWhere = "file cluster.yaml, ClusterConfig"

// eksSetting is a value read from the test ClusterConfig.
func eksSetting(field, value string) *Setting {
	return &Setting{Value: value, Source: eksWhere + " " + field, File: "cluster.yaml", Line: 10}
}

// eksIPv6 is eksctl's IPv6 example (examples/30-vpc-with-ip-family.yaml),
// changed by fn.
func eksIPv6(fn func(e *EKS)) *Facts {
	e := &EKS{Source: eksWhere, File: "cluster.yaml", Line: 2, VPC: map[string]Setting{},
		Version:  eksSetting("metadata.version", "1.21"),
		IPFamily: eksSetting("kubernetesNetworkConfig.ipFamily", "IPv6"),
		WithOIDC: eksSetting("iam.withOIDC", "true"),
		AddonsAt: *eksSetting("addons", "vpc-cni,coredns,kube-proxy"),
	}
	for _, name := range []string{"vpc-cni", "coredns", "kube-proxy"} {
		e.Addons = append(e.Addons, EKSAddon{Name: *eksSetting("addons[].name", name), Version: "latest"})
	}
	if fn != nil {
		fn(e)
	}
	return &Facts{EKS: e}
}

// eksIPv4 is an IPv4 ClusterConfig (ipFamily unset), changed by fn.
func eksIPv4(fn func(e *EKS)) *Facts {
	return eksIPv6(func(e *EKS) {
		e.IPFamily = nil
		if fn != nil {
			fn(e)
		}
	})
}

// without drops an add-on.
func without(e *EKS, name string) {
	var keep []EKSAddon
	for _, a := range e.Addons {
		if a.Name.Value != name {
			keep = append(keep, a)
		}
	}
	e.Addons = keep
}

func TestEKSScope(t *testing.T) {
	for _, r := range eksRules {
		cpRunCases(t, r.ID, []cpCase{
			{"not EKS", cpCluster("dual4"), []cpWant{cpPass("eks", "no eksctl ClusterConfig")}},
		})
	}
}

func TestEKSSingleStack(t *testing.T) {
	const subj = "eks kubernetesNetworkConfig.ipFamily"
	cpRunCases(t, "eks-single-stack", []cpCase{
		{"IPv6", eksIPv6(nil), []cpWant{cpFail(Info, subj, "EKS runs IPv4 or IPv6 clusters, never dual-stack: this one is IPv6")}},
		{"IPv4 by default", eksIPv4(nil), []cpWant{cpFail(Info, subj, "this one is IPv4")}},
		{"invalid family", eksIPv6(func(e *EKS) { e.IPFamily.Value = "DualStack" }), []cpWant{cpOK("eks")}},
	})
}

func TestEKSNetworkConfig(t *testing.T) {
	cpRunCases(t, "eks-network-config", []cpCase{
		{"IPv6 example", eksIPv6(nil), []cpWant{cpOK("eks")}},
		{"IPv4 example", eksIPv4(func(e *EKS) {
			e.ServiceIPv4CIDR = eksSetting("kubernetesNetworkConfig.serviceIPv4CIDR", "172.20.0.0/16")
		}), []cpWant{cpOK("eks")}},
		{"dual-stack", eksIPv6(func(e *EKS) { e.IPFamily.Value = "DualStack" }), []cpWant{
			cpFail(Error, "eks kubernetesNetworkConfig.ipFamily", `invalid value "DualStack" for ipFamily; allowed are IPv4 and IPv6`),
		}},
		{"lower-case ipv6", eksIPv6(func(e *EKS) { e.IPFamily.Value = "ipv6" }), []cpWant{cpOK("eks")}},
		{"serviceIPv4CIDR with IPv6", eksIPv6(func(e *EKS) {
			e.ServiceIPv4CIDR = eksSetting("kubernetesNetworkConfig.serviceIPv4CIDR", "172.20.0.0/16")
		}), []cpWant{
			cpFail(Error, "eks kubernetesNetworkConfig.serviceIPv4CIDR", "service IPv4 CIDR is not supported with IPv6"),
		}},
		{"unparsable serviceIPv4CIDR", eksIPv4(func(e *EKS) { e.ServiceIPv4CIDR = eksSetting("kubernetesNetworkConfig.serviceIPv4CIDR", "172.20.0.0") }), []cpWant{
			cpFail(Error, "eks kubernetesNetworkConfig.serviceIPv4CIDR", "invalid IPv4 CIDR for kubernetesNetworkConfig.serviceIPv4CIDR: invalid CIDR address: 172.20.0.0"),
		}},
		{"no coredns", eksIPv6(func(e *EKS) { without(e, "coredns") }), []cpWant{
			cpFail(Error, "eks addons", "the default core addons must be defined for IPv6; missing addon(s): coredns; either define them or use EKS Auto Mode"),
		}},
		{"no coredns in Auto Mode", eksIPv6(func(e *EKS) { without(e, "coredns"); e.AutoMode = true }), []cpWant{cpOK("eks")}},
		{"vpc-cni and kube-proxy are optional", eksIPv6(func(e *EKS) { without(e, "vpc-cni"); without(e, "kube-proxy"); e.WithOIDC = nil }), []cpWant{cpOK("eks")}},
		{"vpc-cni without OIDC", eksIPv6(func(e *EKS) { e.WithOIDC.Value = "false" }), []cpWant{
			cpFail(Error, "eks iam.withOIDC", "either pod identity or oidc needs to be enabled if IPv6 is set; set either one or use EKS Auto Mode"),
		}},
		{"vpc-cni with the pod identity agent", eksIPv6(func(e *EKS) {
			e.WithOIDC = nil
			e.Addons = append(e.Addons, EKSAddon{Name: *eksSetting("addons[].name", "eks-pod-identity-agent")})
		}), []cpWant{cpFail(Error, "eks addons vpc-cni", "Set one of: addonsConfig.autoApplyPodIdentityAssociations, useDefaultPodIdentityAssociations on the vpc-cni addon, apply a custom pod identity on the vpc-cni addon")}},
		{"pod identity associations applied", eksIPv6(func(e *EKS) {
			e.WithOIDC = nil
			e.AutoApplyPodIdentityAssociations = true
			e.Addons = append(e.Addons, EKSAddon{Name: *eksSetting("addons[].name", "eks-pod-identity-agent")})
		}), []cpWant{cpOK("eks")}},
		{"old vpc-cni", eksIPv6(func(e *EKS) { e.Addons[0].Version = "v1.9.3-eksbuild.1" }), []cpWant{
			cpFail(Error, "eks addons vpc-cni", "vpc-cni version must be at least version 1.10.0 for IPv6"),
		}},
		{"vpc-cni 1.10.0 pre-release, as go-version orders it", eksIPv6(func(e *EKS) { e.Addons[0].Version = "v1.10.0-eksbuild.1" }), []cpWant{
			cpFail(Error, "eks addons vpc-cni", "vpc-cni version must be at least version 1.10.0 for IPv6"),
		}},
		{"recent vpc-cni", eksIPv6(func(e *EKS) { e.Addons[0].Version = "v1.19.2-eksbuild.1" }), []cpWant{cpOK("eks")}},
		{"Kubernetes 1.20", eksIPv6(func(e *EKS) { e.Version.Value = "1.20" }), []cpWant{cpFail(Error, "eks metadata.version", "cluster version must be >= 1.21")}},
	})
}

func TestEKSIPv6VPC(t *testing.T) {
	set := func(e *EKS, fields ...string) {
		for _, f := range fields {
			e.VPC[f] = *eksSetting(f, "set")
		}
	}
	cpRunCases(t, "eks-ipv6-vpc", []cpCase{
		{"IPv6 example", eksIPv6(nil), []cpWant{cpOK("eks")}},
		{"NAT with IPv6", eksIPv6(func(e *EKS) { set(e, "vpc.nat") }), []cpWant{cpFail(Error, "eks vpc.nat", "setting NAT is not supported with IPv6")}},
		{"NAT with IPv4", eksIPv4(func(e *EKS) { set(e, "vpc.nat") }), []cpWant{cpOK("eks")}},
		{"autoAllocateIPv6 with IPv6", eksIPv6(func(e *EKS) { e.VPC["vpc.autoAllocateIPv6"] = *eksSetting("vpc.autoAllocateIPv6", "true") }), []cpWant{
			cpFail(Error, "eks vpc.autoAllocateIPv6", "auto allocate ipv6 is not supported with IPv6"),
		}},
		{"ipv6Cidr without ipv6Pool", eksIPv6(func(e *EKS) { set(e, "vpc.ipv6Cidr") }), []cpWant{
			cpFail(Error, "eks vpc.ipv6Cidr", "Ipv6Cidr and Ipv6Pool must both be configured to use a custom IPv6 CIDR and address pool"),
		}},
		{"custom range in an existing VPC", eksIPv6(func(e *EKS) { set(e, "vpc.ipv6Cidr", "vpc.ipv6Pool", "vpc.id") }), []cpWant{
			cpFail(Error, "eks vpc.ipv6Cidr", "cannot provide VPC.IPv6Cidr when using a pre-existing VPC.ID"),
		}},
		{"custom range", eksIPv6(func(e *EKS) { set(e, "vpc.ipv6Cidr", "vpc.ipv6Pool") }), []cpWant{cpOK("eks")}},
		{"IPv6 range on IPv4", eksIPv4(func(e *EKS) { set(e, "vpc.ipv6Cidr", "vpc.ipv6Pool") }), []cpWant{
			cpFail(Error, "eks vpc.ipv6Cidr", "Ipv6Cidr and Ipv6CidrPool are only supported when IPFamily is set to IPv6"),
		}},
		{"extra IPv6 CIDRs on IPv4", eksIPv4(func(e *EKS) { set(e, "vpc.extraIPv6CIDRs") }), []cpWant{
			cpFail(Error, "eks vpc.extraIPv6CIDRs", "cannot specify vpc.extraIPv6CIDRs with an IPv4 cluster"),
		}},
		{"local zones, Outposts and remote networks with IPv6", eksIPv6(func(e *EKS) { set(e, "localZones", "outpost", "remoteNetworkConfig") }), []cpWant{
			cpFail(Error, "eks localZones", "localZones are not supported with IPv6"),
			cpFail(Error, "eks outpost", "IPv6 is not supported on Outposts"),
			cpFail(Error, "eks remoteNetworkConfig", "remoteNetworkConfig is not supported on EKS cluster configured with IPv6 address family"),
		}},
	})
}
