package e2e

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// The pools of the cluster whose pods get their addresses from pools of
// the CNI's own (calico-ipam, Cilium's cluster-pool): inside the cluster
// CIDRs (10.244.0.0/16, fd00:10:244::/56), as Calico's docs want them, and
// apart from every node's podCIDR (the first /24s and /64s), so that no pod
// address lies in its node's podCIDR.
var cniPools = []string{"10.244.128.0/17", "fd00:10:244:80::/57"}

// cniCase is one state of a cluster's CNI objects and what check says of
// it.
type cniCase struct {
	name  string
	setUp func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface)
	cni   string   // the report's CNI ("calico, IPAM calico-ipam")
	want  []string // the failing rules at warning or error, exactly
}

// runCNICases applies each case's objects to the running cluster, in
// order (each starts from the previous one's), and runs check on it.
func runCNICases(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface, cases []cniCase) {
	for _, tc := range cases {
		ok := t.Run(tc.name, func(t *testing.T) {
			tc.setUp(t, c, client)
			began := time.Now()
			report, code := runCheck(t, c.Kubeconfig, "--expect=dual", "--fail-on=warning")
			t.Logf("check in %.1fs: summary %+v, CNI %q (%s)\n%s", time.Since(began).Seconds(), report.Summary, report.CNI, report.CNISource, describeFindings(report))
			got := failing(report)
			if want := slices.Sorted(slices.Values(tc.want)); !slices.Equal(got, want) || (code == 0) != (len(want) == 0) {
				t.Errorf("exit %d, failing rules %v, want %v", code, got, want)
			}
			if report.Summary.Skip > 0 {
				t.Errorf("%d rules skipped: an admin reads every source", report.Summary.Skip)
			}
			if report.CNI != tc.cni {
				t.Errorf("report's CNI %q, want %q", report.CNI, tc.cni)
			}
		})
		if !ok {
			return // the later cases build on this one
		}
	}
}

// TestCheckCNIOwnPools: a Calico-looking and then a Cilium-looking
// dual-stack cluster, whose pods get their addresses from the CNI's own
// pools rather than their nodes' podCIDRs, pass with no error or warning;
// a pool of one family, or a family turned off, is the CNI finding. Before
// any CNI object exists, the unknown CNI's pods are held to their nodes'
// podCIDRs, as before.
func TestCheckCNIOwnPools(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{PodIPPools: cniPools})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "testdata", "demo"))
	pods := waitForPodIPs(t, client, "demo", 4)
	waitForServiceSlices(t, client)
	assertPodsOutsideNodePodCIDRs(t, client, pods)

	crds := filepath.Join(repoDir, "testdata", "crds", "calico")
	v1CRD, v3CRD := filepath.Join(crds, "crd.projectcalico.org_ippools.yaml"), filepath.Join(crds, "projectcalico.org_ippools.yaml")
	runCNICases(t, c, client, []cniCase{{
		name:  "unknown CNI: pod IPs against their nodes' podCIDRs",
		setUp: func(*testing.T, *localcluster.Cluster, kubernetes.Interface) {},
		cni:   "unknown",
		want:  []string{"pods-ips-in-node-pod-cidrs"},
	}, {
		name: "Calico, an IPPool of each family (crd.projectcalico.org/v1)",
		setUp: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
			applyCRD(t, c, v1CRD, "ippools.crd.projectcalico.org")
			applyYAML(t, c, ipPool("crd.projectcalico.org/v1", "default-ipv4-ippool", cniPools[0], false)+"---\n"+ipPool("crd.projectcalico.org/v1", "default-ipv6-ippool", cniPools[1], false))
			applyYAML(t, c, calicoConfig)
			runAgentPod(t, client, "kube-system", "calico-node-x", "docker.io/calico/node:v3.32.1")
		},
		cni: "calico, IPAM calico-ipam",
	}, {
		name: "Calico, the IPv6 IPPool disabled",
		setUp: func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) {
			kubectl(t, c.Kubeconfig, "patch", "ippools.crd.projectcalico.org", "default-ipv6-ippool", "--type=merge", "-p", `{"spec":{"disabled":true}}`)
		},
		cni:  "calico, IPAM calico-ipam",
		want: []string{"cni-families"},
	}, {
		name: "Calico, an IPv4 IPPool only",
		setUp: func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) {
			kubectl(t, c.Kubeconfig, "delete", "ippools.crd.projectcalico.org", "default-ipv6-ippool")
		},
		cni:  "calico, IPAM calico-ipam",
		want: []string{"cni-families"},
	}, {
		name: "Calico's projectcalico.org/v3 CRDs, an IPPool of each family",
		setUp: func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) {
			kubectl(t, c.Kubeconfig, "delete", "-f", v1CRD, "--wait")
			applyCRD(t, c, v3CRD, "ippools.projectcalico.org")
			applyYAML(t, c, ipPool("projectcalico.org/v3", "default-ipv4-ippool", cniPools[0], false)+"---\n"+ipPool("projectcalico.org/v3", "default-ipv6-ippool", cniPools[1], false))
		},
		cni: "calico, IPAM calico-ipam",
	}, {
		name: "Cilium, cluster-pool IPAM with a pool of each family",
		setUp: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
			kubectl(t, c.Kubeconfig, "delete", "-f", v3CRD, "--wait")
			kubectl(t, c.Kubeconfig, "delete", "pod", "-n", "kube-system", "calico-node-x", "--wait")
			applyYAML(t, c, ciliumConfig(map[string]string{"enable-ipv6": "true", "cluster-pool-ipv6-cidr": cniPools[1]}))
			runAgentPod(t, client, "kube-system", "cilium-x", "quay.io/cilium/cilium:v1.18.1")
		},
		cni: "cilium, IPAM cluster-pool",
	}, {
		name: "Cilium with IPv6 off (Helm's ipv6.enabled=false)",
		setUp: func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) {
			kubectl(t, c.Kubeconfig, "delete", "configmap", "-n", "kube-system", "cilium-config")
			applyYAML(t, c, ciliumConfig(map[string]string{"enable-ipv6": "false"}))
		},
		cni:  "cilium, IPAM cluster-pool",
		want: []string{"cni-families"},
	}})
}

