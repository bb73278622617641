package files

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
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

	// formats are the names of the formats that read the file, in order;
	// documentCount counts its YAML documents.
	formats       []string
	documentCount int
	// atEnd are what the file's documents leave to do once all are read
	// (Talos's documents of one machine configure it together).
	atEnd []func()
	// k0sctl is the file's k0sctl Cluster, for its ClusterConfig; talos
	// the file's Talos documents.
	k0sctl *k0sctl
	talos  *talosFile
}

// add reads a file's content by what it holds.
func (g *gatherer) add(name string, data []byte) {
	defer func() {
		// A parser's bug must not end the audit (or a fuzzer): the file
		// becomes a note like any other it cannot parse.
		if p := recover(); p != nil {
			g.note(fileAt(name), check.Error, "cannot parse (internal error: %v)", p)
		}
	}()
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	r := &fileReader{g: g, name: name, data: data}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		g.note(fileAt(name), check.Info, "empty file")
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		g.note(fileAt(name), check.Error, "binary file (NUL bytes or invalid UTF-8): not read")
	default:
		r.read()
	}
	r.done()
	g.f.Inputs = append(g.f.Inputs, r.input())
}

// read reads the file as the format that recognises it by its name and
// shape, else as YAML documents.
func (r *fileReader) read() {
	for _, f := range r.g.formats {
		if f.matchFile != nil && f.matchFile(r.name, r.data) {
			r.readAs(f.Name)
			r.documentCount = 1
			f.readFile(r)
			return
		}
	}
	n, ok := r.documents(r.data, source.Origin{}, "file "+r.name+", ", false)
	r.documentCount = n
	if n == 0 && ok {
		r.g.note(fileAt(r.name), check.Info, "no YAML document (only comments)")
	}
}

// readAs records that the format named name reads (part of) the file.
func (r *fileReader) readAs(name string) {
	if !slices.Contains(r.formats, name) {
		r.formats = append(r.formats, name)
	}
}

// input is the file as Facts.Inputs lists it.
func (r *fileReader) input() check.Input {
	format := strings.Join(r.formats, "+")
	if format == "" {
		format = check.UnknownFormat
	}
	return check.Input{File: r.name, Format: format, Documents: r.documentCount}
}

// yamlErrorLine splits yaml's "yaml: line 3: message".
var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// documents reads the YAML documents in data, each an object check may
// know; prefix starts each document's provenance ("file kind.yaml, ").
// It returns how many documents it read and false when the YAML is
// invalid (the documents before the error are kept).
func (r *fileReader) documents(data []byte, o source.Origin, prefix string, patch bool) (int, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	n := 0
	for i := 1; ; i++ {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return n, true
		}
		if err != nil {
			r.g.invalidYAML(check.Setting{File: r.name, Source: strings.TrimRight(prefix, ", ")}, o, err)
			return n, false
		}
		if len(node.Content) == 0 || source.IsNull(node.Content[0]) {
			continue // an empty document (only comments, or ---)
		}
		n++
		r.object(node.Content[0], o, prefix, patch, i)
	}
}

// invalidYAML notes a YAML parser's error, at the line it names (mapped
// into the file by o).
func (g *gatherer) invalidYAML(at check.Setting, o source.Origin, err error) {
	msg := err.Error()
	if m := yamlErrorLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		at.Line, _ = o.Pos(line, 0)
		msg = m[2]
	}
	g.note(at, check.Error, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

// done finishes a file: what its documents left to the end, then
// kubeadm's default of kube-proxy's clusterCIDR, its podSubnet
// (cmd/kubeadm/app/componentconfigs/kubeproxy.go Default).
func (r *fileReader) done() {
	for _, fn := range r.atEnd {
		fn()
	}
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
