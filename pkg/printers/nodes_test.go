package printers

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// testNode is a ready dual-stack (IPv4 primary) control-plane node, 3 days
// old, changed by edit.
func testNode(edit func(*corev1.Node)) corev1.Node {
	node := corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:              "node-a",
			CreationTimestamp: podsAgo(72 * time.Hour),
			Labels: map[string]string{
				"kubernetes.io/hostname":                "node-a",
				"node-role.kubernetes.io/control-plane": "",
			},
		},
		Spec: corev1.NodeSpec{
			PodCIDR:  "10.244.0.0/24",
			PodCIDRs: []string{"10.244.0.0/24", "fd00:10:244::/64"},
		},
		Status: corev1.NodeStatus{
			Conditions: []corev1.NodeCondition{
				{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse},
				{Type: corev1.NodeReady, Status: corev1.ConditionTrue},
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: "172.18.0.2"},
				{Type: corev1.NodeInternalIP, Address: "fc00:f853:ccd:e793::2"},
				{Type: corev1.NodeHostName, Address: "node-a"},
			},
			NodeInfo: corev1.NodeSystemInfo{
				KubeletVersion:          "v1.37.0",
				OSImage:                 "Debian GNU/Linux 12 (bookworm)",
				KernelVersion:           "6.8.0-45-generic",
				Architecture:            "amd64",
				ContainerRuntimeVersion: "containerd://2.1.4",
			},
		},
	}
	if edit != nil {
		edit(&node)
	}
	return node
}

const (
	nodeIPs   = "172.18.0.2,fc00:f853:ccd:e793::2"
	nodeCIDRs = "10.244.0.0/24,fd00:10:244::/64"
	nodeOS    = "Debian GNU/Linux 12 (bookworm)"
	nodeCR    = "containerd://2.1.4"
)

