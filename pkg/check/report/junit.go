package report

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// JUnit XML (`check -o junit`), for the test-report views of CI systems.
//
// The shape follows junit-10.xsd of the Jenkins xunit plugin
// (jenkinsci/xunit-plugin, src/main/resources/org/jenkinsci/plugins/xunit/
// types/model/xsd/junit-10.xsd), the schema the xunit plugin validates
// reports against and the de-facto subset the Jenkins junit plugin, GitLab
// CI junit reports and the GitHub test-report actions all read:
//
//	<testsuites name="kubectl-dualstack check" tests failures errors time>
//	  <testsuite name="AREA" tests failures errors skipped time>
//	    <testcase classname="AREA.RULE-ID" name="SUBJECT" time="0">
//	      <failure message type="error|warning">details</failure>  or  <skipped message/>
//	      <system-out>info findings</system-out>
//	    </testcase>
//
// One suite per rule area rather than one flat suite: Jenkins builds its
// package/class/test tree from classname (the package is what precedes the
// last dot, so "apiserver.apiserver-service-range-syntax" shows as package
// apiserver, class the rule, test the subject), and GitLab and the GitHub
// reporters list suites with their counts, so ten or so areas read better
// than hundreds of cases in one list. Rule IDs contain no dots, so the split
// is unambiguous.
//
// One testcase per rule and subject: a rule that reports several failures
// about one subject (a flag with two problems) gives one failing testcase
// whose text lists them all, so a test's identity (classname and name)
// stays stable from run to run for the readers that track test history.
// The counts are therefore of testcases, not of findings.
//
// Exempt findings (failures about an object exempted from the rule, with
// the reason) fail nothing: their testcase is <skipped message="exempt:
// REASON">, its text the findings exempted, so that a reader lists them
// apart from both failures and passes.
//
// Severities: error and warning failures are <failure type="error"> or
// type="warning"; a reader that marks a build unstable on failures does so
// for warnings too, whatever --fail-on says, as the JUnit format has no
// notion of a threshold. Info findings never fail CI under any --fail-on,
// so they are not failures here: their testcase passes (unless something
// else about the subject fails) and carries them in <system-out>, which
// Jenkins, GitLab and the GitHub reporters show with the test.
//
// No timestamps or durations are measured (the rules run in milliseconds
// and a stable output is easier to diff), but time="0" is written because
// some readers parse the attribute as a number and show NaN when it is
// missing. <testsuites> carries no skipped attribute: junit-10.xsd does not
// declare one there (only on <testsuite>), and the xunit plugin rejects
// undeclared attributes.

const junitName = "kubectl-dualstack check"

type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Skipped  int             `xml:"skipped,attr"`
	Time     string          `xml:"time,attr"`
	Cases    []junitTestcase `xml:"testcase"`
}

// The field order is the element order: failure or skipped first, then
// system-out, as Maven surefire's stricter schema wants.
type junitTestcase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"` // a cluster that could not be audited (a fleet's report)
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// junitWriter prints the report as JUnit XML (see above for the shape).
// Suites and testcases come in the order of r.Findings, failures first.
type junitWriter struct{}

