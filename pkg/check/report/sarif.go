package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// SARIF 2.1.0 (`check -o sarif`), for GitHub code scanning and other SARIF
// viewers. One run; its driver lists every rule of the registry (so a
// viewer can describe rules that found nothing), and each failing finding
// is one result. Passes are not results: SARIF results are problems. Skips
// are not results either, as nothing was found; they are notifications of
// the invocation, so the log still says what could not be checked. An
// exempt finding is a result with an accepted suppression (below), which
// viewers list as suppressed, not as an open problem.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	projectURI   = "https://github.com/kubectl-dualstack/kubectl-dualstack"
	// kubernetesSourceURI is the upstream tree the rules' references were
	// read in.
	kubernetesSourceURI = "https://github.com/kubernetes/kubernetes/blob/v1.37.0/"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	// Results is always present: an empty array says that the scan ran and
	// found nothing, where an absent one would mean no scan.
	Results []sarifResult `json:"results"`
	// Properties is the run's property bag: in a report on several
	// clusters, "context" and "server", the cluster the run audited.
	Properties map[string]string `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifMessage    `json:"shortDescription"`
	FullDescription      sarifMessage    `json:"fullDescription"`
	Help                 sarifMessage    `json:"help"`
	HelpURI              string          `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	// Properties is the invocation's property bag: "config", the
	// configuration file used.
	Properties map[string]string `json:"properties,omitempty"`
}

