package describe

import (
	"context"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	kubectldescribe "k8s.io/kubectl/pkg/describe"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
)

// hostile is what an annotation or an event message can carry: colour and
// clipboard (OSC 52) escapes, a carriage return, a bell, a backspace, a C1
// CSI, invalid UTF-8, and the right-to-left override and isolate of Trojan
// Source with a zero-width space between.
const hostile = "x\x1b[31mred\x1b]52;c;aGk=\a\rCR\x08\u009b2J\xff\u202eRLO\u200b\u2066"

// Describe escapes what kubectl's describer lets through, and rewrites the
// pod's own IPs, not the lines a newline in its status message makes.
func TestDescribeHostilePod(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "demo", UID: "u1", Annotations: map[string]string{
			"a": hostile, "long": strings.Repeat("y", 100<<10), "multi": "line1\nIPs:  6.6.6.6",
		}},
		Status: corev1.PodStatus{
			Phase:   corev1.PodRunning,
			Message: "evicted\nIP:  6.6.6.6\nIPs:\n  IP:  6.6.6.6",
			PodIP:   "10.244.1.5",
			PodIPs:  []corev1.PodIP{{IP: "10.244.1.5"}, {IP: "fd00:10:244:1::5"}},
		},
	}
	event := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "web.1", Namespace: "demo"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web", Namespace: "demo", UID: "u1"},
		Type:           corev1.EventTypeWarning, Reason: "Hostile", Message: "event " + hostile,
	}
	d := Describer{Client: fake.NewClientset(pod, event)}
	out, err := d.Describe(context.Background(), "pods", "demo", "web", kubectldescribe.DescriberSettings{ShowEvents: true})
	if err != nil {
		t.Fatal(err)
	}
	if bad := termtest.RawControls(out, "\n\t"); len(bad) > 0 {
		t.Errorf("raw control characters %v in:\n%q", bad, out)
	}
	for _, want := range []string{
		"x^[[31mred^[]52;c;aGk=^G\\rCR^H^[[2J\uFFFD" + `\u202eRLO\u200b\u2066`, // the annotation
		"event x^[[31mred^[]52;c;aGk=^G\\rCR^H^[[2J\uFFFD" + `\u202eRLO\u200b\u2066`,
		strings.Repeat("y", 100), // a long annotation is kubectl's to shorten
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	lines := strings.Split(out, "\n")
	real := slices.IndexFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "IPs:") && strings.HasSuffix(l, "10.244.1.5,fd00:10:244:1::5")
	})
	fake := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "IPs:") && !strings.Contains(l, "10.244.1.5") })
	if real < 0 || fake < 0 || fake > real {
		t.Errorf("want the status message's fake IPs: line kept as kubectl prints it, before the rewritten one:\n%s", out)
	}
}

// A newline in a node condition's message makes a fake PodCIDRs: line;
// Primary IP Family: follows the node's own.
func TestRewriteNodeFakeCIDRs(t *testing.T) {
	in := text(
		"Name:               worker-1",
		"Conditions:",
		"  Ready  True  KubeletReady  ok",
		"PodCIDRs:  6.6.6.0/24",
		"Addresses:",
		"  InternalIP:  192.168.10.11",
		"PodCIDRs:                     10.244.1.0/24",
		"Events:  <none>",
	)
	node := &corev1.Node{Spec: corev1.NodeSpec{PodCIDRs: []string{"10.244.1.0/24"}}, Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "192.168.10.11"}}}}
	want := strings.Replace(in, "Events:", "Primary IP Family:            IPv4\nEvents:", 1)
	checkRewrite(t, rewriteNode(in, node), want)
}
