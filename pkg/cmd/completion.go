package cmd

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/util/completion"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// clusterCompletionTimeout bounds what completion asks the cluster: the
// shell waits for the answer, and a cluster that does not answer must not
// hang the prompt (kubectl's helpers set no timeout, and discovery retries).
// A variable for tests.
var clusterCompletionTimeout = 5 * time.Second

// bounded returns what list, a completion that reads the cluster, returns,
// or nothing once clusterCompletionTimeout has passed. A list still waiting
// is abandoned: __complete prints and the process exits.
func bounded(list func() []string) []string {
	done := make(chan []string, 1)
	go func() { done <- list() }()
	select {
	case comps := <-done:
		return comps
	case <-time.After(clusterCompletionTimeout):
		cobra.CompDebugln("the cluster did not answer in time", true)
		return nil
	}
}

// pluginCompletionHelp is added to the help of `completion`: cobra's scripts
// complete the kubectl-dualstack binary, but `kubectl dualstack <TAB>` is
// completed by kubectl, which needs the shim.
const pluginCompletionHelp = `
The generated script completes the kubectl-dualstack command. To complete
'kubectl dualstack <TAB>' instead, kubectl (1.26 or newer, with its own
completion loaded) runs an executable named kubectl_complete-dualstack found
on PATH. Install it once, in a directory on PATH (here ~/.local/bin): copy
the kubectl_complete-dualstack script of the release archive (hack/ in the
source tree), or write it:

  printf '#!/bin/sh\nexec kubectl-dualstack __complete "$@"\n' > ~/.local/bin/kubectl_complete-dualstack
  chmod +x ~/.local/bin/kubectl_complete-dualstack

krew does not install such files (kubernetes-sigs/krew#812): put it in a
directory on PATH, such as ~/.krew/bin, by hand.
`

// setUpCompletion wires shell completion into root: cobra's `completion`
// command with the plugin's help, and kubectl's completion of the kubeconfig
// flags.
func setUpCompletion(root *cobra.Command, configFlags *genericclioptions.ConfigFlags) {
	// Cobra would add its `completion` command in Execute; adding it now
	// lets us extend its help.
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
		c.Long += pluginCompletionHelp
		for _, shell := range c.Commands() {
			shell.Long += pluginCompletionHelp
		}
	}

	// The same completions kubectl registers for its global flags
	// (registerCompletionFuncForGlobalFlags in k8s.io/kubectl/pkg/cmd, not
	// exported): namespaces from the cluster, the rest from the kubeconfig.
	// The List*InConfig helpers read the factory set here.
	f := cmdutil.NewFactory(configFlags)
	completion.SetFactoryForCompletion(f)
	registerFlagCompletions(root, map[string]cobra.CompletionFunc{
		"namespace": func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return bounded(func() []string { return completion.CompGetResource(f, "namespace", toComplete) }), cobra.ShellCompDirectiveNoFileComp
		},
		"context": func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return completion.ListContextsInConfig(toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		"cluster": func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return completion.ListClustersInConfig(toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		"user": func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return completion.ListUsersInConfig(toComplete), cobra.ShellCompDirectiveNoFileComp
		},
	})
}

// typeAndNameCompletion completes `get` and `describe`: the first argument
// is one of types (plural, singular or short name; TYPE/NAME too), the next
// ones are names of that type, listed by kubectl's own completion helper.
func typeAndNameCompletion(configFlags *genericclioptions.ConfigFlags, types []resourceType) cobra.CompletionFunc {
	// A factory only wraps configFlags; nothing is read until it is used.
	f := cmdutil.NewFactory(configFlags)
	names := func(rt resourceType, toComplete string) []string {
		// The endpoints view shows a Service's backends under the
		// Service's name (from its EndpointSlices): complete Service
		// names, without reading the deprecated v1 Endpoints.
		listed := rt.qualified()
		if listed == "endpoints" {
			listed = "services"
		}
		return bounded(func() []string { return completion.CompGetResource(f, listed, toComplete) })
	}
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			if typeName, name, ok := strings.Cut(toComplete, "/"); ok {
				rt, ok := lookupResourceType(types, typeName)
				if !ok {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				var comps []cobra.Completion
				for _, n := range names(rt, name) {
					comps = append(comps, typeName+"/"+n)
				}
				return comps, cobra.ShellCompDirectiveNoFileComp
			}
			var comps []cobra.Completion
			for _, rt := range types {
				for _, n := range append([]string{rt.Name}, rt.Aliases...) {
					if strings.HasPrefix(n, toComplete) {
						comps = append(comps, n)
					}
				}
			}
			return comps, cobra.ShellCompDirectiveNoFileComp
		}
		// TYPE NAME... or TYPE/NAME NAME...: parseTypeArgs takes the
		// names after either form as names of that type.
		typeName, first, slash := strings.Cut(args[0], "/")
		rt, ok := lookupResourceType(types, typeName)
		if !ok {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		given := args[1:]
		if slash {
			given = append(given, first)
		}
		return cmdutil.Difference(names(rt, toComplete), given), cobra.ShellCompDirectiveNoFileComp
	}
}

// ruleIDCompletion completes --only and --skip: rule IDs, titled, in a
// comma-separated list where the last element is the one being typed.
func ruleIDCompletion(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	prefix, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix, last = toComplete[:i+1], toComplete[i+1:]
	}
	given := strings.Split(prefix, ",")
	var comps []cobra.Completion
	for _, r := range check.Rules() {
		if strings.HasPrefix(r.ID, last) && !slices.Contains(given, r.ID) {
			comps = append(comps, cobra.CompletionWithDesc(prefix+r.ID, r.Title))
		}
	}
	return comps, cobra.ShellCompDirectiveNoFileComp
}

// fixedCompletion completes a flag with one of values, never a file.
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// registerFlagCompletions registers flag completion functions; a flag name
// typo is a programming error, caught by any test that builds the root.
func registerFlagCompletions(cmd *cobra.Command, fns map[string]cobra.CompletionFunc) {
	for name, fn := range fns {
		if err := cmd.RegisterFlagCompletionFunc(name, fn); err != nil {
			panic(fmt.Sprintf("completion of --%s: %v", name, err))
		}
	}
}
