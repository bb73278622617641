// Package config reads check's configuration file (docs/config.md): the
// expected stack, the --fail-on level, the rules to run, severity
// overrides and exemptions, for CI and teams. Load finds and reads it;
// every error names the file, line and column.
package config

import (
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// The file's apiVersion and kind: the schema's version.
const (
	APIVersion = "dualstack.kubectl.io/v1alpha1"
	Kind       = "CheckConfig"
)

// The values of expect and failOn, the same as --expect's and --fail-on's.
var (
	ExpectValues = []string{"dual", "ipv4", "ipv6"}
	FailOnValues = []string{"error", "warning", "never"}
)

// severityValues are what rules.severity may set a rule's failures to.
var severityValues = []string{string(check.Error), string(check.Warning), string(check.Info)}

// Config is what a configuration file sets; a field left out of the file
// is empty. The zero Config, of no file, configures nothing.
type Config struct {
	// Path is the file read, as given or found; "" when there was none.
	Path string
	// Expect and FailOn are --expect's and --fail-on's values.
	Expect, FailOn string
	// Only and Skip are rule IDs, as --only and --skip take them.
	Only, Skip []string
	// Severities overrides the severity of the failures of the rules
	// named.
	Severities map[string]check.Severity
	Exemptions []check.Exemption
}

// Options are the file's part of a check run: the rules it selects, its
// severity overrides and exemptions. A command whose flags select rules
// replaces Only and Skip.
func (c *Config) Options() check.Options {
	return check.Options{Only: c.Only, Skip: c.Skip, Severities: c.Severities, Exemptions: c.Exemptions}
}
