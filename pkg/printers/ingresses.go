package printers

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

var ingressColumns = []metav1.TableColumnDefinition{
	column("Name", "string", false),
	column("Class", "string", false),
	column("Hosts", "string", false),
	column("Address", "string", false),
	column("Ports", "string", false),
	column("Age", "string", false),
}

// Ingresses is kubectl's ingress table, with every address of
// status.loadBalancer.ingress in ADDRESS (publishedAddresses).
func (t Tables) Ingresses(ingresses []networkingv1.Ingress) *metav1.Table {
	table := &metav1.Table{ColumnDefinitions: ingressColumns}
	for i := range ingresses {
		ing := &ingresses[i]
		class := none
		if ing.Spec.IngressClassName != nil {
			class = *ing.Spec.IngressClassName
		}
		var addresses []string
		for _, lb := range ing.Status.LoadBalancer.Ingress {
			if lb.IP != "" {
				addresses = append(addresses, lb.IP)
			} else {
				addresses = append(addresses, lb.Hostname)
			}
		}
		table.Rows = append(table.Rows, metav1.TableRow{
			Object: runtime.RawExtension{Object: ing},
			Cells: []any{
				ing.Name,
				class,
				ingressHosts(ing.Spec.Rules),
				t.publishedAddresses(addresses),
				ingressPorts(ing.Spec.TLS),
				t.age(ing.CreationTimestamp),
			},
		})
	}
	return escapeCells(table)
}

// ingressHosts is kubectl's HOSTS column (formatHosts in
// pkg/printers/internalversion): up to three rule hosts, "+ N more..." when
// rules follow them (N counts rules, as kubectl's does), "*" for none.
func ingressHosts(rules []networkingv1.IngressRule) string {
	const max = 3
	var hosts []string
	more := false
	for _, rule := range rules {
		if len(hosts) == max {
			more = true
			break
		}
		if rule.Host != "" {
			hosts = append(hosts, rule.Host)
		}
	}
	switch {
	case len(hosts) == 0:
		return "*"
	case more:
		return fmt.Sprintf("%s + %d more...", strings.Join(hosts, ","), len(rules)-max)
	}
	return strings.Join(hosts, ",")
}

// ingressPorts is kubectl's PORTS column (formatPorts).
func ingressPorts(tls []networkingv1.IngressTLS) string {
	if len(tls) != 0 {
		return "80, 443"
	}
	return "80"
}
