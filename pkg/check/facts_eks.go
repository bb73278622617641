package check

import "strings"

// EKS is what an eksctl ClusterConfig (eksctl.io/v1alpha5) says about the
// cluster's IP family and what that family requires, each value where it
// was read (nil or "" when unset).
type EKS struct {
	// Source names the document; File and Line locate it.
	Source string
	File   string
	Line   int

	Version *Setting // metadata.version
	// kubernetesNetworkConfig.
	IPFamily        *Setting
	ServiceIPv4CIDR *Setting
	// AutoMode is autoModeConfig.enabled: true.
	AutoMode bool
	// WithOIDC is iam.withOIDC.
	WithOIDC *Setting
	// AutoApplyPodIdentityAssociations is addonsConfig's.
	AutoApplyPodIdentityAssociations bool
	Addons                           []EKSAddon
	// AddonsAt is where addons was read (the document when unset).
	AddonsAt Setting

	// The VPC and placement settings eksctl checks against the family:
	// vpc.id, vpc.ipv6Cidr, vpc.ipv6Pool, vpc.autoAllocateIPv6,
	// vpc.nat, vpc.extraIPv6CIDRs, localZones, outpost, remoteNetworkConfig.
	VPC map[string]Setting
}

// EKSAddon is one entry of addons.
type EKSAddon struct {
	Name    Setting
	Version string
	// UseDefaultPodIdentityAssociations and PodIdentityAssociations (how
	// many) configure the add-on's credentials.
	UseDefaultPodIdentityAssociations bool
	PodIdentityAssociations           int
}

// IPv6 says whether the cluster is IPv6 (ipFamily, case-insensitive).
func (e *EKS) IPv6() bool {
	return e.IPFamily != nil && strings.EqualFold(e.IPFamily.Value, "IPv6")
}

// Addon is the add-on named exactly name, nil when absent (getAddon).
func (e *EKS) Addon(name string) *EKSAddon {
	for i := range e.Addons {
		if e.Addons[i].Name.Value == name {
			return &e.Addons[i]
		}
	}
	return nil
}

// HasAddon says whether an add-on's lowercased name is name
// (addonContainsManagedAddons).
func (e *EKS) HasAddon(name string) bool {
	for _, a := range e.Addons {
		if strings.ToLower(a.Name.Value) == name {
			return true
		}
	}
	return false
}
