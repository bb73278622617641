package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// gatewayCRDDir holds the Gateway API's own CRD of Gateways (v1.6.1,
// standard channel), as kubernetes-sigs/gateway-api publishes it.
var gatewayCRDDir = filepath.Join(repoDir, "testdata", "crds", "gateway-api")

var loadBalancerRuleIDs = []string{"loadbalancers-gateway-families", "loadbalancers-ingress-families", "loadbalancers-service-families"}

// applyGatewayCRD installs the Gateway API's CRD of Gateways and waits
// until the apiserver serves it.
func applyGatewayCRD(t *testing.T, kubeconfig string) {
	t.Helper()
	kubectl(t, kubeconfig, "apply", "-f", gatewayCRDDir)
	kubectl(t, kubeconfig, "wait", "--for=condition=Established", "--timeout=60s", "crd/gateways.gateway.networking.k8s.io")
}

// TestCheckLoadBalancers: on real dual-stack control planes, with the real
// Gateway API CRD, a LoadBalancer Service, an Ingress and a Gateway whose
// status is patched (status subresource) to one family each get the
// loadbalancers warning; patched to both families, the warnings go away;
// `get ingresses` and `get gateways` print every address, primary family
// first, and the fixtures of testdata/get look on a real API server as
// their golden tables say.
func TestCheckLoadBalancers(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	t.Setenv("KUBECACHEDIR", t.TempDir()) // kubectl's discovery cache: the test's own
	for _, tt := range []struct {
		layout             localcluster.Layout
		primary, secondary string
		fams               []corev1.IPFamily
	}{
		{localcluster.DualStackIPv4Primary, "203.0.113.10", "2001:db8:113::10", []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}},
		{localcluster.DualStackIPv6Primary, "2001:db8:113::10", "203.0.113.10", []corev1.IPFamily{corev1.IPv6Protocol, corev1.IPv4Protocol}},
	} {
		t.Run(string(tt.layout), func(t *testing.T) {
			c := startCluster(t, localcluster.Config{Layout: tt.layout, Nodes: 1})
			client := kubernetes.NewForConfigOrDie(c.RESTConfig)
			waitForServiceSlices(t, client)
			bin := filepath.Join(binDir(t), "kubectl-dualstack")
			plugin := func(args ...string) string {
				t.Helper()
				return run(t, bin, append(args, "--kubeconfig", c.Kubeconfig)...)
			}

			// Without the Gateway API there is nothing to check, and no view.
			r, code := runCheck(t, c.Kubeconfig, "--fail-on", "warning")
			if gw := findingsOf(r, "loadbalancers-gateway-families"); code != 0 || len(gw) != 1 || gw[0].Result != check.Pass || !strings.Contains(gw[0].Message, "does not serve gateways.gateway.networking.k8s.io/v1") {
				t.Errorf("no Gateway API: exit %d, gateway findings %+v; want one pass saying it is not served", code, gw)
			}
			if _, stderr, code := runSplit(t, bin, "get", "gateways", "--kubeconfig", c.Kubeconfig); code != 1 || !strings.Contains(stderr, `the server doesn't have a resource type "gateways"`) {
				t.Errorf("get gateways without the CRD: exit %d, stderr %q", code, stderr)
			}

			applyGatewayCRD(t, c.Kubeconfig)
			manifest := filepath.Join(t.TempDir(), "lb.yaml")
			if err := os.WriteFile(manifest, []byte(loadBalancerObjects), 0o644); err != nil {
				t.Fatal(err)
			}
			kubectl(t, c.Kubeconfig, "apply", "-f", manifest)

			// Pending: nothing published yet is an info, never a warning.
			r, code = runCheck(t, c.Kubeconfig, "--fail-on", "warning")
			if got := failing(r); code != 0 || len(got) > 0 {
				t.Errorf("pending: exit %d, failing %v\n%s", code, got, describeFindings(r))
			}
			assertLoadBalancerFindings(t, r, check.Info, "pending")

			// One family published: the three warnings, naming the other.
			patchStatus(t, c.Kubeconfig, tt.primary)
			r, code = runCheck(t, c.Kubeconfig, "--fail-on", "warning")
			t.Logf("one family:\n%s", describeFindings(r))
			if got := failing(r); code != 1 || !slices.Equal(got, loadBalancerRuleIDs) {
				t.Errorf("one family: exit %d, failing %v, want 1 and %v", code, got, loadBalancerRuleIDs)
			}
			assertLoadBalancerFindings(t, r, check.Warning, "publishes "+string(tt.fams[0])+" only ("+tt.primary+"), no "+string(tt.fams[1])+" address")
			assertAddressColumn(t, plugin("get", "ingresses", "-n", "lb"), "web", tt.primary)
			assertAddressColumn(t, plugin("get", "gateways", "-n", "lb"), "web", tt.primary)

			// Both families, the secondary listed first and a hostname
			// before them: the warnings go away; the views list the IPs
			// primary first, then the hostname; -w prints the change.
			watch := startWatch(t, bin, "get", "gateways", "-n", "lb", "-w", "--kubeconfig", c.Kubeconfig)
			patchStatus(t, c.Kubeconfig, "gw.example.com", tt.secondary, tt.primary)
			r, code = runCheck(t, c.Kubeconfig, "--fail-on", "warning")
			if got := failing(r); code != 0 || len(got) > 0 {
				t.Errorf("both families: exit %d, failing %v\n%s", code, got, describeFindings(r))
			}
			for _, id := range loadBalancerRuleIDs {
				if f := findingsOf(r, id); len(f) != 1 || f[0].Result != check.Pass {
					t.Errorf("both families: %s %+v, want a pass", id, f)
				}
			}
			all := tt.primary + "," + tt.secondary + ",gw.example.com"
			watch.waitFor(t, func(f []string) bool { return len(f) >= 3 && f[0] == "web" && f[2] == all })
			ingresses := plugin("get", "ingresses", "-n", "lb")
			assertAddressColumn(t, ingresses, "web", all)
			gateways := plugin("get", "gateways", "-n", "lb", "-o", "wide")
			assertAddressColumn(t, gateways, "web", all)
			// kubectl's other columns are the same; its ADDRESS shows a
			// Gateway's first address only, and an Ingress's sorted as text
			// (IPv6 before IPv4 whatever the cluster's primary family).
			theirIngresses, theirGateways := kubectl(t, c.Kubeconfig, "get", "ingresses", "-n", "lb"), kubectl(t, c.Kubeconfig, "get", "gateways", "-n", "lb")
			t.Logf("ours:\n%s%s\nkubectl's:\n%s%s", ingresses, gateways, theirIngresses, theirGateways)
			assertSharedColumns(t, ingresses, theirIngresses, "NAME", "CLASS", "HOSTS", "PORTS", "AGE")
			assertSharedColumns(t, gateways, theirGateways, "NAME", "CLASS", "PROGRAMMED", "AGE")
			if got := columns(t, theirGateways)[0]["ADDRESS"]; got != "gw.example.com" {
				t.Errorf("kubectl's gateway ADDRESS %q, want the first status address only", got)
			}
			for _, typ := range []string{"ingresses", "gateways"} {
				for _, format := range []string{"json", "name"} {
					ours, theirs := plugin("get", typ, "-A", "-o", format), kubectl(t, c.Kubeconfig, "get", typ, "-A", "-o", format)
					if format == "json" {
						assertSameJSON(t, "get "+typ, ours, theirs)
					} else if ours != theirs {
						t.Errorf("get %s -o name:\n%s\nkubectl:\n%s", typ, ours, theirs)
					}
				}
			}

			// Completion of the new types' names.
			for _, typ := range []string{"ingresses", "gtw"} {
				out, _, _ := runSplit(t, bin, "__complete", "--kubeconfig", c.Kubeconfig, "get", typ, "-n", "lb", "")
				if comps := completions(t, out); !slices.Equal(comps, []string{"web"}) {
					t.Errorf("get %s -n lb <TAB>: %q", typ, comps)
				}
			}

			// The golden fixtures' Ingresses and Gateways, created here with
			// their status, print as the golden tables (fake clientsets)
			// say, AGE aside.
			createFixtureObjects(t, c, filepath.Join(repoDir, "testdata", "get", string(tt.layout)+".yaml"))
			golden := func(name string) string {
				data, err := os.ReadFile(filepath.Join(repoDir, "testdata", "get", "golden", string(tt.layout)+"."+name+".txt"))
				if err != nil {
					t.Fatal(err)
				}
				return string(data)
			}
			assertSameRows(t, "get ingresses -A", plugin("get", "ingresses", "-A"), golden("ingresses-all-namespaces"), "lb")
			assertSameRows(t, "get gateways", plugin("get", "gateways"), golden("gateways"), "")
		})
	}
}

