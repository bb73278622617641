package e2e

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
)

var controlPlane = []string{localcluster.APIServer, localcluster.ControllerManager, localcluster.Scheduler}

// TestKubeadmLook: the local cluster shows a read-only client what a
// kubeadm cluster shows in kube-system, and it agrees with what runs.
func TestKubeadmLook(t *testing.T) {
	for _, tt := range []struct {
		layout                           localcluster.Layout
		serviceRange, podRange           string
		dnsIP, proxyBind                 string
		masks                            []any
		primaryFamily                    corev1.IPFamily
		apiserverFlag, controllerMgrFlag string
	}{
		{
			localcluster.DualStackIPv4Primary, "10.96.0.0/16,fd00:10:96::/112", "10.244.0.0/16,fd00:10:244::/56", "10.96.0.10", "0.0.0.0",
			[]any{nameValue("node-cidr-mask-size-ipv4", "24"), nameValue("node-cidr-mask-size-ipv6", "64")}, corev1.IPv4Protocol,
			"--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56",
		},
		{
			localcluster.DualStackIPv6Primary, "fd00:10:96::/112,10.96.0.0/16", "fd00:10:244::/56,10.244.0.0/16", "fd00:10:96::a", "::",
			[]any{nameValue("node-cidr-mask-size-ipv6", "64"), nameValue("node-cidr-mask-size-ipv4", "24")}, corev1.IPv6Protocol,
			"--service-cluster-ip-range=fd00:10:96::/112,10.96.0.0/16", "--cluster-cidr=fd00:10:244::/56,10.244.0.0/16",
		},
	} {
		t.Run(string(tt.layout), func(t *testing.T) {
			c := startCluster(t, localcluster.Config{Layout: tt.layout, Nodes: 2})
			client := kubernetes.NewForConfigOrDie(c.RESTConfig)
			version := serverVersion(t, client)

			pods := mirrorPods(t, c, client)
			assertContains(t, "kube-apiserver command", pods[localcluster.APIServer].Spec.Containers[0].Command, tt.apiserverFlag)
			assertContains(t, "kube-controller-manager command", pods[localcluster.ControllerManager].Spec.Containers[0].Command, tt.controllerMgrFlag)

			kubeadm := configMapDoc(t, client, "kubeadm-config", "ClusterConfiguration")
			for path, want := range map[string]any{
				"apiVersion":                  "kubeadm.k8s.io/v1beta4",
				"kind":                        "ClusterConfiguration",
				"kubernetesVersion":           version,
				"networking.serviceSubnet":    tt.serviceRange,
				"networking.podSubnet":        tt.podRange,
				"networking.dnsDomain":        "cluster.local",
				"controllerManager.extraArgs": tt.masks,
			} {
				assertField(t, "kubeadm-config", kubeadm, path, want)
			}

			proxy := configMapDoc(t, client, "kube-proxy", "config.conf")
			for path, want := range map[string]any{
				"apiVersion":      "kubeproxy.config.k8s.io/v1alpha1",
				"kind":            "KubeProxyConfiguration",
				"bindAddress":     tt.proxyBind,
				"clusterCIDR":     tt.podRange,
				"mode":            "iptables",
				"detectLocalMode": "ClusterCIDR",
			} {
				assertField(t, "kube-proxy config.conf", proxy, path, want)
			}
			assertField(t, "kube-proxy kubeconfig.conf", configMapDoc(t, client, "kube-proxy", "kubeconfig.conf"), "kind", "Config")
			assertKubeProxyPods(t, client, version, 2)

			kubelet := configMapDoc(t, client, "kubelet-config", "kubelet")
			assertField(t, "kubelet-config", kubelet, "apiVersion", "kubelet.config.k8s.io/v1beta1")
			assertField(t, "kubelet-config", kubelet, "clusterDNS", []any{tt.dnsIP})
			assertField(t, "kubelet-config", kubelet, "clusterDomain", "cluster.local")

			dns := getService(t, client, "kube-system", "kube-dns")
			if dns.Spec.ClusterIP != tt.dnsIP || !slices.Equal(dns.Spec.IPFamilies, []corev1.IPFamily{tt.primaryFamily}) ||
				*dns.Spec.IPFamilyPolicy != corev1.IPFamilyPolicySingleStack || dns.Labels["k8s-app"] != "kube-dns" || dns.Spec.Selector["k8s-app"] != "kube-dns" {
				t.Errorf("kube-dns: clusterIP %s, families %v, policy %s, labels %v, selector %v; want %s, [%s], SingleStack, k8s-app=kube-dns",
					dns.Spec.ClusterIP, dns.Spec.IPFamilies, *dns.Spec.IPFamilyPolicy, dns.Labels, dns.Spec.Selector, tt.dnsIP, tt.primaryFamily)
			}
			var ports []string
			for _, p := range dns.Spec.Ports {
				ports = append(ports, fmt.Sprintf("%s %d/%s", p.Name, p.Port, p.Protocol))
			}
			if want := []string{"dns 53/UDP", "dns-tcp 53/TCP", "metrics 9153/TCP"}; !slices.Equal(ports, want) {
				t.Errorf("kube-dns ports %v, want %v", ports, want)
			}

			// The plugin's own gatherer finds every kubeadm source.
			facts, err := live.Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, source := range []check.Source{check.SourceControlPlane, check.SourceKubeadm, check.SourceKubeProxy, check.SourceKubelet} {
				if why, missing := facts.Unavailable[source]; missing {
					t.Errorf("the check gatherer could not read %s: %s", source, why)
				}
			}
			if apiservers := facts.ComponentsOf(check.APIServer); len(apiservers) != 1 || apiservers[0].Settings["service-cluster-ip-range"].Value != tt.serviceRange {
				t.Errorf("gathered kube-apiserver components %+v, want one with --service-cluster-ip-range=%s", apiservers, tt.serviceRange)
			}
		})
	}
}

