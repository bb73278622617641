package check

// TalosNetwork is a Talos KubeNetworkConfig document.
type TalosNetwork struct {
	Source string
	File   string
	Line   int
	// PodSubnets and ServiceSubnets are the entries as written; the At
	// settings locate the lists (the document when absent).
	PodSubnets, ServiceSubnets     []Setting
	PodSubnetsAt, ServiceSubnetsAt Setting
	// NodeCIDRMaskSizeIPv4 and NodeCIDRMaskSizeIPv6 are as written; nil
	// when unset (Talos's defaults: 24 and 64).
	NodeCIDRMaskSizeIPv4, NodeCIDRMaskSizeIPv6 *Setting
}

// TalosMachine is a Talos v1alpha1 machine configuration document.
type TalosMachine struct {
	Source string
	File   string
	Line   int
	// ClusterNetwork locates cluster.network, nil when the document has
	// none.
	ClusterNetwork *Setting
	// ValidSubnets are machine.kubelet.nodeIP.validSubnets.
	ValidSubnets []Setting
}

// Talos is what Talos machine configurations say about networking.
type Talos struct {
	Networks []TalosNetwork
	Machines []TalosMachine
}
