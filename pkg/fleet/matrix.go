package fleet

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// Matrix is the table after the clusters' sections: one row per cluster,
// in the sections' order. It holds the rows only, never a cluster's report.
type Matrix struct {
	Header []string
	rows   [][]string
}

// Add appends a cluster's row. Cells come from kubeconfigs and servers
// (context names, versions, error messages): they are escaped when
// written.
func (m *Matrix) Add(cells ...string) { m.rows = append(m.rows, cells) }

// Write prints the matrix under a heading, its columns aligned as the
// plugin's other tables are.
func (m *Matrix) Write(w io.Writer, heading string) error {
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 6, 4, 3, ' ', 0)
	for _, cells := range append([][]string{m.Header}, m.rows...) {
		// Every cell ends with a tab, a row's last too: tabwriter aligns
		// only terminated cells, and rows may be shorter than the header.
		for _, c := range cells {
			fmt.Fprintf(tw, "%s\t", printers.EscapeLine(c))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "== %s\n", heading)
	for _, line := range strings.SplitAfter(table.String(), "\n") {
		if line != "" {
			b.WriteString(strings.TrimRight(line, " \n") + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// SectionHeader is the line above a cluster's section: its context and
// the server that context names (escaped: both come from the kubeconfig).
func SectionHeader(context, server string) string {
	if server == "" {
		server = "unknown"
	}
	return fmt.Sprintf("== Context %s (server %s)\n", printers.EscapeLine(context), printers.EscapeLine(server))
}
