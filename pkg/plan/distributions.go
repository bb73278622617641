package plan

// distributionNotes say what a distribution itself supports, in its own
// documentation's words, where that differs from upstream's procedure.
var distributionNotes = map[string]string{
	"k3s":       `k3s: "Dual-stack networking must be configured when the cluster is first created. It cannot be enabled on an existing cluster once it has been started as IPv4-only." (https://docs.k3s.io/networking/basic-network-options#dual-stack-ipv4--ipv6-networking). The steps show what the configuration needs (cluster-cidr, service-cidr and node-ip in config.yaml), for a new cluster or at your own risk.`,
	"rke2":      `RKE2 uses k3s's networking code, and k3s says: "Dual-stack networking must be configured when the cluster is first created" (https://docs.k3s.io/networking/basic-network-options#dual-stack-ipv4--ipv6-networking). The steps show what config.yaml needs, for a new cluster or at your own risk.`,
	"eks":       `EKS: "You can only specify an IP family when you create a cluster and can't change this value once the cluster is created." (https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html). The control-plane steps cannot be done on EKS.`,
	"gke":       "GKE manages the control plane: its flags are changed through the cluster's stack type (gcloud container clusters update --stack-type=ipv4-ipv6), not by hand; see https://cloud.google.com/kubernetes-engine/docs/how-to/dual-stack-network.",
	"aks":       "AKS manages the control plane: its IP families are chosen when the cluster is created (az aks create --ip-families); see https://learn.microsoft.com/azure/aks/configure-kubenet-dual-stack.",
	"openshift": "OpenShift converts through its network operator, not component flags: add a clusterNetwork and a serviceNetwork entry of the new family to network.config.openshift.io cluster (oc patch network.config.openshift.io cluster --type=json), on bare metal, vSphere and platform none only (openshift/cluster-network-operator pkg/network/render.go isConversionToDualStackSupported); see https://docs.okd.io/latest/networking/ovn_kubernetes_network_provider/converting-to-dual-stack.html.",
	"kind":      "kind sets a cluster's networking when it creates it (networking.ipFamily: dual in its configuration): recreating the cluster is simpler than converting it.",
}
