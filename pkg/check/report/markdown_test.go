package report

import (
	"bytes"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// A | in a cell is escaped, so that it does not end the cell; the README's
// own tables are compared with these writers in pkg/cmd.
func TestMarkdownTablesEscapePipes(t *testing.T) {
	rules := []check.Rule{{ID: "a-rule", Severity: check.Warning, Title: "x | y", Reference: "r", Needs: []check.Source{check.SourceNodes}}}
	var b bytes.Buffer
	if err := WriteRulesTable(&b, rules); err != nil {
		t.Fatal(err)
	}
	if want := "| ID | Severity | Title | Reference |\n|---|---|---|---|\n| `a-rule` | warning | x \\| y | r |\n"; b.String() != want {
		t.Errorf("rules table\n got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	perms := []check.SourcePermission{{Source: check.SourceNodes, Permission: "list nodes", Role: "a|b"}, {Source: check.SourcePods, Permission: "list pods", Role: "c"}}
	if err := WritePermissionsTable(&b, perms, rules); err != nil {
		t.Fatal(err)
	}
	want := "| source | permission | granted by | rules skipped without it |\n|---|---|---|---|\n" +
		"| " + string(check.SourceNodes) + " | list nodes | a\\|b | `a-rule` |\n" +
		"| " + string(check.SourcePods) + " | list pods | c | none |\n"
	if b.String() != want {
		t.Errorf("permissions table\n got %q\nwant %q", b.String(), want)
	}
}
