package files

import (
	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// ciliumConfig reads Cilium's ConfigMap cilium-config, whose data holds
// the agent's and the operator's options (Helm writes it).
func (d *doc) ciliumConfig() {
	data := d.Get("data")
	if data != nil && data.Kind != yaml.MappingNode {
		d.WrongType(data, "data", "a mapping")
		return
	}
	if data == nil {
		data = &yaml.Node{Kind: yaml.MappingNode, Line: d.Root.Line, Column: d.Root.Column}
	}
	options := *d.Document
	options.Root = data
	d.r.g.cni.cilium = source.CiliumConfig(&options)
}
