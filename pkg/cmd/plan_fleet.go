package cmd

import (
	"bytes"
	"cmp"
	"context"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/plan"
)

// runFleet plans several clusters, each as Run would with its context: a
// section each (no matrix: a plan's steps do not fit one row).
func (o *PlanOptions) runFleet(ctx context.Context, f *fleetFlags) error {
	run := fleetRun{flags: f, base: o.configFlags, out: o.Out, errorCode: ExitPlanError}
	switch o.Output {
	case "json":
		run.doc = report.ClustersJSON()
	case "yaml":
		run.doc = report.ClustersYAML()
	}
	colour := (&CheckOptions{Color: o.Color, IOStreams: o.IOStreams}).useColor()
	run.audit = func(ctx context.Context, c cluster) clusterResult {
		one := *o
		one.configFlags, one.Client = c.configFlags, nil
		p, err := one.build(ctx)
		if err != nil {
			return clusterResult{err: err}
		}
		var res clusterResult
		if len(p.NotComputed) > 0 {
			res.code = ExitPlanIncomplete
		}
		if run.doc != nil {
			res.report = p
			return res
		}
		var text bytes.Buffer
		if err := plan.Write(&text, p, cmp.Or(o.Output, "text"), colour); err != nil {
			return clusterResult{err: err}
		}
		res.text = text.Bytes()
		return res
	}
	return run.run(ctx)
}
