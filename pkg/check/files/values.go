package files

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// typed is the scalar at node n as a setting when it has YAML tag tag
// ("!!int", "!!bool"); false when absent or null, and noted when of
// another type (its program refuses the file).
func (d *doc) typed(n *yaml.Node, field, tag, want string) (check.Setting, bool) {
	n = source.Resolve(n)
	if n == nil || source.IsNull(n) {
		return check.Setting{}, false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != tag {
		d.WrongType(n, field, want)
		return check.Setting{}, false
	}
	return d.Setting(n, n.Value, field), true
}

// integer is the integer at node n.
func (d *doc) integer(n *yaml.Node, field string) (check.Setting, bool) {
	return d.typed(n, field, "!!int", "an integer")
}

// boolean is the boolean at node n, "true" or "false". An unquoted yes,
// no, on, off, y or n is one too: the Kubernetes YAML decoder (YAML 1.1)
// reads it so, where YAML 1.2 sees a string.
func (d *doc) boolean(n *yaml.Node, field string) (check.Setting, bool) {
	if r := source.Resolve(n); r != nil && r.Kind == yaml.ScalarNode && r.Style == 0 && r.ShortTag() == "!!str" {
		switch strings.ToLower(r.Value) {
		case "yes", "on", "y":
			return d.Setting(r, "true", field), true
		case "no", "off", "n":
			return d.Setting(r, "false", field), true
		}
	}
	s, ok := d.typed(n, field, "!!bool", "a boolean")
	s.Value = strings.ToLower(s.Value)
	return s, ok
}

// boolField is the boolean at path as "true" or "false", def when unset;
// a value of another type is noted and def kept. Unlike boolean, it
// takes YAML 1.2's spellings only.
func (d *doc) boolField(path string, def bool, what string, anchor *yaml.Node) check.Setting {
	n := d.Get(path)
	if s, ok := d.typed(n, path, "!!bool", "a boolean"); ok {
		b := false
		_ = n.Decode(&b) // false for a !!bool YAML cannot read (`!!bool yes`)
		s.Value = strconv.FormatBool(b)
		return s
	}
	return d.Setting(anchor, strconv.FormatBool(def), path+" (unset: "+what+"'s default)")
}

// strItems are the strings of the list at node n, each a setting of
// field[i]; items of another type are noted and left out.
func (d *doc) strItems(n *yaml.Node, field string) []check.Setting {
	var out []check.Setting
	for i, item := range d.List(n, field) {
		f := fmt.Sprintf("%s[%d]", field, i)
		if s, ok := d.Str(item, f); ok {
			out = append(out, d.Setting(item, s, f))
		}
	}
	return out
}

// joinSettings joins values with commas, as a flag lists them.
func joinSettings(list []check.Setting) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Value
	}
	return strings.Join(out, ",")
}

// present is a setting saying that the field at node n is set to
// something other than null, an empty list or an empty mapping.
func (d *doc) present(n *yaml.Node, field string) (check.Setting, bool) {
	n = source.Resolve(n)
	if n == nil || source.IsNull(n) || n.Kind != yaml.ScalarNode && len(n.Content) == 0 {
		return check.Setting{}, false
	}
	return d.Setting(n, "set", field), true
}
