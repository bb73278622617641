package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// The dual-stack flags of the conversion: the single-stack IPv4 layout's
// ranges, then an IPv6 range.
const (
	dualServiceCIDRs = "10.96.0.0/16,fd00:10:96::/112"
	dualClusterCIDRs = "10.244.0.0/16,fd00:10:244::/56"
)

// TestReregisterNodeDualStack converts a single-stack IPv4 cluster to
// dual-stack as an operator does: dual-stack flags for kube-apiserver and
// kube-controller-manager, then node-1 deleted and re-registered with an
// address of each family. It records what the real apiserver does with the
// default ServiceCIDR and with a Service that names no ipFamilyPolicy.
func TestReregisterNodeDualStack(t *testing.T) {
	single := localcluster.SingleStackIPv4
	if !strings.HasPrefix(dualServiceCIDRs, single.ServiceCIDRs()+",") || !strings.HasPrefix(dualClusterCIDRs, single.ClusterCIDRs()+",") {
		t.Fatalf("the dual-stack ranges must keep the layout's IPv4 ones first (%s, %s)", single.ServiceCIDRs(), single.ClusterCIDRs())
	}
	c := startCluster(t, localcluster.Config{Layout: single, Nodes: 2})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	both := []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}
	ipv4 := both[:1]

	began := time.Now()
	if err := c.Restart(ctx, localcluster.APIServer, "--service-cluster-ip-range="+dualServiceCIDRs); err != nil {
		t.Fatal(err)
	}
	t.Logf("apiserver restarted with dual-stack flags in %.1fs", time.Since(began).Seconds())

	// The apiserver's default ServiceCIDR controller upgrades "kubernetes"
	// from single- to dual-stack when its first CIDR is unchanged
	// (pkg/controlplane/controller/defaultservicecidr).
	var cidrs []string
	began = time.Now()
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		sc, err := client.NetworkingV1().ServiceCIDRs().Get(ctx, "kubernetes", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		cidrs = sc.Spec.CIDRs
		return strings.Join(cidrs, ",") == dualServiceCIDRs, nil
	})
	if err != nil {
		t.Fatalf("ServiceCIDR kubernetes has %v, want %s: %v", cidrs, dualServiceCIDRs, err)
	}
	t.Logf("ServiceCIDR kubernetes is %v %.1fs after the apiserver was ready", cidrs, time.Since(began).Seconds())
	kube := getService(t, client, "default", "kubernetes")
	t.Logf("Service kubernetes: policy %s, clusterIPs %v", *kube.Spec.IPFamilyPolicy, kube.Spec.ClusterIPs)

	// A Service without ipFamilyPolicy stays SingleStack in the primary family.
	svc, err := client.CoreV1().Services("default").Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "no-policy"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Service without ipFamilyPolicy: policy %s, ipFamilies %v, clusterIPs %v", *svc.Spec.IPFamilyPolicy, svc.Spec.IPFamilies, svc.Spec.ClusterIPs)
	if *svc.Spec.IPFamilyPolicy != corev1.IPFamilyPolicySingleStack || !slices.Equal(svc.Spec.IPFamilies, ipv4) {
		t.Errorf("Service no-policy: policy %s, ipFamilies %v; want SingleStack, %v", *svc.Spec.IPFamilyPolicy, svc.Spec.IPFamilies, ipv4)
	}
	assertFamilies(t, "Service no-policy clusterIPs", addrs(t, svc.Spec.ClusterIPs), ipv4)

	began = time.Now()
	if err := c.Restart(ctx, localcluster.ControllerManager, "--cluster-cidr="+dualClusterCIDRs, "--service-cluster-ip-range="+dualServiceCIDRs,
		"--node-cidr-mask-size-ipv4=24", "--node-cidr-mask-size-ipv6=64"); err != nil {
		t.Fatal(err)
	}
	t.Logf("controller-manager restarted with dual-stack flags in %.1fs", time.Since(began).Seconds())

	// The operator deletes node-1 (drained: nothing runs on it here) and
	// restarts its kubelet with an address of each family. The pod "early"
	// comes before node IPAM's podCIDRs, or before the agent's cache has
	// the new Node (its informers back off while the apiserver restarts).
	if err := client.CoreV1().Nodes().Delete(ctx, "node-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	nodeIPs := localcluster.DualStackIPv4Primary.NodeIPs(1)
	began = time.Now()
	if err := c.ReregisterNode(ctx, "node-1", nodeIPs); err != nil {
		t.Fatal(err)
	}
	createPodOn(t, client, "early", "node-1")
	node := waitForPodCIDRs(t, client, "node-1", 2)
	t.Logf("node-1 re-registered with %v, podCIDRs %v after %.1fs", nodeIPs, node.Spec.PodCIDRs, time.Since(began).Seconds())
	if got := internalIPs(*node); !slices.Equal(got, nodeIPs) {
		t.Errorf("node-1 InternalIPs = %v, want %v", got, nodeIPs)
	}
	assertFamilies(t, "node-1 podCIDRs", prefixAddrs(prefixes(t, node.Spec.PodCIDRs)), both)
	for i, cidr := range prefixes(t, node.Spec.PodCIDRs) {
		if within := prefixes(t, strings.Split(dualClusterCIDRs, ","))[i]; !within.Contains(cidr.Addr()) || cidr.Bits() != []int{24, 64}[i] {
			t.Errorf("node-1 podCIDR %s is not a node-sized block of %s", cidr, within)
		}
	}
	node2, err := client.CoreV1().Nodes().Get(ctx, "node-2", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertFamilies(t, "node-2 podCIDRs", prefixAddrs(prefixes(t, node2.Spec.PodCIDRs)), ipv4)

	createPodOn(t, client, "late", "node-1")
	createPodOn(t, client, "on-node-2", "node-2")
	pods := waitForPodIPs(t, client, "default", 3)
	t.Logf("pods early, late, on-node-2 running %.1fs after the re-registration", time.Since(began).Seconds())
	for _, pod := range pods {
		want, on := both, node
		if pod.Spec.NodeName == "node-2" {
			want, on = ipv4, node2
		}
		assertFamilies(t, "pod "+pod.Name+" podIPs", addrs(t, podIPs(pod)), want)
		for i, ip := range addrs(t, podIPs(pod)) {
			if cidr := prefixes(t, on.Spec.PodCIDRs)[i]; !cidr.Contains(ip) {
				t.Errorf("pod %s IP %s is outside node %s podCIDR %s", pod.Name, ip, on.Name, cidr)
			}
		}
	}

	// The lease and the mirror pods of the old Node were the garbage
	// collector's to delete; the new Node owns their replacements.
	lease, err := client.CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !ownedBy(lease.ObjectMeta, node.UID) {
		t.Errorf("lease of node-1 has owners %v, want the new Node %s", lease.OwnerReferences, node.UID)
	}
	for _, component := range []string{localcluster.APIServer, localcluster.ControllerManager, localcluster.Scheduler} {
		pod, err := client.CoreV1().Pods(metav1.NamespaceSystem).Get(ctx, component+"-node-1", metav1.GetOptions{})
		if apierrors.IsNotFound(err) || (err == nil && !ownedBy(pod.ObjectMeta, node.UID)) {
			t.Errorf("mirror pod of %s: want one owned by the new Node (err %v)", component, err)
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

func createPodOn(t *testing.T, client kubernetes.Interface, name, node string) {
	t.Helper()
	_, err := client.CoreV1().Pods("default").Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

// waitForPodCIDRs waits until node IPAM has given the node n podCIDRs.
func waitForPodCIDRs(t *testing.T, client kubernetes.Interface, name string, n int) *corev1.Node {
	t.Helper()
	var node *corev1.Node
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		var err error
		node, err = client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil && len(node.Spec.PodCIDRs) == n, err
	})
	if err != nil {
		t.Fatalf("waiting for %d podCIDRs on %s: %v", n, name, err)
	}
	return node
}

func ownedBy(meta metav1.ObjectMeta, uid types.UID) bool {
	return slices.ContainsFunc(meta.OwnerReferences, func(o metav1.OwnerReference) bool { return o.UID == uid })
}
