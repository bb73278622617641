package summary

import (
	"fmt"
	"strings"
)

// readiness is the share of a group's items that are dual-stack, exempt
// ones left out. The items are the Running pods, the Services (headless
// ones too), the LoadBalancer Services' published addresses, the
// Ingresses and the NetworkPolicies with ipBlocks. Dual-stack means: a pod
// with an IP address of each family; a Service with both families whose
// backends lack none (a LoadBalancer Service counts twice: its cluster
// IPs, and what its load balancer publishes); a load balancer or Ingress
// publishing an IP address of each family; a policy whose ipBlocks leave
// no family out. Nil when a count it needs is unknown.
func readiness(c Counts) *Readiness {
	if c.Pods == nil || c.Services == nil || c.Services.BackendsMissingFamily == nil || c.LoadBalancers == nil ||
		c.Ingresses == nil || c.NetworkPolicies == nil || c.Exempt == nil {
		return nil
	}
	s, np := c.Services, c.NetworkPolicies
	services := s.Dual + s.PreferButSingle + s.Single + s.Headless.Total
	counted := c.Pods.Running + services + c.LoadBalancers.Total + c.Ingresses.Total + np.WithIPBlocks - c.Exempt.Sum()
	ready := c.Pods.Dual + s.Dual + s.Headless.Dual - *s.BackendsMissingFamily + c.LoadBalancers.Dual + c.Ingresses.Dual + np.WithIPBlocks - np.OneFamily
	r := &Readiness{Ready: ready, Counted: counted}
	if counted > 0 {
		percent := ready * 100 / counted
		r.Percent = &percent
	}
	return r
}

// barCells is the width of the readiness bar.
const barCells = 10

// formatReadiness is the READINESS cell: on a terminal a bar of 10 cells,
// one filled per full 10% ("████████░░ 80%"), else plain numbers
// ("80% (8/10)"); "unknown", or "<none>" when nothing is counted.
func formatReadiness(r *Readiness, bar bool) string {
	switch {
	case r == nil:
		return unknown
	case r.Percent == nil:
		return none
	case bar:
		filled := *r.Percent * barCells / 100
		return strings.Repeat("█", filled) + strings.Repeat("░", barCells-filled) + fmt.Sprintf(" %d%%", *r.Percent)
	}
	return fmt.Sprintf("%d%% (%d/%d)", *r.Percent, r.Ready, r.Counted)
}

// What a cell shows for an unknown count, and for nothing counted.
const (
	unknown = "unknown"
	none    = "<none>"
)

// ReadinessCell is r as the table shows it off a terminal ("80% (8/10)",
// "unknown", "<none>"): a cell of the matrix of several clusters.
func ReadinessCell(r *Readiness) string { return formatReadiness(r, false) }
