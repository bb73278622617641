package check

// OpenShift is the networking of an OpenShift install-config.yaml
// (openshift/installer pkg/types/installconfig.go InstallConfig), after
// the installer's defaults (pkg/types/defaults/installconfig.go): each
// value where it was read, a defaulted one at the document with a Source
// saying so.
type OpenShift struct {
	// Source names the document; File and Line locate it.
	Source string
	File   string
	Line   int

	// Platform is the key under platform (aws, baremetal, none, …), read
	// at that key; IPFamily is its ipFamily when set (the dual-stack
	// setting of newer installers' cloud platforms).
	Platform Setting
	IPFamily *Setting
	// CloudName is platform.azure.cloudName ("AzureStackCloud", …).
	CloudName Setting

	NetworkType Setting
	// The networking lists in order, the installer's defaults when unset.
	MachineNetwork, ServiceNetwork OpenShiftNetworks
	ClusterNetwork                 []OpenShiftClusterNetwork
	// ClusterNetworkAt is where networking.clusterNetwork was read.
	ClusterNetworkAt Setting
}

// OpenShiftNetworks is one networking list: where it was read, and its
// CIDRs.
type OpenShiftNetworks struct {
	At    Setting
	CIDRs []Setting
}

// OpenShiftClusterNetwork is one networking.clusterNetwork entry. An
// unset hostPrefix is 0 to the installer (HostPrefix.Value "").
type OpenShiftClusterNetwork struct {
	CIDR, HostPrefix Setting
}