type sarifNotification struct {
	Level          string        `json:"level"`
	Message        sarifMessage  `json:"message"`
	AssociatedRule *sarifRuleRef `json:"associatedRule,omitempty"` // none for an audit that could not run
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index *int   `json:"index,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           *int               `json:"ruleIndex,omitempty"` // absent for a rule not in the registry given
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

// sarifSuppression says why a result is suppressed: SARIF 2.1.0 §3.35,
// the suppression object
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html).
// kind "inSource" is a suppression written in the analysed artifact
// itself, as the exempt annotation is on the object; "external" one kept
// elsewhere, as a configuration file's exemption is. status "accepted":
// the exemption is in force, not under review.
type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// sarifRegion: the schema wants startLine (or an offset) in every region,
// so a region is only written when the line is known.
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogicalLocation struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// sarifWriter prints the report as a SARIF 2.1.0 log, its driver
// describing opts.Rules.
type sarifWriter struct{}

func (sarifWriter) Write(w io.Writer, r Report, opts Options) error {
	return writeJSON(w, sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{sarifRunOf(r, opts)}})
}

// sarifRunOf is the run of one audit: the tool, the invocation, the
// results.
func sarifRunOf(r Report, opts Options) sarifRun {
	run := sarifRun{Tool: sarifToolOf(opts), Results: []sarifResult{}}
	index := map[string]int{}
	for i, rule := range opts.Rules {
		index[rule.ID] = i
	}
	ruleRef := func(id string) *int {
		if i, ok := index[id]; ok {
			return &i
		}
		return nil
	}

	// The audit ran (an audit that cannot run exits 2 without a report).
	inv := sarifInvocation{ExecutionSuccessful: true}
	if r.Config != "" {
		inv.Properties = map[string]string{"config": r.Config}
	}
	seen := map[string]int{} // fingerprint occurrences
	for _, f := range r.Findings {
		switch f.Result {
		case check.Skip:
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:          "note",
				Message:        sarifMessage{Text: f.ID + " skipped for " + f.Subject + ": " + f.Message},
				AssociatedRule: &sarifRuleRef{ID: f.ID, Index: ruleRef(f.ID)},
			})
		case check.Fail, check.Exempt:
			// Several findings of one rule about one subject (a flag with
			// two problems) are told apart by their rank, as CodeQL's
			// "hash:occurrence" fingerprints are; findings come in a stable
			// order.
			fp := sarifFingerprint(f)
			seen[fp]++
			run.Results = append(run.Results, sarifResult{
				RuleID:    f.ID,
				RuleIndex: ruleRef(f.ID),
				Level:     sarifLevel(f.Severity), // the finding's: FailWith may differ from the rule's
				// The subject says which instance (kube-apiserver-cp1
				// --service-cluster-ip-range, service/default/web): the
				// rule's title is shown next to it.
				Message:             sarifMessage{Text: f.Subject + ": " + f.Message},
				Locations:           []sarifLocation{sarifLocationOf(f)},
				PartialFingerprints: map[string]string{"primaryLocationLineHash": fmt.Sprintf("%s:%d", fp, seen[fp])},
				Suppressions:        sarifSuppressionsOf(f),
			})
		}
	}
	run.Invocations = []sarifInvocation{inv}
	return run
}

// sarifToolOf is the tool of a run: the plugin, describing opts.Rules.
func sarifToolOf(opts Options) sarifTool {
	tool := sarifTool{Driver: sarifDriver{
		Name:           "kubectl-dualstack",
		InformationURI: projectURI,
		Version:        opts.ToolVersion,
		Rules:          make([]sarifRule, 0, len(opts.Rules)),
	}}
	for _, rule := range opts.Rules {
		tool.Driver.Rules = append(tool.Driver.Rules, sarifRuleOf(rule, opts.ToolVersion))
	}
	return tool
}

// sarifSuppressionsOf is an exempt finding's suppression; other findings
// have none.
func sarifSuppressionsOf(f check.Finding) []sarifSuppression {
	if f.Result != check.Exempt {
		return nil
	}
	kind := "inSource"
	if f.ExemptBy == check.ExemptByConfig {
		kind = "external"
	}
	return []sarifSuppression{{Kind: kind, Status: "accepted", Justification: f.Exemption}}
}

// sarifRuleOf describes one rule: GitHub shows shortDescription as the
// alert's title and help (markdown when given) as its explanation, and
// links helpUri, the rule's documentation, from the alert.
func sarifRuleOf(rule check.Rule, toolVersion string) sarifRule {
	fix := rule.Fix
	if fix == "" {
		fix = rule.Title
	}
	doc := ruleDocURI(rule.ID, toolVersion)
	links := "See [the rules](" + doc + ")"
	if p := kubernetesPath.FindString(rule.Reference); p != "" {
		links += " and [the source](" + kubernetesSourceURI + p + ")"
	}
	return sarifRule{
		ID:               rule.ID,
		Name:             camelCase(rule.ID),
		ShortDescription: sarifMessage{Text: rule.Title},
		FullDescription:  sarifMessage{Text: rule.Title + ". Reference: " + rule.Reference},
		Help: sarifMessage{
			Text: "Fix: " + fix + "\n\nReference: " + rule.Reference + "\n\nRules: " + doc,
			Markdown: "**Fix:** " + markdownEscape(fix) +
				"\n\n**Reference:** " + markdownEscape(rule.Reference) +
				"\n\n" + links + ".",
		},
		HelpURI:              doc,
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(rule.Severity)},
		Properties:           sarifRuleProps{Tags: []string{string(rule.Area)}},
	}
}

// ruleDocURI is a rule's section of docs/rules.md, whose headings are the
// rule IDs: in the release that wrote the log, as rules change between
// releases, or on main for any other build.
func ruleDocURI(ruleID, toolVersion string) string {
	ref := "main"
	if releaseVersion.MatchString(toolVersion) && !strings.HasSuffix(toolVersion, "-dirty") {
		ref = toolVersion
	}
	return projectURI + "/blob/" + ref + "/docs/rules.md#" + ruleID
}

// releaseVersion is a release tag, vMAJOR.MINOR.PATCH with an optional
// pre-release suffix (v1.2.0-rc.1). A build between tags is not one: git
// describe's v1.2.0-3-gabc1234 and Go's pseudo-versions have a second
// hyphen, and ruleDocURI refuses a modified tree's v1.2.0-dirty.
var releaseVersion = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$`)

