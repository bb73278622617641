package files

import (
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// FileFormat names the format that reads the whole file name of content
// data (a k3s configuration, a kubelet flags file), as Gather tries first;
// "" when the file is read as YAML documents.
func FileFormat(name string, data []byte) string {
	for _, f := range Formats() {
		if f.matchFile != nil && f.matchFile(name, data) {
			return f.Name
		}
	}
	return ""
}

// DocumentFormat names the format that reads a YAML document of the file
// name, root being its top-level node, as Gather recognises it: by kind
// and apiVersion, else (no format reads its kind) by its shape; "" when
// no format reads it.
func DocumentFormat(name string, root *yaml.Node) string {
	root = source.Resolve(root)
	if root == nil || root.Kind != yaml.MappingNode {
		return ""
	}
	formats := Formats()
	kind, _ := source.Scalar(source.Lookup(root, "kind"))
	apiVersion, _ := source.Scalar(source.Lookup(root, "apiVersion"))
	objectName, _ := source.Scalar(lookup(root, "metadata", "name"))
	of := ofKind(formats, kind, objectName, false)
	f := readerOf(of, apiVersion, false)
	if len(of) == 0 {
		f = ofShape(formats, name, root)
	}
	if f == nil {
		return ""
	}
	return f.Name
}

// K3sServerFlag says whether only `k3s server` (and `rke2 server`) takes
// flag: a node whose configuration sets one is a server.
func K3sServerFlag(flag string) bool {
	return slices.Contains(k3sServerFlags, flag)
}
