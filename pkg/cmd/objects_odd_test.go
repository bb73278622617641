package cmd

// Odd but valid objects (testdata/odd/objects.yaml) through every get
// output, every describer and every check rule: nothing panics, every
// command succeeds, and what is shown is what the objects say.

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	fakediscovery "k8s.io/client-go/discovery/fake"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

func loadOddObjects(t *testing.T) []runtime.Object {
	return loadFixture(t, filepath.Join("..", "..", "testdata", "odd", "objects.yaml"))
}

// noPanic fails the test when output shows a recovered panic or a stack.
func noPanic(t *testing.T, what, output string) {
	t.Helper()
	if strings.Contains(output, "panic") || strings.Contains(output, "goroutine ") {
		t.Errorf("%s: a panic:\n%s", what, output)
	}
}

// rowOf is the line of a table that starts with name, with runs of spaces
// squeezed to one.
func rowOf(table, name string) string {
	for _, line := range strings.Split(table, "\n") {
		if fields := strings.Fields(line); len(fields) > 0 && fields[0] == name {
			return strings.Join(fields, " ")
		}
	}
	return ""
}

// hasCell says whether a line of table holds cell, spaces squeezed.
func hasCell(table, cell string) bool {
	for _, line := range strings.Split(table, "\n") {
		if strings.Contains(" "+strings.Join(strings.Fields(line), " ")+" ", " "+cell+" ") {
			return true
		}
	}
	return false
}

