package live

import (
	"context"
	"errors"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// k3sNode is a node of a k3s cluster: its node-args annotation, kubelet
// version and first InternalIP.
func k3sNode(name, nodeArgs, ip string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{"k3s.io/node-args": nodeArgs}},
		Status: corev1.NodeStatus{
			NodeInfo:  corev1.NodeSystemInfo{KubeletVersion: "v1.33.1+k3s1"},
			Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}},
		},
	}
}

func gather(t *testing.T, objects ...runtime.Object) *check.Facts {
	t.Helper()
	f, err := Gatherer{Client: fake.NewClientset(objects...), ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// On k3s the node-args annotations are the control plane, kube-proxy and
// kubelets: their sources are no longer missing, the settings say they
// came from the annotation, and an agent's kube-proxy has the servers'
// cluster CIDR.
func TestGatherK3sNodeArgs(t *testing.T) {
	f := gather(t,
		k3sNode("node-1", `["server","--cluster-cidr","10.42.0.0/16,fd00:42::/56","--service-cidr","10.43.0.0/16,fd00:43::/112","--node-ip","192.168.1.10,2001:db8::10"]`, "192.168.1.10"),
		k3sNode("node-2", `["agent","--server","https://192.168.1.10:6443","--token","********","--kube-proxy-arg","nodeport-addresses=primary"]`, "192.168.1.11"),
	)
	for _, source := range []check.Source{check.SourceControlPlane, check.SourceKubeProxy} {
		if reason, missing := f.Unavailable[source]; missing {
			t.Errorf("%s unavailable: %s", source, reason)
		}
	}
	type instance struct{ kind, node string }
	got := map[instance]check.Component{}
	for _, c := range f.Components {
		got[instance{c.Kind, c.Instance}] = c
		if c.Version != "v1.33.1+k3s1" {
			t.Errorf("%s %s: version %q", c.Kind, c.Instance, c.Version)
		}
	}
	if len(got) != 6 {
		t.Errorf("components %+v, want the server's four and the agent's kubelet and kube-proxy", f.Components)
	}
	kcm := got[instance{check.ControllerManager, "node-1"}]
	if s := kcm.Settings["cluster-cidr"]; s.Value != "10.42.0.0/16,fd00:42::/56" || s.Source != "node node-1 annotation k3s.io/node-args, --cluster-cidr" {
		t.Errorf("controller-manager --cluster-cidr %+v", s)
	}
	proxy := got[instance{check.KubeProxy, "node-2"}]
	if s := proxy.Settings["cluster-cidr"]; s.Value != "10.42.0.0/16,fd00:42::/56" || !strings.Contains(s.Source, "node-1 annotation k3s.io/node-args, --cluster-cidr (the servers hand it to every agent's kube-proxy)") {
		t.Errorf("the agent's kube-proxy --cluster-cidr %+v", s)
	}
	if f.Distribution != "k3s" || f.DistributionSource != "node node-1 annotation k3s.io/node-args" {
		t.Errorf("distribution %q (%s)", f.Distribution, f.DistributionSource)
	}
}

// RKE2 runs static control-plane pods as well: both are kept, so that the
// rules compare them.
func TestGatherRKE2KeepsStaticPods(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-apiserver-node-1", Labels: map[string]string{"tier": "control-plane", "component": "kube-apiserver"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "kube-apiserver", Command: []string{"kube-apiserver", "--service-cluster-ip-range=10.43.0.0/16"}}}},
	}
	node := k3sNode("node-1", `["server"]`, "192.168.1.10")
	node.Annotations = map[string]string{"rke2.io/node-args": `["server","--service-cidr","10.43.0.0/16"]`}
	node.Status.NodeInfo.KubeletVersion = "v1.33.1+rke2r1"
	f := gather(t, pod, node)
	var sources []string
	for _, c := range f.ComponentsOf(check.APIServer) {
		sources = append(sources, c.Settings["service-cluster-ip-range"].Source)
	}
	want := []string{"pod kube-system/kube-apiserver-node-1, arg --service-cluster-ip-range", "node node-1 annotation rke2.io/node-args, --service-cidr"}
	if strings.Join(sources, "\n") != strings.Join(want, "\n") {
		t.Errorf("kube-apiservers read from %q, want %q", sources, want)
	}
	if f.Distribution != "rke2" {
		t.Errorf("distribution %q (%s)", f.Distribution, f.DistributionSource)
	}
}

// An annotation that does not parse is named in why the control plane
// could not be read.
func TestGatherBadNodeArgs(t *testing.T) {
	f := gather(t, k3sNode("node-1", `["server", --cluster-cidr]`, "192.168.1.10"))
	reason := f.Unavailable[check.SourceControlPlane]
	if !strings.HasPrefix(reason, noControlPlanePods+"; node node-1 annotation k3s.io/node-args: not a JSON array of strings") {
		t.Errorf("control plane unavailable: %q", reason)
	}
	if len(f.Components) != 0 {
		t.Errorf("components %+v", f.Components)
	}
}

func daemonSet(name string, containers ...corev1.Container) *appsv1.DaemonSet {
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: name},
		Spec:       appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: containers}}},
	}
}

