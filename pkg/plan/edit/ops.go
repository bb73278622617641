package edit

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// The edits of a document: each changes the fewest characters it can,
// in place, and keeps comments, order and indentation; what it cannot
// change so is noted instead.

// set makes key of mapping m hold v: a scalar is replaced, a list set
// item by item, a mapping merged key by key; what is missing is inserted,
// after the first of the keys after that m holds, else at m's end.
func (d *doc) set(m *yaml.Node, key string, v value, after ...string) {
	k, cur := pairOf(m, key)
	switch {
	case k == nil:
		d.insert(m, key, v, after)
	case cur.Kind == yaml.AliasNode:
		d.note(cur, "%s is an alias (*%s): set it to %s where the anchor is", key, cur.Value, describe(v))
	case empty(cur) && !isScalar(v):
		d.fill(k, cur, v)
	default:
		switch v := v.(type) {
		case mapping:
			if cur.Kind != yaml.MappingNode {
				d.note(cur, "%s is not a mapping: not edited", key)
				return
			}
			for _, p := range v {
				d.set(cur, p.key, p.val)
			}
		case list:
			if cur.Kind != yaml.SequenceNode {
				d.note(cur, "%s is not a list: not edited", key)
				return
			}
			d.setList(cur, v)
		default:
			d.setScalar(cur, v)
		}
	}
}

// setPath is set at a dotted path below m: the missing mappings on the
// way are inserted with it (after applies to the last key, when its
// mapping exists).
func (d *doc) setPath(m *yaml.Node, path string, v value, after ...string) {
	keys := strings.Split(path, ".")
	for len(keys) > 1 {
		next := lookup(m, keys[0])
		if next == nil || next.Kind != yaml.MappingNode || empty(next) {
			break
		}
		m, keys = next, keys[1:]
	}
	for i := len(keys) - 1; i > 0; i-- {
		v = mapping{{keys[i], v}}
		after = nil
	}
	d.set(m, keys[0], v, after...)
}

// scalars says whether every item of l is a scalar.
func scalars(l list) bool {
	for _, item := range l {
		if !isScalar(item) {
			return false
		}
	}
	return true
}

func isScalar(v value) bool {
	switch v.(type) {
	case str, lit:
		return true
	}
	return false
}

// describe is v for a note.
func describe(v value) string {
	switch v := v.(type) {
	case str:
		return string(v)
	case lit:
		return string(v)
	case list:
		var items []string
		for _, item := range v {
			items = append(items, describe(item))
		}
		return "[" + strings.Join(items, ", ") + "]"
	case mapping:
		var pairs []string
		for _, p := range v {
			pairs = append(pairs, p.key+": "+describe(p.val))
		}
		return "{" + strings.Join(pairs, ", ") + "}"
	}
	return ""
}

// setScalar replaces scalar n with v, in n's quoting style, unless it
// already holds it.
func (d *doc) setScalar(n *yaml.Node, v value) {
	if n.Kind == yaml.ScalarNode {
		if s, ok := v.(str); ok && n.Value == string(s) && n.ShortTag() == "!!str" {
			return
		}
		if l, ok := v.(lit); ok && n.Value == string(l) {
			return
		}
	}
	if n.Kind != yaml.ScalarNode {
		d.note(n, "not a single value: set it to %s", describe(v))
		return
	}
	inFlow := d.inFlow(n)
	start, end, ok := d.scalarSpan(n, inFlow)
	if !ok {
		d.note(n, "written so that it is not edited in place (a block, anchored, tagged or multi-line value): set it to %s", describe(v))
		return
	}
	repl := scalarText(v, n.Style, inFlow)
	if start == end { // an empty null, right after its key's colon
		repl = " " + repl
	}
	d.t.replace(start, end, repl)
}

// insert adds key: v to block mapping m.
func (d *doc) insert(m *yaml.Node, key string, v value, after []string) {
	if m == nil {
		d.note(d.root, "nowhere to add %s: add %s: %s", key, key, describe(v))
		return
	}
	if m.Kind != yaml.MappingNode || len(m.Content) == 0 || flow(m) || d.inFlow(m) {
		d.note(m, "cannot insert %s here (not a block mapping): add %s: %s", key, key, describe(v))
		return
	}
	line := d.endLine(m)
	for _, a := range after {
		if i := keyIndex(m, a); i >= 0 {
			line = d.pairEnd(m, i)
			break
		}
	}
	d.t.insertLines(line, render(key, v, m.Content[0].Column-1, d.style))
}

// keyIndex is the index in m.Content of key's last occurrence, -1 when
// absent.
func keyIndex(m *yaml.Node, key string) int {
	out := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			out = i
		}
	}
	return out
}

