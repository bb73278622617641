package cmd

import (
	"bytes"
	"cmp"
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/fleet"
)

// checkMatrixHeader is the matrix after check's sections on several
// clusters: a failing cluster's counts, what it is, or why it could not be
// audited.
var checkMatrixHeader = []string{"CONTEXT", "EXIT", "ERRORS", "WARNINGS", "EXEMPT", "STACK", "VERSION", "DISTRIBUTION", "PROBLEM"}

// validateOneAudit refuses, on several clusters, the flags that make a
// single audit: files are read once, --list-rules reads no cluster.
func validateOneAudit(cmd *cobra.Command, f *fleetFlags, flags ...string) error {
	if !f.several() {
		return nil
	}
	for _, name := range flags {
		if cmd.Flags().Changed(name) {
			return newUsageError(cmd, "--%s is for one cluster: give one --context (or none) with it", name)
		}
	}
	return nil
}

// runFleet audits several clusters, each as Run would with its context.
func (o *CheckOptions) runFleet(ctx context.Context, f *fleetFlags) error {
	run := fleetRun{flags: f, base: o.configFlags, out: o.Out, errorCode: ExitCheckError}
	output := cmp.Or(o.Output, report.Default)
	writer, _ := report.Get(output) // Validate checked it
	color := o.useColor()           // of the terminal the sections reach
	if doc, ok := report.ClustersFormat(output, report.Options{Rules: check.Rules(), ToolVersion: o.Version}); ok {
		run.doc = doc
	} else {
		run.matrix = &fleet.Matrix{Header: checkMatrixHeader}
	}
	run.audit = func(ctx context.Context, c cluster) clusterResult {
		one := *o
		one.configFlags, one.Client, one.Dynamic = c.configFlags, nil, nil
		r, facts, err := one.audit(ctx)
		if err != nil {
			return clusterResult{err: err}
		}
		res := clusterResult{row: []string{strconv.Itoa(r.Summary.Error), strconv.Itoa(r.Summary.Warning), strconv.Itoa(r.Summary.Exempt),
			facts.StackName(), cmp.Or(facts.ServerVersion, "unknown"), cmp.Or(facts.Distribution, "-")}}
		if r.Failing(o.FailOn) {
			res.code = ExitCheckFailed
		}
		if run.doc != nil {
			res.report = r // written whole by the document's writer
			return res
		}
		opts := one.reportOptions(facts)
		opts.Color = color
		var text bytes.Buffer
		if err := writer.Write(&text, r, opts); err != nil {
			return clusterResult{err: err}
		}
		res.text = text.Bytes() // the facts and findings go once this returns
		return res
	}
	return run.run(ctx)
}
