package edit

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// doc is one YAML document of a file being edited: its nodes, with the
// positions the parser gave, locate the text to change.
type doc struct {
	*fileEdit
	root       *yaml.Node // the document's top-level mapping
	apiVersion string
	kind       string
	format     string // the format that reads it ("" none)
}

// at is the offset of node n in the original.
func (d *doc) at(n *yaml.Node) int { return d.t.offset(n.Line, n.Column) }

// note says why something at node n (nil: the file) was not edited.
func (d *doc) note(n *yaml.Node, format string, args ...any) {
	at := -1
	if n != nil {
		at = d.at(n)
	}
	d.t.note(at, format, args...)
}

// pairOf is the key and value nodes of key in mapping m (the last, when
// repeated: the Kubernetes decoders keep it), nil when absent.
func pairOf(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			k, v = m.Content[i], m.Content[i+1]
		}
	}
	return k, v
}

// get is the node at a dotted path of mappings below m, nil when absent.
func get(m *yaml.Node, path string) *yaml.Node {
	for _, key := range strings.Split(path, ".") {
		_, m = pairOf(m, key)
		if m == nil {
			return nil
		}
	}
	return m
}

// scalar is the value of a string scalar node, "" for anything else.
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return ""
	}
	return n.Value
}

// isNull says whether n is absent or YAML's null.
func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// flow says whether n is written in flow style ({...}, [...]).
func flow(n *yaml.Node) bool { return n.Style&yaml.FlowStyle != 0 }

// empty says whether n is an empty collection or null: a value to fill.
func empty(n *yaml.Node) bool {
	return isNull(n) || (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) == 0
}

// maxLine is the last line a node or its descendants start on.
func maxLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		if l := maxLine(c); l > last {
			last = l
		}
	}
	return last
}

// indentOf is the number of spaces that start s.
func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// blank says whether a line holds nothing but a comment, if anything.
func blank(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.HasPrefix(s, "#")
}

// endLine is the last line of block collection n: after its last node,
// the lines indented deeper than its keys or dashes (a block scalar's,
// a flow value's), and, for a mapping, the dashes of a sequence written at
// its keys' indentation. Comments and blank lines after it are not its.
func (d *doc) endLine(n *yaml.Node) int {
	if flow(n) {
		_, end, ok := d.flowSpan(n)
		if !ok {
			return maxLine(n)
		}
		return strings.Count(string(d.t.src[:end]), "\n") + 1
	}
	col := n.Column - 1
	end := maxLine(n)
	for l := end + 1; l <= d.t.lines(); l++ {
		s := d.t.line(l)
		t := strings.TrimSpace(s)
		switch {
		case blank(s):
			continue
		case t == "---" || strings.HasPrefix(s, "--- ") || strings.HasPrefix(s, "..."):
			return end
		case indentOf(s) > col, indentOf(s) == col && n.Kind == yaml.MappingNode && (t == "-" || strings.HasPrefix(t, "- ")):
			end = l
			continue
		}
		return end
	}
	return end
}

// pairEnd is the last line of the i-th key's pair of block mapping m: up
// to the next key, less the blank and comment lines before it.
func (d *doc) pairEnd(m *yaml.Node, i int) int {
	if i+2 >= len(m.Content) {
		return d.endLine(m)
	}
	end := m.Content[i+2].Line - 1
	for end > m.Content[i].Line && blank(d.t.line(end)) {
		end--
	}
	return end
}

// itemEnd is the last line of the i-th item of block sequence s.
func (d *doc) itemEnd(s *yaml.Node, i int) int {
	if i+1 >= len(s.Content) {
		return d.endLine(s)
	}
	end := s.Content[i+1].Line - 1
	for end > s.Content[i].Line && blank(d.t.line(end)) {
		end--
	}
	return end
}

// flowSpan is the byte range of a flow collection, brackets included.
func (d *doc) flowSpan(n *yaml.Node) (int, int, bool) {
	src := d.t.src
	start := d.at(n)
	if start >= len(src) || src[start] != '[' && src[start] != '{' {
		return 0, 0, false
	}
	depth := 0
	for i := start; i < len(src); i++ {
		switch src[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return start, i + 1, true
			}
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(src) && (src[i] != '\'' || i+1 < len(src) && src[i+1] == '\''); i++ {
				if src[i] == '\'' {
					i++
				}
			}
		case '#':
			if i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
				for i < len(src) && src[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, 0, false
}

// scalarSpan is the byte range of scalar n as written, quotes included;
// false for what is not edited in place (a block scalar, an anchored or
// tagged one, one over several lines). An empty null is an empty range
// after its key's colon.
func (d *doc) scalarSpan(n *yaml.Node, inFlow bool) (int, int, bool) {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) != 0 {
		return 0, 0, false
	}
	src := d.t.src
	start := d.at(n)
	lineEnd := start
	for lineEnd < len(src) && src[lineEnd] != '\n' {
		lineEnd++
	}
	end := start
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for end = start + 1; end < lineEnd && src[end] != '"'; end++ {
			if src[end] == '\\' {
				end++
			}
		}
		end++
	case n.Style&yaml.SingleQuotedStyle != 0:
		for end = start + 1; end < lineEnd; end++ {
			if src[end] == '\'' {
				if end+1 < lineEnd && src[end+1] == '\'' {
					end++
					continue
				}
				break
			}
		}
		end++
	default:
		seg := string(src[start:lineEnd])
		// A plain scalar ends before a comment, and a key before its
		// colon.
		for _, stop := range []string{" #", ": ", ":\t"} {
			if i := strings.Index(seg, stop); i >= 0 {
				seg = seg[:i]
			}
		}
		seg = strings.TrimRight(seg, " \t\r")
		seg = strings.TrimSuffix(seg, ":")
		if inFlow {
			if i := strings.IndexAny(seg, ",]}"); i >= 0 {
				seg = seg[:i]
			}
		}
		end = start + len(strings.TrimRight(seg, " \t\r"))
	}
	if end > lineEnd || !readsAs(src[start:end], n) {
		return 0, 0, false
	}
	return start, end, true
}

// readsAs says whether text, parsed alone, is scalar n: the span found is
// the whole value and nothing more.
func readsAs(text []byte, n *yaml.Node) bool {
	var got yaml.Node
	if err := yaml.Unmarshal(text, &got); err != nil {
		return false
	}
	if len(got.Content) == 0 {
		return isNull(n) && len(strings.TrimSpace(string(text))) == 0
	}
	g := got.Content[0]
	return g.Kind == yaml.ScalarNode && g.Value == n.Value && g.ShortTag() == n.ShortTag()
}
