package cmd

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	utilversion "k8s.io/apimachinery/pkg/util/version"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/config"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
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
	// ShowSkipped lists the rules an audit of files alone skips for want
	// of a live cluster, by default counted in one line.
	ShowSkipped bool
	ChunkSize   int64
	// FromFiles are configuration files to audit (--from-file); without
	// Live, no cluster is contacted.
	FromFiles         []string
	Live              bool
	KubernetesVersion string
	// ConfigFile is --config; without it, Complete looks for a file
	// where config.SearchPaths says.
	ConfigFile string
	// config is the file Complete loaded, its values already merged
	// into the flags' fields; nil when Complete did not run.
	config *config.Config

	Client kubernetes.Interface
	// Dynamic reads other projects' objects (CRDs: the Gateway API's
	// Gateways, Calico's IPPools); made with Client when Client is nil.
	Dynamic dynamic.Interface
	// Version is the plugin's, for the SARIF report's tool.
	Version string

	// namespace limits the namespaced objects gathered to one namespace
	// (summary -n); "" reads every namespace.
	namespace string

	configFlags *genericclioptions.ConfigFlags
	genericiooptions.IOStreams
}

func newCheckCmd(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams, build BuildInfo) *cobra.Command {
	o := &CheckOptions{FailOn: "error", Color: "auto", ChunkSize: 500, Version: build.PluginVersion(), configFlags: configFlags, IOStreams: streams}
	var clusters *fleetFlags // several contexts at once
	cmd := &cobra.Command{
		Use:   "check [flags]",
		Short: "Audit the cluster's dual-stack configuration against the rules Kubernetes enforces",
		Long: `Audit a live cluster, read-only: control-plane flags (from the static pods' command lines),
kubeadm, kube-proxy and kubelet configuration, ServiceCIDRs, nodes, pods, Services,
EndpointSlices, Ingresses and Gateway API Gateways, against the dual-stack rules Kubernetes
itself enforces, and the cross-component consistency those rules imply. A source that cannot be read (forbidden,
missing) is reported as skip with the reason.

A configuration file (--config, else ./.kubectl-dualstack.yaml, else
$XDG_CONFIG_HOME/kubectl-dualstack/config.yaml) sets the expected stack, the --fail-on
level, the rules to run, severity overrides and exemptions (docs/config.md); flags given
override it, and the report names it. A file with an error ends the audit before it
starts (exit 2), saying file:line:column.

With --from-file, audit configuration files instead, before a cluster exists, in these
formats:
` + inputFormatsHelp(files.Formats()) + `
Findings point at file:line. A document of another format is a warning, saying what it
looks like when that is guessable. Rules that need API objects (nodes, pods, Services...)
are skipped, counted in one line (--show-skipped lists them). Add --live to audit the
cluster too, with the files added to what it reads.

An object annotated dualstack.kubectl.io/exempt: "<rule-id>[,<rule-id>...]: <reason>" (or
"*: <reason>"), or in a namespace so annotated, is reported as exempt from those rules, with
the reason, in a section of its own (docs/exemptions.md). check only reads the annotation.

Exit codes: 0 no failing finding at or above --fail-on (exempt findings never fail); 1
failing findings; 2 the audit could not run (bad flags, a bad configuration file,
unreachable cluster, no file readable, or, without --live, no file in a format check
reads: nothing to audit).

With --context given more than once, or --all-contexts, each cluster is audited as
above (--parallel at once) and the exit code is the worst cluster's: a cluster that could
not be audited (unreachable, forbidden) is a row of the matrix with its error, and makes
2; the others are still audited.`,
		Example: `  # Audit the current cluster
  kubectl dualstack check

  # In CI: JSON, fail on warnings too, and require a dual-stack cluster
  kubectl dualstack check -o json --fail-on=warning --expect=dual

  # With a team's configuration file: rules, severities, exemptions with a reason
  kubectl dualstack check --config ci/dualstack.yaml

  # Also ask the apiserver to allocate a dual-stack Service (server-side dry run)
  kubectl dualstack check --probe

  # Before the cluster exists: audit kubeadm's files; SARIF for GitHub code scanning
  kubectl dualstack check --from-file /etc/kubernetes/manifests --from-file kubeadm.yaml -o sarif

  # The live cluster, plus a node's kubelet flags
  kubectl dualstack check --live --from-file /var/lib/kubelet/kubeadm-flags.env

  # Every cluster of the kubeconfig whose context starts with prod-, four at a time:
  # a section per cluster, then a matrix; the exit code is the worst cluster's
  kubectl dualstack check --all-contexts --context-pattern 'prod-*'

  # Two clusters, as one JSON document {"clusters": [...]}
  kubectl dualstack check --context staging --context prod -o json

  # The rules
  kubectl dualstack check --list-rules`,
		Annotations:       map[string]string{usageExitCodeAnnotation: fmt.Sprint(ExitCheckError)},
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Complete(cmd); err != nil {
				return err
			}
			if err := o.Validate(cmd); err != nil {
				return err
			}
			if err := clusters.validate(cmd); err != nil {
				return err
			}
			if err := validateOneAudit(cmd, clusters, "from-file", "live", "list-rules"); err != nil {
				return err
			}
			if clusters.several() {
				return o.runFleet(cmd.Context(), clusters)
			}
			return o.Run(cmd.Context())
		},
	}
	clusters = addFleetFlags(cmd, configFlags)
	f := cmd.Flags()
	f.StringVarP(&o.Output, "output", "o", "", "Output format: one of "+strings.Join(checkOutputs(), ", ")+" (default "+report.Default+").")
	f.StringVar(&o.Color, "color", o.Color, "Colour the text report: auto (on a terminal, unless NO_COLOR or TERM=dumb), always or never.")
	f.StringSliceVar(&o.Only, "only", nil, "Run only these rule IDs (comma-separated).")
	f.StringSliceVar(&o.Skip, "skip", nil, "Do not run these rule IDs (comma-separated).")
	f.StringVar(&o.FailOn, "fail-on", o.FailOn, "Exit 1 when a finding fails at this severity or above: error, warning or never.")
	f.StringVar(&o.Expect, "expect", "", "The stack the cluster must have: dual, ipv4 or ipv6. Unset, a consistently single-stack cluster is reported as info.")
	f.BoolVar(&o.ListRules, "list-rules", false, "List the rules (ID, severity, title, reference) and exit.")
	f.BoolVar(&o.Probe, "probe", false, "Ask the apiserver to allocate a RequireDualStack Service in a server-side dry run (nothing is stored).")
	f.BoolVar(&o.ShowPassed, "show-passed", false, "List passing rules in the text report too.")
	f.BoolVar(&o.ShowSkipped, "show-skipped", false, "With --from-file, list the rules skipped for want of a live cluster in the text report (by default counted in one line).")
	f.Int64Var(&o.ChunkSize, "chunk-size", o.ChunkSize, "Page size when listing objects.")
	f.StringArrayVar(&o.FromFiles, "from-file", nil, "Audit this configuration file or directory (recursively; - for stdin) instead of a cluster. Repeatable.")
	f.BoolVar(&o.Live, "live", false, "With --from-file, also audit the cluster, adding the files to what it reads.")
	addConfigFlag(cmd, &o.ConfigFile)
	f.StringVar(&o.KubernetesVersion, "kubernetes-version", "", "The Kubernetes version version-dependent rules assume for files (default: from image tags or kubeadm's kubernetesVersion, else the newest supported).")
	// --from-file keeps cobra's default, file names.
	registerFlagCompletions(cmd, map[string]cobra.CompletionFunc{
		"output":             outputCompletion,
		"color":              fixedCompletion(checkColors...),
		"fail-on":            fixedCompletion(checkFailOn...),
		"expect":             fixedCompletion(checkExpect...),
		"only":               ruleIDCompletion,
		"skip":               ruleIDCompletion,
		"kubernetes-version": cobra.NoFileCompletions,
	})
	return cmd
}

