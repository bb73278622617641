package cmd

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/config"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/summary"
)

// Exit codes of `summary`, the same as plan's (docs/summary.md).
const (
	ExitSummaryIncomplete = 1 // a source could not be read: its counts are unknown
	ExitSummaryError      = 2 // no summary: bad flags, unusable kubeconfig, unreachable server
)

// SummaryOptions runs `kubectl dualstack summary`.
type SummaryOptions struct {
	Output        string
	AllNamespaces bool
	LabelSelector string
	By            string
	ChunkSize     int64
	// ConfigFile is --config; without it, Complete looks for a file
	// where config.SearchPaths says. Its exemptions are counted like the
	// objects' and namespaces' annotations.
	ConfigFile string
	config     *config.Config

	// Namespace is what is counted: -n, else the kubeconfig's namespace;
	// "" with -A (Complete).
	Namespace string
	Client    kubernetes.Interface
	// Dynamic reads other projects' objects for the gatherer (CRDs).
	Dynamic dynamic.Interface
	// Metadata lists ReplicaSets and Jobs for --by owner.
	Metadata metadata.Interface

	selector    labels.Selector
	configFlags *genericclioptions.ConfigFlags
	genericiooptions.IOStreams
}

func newSummaryCmd(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &SummaryOptions{By: summary.ByNamespace, ChunkSize: 500, configFlags: configFlags, IOStreams: streams}
	var clusters *fleetFlags // several contexts at once
	cmd := &cobra.Command{
		Use:   "summary [flags]",
		Short: "Show how far each namespace is along to dual-stack: pods, Services, load balancers, policies",
		Long: `Count, for each namespace (or owner, --by owner), what has both IP families and what
does not, worst namespace first, under a block about the cluster: its stack and primary
family, CNI and IPAM, distribution, node pod ranges and service addresses in use per
family. Read-only; it reads what check reads, with the same permissions.

Columns (a/b: a of b have both families):
` + columnsHelp() + `
Exempt objects (the dualstack.kubectl.io/exempt annotation on the object or its
namespace, for the rule that would report it) are counted apart and left out of
READINESS. On a terminal READINESS is a bar (████████░░ 80%), else plain numbers.
-o json|yaml is a documented contract (docs/summary.md); a count whose source could not
be read is null there and "unknown" in the table.

Like kubectl get, the current namespace is counted unless -n or -A says otherwise; the
cluster block is always there.

Exit codes: 0 complete; 1 incomplete: a source could not be read (forbidden, say), its
counts are unknown and listed under the table; 2 no summary (bad flags, unusable
kubeconfig, unreachable server).

With --context given more than once, or --all-contexts, each cluster is summarised as
above (--parallel at once), then a matrix of their readiness; -o json|yaml is
{"clusters": [{"context", "server", "report"}]}. The exit code is the worst cluster's: a
cluster that could not be read is a row of the matrix with its error, and makes 2.`,
		Example: `  # Every namespace, worst first
  kubectl dualstack summary -A

  # One namespace, with the names of what lacks a family
  kubectl dualstack summary -n shop -o wide

  # By owner: Helm release, else Deployment, CronJob, StatefulSet..., else the namespace
  kubectl dualstack summary -A --by owner

  # One team's objects, as JSON for a dashboard
  kubectl dualstack summary -A -l team=payments -o json

  # Every cluster of the kubeconfig, then a matrix: readiness, stack, version
  kubectl dualstack summary -A --all-contexts`,
		Annotations:       map[string]string{usageExitCodeAnnotation: fmt.Sprint(ExitSummaryError)},
		ValidArgsFunction: cobra.NoFileCompletions,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return newUsageError(cmd, "summary takes no arguments (namespaces with -n or -A), got %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := clusters.validate(cmd); err != nil {
				return err
			}
			if clusters.several() {
				if err := o.Validate(cmd); err != nil {
					return err
				}
				return o.runFleet(cmd.Context(), clusters) // each cluster completes its own options
			}
			if err := o.Complete(); err != nil {
				return exitError{code: ExitSummaryError, err: err}
			}
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	clusters = addFleetFlags(cmd, configFlags)
	f := cmd.Flags()
	f.StringVarP(&o.Output, "output", "o", "", "Output format: one of "+strings.Join(summary.Outputs, ", ")+" (default: a table).")
	f.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "Count every namespace. Namespace in current context is ignored even if specified with --namespace.")
	f.StringVarP(&o.LabelSelector, "selector", "l", "", "Count only the pods, Services, Ingresses and NetworkPolicies matching this label selector (e.g. -l team=payments,tier!=web).")
	f.StringVar(&o.By, "by", o.By, "Group by "+strings.Join(summary.Groupings, " or ")+": owner is the Helm release, else the top owner (a ReplicaSet's Deployment, a Job's CronJob), else the namespace.")
	f.Int64Var(&o.ChunkSize, "chunk-size", o.ChunkSize, "Page size when listing objects.")
	addConfigFlag(cmd, &o.ConfigFile)
	registerFlagCompletions(cmd, map[string]cobra.CompletionFunc{
		"output":   fixedCompletion(summary.Outputs...),
		"by":       fixedCompletion(summary.Groupings...),
		"selector": cobra.NoFileCompletions,
	})
	return cmd
}

