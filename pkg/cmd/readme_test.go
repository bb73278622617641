package cmd

import (
	"bytes"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's generated tables from the registry (make readme)")

// readmeSections are the README's generated parts, between their markers.
var readmeSections = []struct {
	begin, end string
	write      func(w *bytes.Buffer) error
}{
	{
		"<!-- BEGIN RULES: generated from the rule registry by `make readme` -->\n", "<!-- END RULES -->",
		func(w *bytes.Buffer) error { return report.WriteRulesTable(w, check.Rules()) },
	},
	{
		"<!-- BEGIN PERMISSIONS: generated from check.SourcePermissions and the rule registry by `make readme` -->\n", "<!-- END PERMISSIONS -->",
		func(w *bytes.Buffer) error {
			return report.WritePermissionsTable(w, check.SourcePermissions, check.Rules())
		},
	},
	{
		"<!-- BEGIN INPUTS: generated from files.Formats by `make readme` -->\n", "<!-- END INPUTS -->",
		func(w *bytes.Buffer) error { return writeInputFormatsTable(w, files.Formats()) },
	},
	{
		"<!-- BEGIN SUMMARY FLAGS: generated from summary's flags by `make readme` -->\n", "<!-- END SUMMARY FLAGS -->",
		func(w *bytes.Buffer) error {
			return writeFlagsTable(w, newSummaryCmd(genericclioptions.NewConfigFlags(true), genericiooptions.IOStreams{}))
		},
	},
	{
		"<!-- BEGIN FLEET FLAGS: generated from the flags check, summary and plan share by `make readme` -->\n", "<!-- END FLEET FLAGS -->",
		func(w *bytes.Buffer) error {
			cmd := &cobra.Command{Use: "fleet"}
			addFleetFlags(cmd, genericclioptions.NewConfigFlags(true))
			return writeFlagsTable(w, cmd)
		},
	},
}

// TestREADMERulesTable fails when the README's rules table is not what
// `check --list-rules` prints, its permissions table not what the
// registry says, its table of --from-file formats not files.Formats, or
// its table of summary's flags not the flags.
func TestREADMERulesTable(t *testing.T) {
	const path = "../../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := string(readme)
	for _, s := range readmeSections {
		before, rest, ok := strings.Cut(want, s.begin)
		_, after, ok2 := strings.Cut(rest, s.end)
		if !ok || !ok2 {
			t.Fatalf("README.md lacks the %q ... %q markers", strings.TrimSpace(s.begin), s.end)
		}
		var table bytes.Buffer
		if err := s.write(&table); err != nil {
			t.Fatal(err)
		}
		want = before + s.begin + table.String() + s.end + after
	}
	if *updateReadme {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(readme) != want {
		t.Errorf("README.md's generated tables are stale: run `make readme`")
	}
}

// TestSourcePermissions: every source (check.Sources lists those of
// SourcePermissions) has one permission and role for the README's table,
// and every source a rule needs has one.
func TestSourcePermissions(t *testing.T) {
	var listed []check.Source
	for _, p := range check.SourcePermissions {
		if slices.Contains(listed, p.Source) || p.Permission == "" || p.Role == "" {
			t.Errorf("SourcePermissions: %+v is listed twice or lacks a permission or role", p)
		}
		listed = append(listed, p.Source)
	}
	for _, r := range check.Rules() {
		for _, n := range r.Needs {
			if !slices.Contains(listed, n) {
				t.Errorf("rule %s needs %q, which has no permission", r.ID, n)
			}
		}
	}
}
