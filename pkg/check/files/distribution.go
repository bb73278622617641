package files

import (
	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// nested is the document written as the mapping n at field of d (a
// k0sctl Cluster's spec.k0s.config, a KubeadmControlPlane's
// clusterConfiguration): read like a document of its own, its positions
// are d's file's and its provenance names the field.
func (d *doc) nested(n *yaml.Node, field, kind string) *doc {
	sub := *d.Document
	sub.Root, sub.APIVersion, sub.Where = n, "", d.Where+" "+field
	return &doc{Document: &sub, r: d.r, kind: kind}
}

// mapping is the mapping at path, nil when absent or of another type
// (noted).
func (d *doc) mapping(path string) *yaml.Node {
	n := d.Get(path)
	if n != nil && n.Kind != yaml.MappingNode {
		d.WrongType(n, path, "a mapping")
		return nil
	}
	return n
}

// fieldOr is the string at path, or def, said to be the default and
// located at anchor, when the field is unset or empty.
func (d *doc) fieldOr(path, def, what string, anchor *yaml.Node) check.Setting {
	if s, ok := d.Field(path); ok && s.Value != "" {
		return s
	}
	return d.Setting(anchor, def, path+" (unset: "+what+"'s default)")
}

// derived is a flag value a distribution computes from settings: where
// the first was read, with a source saying what made it.
func derived(value string, from check.Setting, how string) check.Setting {
	s := from
	s.Value, s.Source = value, from.Source+" ("+how+")"
	return s
}

// runs is a component the distribution dist runs as the document d
// configures it, for the caller to give its flags.
func (d *doc) runs(kind, dist string) check.Component {
	at := d.At(d.Root)
	return check.Component{Kind: kind, Instance: d.r.name, Source: d.Where + " (the " + kind + " " + dist + " runs)", Settings: map[string]check.Setting{}, File: at.File, Line: at.Line}
}

// distribution records the Kubernetes distribution the files configure,
// when none is known yet.
func (g *gatherer) distribution(name, where string) {
	if g.f.Distribution == "" {
		g.f.Distribution, g.f.DistributionSource = name, where
	}
}
