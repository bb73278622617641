package files

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// flannelConfig reads flannel's ConfigMap kube-flannel-cfg (or Canal's
// canal-config): its net-conf.json, a JSON document in a string, at its
// positions in the file when written as a literal block (|), as
// kube-flannel.yml does.
func (d *doc) flannelConfig() {
	n := lookup(d.Root, "data", "net-conf.json")
	text, ok := d.Str(n, "data.net-conf.json")
	if !ok {
		d.Note(d.Root, check.Error, "no data.net-conf.json: flannel reads its network from it and does not start without it (\"failed to read net conf\")")
		return
	}
	origin := d.r.embedded(d.Origin, n)
	var netConf yaml.Node
	if err := yaml.Unmarshal([]byte(text), &netConf); err != nil {
		d.r.g.invalidYAML(check.Setting{File: d.File, Source: d.Where + " net-conf.json"}, origin, err)
		return
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	if len(netConf.Content) > 0 {
		root = source.Resolve(netConf.Content[0])
	}
	if root == nil || root.Kind != yaml.MappingNode {
		d.WrongType(n, "data.net-conf.json", "a JSON object")
		return
	}
	name, _ := source.Scalar(lookup(d.Root, "metadata", "name"))
	conf := &source.Document{Root: root, Where: d.Where + " " + name + " net-conf.json", File: d.File, Origin: origin, OnNote: d.OnNote}
	c := source.FlannelNetConf(conf)
	c.Canal = strings.Contains(name, "canal")
	d.r.g.cni.flannel = c
}
