package edit

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// kindCluster edits a kind Cluster's networking: ipFamily dual and both
// families' subnets, primary first (sigs.k8s.io/kind
// site/content/docs/user/configuration.md, "IP Family", "Pod Subnet",
// "Service Subnet"). Its kubeadmConfigPatches are strings: those that
// set the ranges are noted.
func (d *doc) kindCluster() {
	t := d.target
	before := len(d.t.splices)
	d.setPath(d.root, "networking", mapping{
		{"ipFamily", str("dual")},
		{"podSubnet", str(t.pods())},
		{"serviceSubnet", str(t.services())},
	})
	if len(d.t.splices) > before {
		d.note(d.root, "kind reads its configuration when it creates a cluster: recreate the cluster with this file (kind create cluster --config)")
	}
	d.kindPatches(lookup(d.root, "kubeadmConfigPatches"))
	if nodes := lookup(d.root, "nodes"); nodes != nil && nodes.Kind == yaml.SequenceNode {
		for _, n := range nodes.Content {
			d.kindPatches(lookup(n, "kubeadmConfigPatches"))
		}
	}
}

// kindPatches notes each kubeadmConfigPatches entry that sets a range or
// a node mask: a YAML document in a string, not edited in place.
func (d *doc) kindPatches(patches *yaml.Node) {
	if patches == nil || patches.Kind != yaml.SequenceNode {
		return
	}
	for _, p := range patches.Content {
		if p.Kind != yaml.ScalarNode {
			continue
		}
		if what := rangesIn(p.Value); what != "" {
			d.note(p, "this kubeadmConfigPatches entry sets %s: give it the ranges %s (services) and %s (pods), and the per-family node masks", what, d.target.services(), d.target.pods())
		}
	}
}

// rangesIn names the first setting of a kubeadm or kube-proxy document
// (a patch's text) that dual-stack changes, "" when none.
func rangesIn(text string) string {
	dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil { // the end, or not YAML
			return ""
		}
		if len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		for _, path := range []string{"networking.podSubnet", "networking.serviceSubnet", "clusterCIDR"} {
			if get(root, path) != nil {
				return path
			}
		}
		for _, c := range []string{"controllerManager", "apiServer"} {
			args := get(root, c+".extraArgs")
			for _, flag := range []string{"cluster-cidr", "service-cluster-ip-range", "node-cidr-mask-size", "node-cidr-mask-size-ipv4", "node-cidr-mask-size-ipv6"} {
				if args != nil && (keyIndex(args, flag) >= 0 || listHas(args, flag)) {
					return c + ".extraArgs " + flag
				}
			}
		}
	}
}

// listHas says whether a kubeadm v1beta4 list of {name, value} names flag.
func listHas(args *yaml.Node, flag string) bool {
	if args.Kind != yaml.SequenceNode {
		return false
	}
	for _, item := range args.Content {
		if scalar(lookup(item, "name")) == flag {
			return true
		}
	}
	return false
}
