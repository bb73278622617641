package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// ParseClusterConfiguration reads a ConfigMap's text (kubeadm-config's
// ClusterConfiguration) as a kubeadm ClusterConfiguration; where names it.
// A problem in it is the error.
func ParseClusterConfiguration(data []byte, where string) (*check.Kubeadm, error) {
	c, err := parseText(data, where, "ClusterConfiguration", ReadClusterConfiguration)
	if err != nil {
		return nil, err
	}
	return &check.Kubeadm{Source: where, PodSubnet: nonEmpty(c.PodSubnet), ServiceSubnet: nonEmpty(c.ServiceSubnet), ExtraArgs: c.ExtraArgs, FeatureGates: c.FeatureGates}, nil
}

// nonEmpty drops an empty subnet: kubeadm omits an unset one from the
// ConfigMap it writes.
func nonEmpty(s *check.Setting) *check.Setting {
	if s == nil || s.Value == "" {
		return nil
	}
	return s
}

// ParseKubeProxyConfiguration reads a ConfigMap's text as a
// KubeProxyConfiguration, the component named where. A problem in it is
// the error.
func ParseKubeProxyConfiguration(data []byte, where string) (check.Component, error) {
	return parseComponentConfig(data, where, "KubeProxyConfiguration", KubeProxyConfiguration)
}

// ParseKubeletConfiguration reads a ConfigMap's text as a
// KubeletConfiguration, the component named where. A problem in it is the
// error.
func ParseKubeletConfiguration(data []byte, where string) (check.Component, error) {
	return parseComponentConfig(data, where, "KubeletConfiguration", KubeletConfiguration)
}

func parseComponentConfig(data []byte, where, kind string, read func(*Document) check.Component) (check.Component, error) {
	c, err := parseText(data, where, kind, read)
	if err != nil {
		return check.Component{}, err
	}
	c.Instance = where
	return c, nil
}

// parseText reads the first YAML document of data with read, as a
// configuration of kind (or of no kind); the first problem read notes is
// the error. A ConfigMap's text has no file: the settings have no
// position.
func parseText[T any](data []byte, where, kind string, read func(*Document) T) (T, error) {
	var zero T
	root, err := firstMapping(data)
	if err != nil {
		return zero, err
	}
	if k, _ := Scalar(Lookup(root, "kind")); k != "" && k != kind {
		return zero, fmt.Errorf("kind %q is not %s", k, kind)
	}
	var problem error
	d := &Document{Root: root, Where: where, OnNote: func(n check.FileNote) {
		if problem == nil {
			problem = errors.New(n.Message)
		}
	}}
	d.APIVersion, _ = Scalar(Lookup(root, "apiVersion"))
	out := read(d)
	if problem != nil {
		return zero, problem
	}
	return out, nil
}

// firstMapping is the first YAML document of data, a mapping; none, an
// empty or a null one is an empty mapping.
func firstMapping(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if errors.Is(err, io.EOF) || err == nil && len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	root := Resolve(doc.Content[0])
	switch {
	case root == nil || IsNull(root):
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	case root.Kind != yaml.MappingNode:
		return nil, fmt.Errorf("not a mapping but %s", describe(root))
	}
	return root, nil
}
