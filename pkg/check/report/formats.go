package report

import (
	"io"
	"slices"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// Writer prints a report in one output format.
type Writer interface {
	Write(w io.Writer, r Report, opts Options) error
}

// Options is what writers need beyond the report; each reads the fields
// it uses and ignores the others.
type Options struct {
	// Color and Verbose tune the text report: ANSI colours by severity;
	// passes and skips listed in the table (by default the table has the
	// failures, and skips follow grouped by reason).
	Color   bool
	Verbose bool
	// NeedLive names the rules skipped only for want of a live cluster (in
	// an audit of files alone): the text report counts them in one line,
	// unless ShowSkipped, which lists them with the other skips.
	NeedLive    map[string]bool
	ShowSkipped bool
	// Rules is the registry a SARIF log describes, normally check.Rules()
	// whatever --only and --skip selected, so that rule indexes do not
	// depend on flags.
	Rules []check.Rule
	// ToolVersion is the plugin's version, for SARIF: the driver's (left
	// out when empty), and a release's links its own rule documentation.
	ToolVersion string
}

// Format is one value of `check -o`.
type Format struct {
	Name        string // the -o value
	Description string // one line, for shell completion
	Writer      Writer
}

// Default is the format of an empty -o.
const Default = "text"

// formats are the values of -o, in the order help and completion list them.
var formats = []Format{
	{"text", "a table of the findings, each failure's source and fix, and a summary", textWriter{}},
	{"json", "the report as JSON, the documented contract", jsonWriter{}},
	{"yaml", "the JSON report as YAML", yamlWriter{}},
	{"junit", "JUnit XML, for the test reports of CI systems", junitWriter{}},
	{"sarif", "SARIF 2.1.0, for code scanning of --from-file findings", sarifWriter{}},
}

// Formats lists the values of -o.
func Formats() []Format { return slices.Clone(formats) }

// Get returns the writer of an -o value, if there is one.
func Get(name string) (Writer, bool) {
	i := slices.IndexFunc(formats, func(f Format) bool { return f.Name == name })
	if i < 0 {
		return nil, false
	}
	return formats[i].Writer, true
}