func TestGetOddObjects(t *testing.T) {
	useGoldenKubeconfig(t)
	objs := loadOddObjects(t)
	count := map[string]int{}
	for _, obj := range objs {
		switch obj.(type) {
		case *corev1.Pod:
			count["pods"]++
		case *corev1.Service:
			count["services"]++
		case *discoveryv1.EndpointSlice:
			count["endpoints"]++ // `get endpoints -o json` lists the slices
		case *corev1.Node:
			count["nodes"]++
		case *networkingv1.Ingress:
			count["ingresses"]++
		case *unstructured.Unstructured:
			count["gateways"]++
		}
	}
	outputs := [][]string{
		nil, {"-o", "wide"}, {"-o", "json"}, {"-o", "yaml"}, {"-o", "name"},
		{"-o", "custom-columns=NAME:.metadata.name"},
		{"-o", "jsonpath={.items[*].metadata.name}"},
		{"-o", "go-template={{range .items}}{{.metadata.name}} {{end}}"},
		{"-A", "--show-labels"},
	}
	for _, typ := range []string{"pods", "services", "endpoints", "nodes", "ingresses", "gateways"} {
		for _, out := range outputs {
			for _, slicesServed := range []bool{true, false} {
				if !slicesServed && typ != "endpoints" {
					continue
				}
				args := append([]string{"get", typ}, out...)
				name := strings.Join(args, " ")
				if !slicesServed {
					name += " (v1 Endpoints)"
				}
				t.Run(name, func(t *testing.T) {
					stdout, stderr, code := executeGet(t, objs, slicesServed, args...)
					noPanic(t, name, stdout+stderr)
					if code != ExitOK || stderr != "" || strings.TrimSpace(stdout) == "" {
						t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
					}
					if len(out) == 2 && out[1] == "json" && slicesServed {
						var list struct{ Items []json.RawMessage }
						if err := json.Unmarshal([]byte(stdout), &list); err != nil || len(list.Items) != count[typ] {
							t.Errorf("%d items (%v), want %d", len(list.Items), err, count[typ])
						}
					}
				})
			}
		}
	}

	// What the tables show.
	pods, _, _ := executeGet(t, objs, true, "get", "pods", "-o", "wide")
	for _, obj := range objs {
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			continue
		}
		var ips []string
		for _, ip := range pod.Status.PodIPs {
			ips = append(ips, ip.IP)
		}
		want := strings.Join(ips, ",") // in status order: IPv6 first stays first
		if want == "" {
			want = "<none>"
		}
		if row := rowOf(pods, pod.Name); !strings.Contains(row, " "+want+" ") {
			t.Errorf("pod %s: row %q, want IPs %s", pod.Name, row, want)
		}
	}
	nodes, _, _ := executeGet(t, objs, true, "get", "nodes")
	for name, want := range map[string]string{
		// STATUS ROLES AGE VERSION INTERNAL-IPS POD-CIDRS; no version shows as nothing
		"node-bare":          "Unknown <none> 60s <none> <none>",
		"node-hostname-only": "Unknown <none> 24h <none> <none>",
		"node-ipv6-first":    "Ready <none> 24h fd00:10::12,192.168.10.12 10.244.2.0/24,fd00:10:244:2::/64",
	} {
		if row := rowOf(nodes, name); row != name+" "+want {
			t.Errorf("node %s: row %q, want %q", name, row, want)
		}
	}
	// Load-balancer addresses: each once, IPs first (without a `kubernetes`
	// Service, whose family leads is the first IP's), an entry's hostname
	// only without its IP; an implementation's own address value escaped.
	ings, _, _ := executeGet(t, objs, true, "get", "ingresses")
	if row := rowOf(ings, "ing-odd"); !strings.HasPrefix(row, "ing-odd <none> * fd00:db8:113::9,203.0.113.9,lb.example.com 80 ") {
		t.Errorf("ing-odd: row %q", row)
	}
	gws, _, _ := executeGet(t, objs, true, "get", "gateways")
	if row := rowOf(gws, "gw-odd"); row != "gw-odd odd 203.0.113.10,pool^[[31mred^G Unknown 60s" {
		t.Errorf("gw-odd: row %q", row)
	}
	svcs, _, _ := executeGet(t, objs, true, "get", "svc")
	for name, want := range map[string]string{
		"svc-headless":      "ClusterIP None <none> <none> PreferDualStack",
		"svc-external-name": "ExternalName <none> db.example.com <none> <none>",
	} {
		if row := rowOf(svcs, name); !strings.Contains(row, name+" "+want+" ") {
			t.Errorf("service %s: row %q, want %q", name, row, want)
		}
	}

	// Endpoints: FQDN slices are not IP endpoints (kube-proxy ignores
	// them too): the Service shows <none>. Endpoints of a Node or another
	// kind pair by their targetRef like a pod's; one without a targetRef,
	// or without conditions (ready), stands alone.
	eps, _, _ := executeGet(t, objs, true, "get", "endpoints", "--all-endpoints")
	if row := rowOf(eps, "svc-fqdn"); !strings.HasPrefix(row, "svc-fqdn <none> ") {
		t.Errorf("svc-fqdn: row %q, want <none>", row)
	}
	for _, want := range []string{
		"{10.244.2.7,fd00:10:244:2::7}", "{10.244.2.5}", "{fd00:10:244:2::6}", // no ports: addresses alone
		"{192.168.10.12:8080,[fd00:10::12]:8080}", "{10.244.2.60:8080,[fd00:10:244:2::60]:8080}",
		"{192.168.10.50:8080}", "{[fd00:10::50]:8080}", "{10.244.2.61:8080}",
	} {
		if !hasCell(eps, want) {
			t.Errorf("get endpoints --all-endpoints: no %s in\n%s", want, eps)
		}
	}
	legacy, _, _ := executeGet(t, objs, false, "get", "endpoints", "--all-endpoints", "--include-not-ready")
	if row := rowOf(legacy, "svc-fqdn"); !strings.HasPrefix(row, "svc-fqdn <none> ") {
		t.Errorf("v1 Endpoints without subsets: row %q, want <none>", row)
	}
	for _, want := range []string{"{192.168.10.12:8080}", "{10.244.2.61:8080} (not ready)"} {
		if !hasCell(legacy, want) {
			t.Errorf("v1 Endpoints: no %s in\n%s", want, legacy)
		}
	}
}

// describedValue is the value of the first `Label:  value` line of describe output.
func describedValue(out, label string) string {
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, label+":"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return "(no " + label + " line)"
}

