package cmd

import (
	"bytes"
	"cmp"
	"context"
	"os"

	cliprinters "k8s.io/cli-runtime/pkg/printers"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/config"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/fleet"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/summary"
)

// summaryMatrixHeader is the matrix after summary's sections on several
// clusters: how far each is along, what it is, or why it could not be read.
var summaryMatrixHeader = []string{"CONTEXT", "EXIT", "READINESS", "STACK", "VERSION", "DISTRIBUTION", "PROBLEM"}

// runFleet summarises several clusters, each as Complete and Run would
// with its context (its kubeconfig namespace too, unless -n or -A).
func (o *SummaryOptions) runFleet(ctx context.Context, f *fleetFlags) error {
	// A bad configuration file is the run's error, not each cluster's.
	if _, err := config.Load(o.ConfigFile); err != nil {
		return exitError{code: ExitSummaryError, err: err}
	}
	run := fleetRun{flags: f, base: o.configFlags, out: o.Out, errorCode: ExitSummaryError}
	table := o.Output == "" || o.Output == "wide"
	bar := table && cliprinters.IsTerminal(o.Out) && os.Getenv("TERM") != "dumb"
	switch o.Output {
	case "json":
		run.doc = report.ClustersJSON()
	case "yaml":
		run.doc = report.ClustersYAML()
	default:
		run.matrix = &fleet.Matrix{Header: summaryMatrixHeader}
	}
	run.audit = func(ctx context.Context, c cluster) clusterResult {
		one := *o
		one.configFlags, one.Client, one.Dynamic, one.Metadata = c.configFlags, nil, nil, nil
		if err := one.Complete(); err != nil {
			return clusterResult{err: err}
		}
		s, err := one.compute(ctx)
		if err != nil {
			return clusterResult{err: err}
		}
		cl := s.Cluster
		res := clusterResult{row: []string{summary.ReadinessCell(s.Total.Readiness), cl.Stack, cmp.Or(cl.KubernetesVersion, "unknown"), cmp.Or(cl.Distribution, "-")}}
		if !s.Complete {
			res.code = ExitSummaryIncomplete
		}
		if run.doc != nil {
			res.report = s
			return res
		}
		var text bytes.Buffer
		if err := summary.Write(&text, s, o.Output, bar); err != nil {
			return clusterResult{err: err}
		}
		if len(s.Groups) == 0 {
			text.WriteString(one.noResources() + "\n") // on stderr for one cluster; here, in its section
		}
		res.text = text.Bytes()
		return res
	}
	return run.run(ctx)
}
