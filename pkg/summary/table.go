package summary

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// Columns are the table's columns and what each shows, for --help and
// docs/summary.md: a/b is "a of b have both families".
var Columns = []struct{ Name, Help string }{
	{"NAMESPACE", "the namespace (with --by owner, then OWNER: HelmRelease/NAME, Deployment/NAME, ..., <none>)"},
	{"PODS", "Running pods with an IP of each family / Running pods"},
	{"SVC-DUAL", "Services with both families (RequireDualStack, or PreferDualStack that got both)"},
	{"SVC-PREFER-SINGLE", "PreferDualStack Services that have one family"},
	{"SVC-SINGLE", "SingleStack Services"},
	{"HEADLESS", "headless Services with both families / headless Services (not in the three columns before)"},
	{"BACKENDS-1FAM", "Services with both families whose EndpointSlices lack a family for a backend"},
	{"LB", "LoadBalancer Services publishing an IP of each family / LoadBalancer Services"},
	{"INGRESS", "Ingresses publishing an IP of each family / Ingresses"},
	{"NETPOL-1FAM", "NetworkPolicies whose ipBlocks leave a family out"},
	{"EXEMPT", "objects without both families that an exemption covers (left out of READINESS)"},
	{"READINESS", "dual-stack items / items counted, exempt ones left out"},
	{"NOT-DUAL", "(-o wide) what lacks a family, the first " + strconv.Itoa(MaxNames) + " and how many more"},
}

// writeTable prints the groups, worst first, and a TOTAL row when there
// are several, aligned as kubectl's tables are (3 spaces between columns).
// kubectl's table printer is not used: it pads its header by the cells'
// bytes, so a column after the bar's multi-byte cells would be pushed
// right by twice the bar's width. NOT-DUAL is shown with wide only.
func writeTable(w io.Writer, s *Summary, wide, bar bool) error {
	tw := tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
	byOwner := s.Scope.By == ByOwner
	var header []string
	for i, c := range Columns {
		if c.Name == "NOT-DUAL" && !wide {
			continue
		}
		header = append(header, c.Name)
		if i == 0 && byOwner {
			header = append(header, "OWNER")
		}
	}
	row := func(name string, owner *Owner, c Counts, names *Names) []string {
		cells := []string{name}
		if byOwner {
			cells = append(cells, ownerCell(owner, names != nil))
		}
		cells = append(cells, countCells(c, bar)...)
		if wide && names != nil {
			cells = append(cells, namesCell(*names))
		}
		return cells
	}
	rows := [][]string{header}
	for _, g := range s.Groups {
		rows = append(rows, row(g.Namespace, g.Owner, g.Counts, &g.NotDual))
	}
	if len(s.Groups) > 1 {
		rows = append(rows, row("TOTAL", nil, s.Total, nil))
	}
	for _, cells := range rows {
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// ownerCell names a group's owner; the TOTAL row has none to name.
func ownerCell(o *Owner, group bool) string {
	switch {
	case !group:
		return ""
	case o == nil:
		return none
	}
	return printers.EscapeLine(o.Kind + "/" + o.Name) // a Helm release's name is an annotation
}

// countCells are the cells from PODS to READINESS.
func countCells(c Counts, bar bool) []string {
	ratio := func(r *Ratio) string {
		if r == nil {
			return unknown
		}
		return fmt.Sprintf("%d/%d", r.Dual, r.Total)
	}
	count := func(known bool, n int) string {
		if !known {
			return unknown
		}
		return strconv.Itoa(n)
	}
	var cells []string
	if c.Pods == nil {
		cells = append(cells, unknown)
	} else {
		cells = append(cells, fmt.Sprintf("%d/%d", c.Pods.Dual, c.Pods.Running))
	}
	s := c.Services
	if s == nil {
		cells = append(cells, unknown, unknown, unknown, unknown, unknown)
	} else {
		backends := unknown
		if s.BackendsMissingFamily != nil {
			backends = strconv.Itoa(*s.BackendsMissingFamily)
		}
		cells = append(cells, strconv.Itoa(s.Dual), strconv.Itoa(s.PreferButSingle), strconv.Itoa(s.Single), ratio(&s.Headless), backends)
	}
	cells = append(cells, ratio(c.LoadBalancers), ratio(c.Ingresses))
	if c.NetworkPolicies == nil {
		cells = append(cells, unknown)
	} else {
		cells = append(cells, strconv.Itoa(c.NetworkPolicies.OneFamily))
	}
	cells = append(cells, count(c.Exempt != nil, exemptSum(c.Exempt)), formatReadiness(c.Readiness, bar))
	return cells
}

func exemptSum(e *Exempt) int {
	if e == nil {
		return 0
	}
	return e.Sum()
}

// namesCell is "pod/a,service/b + 3 more", or <none>.
func namesCell(n Names) string {
	if len(n.Names) == 0 {
		return none
	}
	s := strings.Join(n.Names, ",")
	if n.More > 0 {
		s += fmt.Sprintf(" + %d more", n.More)
	}
	return s
}
