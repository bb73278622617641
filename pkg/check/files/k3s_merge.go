package files

import (
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// k3sValue is one value a k3s configuration gives a flag, where it was
// written.
type k3sValue struct {
	text string
	node *yaml.Node
	doc  *source.Document
	key  string // the key as written ("cluster-cidr", "node-ip+")
}

// setting is the value as a setting of field (a flag's name).
func (v k3sValue) setting(value string) check.Setting {
	return v.doc.Setting(v.node, value, v.key)
}

// k3sMerged is one node's configuration: its files merged as k3s merges
// them (pkg/configfilearg readConfigFile): config.yaml first, then the
// files of config.yaml.d in lexical order; a later file's key replaces an
// earlier one's values, a key ending in "+" appends to them.
type k3sMerged struct {
	name   string // the node's config.yaml
	files  []k3sFile
	values map[string][]k3sValue
}

// k3sSets groups configuration files by node, in the order they were
// read: a file of a <name>.d directory is a drop-in of the file <name>
// beside it (config.yaml.d's of config.yaml); any other file is a node's
// config.yaml.
func k3sSets(files []k3sFile) []*k3sMerged {
	var out []*k3sMerged
	byName := map[string]*k3sMerged{}
	for _, f := range files {
		name := f.name
		if dir := filepath.Dir(name); k3sDropIn(strings.TrimSuffix(dir, ".d")) && strings.HasSuffix(dir, ".d") {
			name = strings.TrimSuffix(dir, ".d")
		}
		m := byName[name]
		if m == nil {
			m = &k3sMerged{name: name, values: map[string][]k3sValue{}}
			byName[name] = m
			out = append(out, m)
		}
		m.files = append(m.files, f)
	}
	for _, m := range out {
		// config.yaml, then the drop-ins by file name (os.ReadDir order).
		slices.SortStableFunc(m.files, func(a, b k3sFile) int {
			return strings.Compare(m.sortKey(a), m.sortKey(b))
		})
		for _, f := range m.files {
			m.merge(f)
		}
	}
	return out
}

func (m *k3sMerged) sortKey(f k3sFile) string {
	if f.name == m.name {
		return ""
	}
	return "/" + path.Base(filepath.ToSlash(f.name))
}

// merge adds one file's keys.
func (m *k3sMerged) merge(f k3sFile) {
	root := f.doc.Root
	for i := 0; i+1 < len(root.Content); i += 2 {
		key := root.Content[i].Value
		flag, appends := strings.CutSuffix(key, "+")
		values := k3sValuesOf(f.doc, key, root.Content[i+1])
		if old, ok := m.values[flag]; ok && appends {
			values = append(old, values...)
		}
		m.values[flag] = values
	}
}

// k3sValuesOf is the values of one key: a scalar's, or a list's items
// (k3s gives the flag once per item). null gives none.
func k3sValuesOf(d *source.Document, key string, n *yaml.Node) []k3sValue {
	n = source.Resolve(n)
	switch {
	case n == nil || source.IsNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		return []k3sValue{{text: n.Value, node: n, doc: d, key: key}}
	case n.Kind == yaml.SequenceNode:
		var out []k3sValue
		for _, item := range d.List(n, key) {
			if item.Kind != yaml.ScalarNode {
				d.WrongType(item, key, "a string")
				continue
			}
			out = append(out, k3sValue{text: item.Value, node: item, doc: d, key: key})
		}
		return out
	}
	d.WrongType(n, key, "a string or a list of strings")
	return nil
}

// list is a list flag's values joined with commas (k3s splits each on
// commas), at the first one; false when unset.
func (m *k3sMerged) list(flag string) (check.Setting, bool) {
	values := m.values[flag]
	if len(values) == 0 {
		return check.Setting{}, false
	}
	texts := make([]string, len(values))
	for i, v := range values {
		texts[i] = v.text
	}
	return values[0].setting(strings.Join(texts, ",")), true
}

// flag is a single-valued flag's value: the last given.
func (m *k3sMerged) flag(flag string) (check.Setting, bool) {
	values := m.values[flag]
	if len(values) == 0 {
		return check.Setting{}, false
	}
	v := values[len(values)-1]
	return v.setting(v.text), true
}

// on says whether a boolean flag is set true (YAML 1.1's spellings, as
// k3s's YAML parser reads them).
func (m *k3sMerged) on(flag string) bool {
	s, ok := m.flag(flag)
	switch strings.ToLower(s.Value) {
	case "true", "yes", "on", "y":
		return ok
	}
	return false
}

// has says whether any of the flags is set.
func (m *k3sMerged) has(flags ...string) (string, bool) {
	for _, f := range flags {
		if _, ok := m.values[f]; ok {
			return f, true
		}
	}
	return "", false
}

// args applies the extra flags of a component (kube-apiserver-arg, …) to
// the flags k3s gives it, as k3s does (pkg/util/args.go GetArgs):
// name=value replaces k3s's value, name+=value comes after it and
// name-=value before it, and of a flag given several times the last
// counts, except for --feature-gates, whose lists add up.
func (m *k3sMerged) args(base map[string]check.Setting, keys ...string) map[string]check.Setting {
	given := map[string][]check.Setting{}
	for _, key := range keys {
		for _, v := range m.values[key] {
			arg, value, ok := strings.Cut(strings.TrimPrefix(v.text, "--"), "=")
			if !ok {
				value = "true"
			}
			name := strings.TrimRight(arg, "+-")
			s := v.doc.Setting(v.node, source.Redact(name, value), v.key+", arg --"+name)
			var initial []check.Setting
			if b, ok := base[name]; ok && given[name] == nil {
				initial = []check.Setting{b}
			}
			switch {
			case strings.HasSuffix(arg, "+"):
				given[name] = slices.Concat(initial, given[name], []check.Setting{s})
			case strings.HasSuffix(arg, "-"):
				given[name] = slices.Concat([]check.Setting{s}, initial, given[name])
			default:
				given[name] = append(given[name], s)
			}
		}
	}
	out := map[string]check.Setting{}
	for name, s := range base {
		out[name] = s
	}
	for name, list := range given {
		last := list[len(list)-1]
		if name == "feature-gates" {
			last.Value = joinSettings(list)
		}
		out[name] = last
	}
	return out
}
