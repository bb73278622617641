package cmd

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// writeFlagsTable prints a command's own flags (not the global ones) as
// the README's Markdown table, so that the README cannot drift from
// --help (make readme).
func writeFlagsTable(w io.Writer, cmd *cobra.Command) error {
	var b strings.Builder
	b.WriteString("| flag | default | meaning |\n|---|---|---|\n")
	cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" {
			return
		}
		name := "`--" + f.Name + "`"
		if f.Shorthand != "" {
			name = "`-" + f.Shorthand + "`, " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = "`" + f.DefValue + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", name, def, markdownText(f.Usage))
	})
	_, err := io.WriteString(w, b.String())
	return err
}
