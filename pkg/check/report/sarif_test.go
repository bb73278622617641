package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// sarifSchemaFile is the official SARIF 2.1.0 schema (OASIS, errata 01:
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json,
// as published in oasis-tcs/sarif-spec), a JSON schema draft-04 document.
const sarifSchemaFile = "testdata/sarif/sarif-schema-2.1.0.json"

// sarifValidator compiles the schema with format assertions on, so that
// helpUri and informationUri must be URIs and artifact URIs URI references.
func sarifValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchemaFile, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// What a SARIF consumer reads, decoded independently of the writer's types.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name, InformationURI, Version string
				Rules                         []struct {
					ID, Name                                string
					ShortDescription, FullDescription, Help struct{ Text, Markdown string }
					HelpURI                                 string `json:"helpUri"`
					DefaultConfiguration                    struct{ Level string }
					Properties                              struct{ Tags []string }
				}
			}
		}
		Invocations []struct {
			ExecutionSuccessful        bool
			ToolExecutionNotifications []struct {
				Level          string
				Message        struct{ Text string }
				AssociatedRule struct {
					ID    string
					Index *int
				}
			}
		}
		Results []sarifDocResult
	}
}

type sarifDocResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Level     string
	Message   struct{ Text string }
	Locations []struct {
		PhysicalLocation *struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			}
			Region *struct{ StartLine, StartColumn int }
		}
		LogicalLocations []struct{ Name, Kind string }
	}
	PartialFingerprints map[string]string
	Suppressions        []struct{ Kind, Status, Justification string }
}

