package e2e

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// Hostile content: a colour escape, an OSC 52 escape that sets the
// clipboard, a carriage return that rewrites the line, a bell, a
// backspace, a C1 CSI, a newline that starts a line of its own.
const (
	hostileEsc   = "red\x1b[31mRED\x1b[0m"
	hostileOSC   = "clip\x1b]52;c;ZWNobyBwd25lZA==\a"
	hostileCtl   = "cr\rOVERWRITE bell\a bs\x08 csi\u009b2J"
	hostileValue = hostileEsc + " " + hostileOSC + " " + hostileCtl
	// Invisible format characters: a right-to-left override and a
	// left-to-right isolate that make a terminal show text in another
	// order ("Trojan Source", CVE-2021-42574), a zero-width space, a soft
	// hyphen, a BOM and a line separator.
	hostileInvisible = "rlo\u202eRTL lri\u2066ISO\u2069 zw\u200bsp shy\u00adX bom\ufeffY ls\u2028Z"
	// invisibleEscaped is hostileInvisible as every terminal output shows
	// it; on check's one-line cells the line separator is a space.
	invisibleEscaped = `rlo\u202eRTL lri\u2066ISO\u2069 zw\u200bsp shy\u00adX bom\ufeffY ls\u2028Z`
	invisibleOneLine = `rlo\u202eRTL lri\u2066ISO\u2069 zw\u200bsp shy\u00adX bom\ufeffY ls Z`
)

