package printers

import (
	"cmp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
)

const (
	// nodeRolePrefix labels a node with a role: node-role.kubernetes.io/<role>.
	nodeRolePrefix = "node-role.kubernetes.io/"
	// nodeRoleLabel is the older kubernetes.io/role=<role> label.
	nodeRoleLabel = "kubernetes.io/role"
	unknown       = "<unknown>"
)

var nodeColumns = []metav1.TableColumnDefinition{
	column("Name", "string", false),
	column("Status", "string", false),
	column("Roles", "string", false),
	column("Age", "string", false),
	column("Version", "string", false),
	column("Internal-IPs", "string", false),
	column("Pod-CIDRs", "string", false),
	column("External-IPs", "string", true),
	column("OS-Image", "string", true),
	column("Kernel-Version", "string", true),
	column("Container-Runtime", "string", true),
}

// Nodes is kubectl's node table plus every InternalIP and the pod CIDRs.
func (t Tables) Nodes(nodes []corev1.Node) *metav1.Table {
	table := &metav1.Table{ColumnDefinitions: nodeColumns}
	for i := range nodes {
		node := &nodes[i]
		info := node.Status.NodeInfo
		cidrs := node.Spec.PodCIDRs
		if len(cidrs) == 0 && node.Spec.PodCIDR != "" {
			cidrs = []string{node.Spec.PodCIDR}
		}
		kernel := cmp.Or(info.KernelVersion, unknown)
		if info.Architecture != "" {
			kernel += " (" + info.Architecture + ")"
		}
		table.Rows = append(table.Rows, metav1.TableRow{
			Object: runtime.RawExtension{Object: node},
			Cells: []any{
				node.Name,
				nodeStatus(node),
				joinOrNone(nodeRoles(node)),
				t.age(node.CreationTimestamp),
				info.KubeletVersion,
				joinOrNone(nodeAddresses(node, corev1.NodeInternalIP)),
				joinOrNone(cidrs),
				joinOrNone(nodeAddresses(node, corev1.NodeExternalIP)),
				cmp.Or(info.OSImage, unknown),
				kernel,
				cmp.Or(info.ContainerRuntimeVersion, unknown),
			},
		})
	}
	return escapeCells(table)
}

// nodeStatus is Ready or NotReady from the Ready condition (the last one
// wins, as in kubectl), Unknown without one, plus SchedulingDisabled when
// the node is cordoned.
func nodeStatus(node *corev1.Node) string {
	status := "Unknown"
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			status = "NotReady"
			if c.Status == corev1.ConditionTrue {
				status = "Ready"
			}
		}
	}
	if node.Spec.Unschedulable {
		status += ",SchedulingDisabled"
	}
	return status
}

// nodeRoles are the node's roles, sorted, from node-role.kubernetes.io/<role>
// labels and the kubernetes.io/role label.
func nodeRoles(node *corev1.Node) []string {
	roles := sets.New[string]()
	for k, v := range node.Labels {
		if role, ok := strings.CutPrefix(k, nodeRolePrefix); ok {
			if role != "" {
				roles.Insert(role)
			}
		} else if k == nodeRoleLabel && v != "" {
			roles.Insert(v)
		}
	}
	return sets.List(roles)
}

// nodeAddresses lists the node's addresses of one type, in status order.
func nodeAddresses(node *corev1.Node, typ corev1.NodeAddressType) []string {
	var addrs []string
	for _, a := range node.Status.Addresses {
		if a.Type == typ {
			addrs = append(addrs, a.Address)
		}
	}
	return addrs
}