// Without the kube-proxy ConfigMap, kube-proxy's flags are read from the
// command line of the DaemonSet that runs it; one reading a configuration
// file is not read, and says so.
func TestGatherKubeProxyDaemonSet(t *testing.T) {
	flags := corev1.Container{Name: "kube-proxy", Image: "registry.k8s.io/kube-proxy:v1.33.1",
		Command: []string{"/usr/local/bin/kube-proxy", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56", "--hostname-override=$(NODE_NAME)"}}
	f := gather(t, daemonSet("kube-proxy", flags), daemonSet("other", corev1.Container{Name: "agent", Command: []string{"agent"}}))
	proxies := f.ComponentsOf(check.KubeProxy)
	if len(proxies) != 1 {
		t.Fatalf("kube-proxies %+v", proxies)
	}
	c := proxies[0]
	if s := c.Settings["cluster-cidr"]; s.Value != "10.244.0.0/16,fd00:10:244::/56" || s.Source != "DaemonSet kube-system/kube-proxy, arg --cluster-cidr" || c.Version != "v1.33.1" {
		t.Errorf("kube-proxy %+v", c)
	}
	if _, missing := f.Unavailable[check.SourceKubeProxy]; missing {
		t.Errorf("kube-proxy unavailable: %v", f.Unavailable)
	}

	// A sidecar beside it: the container is named too. No command: the
	// image's entrypoint, by the container's name.
	f = gather(t, daemonSet("proxy", corev1.Container{Name: "sidecar"}, corev1.Container{Name: "kube-proxy", Args: []string{"--cluster-cidr=10.244.0.0/16"}}))
	if proxies := f.ComponentsOf(check.KubeProxy); len(proxies) != 1 || proxies[0].Settings["cluster-cidr"].Source != "DaemonSet kube-system/proxy container kube-proxy, arg --cluster-cidr" {
		t.Errorf("kube-proxies %+v", proxies)
	}

	for _, tt := range []struct {
		name string
		ds   *appsv1.DaemonSet
		want string
	}{
		{"config file", daemonSet("kube-proxy", corev1.Container{Name: "kube-proxy", Command: []string{"kube-proxy", "--config=/var/lib/kube-proxy-config/config", "--cluster-cidr=10.0.0.0/8"}}),
			"no ConfigMap kube-system/kube-proxy; DaemonSet kube-system/kube-proxy reads its configuration from --config=/var/lib/kube-proxy-config/config"},
		{"shell", daemonSet("kube-proxy", corev1.Container{Name: "proxy", Command: []string{"/bin/sh", "-c", "kube-proxy --cluster-cidr=10.0.0.0/8"}}),
			"no ConfigMap kube-system/kube-proxy; DaemonSet kube-system/kube-proxy runs no container whose command is kube-proxy"},
		{"none", daemonSet("cilium", corev1.Container{Name: "cilium-agent", Command: []string{"cilium-agent"}}), noKubeProxyConfig},
	} {
		f := gather(t, tt.ds)
		if got := f.Unavailable[check.SourceKubeProxy]; got != tt.want || len(f.ComponentsOf(check.KubeProxy)) != 0 {
			t.Errorf("%s: unavailable %q, want %q; kube-proxies %+v", tt.name, got, tt.want, f.ComponentsOf(check.KubeProxy))
		}
	}
}

// DaemonSets forbidden: the kube-proxy source says so.
func TestGatherKubeProxyDaemonSetsForbidden(t *testing.T) {
	client := fake.NewClientset()
	client.PrependReactor("list", "daemonsets", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: "daemonsets"}, "", errors.New("no"))
	})
	f, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Unavailable[check.SourceKubeProxy]; !strings.HasPrefix(got, "forbidden: ") {
		t.Errorf("kube-proxy unavailable: %q", got)
	}
}

func TestDistribution(t *testing.T) {
	node := func(mutate func(n *corev1.Node)) corev1.Node {
		n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}, Status: corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.33.1", OSImage: "Ubuntu 24.04 LTS"}}}
		mutate(&n)
		return n
	}
	version := func(v string) func(*corev1.Node) {
		return func(n *corev1.Node) { n.Status.NodeInfo.KubeletVersion = v }
	}
	for _, tt := range []struct {
		node       corev1.Node
		name, seen string
	}{
		{node(func(n *corev1.Node) {}), "", ""},
		{node(version("v1.33.1+k3s1")), "k3s", "node n1 kubeletVersion v1.33.1+k3s1"},
		{node(version("v1.33.1+rke2r1")), "rke2", "node n1 kubeletVersion v1.33.1+rke2r1"},
		{node(version("v1.33.1+k0s")), "k0s", "node n1 kubeletVersion v1.33.1+k0s"},
		{node(version("v1.33.0-eks-802817d")), "eks", "node n1 kubeletVersion v1.33.0-eks-802817d"},
		{node(version("v1.33.1-gke.1000")), "gke", "node n1 kubeletVersion v1.33.1-gke.1000"},
		{node(func(n *corev1.Node) { n.Status.NodeInfo.OSImage = "Talos (v1.10.0)" }), "talos", "node n1 osImage Talos (v1.10.0)"},
		{node(func(n *corev1.Node) { n.Labels = map[string]string{"node.openshift.io/os_id": "rhcos"} }), "openshift", "node n1 label node.openshift.io/os_id"},
		{node(func(n *corev1.Node) {
			n.Labels = map[string]string{"kubernetes.azure.com/cluster": "MC_rg_aks_westeurope"}
		}), "aks", "node n1 label kubernetes.azure.com/cluster"},
		{node(func(n *corev1.Node) { n.Spec.ProviderID = "kind://docker/kind/kind-control-plane" }), "kind", "node n1 providerID kind://docker/kind/kind-control-plane"},
		// The annotation is more specific than the version suffix.
		{node(func(n *corev1.Node) {
			n.Status.NodeInfo.KubeletVersion = "v1.33.1+k3s1"
			n.Annotations = map[string]string{"rke2.io/node-args": "[]"}
		}), "rke2", "node n1 annotation rke2.io/node-args"},
	} {
		name, seen := distribution([]corev1.Node{tt.node})
		if name != tt.name || seen != tt.seen {
			t.Errorf("%+v: %q (%s), want %q (%s)", tt.node.Status.NodeInfo, name, seen, tt.name, tt.seen)
		}
	}
}
