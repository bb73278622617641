package files

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// fileReader reads one file's content.
type fileReader struct {
	g    *gatherer
	name string
	data []byte

	// kubeadm says the file holds a kubeadm ClusterConfiguration or a kind
	// Cluster: kubeadm then gives the file's KubeProxyConfigurations
	// (proxies, indexes in Facts.Components) its podSubnet as clusterCIDR
	// when they set none.
	kubeadm bool
	proxies []int

	lines []string // data split into lines, when a patch needs them
}

// origin maps positions in a document to positions in the file. The
// file's own documents are at (0, 0). A document written in a string (a
// kind patch) is shifted by where the string starts when it is a literal
// block (|), whose lines are the file's; any other style folds or escapes
// lines, so every position is the string's (fixed).
type origin struct {
	line, col int
	fixed     bool
}

func (o origin) pos(line, col int) (int, int) {
	if o.fixed {
		return o.line, o.col
	}
	return o.line + line, o.col + col
}

// yamlFile reads every document of a YAML (or JSON) file.
func (r *fileReader) yamlFile() {
	if n, ok := r.documents(r.data, origin{}, "file "+r.name+", ", false); n == 0 && ok {
		r.g.note(fileAt(r.name), check.Info, "no YAML document (only comments)")
	}
}

// yamlErrorLine splits yaml's "yaml: line 3: message".
var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// documents reads the YAML documents in data, each an object check may
// know; prefix starts each document's provenance ("file kind.yaml, ").
// It returns how many documents it read and false when the YAML is
// invalid (the documents before the error are kept).
func (r *fileReader) documents(data []byte, o origin, prefix string, patch bool) (int, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	n := 0
	for i := 1; ; i++ {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return n, true
		}
		if err != nil {
			at, msg := check.Setting{File: r.name, Source: strings.TrimRight(prefix, ", ")}, err.Error()
			if m := yamlErrorLine.FindStringSubmatch(msg); m != nil {
				line, _ := strconv.Atoi(m[1])
				at.Line, _ = o.pos(line, 0)
				msg = m[2]
			}
			r.g.note(at, check.Error, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
			return n, false
		}
		if len(node.Content) == 0 || isNull(node.Content[0]) {
			continue // an empty document (only comments, or ---)
		}
		n++
		r.object(node.Content[0], o, prefix, patch, i)
	}
}

// doc is one document being read.
type doc struct {
	r     *fileReader
	o     origin
	root  *yaml.Node
	kind  string
	patch bool // in a kind kubeadmConfigPatches entry
	// apiVersion is as written (a patch may leave it out).
	apiVersion string
	// where names the document for provenance: "file kubeadm.yaml,
	// ClusterConfiguration"; a setting adds its field.
	where string
}

// at locates a node in the file.
func (d *doc) at(n *yaml.Node) check.Setting {
	line, col := d.o.pos(n.Line, n.Column)
	return check.Setting{File: d.r.name, Line: line, Column: col}
}

// setting is a value read at node n, from field.
func (d *doc) setting(n *yaml.Node, value, field string) check.Setting {
	s := d.at(n)
	s.Value, s.Source = value, d.where+" "+field
	return s
}

// note records a remark about node n of the document.
func (d *doc) note(n *yaml.Node, sev check.Severity, format string, args ...any) {
	at := d.at(n)
	at.Source = d.where
	d.r.g.note(at, sev, format, args...)
}

// resolve follows aliases (*name) to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// lookup is the value of key in mapping n, nil when absent (the last one
// when a key is repeated, as the Kubernetes decoders keep it).
func lookup(n *yaml.Node, key string) *yaml.Node {
	var out *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			out = n.Content[i+1]
		}
	}
	return resolve(out)
}

// under is the node at a dotted path below n (whose own path is base),
// nil when absent or null; a non-mapping on the way is a wrong type.
func (d *doc) under(n *yaml.Node, base, path string) *yaml.Node {
	for _, key := range strings.Split(path, ".") {
		n = resolve(n)
		if n == nil || isNull(n) {
			return nil
		}
		if n.Kind != yaml.MappingNode {
			d.wrongType(n, base, "a mapping")
			return nil
		}
		n = lookup(n, key)
		base = joinPath(base, key)
	}
	if n != nil && isNull(n) {
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

// get is the node at a dotted path from the document's root.
func (d *doc) get(path string) *yaml.Node { return d.under(d.root, "", path) }

// wrongType notes a value of the wrong type: the program that reads the
// file refuses the document. The note quotes the start of a scalar, except
// in a command line or extra arguments, where it may be a flag's secret
// value (the note's line and column point at it).
func (d *doc) wrongType(n *yaml.Node, field, want string) {
	got := describe(n)
	if n.Kind == yaml.ScalarNode && !flagValue(field) {
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		got += fmt.Sprintf(" (%s)", v)
	}
	d.note(n, check.Error, "wrong type: %s must be %s, not %s", field, want, got)
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
	}
	return "a value tagged " + n.ShortTag()
}

// str is the string at node n (field names it), false when absent, null
// or of another type (noted).
func (d *doc) str(n *yaml.Node, field string) (string, bool) {
	n = resolve(n)
	if n == nil || isNull(n) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.wrongType(n, field, "a string")
		return "", false
	}
	return n.Value, true
}

