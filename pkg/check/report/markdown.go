package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// WriteRulesTable prints the registry as a Markdown table: --list-rules
// output and the README's rules table are the same text.
func WriteRulesTable(w io.Writer, rules []check.Rule) error {
	var b strings.Builder
	b.WriteString("| ID | Severity | Title | Reference |\n|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.ID, r.Severity, escapePipes(r.Title), escapePipes(r.Reference))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WritePermissionsTable prints, for the README, what a live check needs to
// read each source and which rules are skipped without it.
func WritePermissionsTable(w io.Writer, perms []check.SourcePermission, rules []check.Rule) error {
	var b strings.Builder
	b.WriteString("| source | permission | granted by | rules skipped without it |\n|---|---|---|---|\n")
	for _, p := range perms {
		var ids []string
		for _, r := range rules {
			if slices.Contains(r.Needs, p.Source) {
				ids = append(ids, "`"+r.ID+"`")
			}
		}
		if len(ids) == 0 {
			ids = []string{"none"}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", p.Source, escapePipes(p.Permission), escapePipes(p.Role), strings.Join(ids, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapePipes keeps a cell's | from ending the cell.
func escapePipes(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
