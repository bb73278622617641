package check

import (
	"cmp"
	"errors"
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// Options select and tune a run.
type Options struct {
	Only, Skip []string // rule IDs
	// Severities overrides the severity of every failure of the rules
	// they name.
	Severities map[string]Severity
	// Exemptions exempt objects from rules, besides the objects' and
	// their namespaces' ExemptAnnotation.
	Exemptions []Exemption
}

// UnavailableError wraps a pod stream's error that makes the pod rules
// skip (pods forbidden, say) instead of ending the audit.
type UnavailableError struct{ Err error }

func (e UnavailableError) Error() string { return e.Err.Error() }
func (e UnavailableError) Unwrap() error { return e.Err }

// Run applies rules to facts: whole-cluster checks first, then one
// streamed pass over the pods for every pod rule. A rule with no failure
// and no skip yields one pass finding. The error is the pod stream's,
// unless it is an UnavailableError: the audit cannot go on without it.
func Run(f *Facts, rules []Rule, opts Options) ([]Finding, error) {
	state := &run{facts: f, severities: opts.Severities, exemptions: NewExemptions(opts.Exemptions, f.Namespaces)}
	state.exemptions.known = make(map[string]bool, len(rules))
	for _, r := range rules {
		state.exemptions.known[r.ID] = true
	}
	var reporters []*Reporter
	for i := range rules {
		rule := &rules[i]
		if (len(opts.Only) > 0 && !slices.Contains(opts.Only, rule.ID)) || slices.Contains(opts.Skip, rule.ID) {
			continue
		}
		reporters = append(reporters, &Reporter{rule: rule, run: state})
	}
	var podRules []*Reporter
	for _, r := range reporters {
		rule := r.rule
		if reason := f.unavailable(rule.Needs...); reason != "" {
			r.Skip(string(rule.Area), reason)
			continue
		}
		if outOfScope(f, r) {
			continue
		}
		if rule.Check != nil {
			rule.Check(f, r)
		}
		if rule.CheckPod != nil {
			podRules = append(podRules, r)
		}
	}
	if len(podRules) > 0 && f.Pods != nil {
		err := f.Pods(func(pod *corev1.Pod) error {
			state.pod = pod
			for _, r := range podRules {
				r.rule.CheckPod(f, pod, r)
			}
			return nil
		})
		if err != nil {
			if !errors.As(err, new(UnavailableError)) {
				return nil, err
			}
			for _, r := range podRules {
				r.Skip("pods", "listing pods failed: "+err.Error())
			}
		}
	}
	var out []Finding
	for _, r := range reporters {
		if len(r.findings) == 0 {
			r.add(Pass, r.rule.Severity, string(r.rule.Area), Setting{}, "ok")
		}
		out = append(out, r.findings...)
	}
	return out, nil
}

// outOfScope reports the first of the rule's scopes that holds nothing,
// if one does.
func outOfScope(f *Facts, r *Reporter) bool {
	for scope := r.rule.Scope; scope != nil; scope = scope.Then {
		why := scope.Empty(f)
		if why == "" {
			continue
		}
		subject := cmp.Or(scope.Subject, string(r.rule.Area))
		if scope.Skip {
			r.Skip(subject, why)
		} else {
			r.Pass(subject, Setting{}, "%s: nothing to check", why)
		}
		return true
	}
	return false
}

// run is one Run's view of the facts: what several rules derive from them
// is derived once, on first use, and never outlives the run.
type run struct {
	facts      *Facts
	nodes      *nodeIndex
	severities map[string]Severity
	exemptions *Exemptions
	// pod is the pod the pod rules are checking; objects indexes the
	// other objects findings name (objects.go).
	pod     *corev1.Pod
	objects map[string]Object
}

// nodeIndex is the pod rules' index of the nodes.
func (s *run) nodeIndex() *nodeIndex {
	if s.nodes == nil {
		s.nodes = newNodeIndex(s.facts)
	}
	return s.nodes
}