func TestWriteSARIF(t *testing.T) {
	sch := sarifValidator(t)
	rules := check.Rules()
	data := write(t, sarifWriter{}, ciReport(t), Options{Rules: rules, ToolVersion: "v0.4.0"})
	if err := validateSARIF(sch, data); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v\n%s", err, data)
	}
	var doc sarifDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("$schema %q version %q runs %d", doc.Schema, doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	d := run.Tool.Driver
	if d.Name != "kubectl-dualstack" || d.InformationURI != "https://github.com/kubectl-dualstack/kubectl-dualstack" || d.Version != "v0.4.0" {
		t.Errorf("driver %q %q %q", d.Name, d.InformationURI, d.Version)
	}

	// Every rule of the registry, in order, described.
	if len(d.Rules) != len(rules) {
		t.Fatalf("%d rules, want the registry's %d", len(d.Rules), len(rules))
	}
	levels := map[check.Severity]string{check.Error: "error", check.Warning: "warning", check.Info: "note"}
	for i, r := range rules {
		got := d.Rules[i]
		if got.ID != r.ID || got.ShortDescription.Text != r.Title || !strings.Contains(got.FullDescription.Text, r.Reference) ||
			!strings.Contains(got.Help.Text, r.Fix) || got.Help.Markdown == "" ||
			got.DefaultConfiguration.Level != levels[r.Severity] || !slices.Equal(got.Properties.Tags, []string{string(r.Area)}) {
			t.Errorf("rule %d: %+v\nfrom %+v", i, got, r)
		}
		if got.Name == "" || strings.ContainsAny(got.Name, "- ") {
			t.Errorf("rule %s name %q", r.ID, got.Name)
		}
		// The rule's section of the documentation, in the release.
		doc := "https://github.com/kubectl-dualstack/kubectl-dualstack/blob/v0.4.0/docs/rules.md#" + r.ID
		if got.HelpURI != doc || !strings.Contains(got.Help.Text, "Rules: "+doc) || !strings.Contains(got.Help.Markdown, "See [the rules]("+doc+")") {
			t.Errorf("rule %s: helpUri %s, help %+v; want links to %s", r.ID, got.HelpURI, got.Help, doc)
		}
	}
	if got := d.Rules[0].Name; got != "ConfigFiles" {
		t.Errorf("rule name %q, want ConfigFiles", got)
	}

	// One result per failing finding, info included; passes and skips are
	// not results. The URIs are checked here, not only by the schema: the
	// validator's uri-reference format accepts a space, which is not valid
	// in a URI and must be percent-encoded.
	type want struct {
		rule, level, file, base string
		line, column            int
		fingerprint             string // occurrence suffix
	}
	wants := []want{
		{"apiserver-service-range-syntax", "error", "manifests/kube-apiserver.yaml", "%SRCROOT%", 12, 7, ":1"},
		{"apiserver-service-range-syntax", "error", "manifests/kube-apiserver.yaml", "%SRCROOT%", 12, 7, ":2"},
		{"kube-proxy-cluster-cidr", "error", "file:///etc/kubernetes/kube-proxy.yaml", "", 4, 0, ":1"},
		{"kubeadm-pod-subnet", "error", "cluster%20configs/kubeadm.yaml", "%SRCROOT%", 0, 0, ":1"},
		{"not-in-registry", "warning", "", "", 0, 0, ":1"},
		{"services-cluster-ip-in-range", "warning", "", "", 0, 0, ":1"},
		{"apiserver-service-range-syntax", "note", "manifests/kube-apiserver.yaml", "%SRCROOT%", 12, 7, ":3"},
		{"cluster-stack", "note", "", "", 0, 0, ":1"},
		{"pods-dual-stack-ips", "error", "", "", 0, 0, ":1"},
		{"services-prefer-dual-stack-single-family", "warning", "", "", 0, 0, ":1"},
	}
	if len(run.Results) != len(wants) {
		t.Fatalf("%d results, want %d:\n%s", len(run.Results), len(wants), data)
	}
	fingerprints := map[string]bool{}
	for i, w := range wants {
		res := run.Results[i]
		where := fmt.Sprintf("result %d (%s)", i, w.rule)
		if res.RuleID != w.rule || res.Level != w.level {
			t.Errorf("%s: rule %s level %s, want %s", where, res.RuleID, res.Level, w.level)
		}
		if idx := slices.IndexFunc(rules, func(r check.Rule) bool { return r.ID == w.rule }); idx < 0 {
			if res.RuleIndex != nil {
				t.Errorf("%s: ruleIndex %d for a rule not in the registry", where, *res.RuleIndex)
			}
		} else if res.RuleIndex == nil || *res.RuleIndex != idx || d.Rules[idx].ID != w.rule {
			t.Errorf("%s: ruleIndex %v, want %d", where, res.RuleIndex, idx)
		}
		if len(res.Locations) != 1 {
			t.Fatalf("%s: %d locations", where, len(res.Locations))
		}
		loc := res.Locations[0]
		if w.file == "" {
			// A live cluster's finding: the subject as a logical location.
			if loc.PhysicalLocation != nil || len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].Kind != "resource" ||
				!strings.HasPrefix(res.Message.Text, loc.LogicalLocations[0].Name+": ") {
				t.Errorf("%s: location %+v message %q", where, loc, res.Message.Text)
			}
		} else {
			pl := loc.PhysicalLocation
			if pl == nil || len(loc.LogicalLocations) != 0 || pl.ArtifactLocation.URI != w.file || pl.ArtifactLocation.URIBaseID != w.base {
				t.Fatalf("%s: location %+v", where, loc)
			}
			switch {
			case w.line == 0 && pl.Region != nil:
				t.Errorf("%s: region %+v without a line", where, pl.Region)
			case w.line > 0 && (pl.Region == nil || pl.Region.StartLine != w.line || pl.Region.StartColumn != w.column):
				t.Errorf("%s: region %+v, want %d:%d", where, pl.Region, w.line, w.column)
			}
		}
		fp := res.PartialFingerprints["primaryLocationLineHash"]
		if len(fp) != 32+len(w.fingerprint) || !strings.HasSuffix(fp, w.fingerprint) || fingerprints[fp] {
			t.Errorf("%s: fingerprint %q (want a new one ending %s)", where, fp, w.fingerprint)
		}
		fingerprints[fp] = true
	}
	if msg := run.Results[5].Message.Text; msg != "service/<dry run> & \"web\": clusterIP 10.0.0.5 lies in no service range\nof its family" {
		t.Errorf("message %q", msg)
	}

	// Exempt findings are results with an accepted suppression: in the
	// object itself for an annotation, external for a configured one.
	// The other results have none.
	for i, res := range run.Results[:8] {
		if res.Suppressions != nil {
			t.Errorf("result %d (%s): suppressions %+v", i, res.RuleID, res.Suppressions)
		}
	}
	for i, want := range []struct{ kind, justification string }{
		{"inSource", "legacy app <binds> 0.0.0.0 & nothing else"},
		{"external", "lab namespace (.kubectl-dualstack.yaml:7)"},
	} {
		sup := run.Results[8+i].Suppressions
		if len(sup) != 1 || sup[0].Kind != want.kind || sup[0].Status != "accepted" || sup[0].Justification != want.justification {
			t.Errorf("result %d: suppressions %+v, want %s accepted %q", 8+i, sup, want.kind, want.justification)
		}
	}
	if !strings.Contains(string(data), `"suppressions": [
            {
              "kind": "inSource",
              "status": "accepted",
              "justification": "legacy app <binds> 0.0.0.0 & nothing else"
            }
          ]`) {
		t.Errorf("the suppression's JSON:\n%s", data)
	}

	// The fingerprint ignores what moves or changes within one problem:
	// line, column, message, severity.
	a := ciFinding(t, "kube-proxy-cluster-cidr", check.Fail, check.Error, "kube-proxy clusterCIDR", "one", check.Setting{File: "kube-proxy.yaml", Line: 4})
	b := a
	b.Line, b.Column, b.Message, b.Severity = 40, 3, "two", check.Warning
	c := a
	c.Subject = "kube-proxy bindAddress"
	if sarifFingerprint(a) != sarifFingerprint(b) || sarifFingerprint(a) == sarifFingerprint(c) {
		t.Errorf("fingerprints %s %s %s", sarifFingerprint(a), sarifFingerprint(b), sarifFingerprint(c))
	}

	// Skips are notifications; the run succeeded.
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful {
		t.Fatalf("invocations %+v", run.Invocations)
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	podsIdx := slices.IndexFunc(rules, func(r check.Rule) bool { return r.ID == "pods-dual-stack-ips" })
	if len(notes) != 1 || notes[0].Level != "note" || notes[0].AssociatedRule.ID != "pods-dual-stack-ips" ||
		notes[0].AssociatedRule.Index == nil || *notes[0].AssociatedRule.Index != podsIdx ||
		notes[0].Message.Text != "pods-dual-stack-ips skipped for pods: listing pods failed: forbidden" {
		t.Errorf("notifications %+v", notes)
	}
}

