package files

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// isKubesprayVars recognises kubespray inventory variables: a mapping
// with one of kubespray's variable names at the top (they start with
// kube_, calico_ or cilium_, or choose the stacks).
func isKubesprayVars(_ string, root *yaml.Node) bool {
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch key := root.Content[i].Value; {
		case strings.HasPrefix(key, "kube_"), strings.HasPrefix(key, "calico_"), strings.HasPrefix(key, "cilium_"),
			key == "ipv4_stack", key == "ipv6_stack", key == "enable_dual_stack_networks":
			return true
		}
	}
	return false
}

// kubesprayRank is a group_vars file's precedence: group_vars/all is
// below every other group (the k8s_cluster group's files above all).
func kubesprayRank(file string) int {
	parts := strings.Split(filepath.ToSlash(file), "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "group_vars" && strings.TrimSuffix(strings.TrimSuffix(parts[i+1], ".yml"), ".yaml") == "all" {
			return 0
		}
	}
	return 1
}

// kubesprayVars reads the networking variables of a kubespray group_vars
// file into the inventory's (a later file of the same precedence replaces
// an earlier one's values, as Ansible loads them in name order), and sets
// the kubeadm configuration kubespray writes from them.
func (d *doc) kubesprayVars() {
	g := d.r.g
	k := g.f.Kubespray
	if k == nil {
		at := d.At(d.Root)
		k = &check.Kubespray{Source: d.Where, File: at.File, Line: at.Line, Vars: map[string]check.Setting{}}
		g.f.Kubespray = k
	}
	names := check.KubesprayVars()
	for i := 0; i+1 < len(d.Root.Content); i += 2 {
		name := d.Root.Content[i].Value
		if !slices.Contains(names, name) {
			continue
		}
		n := source.Resolve(d.Root.Content[i+1])
		if n == nil || source.IsNull(n) {
			continue
		}
		if n.Kind != yaml.ScalarNode {
			d.WrongType(n, name, "a scalar")
			continue
		}
		if old, ok := k.Vars[name]; ok && kubesprayRank(old.File) > kubesprayRank(d.File) {
			continue // group_vars/all does not override another group
		}
		k.Vars[name] = d.Setting(n, n.Value, name)
		if name == "kube_version" {
			g.version(rankKubeadm, n.Value, fmt.Sprintf("kube_version %s (%s)", n.Value, d.Where))
		}
	}
	g.distribution("kubespray", d.Where)
	if g.kubeadmBy != "" && g.kubeadmBy != "kubespray" {
		d.Note(d.Root, check.Info, "kubespray writes its own kubeadm configuration; the one read first (%s) is kept", g.f.Kubeadm.Source)
		return
	}
	if kubeadm := k.Kubeadm(); kubeadm != nil {
		g.f.Kubeadm, g.kubeadmBy = kubeadm, "kubespray"
		g.found[check.SourceKubeadm] = true
	}
}
