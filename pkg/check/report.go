package check

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fatih/color"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// Summary counts failing findings by severity, and passes and skips.
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
	Pass    int `json:"pass"`
	Skip    int `json:"skip"`
}

// Report is what `check -o json|yaml` prints: the documented contract.
type Report struct {
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
	// KubernetesVersion is the version version-dependent rules assumed,
	// and VersionSource where it came from (the server, an image tag,
	// --kubernetes-version, or an assumption).
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	VersionSource     string `json:"kubernetesVersionSource,omitempty"`
}

// NewReport orders findings (failures first, by severity, then area and
// rule) and counts them.
func NewReport(findings []Finding) Report {
	rank := map[Result]int{Fail: 0, Skip: 1, Pass: 2}
	sevRank := map[Severity]int{Error: 0, Warning: 1, Info: 2}
	sorted := slices.Clone(findings)
	slices.SortStableFunc(sorted, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(rank[a.Result], rank[b.Result]),
			cmp.Compare(sevRank[a.Severity], sevRank[b.Severity]),
			cmp.Compare(a.Area, b.Area),
			cmp.Compare(a.ID, b.ID),
		)
	})
	r := Report{Findings: sorted}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for _, f := range findings {
		switch {
		case f.Result == Pass:
			r.Summary.Pass++
		case f.Result == Skip:
			r.Summary.Skip++
		case f.Severity == Error:
			r.Summary.Error++
		case f.Severity == Warning:
			r.Summary.Warning++
		default:
			r.Summary.Info++
		}
	}
	return r
}

// Failing says whether any failure is at or above threshold ("error",
// "warning"; "never" never fails).
func (r Report) Failing(threshold string) bool {
	switch threshold {
	case "never":
		return false
	case "warning":
		return r.Summary.Error+r.Summary.Warning > 0
	default:
		return r.Summary.Error > 0
	}
}

// WriteJSON and WriteYAML print the contract.
func (r Report) WriteJSON(w io.Writer) error { return writeJSON(w, r) }

func (r Report) WriteYAML(w io.Writer) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	// What sigs.k8s.io/yaml.Marshal does, but the YAML parser it converts
	// with refuses raw DEL and C1 characters: escaped, they pass.
	data, err = yaml.JSONToYAML(escapeRawControls(data))
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // subjects like service/<dry run> stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeRawControls(buf.Bytes()))
	return err
}