func (junitWriter) Write(w io.Writer, r Report, _ Options) error {
	doc := junitTestsuites{Name: junitName, Time: "0", Suites: junitSuites(r)}
	for _, suite := range doc.Suites {
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitSuites are a report's suites, one per rule area.
func junitSuites(r Report) []junitTestsuite {
	type group struct {
		area, id, subject string
		findings          []check.Finding
	}
	var areas []string
	groups := map[string][]*group{} // by area, in order of appearance
	byKey := map[[2]string]*group{} // by rule ID and subject
	for _, f := range r.Findings {
		key := [2]string{f.ID, f.Subject}
		g := byKey[key]
		if g == nil {
			area := cmp.Or(f.Area, "other")
			if groups[area] == nil {
				areas = append(areas, area)
			}
			g = &group{area: area, id: f.ID, subject: f.Subject}
			byKey[key] = g
			groups[area] = append(groups[area], g)
		}
		g.findings = append(g.findings, f)
	}

	var suites []junitTestsuite
	for _, area := range areas {
		suite := junitTestsuite{Name: area, Time: "0"}
		for _, g := range groups[area] {
			tc := junitTestcase{Classname: area + "." + g.id, Name: printers.EscapeLine(cmp.Or(g.subject, g.id)), Time: "0"}
			var failing, exempt, skips, notes []check.Finding
			for _, f := range g.findings {
				switch {
				case f.Result == check.Fail && f.Severity != check.Info:
					failing = append(failing, f)
				case f.Result == check.Fail:
					notes = append(notes, f)
				case f.Result == check.Exempt:
					exempt = append(exempt, f)
				case f.Result == check.Skip:
					skips = append(skips, f)
				}
			}
			switch {
			case len(failing) > 0:
				tc.Failure = junitFailure(failing)
				suite.Failures++
			case len(exempt) > 0:
				tc.Skipped = junitExempt(exempt)
				suite.Skipped++
				exempt = nil
			case len(skips) > 0:
				reasons := make([]string, len(skips))
				for i, f := range skips {
					reasons[i] = oneLine(f.Message)
				}
				tc.Skipped = &junitMessage{Message: strings.Join(reasons, "; ")}
				suite.Skipped++
				skips = nil
			}
			// What is neither the failure nor the skip (info findings, a
			// skip next to a failure) goes to the test's output.
			var out []string
			for _, f := range slices.Concat(notes, exempt, skips) {
				out = append(out, junitDetails(f))
			}
			tc.SystemOut = strings.Join(out, "\n\n")
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Tests = len(suite.Cases)
		suites = append(suites, suite)
	}
	return suites
}

// junitFailure is one <failure> for a subject's error and warning findings:
// typed by the worst severity, its message the first finding's (the one a
// reader shows in a list), its text every finding in full.
func junitFailure(failing []check.Finding) *junitMessage {
	sev := check.Warning
	details := make([]string, len(failing))
	for i, f := range failing {
		if f.Severity == check.Error {
			sev = check.Error
		}
		details[i] = junitDetails(f)
	}
	msg := oneLine(failing[0].Message)
	if len(failing) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(failing)-1)
	}
	return &junitMessage{Message: msg, Type: string(sev), Text: strings.Join(details, "\n\n")}
}

// junitExempt is the <skipped> of a subject whose failures are exempt:
// "exempt: <reason>" as its message, the findings exempted as its text.
func junitExempt(exempt []check.Finding) *junitMessage {
	var reasons, details []string
	for _, f := range exempt {
		if r := "exempt: " + oneLine(f.Exemption); !slices.Contains(reasons, r) {
			reasons = append(reasons, r)
		}
		details = append(details, junitDetails(f))
	}
	return &junitMessage{Message: strings.Join(reasons, "; "), Text: strings.Join(details, "\n\n")}
}

// junitDetails is one finding as the text report's details print it: the
// message, where the value was read (file:line:column when known), the fix
// and the reference. A failure is labelled with its severity, an exempt
// finding with both ("exempt error"), anything else with its result. Like
// the text report, it is escaped: XML would
// keep DEL and C1 controls raw (and turn C0 ones into U+FFFD).
func junitDetails(f check.Finding) string {
	label := string(f.Result)
	switch f.Result {
	case check.Fail:
		label = string(f.Severity)
	case check.Exempt:
		label += " " + string(f.Severity)
	}
	return printers.EscapeTerminal(fmt.Sprintf("%s: %s\n  source:    %s\n  fix:       %s\n  reference: %s",
		label, f.Message, cmp.Or(location(f), "-"), cmp.Or(f.Fix, "-"), cmp.Or(f.Reference, "-")))
}
