package edit

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// talosMasks are the node masks Talos gives kube-controller-manager
// (siderolabs/talos pkg/machinery/constants/constants.go
// DefaultNodeCIDRMaskSizeIPv4 and IPv6).
var talosMasks = map[string]int{IPv4: 24, IPv6: 64}

// talosMultihoming says that validSubnets choose the kubelet's node IPs.
const talosMultihoming = "https://www.talos.dev/v1.11/talos-guides/network/multihoming"

// talosMachineConfig edits a Talos v1alpha1 machine configuration: its
// cluster.network, unless a KubeNetworkConfig of the same file replaces
// it, and its components' extraArgs.
func (d *doc) talosMachineConfig() {
	t := d.target
	cluster := lookup(d.root, "cluster")
	if cluster == nil || cluster.Kind != yaml.MappingNode {
		return
	}
	if !d.hasFormat("talos-kube-network-config") {
		typ := scalar(get(d.root, "machine.type"))
		if lookup(cluster, "network") != nil || typ == "controlplane" || typ == "init" {
			// cluster.network.podSubnets and serviceSubnets, lists,
			// primary first (pkg/machinery/config/types/v1alpha1
			// v1alpha1_clusterconfig.go PodCIDRs, ServiceCIDRs;
			// https://www.talos.dev/v1.11/reference/configuration/v1alpha1/config).
			d.set(cluster, "network", mapping{{"podSubnets", strs(t.PodCIDRs)}, {"serviceSubnets", strs(t.ServiceCIDRs)}})
		}
	}
	kcm := d.argsAt(cluster, "controllerManager.extraArgs", false)
	kcm.set("cluster-cidr", t.pods(), false)
	kcm.set("service-cluster-ip-range", t.services(), false)
	editMasks(kcm, t, talosMasks)
	kcm.done()
	d.argsAt(cluster, "apiServer.extraArgs", false).set("service-cluster-ip-range", t.services(), false)
	d.argsAt(cluster, "proxy.extraArgs", false).set("cluster-cidr", t.pods(), false)
	if v := get(d.root, "machine.kubelet.extraArgs.node-ip"); scalar(v) != "" {
		d.nodeIPNote(v, "kubelet --node-ip", scalar(v))
	}
	d.talosValidSubnets(get(d.root, "machine.kubelet.nodeIP.validSubnets"))
}

// talosValidSubnets notes validSubnets of one family: Talos gives the
// kubelet the node's addresses in them only (`!` excludes), so the node
// would have no InternalIP of the other family.
func (d *doc) talosValidSubnets(n *yaml.Node) {
	if n == nil || n.Kind != yaml.SequenceNode {
		return
	}
	var subnets []string
	for _, item := range n.Content {
		if s := scalar(item); s != "" && !strings.HasPrefix(s, "!") {
			subnets = append(subnets, s)
		}
	}
	if missing := d.target.missingFamilies(strings.Join(subnets, ",")); len(missing) > 0 {
		d.note(n, "machine.kubelet.nodeIP.validSubnets has no %s subnet, so the node gets no %s InternalIP: add the node's own %s subnet (%s)", strings.Join(missing, " or "), strings.Join(missing, " or "), strings.Join(missing, " or "), talosMultihoming)
	}
}

// talosKubeNetworkConfig edits a KubeNetworkConfig, which replaces
// cluster.network: Talos reads the first of a file.
func (d *doc) talosKubeNetworkConfig() {
	for _, other := range d.docs {
		if other.format == "talos-kube-network-config" && other != d {
			return
		}
		if other == d {
			break
		}
	}
	t := d.target
	d.set(d.root, "podSubnets", strs(t.PodCIDRs))
	d.set(d.root, "serviceSubnets", strs(t.ServiceCIDRs), "podSubnets")
	for _, fam := range []string{IPv4, IPv6} {
		key := "nodeCIDRMaskSize" + fam
		if m, ok := t.NodeMasks[fam]; ok && (lookup(d.root, key) != nil || m != talosMasks[fam]) {
			d.set(d.root, key, lit(strconv.Itoa(m)))
		}
	}
}

// hasFormat says whether a document of the file is of format.
func (d *doc) hasFormat(format string) bool {
	for _, other := range d.docs {
		if other.format == format {
			return true
		}
	}
	return false
}
