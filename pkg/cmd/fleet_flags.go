package cmd

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/util/completion"
)

// DefaultParallel is --parallel's default: how many clusters are audited
// at once. Each audit holds one cluster's facts; four keep memory and the
// load on a shared machine small while waiting on four servers.
const DefaultParallel = 4

// fleetFlags are the flags of the commands that audit several clusters in
// one run (check, summary, plan): --context repeated, or --all-contexts
// with --context-pattern, and --parallel.
type fleetFlags struct {
	contexts contextsFlag
	all      bool
	pattern  string
	parallel int
}

// addFleetFlags adds them to cmd. cmd's own --context shadows kubectl's
// global one (cobra takes a command's flag over an inherited flag of the
// same name), so that it can be given more than once; the first value
// still goes to configFlags.Context, so one --context is exactly
// kubectl's.
func addFleetFlags(cmd *cobra.Command, configFlags *genericclioptions.ConfigFlags) *fleetFlags {
	if configFlags.Context == nil {
		configFlags.Context = new(string)
	}
	f := &fleetFlags{contexts: contextsFlag{single: configFlags.Context}, parallel: DefaultParallel}
	flags := cmd.Flags()
	flags.Var(&f.contexts, "context", "The name of the kubeconfig context to use. Repeat it to run on several clusters at once: a section per cluster, then a matrix (check, summary); -o json|yaml is {\"clusters\": [{\"context\", \"server\", \"report\"}]}.")
	flags.BoolVar(&f.all, "all-contexts", false, "Run on every context of the kubeconfig (or those --context-pattern matches), in the order of their names, as with --context given for each.")
	flags.StringVar(&f.pattern, "context-pattern", "", "With --all-contexts, only the contexts whose name matches this shell pattern (Go's path.Match: *, ?, [a-z]; e.g. 'prod-*').")
	flags.IntVar(&f.parallel, "parallel", f.parallel, "With several contexts, how many clusters are read at once.")
	registerFlagCompletions(cmd, map[string]cobra.CompletionFunc{
		"context": func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return cmdutil.Difference(completion.ListContextsInConfig(toComplete), f.contexts.names), cobra.ShellCompDirectiveNoFileComp
		},
		"context-pattern": cobra.NoFileCompletions,
		"parallel":        cobra.NoFileCompletions,
	})
	return f
}

// several says whether the run is on several clusters: --all-contexts
// (whatever number of contexts matches, so that a program reading -o json
// always gets the clusters wrapper), or --context more than once.
func (f *fleetFlags) several() bool { return f.all || len(f.contexts.names) > 1 }

// validate refuses combinations that say two things at once.
func (f *fleetFlags) validate(cmd *cobra.Command) error {
	switch {
	case f.all && len(f.contexts.names) > 0:
		return newUsageError(cmd, "--context and --all-contexts both choose the clusters: give --context (once or more) or --all-contexts (with --context-pattern to narrow it)")
	case f.pattern != "" && !f.all:
		return newUsageError(cmd, "--context-pattern narrows --all-contexts: add --all-contexts")
	case f.parallel < 1:
		return newUsageError(cmd, "--parallel must be 1 or greater")
	}
	if _, err := path.Match(f.pattern, ""); err != nil {
		return newUsageError(cmd, "--context-pattern %q is not a pattern: %v", f.pattern, err)
	}
	return nil
}

// selected are the contexts to run on: --context's in the order given, or
// the kubeconfig's (those matching --context-pattern) sorted by name.
func (f *fleetFlags) selected(configFlags *genericclioptions.ConfigFlags) ([]string, error) {
	if !f.all {
		return slices.Clone(f.contexts.names), nil
	}
	raw, err := configFlags.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, err
	}
	var names []string
	for name := range raw.Contexts {
		if ok, _ := path.Match(f.pattern, name); ok || f.pattern == "" { // validate checked the pattern
			names = append(names, name)
		}
	}
	sort.Strings(names)
	switch {
	case len(names) > 0:
		return names, nil
	case f.pattern != "":
		return nil, fmt.Errorf("no context of the kubeconfig matches --context-pattern %q", f.pattern)
	}
	return nil, fmt.Errorf("the kubeconfig has no context: --all-contexts has nothing to run on")
}

// contextsFlag is the repeatable --context. Its first value is also
// ConfigFlags.Context (single), which every other part of the plugin
// reads; a value given twice counts once.
type contextsFlag struct {
	names  []string
	single *string
}

func (c *contextsFlag) String() string {
	if len(c.names) == 0 {
		return ""
	}
	return "[" + strings.Join(c.names, ",") + "]"
}

func (c *contextsFlag) Set(v string) error {
	if !slices.Contains(c.names, v) {
		c.names = append(c.names, v)
	}
	if len(c.names) == 1 {
		*c.single = v
	}
	return nil
}

// Type says "stringArray", which cobra's completion reads as repeatable.
func (c *contextsFlag) Type() string { return "stringArray" }