// An audit that found nothing, without a registry or a version, is still a
// valid log with an empty results array (a scan that found nothing, not a
// log without a scan).
func TestWriteSARIFEmpty(t *testing.T) {
	data := write(t, sarifWriter{}, New(nil), Options{})
	if err := validateSARIF(sarifValidator(t), data); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	run := doc["runs"].([]any)[0].(map[string]any)
	if results, ok := run["results"].([]any); !ok || len(results) != 0 {
		t.Errorf("results %v, want []", run["results"])
	}
	if _, ok := run["tool"].(map[string]any)["driver"].(map[string]any)["version"]; ok {
		t.Errorf("an empty version is left out:\n%s", data)
	}
}

// The schema check has teeth: the writer's output, altered in ways the
// schema forbids, is rejected.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := sarifValidator(t)
	data := write(t, sarifWriter{}, ciReport(t), Options{Rules: check.Rules(), ToolVersion: "v0.4.0"})
	for name, mutate := range map[string]func(run map[string]any){
		"level fatal": func(run map[string]any) {
			run["results"].([]any)[0].(map[string]any)["level"] = "fatal"
		},
		"rule level fatal": func(run map[string]any) {
			rules := run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
			rules[0].(map[string]any)["defaultConfiguration"].(map[string]any)["level"] = "fatal"
		},
		"line 0": func(run map[string]any) {
			loc := run["results"].([]any)[0].(map[string]any)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
		},
		"helpUri not a URI": func(run map[string]any) {
			rules := run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
			rules[1].(map[string]any)["helpUri"] = "the rules table"
		},
		"no executionSuccessful": func(run map[string]any) {
			delete(run["invocations"].([]any)[0].(map[string]any), "executionSuccessful")
		},
		"suppression kind annotation": func(run map[string]any) {
			results := run["results"].([]any)
			sup := results[len(results)-1].(map[string]any)["suppressions"].([]any)[0].(map[string]any)
			sup["kind"] = "annotation"
		},
		"suppression status approved": func(run map[string]any) {
			results := run["results"].([]any)
			sup := results[len(results)-1].(map[string]any)["suppressions"].([]any)[0].(map[string]any)
			sup["status"] = "approved"
		},
		"no driver name": func(run map[string]any) {
			delete(run["tool"].(map[string]any)["driver"].(map[string]any), "name")
		},
	} {
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		mutate(doc["runs"].([]any)[0].(map[string]any))
		mutated, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateSARIF(sch, mutated); err == nil {
			t.Errorf("%s: accepted by the schema", name)
		}
	}
}