// TestCheckCNIFlannel: a flannel-looking dual-stack cluster, whose pods get
// their addresses from their nodes' podCIDRs, passes; without IPv6, or
// with a Network that is not the cluster CIDR, it gets the CNI finding.
func TestCheckCNIFlannel(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "testdata", "demo"))
	waitForPodIPs(t, client, "demo", 4)
	waitForServiceSlices(t, client)
	netConf := func(network, enableIPv6 string) string {
		return `{"Network": "` + network + `", "EnableIPv6": ` + enableIPv6 + `, "IPv6Network": "fd00:10:244::/56", "Backend": {"Type": "vxlan"}}`
	}
	runCNICases(t, c, client, []cniCase{{
		name: "flannel, both families",
		setUp: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
			kubectl(t, c.Kubeconfig, "create", "namespace", "kube-flannel")
			applyYAML(t, c, flannelConfig(netConf("10.244.0.0/16", "true")))
			runAgentPod(t, client, "kube-flannel", "kube-flannel-ds-x", "ghcr.io/flannel-io/flannel:v0.27.3")
		},
		cni: "flannel, IPAM host-local",
	}, {
		name: "flannel without EnableIPv6",
		setUp: func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) {
			applyYAML(t, c, flannelConfig(netConf("10.244.0.0/16", "false")))
		},
		cni:  "flannel, IPAM host-local",
		want: []string{"cni-families"},
	}, {
		name: "flannel's Network not the cluster CIDR",
		setUp: func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) {
			applyYAML(t, c, flannelConfig(netConf("10.42.0.0/16", "true")))
		},
		cni:  "flannel, IPAM host-local",
		want: []string{"cni-pod-ranges"},
	}})
}

