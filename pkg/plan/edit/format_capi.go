package edit

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// capiCluster edits a Cluster API Cluster's clusterNetwork, whose
// cidrBlocks the kubeadm bootstrap provider writes as kubeadm's
// podSubnet and serviceSubnet, joined with commas (sigs.k8s.io/cluster-api
// bootstrap/kubeadm/reconcilers/kubeadmconfig/kubeadmconfig_controller.go
// computeClusterConfigurationAndAdditionalData).
func (d *doc) capiCluster() {
	t := d.target
	if get(d.root, "spec.clusterNetwork.pods.cidrBlocks") != nil {
		d.setPath(d.root, "spec.clusterNetwork.pods.cidrBlocks", strs(t.PodCIDRs))
	} else {
		d.note(d.root, "spec.clusterNetwork.pods is unset, so kubeadm turns on no node IPAM: the network plugin's IPAM needs the pod ranges %s", t.pods())
	}
	d.setPath(d.root, "spec.clusterNetwork.services.cidrBlocks", strs(t.ServiceCIDRs))
}

// capiKubeadmSpecs is where each Cluster API kind holds its
// KubeadmConfigSpec, as the reader reads it.
var capiKubeadmSpecs = map[string]string{
	"KubeadmControlPlane":         "spec.kubeadmConfigSpec",
	"KubeadmControlPlaneTemplate": "spec.template.spec.kubeadmConfigSpec",
	"KubeadmConfig":               "spec",
	"KubeadmConfigTemplate":       "spec.template.spec",
}

// capiKubeadm edits the kubeadm configuration a KubeadmControlPlane,
// KubeadmConfig or their templates embed: v1beta2 writes extra arguments
// as kubeadm v1beta4 does, a list of {name, value}.
func (d *doc) capiKubeadm() {
	spec := get(d.root, capiKubeadmSpecs[d.kind])
	if spec == nil || spec.Kind != yaml.MappingNode {
		return
	}
	if cc := lookup(spec, "clusterConfiguration"); cc != nil && cc.Kind == yaml.MappingNode {
		d.clusterConfiguration(cc, strings.HasSuffix(d.apiVersion, "/v1beta2"), false)
	}
	for _, part := range []string{"initConfiguration", "joinConfiguration"} {
		if c := lookup(spec, part); c != nil && c.Kind == yaml.MappingNode {
			d.kubeletNodeIP(c)
		}
	}
}
