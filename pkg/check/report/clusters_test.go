package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"slices"
	"strings"
	"testing"
)

// fleetClusters are three clusters of a run: one audited, one whose
// context name holds controls, one that could not be audited.
func fleetClusters(t *testing.T) []Cluster {
	return []Cluster{
		{Context: "dual", Server: "https://127.0.0.1:6443", Report: ciReport(t)},
		{Context: "evil\x1b[31m\u0085", Server: "https://127.0.0.1:6444", Report: smallReport()},
		{Context: "dead", Server: "https://127.0.0.1:1", Error: "the server https://127.0.0.1:1 did not answer within 5s (--request-timeout)"},
	}
}

// writeClusters streams clusters through w as a fleet run does.
func writeClusters(t *testing.T, w ClustersWriter, clusters []Cluster) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := w.Begin(&b); err != nil {
		t.Fatal(err)
	}
	for _, c := range clusters {
		if err := w.Cluster(&b, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Streamed one cluster at a time, the JSON and YAML documents are the
// bytes the whole document would have been: {"clusters": [...]}.
func TestClustersStreamedAsWhole(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		clusters := fleetClusters(t)[:n]
		whole := struct {
			Clusters []Cluster `json:"clusters"`
		}{clusters}
		for _, tt := range []struct {
			name   string
			writer ClustersWriter
			encode func(*bytes.Buffer, any) error
		}{
			{"json", ClustersJSON(), func(b *bytes.Buffer, v any) error { return WriteJSON(b, v) }},
			{"yaml", ClustersYAML(), func(b *bytes.Buffer, v any) error { return WriteYAML(b, v) }},
		} {
			got := writeClusters(t, tt.writer, clusters)
			var want bytes.Buffer
			if err := tt.encode(&want, whole); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s, %d clusters: streamed\n%s\nwant\n%s", tt.name, n, got, want.Bytes())
			}
		}
	}
}

// The JSON document's shape: context, server, and report or error.
func TestClustersJSONShape(t *testing.T) {
	data := writeClusters(t, ClustersJSON(), fleetClusters(t))
	if bytes.Contains(data, []byte("\x1b")) || bytes.Contains(data, []byte("\u0085")) {
		t.Errorf("raw controls in the JSON:\n%q", data)
	}
	var doc struct {
		Clusters []map[string]json.RawMessage `json:"clusters"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if len(doc.Clusters) != 3 {
		t.Fatalf("%d clusters, want 3", len(doc.Clusters))
	}
	for i, want := range []string{"context report server", "context report server", "context error server"} {
		var keys []string
		for k := range doc.Clusters[i] {
			keys = append(keys, k)
		}
		if got := strings.Join(slices.Sorted(slices.Values(keys)), " "); got != want {
			t.Errorf("cluster %d: keys %q, want %q", i, got, want)
		}
	}
	var r Report
	if err := json.Unmarshal(doc.Clusters[0]["report"], &r); err != nil || r.Summary != ciReport(t).Summary {
		t.Errorf("the first report's summary %+v (%v), want %+v", r.Summary, err, ciReport(t).Summary)
	}
}

// JUnit: each cluster's suites, named after its context; a cluster that
// could not be audited is a suite with one <error>. Valid junit-10.
func TestClustersJUnit(t *testing.T) {
	w, ok := ClustersFormat("junit", Options{})
	if !ok {
		t.Fatal("no junit writer for several clusters")
	}
	data := writeClusters(t, w, fleetClusters(t))
	if err := validateJUnit10(data); err != nil {
		t.Fatalf("not valid against junit-10.xsd: %v\n%s", err, data)
	}
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	one := write(t, junitWriter{}, ciReport(t), Options{})
	var single junitDoc
	if err := xml.Unmarshal(one, &single); err != nil {
		t.Fatal(err)
	}
	two := write(t, junitWriter{}, smallReport(), Options{})
	var second junitDoc
	if err := xml.Unmarshal(two, &second); err != nil {
		t.Fatal(err)
	}
	if want := len(single.Suites) + len(second.Suites) + 1; len(doc.Suites) != want {
		t.Fatalf("%d suites, want %d", len(doc.Suites), want)
	}
	for i, s := range single.Suites {
		got := doc.Suites[i]
		if got.Name != "dual/"+s.Name || got.Tests != s.Tests || got.Failures != s.Failures {
			t.Errorf("suite %d: %q %d/%d, want %q %d/%d", i, got.Name, got.Tests, got.Failures, "dual/"+s.Name, s.Tests, s.Failures)
		}
		for j, c := range got.Cases {
			if c.Classname != "dual."+s.Cases[j].Classname {
				t.Errorf("suite %d case %d: classname %q", i, j, c.Classname)
			}
		}
	}
	evil := doc.Suites[len(single.Suites)]
	if !strings.HasPrefix(evil.Name, "evil^[[31m") {
		t.Errorf("a context's controls are escaped in the suite name: %q", evil.Name)
	}
	dead := doc.Suites[len(doc.Suites)-1]
	if dead.Name != "dead" || dead.Errors != 1 || dead.Tests != 1 || len(dead.Cases) != 1 || !strings.Contains(string(data), "<error message=\"the server https://127.0.0.1:1 did not answer") {
		t.Errorf("the dead cluster's suite %+v\n%s", dead, data)
	}
}

// SARIF: one run per cluster, the context in its properties; a cluster
// that could not be audited is a run whose invocation failed. Valid SARIF.
func TestClustersSARIF(t *testing.T) {
	w, ok := ClustersFormat("sarif", Options{ToolVersion: "v0.4.0"})
	if !ok {
		t.Fatal("no sarif writer for several clusters")
	}
	data := writeClusters(t, w, fleetClusters(t))
	if err := validateSARIF(sarifValidator(t), data); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v\n%s", err, data)
	}
	var doc struct {
		Runs []struct {
			Properties  map[string]string `json:"properties"`
			Results     []json.RawMessage `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				Notifications       []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 3 {
		t.Fatalf("%d runs, want 3", len(doc.Runs))
	}
	var single struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(write(t, sarifWriter{}, ciReport(t), Options{}), &single); err != nil {
		t.Fatal(err)
	}
	for i, want := range fleetClusters(t) {
		run := doc.Runs[i]
		if run.Properties["context"] != want.Context || run.Properties["server"] != want.Server {
			t.Errorf("run %d: properties %q", i, run.Properties)
		}
		if ok := want.Error == ""; run.Invocations[0].ExecutionSuccessful != ok {
			t.Errorf("run %d: executionSuccessful %v, want %v", i, !ok, ok)
		}
	}
	if len(doc.Runs[0].Results) != len(single.Runs[0].Results) {
		t.Errorf("the first run has %d results, the report alone %d", len(doc.Runs[0].Results), len(single.Runs[0].Results))
	}
	dead := doc.Runs[2].Invocations[0].Notifications
	if len(dead) != 1 || dead[0].Level != "error" || !strings.Contains(dead[0].Message.Text, "did not answer") {
		t.Errorf("the dead cluster's notification %+v", dead)
	}
}

// text has no document writer: the command writes sections and a matrix.
func TestClustersFormatText(t *testing.T) {
	if _, ok := ClustersFormat("text", Options{}); ok {
		t.Error("text got a document writer")
	}
	for _, f := range Formats() {
		if _, ok := ClustersFormat(f.Name, Options{}); !ok && f.Name != "text" {
			t.Errorf("-o %s has no writer for several clusters", f.Name)
		}
	}
}
