package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/config"
)

// addConfigFlag adds --config, the configuration file (docs/config.md),
// to a command that reads it with config.Load; the shell completes it
// with YAML files.
func addConfigFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "config", "", fmt.Sprintf(
		"The configuration file: expected stack, --fail-on level, rules, severity overrides, exemptions (docs/config.md). Default: %s in the working directory, else $XDG_CONFIG_HOME/kubectl-dualstack/config.yaml, if there. Flags given override the file.",
		config.WorkingDirFile))
	if err := cmd.MarkFlagFilename("config", "yaml", "yml"); err != nil {
		panic(fmt.Sprintf("completion of --config: %v", err))
	}
}
