package printers

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
)

var serviceColumns = []metav1.TableColumnDefinition{
	column("Name", "string", false),
	column("Type", "string", false),
	column("Cluster-IPs", "string", false),
	column("External-IP", "string", false),
	column("Port(s)", "string", false),
	column("IP-Family-Policy", "string", false),
	column("Age", "string", false),
	column("IP-Families", "string", true),
	column("Selector", "string", true),
}

// Services is kubectl's service table with every cluster IP, the IP family
// policy and (wide) the IP families.
func (t Tables) Services(services []corev1.Service) *metav1.Table {
	table := &metav1.Table{ColumnDefinitions: serviceColumns}
	for i := range services {
		svc := &services[i]
		var families []string
		for _, f := range svc.Spec.IPFamilies {
			families = append(families, string(f))
		}
		policy := none
		if svc.Spec.IPFamilyPolicy != nil {
			policy = string(*svc.Spec.IPFamilyPolicy)
		}
		table.Rows = append(table.Rows, metav1.TableRow{
			Object: runtime.RawExtension{Object: svc},
			Cells: []any{
				svc.Name,
				string(svc.Spec.Type),
				joinOrNone(svc.Spec.ClusterIPs),
				externalIPs(svc),
				portsOrNone(svc.Spec.Ports),
				policy,
				t.age(svc.CreationTimestamp),
				joinOrNone(families),
				labels.FormatLabels(svc.Spec.Selector),
			},
		})
	}
	return escapeCells(table)
}

// externalIPs is kubectl's EXTERNAL-IP column, except that a load
// balancer's ingress addresses are all shown, in status order (primary
// family first, as the load balancer reports them), never truncated.
func externalIPs(svc *corev1.Service) string {
	switch svc.Spec.Type {
	case corev1.ServiceTypeExternalName:
		return svc.Spec.ExternalName
	case corev1.ServiceTypeLoadBalancer:
		var ips []string
		for _, ing := range svc.Status.LoadBalancer.Ingress {
			addr := cmp.Or(ing.IP, ing.Hostname)
			if addr != "" && !slices.Contains(ips, addr) {
				ips = append(ips, addr)
			}
		}
		ips = append(ips, svc.Spec.ExternalIPs...)
		if len(ips) == 0 {
			return "<pending>"
		}
		return strings.Join(ips, ",")
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		return joinOrNone(svc.Spec.ExternalIPs)
	}
	return "<unknown>"
}

// portsOrNone is kubectl's PORT(S) column: port[:nodePort]/protocol.
func portsOrNone(ports []corev1.ServicePort) string {
	var out []string
	for _, p := range ports {
		if p.NodePort > 0 {
			out = append(out, fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol))
		} else {
			out = append(out, fmt.Sprintf("%d/%s", p.Port, p.Protocol))
		}
	}
	return joinOrNone(out)
}