// fill writes collection v as the value of key k, which holds nothing
// (null, {} or []): from k's colon, v's lines under k.
func (d *doc) fill(k, cur *yaml.Node, v value) {
	colon, ok := d.colonAfter(k)
	if !ok || d.inFlow(k) {
		d.note(k, "cannot edit %s here: set it to %s", k.Value, describe(v))
		return
	}
	end, flowStart := colon, 0
	switch {
	case flow(cur):
		s, e, ok := d.flowSpan(cur)
		if !ok {
			d.note(cur, "cannot edit %s here: set it to %s", k.Value, describe(v))
			return
		}
		flowStart, end = s, e
	case cur.Kind == yaml.ScalarNode:
		start, e, ok := d.scalarSpan(cur, false)
		if !ok || start < colon {
			d.note(cur, "cannot edit %s here: set it to %s", k.Value, describe(v))
			return
		}
		end = e
	}
	if l, ok := v.(list); ok && flow(cur) && scalars(l) {
		// [] stays a flow list.
		items := make([]string, len(l))
		for i, item := range l {
			items[i] = scalarText(item, 0, true)
		}
		d.t.replace(flowStart, end, "["+strings.Join(items, ", ")+"]")
		return
	}
	indent := k.Column - 1
	var lines string
	switch v := v.(type) {
	case mapping:
		for _, p := range v {
			lines += render(p.key, p.val, indent+d.style.step, d.style)
		}
	case list:
		lines = renderItems(v, indent+d.style.seq, d.style)
	}
	d.t.replace(colon, end, d.t.eols("\n"+strings.TrimSuffix(lines, "\n")))
}

// colonAfter is the offset just past the colon that ends key k.
func (d *doc) colonAfter(k *yaml.Node) (int, bool) {
	start, end, ok := d.scalarSpan(k, false)
	if !ok || start == end {
		return 0, false
	}
	src := d.t.src
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	if end >= len(src) || src[end] != ':' {
		return 0, false
	}
	return end + 1, true
}

// setList makes the strings of sequence s want: items replaced in place,
// the missing appended, the extra removed.
func (d *doc) setList(s *yaml.Node, want list) {
	for i := 0; i < len(s.Content) && i < len(want); i++ {
		d.setScalar(s.Content[i], want[i])
	}
	if len(want) > len(s.Content) {
		d.appendItems(s, want[len(s.Content):])
	}
	for i := len(s.Content) - 1; i >= len(want); i-- {
		d.removeItem(s, i)
	}
}

// appendItems adds items at the end of sequence s.
func (d *doc) appendItems(s *yaml.Node, items list) {
	d.insertItems(s, len(s.Content)-1, items)
}

// insertItems adds items to sequence s after its i-th item, scalars
// quoted as that item is.
func (d *doc) insertItems(s *yaml.Node, i int, items list) {
	if len(items) == 0 {
		return
	}
	if len(s.Content) == 0 || i < 0 || i >= len(s.Content) {
		d.note(s, "cannot add to this list: add %s", describe(items))
		return
	}
	like := s.Content[i]
	if !flow(s) {
		var b strings.Builder
		pad := strings.Repeat(" ", s.Column-1)
		for _, item := range items {
			if isScalar(item) {
				b.WriteString(pad + "- " + scalarText(item, like.Style, false) + "\n")
			} else {
				b.WriteString(renderItems(list{item}, s.Column-1, d.style))
			}
		}
		d.t.insertLines(d.itemEnd(s, i), b.String())
		return
	}
	var texts []string
	for _, item := range items {
		if !isScalar(item) {
			d.note(s, "a list in flow style ([...]): add %s", describe(items))
			return
		}
		texts = append(texts, scalarText(item, like.Style, true))
	}
	_, end, ok := d.scalarSpan(like, true)
	if !ok {
		d.note(s, "cannot add to this list: add %s", describe(items))
		return
	}
	d.t.replace(end, end, ", "+strings.Join(texts, ", "))
}

// removeItem removes the i-th item of sequence s.
func (d *doc) removeItem(s *yaml.Node, i int) {
	item := s.Content[i]
	if !flow(s) {
		d.t.removeLines(item.Line, d.itemEnd(s, i))
		return
	}
	start, end, ok := d.scalarSpan(item, true)
	if !ok {
		d.note(item, "cannot remove this item of a flow list: remove it by hand")
		return
	}
	switch {
	case i > 0:
		if _, prev, ok := d.scalarSpan(s.Content[i-1], true); ok {
			start = prev
		}
	case len(s.Content) > 1:
		if next, _, ok := d.scalarSpan(s.Content[1], true); ok {
			end = next
		}
	}
	d.t.replace(start, end, "")
}

// removeKey removes key and its value from block mapping m.
func (d *doc) removeKey(m *yaml.Node, key string) {
	i := keyIndex(m, key)
	if i < 0 {
		return
	}
	if flow(m) || d.inFlow(m) {
		d.note(m.Content[i], "in a flow mapping ({...}): remove %s by hand", key)
		return
	}
	d.t.removeLines(m.Content[i].Line, d.pairEnd(m, i))
}