// The values of check's enumerated flags, for Validate and completion.
var (
	checkColors = []string{"auto", "always", "never"}
	checkFailOn = config.FailOnValues
	checkExpect = config.ExpectValues
)

// checkOutputs are the values of -o: the report formats.
func checkOutputs() []string {
	var names []string
	for _, f := range report.Formats() {
		names = append(names, f.Name)
	}
	return names
}

// outputCompletion completes -o with the report formats, described.
func outputCompletion(_ *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var comps []cobra.Completion
	for _, f := range report.Formats() {
		comps = append(comps, cobra.CompletionWithDesc(f.Name, f.Description))
	}
	return comps, cobra.ShellCompDirectiveNoFileComp
}

// Complete loads the configuration file (--config, or the one found) and
// fills the fields of the flags not given with its values: a flag given
// overrides the file's field, --only and --skip their whole list.
func (o *CheckOptions) Complete(cmd *cobra.Command) error {
	if o.ListRules {
		return nil // the registry, whatever the file says
	}
	cfg, err := config.Load(o.ConfigFile)
	if err != nil {
		return exitError{code: ExitCheckError, err: err}
	}
	o.config = cfg
	flags := cmd.Flags()
	if !flags.Changed("expect") && cfg.Expect != "" {
		o.Expect = cfg.Expect
	}
	if !flags.Changed("fail-on") && cfg.FailOn != "" {
		o.FailOn = cfg.FailOn
	}
	if !flags.Changed("only") {
		o.Only = cfg.Only
	}
	if !flags.Changed("skip") {
		o.Skip = cfg.Skip
	}
	return nil
}

