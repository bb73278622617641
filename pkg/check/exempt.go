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
	// A cluster-scoped object (a node) is in no namespace.
	if len(x.Namespaces) > 0 && (obj.Namespace == "" || !slices.Contains(x.Namespaces, obj.Namespace)) {
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
	// known are the IDs of the run's rules (Run sets them), so that an
	// annotation naming no rule can say so.
	known map[string]bool
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
	reason, _, exempt, err = x.lookup(ruleID, obj)
	return reason, exempt, err
}

// Where an exemption was declared (Finding.ExemptBy).
const (
	ExemptByAnnotation = "annotation" // the object's or its namespace's ExemptAnnotation
	ExemptByConfig     = "config"     // a configured Exemption
)

// lookup is Reason, also saying where the exemption was declared: SARIF
// tells an exemption in the object itself from one kept elsewhere.
func (x *Exemptions) lookup(ruleID string, obj Object) (reason, by string, exempt bool, err error) {
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
			err = fmt.Errorf("%s: %w", objectRef(o), perr)
		case coversRule(rules, ruleID):
			return annotatedReason(o, obj, why), ExemptByAnnotation, true, nil
		case err == nil:
			// A misspelt rule ID would otherwise exempt nothing, silently.
			if unknown := x.unknownRules(rules); len(unknown) > 0 {
				err = fmt.Errorf("%s: %s %q names no rule check knows: %s (see --list-rules)", objectRef(o), ExemptAnnotation, value, strings.Join(unknown, ", "))
			}
		}
	}
	for _, e := range x.configured {
		if e.matches(ruleID, obj) {
			return fmt.Sprintf("%s (%s)", e.Reason, e.Source), ExemptByConfig, true, nil
		}
	}
	return "", "", false, err
}

// unknownRules are the IDs in an annotation's list that no rule of the
// run has (none when the rules are not known).
func (x *Exemptions) unknownRules(ids []string) []string {
	var out []string
	for _, id := range ids {
		if x.known != nil && id != AnyRule && !x.known[id] {
			out = append(out, id)
		}
	}
	return out
}

// objectRef names an object as findings do: kind/namespace/name, or
// kind/name when cluster-scoped.
func objectRef(o Object) string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// annotatedReason is an annotation's reason, saying which namespace it
// came from when the object is not the one annotated.
func annotatedReason(annotated, obj Object, reason string) string {
	if annotated.Kind == "namespace" && obj.Kind != "namespace" {
		return fmt.Sprintf("%s (namespace %s)", reason, annotated.Name)
	}
	return reason
}