// list is the items of the list at node n, nil when absent, null or of
// another type (noted).
func (d *doc) list(n *yaml.Node, field string) []*yaml.Node {
	n = resolve(n)
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.wrongType(n, field, "a list")
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, item := range n.Content {
		if item = resolve(item); item != nil {
			out = append(out, item)
		}
	}
	return out
}

// strList is a list of strings joined with commas, as a flag holds it;
// items of another type are noted and left out.
func (d *doc) strList(n *yaml.Node, field string) (string, bool) {
	items := d.list(n, field)
	if items == nil {
		return "", false
	}
	var out []string
	for i, item := range items {
		if s, ok := d.str(item, fmt.Sprintf("%s[%d]", field, i)); ok {
			out = append(out, s)
		}
	}
	return strings.Join(out, ","), true
}

// field is the string at a dotted path from the root, as a setting.
func (d *doc) field(path string) (check.Setting, bool) {
	n := d.get(path)
	v, ok := d.str(n, path)
	if !ok {
		return check.Setting{}, false
	}
	return d.setting(n, v, path), true
}

// Groups and versions of the kinds check reads.
const (
	kubeadmV1beta3 = "kubeadm.k8s.io/v1beta3"
	kubeadmV1beta4 = "kubeadm.k8s.io/v1beta4"
	kubeProxyV1    = "kubeproxy.config.k8s.io/v1alpha1"
	kubeletV1      = "kubelet.config.k8s.io/v1beta1"
	kindV1alpha4   = "kind.x-k8s.io/v1alpha4"
)

// reader is how a document of a kind is read, and the apiVersions it may
// have; patch says it may be a kind kubeadmConfigPatches entry.
func reader(kind string) (read func(*doc), versions []string, patch bool) {
	kubeadm := []string{kubeadmV1beta3, kubeadmV1beta4}
	switch kind {
	case "Pod":
		return (*doc).pod, []string{"v1"}, false
	case "ClusterConfiguration":
		return (*doc).clusterConfiguration, kubeadm, true
	case "InitConfiguration":
		return (*doc).initConfiguration, kubeadm, true
	case "JoinConfiguration":
		return (*doc).joinConfiguration, kubeadm, true
	case "KubeProxyConfiguration":
		return (*doc).kubeProxyConfiguration, []string{kubeProxyV1}, true
	case "KubeletConfiguration":
		return (*doc).kubeletConfiguration, []string{kubeletV1}, true
	case "Cluster":
		return (*doc).kindCluster, []string{kindV1alpha4}, false
	}
	return nil, nil, false
}

// object reads one document by its kind and apiVersion.
func (r *fileReader) object(root *yaml.Node, o origin, prefix string, patch bool, index int) {
	d := &doc{r: r, o: o, root: resolve(root), patch: patch, where: strings.TrimRight(prefix, ", ")}
	if d.root == nil || d.root.Kind != yaml.MappingNode {
		d.note(root, check.Info, "document %d is not a mapping: not a configuration check reads", index)
		return
	}
	d.kind, _ = scalar(lookup(d.root, "kind"))
	d.apiVersion, _ = scalar(lookup(d.root, "apiVersion"))
	label := d.kind
	if d.kind == "Cluster" {
		label = "kind Cluster"
	}
	d.where = prefix + label
	read, versions, patchable := reader(d.kind)
	switch {
	case d.kind == "":
		d.note(d.root, check.Info, "document %d has no kind: not a configuration check reads", index)
	case read == nil || (patch && !patchable):
		d.note(d.root, check.Info, "%s is not a configuration check reads", d.kindName())
	case patch && d.apiVersion == "": // kind fills the apiVersion in
		read(d)
	case !slices.Contains(versions, d.apiVersion):
		d.note(d.root, check.Info, "%s is not a configuration check reads (it reads %s)", d.kindName(), strings.Join(versions, ", "))
	default:
		read(d)
	}
}

// kindName names the document's type in notes.
func (d *doc) kindName() string {
	if d.apiVersion == "" {
		return "kind " + d.kind + " without apiVersion"
	}
	return "kind " + d.kind + " apiVersion " + d.apiVersion
}

// scalar is a string scalar's value.
func scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return "", false
	}
	return n.Value, true
}

// done finishes a file: kubeadm defaults kube-proxy's clusterCIDR to its
// podSubnet (cmd/kubeadm/app/componentconfigs/kubeproxy.go Default).
func (r *fileReader) done() {
	k := r.g.f.Kubeadm
	if !r.kubeadm || k == nil || k.PodSubnet == nil {
		return
	}
	for _, i := range r.proxies {
		c := &r.g.f.Components[i]
		if _, ok := c.Settings["cluster-cidr"]; !ok {
			s := *k.PodSubnet
			s.Source += " (kube-proxy clusterCIDR unset: kubeadm sets it to the pod subnet)"
			c.Settings["cluster-cidr"] = s
		}
	}
}
