package cmd

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
)

// Exit codes of `check`, documented in the README.
const (
	ExitCheckFailed = 1 // findings at or above --fail-on
	ExitCheckError  = 2 // the audit could not run: bad flags, unreachable cluster
)

// CheckOptions runs `kubectl dualstack check`.
type CheckOptions struct {
	Output     string
	Color      string
	Only, Skip []string
	FailOn     string
	Expect     string
	ListRules  bool
	Probe      bool
	ShowPassed bool
	ChunkSize  int64

	Client kubernetes.Interface

	configFlags *genericclioptions.ConfigFlags
	genericiooptions.IOStreams
}

func newCheckCmd(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &CheckOptions{FailOn: "error", Color: "auto", ChunkSize: 500, configFlags: configFlags, IOStreams: streams}
	cmd := &cobra.Command{
		Use:   "check [flags]",
		Short: "Audit the cluster's dual-stack configuration against the rules Kubernetes enforces",
		Long: `Audit a live cluster, read-only: control-plane flags (from the static pods' command lines),
kubeadm, kube-proxy and kubelet configuration, ServiceCIDRs, nodes, pods, Services and
EndpointSlices, against the dual-stack rules Kubernetes itself enforces, and the
cross-component consistency those rules imply. A source that cannot be read (forbidden,
missing) is reported as skip with the reason.

Exit codes: 0 no failing finding at or above --fail-on; 1 failing findings; 2 the audit
could not run (bad flags, unreachable cluster).`,
		Example: `  # Audit the current cluster
  kubectl dualstack check

  # In CI: JSON, fail on warnings too, and require a dual-stack cluster
  kubectl dualstack check -o json --fail-on=warning --expect=dual

  # Also ask the apiserver to allocate a dual-stack Service (server-side dry run)
  kubectl dualstack check --probe

  # The rules
  kubectl dualstack check --list-rules`,
		Annotations: map[string]string{usageExitCodeAnnotation: fmt.Sprint(ExitCheckError)},
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Output, "output", "o", "", "Output format: text (default), json or yaml.")
	f.StringVar(&o.Color, "color", o.Color, "Colour the text report: auto (on a terminal, unless NO_COLOR or TERM=dumb), always or never.")
	f.StringSliceVar(&o.Only, "only", nil, "Run only these rule IDs (comma-separated).")
	f.StringSliceVar(&o.Skip, "skip", nil, "Do not run these rule IDs (comma-separated).")
	f.StringVar(&o.FailOn, "fail-on", o.FailOn, "Exit 1 when a finding fails at this severity or above: error, warning or never.")
	f.StringVar(&o.Expect, "expect", "", "The stack the cluster must have: dual, ipv4 or ipv6. Unset, a consistently single-stack cluster is reported as info.")
	f.BoolVar(&o.ListRules, "list-rules", false, "List the rules (ID, severity, title, reference) and exit.")
	f.BoolVar(&o.Probe, "probe", false, "Ask the apiserver to allocate a RequireDualStack Service in a server-side dry run (nothing is stored).")
	f.BoolVar(&o.ShowPassed, "show-passed", false, "List passing rules in the text report too.")
	f.Int64Var(&o.ChunkSize, "chunk-size", o.ChunkSize, "Page size when listing objects.")
	return cmd
}

// Validate checks the flags before anything is read.
func (o *CheckOptions) Validate(cmd *cobra.Command) error {
	oneOf := func(flag, value string, allowed ...string) error {
		if !slices.Contains(allowed, value) {
			return newUsageError(cmd, "--%s must be one of %s, not %q", flag, strings.Join(allowed, ", "), value)
		}
		return nil
	}
	for _, err := range []error{
		oneOf("output", o.Output, "", "text", "json", "yaml"),
		oneOf("color", o.Color, "auto", "always", "never"),
		oneOf("fail-on", o.FailOn, "error", "warning", "never"),
		oneOf("expect", o.Expect, "", "dual", "ipv4", "ipv6"),
	} {
		if err != nil {
			return err
		}
	}
	known := map[string]bool{}
	for _, r := range check.Rules() {
		known[r.ID] = true
	}
	for _, id := range append(slices.Clone(o.Only), o.Skip...) {
		if !known[id] {
			return newUsageError(cmd, "unknown rule ID %q (see --list-rules)", id)
		}
	}
	return nil
}

// Run gathers, checks, reports, and turns failing findings into exit 1.
func (o *CheckOptions) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.ListRules {
		return writeRulesTable(o.Out, check.Rules())
	}
	if o.Client == nil {
		var err error
		if o.Client, _, err = newClient(o.configFlags); err != nil {
			return exitError{code: ExitCheckError, err: err}
		}
	}
	ns, _, err := o.configFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return exitError{code: ExitCheckError, err: err}
	}
	facts, err := live.Gatherer{Client: o.Client, ChunkSize: o.ChunkSize, Probe: o.Probe, ProbeNamespace: ns}.Gather(ctx)
	if err != nil {
		return exitError{code: ExitCheckError, err: err}
	}
	facts.Expect = o.Expect
	findings, err := check.Run(facts, check.Rules(), check.Options{Only: o.Only, Skip: o.Skip})
	if err != nil {
		return exitError{code: ExitCheckError, err: err}
	}
	report := check.NewReport(findings)
	switch o.Output {
	case "json":
		err = report.WriteJSON(o.Out)
	case "yaml":
		err = report.WriteYAML(o.Out)
	default:
		err = report.WriteText(o.Out, check.TextOptions{Color: o.useColor(), Verbose: o.ShowPassed})
	}
	if err != nil {
		return exitError{code: ExitCheckError, err: err}
	}
	if report.Failing(o.FailOn) {
		return exitError{code: ExitCheckFailed} // the report said why
	}
	return nil
}

// useColor: --color=auto colours a terminal only, as kubectl decides it.
func (o *CheckOptions) useColor() bool {
	switch o.Color {
	case "always":
		return true
	case "never":
		return false
	}
	return cliprinters.AllowsColorOutput(o.Out) && os.Getenv("NO_COLOR") == ""
}

// writeRulesTable prints the registry as a Markdown table: --list-rules
// output and the README's rules table are the same text.
func writeRulesTable(w interface{ Write([]byte) (int, error) }, rules []check.Rule) error {
	var b strings.Builder
	b.WriteString("| ID | Severity | Title | Reference |\n|---|---|---|---|\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.ID, r.Severity, escapePipes(r.Title), escapePipes(r.Reference))
	}
	_, err := w.Write([]byte(b.String()))
	return err
}

func escapePipes(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
