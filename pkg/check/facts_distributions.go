package check

// The facts of distributions whose own configuration check validates: what
// that configuration says, each value where it was read. Their kube-apiserver,
// kube-controller-manager, kube-proxy and kubelet settings are in
// Facts.Components (or Facts.Kubeadm) like any other cluster's.

// K0s is what a k0s ClusterConfig (alone, or embedded in a k0sctl Cluster)
// says about networking. A value left unset holds k0s's default, its
// Source saying so and its position the document's.
type K0s struct {
	Source      string // the ClusterConfig document
	File        string
	Line        int
	PodCIDR     Setting // spec.network.podCIDR
	ServiceCIDR Setting // spec.network.serviceCIDR
	// DualStack is spec.network.dualStack.enabled ("true" or "false").
	DualStack Setting
	// IPv6PodCIDR and IPv6ServiceCIDR are dualStack's; Value "" when unset.
	IPv6PodCIDR, IPv6ServiceCIDR Setting
	// PrimaryAddressFamily is as written; Value "" when unset.
	PrimaryAddressFamily Setting
	// Provider is spec.network.provider, CalicoMode spec.network.calico.mode.
	Provider, CalicoMode Setting
	// IPv6SingleStack is the k0s feature gate as the controllers' k0sctl
	// installFlags set it ("true" or "false"); nil when no file says (a
	// k0s.yaml alone: the gate is a k0s controller flag).
	IPv6SingleStack *Setting
}

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

// CAPI is what a Cluster API Cluster says about networking, and what the
// kubeadm configurations of its KubeadmControlPlane or KubeadmConfig(Template)
// set in its place.
type CAPI struct {
	Source string // the Cluster document, "" when only its kubeadm configurations were read
	File   string
	Line   int
	// Pods and Services are the cidrBlocks entries of
	// spec.clusterNetwork.pods and .services.
	Pods, Services []Setting
	// PodSubnets and ServiceSubnets are the networking.podSubnet and
	// networking.serviceSubnet of embedded (v1beta1) kubeadm
	// ClusterConfigurations.
	PodSubnets, ServiceSubnets []Setting
}