// kubernetesPath finds an upstream source file in a rule's reference:
// "cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags"
// names cmd/kube-apiserver/.../validation.go. Only paths under
// kubernetes/kubernetes's top-level source directories and ending in .go
// count, so that "k8s.io/utils/net" or "dual-stack.md" (not in that tree)
// never make a broken link.
var kubernetesPath = regexp.MustCompile(`\b(?:cmd|pkg|plugin|staging|test)/[\w./-]+\.go\b`)

// sarifLevel maps a severity to SARIF's levels; info, which never fails
// CI, is a note.
func sarifLevel(s check.Severity) string {
	switch s {
	case check.Error:
		return "error"
	case check.Warning:
		return "warning"
	}
	return "note"
}

// sarifLocationOf is where a finding's value was read. From a file: the
// file, relative to the checkout (%SRCROOT%, which GitHub resolves to the
// repository root) unless absolute, and the line and column when known.
//
// A live cluster's findings have no file, so they get a logical location
// naming the subject (a resource, in SARIF's vocabulary). That is valid
// SARIF, and SARIF viewers list such results, but GitHub code scanning does
// not take them: its upload (github/codeql-action upload-sarif, the
// code-scanning API) rejects the whole file when a result has no physical
// location ("locationFromSarifResult: expected at least one location",
// "expected a physical location"; github/codeql-action#1738, #2459). Upload
// to GitHub the SARIF of a --from-file audit; a --live audit's SARIF is for
// other viewers, or for archiving.
func sarifLocationOf(f check.Finding) sarifLocation {
	if f.File == "" {
		return sarifLocation{LogicalLocations: []sarifLogicalLocation{{Name: f.Subject, Kind: "resource"}}}
	}
	loc := &sarifPhysicalLocation{ArtifactLocation: sarifArtifact(f.File)}
	if f.Line > 0 {
		loc.Region = &sarifRegion{StartLine: f.Line}
		if f.Column > 0 {
			loc.Region.StartColumn = f.Column
		}
	}
	return sarifLocation{PhysicalLocation: loc}
}

// sarifArtifact turns a file name as given to --from-file into a URI
// reference: forward slashes, percent-encoded (a space is not valid in a
// URI), relative to %SRCROOT% when relative, a file: URI when absolute.
func sarifArtifact(file string) sarifArtifactLocation {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x on Windows is file:///C:/x
		}
		return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	// url.URL prefixes "./" when the first segment holds a colon, so that
	// it is not read as a scheme.
	return sarifArtifactLocation{URI: (&url.URL{Path: p}).String(), URIBaseID: "%SRCROOT%"}
}

// sarifFingerprint identifies a finding across runs, so that GitHub keeps
// one alert per problem instead of opening a new one on every upload. It is
// GitHub's primaryLocationLineHash, which GitHub combines with the rule and
// file path; upload-sarif only computes one itself (from the line's text)
// when it is missing. Ours hashes the rule, subject and file and not the
// line or message, so that an alert survives lines moving above it and a
// value changing within the same problem.
func sarifFingerprint(f check.Finding) string {
	sum := sha256.Sum256([]byte(f.ID + "\x00" + f.Subject + "\x00" + filepath.ToSlash(f.File)))
	return hex.EncodeToString(sum[:16])
}

// camelCase turns a rule ID into SARIF's readable rule name:
// apiserver-service-range-syntax is ApiserverServiceRangeSyntax.
func camelCase(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		runes := []rune(part)
		b.WriteRune(unicode.ToUpper(runes[0]))
		b.WriteString(string(runes[1:]))
	}
	return b.String()
}

// markdownEscape keeps a rule's prose literal in help.markdown: references
// hold paths and flags whose * _ ` [ ] < > would otherwise be markup.
var markdownEscape = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;",
).Replace
