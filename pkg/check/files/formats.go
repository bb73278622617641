package files

import (
	"cmp"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// Format is an input format of `check --from-file`: what it is, how a file
// or document of it is recognised, and its reader. A format's documents
// are recognised by their kind and apiVersion, or, when no format reads
// their kind, by their file's name and keys (Shape); a format whose files
// are not YAML documents, by the file's name and content (File).
type Format struct {
	// Name is short, stable and kebab-case.
	Name string
	// Description says what the format is, in one line for people.
	Description string

	// Kinds and APIVersions recognise the format's YAML documents; Names,
	// when set, keeps only those of these metadata.names (a ConfigMap).
	Kinds, APIVersions, Names []string
	// Label names the format's documents in provenance when their kind
	// alone says too little; "" names them by their kind.
	Label string
	// Patch: the format's documents may also be kubeadmConfigPatches of a
	// kind Cluster, without the apiVersion kind fills in.
	Patch bool
	// Shape says for people which documents of no known kind are the
	// format's (an installer's file, Ansible variables, Talos's machine
	// configuration), and matchShape recognises one by its file's name
	// and top-level mapping.
	Shape      string
	matchShape func(name string, root *yaml.Node) bool
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
		Name:         "capi-cluster",
		Description:  "Cluster API Clusters (spec.clusterNetwork)",
		Kinds:        []string{"Cluster"},
		APIVersions:  []string{"cluster.x-k8s.io/v1beta1", "cluster.x-k8s.io/v1beta2"},
		Label:        "Cluster API Cluster",
		readDocument: (*doc).capiCluster,
	}, {
		Name:         "capi-kubeadm-control-plane",
		Description:  "Cluster API KubeadmControlPlane(Template)s, with their kubeadm configuration",
		Kinds:        []string{"KubeadmControlPlane", "KubeadmControlPlaneTemplate"},
		APIVersions:  []string{"controlplane.cluster.x-k8s.io/v1beta1", "controlplane.cluster.x-k8s.io/v1beta2"},
		readDocument: (*doc).capiKubeadm,
	}, {
		Name:         "capi-kubeadm-config",
		Description:  "Cluster API KubeadmConfig(Template)s, with their kubeadm configuration",
		Kinds:        []string{"KubeadmConfig", "KubeadmConfigTemplate"},
		APIVersions:  []string{"bootstrap.cluster.x-k8s.io/v1beta1", "bootstrap.cluster.x-k8s.io/v1beta2"},
		readDocument: (*doc).capiKubeadm,
	}, {
		Name:         "k0s-config",
		Description:  "k0s ClusterConfigs (k0s.yaml)",
		Kinds:        []string{"ClusterConfig"},
		APIVersions:  []string{"k0s.k0sproject.io/v1beta1"},
		Label:        "k0s ClusterConfig",
		readDocument: (*doc).k0sClusterConfig,
	}, {
		Name:         "k0sctl-config",
		Description:  "k0sctl Clusters, with the k0s ClusterConfig at spec.k0s.config",
		Kinds:        []string{"Cluster"},
		APIVersions:  []string{"k0sctl.k0sproject.io/v1beta1"},
		Label:        "k0sctl Cluster",
		readDocument: (*doc).k0sctlCluster,
	}, {
		Name:         "talos-machine-config",
		Description:  "Talos v1alpha1 machine configurations (controlplane.yaml, worker.yaml)",
		Shape:        "a document without kind with `version: v1alpha1` and a `machine` or `cluster` mapping",
		matchShape:   isTalosMachineConfig,
		Label:        "Talos machine config",
		readDocument: (*doc).talosMachineConfig,
	}, {
		Name:         "talos-kube-network-config",
		Description:  "Talos KubeNetworkConfig documents",
		Kinds:        []string{"KubeNetworkConfig"},
		APIVersions:  []string{"v1alpha1"},
		readDocument: (*doc).talosKubeNetworkConfig,
	}, {
		Name:        "kubelet-flags-env",
		Description: "kubelet flag files (kubeadm-flags.env, /etc/default/kubelet)",
		File:        "a file named *.env, or one not named *.yaml, *.yml or *.json whose lines are all shell variable assignments or comments",
		matchFile:   isEnvFile,
		readFile:    (*fileReader).env,
	}, {
		Name:         "openshift-install",
		Description:  "OpenShift install-config.yaml (openshift-install, the agent-based installer)",
		Shape:        "a YAML document of no known kind with a `platform` mapping, in a file named install-config.yaml or also holding `metadata` and `networking` or `baseDomain`",
		Label:        "OpenShift install-config",
		matchShape:   isInstallConfig,
		readDocument: (*doc).openshiftInstallConfig,
	}, {
		Name:         "kubespray-vars",
		Description:  "kubespray inventory group_vars (k8s_cluster/k8s-cluster.yml, k8s-net-*.yml, all/all.yml)",
		Shape:        "a YAML document of no known kind whose top-level keys include a kubespray variable (`kube_*`, `calico_*`, `cilium_*`, `ipv4_stack`, `ipv6_stack`, `enable_dual_stack_networks`)",
		Label:        "kubespray group_vars",
		matchShape:   isKubesprayVars,
		readDocument: (*doc).kubesprayVars,
	}, {
		Name:         "eksctl-config",
		Description:  "eksctl ClusterConfig (eksctl create cluster -f)",
		Kinds:        []string{"ClusterConfig"},
		APIVersions:  []string{"eksctl.io/v1alpha5"},
		readDocument: (*doc).eksctlClusterConfig,
	}, {
		Name:        "k3s-config",
		Description: "k3s and RKE2 config.yaml and config.yaml.d drop-ins, merged per node as k3s merges them",
		File:        "config.yaml or config.yaml.d/*.yaml under rancher/k3s or rancher/rke2, or a YAML mapping without kind of k3s flags (cluster-cidr, service-cidr, node-ip, ...) to values",
		matchFile:   isK3sConfig,
		readFile:    (*fileReader).k3sConfig,
	}, {
		Name:         "cilium-config",
		Description:  "Cilium's ConfigMap cilium-config (enable-ipv4, enable-ipv6, ipam, cluster-pool and native-routing CIDRs)",
		Kinds:        []string{"ConfigMap"},
		APIVersions:  []string{"v1"},
		Names:        []string{"cilium-config"},
		Label:        "ConfigMap cilium-config",
		readDocument: (*doc).ciliumConfig,
	}, {
		Name:         "flannel-config",
		Description:  "flannel's ConfigMap kube-flannel-cfg, or Canal's canal-config (net-conf.json: Network, IPv6Network, EnableIPv4, EnableIPv6)",
		Kinds:        []string{"ConfigMap"},
		APIVersions:  []string{"v1"},
		Names:        []string{"kube-flannel-cfg", "canal-config", "rke2-canal-config"},
		readDocument: (*doc).flannelConfig,
	}, {
		Name:         "calico-config",
		Description:  "the ConfigMap calico-config of Calico's manifests (the IPAM of its cni_network_config)",
		Kinds:        []string{"ConfigMap"},
		APIVersions:  []string{"v1"},
		Names:        []string{"calico-config"},
		Label:        "ConfigMap calico-config",
		readDocument: (*doc).calicoConfig,
	}, {
		Name:         "calico-ippool",
		Description:  "Calico IPPools (crd.projectcalico.org/v1 and projectcalico.org/v3)",
		Kinds:        []string{"IPPool"},
		APIVersions:  []string{"crd.projectcalico.org/v1", "projectcalico.org/v3"},
		Label:        "Calico IPPool",
		readDocument: (*doc).calicoIPPool,
	}, {
		Name:         "calico-installation",
		Description:  "the Tigera operator's Installation (spec.cni.ipam.type, spec.calicoNetwork.ipPools)",
		Kinds:        []string{"Installation"},
		APIVersions:  []string{"operator.tigera.io/v1"},
		Label:        "Tigera operator Installation",
		readDocument: (*doc).calicoInstallation,
	}, {
		Name:         "networkpolicy",
		Description:  "NetworkPolicy manifests (a GitOps repository's, say), each its own document",
		Kinds:        []string{"NetworkPolicy"},
		APIVersions:  []string{"networking.k8s.io/v1"},
		readDocument: (*doc).networkPolicy,
	}}
}

// ofKind are the formats whose documents may be of kind (and named name,
// for a format that reads some names only), in the table's order; a kind
// patch's only those that may be patches.
func ofKind(formats []Format, kind, name string, patch bool) []Format {
	var out []Format
	for _, f := range formats {
		if slices.Contains(f.Kinds, kind) && (f.Patch || !patch) && (len(f.Names) == 0 || slices.Contains(f.Names, name)) {
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

// ofShape is the format of formats that recognises a document of no
// known kind by its file's name and keys, nil when none does.
func ofShape(formats []Format, name string, root *yaml.Node) *Format {
	for i, f := range formats {
		if f.matchShape != nil && f.matchShape(name, root) {
			return &formats[i]
		}
	}
	return nil
}

// label names a document of kind in provenance: as its reader's Label
// says, else (read by none) as the first format of that kind with a Label
// says, else by the kind.
func label(formats []Format, reader *Format, kind, name string) string {
	if reader != nil {
		return cmp.Or(reader.Label, kind)
	}
	for _, f := range ofKind(formats, kind, name, false) {
		if f.Label != "" {
			return f.Label
		}
	}
	return kind
}
