package files

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// doc is one YAML document of a file, read by its format's reader.
type doc struct {
	*source.Document
	r     *fileReader
	kind  string
	patch bool // in a kind kubeadmConfigPatches entry
}

// object reads one document by the format of its kind and apiVersion;
// prefix starts its provenance ("file kind.yaml, "), index counts the
// file's documents.
func (r *fileReader) object(root *yaml.Node, o source.Origin, prefix string, patch bool, index int) {
	d := &doc{r: r, patch: patch, Document: &source.Document{
		Root: source.Resolve(root), Where: strings.TrimRight(prefix, ", "), File: r.name, Origin: o, OnNote: r.g.addNote,
	}}
	if d.Root == nil || d.Root.Kind != yaml.MappingNode {
		d.Note(root, check.Warning, "document %d is not a mapping: not a configuration check reads", index)
		return
	}
	d.kind, _ = source.Scalar(source.Lookup(d.Root, "kind"))
	d.APIVersion, _ = source.Scalar(source.Lookup(d.Root, "apiVersion"))
	name, _ := source.Scalar(lookup(d.Root, "metadata", "name"))
	formats := ofKind(r.g.formats, d.kind, name, patch)
	reader := readerOf(formats, d.APIVersion, patch)
	if len(formats) == 0 && !patch {
		reader = ofShape(r.g.formats, r.name, d.Root)
	}
	d.Where = prefix + label(r.g.formats, reader, d.kind, name)
	switch {
	case reader != nil:
		if !patch {
			r.readAs(reader.Name)
		}
		reader.readDocument(d)
	case d.kind == "":
		d.unknown(fmt.Sprintf("document %d has no kind: not a configuration check reads", index))
	case len(formats) == 0:
		d.unknown(d.kindName() + " is not a configuration check reads")
	default:
		var versions []string
		for _, f := range formats {
			versions = append(versions, f.APIVersions...)
		}
		d.unknown(fmt.Sprintf("%s is not a configuration check reads (it reads %s)", d.kindName(), strings.Join(versions, ", ")))
	}
}

// kindName names the document's type in notes.
func (d *doc) kindName() string {
	if d.APIVersion == "" {
		return "kind " + d.kind + " without apiVersion"
	}
	return "kind " + d.kind + " apiVersion " + d.APIVersion
}