// TestKubeadmLookMisconfigured: a misconfiguration a test asks for shows
// where a checker would find it on a kubeadm cluster.
func TestKubeadmLookMisconfigured(t *testing.T) {
	c := startCluster(t, localcluster.Config{
		Nodes: 2,
		ExtraArgs: map[string][]string{
			// IPv4 services only on a dual-stack cluster.
			localcluster.APIServer:         {"--service-cluster-ip-range=10.96.0.0/16"},
			localcluster.ControllerManager: {"--node-cidr-mask-size-ipv4=25"},
		},
		KubeProxyClusterCIDR: ptrTo("10.244.0.0/16"),
		NodeIPFamilies:       map[string][]corev1.IPFamily{"node-2": {corev1.IPv4Protocol}},
	})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)

	pods := mirrorPods(t, c, client)
	if cmd := pods[localcluster.APIServer].Spec.Containers[0].Command; cmd[len(cmd)-1] != "--service-cluster-ip-range=10.96.0.0/16" {
		t.Errorf("kube-apiserver command does not end with the extra flag: %v", cmd)
	}
	assertContains(t, "kube-controller-manager command", pods[localcluster.ControllerManager].Spec.Containers[0].Command, "--node-cidr-mask-size-ipv4=25")

	// kubeadm-config follows the flags that win; kube-proxy does not.
	kubeadm := configMapDoc(t, client, "kubeadm-config", "ClusterConfiguration")
	assertField(t, "kubeadm-config", kubeadm, "networking.serviceSubnet", "10.96.0.0/16")
	assertField(t, "kubeadm-config", kubeadm, "networking.podSubnet", "10.244.0.0/16,fd00:10:244::/56")
	assertField(t, "kubeadm-config", kubeadm, "controllerManager.extraArgs",
		[]any{nameValue("node-cidr-mask-size-ipv4", "25"), nameValue("node-cidr-mask-size-ipv6", "64")})
	assertField(t, "kube-proxy config.conf", configMapDoc(t, client, "kube-proxy", "config.conf"), "clusterCIDR", "10.244.0.0/16")
	assertField(t, "kubelet-config", configMapDoc(t, client, "kubelet-config", "kubelet"), "clusterDNS", []any{"10.96.0.10"})

	// node-2 registered its IPv4 address only; its host-network pod has just that.
	node2, err := client.CoreV1().Nodes().Get(context.Background(), "node-2", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := internalIPs(*node2); !slices.Equal(got, []string{"172.18.0.3"}) {
		t.Errorf("node-2 InternalIPs = %v, want [172.18.0.3]", got)
	}
	for _, pod := range assertKubeProxyPods(t, client, serverVersion(t, client), 2) {
		want := map[string][]string{"node-1": {"172.18.0.2", "fc00:f853:ccd:e793::2"}, "node-2": {"172.18.0.3"}}[pod.Spec.NodeName]
		if !slices.Equal(podIPs(pod), want) {
			t.Errorf("pod %s has IPs %v, want %v", pod.Name, podIPs(pod), want)
		}
	}
}

