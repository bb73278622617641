package check

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
)

// NetworkPolicy is a networking.k8s.io/v1 NetworkPolicy and where it was
// read: from a cluster, or from a manifest (a GitOps repository's).
type NetworkPolicy struct {
	Policy networkingv1.NetworkPolicy
	// At locates the policy: "API object networkpolicy/ns/name", or its
	// document in a file.
	At Setting
	// Fields locates the fields of a policy read from a file by their
	// path ("spec.ingress[0].from[1].ipBlock.except[0]"); nil for one
	// read from a cluster.
	Fields map[string]Setting
}

// Name names the policy in findings: networkpolicy/<namespace>/<name>
// (networkpolicy/<name> for a manifest that leaves the namespace to
// whoever applies it).
func (p *NetworkPolicy) Name() string {
	if p.Policy.Namespace == "" {
		return "networkpolicy/" + p.Policy.Name
	}
	return "networkpolicy/" + p.Policy.Namespace + "/" + p.Policy.Name
}

// FieldAt is where the field at path was read: its own position when the
// policy came from a file, else that of the closest field enclosing it,
// else the policy's.
func (p *NetworkPolicy) FieldAt(path string) Setting {
	if p.Fields == nil {
		return Setting{Source: p.At.Source + " " + path}
	}
	for at := path; at != ""; at = parentPath(at) {
		if s, ok := p.Fields[at]; ok {
			return s
		}
	}
	return p.At
}

// parentPath drops the last element of a field path: a.b[1] -> a.b -> a.
func parentPath(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}
