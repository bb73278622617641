package edit

// editors edit the documents of each format of the files gatherer's
// registry (files.Formats), by its name; nil for a format whose values
// dual-stack leaves as they are. A format missing here is noted, never
// skipped silently (TestEveryFormatHasAnEditor).
var editors = map[string]func(*doc){
	"static-pod":                 (*doc).staticPod,
	"kubeadm":                    (*doc).kubeadm,
	"kube-proxy-config":          (*doc).kubeProxyConfig,
	"kubelet-config":             nil, // clusterDNS may stay one family; the node IP is not in it
	"kind-config":                (*doc).kindCluster,
	"capi-cluster":               (*doc).capiCluster,
	"capi-kubeadm-control-plane": (*doc).capiKubeadm,
	"capi-kubeadm-config":        (*doc).capiKubeadm,
	"k0s-config":                 (*doc).k0sClusterConfig,
	"k0sctl-config":              (*doc).k0sctlCluster,
	"talos-machine-config":       (*doc).talosMachineConfig,
	"talos-kube-network-config":  (*doc).talosKubeNetworkConfig,
	"openshift-install":          (*doc).openshiftInstallConfig,
	"kubespray-vars":             nil, // a whole inventory's variables: editKubespray
	"eksctl-config":              (*doc).eksctlClusterConfig,
	"k3s-config":                 nil, // a node's files together: editK3s
	// The network plugins' configurations: plan's cni step says what to
	// change in them; their pools are the user's to choose.
	"cilium-config":       nil,
	"flannel-config":      nil,
	"calico-config":       nil,
	"calico-ippool":       nil,
	"calico-installation": nil,
	"networkpolicy":       nil, // plan does not edit policies: which IPv6 ranges match an IPv4 ipBlock is the user's to say
}

// fileEditors edit the formats whose files are not YAML documents.
var fileEditors = map[string]func(*fileEdit){
	"kubelet-flags-env": (*fileEdit).kubeletFlagsEnv,
}
