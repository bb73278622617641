package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// The keys of each mapping of the file.
var (
	topKeys       = []string{"apiVersion", "kind", "expect", "failOn", "rules", "exemptions"}
	rulesKeys     = []string{"only", "skip", "severity"}
	exemptionKeys = []string{"rules", "namespaces", "selector", "names", "reason"}
)

// Parse reads a configuration file's content. file names it in errors
// and in the exemptions' Source. The error is the first problem found,
// at its position.
func Parse(file string, data []byte) (*Config, error) {
	file = cmp.Or(file, "<config>")
	root, err := document(file, data)
	if err != nil {
		return nil, err
	}
	p := &parser{file: file}
	p.doc = &source.Document{Root: root, File: file, Where: file, OnNote: p.note}
	c := p.config()
	if len(p.errs) > 0 {
		return nil, p.errs[0]
	}
	return c, nil
}

// parser walks the file, collecting its problems in the order found:
// a mapping's unknown keys before its values.
type parser struct {
	file string
	doc  *source.Document
	errs []error
}

func (p *parser) note(n check.FileNote) {
	p.errs = append(p.errs, &Error{File: n.At.File, Line: n.At.Line, Column: n.At.Column, Message: n.Message})
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	p.doc.Note(n, check.Error, format, args...)
}

func (p *parser) config() *Config {
	root := p.doc.Root
	if root.Kind != yaml.MappingNode {
		p.doc.WrongType(root, "the configuration", "a mapping")
		return nil
	}
	if !p.header(root) {
		return nil // another kind of file: its keys mean nothing here
	}
	top := p.fields(root, "", topKeys)
	c := &Config{Path: p.file}
	c.Expect = p.oneOf(top["expect"], "expect", ExpectValues)
	c.FailOn = p.oneOf(top["failOn"], "failOn", FailOnValues)
	rules := p.fields(top["rules"], "rules", rulesKeys)
	c.Only = p.ruleIDs(rules["only"], "rules.only", false)
	c.Skip = p.ruleIDs(rules["skip"], "rules.skip", false)
	c.Severities = p.severities(rules["severity"])
	for i, item := range p.doc.List(top["exemptions"], "exemptions") {
		if x, ok := p.exemption(item, fmt.Sprintf("exemptions[%d]", i)); ok {
			c.Exemptions = append(c.Exemptions, x)
		}
	}
	return c
}

// header checks apiVersion and kind, the schema's version.
func (p *parser) header(root *yaml.Node) bool {
	for _, h := range []struct{ key, want string }{{"apiVersion", APIVersion}, {"kind", Kind}} {
		n := source.Lookup(root, h.key)
		if n == nil || source.IsNull(n) {
			p.fail(root, "%s is missing: want %s: %s", h.key, h.key, h.want)
			continue
		}
		if v, ok := p.doc.Str(n, h.key); ok && v != h.want {
			p.fail(n, "%s %q is not %s", h.key, v, h.want)
		}
	}
	return len(p.errs) == 0
}

// entries are mapping n's keys and values (field names n), nil for a null
// or absent n. A repeated key is an error.
func (p *parser) entries(n *yaml.Node, field string) (keys, values []*yaml.Node) {
	n = source.Resolve(n)
	if n == nil || source.IsNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		p.doc.WrongType(n, cmp.Or(field, "the configuration"), "a mapping")
		return nil, nil
	}
	firstAt := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := source.Resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.fail(n.Content[i], "a key of %s is not a string", cmp.Or(field, "the configuration"))
			continue
		}
		if line, seen := firstAt[k.Value]; seen {
			p.fail(k, "%s repeated (first at line %d)", joinField(field, k.Value), line)
			continue
		}
		firstAt[k.Value] = k.Line
		keys, values = append(keys, k), append(values, n.Content[i+1])
	}
	return keys, values
}

// fields are the values of mapping n by key; a key not in known is an
// error, with the known key it is likely a typo of.
func (p *parser) fields(n *yaml.Node, field string, known []string) map[string]*yaml.Node {
	keys, values := p.entries(n, field)
	out := make(map[string]*yaml.Node, len(keys))
	for i, k := range keys {
		if !slices.Contains(known, k.Value) {
			in := ""
			if field != "" {
				in = " in " + field
			}
			hint := didYouMean(k.Value, known, 2)
			if hint == "" {
				hint = " (known keys: " + strings.Join(known, ", ") + ")"
			}
			p.fail(k, "unknown key %q%s%s", k.Value, in, hint)
			continue
		}
		out[k.Value] = values[i]
	}
	return out
}