// assertPodsOutsideNodePodCIDRs checks that the pods' addresses came from
// the pools, none from its node's podCIDRs.
func assertPodsOutsideNodePodCIDRs(t *testing.T, client kubernetes.Interface, pods []corev1.Pod) {
	t.Helper()
	pools := prefixes(t, cniPools)
	for _, pod := range pods {
		if pod.Spec.HostNetwork {
			continue
		}
		node, err := client.CoreV1().Nodes().Get(context.Background(), pod.Spec.NodeName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		podCIDRs := prefixes(t, node.Spec.PodCIDRs)
		for _, ip := range addrs(t, podIPs(pod)) {
			inPool := slices.ContainsFunc(pools, func(p netip.Prefix) bool { return p.Contains(ip) })
			inNode := slices.ContainsFunc(podCIDRs, func(p netip.Prefix) bool { return p.Contains(ip) })
			if !inPool || inNode {
				t.Fatalf("pod %s/%s has %s: want an address of the pools %v, outside node %s's podCIDRs %v", pod.Namespace, pod.Name, ip, cniPools, node.Name, node.Spec.PodCIDRs)
			}
		}
	}
}

// applyYAML applies manifests given as text. (The file is not in
// t.TempDir: a subtest's name may hold a comma, which kubectl -f splits.)
func applyYAML(t *testing.T, c *localcluster.Cluster, manifests string) {
	t.Helper()
	f, err := os.CreateTemp("", "objects-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	path := f.Name()
	t.Cleanup(func() { os.Remove(path) })
	if err := os.WriteFile(path, []byte(manifests), 0o644); err != nil {
		t.Fatal(err)
	}
	kubectl(t, c.Kubeconfig, "apply", "-f", path)
}

// applyCRD applies a CRD and waits until the API server serves it.
func applyCRD(t *testing.T, c *localcluster.Cluster, path, name string) {
	t.Helper()
	kubectl(t, c.Kubeconfig, "apply", "-f", path)
	kubectl(t, c.Kubeconfig, "wait", "--for=condition=Established", "--timeout=60s", "crd/"+name)
}

// calicoConfig is the ConfigMap of Calico's calico.yaml: its CNI
// configuration, installed on every node, uses calico-ipam.
const calicoConfig = `apiVersion: v1
kind: ConfigMap
metadata:
  name: calico-config
  namespace: kube-system
data:
  calico_backend: bird
  cni_network_config: |-
    {
      "name": "k8s-pod-network",
      "cniVersion": "0.3.1",
      "plugins": [
        {"type": "calico", "datastore_type": "kubernetes", "mtu": __CNI_MTU__, "ipam": {"type": "calico-ipam"}, "policy": {"type": "k8s"}},
        {"type": "portmap", "snat": true, "capabilities": {"portMappings": true}}
      ]
    }
`

func ipPool(apiVersion, name, cidr string, disabled bool) string {
	spec := "  cidr: " + cidr + "\n  nodeSelector: all()\n"
	if disabled {
		spec += "  disabled: true\n"
	}
	return "apiVersion: " + apiVersion + "\nkind: IPPool\nmetadata:\n  name: " + name + "\nspec:\n" + spec
}

// ciliumConfig is the ConfigMap Helm writes for cluster-pool IPAM on the
// pools (the IPv4 one always; extra adds or overrides keys).
func ciliumConfig(extra map[string]string) string {
	data := map[string]string{"enable-ipv4": "true", "ipam": "cluster-pool", "routing-mode": "tunnel", "tunnel-protocol": "vxlan",
		"cluster-pool-ipv4-cidr": cniPools[0], "cluster-pool-ipv4-mask-size": "24", "cluster-pool-ipv6-mask-size": "64"}
	for k, v := range extra {
		data[k] = v
	}
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cilium-config\n  namespace: kube-system\ndata:\n")
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range data {
			if !yield(k) {
				return
			}
		}
	}) {
		b.WriteString("  " + k + ": \"" + data[k] + "\"\n")
	}
	return b.String()
}

func flannelConfig(netConf string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-flannel-cfg\n  namespace: kube-flannel\ndata:\n  net-conf.json: |\n    " + netConf + "\n"
}

// runAgentPod runs a CNI agent's pod (hostNetwork, as its DaemonSet's are)
// and waits until the node agent starts it.
func runAgentPod(t *testing.T, client kubernetes.Interface, ns, name, image string) {
	t.Helper()
	_, err := client.CoreV1().Pods(ns).Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"k8s-app": strings.TrimSuffix(name, "-x")}},
		Spec:       corev1.PodSpec{NodeName: "node-1", HostNetwork: true, Containers: []corev1.Container{{Name: "agent", Image: image}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		pod, err := client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		return err == nil && pod.Status.Phase == corev1.PodRunning, err
	})
	if err != nil {
		t.Fatalf("pod %s/%s not running: %v", ns, name, err)
	}
}
