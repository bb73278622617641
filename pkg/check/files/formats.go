package files

import (
	"cmp"
	"slices"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// Format is an input format of `check --from-file`: what it is, how a file
// or document of it is recognised, and its reader. A format's documents
// are recognised by their kind and apiVersion; a format whose files carry
// no kind, by the file's name and shape (File).
type Format struct {
	// Name is short, stable and kebab-case.
	Name string
	// Description says what the format is, in one line for people.
	Description string

	// Kinds and APIVersions recognise the format's YAML documents.
	Kinds, APIVersions []string
	// Label names the format's documents in provenance when their kind
	// alone says too little; "" names them by their kind.
	Label string
	// Patch: the format's documents may also be kubeadmConfigPatches of a
	// kind Cluster, without the apiVersion kind fills in.
	Patch bool
	// readDocument reads one of the format's documents into the facts.
	readDocument func(*doc)

	// File says for people which files are the format's; matchFile
	// recognises one, tried before a file is read as YAML documents, and
	// readFile reads it into the facts.
	File      string
	matchFile func(name string, data []byte) bool
	readFile  func(*fileReader)
}

// Formats is the registry of input formats, in the order `check --help`
// and the README list them.
func Formats() []Format {
	return []Format{{
		Name:         "static-pod",
		Description:  "static pod manifests of the control plane and kube-proxy",
		Kinds:        []string{"Pod"},
		APIVersions:  []string{"v1"},
		readDocument: (*doc).staticPod,
	}, {
		Name:         "kubeadm",
		Description:  "kubeadm InitConfiguration, ClusterConfiguration and JoinConfiguration (v1beta1 to v1beta4, and the experimental v1)",
		Kinds:        []string{"InitConfiguration", "ClusterConfiguration", "JoinConfiguration"},
		APIVersions:  source.KubeadmVersions,
		Patch:        true,
		readDocument: (*doc).kubeadm,
	}, {
		Name:         "kube-proxy-config",
		Description:  "kube-proxy's KubeProxyConfiguration",
		Kinds:        []string{"KubeProxyConfiguration"},
		APIVersions:  []string{"kubeproxy.config.k8s.io/v1alpha1"},
		Patch:        true,
		readDocument: (*doc).kubeProxyConfiguration,
	}, {
		Name:         "kubelet-config",
		Description:  "the kubelet's KubeletConfiguration",
		Kinds:        []string{"KubeletConfiguration"},
		APIVersions:  []string{"kubelet.config.k8s.io/v1beta1"},
		Patch:        true,
		readDocument: (*doc).kubeletConfiguration,
	}, {
		Name:         "kind-config",
		Description:  "kind Cluster configurations, with their kubeadmConfigPatches",
		Kinds:        []string{"Cluster"},
		APIVersions:  []string{"kind.x-k8s.io/v1alpha4"},
		Label:        "kind Cluster",
		readDocument: (*doc).kindCluster,
	}, {
		Name:        "kubelet-flags-env",
		Description: "kubelet flag files (kubeadm-flags.env, /etc/default/kubelet)",
		File:        "a file named *.env, or one not named *.yaml, *.yml or *.json whose lines are all shell variable assignments or comments",
		matchFile:   isEnvFile,
		readFile:    (*fileReader).env,
	}, {
		Name:        "k3s-config",
		Description: "k3s and RKE2 config.yaml and config.yaml.d drop-ins, merged per node as k3s merges them",
		File:        "config.yaml or config.yaml.d/*.yaml under rancher/k3s or rancher/rke2, or a YAML mapping without kind of k3s flags (cluster-cidr, service-cidr, node-ip, ...) to values",
		matchFile:   isK3sConfig,
		readFile:    (*fileReader).k3sConfig,
	}}
}

// ofKind are the formats whose documents may be of kind, in the table's
// order; a kind patch's only those that may be patches.
func ofKind(formats []Format, kind string, patch bool) []Format {
	var out []Format
	for _, f := range formats {
		if slices.Contains(f.Kinds, kind) && (f.Patch || !patch) {
			out = append(out, f)
		}
	}
	return out
}

// readerOf is the format of formats (of a document's kind) that reads a
// document of apiVersion, nil when none does; a kind patch may leave the
// apiVersion out.
func readerOf(formats []Format, apiVersion string, patch bool) *Format {
	for i, f := range formats {
		if slices.Contains(f.APIVersions, apiVersion) || patch && apiVersion == "" {
			return &formats[i]
		}
	}
	return nil
}

// label names a document of kind in provenance: as its reader's Label
// says, else (read by none) as the first format of that kind with a Label
// says, else by the kind.
func label(formats []Format, reader *Format, kind string) string {
	if reader != nil {
		return cmp.Or(reader.Label, kind)
	}
	for _, f := range ofKind(formats, kind, false) {
		if f.Label != "" {
			return f.Label
		}
	}
	return kind
}