func joinField(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// oneOf is the string at n, which must be one of allowed; "" when absent.
func (p *parser) oneOf(n *yaml.Node, field string, allowed []string) string {
	v, ok := p.doc.Str(n, field)
	if !ok {
		return ""
	}
	if !slices.Contains(allowed, v) {
		p.fail(n, "%s %q is not one of %s%s", field, v, strings.Join(allowed, ", "), didYouMean(v, allowed, 2))
		return ""
	}
	return v
}

// stringList is the items of the list at n, each a string.
func (p *parser) stringList(n *yaml.Node, field string) (values []string, nodes []*yaml.Node) {
	for i, item := range p.doc.List(n, field) {
		if v, ok := p.doc.Str(item, fmt.Sprintf("%s[%d]", field, i)); ok {
			values, nodes = append(values, v), append(nodes, item)
		}
	}
	return values, nodes
}

// ruleIDs are the list at n of rule IDs (and AnyRule when anyRule).
func (p *parser) ruleIDs(n *yaml.Node, field string, anyRule bool) []string {
	ids, nodes := p.stringList(n, field)
	for i, id := range ids {
		if !(anyRule && id == check.AnyRule) {
			p.knownRule(nodes[i], id)
		}
	}
	return ids
}

// knownRule checks that id names a rule of the registry.
func (p *parser) knownRule(n *yaml.Node, id string) bool {
	if slices.Contains(ruleIDs(), id) {
		return true
	}
	hint := didYouMean(id, ruleIDs(), 3)
	if hint == "" {
		hint = " (kubectl dualstack check --list-rules lists them)"
	}
	p.fail(n, "unknown rule ID %q%s", id, hint)
	return false
}

func ruleIDs() []string {
	var ids []string
	for _, r := range check.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

// severities are rules.severity: rule IDs and the severity of their
// failures.
func (p *parser) severities(n *yaml.Node) map[string]check.Severity {
	keys, values := p.entries(n, "rules.severity")
	if len(keys) == 0 {
		return nil
	}
	out := make(map[string]check.Severity, len(keys))
	for i, k := range keys {
		known := p.knownRule(k, k.Value)
		if sev := p.oneOf(values[i], "rules.severity."+k.Value, severityValues); known && sev != "" {
			out[k.Value] = check.Severity(sev)
		}
	}
	return out
}

// exemption reads one item of exemptions (field names it).
func (p *parser) exemption(item *yaml.Node, field string) (check.Exemption, bool) {
	if source.IsNull(item) {
		p.fail(item, "%s is empty: give its rules, reason, and namespaces, selector or names", field)
		return check.Exemption{}, false
	}
	before := len(p.errs)
	f := p.fields(item, field, exemptionKeys)
	if len(p.errs) > before {
		return check.Exemption{}, false
	}
	x := check.Exemption{Source: fmt.Sprintf("%s:%d", p.file, item.Line)}
	if x.Rules = p.ruleIDs(f["rules"], field+".rules", true); len(x.Rules) == 0 && len(p.errs) == before {
		p.fail(item, "%s has no rules: list the rule IDs it exempts from, or %q for every rule", field, check.AnyRule)
	}
	x.Namespaces = p.namespaces(f["namespaces"], field+".namespaces")
	x.Selector = p.selector(f["selector"], field+".selector")
	x.Names = p.namePatterns(f["names"], field+".names")
	if reason, _ := p.doc.Str(f["reason"], field+".reason"); strings.TrimSpace(reason) != "" {
		x.Reason = strings.TrimSpace(reason)
	} else if len(p.errs) == before {
		p.fail(cmp.Or(f["reason"], item), "%s has no reason: say why these objects are exempt", field)
	}
	if len(x.Namespaces) == 0 && x.Selector == nil && len(x.Names) == 0 && len(p.errs) == before {
		p.fail(item, "%s has no namespaces, selector or names: it would exempt every object", field)
	}
	return x, len(p.errs) == before
}

func (p *parser) namespaces(n *yaml.Node, field string) []string {
	names, nodes := p.stringList(n, field)
	for i, ns := range names {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			p.fail(nodes[i], "%s: %q is not a namespace name: %s", field, ns, errs[0])
		}
	}
	return names
}

// selector is a label selector in kubectl's -l syntax.
func (p *parser) selector(n *yaml.Node, field string) labels.Selector {
	s, ok := p.doc.Str(n, field)
	if !ok {
		return nil
	}
	if strings.TrimSpace(s) == "" {
		p.fail(n, "%s is empty: it would select every object", field)
		return nil
	}
	sel, err := labels.Parse(s)
	if err != nil {
		p.fail(n, "%s %q is not a label selector: %v", field, s, err)
		return nil
	}
	return sel
}

// namePatterns are path.Match patterns of object names.
func (p *parser) namePatterns(n *yaml.Node, field string) []string {
	patterns, nodes := p.stringList(n, field)
	for i, pattern := range patterns {
		if _, err := path.Match(pattern, ""); err != nil {
			p.fail(nodes[i], "%s: %q is not a name pattern (* ? [a-z] as in path.Match): %v", field, pattern, err)
		}
	}
	return patterns
}

// document is the file's one YAML document, a mapping.
func document(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || err == nil && (len(doc.Content) == 0 || source.IsNull(doc.Content[0])) {
		return nil, &Error{File: file, Message: fmt.Sprintf("no configuration in the file: want apiVersion: %s and kind: %s", APIVersion, Kind)}
	}
	if err != nil {
		return nil, yamlError(file, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, yamlError(file, err)
	case len(next.Content) > 0 && !source.IsNull(next.Content[0]):
		n := next.Content[0]
		return nil, &Error{File: file, Line: n.Line, Column: n.Column, Message: "a second YAML document: the configuration is one document"}
	}
	root := source.Resolve(doc.Content[0])
	if root == nil {
		return nil, &Error{File: file, Line: doc.Content[0].Line, Column: doc.Content[0].Column, Message: "the configuration is an alias of itself"}
	}
	return root, nil
}

// yamlErrorLine splits the YAML parser's "yaml: line 3: message".
var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError is the parser's error at the line it names (it names no
// column).
func yamlError(file string, err error) error {
	e := &Error{File: file, Message: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlErrorLine.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Message = "invalid YAML: " + m[2]
	}
	return e
}
