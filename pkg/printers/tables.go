// Package printers turns API objects into the metav1.Table rows that
// `kubectl dualstack get` prints through kubectl's own table printer. Columns
// kubectl also has keep kubectl's names and values; the dual-stack columns
// show every address, comma-separated, primary family first.
package printers

import (
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// none is what kubectl prints for an empty value.
const none = "<none>"

// Tables builds the plugin's tables.
type Tables struct {
	// Now is the time AGE columns count from; the zero value means time.Now.
	// Golden tests fix it.
	Now time.Time
	// PrimaryFamily is the cluster's primary IP family, which the address
	// lists of Ingresses and Gateways put first; "" when unknown.
	PrimaryFamily corev1.IPFamily
}

func (t Tables) now() time.Time {
	if t.Now.IsZero() {
		return time.Now()
	}
	return t.Now
}

// age formats the time since ts as kubectl's AGE column does.
func (t Tables) age(ts metav1.Time) string {
	if ts.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(t.now().Sub(ts.Time))
}

// joinOrNone joins values with "," (no spaces, as kubectl lists), or <none>.
func joinOrNone(values []string) string {
	if len(values) == 0 {
		return none
	}
	return strings.Join(values, ",")
}

// column is a table column; wide ones show only with -o wide.
func column(name, typ string, wide bool) metav1.TableColumnDefinition {
	c := metav1.TableColumnDefinition{Name: name, Type: typ}
	if name == "Name" {
		c.Format = "name"
	}
	if wide {
		c.Priority = 1
	}
	return c
}
