package printers

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// DefaultMaxEndpointGroups is how many groups a Service shows before
// "+ N more...", as kubectl truncates endpoint lists after three.
const DefaultMaxEndpointGroups = 3

var endpointsColumns = []metav1.TableColumnDefinition{
	column("Name", "string", false),
	column("Endpoints", "string", false),
	column("Age", "string", false),
}

// ServiceEndpoints is one row of the endpoints view: a Service's slices of
// every address type.
type ServiceEndpoints struct {
	// Meta names the row (the Service's name, namespace, labels, age).
	Meta     metav1.ObjectMeta
	Families []corev1.IPFamily // the Service's ipFamilies: the order within a group
	Ports    []string          // the Service's port names: the order of the groups
	Slices   []dualstack.Slice
}

// EndpointsOptions tune the endpoints view.
type EndpointsOptions struct {
	dualstack.PairOptions
	// MaxGroups per Service before "+ N more..."; 0 shows all.
	MaxGroups int
}

// Endpoints prints one brace-grouped group per backend and port on its own
// line, as the KEP specified: `{[fd00:db8:1::2]:80,192.168.1.3:80}`. The
// first line of a Service carries its name and age; continuation lines leave
// them empty.
func (t Tables) Endpoints(services []ServiceEndpoints, opts EndpointsOptions) *metav1.Table {
	table := &metav1.Table{ColumnDefinitions: endpointsColumns}
	for _, svc := range services {
		lines := []string{none}
		pairing := opts.PairOptions
		pairing.PortOrder = svc.Ports
		if groups := dualstack.Pair(svc.Slices, svc.Families, pairing); len(groups) > 0 {
			lines = lines[:0]
			for i, g := range groups {
				if opts.MaxGroups > 0 && i == opts.MaxGroups {
					lines = append(lines, fmt.Sprintf("+ %d more...", len(groups)-i))
					break
				}
				lines = append(lines, FormatGroup(g, opts.IncludeNotReady))
			}
		}
		meta := &metav1.PartialObjectMetadata{ObjectMeta: svc.Meta}
		table.Rows = append(table.Rows, metav1.TableRow{
			Object: runtime.RawExtension{Object: meta},
			Cells:  []any{svc.Meta.Name, lines[0], t.age(svc.Meta.CreationTimestamp)},
		})
		for _, line := range lines[1:] {
			table.Rows = append(table.Rows, metav1.TableRow{Cells: []any{"", line}})
		}
	}
	return escapeCells(table)
}

// FormatGroup writes a group the KEP's way, `{[fd00:db8:1::2]:80,192.168.1.3:80}`,
// marking a not-ready backend when not-ready ones are shown.
func FormatGroup(g dualstack.Group, markNotReady bool) string {
	addrs := make([]string, len(g.Addresses))
	for i, ip := range g.Addresses {
		addrs[i] = ip
		if g.Port.Number != nil {
			addrs[i] = net.JoinHostPort(ip, strconv.Itoa(int(*g.Port.Number)))
		}
	}
	s := "{" + strings.Join(addrs, ",") + "}"
	if markNotReady && !g.Ready {
		s += " (not ready)"
	}
	return s
}
