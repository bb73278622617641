package source

import "go.yaml.in/yaml/v3"

// Resolve follows aliases (*name) to the node they name; nil for a cycle.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// IsNull says whether n is YAML's null (~, null, or nothing).
func IsNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// Lookup is the value of key in mapping n, nil when absent (the last one
// when a key is repeated, as the Kubernetes decoders keep it).
func Lookup(n *yaml.Node, key string) *yaml.Node {
	var out *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			out = n.Content[i+1]
		}
	}
	return Resolve(out)
}

// Scalar is a string scalar's value; false for anything else.
func Scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return "", false
	}
	return n.Value, true
}
