// Package cmd holds the cobra commands of `kubectl dualstack`. Each command
// has an Options struct with Complete, Validate and Run, and writes only to
// the streams it is given.
package cmd

import (
	"flag"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"

	// Every client-go credential plugin a kubeconfig may name (exec, OIDC...).
	_ "k8s.io/client-go/plugin/pkg/client/auth"
)

// BuildInfo is what the binary knows about itself, set at link time.
type BuildInfo struct {
	Version string // `git describe` of the build, "dev" when not set
}

// DefaultRequestTimeout is the --request-timeout default. kubectl's, 0,
// waits forever on a server that accepts connections and never answers.
const DefaultRequestTimeout = 30 * time.Second

// Client-side throttling defaults (--qps, --burst). client-go's own, 5 and
// 10, make a 10,000-pod listing (20 pages) wait seconds for the client's
// rate limiter rather than the server. Every request of the plugin is a
// read, and the lists page one request at a time, so a burst of 100 lets a
// 50,000-pod listing and check's concurrent reads run unthrottled, and 50/s
// after that is faster than the server answers pages anyway. The server's
// API Priority and Fairness stays in charge: it answers 429 with
// Retry-After, which client-go honours, and --request-timeout bounds it.
const (
	DefaultQPS   = 50
	DefaultBurst = 100
)

// NewRootCmd builds `kubectl dualstack` and its subcommands.
func NewRootCmd(streams genericiooptions.IOStreams, build BuildInfo) *cobra.Command {
	configFlags := genericclioptions.NewConfigFlags(true)
	timeout := DefaultRequestTimeout.String()
	configFlags.Timeout = &timeout // before AddFlags: --help shows it
	transportErrs := &transportErrors{configFlags: configFlags}
	limits := &clientLimits{qps: DefaultQPS, burst: DefaultBurst}
	configFlags.WrapConfigFn = func(c *rest.Config) *rest.Config { return transportErrs.record(limits.apply(c)) }
	root := &cobra.Command{
		Use:   "kubectl-dualstack",
		Short: "Show and check IPv4/IPv6 dual-stack Kubernetes clusters",
		Long: `kubectl dualstack shows what plain kubectl hides on IPv4/IPv6 dual-stack clusters:
every pod IP, every cluster IP, endpoints paired per backend across both families,
node addresses and pod CIDRs per family; and it checks a cluster's flags, CIDRs and
objects against the rules Kubernetes itself enforces for dual-stack.`,
		Annotations: map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl dualstack"},
		// main prints errors once, in kubectl's words; usage is for flag
		// errors only (see FlagErrorFunc), as kubectl does.
		SilenceErrors: true,
		SilenceUsage:  true,
		// client-go logs each failed attempt at error level (a watch retries
		// every second while the server restarts); the command reports the
		// outcome in one line. -v=1 and up shows them.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if !klog.V(1).Enabled() {
				cmd.SetContext(klog.NewContext(cmd.Context(), klog.Logger{})) // the zero Logger discards
			}
			return limits.validate(cmd)
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{cmd: c, err: err} })
	configFlags.AddFlags(root.PersistentFlags())
	limits.addFlags(root.PersistentFlags())
	addKlogFlags(root.PersistentFlags())

	root.AddCommand(
		newGetCmd(configFlags, streams),
		newDescribeCmd(configFlags, streams),
		newCheckCmd(configFlags, streams, build),
		newPlanCmd(configFlags, streams),
		newSummaryCmd(configFlags, streams),
		newVersionCmd(configFlags, streams, build),
	)
	for _, c := range root.Commands() {
		if run := c.RunE; run != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error { return transportErrs.explain(run(cmd, args)) }
		}
	}
	setUpCompletion(root, configFlags)
	return root
}

// clientLimits are --qps and --burst, the client-side rate limit of every
// request to the API server.
type clientLimits struct {
	qps   float32
	burst int
}

func (l *clientLimits) addFlags(flags *pflag.FlagSet) {
	flags.Float32Var(&l.qps, "qps", l.qps, "Requests per second to the API server before the client throttles itself; 0 turns client-side throttling off (the server's priority and fairness still applies).")
	flags.IntVar(&l.burst, "burst", l.burst, "Requests the client may send at once before --qps applies.")
}

func (l *clientLimits) validate(cmd *cobra.Command) error {
	switch {
	case l.qps < 0:
		return newUsageError(cmd, "--qps must be 0 (no client-side throttling) or greater")
	case l.qps > 0 && l.burst < 1:
		return newUsageError(cmd, "--burst must be 1 or greater")
	}
	return nil
}

// apply sets the limits on a client configuration; a negative QPS is
// client-go's "no rate limiter".
func (l *clientLimits) apply(c *rest.Config) *rest.Config {
	c.QPS, c.Burst = l.qps, l.burst
	if l.qps == 0 {
		c.QPS = -1
	}
	return c
}

// addKlogFlags adds klog's flags hidden, except the -v verbosity users know
// from kubectl.
func addKlogFlags(flags *pflag.FlagSet) {
	goFlags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(goFlags)
	goFlags.VisitAll(func(f *flag.Flag) {
		pf := pflag.PFlagFromGoFlag(f)
		pf.Hidden = f.Name != "v"
		flags.AddFlag(pf)
	})
}
