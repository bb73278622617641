package check

import (
	"errors"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// countingRule fails once per pod named "bad".
func countingRule(id string, needs ...Source) Rule {
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
	if findings[2].Message != string(SourceKubeProxy)+": forbidden" {
		t.Errorf("skip reason %q", findings[2].Message)
	}
	only, _ := Run(f, rules, Options{Only: []string{"b"}})
	if len(only) != 1 || only[0].ID != "b" {
		t.Errorf("--only b gave %v", only)
	}
}

// A pod stream that cannot be read makes the pod rules skip; one that
// fails otherwise (the server lost mid-list) ends the run with its error.
func TestRunPodStreamErrors(t *testing.T) {
	lost := errors.New("unexpected EOF")
	for _, tc := range []struct {
		name     string
		err      error
		wantErr  error
		wantSkip string
	}{
		{"forbidden", UnavailableError{Err: errors.New(`pods is forbidden`)}, nil, "listing pods failed: pods is forbidden"},
		{"lost", lost, lost, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &Facts{Pods: func(func(*corev1.Pod) error) error { return tc.err }}
			findings, err := Run(f, []Rule{countingRule("a", SourcePods)}, Options{})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if tc.wantSkip != "" && (len(findings) != 1 || findings[0].Result != Skip || findings[0].Message != tc.wantSkip) {
				t.Errorf("findings %+v, want one skip %q", findings, tc.wantSkip)
			}
		})
	}
}

// A rule's scopes are asked in order; the first that holds nothing
// decides, passing or skipping the rule without running it.
func TestRunScopesInOrder(t *testing.T) {
	holds := func(why string, skip bool, then *Scope) *Scope {
		return &Scope{Empty: func(*Facts) string { return why }, Skip: skip, Then: then}
	}
	ran := false
	rule := func(scope *Scope) Rule {
		return Rule{ID: "x", Area: "cni", Severity: Error, Scope: scope, Check: func(*Facts, *Reporter) { ran = true }}
	}
	cases := []struct {
		name       string
		scope      *Scope
		want       Result
		wantRan    bool
		wantReason string
	}{
		{"both hold", holds("", false, holds("", true, nil)), Pass, true, "ok"},
		{"first empty passes", holds("no plugin", false, holds("unknown", true, nil)), Pass, false, "no plugin: nothing to check"},
		{"then empty skips", holds("", false, holds("families unknown", true, nil)), Skip, false, "families unknown"},
	}
	for _, c := range cases {
		ran = false
		findings, err := Run(&Facts{}, []Rule{rule(c.scope)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(findings) != 1 || findings[0].Result != c.want || findings[0].Message != c.wantReason || ran != c.wantRan {
			t.Errorf("%s: findings %+v, ran %v; want %s %q, ran %v", c.name, findings, ran, c.want, c.wantReason, c.wantRan)
		}
	}
}
