package files

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// lookalike says what a document that no format reads looks like ("it
// looks like a k3s or RKE2 config.yaml"), or "" when it cannot tell. Only
// documents no format of the registry (Formats) reads are asked, so a
// format added there silences its lookalike by itself: these say what a
// document is, never whether check reads it.
func lookalike(d *doc) string {
	for _, like := range lookalikes {
		if s := like(d); s != "" {
			return s
		}
	}
	return ""
}

var lookalikes = []func(*doc) string{removedKubeadm, configurationConfigMap, policyList, byAPIGroup, byKeys}

// removedKubeadmVersions are the kubeadm API versions kubeadm refuses, and
// the kubeadm release that began to refuse each: the comments of
// cmd/kubeadm/app/util/config/common.go validateSupportedVersion.
var removedKubeadmVersions = map[string]string{
	"v1alpha1": "v1.12",
	"v1alpha2": "v1.13",
	"v1alpha3": "v1.15",
	"v1beta1":  "v1.22",
	"v1beta2":  "v1.27",
}

func removedKubeadm(d *doc) string {
	group, version, _ := strings.Cut(d.APIVersion, "/")
	if removed, ok := removedKubeadmVersions[version]; ok && group == "kubeadm.k8s.io" {
		return fmt.Sprintf("it is a kubeadm %s configuration, which kubeadm removed in %s", version, removed)
	}
	return ""
}

// configMapKeys are the kube-system ConfigMaps a live check reads
// configuration from, and the key that holds it.
var configMapKeys = map[string]string{"kubeadm-config": "ClusterConfiguration", "kube-proxy": "config.conf", "kubelet-config": "kubelet"}

func configurationConfigMap(d *doc) string {
	if d.kind != "ConfigMap" || d.APIVersion != "v1" {
		return ""
	}
	name, _ := source.Scalar(lookup(d.Root, "metadata", "name"))
	if key, ok := configMapKeys[name]; ok {
		return fmt.Sprintf("it looks like the ConfigMap kube-system/%s, which a live check reads: save its data key %s to a file to audit it", name, key)
	}
	return ""
}

// policyList: the gatherer reads documents, not Lists (kubectl get -o
// yaml's output), so the NetworkPolicies of a List go unaudited.
func policyList(d *doc) string {
	items := lookup(d.Root, "items")
	if d.kind != "List" || items == nil || items.Kind != yaml.SequenceNode {
		return ""
	}
	n := 0
	for _, item := range items.Content {
		if kind, _ := source.Scalar(lookup(source.Resolve(item), "kind")); kind == "NetworkPolicy" {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	what := fmt.Sprintf("%d NetworkPolicies", n)
	if n == 1 {
		what = "a NetworkPolicy"
	}
	return fmt.Sprintf("it is a List holding %s, and check reads NetworkPolicy documents, not Lists: give each policy as a document of its own (separated by ---) to audit it", what)
}

// groupLookalikes name configurations by their apiVersion's group.
var groupLookalikes = map[string]string{
	"k0s.k0sproject.io":             "a k0s configuration",
	"k0sctl.k0sproject.io":          "a k0sctl configuration",
	"cluster.x-k8s.io":              "a Cluster API object",
	"controlplane.cluster.x-k8s.io": "a Cluster API control plane",
	"bootstrap.cluster.x-k8s.io":    "a Cluster API bootstrap configuration",
	"eksctl.io":                     "an eksctl configuration",
	"config.openshift.io":           "an OpenShift cluster configuration",
}

func byAPIGroup(d *doc) string {
	group, _, ok := strings.Cut(d.APIVersion, "/")
	if what := groupLookalikes[group]; ok && what != "" {
		return "it looks like " + what
	}
	return ""
}

// keyLookalikes name configurations without kind by their top-level keys:
// a document with every key of all, and one of any (when set).
var keyLookalikes = []struct {
	all, any []string
	what     string
}{
	{any: []string{"cluster-cidr", "service-cidr", "cluster-dns", "node-ip", "node-external-ip", "kube-apiserver-arg", "kube-controller-manager-arg", "kube-proxy-arg", "kubelet-arg", "flannel-backend", "write-kubeconfig-mode", "tls-san"},
		what: "a k3s or RKE2 config.yaml"},
	{all: []string{"machine", "cluster"}, what: "a Talos machine configuration"},
	{all: []string{"baseDomain", "platform"}, what: "an OpenShift install-config.yaml"},
	{any: []string{"kube_pods_subnet", "kube_service_addresses", "kube_pods_subnet_ipv6", "kube_service_addresses_ipv6", "kube_network_node_prefix", "enable_dual_stack_networks", "ipv4_stack", "ipv6_stack", "kube_network_plugin"},
		what: "kubespray inventory group_vars"},
}

func byKeys(d *doc) string {
	if d.kind != "" {
		return ""
	}
	var keys []string
	for i := 0; i+1 < len(d.Root.Content); i += 2 {
		keys = append(keys, d.Root.Content[i].Value)
	}
	has := func(k string) bool { return slices.Contains(keys, k) }
	for _, like := range keyLookalikes {
		if !slices.ContainsFunc(like.all, func(k string) bool { return !has(k) }) && (len(like.any) == 0 || slices.ContainsFunc(like.any, has)) {
			return "it looks like " + like.what
		}
	}
	return ""
}

// lookup is the value at a path of keys below mapping n, nil when absent.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		n = source.Lookup(n, k)
	}
	return n
}
