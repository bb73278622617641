package files

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// kindSubnets are kind's defaults for the subnets a Cluster leaves unset,
// by networking.ipFamily: sigs.k8s.io/kind
// pkg/apis/config/v1alpha4/default.go SetDefaultsCluster (the dual-stack
// lists are the IPv4 and IPv6 defaults joined); the user guide,
// site/content/docs/user/configuration.md ("Pod Subnet", "Service
// Subnet"), states the IPv4 and IPv6 ones.
var kindSubnets = map[string]struct{ pods, services string }{
	"ipv4": {"10.244.0.0/16", "10.96.0.0/16"},
	"ipv6": {"fd00:10:244::/56", "fd00:10:96::/112"},
	"dual": {"10.244.0.0/16,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112"},
}

// kindCluster reads a kind Cluster: kind turns its networking into a
// kubeadm ClusterConfiguration and applies its kubeadmConfigPatches on
// top (cluster-wide first, then each node's).
func (d *doc) kindCluster() {
	k := d.kubeadmFor(true)
	d.r.kubeadm = true
	family := "ipv4"
	anchor := d.root // where kind's defaults are said to come from
	if n := d.get("networking"); n != nil {
		anchor = n
	}
	if n := d.get("networking.ipFamily"); n != nil {
		anchor = n
		if v, ok := d.str(n, "networking.ipFamily"); ok && v != "" {
			family = v
		}
	}
	defaults, known := kindSubnets[family]
	if !known {
		d.note(anchor, check.Error, "networking.ipFamily %q is not one kind accepts (ipv4, ipv6 or dual)", family)
	}
	for _, sub := range []struct {
		field, def string
		dst        **check.Setting
	}{
		{"networking.podSubnet", defaults.pods, &k.PodSubnet},
		{"networking.serviceSubnet", defaults.services, &k.ServiceSubnet},
	} {
		if s, ok := d.field(sub.field); ok && s.Value != "" {
			*sub.dst = &s
		} else if known {
			s := d.setting(anchor, sub.def, fmt.Sprintf("%s (unset: kind's default for ipFamily %s)", sub.field, family))
			*sub.dst = &s
		}
	}
	d.patches(d.get("kubeadmConfigPatches"), "kubeadmConfigPatches")
	for i, node := range d.list(d.get("nodes"), "nodes") {
		field := fmt.Sprintf("nodes[%d]", i)
		if node.Kind != yaml.MappingNode {
			d.wrongType(node, field, "a mapping")
			continue
		}
		if image, ok := d.str(lookup(node, "image"), field+".image"); ok {
			d.r.g.version(rankKindImage, check.ImageTag(image), fmt.Sprintf("node image %s (%s %s)", image, d.where, field))
		}
		d.patches(lookup(node, "kubeadmConfigPatches"), field+".kubeadmConfigPatches")
	}
}

// patches reads kubeadmConfigPatches: strings holding kubeadm, kube-proxy
// or kubelet configuration documents (often without apiVersion), whose
// positions are mapped into the file.
func (d *doc) patches(n *yaml.Node, field string) {
	for i, p := range d.list(n, field) {
		pf := fmt.Sprintf("%s[%d]", field, i)
		text, ok := d.str(p, pf)
		if !ok {
			continue
		}
		d.r.documents([]byte(text), d.r.embedded(d.o, p), d.where+" "+pf+" ", true)
	}
}

// embedded is the origin of a document written in string node p.
func (r *fileReader) embedded(outer origin, p *yaml.Node) origin {
	line, col := outer.pos(p.Line, p.Column)
	if p.Style&yaml.LiteralStyle == 0 || outer.fixed {
		return origin{line: line, col: col, fixed: true}
	}
	// A literal block's content starts on the line after its "|", its
	// indentation stripped.
	return origin{line: line, col: r.indentAfter(line)}
}

// indentAfter is the indentation of the first non-blank line after line
// (1-based).
func (r *fileReader) indentAfter(line int) int {
	if r.lines == nil {
		r.lines = strings.Split(string(r.data), "\n")
	}
	for i := line; i < len(r.lines); i++ {
		if t := strings.TrimLeft(r.lines[i], " "); strings.TrimSpace(t) != "" {
			return len(r.lines[i]) - len(t)
		}
	}
	return 0
}
