package files

import (
	"bytes"
	"errors"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// k3s and RKE2 read their flags from config.yaml and the files of
// config.yaml.d (k3s pkg/configfilearg, which RKE2 uses too): one YAML
// mapping of flag names to values, without kind. A file says little
// about the node alone, so the files are kept until all are read, then
// merged per node (k3s_nodes.go).

// k3sFile is one k3s or RKE2 configuration file, read.
type k3sFile struct {
	name string
	doc  *source.Document
}

// k3sFlagKey is a key of a k3s configuration: a flag's name, with a
// trailing "+" to append to the value of an earlier file.
var k3sFlagKey = regexp.MustCompile(`^[a-z][a-z0-9-]*\+?$`)

// k3sKeys are flags that only k3s and RKE2 take: one of them, among keys
// that are all flag names, makes a YAML mapping a k3s configuration.
// Generic names (server, token, debug, data-dir) are not evidence.
var k3sKeys = map[string]bool{
	"cluster-cidr": true, "service-cidr": true, "cluster-dns": true, "cluster-domain": true,
	"cluster-init": true, "service-node-port-range": true, "node-ip": true, "node-external-ip": true,
	"node-name": true, "node-label": true, "node-taint": true, "with-node-id": true, "tls-san": true,
	"write-kubeconfig-mode": true, "agent-token": true, "egress-selector-mode": true, "advertise-address": true,
	"flannel-backend": true, "flannel-ipv6-masq": true, "flannel-iface": true, "flannel-external-ip": true,
	"disable": true, "disable-network-policy": true, "disable-kube-proxy": true, "disable-cloud-controller": true,
	"disable-agent": true, "disable-scheduler": true, "disable-apiserver": true, "disable-controller-manager": true,
	"kube-apiserver-arg": true, "kube-controller-manager-arg": true, "kube-scheduler-arg": true,
	"kube-proxy-arg": true, "kubelet-arg": true, "kube-cloud-controller-manager-arg": true, "etcd-arg": true,
	"cni": true, "ingress-controller": true, "profile": true, "embedded-registry": true,
}

// isK3sConfig recognises a k3s or RKE2 configuration file: by its place,
// config.yaml or config.yaml.d/*.yaml under rancher/k3s or rancher/rke2,
// else by its shape.
func isK3sConfig(name string, data []byte) bool {
	if k3sPlace(name) != "" {
		return true
	}
	if !k3sDropIn(name) { // k3s reads YAML files only
		return false
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil || len(doc.Content) == 0 {
		return false
	}
	return k3sShaped(source.Resolve(doc.Content[0]))
}

// k3sPlace is the distribution whose configuration directory holds the
// file ("" when it is not a config.yaml or drop-in there).
func k3sPlace(name string) string {
	p := "/" + filepath.ToSlash(name)
	if path.Base(p) != "config.yaml" && (path.Base(path.Dir(p)) != "config.yaml.d" || !k3sDropIn(p)) {
		return ""
	}
	for _, dist := range []string{"k3s", "rke2"} {
		if strings.Contains(p, "/rancher/"+dist+"/") {
			return dist
		}
	}
	return ""
}

// k3sDropIn says whether a file in a config.yaml.d directory is one k3s
// reads (pkg/configfilearg dotDFiles: *.yaml and *.yml).
func k3sDropIn(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// k3sShaped says whether a YAML node is a mapping of flag names (one of
// them k3s's own) to scalars or lists, as k3s's configuration is: no
// kind, no nested mapping.
func k3sShaped(root *yaml.Node) bool {
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	evidence := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i].Value, source.Resolve(root.Content[i+1])
		if !k3sFlagKey.MatchString(key) || value == nil || value.Kind == yaml.MappingNode {
			return false
		}
		evidence = evidence || k3sKeys[strings.TrimSuffix(key, "+")]
	}
	return evidence
}

// k3sConfig reads a k3s or RKE2 configuration file, for k3sNodes to
// merge: k3s reads the first YAML document, a mapping.
func (r *fileReader) k3sConfig() {
	var root yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(r.data)).Decode(&root)
	if errors.Is(err, io.EOF) {
		r.g.note(fileAt(r.name), check.Info, "no YAML document (only comments)")
		return
	}
	if err != nil {
		r.g.invalidYAML(fileAt(r.name), source.Origin{}, err)
		return
	}
	d := &source.Document{Where: "file " + r.name, File: r.name, OnNote: r.g.addNote}
	if len(root.Content) > 0 {
		d.Root = source.Resolve(root.Content[0])
	}
	if d.Root == nil || source.IsNull(d.Root) {
		r.g.note(fileAt(r.name), check.Info, "no YAML document (only comments)")
		return
	}
	if d.Root.Kind != yaml.MappingNode {
		d.WrongType(d.Root, "a k3s or RKE2 configuration", "a mapping of flag names to values")
		return
	}
	r.g.k3s = append(r.g.k3s, k3sFile{name: r.name, doc: d})
}
