package cmd

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	utilversion "k8s.io/apimachinery/pkg/util/version"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/plan"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/plan/edit"
)

// Exit codes of `plan`, documented in the README.
const (
	ExitPlanIncomplete = 1 // some steps could not be computed (listed)
	ExitPlanError      = 2 // no plan: bad flags or ranges, unreachable cluster, families unknown
)

// PlanOptions runs `kubectl dualstack plan`.
type PlanOptions struct {
	Output, Color     string
	ServiceCIDR       string
	PodCIDR           string
	Emit              string
	FromFiles         []string
	Live              bool
	KubernetesVersion string
	ChunkSize         int64

	Client      kubernetes.Interface
	configFlags *genericclioptions.ConfigFlags
	genericiooptions.IOStreams
}

func newPlanCmd(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &PlanOptions{Color: "auto", ChunkSize: 500, configFlags: configFlags, IOStreams: streams}
	var clusters *fleetFlags // several contexts at once
	cmd := &cobra.Command{
		Use:   "plan [flags]",
		Short: "Show the steps that take a single-stack (or half-converted) cluster to dual-stack",
		Long: `Print, in order, what to change to make this cluster dual-stack: kube-apiserver and
kube-controller-manager flags, kubeadm's configuration, kube-proxy, the CNI, each node
(kubelet --node-ip, re-registration for a pod range of the new family), the pods to
recreate, every Service that stays single-stack with the patch that gives it both
families, and how new Services become dual-stack by default. Each step says why, cites
its upstream source and says how to verify it. Steps already done are left out: on a
dual-stack cluster there is nothing to do. The plan reads what check reads, with the
same permissions; it never changes the cluster.

The family added is the one the cluster lacks; the primary family stays (moving to the
other primary family is not supported). Its ranges are the cluster's own where a
component has them, else --service-cidr and --pod-cidr, else proposed (an IPv6 ULA /48,
or private IPv4 ranges) so as to overlap nothing the cluster uses.

With --from-file, plan from configuration files (the formats check reads); --emit then
also writes the edited files with a unified diff.

Exit codes: 0 the plan is complete (or there is nothing to do); 1 some steps could not
be computed (listed, with why); 2 no plan (bad flags or ranges, unreachable cluster,
the cluster's IP families unknown).

With --context given more than once, or --all-contexts, each cluster is planned as above
(--parallel at once), a section each; -o json|yaml is {"clusters": [{"context", "server",
"report"}]}, report being the plan. The exit code is the worst cluster's: a cluster that
could not be read is a section with its error, and makes 2.`,
		Example: `  # What to do, for this cluster
  kubectl dualstack plan

  # With your own IPv6 ranges, as JSON for a tool
  kubectl dualstack plan --service-cidr fd00:10:96::/112 --pod-cidr fd00:10:244::/56 -o json

  # Write the Service patches, a patch script and the admission policy to review
  kubectl dualstack plan --emit ./dualstack-plan

  # From kubeadm's files: the edited files and a diff in ./out
  kubectl dualstack plan --from-file kubeadm.yaml --from-file /etc/kubernetes/manifests --emit ./out

  # Two clusters, one section each
  kubectl dualstack plan --context staging --context prod`,
		Annotations:       map[string]string{usageExitCodeAnnotation: fmt.Sprint(ExitPlanError)},
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(cmd); err != nil {
				return err
			}
			if err := clusters.validate(cmd); err != nil {
				return err
			}
			if err := validateOneAudit(cmd, clusters, "from-file", "live", "emit"); err != nil {
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
	f.StringVarP(&o.Output, "output", "o", "", "Output format: one of "+strings.Join(plan.Outputs, ", ")+" (default text).")
	f.StringVar(&o.Color, "color", o.Color, "Colour the text output: auto (on a terminal, unless NO_COLOR or TERM=dumb), always or never.")
	f.StringVar(&o.ServiceCIDR, "service-cidr", "", "The service range of the family being added (default: the cluster's own, else proposed).")
	f.StringVar(&o.PodCIDR, "pod-cidr", "", "The pod range of the family being added (default: the cluster's own, else proposed).")
	f.StringVar(&o.Emit, "emit", "", "Also write the plan's applicable parts to this directory: plan.json, one merge patch per Service and a patch script, the admission policy, and with --from-file the edited files and a diff. Nothing is applied.")
	f.StringArrayVar(&o.FromFiles, "from-file", nil, "Plan from this configuration file or directory (recursively; - for stdin) instead of a cluster. Repeatable.")
	f.BoolVar(&o.Live, "live", false, "With --from-file, also read the cluster, adding the files to what it reads.")
	f.StringVar(&o.KubernetesVersion, "kubernetes-version", "", "The Kubernetes version to assume for files (default: from image tags or kubeadm's kubernetesVersion, else the newest supported).")
	f.Int64Var(&o.ChunkSize, "chunk-size", o.ChunkSize, "Page size when listing objects.")
	registerFlagCompletions(cmd, map[string]cobra.CompletionFunc{
		"output":             fixedCompletion(plan.Outputs...),
		"color":              fixedCompletion(checkColors...),
		"service-cidr":       cobra.NoFileCompletions,
		"pod-cidr":           cobra.NoFileCompletions,
		"kubernetes-version": cobra.NoFileCompletions,
		"emit": func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
	})
	return cmd
}

// Validate checks the flags before anything is read.
func (o *PlanOptions) Validate(cmd *cobra.Command) error {
	if o.Output != "" && !slices.Contains(plan.Outputs, o.Output) {
		return newUsageError(cmd, "--output must be one of %s, not %q", strings.Join(plan.Outputs, ", "), o.Output)
	}
	if !slices.Contains(checkColors, o.Color) {
		return newUsageError(cmd, "--color must be one of %s, not %q", strings.Join(checkColors, ", "), o.Color)
	}
	if o.Live && len(o.FromFiles) == 0 {
		return newUsageError(cmd, "--live adds a cluster to --from-file: give --from-file too (a cluster alone needs no flag)")
	}
	if v := o.KubernetesVersion; v != "" {
		if _, err := utilversion.ParseGeneric(v); err != nil {
			return newUsageError(cmd, "--kubernetes-version %q is not a version like v1.37.0", v)
		}
	}
	return nil
}

// build gathers like check and plans.
func (o *PlanOptions) build(ctx context.Context) (*plan.Plan, error) {
	gatherer := &CheckOptions{FromFiles: o.FromFiles, Live: o.Live, KubernetesVersion: o.KubernetesVersion, ChunkSize: o.ChunkSize,
		Client: o.Client, configFlags: o.configFlags, IOStreams: o.IOStreams}
	facts, err := gatherer.gather(ctx)
	if err != nil {
		return nil, err
	}
	opts := plan.Options{ServiceCIDR: o.ServiceCIDR, PodCIDR: o.PodCIDR, FilesOnly: len(o.FromFiles) > 0 && !o.Live}
	if gatherer.Client != nil {
		opts.Admission = plan.DetectAdmission(ctx, gatherer.Client, requestTimeout(o.configFlags))
	}
	return plan.Build(facts, opts)
}

// Run gathers like check, plans, prints, and emits.
func (o *PlanOptions) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	p, err := o.build(ctx)
	if err != nil {
		return exitError{code: ExitPlanError, err: err}
	}
	if o.Emit != "" {
		extra, err := editedFiles(o.FromFiles, p)
		if err != nil {
			return exitError{code: ExitPlanError, err: err}
		}
		written, err := plan.Emit(o.Emit, p, extra)
		if err != nil {
			return exitError{code: ExitPlanError, err: fmt.Errorf("--emit %s: %w", o.Emit, err)}
		}
		fmt.Fprintf(o.ErrOut, "wrote %d files to %s\n", len(written), o.Emit)
	}
	colour := (&CheckOptions{Color: o.Color, IOStreams: o.IOStreams}).useColor()
	if err := plan.Write(o.Out, p, cmp.Or(o.Output, "text"), colour); err != nil {
		return exitError{code: ExitPlanError, err: err}
	}
	if len(p.NotComputed) > 0 {
		return exitError{code: ExitPlanIncomplete}
	}
	return nil
}

// editedFiles edits the --from-file inputs to the plan's ranges: each
// changed file under files/, and files.diff with every change. What could
// not be edited (a node's own address, an installer-only setting) becomes
// a note of the plan, with its file and line.
func editedFiles(paths []string, p *plan.Plan) ([]plan.Artefact, error) {
	if len(paths) == 0 || len(p.Steps) == 0 {
		return nil, nil
	}
	if slices.Contains(paths, "-") {
		p.Notes = append(p.Notes, "Standard input is not edited: --emit writes edited copies of files only.")
		return nil, nil
	}
	target, err := editTarget(p)
	if err != nil {
		p.Notes = append(p.Notes, "The files are not edited: "+err.Error()+".")
		return nil, nil
	}
	edited, err := edit.Files(paths, target)
	if err != nil {
		return nil, err
	}
	var out []plan.Artefact
	var diff strings.Builder
	for _, f := range edited {
		for _, n := range f.Notes {
			at := f.Path
			if n.Line > 0 {
				at = fmt.Sprintf("%s:%d", f.Path, n.Line)
			}
			p.Notes = append(p.Notes, at+": "+n.Message)
		}
		if f.Changed() {
			out = append(out, plan.Artefact{Path: path.Join("files", emitPath(f.Path)), Content: f.Edited})
			diff.WriteString(f.Diff)
		}
	}
	if diff.Len() > 0 {
		out = append(out, plan.Artefact{Path: "files.diff", Content: []byte(diff.String())})
	}
	return out, nil
}

// editTarget is the dual-stack configuration the plan's ranges make.
func editTarget(p *plan.Plan) (edit.Target, error) {
	t := edit.Target{NodeMasks: map[string]int{}}
	for _, purpose := range []string{"services", "pods"} {
		var cidrs []string
		for _, fam := range p.Target {
			r := p.RangeOf(purpose, fam)
			if r == nil {
				return t, fmt.Errorf("the %s range of %s is not known from them", purpose, fam)
			}
			cidrs = append(cidrs, r.CIDR)
			if purpose == "pods" {
				t.NodeMasks[fam] = r.NodeMask
			}
		}
		if purpose == "services" {
			t.ServiceCIDRs = cidrs
		} else {
			t.PodCIDRs = cidrs
		}
	}
	return t, nil
}

// emitPath is where an input file's edited copy goes under files/: its
// path, made relative and without "..", so that nothing is written
// outside the emit directory.
func emitPath(name string) string {
	var parts []string
	for _, part := range strings.Split(filepath.ToSlash(name), "/") {
		if part != "" && part != "." && part != ".." {
			parts = append(parts, part)
		}
	}
	return path.Join(parts...)
}
