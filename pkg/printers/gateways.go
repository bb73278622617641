package printers

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

var gatewayColumns = []metav1.TableColumnDefinition{
	column("Name", "string", false),
	column("Class", "string", false),
	column("Address", "string", false),
	column("Programmed", "string", false),
	column("Age", "string", false),
}

// Gateways is the table kubectl prints from the Gateway CRD's printer
// columns, with every value of status.addresses in ADDRESS
// (publishedAddresses): the CRD's column shows the first one only.
// Gateways are a CRD, read as unstructured objects.
func (t Tables) Gateways(gateways []unstructured.Unstructured) *metav1.Table {
	table := &metav1.Table{ColumnDefinitions: gatewayColumns}
	for i := range gateways {
		gw := &gateways[i]
		class, _, _ := unstructured.NestedString(gw.Object, "spec", "gatewayClassName")
		var addresses []string
		for _, a := range nestedMaps(gw.Object, "status", "addresses") {
			value, _, _ := unstructured.NestedString(a, "value")
			addresses = append(addresses, value)
		}
		programmed := ""
		for _, c := range nestedMaps(gw.Object, "status", "conditions") {
			if typ, _, _ := unstructured.NestedString(c, "type"); typ == "Programmed" {
				programmed, _, _ = unstructured.NestedString(c, "status")
				break
			}
		}
		table.Rows = append(table.Rows, metav1.TableRow{
			Object: runtime.RawExtension{Object: gw},
			Cells: []any{
				gw.GetName(),
				class,
				t.publishedAddresses(addresses),
				programmed,
				t.age(gw.GetCreationTimestamp()),
			},
		})
	}
	return escapeCells(table)
}

// nestedMaps is the list of objects at fields, skipping what is not an
// object; nil when there is none.
func nestedMaps(obj map[string]any, fields ...string) []map[string]any {
	list, _, _ := unstructured.NestedFieldNoCopy(obj, fields...)
	items, _ := list.([]any)
	var out []map[string]any
	for _, item := range items {
		if m, ok := item.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
