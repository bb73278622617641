package edit

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
)

// bom is a UTF-8 byte order mark, which the files gatherer skips and the
// edit keeps.
const bom = "\xef\xbb\xbf"

// fileEdit is one file being edited.
type fileEdit struct {
	name   string
	bom    bool
	t      *text
	target Target
	style  style
	// format is the format that reads the whole file ("" for YAML
	// documents); docs are the file's documents otherwise.
	format string
	docs   []*doc
	// parent is each node's collection, for inFlow.
	parent map[*yaml.Node]*yaml.Node
}

// parse reads a file as the gatherer recognises it.
func parse(name string, data []byte, t Target) *fileEdit {
	e := &fileEdit{name: name, target: t, style: style{step: 2, seq: 2}, parent: map[*yaml.Node]*yaml.Node{}}
	if bytes.HasPrefix(data, []byte(bom)) {
		e.bom, data = true, data[len(bom):]
	}
	e.t = newText(data)
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return e
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		e.t.note(-1, "a binary file: not edited")
		return e
	}
	if e.format = files.FileFormat(name, data); e.format == "k3s-config" {
		e.format = "" // a YAML mapping, edited node by node
		e.decode(data, 1, func(*yaml.Node) string { return "k3s-config" })
		return e
	} else if e.format != "" {
		return e
	}
	e.decode(data, -1, func(root *yaml.Node) string { return files.DocumentFormat(name, root) })
	return e
}

// decode reads up to max YAML documents (-1: all), each of the format
// formatOf names; invalid YAML leaves the file unedited.
func (e *fileEdit) decode(data []byte, max int, formatOf func(*yaml.Node) string) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for max != 0 {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			e.docs = nil
			e.t.note(-1, "invalid YAML (%v): not edited", err)
			return
		}
		max--
		if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			continue
		}
		root := n.Content[0]
		e.index(root)
		d := &doc{fileEdit: e, root: root}
		d.kind, d.apiVersion = scalar(lookup(root, "kind")), scalar(lookup(root, "apiVersion"))
		d.format = formatOf(root)
		e.docs = append(e.docs, d)
	}
	e.style = detectStyle(e.docs)
}

// lookup is the value of key in mapping m, nil when absent.
func lookup(m *yaml.Node, key string) *yaml.Node {
	_, v := pairOf(m, key)
	return v
}

// index records the parent of every node below n.
func (e *fileEdit) index(n *yaml.Node) {
	for _, c := range n.Content {
		e.parent[c] = n
		e.index(c)
	}
}

// inFlow says whether n is inside a flow collection.
func (e *fileEdit) inFlow(n *yaml.Node) bool {
	for p := e.parent[n]; p != nil; p = e.parent[p] {
		if flow(p) {
			return true
		}
	}
	return false
}

// detectStyle is the indentation the file's own nested mappings and
// sequences use, 2 and 2 when it has none.
func detectStyle(docs []*doc) style {
	st, stepSeen, seqSeen := style{step: 2, seq: 2}, false, false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode && !flow(n) {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if flow(v) || len(v.Content) == 0 || v.Line == k.Line {
					continue
				}
				switch {
				case v.Kind == yaml.MappingNode && !stepSeen && v.Column > k.Column:
					st.step, stepSeen = v.Column-k.Column, true
				case v.Kind == yaml.SequenceNode && !seqSeen && v.Column >= k.Column:
					st.seq, seqSeen = v.Column-k.Column, true
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, d := range docs {
		walk(d.root)
	}
	if !seqSeen {
		st.seq = st.step
	}
	return st
}

// edit runs the editor of each document's format (k3s's and kubespray's
// files are edited together, later).
func (e *fileEdit) edit() {
	if e.format != "" {
		if fn, ok := fileEditors[e.format]; ok && fn != nil {
			fn(e)
		} else if !ok {
			e.t.note(-1, "read as %s, which the edit does not know: not edited", e.format)
		}
		return
	}
	for _, d := range e.docs {
		fn, ok := editors[d.format]
		switch {
		case d.format == "":
		case !ok:
			d.note(d.root, "read as %s, which the edit does not know: not edited", d.format)
		case fn != nil:
			fn(d)
		}
	}
}

// finish applies the edits.
func (e *fileEdit) finish() (File, error) {
	edited, notes, err := e.t.apply()
	if err != nil {
		return File{}, err
	}
	f := File{Path: e.name, Original: e.t.src, Edited: edited, Notes: notes}
	if e.bom {
		f.Original = append([]byte(bom), f.Original...)
		f.Edited = append([]byte(bom), f.Edited...)
	}
	if !bytes.Equal(f.Original, f.Edited) {
		f.Diff = unifiedDiff(e.name, f.Original, f.Edited)
	}
	return f, nil
}
