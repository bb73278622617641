package printers

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// DefaultMaxNamespaces is how many namespaces the wide servicecidrs view
// names per ServiceCIDR before "+ N more".
const DefaultMaxNamespaces = 3

var serviceCIDRColumns = []metav1.TableColumnDefinition{
	column("Name", "string", false),
	column("CIDR", "string", false),
	column("Family", "string", false),
	column("Size", "string", false),
	column("Used", "string", false),
	column("Free", "string", false),
	column("Used%", "string", false),
	column("Age", "string", false),
	column("Services-By-Namespace", "string", true),
}

// ServiceCIDRUsage is a ServiceCIDR and the addresses in use in each of
// its ranges.
type ServiceCIDRUsage struct {
	ServiceCIDR *networkingv1.ServiceCIDR
	Ranges      []RangeUsage // one per spec.cidrs entry, in order
	// Namespaces holding Services with addresses in the ServiceCIDR, most
	// Services first.
	Namespaces []NamespaceServices
}

// RangeUsage is one range of a ServiceCIDR: its size as the allocator
// counts it (dualstack.ServiceRangeSize) and the IPAddresses inside it.
type RangeUsage struct {
	CIDR       string
	Family     corev1.IPFamily // "" when the CIDR does not parse
	Size, Used uint64
}

// NamespaceServices counts one namespace's Services with addresses in a
// ServiceCIDR.
type NamespaceServices struct {
	Namespace string
	Services  int
}

// ServiceCIDRs prints one line per range of each ServiceCIDR: its family,
// size, addresses in use and free, and the share in use. The first line
// of a ServiceCIDR carries its name, age and (wide) the namespaces with
// most Services in it; continuation lines leave them empty.
func (t Tables) ServiceCIDRs(rows []ServiceCIDRUsage) *metav1.Table {
	table := &metav1.Table{ColumnDefinitions: serviceCIDRColumns}
	for _, row := range rows {
		sc := row.ServiceCIDR
		ranges := row.Ranges
		if len(ranges) == 0 {
			ranges = []RangeUsage{{CIDR: none}}
		}
		for i, r := range ranges {
			cells := rangeCells(r)
			if i > 0 { // without the cells after Used%, as the endpoints view
				table.Rows = append(table.Rows, metav1.TableRow{Cells: append([]any{""}, cells...)})
				continue
			}
			cells = append(append([]any{sc.Name}, cells...), t.age(sc.CreationTimestamp), namespacesCell(row.Namespaces, DefaultMaxNamespaces))
			table.Rows = append(table.Rows, metav1.TableRow{Object: runtime.RawExtension{Object: sc}, Cells: cells})
		}
	}
	return escapeCells(table)
}

// rangeCells are the CIDR, Family, Size, Used, Free and Used% cells.
func rangeCells(r RangeUsage) []any {
	if r.Family == "" {
		return []any{r.CIDR, unknown, unknown, unknown, unknown, unknown}
	}
	percent := none // a range the allocator hands nothing out from
	if permille, ok := dualstack.UsedPermille(r.Used, r.Size); ok {
		percent = dualstack.FormatPercent(permille)
	}
	free := r.Size - min(r.Used, r.Size)
	return []any{r.CIDR, string(r.Family), strconv.FormatUint(r.Size, 10), strconv.FormatUint(r.Used, 10), strconv.FormatUint(free, 10), percent}
}

// namespacesCell is "demo:1000,default:2,kube-system:1 + 2 more".
func namespacesCell(namespaces []NamespaceServices, limit int) string {
	var parts []string
	for i, ns := range namespaces {
		if limit > 0 && i == limit {
			return strings.Join(parts, ",") + fmt.Sprintf(" + %d more", len(namespaces)-i)
		}
		parts = append(parts, fmt.Sprintf("%s:%d", ns.Namespace, ns.Services))
	}
	return joinOrNone(parts)
}
