package edit

import (
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
)

// k3sDocs configure dual-stack, and say that it "must be configured when
// the cluster is first created".
const k3sDocs = "https://docs.k3s.io/networking/basic-network-options#dual-stack-ipv4--ipv6-networking, https://docs.rke2.io/networking/basic_network_options#dual-stack-configuration"

// k3sNode is one node's k3s or RKE2 configuration: its config.yaml and
// the config.yaml.d drop-ins, in the order k3s merges them (k3s
// pkg/configfilearg): a later file's key replaces an earlier one's
// values, a key ending in "+" appends to them.
type k3sNode struct {
	docs []*doc
}

// editK3s edits each node's configuration files together.
func editK3s(edits []*fileEdit) {
	byName := map[string]*k3sNode{}
	var nodes []*k3sNode
	var names []string
	for _, e := range edits {
		if len(e.docs) != 1 || e.docs[0].format != "k3s-config" {
			continue
		}
		name := e.name
		if dir := filepath.Dir(name); strings.HasSuffix(dir, ".d") {
			name = strings.TrimSuffix(dir, ".d")
		}
		n := byName[name]
		if n == nil {
			n = &k3sNode{}
			byName[name] = n
			nodes, names = append(nodes, n), append(names, name)
		}
		n.docs = append(n.docs, e.docs[0])
	}
	for i, n := range nodes {
		slices.SortStableFunc(n.docs, func(a, b *doc) int {
			return strings.Compare(k3sOrder(names[i], a.name), k3sOrder(names[i], b.name))
		})
		n.edit()
	}
}

// k3sOrder sorts config.yaml before its drop-ins, those by name.
func k3sOrder(node, name string) string {
	if name == node {
		return ""
	}
	return "/" + filepath.Base(name)
}

// k3sKey is one file's key for a flag.
type k3sKey struct {
	d        *doc
	key, val *yaml.Node
	appends  bool
}

// keys are the keys that set flag, in merge order.
func (n *k3sNode) keys(flag string) []k3sKey {
	var out []k3sKey
	for _, d := range n.docs {
		for i := 0; i+1 < len(d.root.Content); i += 2 {
			k := d.root.Content[i]
			if name, appends := strings.CutSuffix(k.Value, "+"); name == flag {
				out = append(out, k3sKey{d, k, d.root.Content[i+1], appends})
			}
		}
	}
	return out
}

// server says whether the node is a server: it sets a flag only servers
// take, or no server to join (the reader's k3sMerged.role).
func (n *k3sNode) server() bool {
	joins := false
	for _, d := range n.docs {
		for i := 0; i+1 < len(d.root.Content); i += 2 {
			key := strings.TrimSuffix(d.root.Content[i].Value, "+")
			if files.K3sServerFlag(key) {
				return true
			}
			joins = joins || key == "server"
		}
	}
	return !joins
}

func (n *k3sNode) splices() int {
	total := 0
	for _, d := range n.docs {
		total += len(d.t.splices)
	}
	return total
}

// edit gives a server both families' cluster-cidr and service-cidr
// (k3sDocs), and the flags its components' extra arguments set; and
// notes a node-ip without an address of each family.
func (n *k3sNode) edit() {
	main := n.docs[0]
	t := main.target
	if n.server() {
		before := n.splices()
		n.setList("cluster-cidr", t.PodCIDRs)
		n.setList("service-cidr", t.ServiceCIDRs)
		api := n.args("kube-apiserver-arg")
		api.set("service-cluster-ip-range", t.services(), false)
		kcm := n.args("kube-controller-manager-arg", "kube-controller-arg")
		kcm.set("cluster-cidr", t.pods(), false)
		kcm.set("service-cluster-ip-range", t.services(), false)
		editMasks(kcm, t, kcmMasks)
		kcm.done()
		if n.splices() > before {
			main.note(main.root, "k3s and RKE2 take dual-stack only on a cluster's first start, \"it cannot be enabled on an existing cluster once it has been started as IPv4-only\" (%s): start a new cluster with these files", k3sDocs)
		}
	}
	n.args("kube-proxy-arg").set("cluster-cidr", t.pods(), false)
	n.nodeIP()
}

// setList gives flag the values want, in the file whose key k3s keeps.
func (n *k3sNode) setList(flag string, want []string) {
	keys := n.keys(flag)
	last := -1
	for i, k := range keys {
		if !k.appends {
			last = i
		}
	}
	if last+1 < len(keys) {
		k := keys[last+1]
		k.d.note(k.key, "%s appends to the %s before it: give the node %s by hand", k.key.Value, flag, strings.Join(want, ","))
		return
	}
	if last < 0 {
		main := n.docs[0]
		main.set(main.root, flag, str(strings.Join(want, ",")), "cluster-cidr", "service-cidr")
		return
	}
	k := keys[last]
	if k.val.Kind == yaml.SequenceNode {
		k.d.setList(k.val, strs(want))
		return
	}
	k.d.setScalar(k.val, str(strings.Join(want, ",")))
}

// nodeIP notes a node-ip without an address of each family, or none:
// k3s then takes the host's default-route IPv4 address, and an IPv6 one
// only when the host has an IPv6 default route, and refuses to start
// without one (k3s pkg/util/net.go GetHostnameAndIPs).
func (n *k3sNode) nodeIP() {
	keys := n.keys("node-ip")
	start := 0
	for i, k := range keys {
		if !k.appends {
			start = i
		}
	}
	var ips []string
	for _, k := range keys[start:] {
		if k.val.Kind == yaml.SequenceNode {
			for _, item := range k.val.Content {
				ips = append(ips, scalar(item))
			}
		} else {
			ips = append(ips, scalar(k.val))
		}
	}
	if len(ips) == 0 {
		main := n.docs[0]
		main.note(main.root, "node-ip is unset: k3s and RKE2 then take the host's default-route IPv4 address, and an IPv6 one only when the host has an IPv6 default route, else refuse to start; set node-ip to the node's own IPv4 and IPv6 addresses (%s)", k3sDocs)
		return
	}
	keys[start].d.nodeIPNote(keys[start].val, "node-ip", strings.Join(ips, ","))
}
