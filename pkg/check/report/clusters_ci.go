package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// ClustersFormat is the writer of check's -o value for a run on several
// clusters: json and yaml wrap each cluster's report ({"clusters": [...]}),
// junit gives each cluster its suites, sarif each cluster a run. false for
// text, which the command writes as sections and a matrix.
func ClustersFormat(name string, opts Options) (ClustersWriter, bool) {
	switch name {
	case "json":
		return ClustersJSON(), true
	case "yaml":
		return ClustersYAML(), true
	case "junit":
		return clustersJUnit{}, true
	case "sarif":
		return &clustersSARIF{opts: opts}, true
	}
	return nil, false
}

// clustersJUnit writes a cluster's suites as "CONTEXT/AREA", their
// testcases' classnames as "CONTEXT.AREA.RULE-ID" (so that a reader's
// package tree and test history keep the clusters apart), and a cluster
// that could not be audited as a suite "CONTEXT" whose one testcase is an
// <error>. The <testsuites> element has no totals: the suites are written
// as each cluster is done, and junit-10.xsd makes them optional (readers
// add the suites' up).
type clustersJUnit struct{}

func (clustersJUnit) Begin(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%s<testsuites name=%q time=\"0\">\n", xml.Header, junitName)
	return err
}

func (clustersJUnit) Cluster(w io.Writer, c Cluster) error {
	name := printers.EscapeLine(c.Context)
	var suites []junitTestsuite
	if r, ok := c.Report.(Report); ok && c.Error == "" {
		suites = junitSuites(r)
		for i := range suites {
			suites[i].Name = name + "/" + suites[i].Name
			for j := range suites[i].Cases {
				suites[i].Cases[j].Classname = name + "." + suites[i].Cases[j].Classname
			}
		}
	} else {
		suites = []junitTestsuite{{Name: name, Tests: 1, Errors: 1, Time: "0", Cases: []junitTestcase{{
			Classname: name, Name: "audit", Time: "0",
			Error: &junitMessage{Message: oneLine(c.Error), Text: printers.EscapeTerminal(c.Error + "\n  server: " + c.Server)},
		}}}}
	}
	var b strings.Builder
	enc := xml.NewEncoder(&b)
	enc.Indent("  ", "  ")
	for _, s := range suites {
		b.WriteString("  ")
		if err := enc.EncodeElement(s, xml.StartElement{Name: xml.Name{Local: "testsuite"}}); err != nil {
			return err
		}
		if err := enc.Flush(); err != nil {
			return err
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (clustersJUnit) End(w io.Writer) error {
	_, err := io.WriteString(w, "</testsuites>\n")
	return err
}

// clustersSARIF writes one run per cluster, the cluster in the run's
// properties ("context", "server"). A cluster that could not be audited
// is a run whose invocation did not succeed, its error a notification.
type clustersSARIF struct {
	opts    Options
	written int
}

func (*clustersSARIF) Begin(w io.Writer) error {
	_, err := fmt.Fprintf(w, "{\n  \"$schema\": %q,\n  \"version\": %q,\n  \"runs\": [", sarifSchema, sarifVersion)
	return err
}

func (s *clustersSARIF) Cluster(w io.Writer, c Cluster) error {
	var run sarifRun
	if r, ok := c.Report.(Report); ok && c.Error == "" {
		run = sarifRunOf(r, s.opts)
	} else {
		run = sarifRun{Tool: sarifToolOf(s.opts), Results: []sarifResult{}, Invocations: []sarifInvocation{{
			ExecutionSuccessful:        false,
			ToolExecutionNotifications: []sarifNotification{{Level: "error", Message: sarifMessage{Text: c.Error}}},
		}}}
	}
	run.Properties = map[string]string{"context": c.Context, "server": c.Server}
	err := writeElement(w, run, s.written == 0)
	s.written++
	return err
}

func (s *clustersSARIF) End(w io.Writer) error {
	end := "\n  ]\n}\n"
	if s.written == 0 {
		end = "]\n}\n"
	}
	_, err := io.WriteString(w, end)
	return err
}
