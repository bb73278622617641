package check

import (
	"fmt"
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// ExemptAnnotation exempts the object it is on (a pod, a Service, a
// namespace and everything in it) from rules, saying why:
// "<rule-id>[,<rule-id>…]: <reason>", or "*: <reason>" for every rule.
const ExemptAnnotation = "dualstack.kubectl.io/exempt"

// AnyRule stands for every rule in an exemption's rule list.
const AnyRule = "*"

// Object is what an exemption is matched against: an API object's kind
// (as findings name it: pod, service, node, …), identity, labels and
// annotations.
type Object struct {
	Kind, Namespace, Name string
	Labels, Annotations   map[string]string
}

// Exemption exempts the objects it matches from its rules, with a reason
// (a configuration file's exemptions). An object matches when it matches
// every criterion given.
type Exemption struct {
	Rules      []string        // rule IDs, or AnyRule
	Namespaces []string        // the object is in one of them
	Selector   labels.Selector // the object's labels match it
	Names      []string        // path.Match patterns, one matching the object's name
	Reason     string
	// Source says where the exemption was declared ("config.yaml:12").
	Source string
}

func (x Exemption) matches(ruleID string, obj Object) bool {
	if !coversRule(x.Rules, ruleID) {
		return false
	}
	if len(x.Namespaces) > 0 && !slices.Contains(x.Namespaces, obj.Namespace) {
		return false
	}
	if x.Selector != nil && !x.Selector.Matches(labels.Set(obj.Labels)) {
		return false
	}
	if len(x.Names) > 0 && !slices.ContainsFunc(x.Names, func(p string) bool { ok, _ := path.Match(p, obj.Name); return ok }) {
		return false
	}
	return true
}

func coversRule(rules []string, ruleID string) bool {
	return slices.Contains(rules, AnyRule) || slices.Contains(rules, ruleID)
}

// ParseExemptAnnotation reads an ExemptAnnotation value: the rule IDs it
// names and the reason, which must not be empty.
func ParseExemptAnnotation(value string) (rules []string, reason string, err error) {
	list, reason, found := strings.Cut(value, ":")
	reason = strings.TrimSpace(reason)
	if !found || reason == "" {
		return nil, "", fmt.Errorf("%s %q: want \"<rule-id>[,<rule-id>…]: <reason>\"", ExemptAnnotation, value)
	}
	for _, id := range strings.Split(list, ",") {
		if id = strings.TrimSpace(id); id != "" {
			rules = append(rules, id)
		}
	}
	if len(rules) == 0 {
		return nil, "", fmt.Errorf("%s %q names no rule (\"*\" for every rule)", ExemptAnnotation, value)
	}
	return rules, reason, nil
}

// Exemptions decide which objects are exempt from which rules: by their
// own annotation, their namespace's, or a configured Exemption.
type Exemptions struct {
	configured []Exemption
	namespaces map[string]Object
}

// NewExemptions holds the configured exemptions and the namespaces whose
// annotations cover their objects.
func NewExemptions(configured []Exemption, namespaces []corev1.Namespace) *Exemptions {
	x := &Exemptions{configured: configured, namespaces: make(map[string]Object, len(namespaces))}
	for _, ns := range namespaces {
		x.namespaces[ns.Name] = Object{Kind: "namespace", Name: ns.Name, Labels: ns.Labels, Annotations: ns.Annotations}
	}
	return x
}

// Reason says why obj is exempt from the rule ruleID, if it is. A
// malformed annotation exempts nothing; its error is returned so that the
// finding can say why it still counts.
func (x *Exemptions) Reason(ruleID string, obj Object) (reason string, exempt bool, err error) {
	owners := []Object{obj}
	if ns, ok := x.namespaces[obj.Namespace]; ok && obj.Kind != "namespace" {
		owners = append(owners, ns)
	}
	for _, o := range owners {
		value, ok := o.Annotations[ExemptAnnotation]
		if !ok {
			continue
		}
		rules, why, perr := ParseExemptAnnotation(value)
		switch {
		case perr != nil:
			err = fmt.Errorf("%s/%s: %w", o.Kind, o.Name, perr)
		case coversRule(rules, ruleID):
			return annotatedReason(o, obj, why), true, nil
		}
	}
	for _, e := range x.configured {
		if e.matches(ruleID, obj) {
			return fmt.Sprintf("%s (%s)", e.Reason, e.Source), true, nil
		}
	}
	return "", false, err
}

// annotatedReason is an annotation's reason, saying which namespace it
// came from when the object is not the one annotated.
func annotatedReason(annotated, obj Object, reason string) string {
	if annotated.Kind == "namespace" && obj.Kind != "namespace" {
		return fmt.Sprintf("%s (namespace %s)", reason, annotated.Name)
	}
	return reason
}
