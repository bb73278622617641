package check

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// countingRule fails once per pod named "bad".
func countingRule(id string, needs ...string) Rule {
	return Rule{ID: id, Area: "pods", Severity: Warning, Needs: needs,
		CheckPod: func(_ *Facts, pod *corev1.Pod, r *Reporter) {
			if pod.Name == "bad" {
				r.Fail("pod/"+pod.Name, Setting{}, "bad pod")
			}
		}}
}

func TestRunStreamsPodsOnceAndSelects(t *testing.T) {
	visits := 0
	f := &Facts{Pods: func(visit func(*corev1.Pod) error) error {
		visits++
		for _, name := range []string{"good", "bad"} {
			if err := visit(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
				return err
			}
		}
		return nil
	}}
	f.MarkUnavailable(SourceKubeProxy, "forbidden")
	rules := []Rule{countingRule("a"), countingRule("b"), countingRule("c", SourceKubeProxy), countingRule("d")}
	findings, err := Run(f, rules, Options{Skip: []string{"d"}})
	if err != nil {
		t.Fatal(err)
	}
	if visits != 1 {
		t.Errorf("pods listed %d times, want once for all pod rules", visits)
	}
	var got []string
	for _, fd := range findings {
		got = append(got, fd.ID+":"+string(fd.Result))
	}
	if want := []string{"a:fail", "b:fail", "c:skip"}; !reflect.DeepEqual(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	if findings[2].Message != SourceKubeProxy+": forbidden" {
		t.Errorf("skip reason %q", findings[2].Message)
	}
	only, _ := Run(f, rules, Options{Only: []string{"b"}})
	if len(only) != 1 || only[0].ID != "b" {
		t.Errorf("--only b gave %v", only)
	}
}

func TestReport(t *testing.T) {
	r := NewReport([]Finding{
		{ID: "p", Area: "nodes", Severity: Error, Result: Pass, Message: "ok"},
		{ID: "w", Area: "pods", Severity: Warning, Result: Fail, Subject: "pod/x", Message: "m", Fix: "do y"},
		{ID: "s", Area: "kubelet", Severity: Error, Result: Skip, Message: "forbidden"},
		{ID: "e", Area: "apiserver", Severity: Error, Result: Fail, Subject: "flag", Message: "bad\nrange", Source: "pod kube-system/a, arg --x"},
	})
	if want := (Summary{Error: 1, Warning: 1, Pass: 1, Skip: 1}); r.Summary != want {
		t.Errorf("summary %+v, want %+v", r.Summary, want)
	}
	if r.Findings[0].ID != "e" || r.Findings[1].ID != "w" {
		t.Errorf("failures should come first, errors before warnings: %v", r.Findings)
	}
	for threshold, want := range map[string]bool{"error": true, "warning": true, "never": false} {
		if r.Failing(threshold) != want {
			t.Errorf("Failing(%s) = %v", threshold, !want)
		}
	}
	if NewReport([]Finding{{Severity: Warning, Result: Fail}}).Failing("error") {
		t.Error("a warning fails --fail-on=error")
	}

	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var contract struct {
		Summary  map[string]int               `json:"summary"`
		Findings []map[string]json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(js.Bytes(), &contract); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"error", "warning", "info", "pass", "skip"} {
		if _, ok := contract.Summary[key]; !ok {
			t.Errorf("summary lacks %q", key)
		}
	}
	for _, key := range []string{"id", "title", "severity", "result", "subject", "source", "message", "reference"} {
		if _, ok := contract.Findings[0][key]; !ok {
			t.Errorf("finding lacks %q", key)
		}
	}

	var text bytes.Buffer
	if err := r.WriteText(&text, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing space in %q", line)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour without Color")
	}
	if strings.Contains(out, "PASS   nodes") || !strings.Contains(out, "bad range") || !strings.HasSuffix(out, "FAIL: 1 error(s), 1 warning(s), 0 info, 1 passed, 1 skipped\n") {
		t.Errorf("text report:\n%s", out)
	}
	if !strings.Contains(out, "  source: pod kube-system/a, arg --x") || !strings.Contains(out, "  fix:    do y") {
		t.Errorf("details missing:\n%s", out)
	}
	if !regexp.MustCompile(`\nSkipped .*\n  \S.*\n    [a-z-]+\n`).MatchString(out) {
		t.Errorf("skips not grouped by reason after the table:\n%s", out)
	}
	text.Reset()
	_ = r.WriteText(&text, TextOptions{Color: true})
	if !strings.Contains(text.String(), "\x1b[31m") {
		t.Error("no red for errors with Color")
	}
}
