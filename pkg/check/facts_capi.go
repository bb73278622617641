package check

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