// TestKubeadmLookSkipped: SkipKubeadmLook leaves kube-system as a managed
// control plane shows it, and the checker says so.
func TestKubeadmLookSkipped(t *testing.T) {
	c := startCluster(t, localcluster.Config{Nodes: 1, SkipKubeadmLook: true})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	if pods, err := client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{}); err != nil || len(pods.Items) > 0 {
		t.Errorf("kube-system pods: %d (%v), want none", len(pods.Items), err)
	}
	for _, name := range []string{"kubeadm-config", "kube-proxy", "kubelet-config"} {
		if _, err := client.CoreV1().ConfigMaps("kube-system").Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("ConfigMap kube-system/%s: %v, want NotFound", name, err)
		}
	}
	if _, err := client.CoreV1().Services("kube-system").Get(ctx, "kube-dns", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("Service kube-system/kube-dns: %v, want NotFound", err)
	}
	facts, err := live.Gatherer{Client: client, ChunkSize: 500}.Gather(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, missing := facts.Unavailable[check.SourceControlPlane]; !missing || facts.Kubeadm != nil {
		t.Errorf("gatherer: control plane unavailable=%v, kubeadm %+v; want unavailable and none", missing, facts.Kubeadm)
	}
}

// mirrorPods checks the three control-plane mirror pods on node-1 and
// returns them by component: shaped as a kubelet makes them, running with
// node-1's IPs, and their command is the component's real command line.
func mirrorPods(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) map[string]*corev1.Pod {
	t.Helper()
	ctx := context.Background()
	node, err := client.CoreV1().Nodes().Get(ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	version := serverVersion(t, client)
	out := map[string]*corev1.Pod{}
	for _, component := range controlPlane {
		pod, err := client.CoreV1().Pods("kube-system").Get(ctx, component+"-node-1", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out[component] = pod
		if pod.Labels["component"] != component || pod.Labels["tier"] != "control-plane" {
			t.Errorf("%s labels %v", pod.Name, pod.Labels)
		}
		if pod.Annotations[corev1.MirrorPodAnnotationKey] == "" || pod.Annotations["kubernetes.io/config.source"] != "file" {
			t.Errorf("%s annotations %v: not a mirror pod of a file", pod.Name, pod.Annotations)
		}
		if refs := pod.OwnerReferences; len(refs) != 1 || refs[0].Kind != "Node" || refs[0].Name != "node-1" || refs[0].UID != node.UID || refs[0].Controller == nil || !*refs[0].Controller {
			t.Errorf("%s ownerReferences %+v, want node-1 as controller", pod.Name, refs)
		}
		// The Priority admission plugin resolved the class: it exists by default.
		if !pod.Spec.HostNetwork || pod.Spec.NodeName != "node-1" || pod.Spec.PriorityClassName != "system-node-critical" || pod.Spec.Priority == nil || *pod.Spec.Priority != 2000001000 {
			t.Errorf("%s: hostNetwork %v, node %q, priority %q/%v", pod.Name, pod.Spec.HostNetwork, pod.Spec.NodeName, pod.Spec.PriorityClassName, pod.Spec.Priority)
		}
		container := pod.Spec.Containers[0]
		if want := "registry.k8s.io/" + component + ":" + version; container.Image != want {
			t.Errorf("%s image %s, want %s", pod.Name, container.Image, want)
		}
		want := append([]string{component}, processArgs(t, c.PIDs()[component])[1:]...)
		if !slices.Equal(container.Command, want) {
			t.Errorf("%s command differs from the process's:\n pod:     %v\n process: %v", pod.Name, container.Command, want)
		}
		if pod.Status.Phase != corev1.PodRunning || !slices.Equal(podIPs(*pod), internalIPs(*node)) || pod.Status.HostIP != internalIPs(*node)[0] {
			t.Errorf("%s: phase %s, IPs %v, host IP %s; want Running with node-1's %v", pod.Name, pod.Status.Phase, podIPs(*pod), pod.Status.HostIP, internalIPs(*node))
		}
	}
	return out
}

// assertKubeProxyPods checks the kube-proxy pod of each node and returns them.
func assertKubeProxyPods(t *testing.T, client kubernetes.Interface, version string, nodes int) []corev1.Pod {
	t.Helper()
	ctx := context.Background()
	pods, err := client.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{LabelSelector: "k8s-app=kube-proxy"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != nodes {
		t.Fatalf("%d kube-proxy pods, want %d", len(pods.Items), nodes)
	}
	for _, pod := range pods.Items {
		node, err := client.CoreV1().Nodes().Get(ctx, pod.Spec.NodeName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		c := pod.Spec.Containers[0]
		wantCmd := []string{"/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"}
		if pod.Name != "kube-proxy-"+node.Name || !pod.Spec.HostNetwork || !slices.Equal(c.Command, wantCmd) || c.Image != "registry.k8s.io/kube-proxy:"+version {
			t.Errorf("pod %s on %s: hostNetwork %v, command %v, image %s", pod.Name, node.Name, pod.Spec.HostNetwork, c.Command, c.Image)
		}
		if pod.Status.Phase != corev1.PodRunning || !slices.Equal(podIPs(pod), internalIPs(*node)) {
			t.Errorf("pod %s: phase %s, IPs %v; want Running with %s's %v", pod.Name, pod.Status.Phase, podIPs(pod), node.Name, internalIPs(*node))
		}
	}
	return pods.Items
}

// configMapDoc decodes one YAML document of a kube-system ConfigMap.
func configMapDoc(t *testing.T, client kubernetes.Interface, name, key string) map[string]any {
	t.Helper()
	cm, err := client.CoreV1().ConfigMaps("kube-system").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(cm.Data[key]), &doc); err != nil || doc == nil {
		t.Fatalf("ConfigMap kube-system/%s %s is not a YAML document (%v):\n%s", name, key, err, cm.Data[key])
	}
	return doc
}

// assertField compares the value at a dotted path of a decoded document.
func assertField(t *testing.T, what string, doc map[string]any, path string, want any) {
	t.Helper()
	var got any = doc
	for _, key := range strings.Split(path, ".") {
		m, _ := got.(map[string]any)
		got = m[key]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s %s = %#v, want %#v", what, path, got, want)
	}
}

func nameValue(name, value string) any { return map[string]any{"name": name, "value": value} }

func assertContains(t *testing.T, what string, list []string, want string) {
	t.Helper()
	if !slices.Contains(list, want) {
		t.Errorf("%s %v lacks %s", what, list, want)
	}
}

func serverVersion(t *testing.T, client kubernetes.Interface) string {
	t.Helper()
	v, err := client.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	return v.GitVersion
}

// processArgs is a running process's command line.
func processArgs(t *testing.T, pid int) []string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}
