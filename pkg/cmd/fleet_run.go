package cmd

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/fleet"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// cluster is one context of a run on several: its own kubeconfig flags
// (the command's, with this context), and the server it names.
type cluster struct {
	context, server string
	configFlags     *genericclioptions.ConfigFlags
	// errs rewords this cluster's transport errors with its own server
	// and the Retry-After of its own answers.
	errs *transportErrors
}

// newCluster is base (the flags given) with context: a ConfigFlags of its
// own, as ConfigFlags keeps the kubeconfig it loaded for one context.
func newCluster(base *genericclioptions.ConfigFlags, context string) cluster {
	f := genericclioptions.NewConfigFlags(true)
	f.CacheDir, f.KubeConfig = base.CacheDir, base.KubeConfig
	f.ClusterName, f.AuthInfoName, f.Namespace = base.ClusterName, base.AuthInfoName, base.Namespace
	f.APIServer, f.TLSServerName, f.Insecure = base.APIServer, base.TLSServerName, base.Insecure
	f.CertFile, f.KeyFile, f.CAFile, f.BearerToken = base.CertFile, base.KeyFile, base.CAFile, base.BearerToken
	f.Impersonate, f.ImpersonateUID, f.ImpersonateGroup, f.ImpersonateUserExtra = base.Impersonate, base.ImpersonateUID, base.ImpersonateGroup, base.ImpersonateUserExtra
	f.Username, f.Password, f.Timeout = base.Username, base.Password, base.Timeout
	f.DisableCompression, f.ProxyURL = base.DisableCompression, base.ProxyURL
	f.Context = &context
	errs := &transportErrors{configFlags: f}
	wrap := base.WrapConfigFn
	f.WrapConfigFn = func(c *rest.Config) *rest.Config {
		if wrap != nil {
			c = wrap(c) // --qps, --burst
		}
		return errs.record(c)
	}
	c := cluster{context: context, configFlags: f, errs: errs}
	if config, err := f.ToRESTConfig(); err == nil {
		c.server = config.Host
	}
	return c
}

// clusterResult is what one cluster's run leaves for writing: the text
// section, or the report for the document formats; the matrix row and the
// exit code. err is why the cluster could not be audited (then the rest
// is empty).
type clusterResult struct {
	text   []byte
	report any
	row    []string // the matrix's cells after CONTEXT and EXIT
	code   int
	err    error
}

// fleetRun is a command's run on several clusters.
type fleetRun struct {
	flags *fleetFlags
	base  *genericclioptions.ConfigFlags
	out   io.Writer
	// doc writes -o json|yaml (and check's junit, sarif); nil for text.
	doc report.ClustersWriter
	// matrix is the table after the text sections, nil for none (plan);
	// its header starts with CONTEXT and EXIT, and ends with PROBLEM.
	matrix *fleet.Matrix
	// errorCode is the command's exit code for an audit that could not
	// run (2 for check, summary and plan).
	errorCode int
	// audit runs the command on one cluster.
	audit func(ctx context.Context, c cluster) clusterResult
}

// run audits every selected cluster, --parallel at once, writes each
// cluster's section (or document element) in order as soon as it can,
// then the matrix, and exits with the worst cluster's code.
func (r fleetRun) run(ctx context.Context) error {
	names, err := r.flags.selected(r.base)
	if err != nil {
		return exitError{code: r.errorCode, err: err}
	}
	if r.doc != nil {
		if err := r.doc.Begin(r.out); err != nil {
			return exitError{code: r.errorCode, err: err}
		}
	}
	var codes []int
	do := func(ctx context.Context, i int) clusterOutcome {
		c := newCluster(r.base, names[i])
		res := r.audit(ctx, c)
		if res.err != nil {
			res = clusterResult{code: r.errorCode, err: c.errs.explain(res.err)}
		}
		return clusterOutcome{cluster: c, clusterResult: res}
	}
	emit := func(_ int, o clusterOutcome) error {
		codes = append(codes, o.code)
		if r.matrix != nil {
			r.matrix.Add(r.matrixRow(o)...)
		}
		if r.doc != nil {
			doc := report.Cluster{Context: o.context, Server: o.server, Report: o.report}
			if o.err != nil {
				doc.Error = errorText(o.err)
			}
			return r.doc.Cluster(r.out, doc)
		}
		var b strings.Builder
		b.WriteString(fleet.SectionHeader(o.context, o.server))
		if o.err != nil {
			b.WriteString(printers.EscapeTerminal(errorMessage(o.err)) + "\n")
		} else {
			b.Write(o.text)
		}
		b.WriteString("\n")
		_, err := io.WriteString(r.out, b.String())
		return err
	}
	if err := fleet.Stream(ctx, len(names), r.flags.parallel, do, emit); err != nil {
		return exitError{code: r.errorCode, err: err}
	}
	switch {
	case r.doc != nil:
		err = r.doc.End(r.out)
	case r.matrix != nil:
		err = r.matrix.Write(r.out, fmt.Sprintf("%d clusters", len(names)))
	}
	if err != nil {
		return exitError{code: r.errorCode, err: err}
	}
	if worst := fleet.Worst(codes...); worst != 0 {
		return exitError{code: worst} // the sections said why
	}
	return nil
}

type clusterOutcome struct {
	cluster
	clusterResult
}

// matrixRow is a cluster's row: CONTEXT, EXIT, the command's cells, and
// for a cluster that could not be audited "-" in each of them and the
// error as PROBLEM.
func (r fleetRun) matrixRow(o clusterOutcome) []string {
	row := []string{o.context, strconv.Itoa(o.code)}
	if o.err == nil {
		return append(row, o.row...)
	}
	for range len(r.matrix.Header) - 3 {
		row = append(row, "-")
	}
	return append(row, errorText(o.err))
}

// errorText is an error as the plugin prints it, without "error: ".
func errorText(err error) string {
	return strings.TrimPrefix(errorMessage(err), "error: ")
}