func TestDescribeOddObjects(t *testing.T) {
	useGoldenKubeconfig(t)
	objs := loadOddObjects(t)
	for _, obj := range objs {
		var typ, name string
		switch o := obj.(type) {
		case *corev1.Pod:
			typ, name = "pod", o.Name
		case *corev1.Service:
			typ, name = "svc", o.Name
		case *corev1.Node:
			typ, name = "node", o.Name
		case *corev1.Endpoints:
			typ, name = "endpoints", o.Name
		default:
			continue
		}
		t.Run(typ+" "+name, func(t *testing.T) {
			out, stderr, code := executeDescribe(t, objs, "describe", typ, name)
			noPanic(t, name, out+stderr)
			if code != ExitOK || stderr != "" || !strings.Contains(out, name) {
				t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, stderr, out)
			}
			switch o := obj.(type) {
			case *corev1.Pod:
				var ips []string
				for _, ip := range o.Status.PodIPs {
					ips = append(ips, ip.IP)
				}
				want := strings.Join(ips, ",")
				if want == "" {
					want = "<none>"
				}
				if got := describedValue(out, "IPs"); got != want {
					t.Errorf("IPs: %q, want %q", got, want)
				}
			case *corev1.Node:
				want := "<none>"
				for _, a := range o.Status.Addresses {
					if a.Type == corev1.NodeInternalIP {
						want = map[bool]string{true: "IPv6", false: "IPv4"}[strings.Contains(a.Address, ":")]
						break
					}
				}
				if got := describedValue(out, "Primary IP Family"); got != want {
					t.Errorf("Primary IP Family: %q, want %q", got, want)
				}
			}
		})
	}

	for _, tc := range []struct{ args, want []string }{
		{[]string{"svc", "svc-fqdn"}, []string{"Endpoints:", "<none>"}},
		{[]string{"svc", "svc-selectorless"}, []string{"{192.168.10.12:8080,[fd00:10::12]:8080}", "{10.244.2.60:8080,[fd00:10:244:2::60]:8080}", "{192.168.10.50:8080}", "{[fd00:10::50]:8080}"}},
		{[]string{"svc", "svc-external-name"}, []string{"External Name:", "db.example.com"}},
		{[]string{"endpoints", "svc-fqdn"}, []string{"Ports:  <none>"}},
		{[]string{"endpoints", "svc-selectorless"}, []string{"{10.244.2.61:8080}\n", "{192.168.10.12:8080,[fd00:10::12]:8080}"}},
		{[]string{"pods"}, []string{"Name:", "pod-no-node", "pod-host-network"}},
		{[]string{"nodes"}, []string{"node-bare", "node-hostname-only"}},
	} {
		out, stderr, code := executeDescribe(t, objs, append([]string{"describe"}, tc.args...)...)
		noPanic(t, strings.Join(tc.args, " "), out+stderr)
		if code != ExitOK {
			t.Errorf("describe %s: exit %d, stderr %q", tc.args, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("describe %s: no %q in\n%s", tc.args, w, out)
			}
		}
	}
}

// TestCheckOddObjects runs every rule over the odd objects, read by the
// live gatherer from a fake clientset, in every output format.
func TestCheckOddObjects(t *testing.T) {
	useGoldenKubeconfig(t)
	objs := loadOddObjects(t)
	run := func(output string) (string, string, int) {
		client, dyn := fakeClients(t, objs)
		client.Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &version.Info{GitVersion: "v1.37.0"}
		streams, _, out, errOut := genericiooptions.NewTestIOStreams()
		o := &CheckOptions{Output: output, Color: "never", FailOn: "error", ChunkSize: 500, Client: client, Dynamic: dyn,
			configFlags: genericclioptions.NewConfigFlags(true), IOStreams: streams}
		code := ExitOK
		if err := o.Run(context.Background()); err != nil {
			code = PrintError(errOut, err)
		}
		return out.String(), errOut.String(), code
	}
	for _, output := range checkOutputs() {
		out, stderr, code := run(output)
		noPanic(t, output, out+stderr)
		if code == ExitCheckError || out == "" {
			t.Errorf("-o %s: exit %d, stderr %q", output, code, stderr)
		}
	}

	out, _, code := run("json")
	var got report.Report
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	failing := map[string]bool{}
	for _, f := range got.Findings {
		ran[f.ID] = true
		if f.Result == check.Fail {
			failing[f.ID+" "+f.Subject] = true
		}
		if strings.Contains(f.Message, "internal error") {
			t.Errorf("finding %+v", f)
		}
	}
	for _, r := range check.Rules() {
		if !ran[r.ID] {
			t.Errorf("rule %s reported nothing", r.ID)
		}
	}
	// The odd objects the rules are about; the other odd ones are fine.
	for _, want := range []string{
		"nodes-primary-family node/node-ipv6-first status.addresses",
		"nodes-internal-ip-per-family node/node-bare status.addresses",
		"nodes-internal-ip-per-family node/node-hostname-only status.addresses",
		"pods-primary-family pod/default/pod-ipv6-first status.podIPs",
		"pods-dual-stack-ips pod/default/pod-one-ipv4 status.podIPs",
		"pods-dual-stack-ips pod/default/pod-one-ipv6 status.podIPs",
		"loadbalancers-gateway-families gateway/default/gw-odd status.addresses",
	} {
		if !failing[want] {
			t.Errorf("no failing finding %q; failing: %v", want, failing)
		}
	}
	subjects := regexp.MustCompile(`svc-(headless|external-name|fqdn)|pod-(no-ip|no-node|ipv4-first|host-network)\b|ing-odd`)
	for f := range failing {
		if subjects.MatchString(f) {
			t.Errorf("%s fails: a valid object", f)
		}
	}
	if failed := got.Failing("error"); (code == ExitCheckFailed) != failed {
		t.Errorf("exit %d, failing at error: %v", code, failed)
	}
}
