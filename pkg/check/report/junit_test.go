package report

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// What a JUnit reader sees, parsed independently of the writer's types.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Cases    []junitCase `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitCase struct {
	Classname string `xml:"classname,attr"`
	Name      string `xml:"name,attr"`
	Failures  []struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Skipped []struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"skipped"`
	SystemOut string `xml:"system-out"`
}

func TestWriteJUnit(t *testing.T) {
	data := write(t, junitWriter{}, ciReport(t), Options{})
	out := string(data)
	if !strings.HasPrefix(out, xml.Header) {
		t.Errorf("no XML declaration:\n%s", out)
	}
	if err := validateJUnit10(data); err != nil {
		t.Errorf("not valid against junit-10.xsd: %v\n%s", err, out)
	}
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	// Suites by area in report order (failures first); one testcase per
	// rule and subject: the two errors and the info about the apiserver's
	// flag are one failing case.
	var suites []string
	for _, s := range doc.Suites {
		suites = append(suites, fmt.Sprintf("%s %d/%d/%d/%d", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped))
	}
	want := []string{"apiserver 1/1/0/0", "kube-proxy 1/1/0/0", "kubeadm 1/1/0/0", "other 1/1/0/0",
		"services 2/1/0/1", "cluster 1/0/0/0", "pods 2/0/0/2", "nodes 1/0/0/0"}
	if !slices.Equal(suites, want) {
		t.Errorf("suites (tests/failures/errors/skipped)\n got %q\nwant %q", suites, want)
	}
	if doc.Name != "kubectl-dualstack check" || doc.Tests != 10 || doc.Failures != 5 || doc.Errors != 0 {
		t.Errorf("testsuites %q tests %d failures %d errors %d, want 10 5 0", doc.Name, doc.Tests, doc.Failures, doc.Errors)
	}
	// The counts agree with the cases, suite by suite.
	for _, s := range doc.Suites {
		var failures, skipped int
		for _, c := range s.Cases {
			failures += min(len(c.Failures), 1)
			skipped += min(len(c.Skipped), 1)
		}
		if s.Tests != len(s.Cases) || s.Failures != failures || s.Skipped != skipped {
			t.Errorf("suite %s counts %d/%d/%d, cases say %d/%d/%d", s.Name, s.Tests, s.Failures, s.Skipped, len(s.Cases), failures, skipped)
		}
	}

	api := doc.Suites[0].Cases[0]
	if api.Classname != "apiserver.apiserver-service-range-syntax" || api.Name != ciAPISubject {
		t.Errorf("apiserver case %q %q", api.Classname, api.Name)
	}
	if len(api.Failures) != 1 {
		t.Fatalf("apiserver case: %d failures, want 1", len(api.Failures))
	}
	fail := api.Failures[0]
	api2 := ciFinding(t, "apiserver-service-range-syntax", check.Fail, check.Error, "", "", check.Setting{})
	if fail.Type != "error" || !strings.HasPrefix(fail.Message, "--service-cluster-ip-range must not contain more than two entries") ||
		!strings.HasSuffix(fail.Message, "(and 1 more)") {
		t.Errorf("failure type %q message %q", fail.Type, fail.Message)
	}
	for _, s := range []string{
		"error: --service-cluster-ip-range must not contain",
		"error: service-cluster-ip-range[1] is not an ip net (\"fd00::/1080\")",
		"source:    manifests/kube-apiserver.yaml:12:7",
		"fix:       " + api2.Fix,
		"reference: " + api2.Reference,
	} {
		if !strings.Contains(fail.Text, s) {
			t.Errorf("failure text lacks %q:\n%s", s, fail.Text)
		}
	}
	if strings.Contains(fail.Text, "is read as") || !strings.Contains(api.SystemOut, "info: service-cluster-ip-range[0] \"10.96.0.1/16\" is read as") {
		t.Errorf("the info goes to system-out, not the failure:\nfailure: %s\nsystem-out: %s", fail.Text, api.SystemOut)
	}

	byClass := map[string]int{}
	for i, s := range doc.Suites {
		byClass[s.Cases[0].Classname] = i
	}
	// The case of one rule about one subject.
	caseOf := func(class, name string) (c junitCase) {
		for _, s := range doc.Suites {
			for _, c := range s.Cases {
				if c.Classname == class && c.Name == name {
					return c
				}
			}
		}
		t.Errorf("no testcase %s %q", class, name)
		return c
	}
	svc := doc.Suites[byClass["services.services-cluster-ip-in-range"]].Cases[0]
	if svc.Name != `service/<dry run> & "web"` || len(svc.Failures) != 1 || svc.Failures[0].Type != "warning" ||
		svc.Failures[0].Message != "clusterIP 10.0.0.5 lies in no service range of its family" ||
		!strings.Contains(svc.Failures[0].Text, "lies in no service range\nof its family\n  source:    Service default/web") {
		t.Errorf("live warning case: %+v", svc)
	}
	proxy := doc.Suites[byClass["kube-proxy.kube-proxy-cluster-cidr"]].Cases[0]
	if len(proxy.Failures) != 1 || !strings.Contains(proxy.Failures[0].Text, "source:    /etc/kubernetes/kube-proxy.yaml:4\n") {
		t.Errorf("file without column: %+v", proxy)
	}
	cluster := doc.Suites[byClass["cluster.cluster-stack"]].Cases[0]
	if len(cluster.Failures)+len(cluster.Skipped) != 0 || !strings.HasPrefix(cluster.SystemOut, "info: the cluster is single-stack IPv4\n  source:    kube-apiserver flags") {
		t.Errorf("an info alone passes, with system-out: %+v", cluster)
	}
	pods := caseOf("pods.pods-dual-stack-ips", "pods")
	if len(pods.Skipped) != 1 || pods.Skipped[0].Message != "listing pods failed: forbidden" || len(pods.Failures) != 0 {
		t.Errorf("skip case: %+v", pods)
	}
	// Exempt findings are skipped, saying why, the finding as the text.
	legacy := caseOf("pods.pods-dual-stack-ips", "pod/shop/legacy status.podIPs")
	if len(legacy.Failures) != 0 || len(legacy.Skipped) != 1 || legacy.Skipped[0].Message != "exempt: legacy app <binds> 0.0.0.0 & nothing else" ||
		!strings.HasPrefix(legacy.Skipped[0].Text, "exempt error: only an IPv4 address (10.244.1.5) on dual-stack node node-1\n  source:    API object pod/shop/legacy") ||
		legacy.SystemOut != "" {
		t.Errorf("exempt case: %+v", legacy)
	}
	db := caseOf("services.services-prefer-dual-stack-single-family", "service/lab/db spec.ipFamilies")
	if len(db.Failures) != 0 || len(db.Skipped) != 1 || db.Skipped[0].Message != "exempt: lab namespace (.kubectl-dualstack.yaml:7)" ||
		!strings.HasPrefix(db.Skipped[0].Text, "exempt warning: ipFamilyPolicy PreferDualStack") {
		t.Errorf("exempt case: %+v", db)
	}
	nodes := doc.Suites[byClass["nodes.nodes-pod-cidrs-valid"]].Cases[0]
	if nodes.Name != "nodes" || len(nodes.Failures)+len(nodes.Skipped) != 0 || nodes.SystemOut != "" {
		t.Errorf("pass case: %+v", nodes)
	}
	if _, ok := byClass["other.not-in-registry"]; !ok {
		t.Errorf("a finding without an area goes to suite other: %v", byClass)
	}
}

func TestWriteJUnitEmpty(t *testing.T) {
	data := write(t, junitWriter{}, New(nil), Options{})
	if err := validateJUnit10(data); err != nil {
		t.Errorf("%v\n%s", err, data)
	}
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.Tests != 0 || doc.Failures != 0 || len(doc.Suites) != 0 {
		t.Errorf("empty report: %v %+v\n%s", err, doc, data)
	}
}

// validateJUnit10 checks the constraints of junit-10.xsd from the Jenkins
// xunit plugin (jenkinsci/xunit-plugin, src/main/resources/org/jenkinsci/
// plugins/xunit/types/model/xsd/junit-10.xsd; Go has no XSD validator):
// which elements may appear where, the required and the permitted
// attributes (the XSD admits no others), time values of its SUREFIRE_TIME
// type, and failure, error and skipped holding text only. It also checks
// what the XSD leaves as xs:string but readers parse as numbers (the
// counts), and the order Maven surefire's stricter schema wants (a
// testcase's failure or skipped before its system-out).
func validateJUnit10(data []byte) error {
	var root xmlNode
	if err := xml.Unmarshal(data, &root); err != nil {
		return err
	}
	if root.XMLName.Local != "testsuites" {
		return fmt.Errorf("root element %s, want testsuites", root.XMLName.Local)
	}
	return root.validate("testsuites")
}

type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []xmlNode  `xml:",any"`
}

type junitElement struct {
	required, optional, children []string
	textOnly                     bool
}

var (
	junitMessageElement = junitElement{optional: []string{"type", "message"}, textOnly: true}
	junit10             = map[string]junitElement{
		"testsuites": {optional: []string{"name", "time", "tests", "failures", "errors"}, children: []string{"testsuite"}},
		"testsuite": {
			required: []string{"name", "tests", "failures", "errors"},
			optional: []string{"group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"},
			children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"},
		},
		"testcase": {
			required: []string{"name"},
			optional: []string{"time", "classname", "group"},
			children: []string{"skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out", "system-err"},
		},
		"failure":    junitMessageElement,
		"error":      junitMessageElement,
		"skipped":    junitMessageElement,
		"system-out": {textOnly: true},
		"system-err": {textOnly: true},
	}
	surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)
)

func (n xmlNode) validate(path string) error {
	el, ok := junit10[n.XMLName.Local]
	if !ok {
		return fmt.Errorf("%s: element not checked here", path)
	}
	seen := map[string]bool{}
	for _, a := range n.Attrs {
		name := a.Name.Local
		if a.Name.Space != "" || (!slices.Contains(el.required, name) && !slices.Contains(el.optional, name)) {
			return fmt.Errorf("%s: attribute %s not in the schema", path, name)
		}
		seen[name] = true
		switch name {
		case "time":
			if !surefireTime.MatchString(a.Value) {
				return fmt.Errorf("%s: time %q", path, a.Value)
			}
		case "tests", "failures", "errors", "skipped":
			if v, err := strconv.Atoi(a.Value); err != nil || v < 0 {
				return fmt.Errorf("%s: %s %q is no count", path, name, a.Value)
			}
		}
	}
	for _, name := range el.required {
		if !seen[name] {
			return fmt.Errorf("%s: required attribute %s missing", path, name)
		}
	}
	if el.textOnly && len(n.Children) > 0 {
		return fmt.Errorf("%s: element %s in text-only content", path, n.Children[0].XMLName.Local)
	}
	outputSeen := false
	for i, c := range n.Children {
		name := c.XMLName.Local
		if !slices.Contains(el.children, name) {
			return fmt.Errorf("%s: %s not allowed here", path, name)
		}
		if n.XMLName.Local == "testcase" {
			output := name == "system-out" || name == "system-err"
			if outputSeen && !output {
				return fmt.Errorf("%s: %s after system-out", path, name)
			}
			outputSeen = outputSeen || output
		}
		if err := c.validate(fmt.Sprintf("%s/%s[%d]", path, name, i)); err != nil {
			return err
		}
	}
	return nil
}

// The checker itself rejects what the schema rejects.
func TestValidateJUnit10(t *testing.T) {
	for _, bad := range []string{
		`<testsuite name="a" tests="0" failures="0" errors="0"/>`,
		`<testsuites skipped="1"/>`,
		`<testsuites><testsuite name="a" tests="1" failures="0"/></testsuites>`,
		`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase classname="x"/></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" file="f"/></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x"><failure><b/></failure></testcase></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x"><system-out/><failure/></testcase></testsuite></testsuites>`,
		`<testsuites><testsuite name="a" tests="one" failures="0" errors="0"/></testsuites>`,
		`<testsuites time="1s"/>`,
		`<testsuites><testcase name="x"/></testsuites>`,
	} {
		if err := validateJUnit10([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	good := `<testsuites><testsuite name="a" tests="1" failures="1" errors="0" skipped="0" time="0.5">` +
		`<testcase name="x" classname="a.b" time="0"><failure type="error" message="m">text</failure><system-out>o</system-out></testcase>` +
		`</testsuite></testsuites>`
	if err := validateJUnit10([]byte(good)); err != nil {
		t.Errorf("rejected valid JUnit: %v", err)
	}
}
