package localcluster

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func newTestAgent() *nodeAgent {
	return &nodeAgent{used: map[netip.Addr]bool{}, byPod: map[types.UID][]netip.Addr{}}
}

func testPod(uid string, annotations map[string]string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: uid, UID: types.UID(uid), Annotations: annotations}}
}

func testNode(cidrs ...string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}, Spec: corev1.NodeSpec{PodCIDRs: cidrs}}
}

func TestAllocate(t *testing.T) {
	a := newTestAgent()
	node := testNode("fd00:10:244::/64", "10.244.0.0/24")
	first, err := a.allocate(testPod("a", nil), node)
	if err != nil {
		t.Fatal(err)
	}
	// Network address and .1 are skipped; without node IPs, podCIDRs order.
	if want := []string{"fd00:10:244::2", "10.244.0.2"}; !slices.Equal(first, want) {
		t.Errorf("first pod got %v, want %v", first, want)
	}
	second, _ := a.allocate(testPod("b", nil), node)
	if want := []string{"fd00:10:244::3", "10.244.0.3"}; !slices.Equal(second, want) {
		t.Errorf("second pod got %v, want %v", second, want)
	}
	// Asking again for the same pod (a retried status patch) returns its IPs.
	if again, _ := a.allocate(testPod("a", nil), node); !slices.Equal(again, first) {
		t.Errorf("re-allocation for the same pod got %v, want %v", again, first)
	}
	a.release("a")
	if reused, _ := a.allocate(testPod("c", nil), node); !slices.Equal(reused, first) {
		t.Errorf("after release got %v, want the freed %v", reused, first)
	}
	if one, _ := a.allocate(testPod("d", map[string]string{AnnotationIPFamilies: "IPv4"}), node); !slices.Equal(one, []string{"10.244.0.4"}) {
		t.Errorf("IPv4-only pod got %v", one)
	}
}

// Pod IPs follow the family of the node's first InternalIP, as kubelet's
// sortPodIPs orders them, not the podCIDRs' order.
func TestAllocateOrdersByNodeIP(t *testing.T) {
	node := testNode("fd00:10:244::/64", "10.244.0.0/24")
	node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "172.18.0.2"}, {Type: corev1.NodeInternalIP, Address: "fc00::2"}}
	got, err := newTestAgent().allocate(testPod("a", nil), node)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"10.244.0.2", "fd00:10:244::2"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v (IPv4 first, as the node's first IP)", got, want)
	}
}

func TestAllocateErrors(t *testing.T) {
	a := newTestAgent()
	if _, err := a.allocate(testPod("a", nil), testNode()); err == nil || !strings.Contains(err.Error(), "no podCIDRs") {
		t.Errorf("node without podCIDRs: err = %v", err)
	}
	node := testNode("10.244.0.0/30") // .0 network, .1 skipped: room for .2 and .3
	for _, uid := range []string{"a", "b"} {
		if _, err := a.allocate(testPod(uid, nil), node); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.allocate(testPod("c", nil), node); err == nil || !strings.Contains(err.Error(), "is full") {
		t.Errorf("full podCIDR: err = %v", err)
	}
}

func TestReserveKeepsExistingIPs(t *testing.T) {
	a := newTestAgent()
	running := testPod("old", nil)
	running.Status.PodIPs = []corev1.PodIP{{IP: "10.244.0.2"}}
	a.reserve(running)
	if got, _ := a.allocate(testPod("new", nil), testNode("10.244.0.0/24")); !slices.Equal(got, []string{"10.244.0.3"}) {
		t.Errorf("new pod got %v, want 10.244.0.3 (10.244.0.2 is taken)", got)
	}
}

func TestRunningStatus(t *testing.T) {
	pod := testPod("p", map[string]string{AnnotationReady: "false"})
	pod.Spec.Containers = []corev1.Container{{Name: "c", Image: "img"}}
	status := runningStatus(pod, []string{"172.18.0.2", "fc00::2"}, []string{"10.244.0.2", "fd00::2"})
	if status.Phase != corev1.PodRunning || status.PodIP != "10.244.0.2" || status.HostIP != "172.18.0.2" {
		t.Errorf("phase %s podIP %s hostIP %s", status.Phase, status.PodIP, status.HostIP)
	}
	if len(status.PodIPs) != 2 || status.PodIPs[1].IP != "fd00::2" || len(status.HostIPs) != 2 {
		t.Errorf("podIPs %v hostIPs %v", status.PodIPs, status.HostIPs)
	}
	if status.ContainerStatuses[0].Ready {
		t.Error("a pod annotated ready=false has a ready container")
	}
	for _, c := range status.Conditions {
		if (c.Type == corev1.PodReady || c.Type == corev1.ContainersReady) && c.Status != corev1.ConditionFalse {
			t.Errorf("condition %s = %s, want False", c.Type, c.Status)
		}
	}
}

// With Config.PodIPPools, a family's addresses come from its pool, on
// every node alike, as calico-ipam hands them out; a family without a
// pool still comes from the node's podCIDR.
func TestAllocateFromPools(t *testing.T) {
	pools, err := parsePodIPPools([]string{"10.244.128.0/17"})
	if err != nil {
		t.Fatal(err)
	}
	a := newTestAgent()
	a.pools = pools
	node1, node2 := testNode("10.244.0.0/24", "fd00:10:244::/64"), testNode("10.244.1.0/24", "fd00:10:244:1::/64")
	node2.Name = "node-2"
	first, _ := a.allocate(testPod("a", nil), node1)
	second, _ := a.allocate(testPod("b", nil), node2)
	if want := []string{"10.244.128.2", "fd00:10:244::2"}; !slices.Equal(first, want) {
		t.Errorf("node-1's pod got %v, want %v", first, want)
	}
	if want := []string{"10.244.128.3", "fd00:10:244:1::2"}; !slices.Equal(second, want) {
		t.Errorf("node-2's pod got %v, want %v (the pool is the cluster's, not the node's)", second, want)
	}
	for _, bad := range [][]string{{"10.0.0.0/8", "192.168.0.0/16"}, {"fd00::/300"}} {
		if _, err := parsePodIPPools(bad); err == nil {
			t.Errorf("PodIPPools %v accepted", bad)
		}
	}
}

func TestOurs(t *testing.T) {
	a := &nodeAgent{nodes: 5000}
	for name, want := range map[string]bool{
		"node-1": true, "node-5000": true, "node-250": true,
		"node-0": false, "node-5001": false, "node-01": false, "node-+1": false,
		"node-": false, "other-1": false, "1": false, "": false,
	} {
		if got := a.ours(name); got != want {
			t.Errorf("ours(%q) = %v, want %v", name, got, want)
		}
	}
}
