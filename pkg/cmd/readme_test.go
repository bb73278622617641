package cmd

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's rules table from the registry (make readme)")

const (
	rulesBegin = "<!-- BEGIN RULES: generated from the rule registry by `make readme` -->\n"
	rulesEnd   = "<!-- END RULES -->"
)

// TestREADMERulesTable fails when the README's rules table is not what
// `check --list-rules` prints: both come from the one registry.
func TestREADMERulesTable(t *testing.T) {
	const path = "../../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok := strings.Cut(string(readme), rulesBegin)
	_, after, ok2 := strings.Cut(rest, rulesEnd)
	if !ok || !ok2 {
		t.Fatalf("README.md lacks the %q ... %q markers", strings.TrimSpace(rulesBegin), rulesEnd)
	}
	var table bytes.Buffer
	if err := writeRulesTable(&table, check.Rules()); err != nil {
		t.Fatal(err)
	}
	want := before + rulesBegin + table.String() + rulesEnd + after
	if *updateReadme {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(readme) != want {
		t.Errorf("README.md's rules table is stale: run `make readme`")
	}
}
