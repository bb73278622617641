package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// textWriter prints the configuration file used, if any, then a
// kubectl-like table (AREA, ID, SEVERITY, RESULT, SUBJECT, MESSAGE), or
// one line when nothing failed; then each failing finding's source and fix, the exempt findings by reason (never rows of
// the table: they fail nothing), the skips by reason (those for want of a
// live cluster counted in one line), the files read by format, the
// Kubernetes version assumed, and the summary line. Subjects, messages,
// sources and reasons quote object names, event messages, file names and
// file contents: they are escaped (printers.EscapeTerminal) and kept on
// one line.
type textWriter struct{}

func (textWriter) Write(w io.Writer, r Report, opts Options) error {
	paint := func(attr color.Attribute, s string) string {
		if !opts.Color {
			return s
		}
		c := color.New(attr)
		c.EnableColor() // per writer, never fatih/color's global switch
		return c.Sprint(s)
	}
	severityColor := map[check.Severity]color.Attribute{check.Error: color.FgRed, check.Warning: color.FgYellow, check.Info: color.FgCyan}
	if r.Config != "" {
		fmt.Fprintf(w, "Configuration: %s\n\n", printers.EscapeLine(r.Config))
	}
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
	needLive := map[string]bool{} // rules skipped for want of a live cluster
	exempt := groupExempt(r.Findings)
	rows := 0
	for _, f := range r.Findings {
		if f.Result == check.Exempt {
			continue // their own section, after the failures
		}
		if f.Result == check.Skip && !opts.Verbose {
			if opts.NeedLive[f.ID] && !opts.ShowSkipped {
				needLive[f.ID] = true
				continue
			}
			// Skips share few reasons (a source not readable, not in the
			// files): one line per reason, after the table.
			if _, seen := skippedBy[f.Message]; !seen {
				skipReasons = append(skipReasons, f.Message)
			}
			skippedBy[f.Message] = append(skippedBy[f.Message], f.ID)
			continue
		}
		if f.Result == check.Pass && !opts.Verbose {
			continue
		}
		rows++
		result := strings.ToUpper(string(f.Result))
		sev := string(f.Severity)
		if f.Result == check.Fail {
			result = paint(severityColor[f.Severity], result)
			sev = paint(severityColor[f.Severity], sev)
			details = append(details, fmt.Sprintf("%s %s\n  source: %s\n  fix:    %s", f.ID, printers.EscapeLine(f.Subject), printers.EscapeLine(cmp.Or(location(f), "-")), printers.EscapeLine(cmp.Or(f.Fix, "-"))))
		}
		if err := table.Append([]string{f.Area, f.ID, sev, result, printers.EscapeLine(f.Subject), oneLine(f.Message)}); err != nil {
			return err
		}
	}
	if rows == 0 {
		// Nothing failed, and passes are not listed: no empty table.
		if _, err := fmt.Fprintln(w, nothingFailed(r.Findings, r.Summary.Exempt)); err != nil {
			return err
		}
	} else if err := renderTable(w, table, &buf); err != nil {
		return err
	}
	if len(details) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(details, "\n"))
	}
	if len(exempt) > 0 {
		fmt.Fprintf(w, "\n%s (%d, not counted as failures):\n", paint(color.FgMagenta, "Exempt"), r.Summary.Exempt)
		for _, g := range exempt {
			fmt.Fprintf(w, "  %s\n", oneLine(g.reason))
			for _, f := range g.findings {
				fmt.Fprintf(w, "    %s %s\n", f.ID, printers.EscapeLine(f.Subject))
			}
		}
	}
	if len(skipReasons) > 0 {
		fmt.Fprintf(w, "\nSkipped (--show-passed lists them in the table):\n")
		for _, reason := range skipReasons {
			fmt.Fprintf(w, "  %s\n    %s\n", oneLine(reason), strings.Join(skippedBy[reason], ", "))
		}
	}
	if n := len(needLive); n > 0 {
		fmt.Fprintf(w, "\n%s; --show-skipped lists them\n", plural(n, "rule needs a live cluster", "rules need a live cluster"))
	}
	if len(r.Inputs) > 0 || r.KubernetesVersion != "" {
		fmt.Fprintln(w)
	}
	if len(r.Inputs) > 0 {
		fmt.Fprintf(w, "Read: %s\n", readFormats(r.Inputs))
	}
	if r.KubernetesVersion != "" {
		fmt.Fprintf(w, "Kubernetes version: %s (%s)\n", printers.EscapeLine(r.KubernetesVersion), printers.EscapeLine(r.VersionSource))
	}
	if r.Distribution != "" {
		fmt.Fprintf(w, "Distribution: %s (%s)\n", printers.EscapeLine(r.Distribution), printers.EscapeLine(r.DistributionSource))
	}
	if r.CNI != "" {
		fmt.Fprintf(w, "CNI: %s (%s)\n", printers.EscapeLine(r.CNI), printers.EscapeLine(r.CNISource))
	}
	s := r.Summary
	var exemptCount string
	if s.Exempt > 0 {
		exemptCount = fmt.Sprintf(", %d exempt", s.Exempt)
	}
	fmt.Fprintf(w, "\n%s: %d error(s), %d warning(s), %d info, %d passed, %d skipped%s\n",
		summaryWord(s, paint), s.Error, s.Warning, s.Info, s.Pass, s.Skip, exemptCount)
	return nil
}

// renderTable renders table into buf, then copies it to w: tablewriter
// pads the last column; kubectl's tables end lines cleanly.
func renderTable(w io.Writer, table *tablewriter.Table, buf *bytes.Buffer) error {
	if err := table.Render(); err != nil {
		return err
	}
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+strings.Repeat("\n", strings.Count(line, "\n"))); err != nil {
			return err
		}
	}
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
func location(f check.Finding) string {
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
