package source

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// The versions of kubeadm's configuration that check reads. Their
// networking, extraArgs and kubeletExtraArgs fields are alike, but for
// the form of extra arguments: a map up to v1beta3, a list of {name,
// value} from v1beta4.
const (
	KubeadmV1beta1 = "kubeadm.k8s.io/v1beta1"
	KubeadmV1beta2 = "kubeadm.k8s.io/v1beta2"
	KubeadmV1beta3 = "kubeadm.k8s.io/v1beta3"
	KubeadmV1beta4 = "kubeadm.k8s.io/v1beta4"
	KubeadmV1      = "kubeadm.k8s.io/v1"
)

// KubeadmVersions lists them, oldest first.
var KubeadmVersions = []string{KubeadmV1beta1, KubeadmV1beta2, KubeadmV1beta3, KubeadmV1beta4, KubeadmV1}

// argsAsList says whether a kubeadm version writes extra arguments as a
// list of {name, value}; known is false for a version check does not
// read (a kind patch's, which kind chooses).
func argsAsList(apiVersion string) (list, known bool) {
	switch apiVersion {
	case KubeadmV1beta1, KubeadmV1beta2, KubeadmV1beta3:
		return false, true
	case KubeadmV1beta4, KubeadmV1:
		return true, true
	}
	return false, false
}

// ClusterConfiguration is what a kubeadm ClusterConfiguration says that
// the rules read; what the document leaves out is nil.
type ClusterConfiguration struct {
	PodSubnet, ServiceSubnet *check.Setting
	// ExtraArgs are the flags of each component (apiServer,
	// controllerManager, scheduler) that has any.
	ExtraArgs         map[string]map[string]check.Setting
	KubernetesVersion *check.Setting
	// FeatureGates are kubeadm's own feature gates, each at its key.
	FeatureGates map[string]check.Setting
}

// ReadClusterConfiguration reads a kubeadm ClusterConfiguration.
func ReadClusterConfiguration(d *Document) ClusterConfiguration {
	c := ClusterConfiguration{
		PodSubnet:     Optional(d.Field("networking.podSubnet")),
		ServiceSubnet: Optional(d.Field("networking.serviceSubnet")),
		ExtraArgs:     map[string]map[string]check.Setting{},
	}
	for _, component := range []string{"apiServer", "controllerManager", "scheduler"} {
		if args := d.ExtraArgs(component + ".extraArgs"); len(args) > 0 {
			c.ExtraArgs[component] = args
		}
	}
	c.KubernetesVersion = Optional(d.Field("kubernetesVersion"))
	c.FeatureGates = d.FeatureGates("featureGates")
	return c
}

// ExtraArgs reads kubeadm extra arguments at path: a map up to v1beta3,
// a list of {name, value} from v1beta4 (either in a kind patch, whose
// version kind chooses). Values are redacted.
func (d *Document) ExtraArgs(path string) map[string]check.Setting {
	n := d.Get(path)
	if n == nil {
		return nil
	}
	out := map[string]check.Setting{}
	list, known := argsAsList(d.APIVersion)
	switch n.Kind {
	case yaml.MappingNode:
		if known && list {
			d.Note(n, check.Error, "%s is a map (the form of %s): %s wants a list of {name, value}", path, KubeadmV1beta3, d.APIVersion)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			name, value := n.Content[i].Value, n.Content[i+1]
			if v, ok := d.Str(value, path+"."+name); ok {
				out[name] = d.Setting(Resolve(value), Redact(name, v), path+" "+name)
			}
		}
	case yaml.SequenceNode:
		if known && !list {
			d.Note(n, check.Error, "%s is a list (the form of %s): %s wants a map", path, KubeadmV1beta4, d.APIVersion)
		}
		for i, item := range d.List(n, path) {
			d.extraArg(item, fmt.Sprintf("%s[%d]", path, i), path, out)
		}
	default:
		d.WrongType(n, path, "a map or a list of {name, value}")
	}
	return out
}

// extraArg reads one {name, value} of a v1beta4 list.
func (d *Document) extraArg(item *yaml.Node, field, path string, out map[string]check.Setting) {
	if item.Kind != yaml.MappingNode {
		d.WrongType(item, field, "a mapping of name and value")
		return
	}
	name, ok := d.Str(Lookup(item, "name"), field+".name")
	if !ok || name == "" {
		d.Note(item, check.Error, "%s has no name", field)
		return
	}
	value, at := "", item
	if n := Lookup(item, "value"); n != nil && !IsNull(n) {
		v, ok := d.Str(n, field+".value")
		if !ok {
			return
		}
		value, at = v, n
	}
	out[name] = d.Setting(at, Redact(name, value), path+" "+name)
}
