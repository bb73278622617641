package e2e

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// misconfiguration is a local cluster made wrong on purpose, with real
// component flags or real objects, and the rules that must catch it.
type misconfiguration struct {
	name   string
	config localcluster.Config
	// breakIt changes the running cluster (after the demo workload runs).
	breakIt func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface)
	args    []string // extra check flags
	// workload are the testdata/demo files applied first (all when nil;
	// none on the single-stack layout).
	workload []string
	// want are the failing rules at warning or error: exactly these.
	want []string
}

var misconfigurations = []misconfiguration{{
	name:   "controller-manager service range single-stack, apiserver's dual",
	config: withArgs(localcluster.ControllerManager, "--service-cluster-ip-range=10.96.0.0/16"),
	want:   []string{"controller-manager-service-range-matches-apiserver"},
}, {
	name:   "controller-manager service range of another network",
	config: withArgs(localcluster.ControllerManager, "--service-cluster-ip-range=10.100.0.0/16,fd00:10:100::/112"),
	want:   []string{"controller-manager-service-range-matches-apiserver"},
}, {
	name: "--cluster-cidr single-stack while services are dual-stack",
	// (--node-cidr-mask-size-ipv6=0 unsets the layout's IPv6 mask, which
	// a single-stack IPv4 controller-manager refuses.)
	config: withArgs(localcluster.ControllerManager, "--cluster-cidr=10.244.0.0/16", "--node-cidr-mask-size-ipv6=0"),
	want:   []string{"controller-manager-cluster-cidr-families", "nodes-pod-cidr-per-family"},
}, {
	name: "--node-cidr-mask-size on a dual-stack controller-manager",
	breakIt: func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) {
		// The controller-manager refuses it and stays down, as a
		// crash-looping static pod would; its mirror pod shows the flag.
		err := c.Restart(context.Background(), localcluster.ControllerManager, "--node-cidr-mask-size=24")
		if err == nil || !strings.Contains(err.Error(), "usage of --node-cidr-mask-size is not allowed with dual-stack clusters") {
			t.Fatalf("the controller-manager did not refuse --node-cidr-mask-size: %v", err)
		}
	},
	want: []string{"controller-manager-node-cidr-mask"},
}, {
	name:   "--node-cidr-mask-size-ipv6 on a single-stack IPv4 controller-manager",
	config: localcluster.Config{Layout: localcluster.SingleStackIPv4},
	breakIt: func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) {
		err := c.Restart(context.Background(), localcluster.ControllerManager, "--node-cidr-mask-size-ipv6=64")
		if err == nil || !strings.Contains(err.Error(), "usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster") {
			t.Fatalf("the controller-manager did not refuse --node-cidr-mask-size-ipv6: %v", err)
		}
	},
	want: []string{"controller-manager-node-cidr-mask"},
}, {
	name:   "a node without an IPv6 InternalIP",
	config: localcluster.Config{NodeIPFamilies: map[string][]corev1.IPFamily{"node-2": {corev1.IPv4Protocol}}},
	want:   []string{"nodes-internal-ip-per-family"},
}, {
	name:   "a node whose InternalIPs put IPv6 first",
	config: localcluster.Config{NodeIPFamilies: map[string][]corev1.IPFamily{"node-2": {corev1.IPv6Protocol, corev1.IPv4Protocol}}},
	// kubelet orders that node's pod IPs by its first IP: IPv6 first.
	want: []string{"nodes-primary-family", "pods-primary-family"},
}, {
	name: "a pod whose IP lies outside its node's podCIDR",
	breakIt: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
		pods, err := client.CoreV1().Pods("demo").List(context.Background(), metav1.ListOptions{LabelSelector: "app=web"})
		if err != nil || len(pods.Items) == 0 {
			t.Fatalf("no web pod: %v", err)
		}
		pod := pods.Items[0]
		node, err := client.CoreV1().Nodes().Get(context.Background(), pod.Spec.NodeName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// An address from another node's range, as a CNI with stale IPAM
		// state hands out.
		other := "10.244.200.7"
		if !strings.HasPrefix(node.Spec.PodCIDRs[0], "10.") {
			t.Fatalf("node %s has podCIDRs %v", node.Name, node.Spec.PodCIDRs)
		}
		patch := `{"status":{"podIP":"` + other + `","podIPs":[{"ip":"` + other + `"},{"ip":"` + pod.Status.PodIPs[1].IP + `"}]}}`
		_, err = client.CoreV1().Pods("demo").Patch(context.Background(), pod.Name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}, "status")
		if err != nil {
			t.Fatal(err)
		}
	},
	want: []string{"pods-ips-in-node-pod-cidrs"},
}, {
	name:   "primary families disagree: pods IPv6-first, services IPv4-first",
	config: withArgs(localcluster.ControllerManager, "--cluster-cidr=fd00:10:244::/56,10.244.0.0/16"),
	want:   []string{"controller-manager-cluster-cidr-families"},
}, {
	name:   "pod CIDR overlaps the service range",
	config: withArgs(localcluster.ControllerManager, "--cluster-cidr=10.96.0.0/12,fd00:10:244::/56"),
	want:   []string{"controller-manager-pod-service-overlap"},
}, {
	name:   "kube-proxy clusterCIDR missing the IPv6 family",
	config: localcluster.Config{KubeProxyClusterCIDR: ptrTo("10.244.0.0/16")},
	want:   []string{"kube-proxy-cluster-cidr-matches"},
}, {
	name:   "kube-proxy clusterCIDR missing the primary family",
	config: localcluster.Config{KubeProxyClusterCIDR: ptrTo("fd00:10:244::/56")},
	want:   []string{"kube-proxy-cluster-cidr-family", "kube-proxy-cluster-cidr-matches"},
}, {
	name: "a PreferDualStack Service left single-stack by a single-to-dual upgrade",
	config: localcluster.Config{ExtraArgs: map[string][]string{
		localcluster.APIServer:         {"--service-cluster-ip-range=10.96.0.0/16"},
		localcluster.ControllerManager: {"--service-cluster-ip-range=10.96.0.0/16"},
	}},
	// The demo's IPv6-only and RequireDualStack Services need the upgrade.
	workload: []string{"00-namespace.yaml", "10-web.yaml", "30-host-agent.yaml"},
	breakIt: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
		// demo/web (PreferDualStack) was created single-stack; now the
		// operator adds the IPv6 service range, as the upgrade docs say.
		ctx := context.Background()
		if svc := getService(t, client, "demo", "web"); len(svc.Spec.ClusterIPs) != 1 {
			t.Fatalf("before the upgrade demo/web has clusterIPs %v", svc.Spec.ClusterIPs)
		}
		for _, component := range []string{localcluster.APIServer, localcluster.ControllerManager} {
			if err := c.Restart(ctx, component); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.SyncKubeadmConfig(ctx, nil); err != nil {
			t.Fatal(err)
		}
	},
	want: []string{"services-prefer-dual-stack-single-family"},
}, {
	name: "kubeadm-config's podSubnet edited away from --cluster-cidr",
	breakIt: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
		updateConfigMap(t, client, "kubeadm-config", "ClusterConfiguration", "podSubnet: 10.244.0.0/16,fd00:10:244::/56", "podSubnet: 10.245.0.0/16,fd00:10:245::/56")
	},
	want: []string{"kubeadm-matches-control-plane"},
}, {
	name: "kube-dns recreated with another ClusterIP",
	breakIt: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
		ctx := context.Background()
		svc := getService(t, client, "kube-system", "kube-dns")
		// Foreground: the old Service's EndpointSlices go first. Recreated
		// while they remain, the endpointslice controller can adopt slices
		// the garbage collector then deletes, and never write new ones.
		if err := client.CoreV1().Services("kube-system").Delete(ctx, svc.Name, metav1.DeleteOptions{PropagationPolicy: ptrTo(metav1.DeletePropagationForeground)}); err != nil {
			t.Fatal(err)
		}
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			_, err := client.CoreV1().Services("kube-system").Get(ctx, svc.Name, metav1.GetOptions{})
			return apierrors.IsNotFound(err), nil
		})
		if err != nil {
			t.Fatalf("waiting for the old kube-dns Service to be gone: %v", err)
		}
		svc.ObjectMeta = metav1.ObjectMeta{Name: svc.Name, Namespace: svc.Namespace, Labels: svc.Labels}
		svc.Spec.ClusterIP, svc.Spec.ClusterIPs = "10.96.0.53", nil
		if _, err := client.CoreV1().Services("kube-system").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	},
	want: []string{"kubeadm-dns-service-ip", "kubelet-cluster-dns"},
}, {
	name: "an extra ServiceCIDR with an IPv6 /48",
	breakIt: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
		requireServiceCIDRsV1(t, c)
		_, err := client.NetworkingV1().ServiceCIDRs().Create(context.Background(), &networkingv1.ServiceCIDR{
			ObjectMeta: metav1.ObjectMeta{Name: "extra"},
			Spec:       networkingv1.ServiceCIDRSpec{CIDRs: []string{"10.97.0.0/24", "fd00:10:97::/48"}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
	},
	want: []string{"servicecidr-ipv6-prefix-length"},
}, {
	name:   "single-stack on purpose, but CI expects dual-stack",
	config: localcluster.Config{Layout: localcluster.SingleStackIPv4},
	args:   []string{"--expect=dual"},
	want:   []string{"cluster-stack"},
}}

// withArgs is a dual-stack cluster with extra flags for one component.
func withArgs(component string, args ...string) localcluster.Config {
	return localcluster.Config{ExtraArgs: map[string][]string{component: args}}
}

func updateConfigMap(t *testing.T, client kubernetes.Interface, name, key, old, new string) {
	t.Helper()
	ctx := context.Background()
	cm, err := client.CoreV1().ConfigMaps("kube-system").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cm.Data[key], old) {
		t.Fatalf("ConfigMap %s %s has no %q:\n%s", name, key, old, cm.Data[key])
	}
	cm.Data[key] = strings.Replace(cm.Data[key], old, new, 1)
	if _, err := client.CoreV1().ConfigMaps("kube-system").Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestCheckMisconfigured: each misconfigured cluster is reported by the
// intended rules and by no other warning or error.
func TestCheckMisconfigured(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	var table strings.Builder
	table.WriteString("| misconfiguration | failing rules (severity) | exit |\n|---|---|---|\n")
	for _, m := range misconfigurations {
		t.Run(m.name, func(t *testing.T) {
			c := startCluster(t, m.config)
			client := kubernetes.NewForConfigOrDie(c.RESTConfig)
			if m.config.Layout != localcluster.SingleStackIPv4 {
				args := []string{"apply", "-f", filepath.Join(repoDir, "testdata", "demo")}
				if m.workload != nil {
					args = []string{"apply"}
					for _, f := range m.workload {
						args = append(args, "-f", filepath.Join(repoDir, "testdata", "demo", f))
					}
				}
				kubectl(t, c.Kubeconfig, args...)
				waitForPodIPs(t, client, "demo", 4)
			}
			waitForServiceSlices(t, client) // healthy first: breakIt may stop the controller-manager
			if m.breakIt != nil {
				m.breakIt(t, c, client)
			}
			waitForServiceSlices(t, client)
			report, code := runCheck(t, c.Kubeconfig, m.args...)
			t.Logf("summary %+v\n%s", report.Summary, describeFindings(report))
			got := failing(report)
			if !slices.Equal(got, m.want) {
				t.Errorf("failing rules %v, want %v", got, m.want)
			}
			wantCode := 0
			var shown []string
			for _, f := range report.Findings {
				if f.Result == check.Fail && slices.Contains(m.want, f.ID) {
					if f.Severity == check.Error {
						wantCode = 1
					}
					shown = append(shown, f.ID+" ("+string(f.Severity)+")")
				}
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d", code, wantCode)
			}
			slices.Sort(shown)
			table.WriteString("| " + m.name + " | " + strings.Join(slices.Compact(shown), ", ") + " | " + strconv.Itoa(code) + " |\n")
		})
	}
	t.Logf("scenarios -> findings:\n%s", table.String())
}
