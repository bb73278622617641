package check

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// componentName names a component instance in findings: its pod name
// (kube-apiserver-cp1), the kind and its node ("kubelet node1"), or just
// the kind when the instance is a description (a ConfigMap's).
func componentName(c Component) string {
	switch {
	case c.Instance == "" || strings.ContainsAny(c.Instance, " \t"):
		return c.Kind
	case strings.Contains(c.Instance, c.Kind):
		return c.Instance
	}
	return c.Kind + " " + c.Instance
}

// flagSubject names one flag of one component instance.
func flagSubject(c Component, flag string) string { return componentName(c) + " --" + flag }

// flagAt is where a flag was read or, when it is unset, the component with
// a note saying what applies instead.
func flagAt(c Component, flag, unset string) Setting {
	if s, ok := c.Setting(flag); ok {
		return s
	}
	return Setting{Source: fmt.Sprintf("%s (--%s unset%s)", c.Source, flag, unset), File: c.File, Line: c.Line}
}

// kubeadmAt points at the kubeadm ClusterConfiguration itself, for a
// value it leaves unset.
func kubeadmAt(k *Kubeadm, note string) Setting {
	return Setting{Source: k.Source + note, File: k.File, Line: k.Line}
}

func podSubject(pod *corev1.Pod, fieldName string) string {
	return "pod/" + pod.Namespace + "/" + pod.Name + " " + fieldName
}

func serviceSubject(svc *corev1.Service, fieldName string) string {
	return "service/" + svc.Namespace + "/" + svc.Name + " " + fieldName
}

// objectSubject names a field of a namespaced object of another kind
// ("ingress/web/shop status.loadBalancer.ingress").
func objectSubject(kind, namespace, name, fieldName string) string {
	return kind + "/" + namespace + "/" + name + " " + fieldName
}

func nodeSubject(node *corev1.Node, fieldName string) string {
	return "node/" + node.Name + " " + fieldName
}

// objectAreas are the areas whose rules inspect API objects (read from a
// cluster), each finding's subject naming the object and the field read.
var objectAreas = []Area{AreaServiceCIDR, AreaNodes, AreaPods, AreaServices, AreaEndpointSlices, AreaLoadBalancers}

// objectAt is where a finding's value was read: at, or, when at says
// nothing and the rule inspects API objects, the object and field its
// subject names ("API object pod/demo/web status.podIPs").
func objectAt(area Area, subject string, at Setting) Setting {
	if at.Source == "" && at.File == "" && subject != "" && slices.Contains(objectAreas, area) {
		at.Source = "API object " + subject
	}
	return at
}
