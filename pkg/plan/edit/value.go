package edit

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// value is what an edit writes: a str, a lit, a list or a mapping.
type value interface{ isValue() }

// str is a string, quoted when YAML would read it as something else.
type str string

// lit is a scalar written as it is: true, 64.
type lit string

// list is a YAML sequence.
type list []value

// mapping is a YAML mapping, in the order its keys are written.
type mapping []pair

type pair struct {
	key string
	val value
}

func (str) isValue()     {}
func (lit) isValue()     {}
func (list) isValue()    {}
func (mapping) isValue() {}

// strs is a list of strings.
func strs(items []string) list {
	out := make(list, len(items))
	for i, s := range items {
		out[i] = str(s)
	}
	return out
}

// scalarText is a scalar's text in a given style: quoted as it was
// quoted, plain when YAML reads the plain text back as this string.
func scalarText(v value, style yaml.Style, flow bool) string {
	s, isStr := v.(str)
	if !isStr {
		if l, ok := v.(lit); ok {
			return string(l)
		}
		return describe(v) // a collection is rendered, never written as one scalar
	}
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		return strconv.Quote(string(s))
	case style&yaml.SingleQuotedStyle != 0:
		return "'" + strings.ReplaceAll(string(s), "'", "''") + "'"
	case plainString(string(s), flow):
		return string(s)
	}
	return strconv.Quote(string(s))
}

// plainString says whether s can be written unquoted: YAML reads it back
// as the same string (not a number, a boolean, a comment...).
func plainString(s string, flow bool) bool {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\"'#\n\t") || strings.Contains(s, ": ") {
		return false
	}
	if flow && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	var got map[string]any
	if err := yaml.Unmarshal([]byte("v: "+s), &got); err != nil {
		return false
	}
	back, ok := got["v"].(string)
	return ok && back == s
}

// render writes v as the value of key at indentation indent (spaces),
// as whole lines in the file's style.
func render(key string, v value, indent int, st style) string {
	pad := strings.Repeat(" ", indent)
	switch v := v.(type) {
	case mapping:
		if len(v) == 0 {
			return pad + key + ": {}\n"
		}
		var b strings.Builder
		b.WriteString(pad + key + ":\n")
		for _, p := range v {
			b.WriteString(render(p.key, p.val, indent+st.step, st))
		}
		return b.String()
	case list:
		if len(v) == 0 {
			return pad + key + ": []\n"
		}
		return pad + key + ":\n" + renderItems(v, indent+st.seq, st)
	}
	return pad + key + ": " + scalarText(v, 0, false) + "\n"
}

// renderItems writes sequence items whose dashes are at indent.
func renderItems(items list, indent int, st style) string {
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for _, item := range items {
		m, ok := item.(mapping)
		if !ok || len(m) == 0 {
			b.WriteString(pad + "- " + scalarText(item, 0, false) + "\n")
			continue
		}
		// The first key on the dash's line, the others under it.
		first := render(m[0].key, m[0].val, indent+2, st)
		b.WriteString(pad + "- " + strings.TrimLeft(first, " "))
		for _, p := range m[1:] {
			b.WriteString(render(p.key, p.val, indent+2, st))
		}
	}
	return b.String()
}

// style is a file's indentation: of a mapping nested under a key, and of
// a sequence's dashes under its key (0 for kubectl's "key:\n- item").
type style struct{ step, seq int }
