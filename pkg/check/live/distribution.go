package live

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// distributionSign is one mark a distribution leaves on its nodes.
type distributionSign struct {
	name string
	// on returns what on the node shows the mark ("annotation
	// k3s.io/node-args"), "" when the node does not have it.
	on func(node *corev1.Node) string
}

// distributionSigns are the marks read, most specific first: the
// node-args annotations, the suffixes k3s, RKE2, k0s, EKS and GKE build
// into kubelet's version (v1.33.1+k3s1, v1.33.1+rke2r1, v1.33.1+k0s,
// v1.33.0-eks-802817d, v1.33.1-gke.1000), Talos's OS image, the labels
// only OpenShift's machine-config daemon and AKS put on nodes, and kind's
// provider ID. OpenShift's kubelet version (v1.33.2+<commit>) and AKS's
// (plain) say nothing reliable.
var distributionSigns = []distributionSign{
	annotation("k3s", "k3s.io/node-args"),
	annotation("rke2", "rke2.io/node-args"),
	kubeletVersion("rke2", "+rke2"),
	kubeletVersion("k3s", "+k3s"),
	kubeletVersion("k0s", "+k0s"),
	kubeletVersion("eks", "-eks-"),
	kubeletVersion("gke", "-gke."),
	{"talos", func(n *corev1.Node) string {
		if os := n.Status.NodeInfo.OSImage; strings.HasPrefix(os, "Talos") {
			return "osImage " + os
		}
		return ""
	}},
	label("openshift", "node.openshift.io/os_id"),
	label("aks", "kubernetes.azure.com/cluster"),
	{"kind", func(n *corev1.Node) string {
		if strings.HasPrefix(n.Spec.ProviderID, "kind://") {
			return "providerID " + n.Spec.ProviderID
		}
		return ""
	}},
}

func annotation(name, key string) distributionSign {
	return distributionSign{name, func(n *corev1.Node) string {
		if _, ok := n.Annotations[key]; ok {
			return "annotation " + key
		}
		return ""
	}}
}

func kubeletVersion(name, mark string) distributionSign {
	return distributionSign{name, func(n *corev1.Node) string {
		if v := n.Status.NodeInfo.KubeletVersion; strings.Contains(v, mark) {
			return "kubeletVersion " + v
		}
		return ""
	}}
}

func label(name, key string) distributionSign {
	return distributionSign{name, func(n *corev1.Node) string {
		if _, ok := n.Labels[key]; ok {
			return "label " + key
		}
		return ""
	}}
}

// distribution names the cluster's distribution by the most specific sign
// on any node, and says where it was seen; "" when no node has one (a
// kubeadm-shaped or unknown cluster).
func distribution(nodes []corev1.Node) (name, seen string) {
	for _, sign := range distributionSigns {
		for i := range nodes {
			if on := sign.on(&nodes[i]); on != "" {
				return sign.name, fmt.Sprintf("node %s %s", nodes[i].Name, on)
			}
		}
	}
	return "", ""
}