// columnsHelp lists the table's columns for --help.
func columnsHelp() string {
	var b strings.Builder
	for _, c := range summary.Columns {
		fmt.Fprintf(&b, "  %-18s %s\n", c.Name, c.Help)
	}
	return b.String()
}

// Validate checks the flags before anything is read.
func (o *SummaryOptions) Validate(cmd *cobra.Command) error {
	if o.Output != "" && !slices.Contains(summary.Outputs, o.Output) {
		return newUsageError(cmd, "--output must be one of %s, not %q", strings.Join(summary.Outputs, ", "), o.Output)
	}
	if !slices.Contains(summary.Groupings, o.By) {
		return newUsageError(cmd, "--by must be one of %s, not %q", strings.Join(summary.Groupings, ", "), o.By)
	}
	if o.ChunkSize < 0 {
		return newUsageError(cmd, "--chunk-size must be 0 or greater")
	}
	if o.LabelSelector != "" {
		selector, err := labels.Parse(o.LabelSelector)
		if err != nil {
			return newUsageError(cmd, "--selector %q: %v", o.LabelSelector, err)
		}
		o.selector = selector
	}
	return nil
}

// Complete loads the configuration file, resolves the namespace counted
// and the clients.
func (o *SummaryOptions) Complete() error {
	cfg, err := config.Load(o.ConfigFile)
	if err != nil {
		return err
	}
	o.config = cfg
	ns, _, err := o.configFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return err
	}
	if !o.AllNamespaces {
		o.Namespace = ns
	}
	if o.Client == nil {
		client, config, err := newClient(o.configFlags)
		if err != nil {
			return err
		}
		o.Client = client
		if o.Dynamic, err = dynamic.NewForConfig(config); err != nil {
			return err
		}
	}
	if o.By == summary.ByOwner && o.Metadata == nil {
		config, err := o.configFlags.ToRESTConfig()
		if err != nil {
			return err
		}
		o.Metadata, err = metadata.NewForConfig(config)
		return err
	}
	return nil
}

// noResources is kubectl's line for an empty table.
func (o *SummaryOptions) noResources() string {
	if o.Namespace != "" {
		return fmt.Sprintf("No resources found in %s namespace.", o.Namespace)
	}
	return "No resources found"
}

// compute gathers as check does and counts.
func (o *SummaryOptions) compute(ctx context.Context) (*summary.Summary, error) {
	gatherer := &CheckOptions{ChunkSize: o.ChunkSize, Client: o.Client, Dynamic: o.Dynamic, namespace: o.Namespace, configFlags: o.configFlags, IOStreams: o.IOStreams}
	facts, err := gatherer.gather(ctx)
	if err != nil {
		return nil, err
	}
	opts := summary.Options{Namespace: o.Namespace, Selector: o.selector, By: o.By, Exemptions: o.config.Exemptions, Config: o.config.Path}
	if o.By == summary.ByOwner {
		list := metav1.ListOptions{Limit: o.ChunkSize, TimeoutSeconds: live.TimeoutSeconds(requestTimeout(o.configFlags))}
		if opts.Owners, err = summary.ReadOwners(ctx, o.Metadata, o.Namespace, list); err != nil {
			return nil, err
		}
	}
	return summary.Compute(facts, opts)
}

// Run gathers as check does, counts and prints; a source that could not
// be read makes exit 1.
func (o *SummaryOptions) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	s, err := o.compute(ctx)
	if err != nil {
		return exitError{code: ExitSummaryError, err: err}
	}
	table := o.Output == "" || o.Output == "wide"
	bar := table && cliprinters.IsTerminal(o.Out) && os.Getenv("TERM") != "dumb"
	if err := summary.Write(o.Out, s, o.Output, bar); err != nil {
		return exitError{code: ExitSummaryError, err: err}
	}
	if table && len(s.Groups) == 0 {
		fmt.Fprintln(o.ErrOut, o.noResources())
	}
	if !s.Complete {
		return exitError{code: ExitSummaryIncomplete} // the output said why
	}
	return nil
}
