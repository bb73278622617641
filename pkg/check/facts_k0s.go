package check

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
