package check

import (
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// exempt turns a failure about an exempt object into an Exempt result
// with the reason. A malformed annotation leaves the failure, its message
// saying the annotation was ignored and why.
func (s *run) exempt(ruleID, subject, message string) (result Result, reason, by, msg string) {
	obj, ok := s.object(subject)
	if !ok {
		return Fail, "", "", message
	}
	reason, by, exempt, err := s.exemptions.lookup(ruleID, obj)
	switch {
	case exempt:
		return Exempt, reason, by, message
	case err != nil:
		return Fail, "", "", message + " (exemption ignored: " + err.Error() + ")"
	}
	return Fail, "", "", message
}

// objectKinds are the kinds findings name in their subjects ("pod/ns/name
// field"). A subject of another shape that holds slashes (a file path,
// "manifests/kube-apiserver.yaml") names no object.
var objectKinds = []string{"pod", "service", "node", "namespace", "endpointslice", "ingress", "gateway", "networkpolicy", "servicecidr"}

// object is the API object a finding's subject names ("pod/ns/name
// status.podIPs", "node/name …"), with its labels and annotations when
// the facts hold it. A subject that names no object (a flag, a file)
// is not one.
func (s *run) object(subject string) (Object, bool) {
	ref, _, _ := strings.Cut(subject, " ")
	parts := strings.Split(ref, "/")
	var obj Object
	switch len(parts) {
	case 2:
		obj = Object{Kind: parts[0], Name: parts[1]}
	case 3:
		obj = Object{Kind: parts[0], Namespace: parts[1], Name: parts[2]}
	default:
		return Object{}, false
	}
	if obj.Name == "" || !slices.Contains(objectKinds, obj.Kind) {
		return Object{}, false
	}
	if s.pod != nil && obj.Kind == "pod" && s.pod.Namespace == obj.Namespace && s.pod.Name == obj.Name {
		return withMeta(obj, &s.pod.ObjectMeta), true
	}
	if known, ok := s.objectIndex()[ref]; ok {
		return known, true
	}
	return obj, true
}

// objectIndex indexes the objects of the facts that findings name, by
// their subject's reference ("service/ns/name").
func (s *run) objectIndex() map[string]Object {
	if s.objects != nil {
		return s.objects
	}
	f := s.facts
	s.objects = make(map[string]Object, len(f.Services)+len(f.Nodes)+len(f.Ingresses)+len(f.NetworkPolicies)+len(f.EndpointSlices)+len(f.Namespaces))
	add := func(kind string, m *metav1.ObjectMeta) {
		obj := withMeta(Object{Kind: kind, Namespace: m.Namespace, Name: m.Name}, m)
		s.objects[objectRef(obj)] = obj
	}
	for i := range f.Services {
		add("service", &f.Services[i].ObjectMeta)
	}
	for i := range f.Nodes {
		add("node", &f.Nodes[i].ObjectMeta)
	}
	for i := range f.Ingresses {
		add("ingress", &f.Ingresses[i].ObjectMeta)
	}
	for i := range f.NetworkPolicies {
		add("networkpolicy", &f.NetworkPolicies[i].Policy.ObjectMeta)
	}
	for i := range f.EndpointSlices {
		add("endpointslice", &f.EndpointSlices[i].ObjectMeta)
	}
	for i := range f.Namespaces {
		add("namespace", &f.Namespaces[i].ObjectMeta)
	}
	return s.objects
}

func withMeta(obj Object, m *metav1.ObjectMeta) Object {
	obj.Labels, obj.Annotations = m.Labels, m.Annotations
	return obj
}