// helpUri is the rule's documentation, in the release that wrote the log,
// else on main.
func TestRuleDocURI(t *testing.T) {
	const blob = "https://github.com/kubectl-dualstack/kubectl-dualstack/blob/"
	for version, ref := range map[string]string{
		"v0.4.0":                               "v0.4.0",
		"v1.0.0-rc.1":                          "v1.0.0-rc.1",
		"v1.0.0-beta":                          "v1.0.0-beta",
		"v0.4.0-3-gabc1234":                    "main", // git describe between tags
		"v0.4.0-dirty":                         "main",
		"v1.0.0-rc.1-3-gabc1234-dirty":         "main",
		"v0.0.0-20260101120000-abcdef123456":   "main", // Go pseudo-version
		"v0.4.1-0.20260101120000-abc123+dirty": "main", // Go, modified tree
		"abc1234":                              "main", // git describe --always, no tag
		"0.4.0":                                "main",
		"dev":                                  "main",
		"":                                     "main",
	} {
		if got, want := ruleDocURI("cluster-stack", version), blob+ref+"/docs/rules.md#cluster-stack"; got != want {
			t.Errorf("version %q: %s, want %s", version, got, want)
		}
	}
}

// The help links the first upstream source file a reference names, at the
// version the references were read in; never something outside the
// kubernetes tree.
func TestSARIFHelpSourceLink(t *testing.T) {
	const k8s = "https://github.com/kubernetes/kubernetes/blob/v1.37.0/"
	for reference, source := range map[string]string{
		"cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags":                 "cmd/kube-apiserver/app/options/validation.go",
		"kubernetes PR #79386 (v1.16); cmd/kube-apiserver/app/options/options.go, pkg/a/b.go": "cmd/kube-apiserver/app/options/options.go",
		"staging/src/k8s.io/component-helpers/node/util/ips.go ParseNodeIPArgument":           "staging/src/k8s.io/component-helpers/node/util/ips.go",
		"KEP-563": "",
		"k8s.io/utils/net GetIndexedIP; dual-stack.md": "",
	} {
		rule := sarifRuleOf(check.Rule{ID: "a-rule", Title: "t", Reference: reference}, "v0.4.0")
		want := "See [the rules](" + rule.HelpURI + ")"
		if source != "" {
			want += " and [the source](" + k8s + source + ")"
		}
		if !strings.HasSuffix(rule.Help.Markdown, "\n\n"+want+".") || rule.HelpURI != ruleDocURI("a-rule", "v0.4.0") {
			t.Errorf("reference %q: helpUri %s, markdown %q; want it to end %q", reference, rule.HelpURI, rule.Help.Markdown, want+".")
		}
	}
}

func TestCamelCase(t *testing.T) {
	for id, want := range map[string]string{
		"apiserver-service-range-syntax": "ApiserverServiceRangeSyntax",
		"kube-proxy-cluster-cidr":        "KubeProxyClusterCidr",
		"config-files":                   "ConfigFiles",
		"x":                              "X",
	} {
		if got := camelCase(id); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", id, got, want)
		}
	}
}