// loadBalancerObjects are a dual-stack LoadBalancer Service, an Ingress
// and a Gateway, with no status yet.
const loadBalancerObjects = `apiVersion: v1
kind: Namespace
metadata:
  name: lb
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: lb
spec:
  type: LoadBalancer
  ipFamilyPolicy: RequireDualStack
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: lb
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: web
  namespace: lb
spec:
  gatewayClassName: eg
  listeners:
  - name: http
    port: 80
    protocol: HTTP
`

// patchStatus sets the status of lb/web (Service, Ingress, Gateway) to
// addresses, through the status subresource as a controller would: IPs as
// ip (IPAddress), the others as hostname (Hostname); the Gateway
// Programmed.
func patchStatus(t *testing.T, kubeconfig string, addresses ...string) {
	t.Helper()
	var ingress, gateway []map[string]string
	for _, a := range addresses {
		if _, err := netip.ParseAddr(a); err == nil {
			ingress = append(ingress, map[string]string{"ip": a})
			gateway = append(gateway, map[string]string{"type": "IPAddress", "value": a})
		} else {
			ingress = append(ingress, map[string]string{"hostname": a})
			gateway = append(gateway, map[string]string{"type": "Hostname", "value": a})
		}
	}
	lb := map[string]any{"status": map[string]any{"loadBalancer": map[string]any{"ingress": ingress}}}
	gw := map[string]any{"status": map[string]any{"addresses": gateway, "conditions": []map[string]any{{
		"type": "Programmed", "status": "True", "reason": "Programmed", "message": "", "lastTransitionTime": metav1.Now().UTC().Format("2006-01-02T15:04:05Z"),
	}}}}
	for _, p := range []struct {
		kind  string
		patch any
	}{{"service", lb}, {"ingress", lb}, {"gateway", gw}} {
		data, err := json.Marshal(p.patch)
		if err != nil {
			t.Fatal(err)
		}
		kubectl(t, kubeconfig, "patch", p.kind, "web", "-n", "lb", "--subresource=status", "--type=merge", "-p", string(data))
	}
}

