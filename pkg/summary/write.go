package summary

import (
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// Outputs are the values of summary's -o; without one, a table.
var Outputs = []string{"wide", "json", "yaml"}

// Write prints the summary: output "" or "wide" as the cluster block and
// a table (bar: READINESS as a bar, for a terminal), else as JSON or YAML.
func Write(w io.Writer, s *Summary, output string, bar bool) error {
	switch output { // as check's reports: names from annotations may hold controls
	case "json":
		return report.WriteJSON(w, s)
	case "yaml":
		return report.WriteYAML(w, s)
	}
	var b strings.Builder
	if s.Scope.Config != "" {
		fmt.Fprintf(&b, "Configuration: %s\n", printers.EscapeLine(s.Scope.Config))
	}
	writeCluster(&b, &s.Cluster)
	if len(s.Groups) > 0 {
		b.WriteString("\n")
		if err := writeTable(&b, s, output == "wide", bar); err != nil {
			return err
		}
	}
	for _, u := range s.Unknown {
		fmt.Fprintf(&b, "\nIncomplete: %s could not be read (%s): unknown %s.", u.Source, printers.EscapeLine(u.Reason), strings.Join(u.Affects, ", "))
	}
	if len(s.Unknown) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCluster is the block above the table: the stack and version, the
// CNI, the distribution, node pod ranges and service addresses by family.
func writeCluster(b *strings.Builder, c *Cluster) {
	esc := printers.EscapeLine
	line := func(label, value string) { fmt.Fprintf(b, "%-19s%s\n", label+":", value) }
	unknownBecause := func(part string) string { return "unknown (" + esc(c.WhyUnknown[part]) + ")" }

	cluster := c.Stack
	if c.Stack == "unknown" {
		cluster = unknownBecause("stack")
	}
	if c.KubernetesVersion != "" {
		cluster += ", Kubernetes " + esc(c.KubernetesVersion)
	}
	line("Cluster", cluster)
	if c.CNI != nil {
		line("CNI", esc(c.CNI.Name)+", IPAM "+esc(c.CNI.IPAM)+" ("+esc(c.CNI.Source)+")")
	} else {
		line("CNI", unknownBecause("cni"))
	}
	if c.Distribution != "" {
		line("Distribution", esc(c.Distribution))
	} else {
		line("Distribution", "none detected (kubeadm, or one the nodes do not name)")
	}

	var ranges []string
	for _, r := range c.PodRanges {
		s := fmt.Sprintf("%s %s: %d of %d /%d ranges taken", r.Family, r.ClusterCIDR, r.Taken, r.Ranges, r.NodeMask)
		if permille, ok := dualstack.UsedPermille(r.Taken, r.Ranges); ok {
			s += " (" + dualstack.FormatPercent(permille) + ")"
		}
		if r.NodesWithout > 0 {
			s += fmt.Sprintf(", %d nodes without one", r.NodesWithout)
		}
		ranges = append(ranges, s)
	}
	switch {
	case c.PodRanges == nil:
		line("Node pod ranges", unknownBecause("podRanges"))
	case len(ranges) == 0:
		line("Node pod ranges", "none")
	default:
		line("Node pod ranges", strings.Join(ranges, "; "))
	}

	var addrs []string
	for _, a := range c.ServiceAddresses {
		s := fmt.Sprintf("%s %d of %d in use", a.Family, a.Used, a.Size)
		if permille, ok := dualstack.UsedPermille(a.Used, a.Size); ok {
			s += " (" + dualstack.FormatPercent(permille) + ")"
		}
		addrs = append(addrs, s)
	}
	switch {
	case c.ServiceAddresses == nil:
		line("Service addresses", unknownBecause("serviceAddresses"))
	case len(addrs) == 0:
		line("Service addresses", "no ServiceCIDR")
	default:
		line("Service addresses", strings.Join(addrs, "; "))
	}
}