// TestHostileContent puts terminal escapes, control characters, newlines,
// 100 KB strings, invalid UTF-8 and invisible format characters
// (bidirectional controls among them) in annotations, event messages,
// status messages and node fields of a real cluster, then checks that no
// output of get, describe and check carries a control or format character
// raw (only newline and tab; YAML keeps format characters, having no
// escape for them) and that each output is kubectl's where kubectl prints the same
// thing (kubectl itself lets BEL, backspace and C1 through: its output is
// compared once escaped the plugin's way, printers.EscapeTerminal).
func TestHostileContent(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	const ns = "hostile"
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	annotations := map[string]string{
		"hostile":   hostileValue,
		"multiline": "first\nIPs:  6.6.6.6\nEndpoints:  {6.6.6.6:80}",
		"long":      strings.Repeat("0123456789", 10<<10), // 100 KB
		"invisible": hostileInvisible,
	}
	// Invalid UTF-8 sent as raw JSON bytes: the apiserver's JSON decoder
	// stores U+FFFD instead (logged below).
	waitForServiceAccount(t, client, ns)
	podJSON := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"},"annotations":{"invalid-utf8":"` + "bad\xff\xfebytes" + `"}},"spec":{"containers":[{"name":"web","image":"registry.k8s.io/pause:3.10"}]}}`
	if err := client.CoreV1().RESTClient().Post().Namespace(ns).Resource("pods").SetHeader("Content-Type", "application/json").Body([]byte(podJSON)).Do(ctx).Error(); err != nil {
		t.Fatal(err)
	}
	pod := waitForPodIPs(t, client, ns, 1)[0]
	// Labels cannot carry them: the apiserver refuses such a value (a
	// label is a name, unlike an annotation), so -L and --show-labels only
	// ever print what the pattern of label values allows.
	labelled := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "labelled", Labels: map[string]string{"app": "web\u202ebew"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "registry.k8s.io/pause:3.10"}}},
	}
	if _, err := client.CoreV1().Pods(ns).Create(ctx, labelled, metav1.CreateOptions{}); !apierrors.IsInvalid(err) {
		t.Fatalf("a label value with a right-to-left override: %v, want the apiserver's Invalid", err)
	} else {
		t.Logf("a label value with a format character: %v", err)
	}
	t.Logf("invalid UTF-8 sent as JSON is stored as %q", pod.Annotations["invalid-utf8"])
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": annotations}})
	if _, err := client.CoreV1().Pods(ns).Patch(ctx, "web", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	// A status message whose newline makes a fake IPs: block above the
	// real one, and a reason kubectl shows in STATUS.
	statusPatch, _ := json.Marshal(map[string]any{"status": map[string]any{
		"reason":  "Evil" + hostileEsc + "\rX\nFAKE",
		"message": "evicted " + hostileOSC + "\nIP:  6.6.6.6\nIPs:\n  IP:  6.6.6.6",
	}})
	if _, err := client.CoreV1().Pods(ns).Patch(ctx, "web", types.MergePatchType, statusPatch, metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal(err)
	}

	// Invalid UTF-8 through protobuf, which does not check it.
	proto := rest.CopyConfig(c.RESTConfig)
	proto.ContentType = "application/vnd.kubernetes.protobuf"
	proto.AcceptContentTypes = proto.ContentType
	protoClient := kubernetes.NewForConfigOrDie(proto)
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Annotations: map[string]string{"hostile": hostileValue, "invalid-utf8": "bad\xff\xfebytes", "long": annotations["long"], "invisible": hostileInvisible}},
		Spec: corev1.ServiceSpec{
			Selector:       map[string]string{"app": "web"},
			IPFamilyPolicy: ptrTo(corev1.IPFamilyPolicyPreferDualStack),
			Ports:          []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}},
		},
	}
	if _, err := protoClient.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	stored, err := protoClient.CoreV1().Services(ns).Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("invalid UTF-8 sent as protobuf is stored as %q (read back in protobuf)", stored.Annotations["invalid-utf8"])
	waitForSlices(t, client, ns, "web", 1)

	// Events about each object described, and one the check rule
	// servicecidr-default-events quotes.
	var endpoints *corev1.Endpoints
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		endpoints, err = client.CoreV1().Endpoints(ns).Get(ctx, "web", metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("waiting for the v1 Endpoints of web: %v", err)
	}
	node, err := client.CoreV1().Nodes().Get(ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := metav1.NewTime(time.Now())
	for i, ref := range []corev1.ObjectReference{
		{Kind: "Pod", Namespace: ns, Name: "web", UID: pod.UID},
		{Kind: "Service", Namespace: ns, Name: "web", UID: stored.UID},
		{Kind: "Endpoints", Namespace: ns, Name: "web", UID: endpoints.UID},
		{Kind: "Node", Name: "node-1", UID: node.UID},
		{Kind: "ServiceCIDR", Name: "kubernetes"},
	} {
		evNS := cmp.Or(ref.Namespace, "default")
		reason := "Hostile"
		if ref.Kind == "ServiceCIDR" {
			reason = "KubernetesDefaultServiceCIDRInconsistent"
		}
		ev := &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("hostile.%d", i), Namespace: evNS},
			InvolvedObject: ref, Reason: reason, Type: corev1.EventTypeWarning, Count: 1,
			Message:        "event " + hostileValue + " " + hostileInvisible + " bad\xffbyte\nIPs:  6.6.6.6\nPodCIDRs:  6.6.6.0/24",
			Source:         corev1.EventSource{Component: "hostile-test"},
			FirstTimestamp: now, LastTimestamp: now,
		}
		if _, err := client.CoreV1().Events(evNS).Create(ctx, ev, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	// The node: free text in its system info, and a condition message
	// whose newline makes a fake PodCIDRs: line.
	nodePatch, _ := json.Marshal(map[string]any{"status": map[string]any{
		"nodeInfo":   map[string]any{"osImage": "os " + hostileOSC + "\tTAB " + hostileInvisible + " " + hostileCtl},
		"conditions": []map[string]any{{"type": "Ready", "message": "ready " + hostileEsc + "\nPodCIDRs:  6.6.6.0/24"}},
	}})
	if _, err := client.CoreV1().Nodes().Patch(ctx, "node-1", types.StrategicMergePatchType, nodePatch, metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal(err)
	}

	bin := filepath.Join(binDir(t), "kubectl-dualstack")
	plugin := func(args ...string) (string, string, int) {
		return runSplit(t, bin, append(args, "--kubeconfig", c.Kubeconfig)...)
	}
	kubectlBin := func(args ...string) string {
		out, _, code := runSplit(t, filepath.Join(binDir(t), "kubectl"), append(args, "--kubeconfig", c.Kubeconfig)...)
		if code != 0 {
			t.Fatalf("kubectl %v: exit %d", args, code)
		}
		return out
	}

	t.Run("get", func(t *testing.T) {
		for _, args := range [][]string{
			{"get", "pods", "-n", ns, "-o", "wide", "--show-labels"},
			{"get", "svc", "-n", ns, "-o", "wide"},
			{"get", "endpoints", "-n", ns},
			{"get", "nodes", "-o", "wide"},
		} {
			out, errOut, code := plugin(args...)
			if code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, errOut)
			}
			assertNoRawControls(t, strings.Join(args, " "), out+errOut)
		}
		// kubectl prints these cells the same (it escapes ESC and cuts at
		// the first line break): equal, one row per pod.
		ours, _, _ := plugin("get", "pods", "-n", ns, "-o", "wide")
		theirs := kubectlBin("get", "pods", "-n", ns, "-o", "wide")
		assertSharedColumns(t, ours, theirs, "NAME", "READY", "STATUS", "RESTARTS", "AGE", "NODE", "NOMINATED NODE", "READINESS GATES")
		if want := "Evilred^[[31mRED^[[0m..."; !strings.Contains(ours, want) {
			t.Errorf("get pods: no STATUS %q:\n%s", want, ours)
		}
		// The OS image holds a tab, a bell and a C1 CSI that kubectl prints
		// raw (the tab shifts its columns): the columns before it agree.
		ours, _, _ = plugin("get", "nodes", "-o", "wide")
		theirs = kubectlBin("get", "nodes", "-o", "wide")
		assertSharedColumns(t, ours, theirs, "NAME", "STATUS", "ROLES", "AGE", "VERSION")
		rows := columns(t, ours)
		if len(rows) != 1 || rows[0]["OS-IMAGE"] != "os clip^[]52;c;ZWNobyBwd25lZA==^G^ITAB "+invisibleEscaped+" cr..." {
			t.Errorf("get nodes -o wide: want one row, OS-IMAGE escaped:\n%s", ours)
		}
	})

	t.Run("describe", func(t *testing.T) {
		for _, target := range []struct{ kind, ns, name string }{
			{"pods", ns, "web"},
			{"services", ns, "web"},
			{"endpoints", ns, "web"},
			{"nodes", "", "node-1"},
		} {
			args := []string{"describe", target.kind, target.name}
			if target.ns != "" {
				args = append(args, "-n", target.ns)
			}
			ours, errOut, code := plugin(args...)
			if code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, errOut)
			}
			assertNoRawControls(t, strings.Join(args, " "), ours+errOut)
			theirs := printers.EscapeTerminal(kubectlBin(args...))
			removed, added := diffLines(maskAges(theirs), maskAges(ours))
			t.Logf("describe %s: lines changed from kubectl's (escaped):\n%s", target.kind, showDiff(removed, added))
			for _, l := range append(removed, added...) {
				if !dualStackLines[target.kind].MatchString(l) {
					t.Errorf("describe %s: line %q differs from kubectl's and is not a dual-stack line", target.kind, l)
				}
			}
			if len(added) == 0 {
				t.Errorf("describe %s: no dual-stack line was rewritten", target.kind)
			}
			if (target.kind == "pods" || target.kind == "services") && !strings.Contains(ours, "invisible: "+invisibleEscaped) {
				t.Errorf("describe %s: the annotation is not there, escaped:\n%s", target.kind, ours)
			}
			if !strings.Contains(ours, "event red^[[31mRED^[[0m clip^[]52;c;ZWNobyBwd25lZA==^G cr\\rOVERWRITE bell^G bs^H csi^[[2J "+invisibleEscaped+" bad\uFFFDbyte") {
				t.Errorf("describe %s: the event message is not there, escaped:\n%s", target.kind, ours)
			}
		}
		// The rewritten lines are the objects' own, not the fake ones.
		ours, _, _ := plugin("describe", "pod", "web", "-n", ns)
		if !regexp.MustCompile(`(?m)^IPs:\s+` + regexp.QuoteMeta(strings.Join(podIPs(pod), ",")) + `$`).MatchString(ours) {
			t.Errorf("describe pod: no IPs: line with the pod's IPs:\n%s", ours)
		}
		ours, _, _ = plugin("describe", "node", "node-1")
		if !regexp.MustCompile(`(?m)^PodCIDRs:\s+` + regexp.QuoteMeta(strings.Join(node.Spec.PodCIDRs, ",")) + `\nPrimary IP Family:\s+IPv4$`).MatchString(ours) {
			t.Errorf("describe node: Primary IP Family: does not follow the node's PodCIDRs:\n%s", ours)
		}
	})

	t.Run("check", func(t *testing.T) {
		text, errOut, code := plugin("check")
		if code == 2 {
			t.Fatalf("check: exit 2\n%s", errOut)
		}
		assertNoRawControls(t, "check", text+errOut)
		// One line: the newlines and the carriage return are spaces there.
		if !strings.Contains(text, "KubernetesDefaultServiceCIDRInconsistent: event red^[[31mRED^[[0m clip^[]52;c;ZWNobyBwd25lZA==^G cr OVERWRITE bell^G bs^H csi^[[2J "+invisibleOneLine+" bad\uFFFDbyte IPs: 6.6.6.6") {
			t.Errorf("check: the event's finding is not shown escaped on one line:\n%s", text)
		}
		want := "KubernetesDefaultServiceCIDRInconsistent: event " + hostileValue + " " + hostileInvisible + " bad\uFFFDbyte\nIPs:  6.6.6.6\nPodCIDRs:  6.6.6.0/24"
		for _, format := range []string{"json", "yaml"} {
			out, errOut, code := plugin("check", "-o", format)
			if code == 2 {
				t.Fatalf("check -o %s: exit 2\n%s", format, errOut)
			}
			if format == "yaml" { // no escape for format characters outside double quotes
				if bad := termtest.RawC0C1(out+errOut, "\n\t"); len(bad) > 0 {
					t.Errorf("check -o yaml: raw %s", strings.Join(bad, ", "))
				}
			} else {
				assertNoRawControls(t, "check -o "+format, out+errOut)
			}
			var r report.Report
			if err := yaml.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("check -o %s: %v\n%s", format, err, out)
			}
			found := false
			for _, f := range r.Findings {
				found = found || f.ID == "servicecidr-default-events" && strings.HasPrefix(f.Message, want)
			}
			if !found {
				t.Errorf("check -o %s: no servicecidr-default-events finding with the message %q:\n%s", format, want, out)
			}
		}
		for _, format := range []string{"junit", "sarif"} {
			out, errOut, _ := plugin("check", "-o", format)
			assertNoRawControls(t, "check -o "+format, out+errOut)
		}
	})

	t.Run("summary", func(t *testing.T) {
		// A Helm release named by a hostile annotation: --by owner prints it.
		helm := svc.DeepCopy()
		helm.Name, helm.Annotations = "helm", map[string]string{"meta.helm.sh/release-name": hostileValue + " bad\xffbyte"}
		if _, err := protoClient.CoreV1().Services(ns).Create(ctx, helm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"summary", "-A", "--by", "owner", "-o", "wide"}, {"summary", "-n", ns, "--by", "owner", "-o", "yaml"}} {
			out, errOut, code := plugin(args...)
			if code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, errOut)
			}
			assertNoRawControls(t, strings.Join(args, " "), out+errOut)
		}
		out, _, _ := plugin("summary", "-n", ns, "--by", "owner")
		if !strings.Contains(out, "HelmRelease/red^[[31mRED^[[0m clip^[]52;c;ZWNobyBwd25lZA==^G cr\\rOVERWRITE bell^G bs^H csi^[[2J bad\uFFFDbyte") {
			t.Errorf("summary --by owner: the release's name is not shown escaped:\n%s", out)
		}
	})
}

// waitForServiceAccount waits for the default ServiceAccount of ns:
// pods cannot be created before it exists.
func waitForServiceAccount(t *testing.T, client kubernetes.Interface, ns string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := client.CoreV1().ServiceAccounts(ns).Get(context.Background(), "default", metav1.GetOptions{})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no default ServiceAccount in %s: %v", ns, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// assertNoRawControls fails on a control character other than newline
// and tab (C0, DEL, C1), an invisible format character (bidirectional
// controls, zero-width characters, U+2028) or invalid UTF-8 in out.
func assertNoRawControls(t *testing.T, what, out string) {
	t.Helper()
	if bad := termtest.RawControls(out, "\n\t"); len(bad) > 0 {
		t.Errorf("%s: raw %s", what, strings.Join(bad, ", "))
	}
}

// Ages anywhere on a line (an event's, a pod's in the node's table) tick
// between two calls.
var anyAge = regexp.MustCompile(`\b\d+(d|h|m|s)(\d+(h|m|s))?\b`)

func maskAges(s string) string { return anyAge.ReplaceAllString(maskTimes(s), "<age>") }