// assertLoadBalancerFindings: each loadbalancers rule failed once, about
// lb/web, at sev, with a message holding text.
func assertLoadBalancerFindings(t *testing.T, r report.Report, sev check.Severity, text string) {
	t.Helper()
	subjects := map[string]string{
		"loadbalancers-service-families": "service/lb/web status.loadBalancer.ingress",
		"loadbalancers-ingress-families": "ingress/lb/web status.loadBalancer.ingress",
		"loadbalancers-gateway-families": "gateway/lb/web status.addresses",
	}
	for id, subject := range subjects {
		f := findingsOf(r, id)
		if len(f) != 1 || f[0].Result != check.Fail || f[0].Severity != sev || f[0].Subject != subject || !strings.Contains(f[0].Message, text) {
			t.Errorf("%s: %+v, want one %s about %s containing %q", id, f, sev, subject, text)
		}
	}
}

// assertAddressColumn: the row of name shows want in ADDRESS.
func assertAddressColumn(t *testing.T, table, name, want string) {
	t.Helper()
	for _, row := range columns(t, table) {
		if row["NAME"] == name {
			if row["ADDRESS"] != want {
				t.Errorf("%s: ADDRESS %q, want %q\n%s", name, row["ADDRESS"], want, table)
			}
			return
		}
	}
	t.Errorf("no row %s in\n%s", name, table)
}

// assertSameRows compares two tables' rows, every column but AGE, leaving
// out the rows of namespace skip.
func assertSameRows(t *testing.T, what, got, want, skip string) {
	t.Helper()
	rows := func(table string) []map[string]string {
		var out []map[string]string
		for _, row := range columns(t, table) {
			if skip != "" && row["NAMESPACE"] == skip {
				continue
			}
			delete(row, "AGE")
			out = append(out, row)
		}
		return out
	}
	if g, w := rows(got), rows(want); len(w) == 0 || !reflect.DeepEqual(g, w) {
		t.Errorf("%s on a real API server differs from the golden table:\n%s\ngolden:\n%s", what, got, want)
	}
}

// createFixtureObjects creates the Ingresses and Gateways of a fixture
// file, then writes their status through the status subresource.
func createFixtureObjects(t *testing.T, c *localcluster.Cluster, path string) {
	t.Helper()
	ctx := context.Background()
	dyn := dynamic.NewForConfigOrDie(c.RESTConfig)
	resources := map[string]schema.GroupVersionResource{
		"Ingress": {Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"},
		"Gateway": {Group: "gateway.networking.k8s.io", Version: "v1", Resource: "gateways"},
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
	created := 0
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		obj := &unstructured.Unstructured{}
		if err := utilyaml.Unmarshal(doc, &obj.Object); err != nil || obj.Object == nil {
			continue // comments only
		}
		gvr, ok := resources[obj.GetKind()]
		if !ok {
			continue
		}
		status, hasStatus := obj.Object["status"]
		delete(obj.Object, "status")
		obj.SetUID("")
		obj.SetCreationTimestamp(metav1.Time{})
		client := dyn.Resource(gvr).Namespace(obj.GetNamespace())
		live, err := client.Create(ctx, obj, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create %s %s/%s: %v", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
		if hasStatus {
			live.Object["status"] = status
			if _, err := client.UpdateStatus(ctx, live, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("status of %s %s/%s: %v", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
			}
		}
		created++
	}
	if created == 0 {
		t.Fatalf("%s: no Ingress or Gateway", path)
	}
}
