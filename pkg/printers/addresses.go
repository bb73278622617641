package printers

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// publishedAddresses lists the addresses a load balancer, Ingress or Gateway
// publishes, each once: the IPs of the cluster's primary family first, then
// those of the other, each family in status order, then what is not an IP
// (hostnames, implementation-specific values) in status order. Without a
// known primary family, that of the first IP leads. kubectl sorts an
// Ingress's as text instead (2001:db8::1 before 203.0.113.1, whatever the
// cluster's primary family), and shows a Gateway's first one only.
func (t Tables) publishedAddresses(values []string) string {
	primary := t.PrimaryFamily
	var byFamily = map[corev1.IPFamily][]string{}
	var others []string
	for _, v := range values {
		fam := dualstack.FamilyOf(v)
		switch {
		case v == "":
		case fam == "":
			if !slices.Contains(others, v) {
				others = append(others, v)
			}
		case !slices.Contains(byFamily[fam], v):
			if primary == "" {
				primary = fam
			}
			byFamily[fam] = append(byFamily[fam], v)
		}
	}
	secondary := corev1.IPv6Protocol
	if primary == corev1.IPv6Protocol {
		secondary = corev1.IPv4Protocol
	}
	return strings.Join(slices.Concat(byFamily[primary], byFamily[secondary], others), ",")
}
