package source

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// FeatureGates reads a map of feature gates at a top-level field
// (kubeadm's and the component configurations' featureGates): each gate's
// value as written, at its name; nil when absent or not a mapping
// (noted).
func (d *Document) FeatureGates(field string) map[string]check.Setting {
	n := d.Get(field)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.WrongType(n, field, "a mapping")
		return nil
	}
	out := map[string]check.Setting{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, value := n.Content[i], Resolve(n.Content[i+1])
		if value == nil || value.Kind != yaml.ScalarNode {
			d.WrongType(n.Content[i+1], field+"."+name.Value, "true or false")
			continue
		}
		out[name.Value] = d.Setting(name, value.Value, field+" "+name.Value)
	}
	return out
}

// featureGatesFlag is a featureGates map as --feature-gates takes it
// (Name=value,...), at the field's key.
func (d *Document) featureGatesFlag(field string) (check.Setting, bool) {
	gates := d.FeatureGates(field)
	if len(gates) == 0 {
		return check.Setting{}, false
	}
	var pairs []string
	for name, s := range gates {
		pairs = append(pairs, name+"="+s.Value)
	}
	slices.Sort(pairs)
	return d.Setting(keyOf(d.Root, field), strings.Join(pairs, ","), field), true
}

// keyOf is the key node of a top-level field (the root itself when
// absent).
func keyOf(root *yaml.Node, field string) *yaml.Node {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == field {
			return root.Content[i]
		}
	}
	return root
}
