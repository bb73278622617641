package check

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Severity of a rule's failures.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Result of one finding.
type Result string

const (
	Pass Result = "pass"
	Fail Result = "fail"
	Skip Result = "skip"
)

// Rule is one check, a plain value in the registry (Rules). Its ID is
// stable: CI configurations name it in --only and --skip.
type Rule struct {
	ID       string
	Area     string // apiserver, controller-manager, kube-proxy, kubelet, kubeadm, services, nodes, pods, cluster
	Title    string
	Severity Severity
	// Reference is the KEP section or upstream source (RULES.md) the rule
	// comes from.
	Reference string
	Fix       string
	// Needs lists the Source* facts the rule reads; when one is
	// unavailable the rule is skipped with the reason.
	Needs []string
	// Check inspects the whole cluster.
	Check func(f *Facts, r *Reporter)
	// CheckPod inspects one pod; pods are streamed once for all rules.
	CheckPod func(f *Facts, pod *corev1.Pod, r *Reporter)
}

// Finding is one result of one rule about one subject.
type Finding struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Severity  Severity `json:"severity"`
	Result    Result   `json:"result"`
	Area      string   `json:"area"`
	Subject   string   `json:"subject"` // the object, flag or field concerned
	Source    string   `json:"source"`  // where the value was read
	Message   string   `json:"message"`
	Reference string   `json:"reference"`
	Fix       string   `json:"fix,omitempty"`
	File      string   `json:"file,omitempty"`
	Line      int      `json:"line,omitempty"`
	Column    int      `json:"column,omitempty"`
}

// Reporter collects one rule's findings.
type Reporter struct {
	rule     *Rule
	findings []Finding
}

func (r *Reporter) add(result Result, sev Severity, subject string, at Setting, format string, args ...any) {
	r.findings = append(r.findings, Finding{
		ID: r.rule.ID, Title: r.rule.Title, Severity: sev, Result: result, Area: r.rule.Area,
		Subject: subject, Source: at.Source, Message: fmt.Sprintf(format, args...),
		Reference: r.rule.Reference, Fix: r.rule.Fix, File: at.File, Line: at.Line, Column: at.Column,
	})
}

// Fail reports a violation about subject, read at `at` (its Source, and
// file position when from a file).
func (r *Reporter) Fail(subject string, at Setting, format string, args ...any) {
	r.add(Fail, r.rule.Severity, subject, at, format, args...)
}

// FailWith is Fail with a severity other than the rule's (an info about a
// cluster that is single-stack on purpose, say).
func (r *Reporter) FailWith(sev Severity, subject string, at Setting, format string, args ...any) {
	r.add(Fail, sev, subject, at, format, args...)
}

// Skip reports that subject could not be checked, and why.
func (r *Reporter) Skip(subject, reason string) {
	r.add(Skip, r.rule.Severity, subject, Setting{}, "%s", reason)
}

// Pass reports an explicit success with a message (most rules let the
// engine report their pass).
func (r *Reporter) Pass(subject string, at Setting, format string, args ...any) {
	r.add(Pass, r.rule.Severity, subject, at, format, args...)
}

// Options select and tune a run.
type Options struct {
	Only, Skip []string // rule IDs
}

// Run applies rules to facts: whole-cluster checks first, then one
// streamed pass over the pods for every pod rule. A rule with no failure
// and no skip yields one pass finding.
func Run(f *Facts, rules []Rule, opts Options) ([]Finding, error) {
	var selected []*Rule
	for i := range rules {
		id := rules[i].ID
		if (len(opts.Only) > 0 && !slices.Contains(opts.Only, id)) || slices.Contains(opts.Skip, id) {
			continue
		}
		selected = append(selected, &rules[i])
	}
	reporters := make([]*Reporter, len(selected))
	var podRules []int
	for i, rule := range selected {
		r := &Reporter{rule: rule}
		reporters[i] = r
		if reason := missing(f, rule.Needs); reason != "" {
			r.Skip(rule.Area, reason)
			continue
		}
		if rule.Check != nil {
			rule.Check(f, r)
		}
		if rule.CheckPod != nil {
			podRules = append(podRules, i)
		}
	}
	if len(podRules) > 0 && f.Pods != nil {
		err := f.Pods(func(pod *corev1.Pod) error {
			for _, i := range podRules {
				selected[i].CheckPod(f, pod, reporters[i])
			}
			return nil
		})
		if err != nil {
			for _, i := range podRules {
				reporters[i].Skip("pods", "listing pods failed: "+err.Error())
			}
		}
	}
	var out []Finding
	for i, r := range reporters {
		if len(r.findings) == 0 {
			r.add(Pass, selected[i].Severity, selected[i].Area, Setting{}, "ok")
		}
		out = append(out, r.findings...)
	}
	return out, nil
}

// missing returns why a needed source is unavailable, or "".
func missing(f *Facts, needs []string) string {
	var reasons []string
	for _, n := range needs {
		if reason, ok := f.Unavailable[n]; ok {
			reasons = append(reasons, n+": "+reason)
		}
	}
	return strings.Join(reasons, "; ")
}
