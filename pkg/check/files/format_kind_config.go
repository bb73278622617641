package files

import (
	"cmp"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// kindSubnets are kind's defaults for the subnets a Cluster leaves unset,
// by networking.ipFamily: sigs.k8s.io/kind
// pkg/apis/config/v1alpha4/default.go SetDefaultsCluster (the dual-stack
// lists are the IPv4 and IPv6 defaults joined); the user guide,
// site/content/docs/user/configuration.md ("Pod Subnet", "Service
// Subnet"), states the IPv4 and IPv6 ones.
func kindSubnets(family string) (pods, services string, known bool) {
	switch family {
	case "ipv4":
		return "10.244.0.0/16", "10.96.0.0/16", true
	case "ipv6":
		return "fd00:10:244::/56", "fd00:10:96::/112", true
	case "dual":
		return "10.244.0.0/16,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112", true
	}
	return "", "", false
}

// kindCluster reads a kind Cluster: kind turns its networking into a
// kubeadm ClusterConfiguration and applies its kubeadmConfigPatches on
// top (cluster-wide first, then each node's).
func (d *doc) kindCluster() {
	k := d.kubeadmFor(true)
	d.r.kubeadm = true
	family := "ipv4"
	anchor := cmp.Or(d.Get("networking"), d.Root) // where kind's defaults are said to come from
	if n := d.Get("networking.ipFamily"); n != nil {
		anchor = n
		if v, ok := d.Str(n, "networking.ipFamily"); ok && v != "" {
			family = v
		}
	}
	pods, services, known := kindSubnets(family)
	if !known {
		d.Note(anchor, check.Error, "networking.ipFamily %q is not one kind accepts (ipv4, ipv6 or dual)", family)
	}
	for _, sub := range []struct {
		field, def string
		dst        **check.Setting
	}{
		{"networking.podSubnet", pods, &k.PodSubnet},
		{"networking.serviceSubnet", services, &k.ServiceSubnet},
	} {
		if s, ok := d.Field(sub.field); ok && s.Value != "" {
			*sub.dst = &s
		} else if known {
			s := d.Setting(anchor, sub.def, fmt.Sprintf("%s (unset: kind's default for ipFamily %s)", sub.field, family))
			*sub.dst = &s
		}
	}
	d.patches(d.Get("kubeadmConfigPatches"), "kubeadmConfigPatches")
	for i, node := range d.List(d.Get("nodes"), "nodes") {
		field := fmt.Sprintf("nodes[%d]", i)
		if node.Kind != yaml.MappingNode {
			d.WrongType(node, field, "a mapping")
			continue
		}
		if image, ok := d.Str(source.Lookup(node, "image"), field+".image"); ok {
			d.r.g.version(rankKindImage, source.ImageTag(image), fmt.Sprintf("node image %s (%s %s)", image, d.Where, field))
		}
		d.patches(source.Lookup(node, "kubeadmConfigPatches"), field+".kubeadmConfigPatches")
	}
}

// patches reads kubeadmConfigPatches: strings holding kubeadm, kube-proxy
// or kubelet configuration documents (often without apiVersion), whose
// positions are mapped into the file.
func (d *doc) patches(n *yaml.Node, field string) {
	for i, p := range d.List(n, field) {
		pf := fmt.Sprintf("%s[%d]", field, i)
		text, ok := d.Str(p, pf)
		if !ok {
			continue
		}
		d.r.documents([]byte(text), d.r.embedded(d.Origin, p), d.Where+" "+pf+" ", true)
	}
}

// embedded is the origin of a document written in string node p.
func (r *fileReader) embedded(outer source.Origin, p *yaml.Node) source.Origin {
	line, col := outer.Pos(p.Line, p.Column)
	if p.Style&yaml.LiteralStyle == 0 || outer.Fixed {
		return source.Origin{Line: line, Col: col, Fixed: true}
	}
	// A literal block's content starts on the line after its "|", its
	// indentation stripped.
	return source.Origin{Line: line, Col: r.indentAfter(line)}
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
