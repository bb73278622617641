package source

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// Document is one YAML document being read. Its values become settings
// that say where they were read and, when File is set, where in it.
type Document struct {
	// Root is the document's top-level mapping.
	Root *yaml.Node
	// APIVersion is as written ("" when left out, as a kind patch may).
	APIVersion string
	// Where names the document for provenance ("file kubeadm.yaml,
	// ClusterConfiguration", "ConfigMap kube-system/kube-proxy
	// config.conf"); a setting adds its field.
	Where string
	// File and Origin locate the document. File is "" for a document not
	// read from a file (a ConfigMap's): its settings have no position.
	File   string
	Origin Origin
	// OnNote receives each problem found while reading: a value of the
	// wrong type, say. The value is then left out.
	OnNote func(check.FileNote)
}

// Origin maps positions in a document to positions in its file. A file's
// own documents are at the zero Origin. A document written in a string (a
// kind patch) is shifted by where the string starts when it is a literal
// block (|), whose lines are the file's; any other style folds or escapes
// lines, so every position is the string's (Fixed).
type Origin struct {
	Line, Col int
	Fixed     bool
}

// Pos is the position in the file of a position in the document.
func (o Origin) Pos(line, col int) (int, int) {
	if o.Fixed {
		return o.Line, o.Col
	}
	return o.Line + line, o.Col + col
}

// At locates node n in the file.
func (d *Document) At(n *yaml.Node) check.Setting {
	if d.File == "" {
		return check.Setting{}
	}
	line, col := d.Origin.Pos(n.Line, n.Column)
	return check.Setting{File: d.File, Line: line, Column: col}
}

// Setting is a value read at node n, from field.
func (d *Document) Setting(n *yaml.Node, value, field string) check.Setting {
	s := d.At(n)
	s.Value, s.Source = value, d.Where+" "+field
	return s
}

// Note records a problem about node n of the document.
func (d *Document) Note(n *yaml.Node, sev check.Severity, format string, args ...any) {
	at := d.At(n)
	at.Source = d.Where
	d.OnNote(check.FileNote{At: at, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// Get is the node at a dotted path from the document's root, nil when
// absent or null.
func (d *Document) Get(path string) *yaml.Node { return d.Under(d.Root, "", path) }

// Under is the node at a dotted path below n (whose own path is base),
// nil when absent or null; a non-mapping on the way is a wrong type.
func (d *Document) Under(n *yaml.Node, base, path string) *yaml.Node {
	for _, key := range strings.Split(path, ".") {
		n = Resolve(n)
		if n == nil || IsNull(n) {
			return nil
		}
		if n.Kind != yaml.MappingNode {
			d.WrongType(n, base, "a mapping")
			return nil
		}
		n = Lookup(n, key)
		base = joinPath(base, key)
	}
	if n != nil && IsNull(n) {
		return nil
	}
	return n
}

func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

// Str is the string at node n (field names it), false when absent, null
// or of another type (noted).
func (d *Document) Str(n *yaml.Node, field string) (string, bool) {
	n = Resolve(n)
	if n == nil || IsNull(n) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.WrongType(n, field, "a string")
		return "", false
	}
	return n.Value, true
}

// List is the items of the list at node n, nil when absent, null or of
// another type (noted).
func (d *Document) List(n *yaml.Node, field string) []*yaml.Node {
	n = Resolve(n)
	if n == nil || IsNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.WrongType(n, field, "a list")
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, item := range n.Content {
		if item = Resolve(item); item != nil {
			out = append(out, item)
		}
	}
	return out
}

// StrList is a list of strings joined with commas, as a flag holds it;
// items of another type are noted and left out.
func (d *Document) StrList(n *yaml.Node, field string) (string, bool) {
	items := d.List(n, field)
	if items == nil {
		return "", false
	}
	var out []string
	for i, item := range items {
		if s, ok := d.Str(item, fmt.Sprintf("%s[%d]", field, i)); ok {
			out = append(out, s)
		}
	}
	return strings.Join(out, ","), true
}

// Field is the string at a dotted path from the root, as a setting.
func (d *Document) Field(path string) (check.Setting, bool) { return d.FieldUnder(d.Root, "", path) }

// FieldUnder is the string at a dotted path below n (whose own path is
// base, as Under takes it), as a setting of the field base.path.
func (d *Document) FieldUnder(n *yaml.Node, base, path string) (check.Setting, bool) {
	field := joinPath(base, path)
	n = d.Under(n, base, path)
	v, ok := d.Str(n, field)
	if !ok {
		return check.Setting{}, false
	}
	return d.Setting(n, v, field), true
}

// Optional is a setting read (Field, say) as a pointer, nil when not ok:
// how facts hold a field that may be left out.
func Optional(s check.Setting, ok bool) *check.Setting {
	if !ok {
		return nil
	}
	return &s
}

// WrongType notes a value of the wrong type: the program that reads the
// document refuses it. The note quotes the start of a scalar, except in a
// command line or extra arguments, where it may be a flag's secret value
// (the note's line and column point at it).
func (d *Document) WrongType(n *yaml.Node, field, want string) {
	got := describe(n)
	if n.Kind == yaml.ScalarNode && !flagValue(field) {
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		got += fmt.Sprintf(" (%s)", v)
	}
	d.Note(n, check.Error, "wrong type: %s must be %s, not %s", field, want, got)
}

// flagValue says whether field is in a command line (a container's
// command or args) or in kubeadm's extraArgs or kubeletExtraArgs.
func flagValue(field string) bool {
	return strings.Contains(field, ".command[") || strings.Contains(field, ".args[") || strings.Contains(strings.ToLower(field), "extraargs")
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!timestamp":
		return "a timestamp"
	case "!!str":
		return "a string"
	}
	return "a value tagged " + n.ShortTag()
}