func TestNodesColumns(t *testing.T) {
	table := Tables{Now: podsNow}.Nodes(nil)
	type col struct {
		name     string
		priority int32
	}
	var got []col
	for _, c := range table.ColumnDefinitions {
		got = append(got, col{c.Name, c.Priority})
	}
	want := []col{
		{"Name", 0}, {"Status", 0}, {"Roles", 0}, {"Age", 0}, {"Version", 0},
		{"Internal-IPs", 0}, {"Pod-CIDRs", 0},
		{"External-IPs", 1}, {"OS-Image", 1}, {"Kernel-Version", 1}, {"Container-Runtime", 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("columns = %v, want %v", got, want)
	}
}

func TestNodesRowsPointIntoInput(t *testing.T) {
	nodes := []corev1.Node{
		testNode(func(n *corev1.Node) { n.Name = "b" }),
		testNode(func(n *corev1.Node) { n.Name = "a" }),
	}
	table := Tables{Now: podsNow}.Nodes(nodes)
	if len(table.Rows) != 2 {
		t.Fatalf("rows = %d, want 2", len(table.Rows))
	}
	for i, row := range table.Rows {
		if row.Object.Object != &nodes[i] {
			t.Errorf("row %d object = %p, want %p", i, row.Object.Object, &nodes[i])
		}
		if row.Cells[0] != nodes[i].Name {
			t.Errorf("row %d name = %v, want %s", i, row.Cells[0], nodes[i].Name)
		}
	}
}

func TestNodes(t *testing.T) {
	tests := []struct {
		name string
		node corev1.Node
		// Name, Status, Roles, Age, Version, Internal-IPs, Pod-CIDRs,
		// External-IPs, OS-Image, Kernel-Version, Container-Runtime
		want []any
	}{
		{
			name: "ready dual-stack node",
			node: testNode(nil),
			want: []any{"node-a", "Ready", "control-plane", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "IPv6-primary node keeps address and CIDR order",
			node: testNode(func(n *corev1.Node) {
				n.Spec.PodCIDR = "fd00:10:244::/64"
				n.Spec.PodCIDRs = []string{"fd00:10:244::/64", "10.244.0.0/24"}
				n.Status.Addresses = []corev1.NodeAddress{
					{Type: corev1.NodeHostName, Address: "node-a"},
					{Type: corev1.NodeInternalIP, Address: "fc00:f853:ccd:e793::2"},
					{Type: corev1.NodeInternalIP, Address: "172.18.0.2"},
				}
			}),
			want: []any{"node-a", "Ready", "control-plane", "3d", "v1.37.0",
				"fc00:f853:ccd:e793::2,172.18.0.2", "fd00:10:244::/64,10.244.0.0/24",
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "not ready",
			node: testNode(func(n *corev1.Node) {
				n.Status.Conditions[1].Status = corev1.ConditionFalse
			}),
			want: []any{"node-a", "NotReady", "control-plane", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "Ready condition Unknown prints NotReady",
			node: testNode(func(n *corev1.Node) {
				n.Status.Conditions[1].Status = corev1.ConditionUnknown
			}),
			want: []any{"node-a", "NotReady", "control-plane", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "no Ready condition is Unknown",
			node: testNode(func(n *corev1.Node) {
				n.Status.Conditions = n.Status.Conditions[:1]
			}),
			want: []any{"node-a", "Unknown", "control-plane", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "cordoned",
			node: testNode(func(n *corev1.Node) { n.Spec.Unschedulable = true }),
			want: []any{"node-a", "Ready,SchedulingDisabled", "control-plane", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "cordoned with no Ready condition",
			node: testNode(func(n *corev1.Node) {
				n.Spec.Unschedulable = true
				n.Status.Conditions = nil
			}),
			want: []any{"node-a", "Unknown,SchedulingDisabled", "control-plane", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "roles from both label styles, sorted, deduplicated",
			node: testNode(func(n *corev1.Node) {
				n.Labels = map[string]string{
					"node-role.kubernetes.io/worker":        "",
					"node-role.kubernetes.io/control-plane": "",
					"node-role.kubernetes.io/":              "",
					"kubernetes.io/role":                    "worker",
					"node-role.kubernetes.io/etcd":          "true",
				}
			}),
			want: []any{"node-a", "Ready", "control-plane,etcd,worker", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "kubernetes.io/role label alone",
			node: testNode(func(n *corev1.Node) {
				n.Labels = map[string]string{"kubernetes.io/role": "ingress"}
			}),
			want: []any{"node-a", "Ready", "ingress", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "no roles",
			node: testNode(func(n *corev1.Node) {
				n.Labels = map[string]string{"kubernetes.io/hostname": "node-a", "kubernetes.io/role": ""}
			}),
			want: []any{"node-a", "Ready", none, "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "no podCIDRs falls back to podCIDR",
			node: testNode(func(n *corev1.Node) { n.Spec.PodCIDRs = nil }),
			want: []any{"node-a", "Ready", "control-plane", "3d", "v1.37.0", nodeIPs, "10.244.0.0/24",
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "no pod CIDRs at all",
			node: testNode(func(n *corev1.Node) { n.Spec.PodCIDR, n.Spec.PodCIDRs = "", nil }),
			want: []any{"node-a", "Ready", "control-plane", "3d", "v1.37.0", nodeIPs, none,
				none, nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "external IPs of both families, no internal IP",
			node: testNode(func(n *corev1.Node) {
				n.Status.Addresses = []corev1.NodeAddress{
					{Type: corev1.NodeExternalIP, Address: "203.0.113.10"},
					{Type: corev1.NodeExternalDNS, Address: "node-a.example.com"},
					{Type: corev1.NodeExternalIP, Address: "2001:db8::10"},
				}
			}),
			want: []any{"node-a", "Ready", "control-plane", "3d", "v1.37.0", none, nodeCIDRs,
				"203.0.113.10,2001:db8::10", nodeOS, "6.8.0-45-generic (amd64)", nodeCR},
		},
		{
			name: "empty node info",
			node: testNode(func(n *corev1.Node) { n.Status.NodeInfo = corev1.NodeSystemInfo{} }),
			want: []any{"node-a", "Ready", "control-plane", "3d", "", nodeIPs, nodeCIDRs,
				none, "<unknown>", "<unknown>", "<unknown>"},
		},
		{
			name: "kernel version without architecture",
			node: testNode(func(n *corev1.Node) { n.Status.NodeInfo.Architecture = "" }),
			want: []any{"node-a", "Ready", "control-plane", "3d", "v1.37.0", nodeIPs, nodeCIDRs,
				none, nodeOS, "6.8.0-45-generic", nodeCR},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			table := Tables{Now: podsNow}.Nodes([]corev1.Node{tt.node})
			if len(table.Rows) != 1 {
				t.Fatalf("rows = %d, want 1", len(table.Rows))
			}
			if got := table.Rows[0].Cells; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("cells =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}
