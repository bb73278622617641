package files

import (
	"fmt"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/version"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// initOnly ends the Source of a Kubeadm that only an InitConfiguration
// named: kubeadm init defaults the ClusterConfiguration it is not given.
const initOnly = " (no ClusterConfiguration: kubeadm's defaults)"

// kubeadmFor is f.Kubeadm for a document to fill, created when needed. A
// ClusterConfiguration or kind Cluster anchors it (its Source, File and
// Line point there), and a second one is noted: what it sets replaces the
// first's values. An InitConfiguration anchors only a Kubeadm nothing
// else did; a kind patch merges into kind's own configuration.
func (d *doc) kubeadmFor(anchors bool) *check.Kubeadm {
	g := d.r.g
	if g.f.Kubeadm == nil {
		g.f.Kubeadm = &check.Kubeadm{}
	}
	k := g.f.Kubeadm
	if k.ExtraArgs == nil {
		k.ExtraArgs = map[string]map[string]check.Setting{}
	}
	g.found[check.SourceKubeadm] = true
	at := d.at(d.root)
	switch {
	case d.patch:
	case anchors:
		if g.kubeadmBy == "cluster" {
			d.note(d.root, check.Info, "a second kubeadm cluster configuration (the first: %s): the values it sets replace the first's", k.Source)
		}
		k.Source, k.File, k.Line = d.where, at.File, at.Line
		g.kubeadmBy = "cluster"
	case g.kubeadmBy == "":
		k.Source, k.File, k.Line = d.where+initOnly, at.File, at.Line
		g.kubeadmBy = "init"
	}
	return k
}

// clusterConfiguration reads a kubeadm ClusterConfiguration.
func (d *doc) clusterConfiguration() {
	k := d.kubeadmFor(true)
	d.r.kubeadm = true
	if s, ok := d.field("networking.podSubnet"); ok {
		k.PodSubnet = &s
	}
	if s, ok := d.field("networking.serviceSubnet"); ok {
		k.ServiceSubnet = &s
	}
	for _, component := range []string{"apiServer", "controllerManager", "scheduler"} {
		for name, s := range d.extraArgs(component + ".extraArgs") {
			if k.ExtraArgs[component] == nil {
				k.ExtraArgs[component] = map[string]check.Setting{}
			}
			k.ExtraArgs[component][name] = s
		}
	}
	if s, ok := d.field("kubernetesVersion"); ok {
		d.r.g.version(rankKubeadm, s.Value, fmt.Sprintf("kubernetesVersion %s (%s)", s.Value, d.where))
	}
}

// initConfiguration reads the node-local part of kubeadm init: the
// apiserver's advertise address and the kubelet's extra flags.
func (d *doc) initConfiguration() {
	if s, ok := d.field("localAPIEndpoint.advertiseAddress"); ok {
		d.kubeadmFor(false).AdvertiseAddress = &s
	}
	d.kubeletExtraArgs()
}

// joinConfiguration reads the kubelet's extra flags of kubeadm join. (A
// joining control plane's advertise address is checked against the
// cluster's serviceSubnet, which the join configuration does not hold.)
func (d *doc) joinConfiguration() {
	d.kubeletExtraArgs()
}

// kubeletExtraArgs are flags kubeadm writes to kubeadm-flags.env.
func (d *doc) kubeletExtraArgs() {
	const field = "nodeRegistration.kubeletExtraArgs"
	args := d.extraArgs(field)
	if len(args) == 0 {
		return
	}
	at := d.at(d.root)
	d.r.g.component(check.Component{Kind: check.Kubelet, Instance: d.r.name, Source: d.where + " " + field, Settings: args, File: at.File, Line: at.Line})
}

// extraArgs reads kubeadm extra arguments: a map in v1beta3, a list of
// {name, value} in v1beta4 (either in a kind patch, whose version kind
// chooses).
func (d *doc) extraArgs(path string) map[string]check.Setting {
	n := d.get(path)
	if n == nil {
		return nil
	}
	out := map[string]check.Setting{}
	switch n.Kind {
	case yaml.MappingNode:
		if d.apiVersion == kubeadmV1beta4 {
			d.note(n, check.Error, "%s is a map (the form of %s): %s wants a list of {name, value}", path, kubeadmV1beta3, kubeadmV1beta4)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			name, value := n.Content[i].Value, n.Content[i+1]
			if v, ok := d.str(value, path+"."+name); ok {
				out[name] = d.setting(resolve(value), check.Redact(name, v), path+" "+name)
			}
		}
	case yaml.SequenceNode:
		if d.apiVersion == kubeadmV1beta3 {
			d.note(n, check.Error, "%s is a list (the form of %s): %s wants a map", path, kubeadmV1beta4, kubeadmV1beta3)
		}
		for i, item := range d.list(n, path) {
			d.extraArg(item, fmt.Sprintf("%s[%d]", path, i), path, out)
		}
	default:
		d.wrongType(n, path, "a map or a list of {name, value}")
	}
	return out
}

// extraArg reads one {name, value} of a v1beta4 list.
func (d *doc) extraArg(item *yaml.Node, field, path string, out map[string]check.Setting) {
	if item.Kind != yaml.MappingNode {
		d.wrongType(item, field, "a mapping of name and value")
		return
	}
	name, ok := d.str(lookup(item, "name"), field+".name")
	if !ok || name == "" {
		d.note(item, check.Error, "%s has no name", field)
		return
	}
	value, at := "", item
	if n := lookup(item, "value"); n != nil && !isNull(n) {
		v, ok := d.str(n, field+".value")
		if !ok {
			return
		}
		value, at = v, n
	}
	out[name] = d.setting(at, check.Redact(name, value), path+" "+name)
}

// isVersion says whether s is a Kubernetes version.
func isVersion(s string) bool {
	_, err := version.ParseGeneric(s)
	return err == nil
}
