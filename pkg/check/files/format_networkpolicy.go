package files

import (
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// networkPolicy reads a NetworkPolicy manifest, as kubectl apply would
// send it, with the position of each of its spec's fields. One that does
// not decode (a cidr that is a number, say) is an error: kubectl refuses
// it too.
func (d *doc) networkPolicy() {
	var np networkingv1.NetworkPolicy
	if err := decodeObject(d.Root, &np); err != nil {
		d.Note(d.Root, check.Error, "cannot read the NetworkPolicy: %v", err)
		return
	}
	p := check.NetworkPolicy{Policy: np, At: d.At(d.Root), Fields: map[string]check.Setting{}}
	p.At.Source = d.Where
	if spec := source.Lookup(d.Root, "spec"); spec != nil {
		d.fieldPositions(spec, "spec", p.Fields)
	}
	g := d.r.g
	g.f.NetworkPolicies = append(g.f.NetworkPolicies, p)
	g.found[check.SourcePolicies] = true
}

// decodeObject decodes a YAML document into an API type, through JSON as
// kubectl does.
func decodeObject(root *yaml.Node, into any) error {
	var v any
	if err := root.Decode(&v); err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}

// fieldPositions records where each field below n (at path) is: a
// scalar's value, a mapping's or list's key, a list item.
func (d *doc) fieldPositions(n *yaml.Node, path string, into map[string]check.Setting) {
	n = source.Resolve(n)
	if n == nil {
		return
	}
	at := func(node *yaml.Node, path string) check.Setting {
		s := d.At(node)
		s.Source = d.Where + " " + path
		return s
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], source.Resolve(n.Content[i+1])
			p := path + "." + key.Value
			if v, ok := source.Scalar(value); ok {
				into[p] = d.Setting(value, v, p)
			} else {
				into[p] = at(key, p)
			}
			d.fieldPositions(value, p, into)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if v, ok := source.Scalar(source.Resolve(item)); ok {
				into[p] = d.Setting(item, v, p)
			} else {
				into[p] = at(item, p)
			}
			d.fieldPositions(item, p, into)
		}
	}
}