// checkOptions are the run's rules (the flags', or the file's when no
// flag was given), and the file's severity overrides and exemptions.
func (o *CheckOptions) checkOptions() check.Options {
	var opts check.Options
	if o.config != nil {
		opts = o.config.Options()
	}
	opts.Only, opts.Skip = o.Only, o.Skip
	return opts
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
		oneOf("output", o.Output, append([]string{""}, checkOutputs()...)...),
		oneOf("color", o.Color, checkColors...),
		oneOf("fail-on", o.FailOn, checkFailOn...),
		oneOf("expect", o.Expect, append([]string{""}, checkExpect...)...),
	} {
		if err != nil {
			return err
		}
	}
	if o.Live && len(o.FromFiles) == 0 {
		return newUsageError(cmd, "--live adds a cluster to a --from-file audit: give --from-file too (a cluster alone needs no flag)")
	}
	if o.Probe && len(o.FromFiles) > 0 && !o.Live {
		return newUsageError(cmd, "--probe asks a cluster: add --live to a --from-file audit")
	}
	if v := o.KubernetesVersion; v != "" {
		if _, err := utilversion.ParseGeneric(v); err != nil {
			return newUsageError(cmd, "--kubernetes-version %q is not a version like v1.37.0", v)
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
		return report.WriteRulesTable(o.Out, check.Rules())
	}
	writer, ok := report.Get(cmp.Or(o.Output, report.Default))
	if !ok { // Validate refuses it first
		return exitError{code: ExitCheckError, err: fmt.Errorf("unknown output format %q", o.Output)}
	}
	r, facts, err := o.audit(ctx)
	if err != nil {
		return exitError{code: ExitCheckError, err: err}
	}
	if err := writer.Write(o.Out, r, o.reportOptions(facts)); err != nil {
		return exitError{code: ExitCheckError, err: err}
	}
	if r.Failing(o.FailOn) {
		return exitError{code: ExitCheckFailed} // the report said why
	}
	return nil
}

// audit gathers and checks: the report, and the facts it was made from.
func (o *CheckOptions) audit(ctx context.Context) (report.Report, *check.Facts, error) {
	facts, err := o.gather(ctx)
	if err != nil {
		return report.Report{}, nil, err
	}
	facts.Expect = o.Expect
	findings, err := check.Run(facts, check.Rules(), o.checkOptions())
	if err != nil {
		return report.Report{}, nil, err
	}
	r := report.New(findings)
	r.KubernetesVersion, r.VersionSource = facts.ServerVersion, facts.VersionSource
	r.Inputs = facts.Inputs
	r.Distribution, r.DistributionSource = facts.Distribution, facts.DistributionSource
	r.CNI, r.CNISource = facts.CNISummary()
	if o.config != nil {
		r.Config = o.config.Path
	}
	return r, facts, nil
}

// reportOptions are what the writers need beyond the report.
func (o *CheckOptions) reportOptions(facts *check.Facts) report.Options {
	return report.Options{Color: o.useColor(), Verbose: o.ShowPassed, NeedLive: needLiveCluster(facts), ShowSkipped: o.ShowSkipped,
		Rules: check.Rules(), ToolVersion: o.Version}
}

// gather reads the cluster, the files, or both.
func (o *CheckOptions) gather(ctx context.Context) (*check.Facts, error) {
	facts := &check.Facts{}
	if len(o.FromFiles) == 0 || o.Live {
		// The namespace first, as get and describe do: a kubeconfig error
		// then reads the same in every command.
		ns, _, err := o.configFlags.ToRawKubeConfigLoader().Namespace()
		if err != nil {
			return nil, err
		}
		if o.Client == nil {
			if o.Client, o.Dynamic, err = newClients(o.configFlags); err != nil {
				return nil, err
			}
		}
		if facts, err = (live.Gatherer{Client: o.Client, Dynamic: o.Dynamic, ChunkSize: o.ChunkSize, RequestTimeout: requestTimeout(o.configFlags), Probe: o.Probe, ProbeNamespace: ns, Namespace: o.namespace}).Gather(ctx); err != nil {
			return nil, err
		}
	}
	if len(o.FromFiles) > 0 {
		opts := files.Options{Stdin: o.In, KubernetesVersion: o.KubernetesVersion}
		if err := files.Gather(facts, o.FromFiles, opts); err != nil {
			return nil, err
		}
	}
	return facts, nil
}

// needLiveCluster names the rules the facts make skip only for want of a
// live cluster (an audit of files alone has no API objects).
func needLiveCluster(facts *check.Facts) map[string]bool {
	out := map[string]bool{}
	for _, r := range check.Rules() {
		if files.NeedsLiveCluster(facts, r.Needs) {
			out[r.ID] = true
		}
	}
	return out
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
