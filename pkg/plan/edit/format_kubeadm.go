package edit

import "go.yaml.in/yaml/v3"

// kubeadmDocs is where kubeadm says it does not change the ranges of a
// cluster it upgrades.
const kubeadmDocs = "https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/dual-stack-support/"

// kubeadm edits kubeadm's configuration documents as the reader reads
// them (pkg/check/files format_kubeadm.go, pkg/check/source kubeadm.go).
func (d *doc) kubeadm() {
	switch d.kind {
	case "ClusterConfiguration":
		before := len(d.t.splices)
		d.clusterConfiguration(d.root, argsAsList(d.apiVersion), true)
		if len(d.t.splices) > before {
			d.note(d.root, "kubeadm upgrade does not change a cluster's pod or Service ranges (%s): the running cluster takes them from its static pod manifests and the kubeadm-config ConfigMap", kubeadmDocs)
		}
	case "InitConfiguration", "JoinConfiguration":
		d.kubeletNodeIP(d.root)
	}
}

// argsAsList says whether a kubeadm configuration version writes extra
// arguments as a list of {name, value} (v1beta4 and later) rather than a
// map.
func argsAsList(apiVersion string) bool {
	switch apiVersion {
	case "kubeadm.k8s.io/v1beta4", "kubeadm.k8s.io/v1":
		return true
	}
	return false
}

// clusterConfiguration edits a kubeadm ClusterConfiguration at m: its
// networking (both families, comma-separated, primary first:
// kubeadmDocs), and the flags its controllerManager and apiServer
// extraArgs give (asList: in v1beta4's form). own is false for one
// embedded in Cluster API's documents, whose networking the Cluster's
// clusterNetwork replaces: it is only kept in step where it is set.
func (d *doc) clusterConfiguration(m *yaml.Node, asList, own bool) {
	t := d.target
	switch {
	case own:
		// Unset, kubeadm's serviceSubnet is 10.96.0.0/12, one family.
		d.setPath(m, "networking.serviceSubnet", str(t.services()), "dnsDomain")
	case get(m, "networking.serviceSubnet") != nil:
		d.setPath(m, "networking.serviceSubnet", str(t.services()))
	}
	if get(m, "networking.podSubnet") != nil {
		d.setPath(m, "networking.podSubnet", str(t.pods()))
	} else if own {
		d.note(m, "networking.podSubnet is unset, so kubeadm turns on no node IPAM: the network plugin's IPAM needs the pod ranges %s", t.pods())
	}
	kcm := d.argsAt(m, "controllerManager.extraArgs", asList)
	kcm.set("cluster-cidr", t.pods(), false)
	kcm.set("service-cluster-ip-range", t.services(), false)
	editMasks(kcm, t, kcmMasks)
	kcm.done()
	api := d.argsAt(m, "apiServer.extraArgs", asList)
	api.set("service-cluster-ip-range", t.services(), false)
	api.done()
}