// escapeRawControls writes as \uXXXX, in JSON, the characters encoding/json
// leaves raw that a terminal takes for controls (DEL, C1) or YAML refuses
// (U+FEFF, U+FFFE, U+FFFF). JSON has them only inside strings, which
// decode to the same text. (encoding/json already escapes C0 controls and
// replaces invalid UTF-8 with U+FFFD.)
func escapeRawControls(data []byte) []byte {
	raw := func(r rune) bool {
		return r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0xfeff || r == 0xfffe || r == 0xffff
	}
	if !bytes.ContainsFunc(data, raw) {
		return data
	}
	var b bytes.Buffer
	for _, r := range string(data) {
		if raw(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.Bytes()
}

// TextOptions tune the human report.
type TextOptions struct {
	Color bool // ANSI colours by severity
	// Verbose lists passes and skips in the table too; by default the
	// table has the failures, and skips follow grouped by reason.
	Verbose bool
}

// WriteText prints a kubectl-like table (AREA, ID, SEVERITY, RESULT,
// SUBJECT, MESSAGE), then each failing finding's source and fix, then the
// summary line. Subjects, messages and sources quote object names, event
// messages, file names and file contents: they are escaped
// (printers.EscapeTerminal) and kept on one line.
func (r Report) WriteText(w io.Writer, opts TextOptions) error {
	paint := func(attr color.Attribute, s string) string {
		if !opts.Color {
			return s
		}
		c := color.New(attr)
		c.EnableColor() // per writer, never fatih/color's global switch
		return c.Sprint(s)
	}
	severityColor := map[Severity]color.Attribute{Error: color.FgRed, Warning: color.FgYellow, Info: color.FgCyan}
	var buf bytes.Buffer
	table := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbolCustom("kubectl").WithColumn("   "),
			Settings: tw.Settings{Lines: tw.LinesNone, Separators: tw.Separators{BetweenColumns: tw.On}},
		})),
		tablewriter.WithConfig(tablewriter.Config{
			Header: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
				Padding:    tw.CellPadding{Global: tw.PaddingNone},
			},
			Row: tw.CellConfig{
				Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone},
				Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
				Padding:    tw.CellPadding{Global: tw.PaddingNone},
			},
		}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	table.Header("AREA", "ID", "SEVERITY", "RESULT", "SUBJECT", "MESSAGE")
	var details []string
	var skipReasons []string // in report order, each once
	skippedBy := map[string][]string{}
	for _, f := range r.Findings {
		if f.Result == Skip && !opts.Verbose {
			// Skips share few reasons (a source not readable, not in the
			// files): one line per reason, after the table.
			if _, seen := skippedBy[f.Message]; !seen {
				skipReasons = append(skipReasons, f.Message)
			}
			skippedBy[f.Message] = append(skippedBy[f.Message], f.ID)
			continue
		}
		if f.Result == Pass && !opts.Verbose {
			continue
		}
		result := strings.ToUpper(string(f.Result))
		sev := string(f.Severity)
		if f.Result == Fail {
			result = paint(severityColor[f.Severity], result)
			sev = paint(severityColor[f.Severity], sev)
			details = append(details, fmt.Sprintf("%s %s\n  source: %s\n  fix:    %s", f.ID, printers.EscapeLine(f.Subject), printers.EscapeLine(cmp.Or(location(f), "-")), printers.EscapeLine(cmp.Or(f.Fix, "-"))))
		}
		if err := table.Append([]string{f.Area, f.ID, sev, result, printers.EscapeLine(f.Subject), oneLine(f.Message)}); err != nil {
			return err
		}
	}
	if err := table.Render(); err != nil {
		return err
	}
	// tablewriter pads the last column; kubectl's tables end lines cleanly.
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+strings.Repeat("\n", strings.Count(line, "\n"))); err != nil {
			return err
		}
	}
	if len(details) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(details, "\n"))
	}
	if len(skipReasons) > 0 {
		fmt.Fprintf(w, "\nSkipped (--show-passed lists them in the table):\n")
		for _, reason := range skipReasons {
			fmt.Fprintf(w, "  %s\n    %s\n", oneLine(reason), strings.Join(skippedBy[reason], ", "))
		}
	}
	if r.KubernetesVersion != "" {
		fmt.Fprintf(w, "\nKubernetes version: %s (%s)\n", printers.EscapeLine(r.KubernetesVersion), printers.EscapeLine(r.VersionSource))
	}
	s := r.Summary
	fmt.Fprintf(w, "\n%s: %d error(s), %d warning(s), %d info, %d passed, %d skipped\n",
		summaryWord(s, paint), s.Error, s.Warning, s.Info, s.Pass, s.Skip)
	return nil
}

func summaryWord(s Summary, paint func(color.Attribute, string) string) string {
	switch {
	case s.Error > 0:
		return paint(color.FgRed, "FAIL")
	case s.Warning > 0:
		return paint(color.FgYellow, "WARN")
	}
	return paint(color.FgGreen, "PASS")
}

// location is where a finding's value was read: file:line:column or the
// source description.
func location(f Finding) string {
	if f.File == "" {
		return f.Source
	}
	loc := f.File
	if f.Line > 0 {
		loc += fmt.Sprintf(":%d", f.Line)
		if f.Column > 0 {
			loc += fmt.Sprintf(":%d", f.Column)
		}
	}
	return loc
}

// oneLine keeps a table cell on one line, escaped for a terminal.
func oneLine(s string) string { return printers.EscapeLine(strings.Join(strings.Fields(s), " ")) }
