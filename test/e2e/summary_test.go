package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// TestSummary: on a real dual-stack control plane with a mixed workload
// (dual pods and Services, a forgotten single-stack Service, a pod and a
// Service single-stack on purpose and exempt, a namespace exempt as a
// whole, a dual Service one of whose backends has one family, a load
// balancer and an Ingress publishing one family, a one-family
// NetworkPolicy), every number of `summary -A -o json` equals the one this
// test computes from the raw objects, listed here with client-go; --by
// owner puts a Deployment's pods under the Deployment; -o wide names what
// is single-stack; a user who may not list Ingresses gets them "unknown"
// and exit 1.
func TestSummary(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{Nodes: 2})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	applyYAML(t, c, summaryNamespaces)
	for _, ns := range []string{"shop", "edge", "policies", "legacy"} {
		waitForServiceAccount(t, client, ns)
	}
	applyYAML(t, c, summaryWorkload)
	waitForPodIPs(t, client, "shop", 6) // web x3, legacy-app, mixed-1, mixed-2
	waitForPodIPs(t, client, "legacy", 1)
	waitForServiceSlices(t, client)
	waitForSlices(t, client, "shop", "mixed", 2)
	for _, s := range []struct{ kind, name string }{{"service", "lb"}, {"ingress", "www-v4"}} {
		kubectl(t, c.Kubeconfig, "patch", s.kind, s.name, "-n", "edge", "--subresource=status", "--type=merge", "-p", `{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}`)
	}
	kubectl(t, c.Kubeconfig, "patch", "ingress", "www", "-n", "edge", "--subresource=status", "--type=merge", "-p", `{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.11"},{"ip":"2001:db8::11"}]}}}`)
	plugin := filepath.Join(binDir(t), "kubectl-dualstack")

	t.Run("numbers", func(t *testing.T) {
		// The objects may still move (a slice being rewritten): the
		// expected numbers are taken before and after the plugin's run,
		// and compared only when they agree.
		var want, got map[string]summaryCounts
		err := wait.PollUntilContextTimeout(ctx, time.Second, 60*time.Second, true, func(ctx context.Context) (bool, error) {
			before := expectedSummary(t, client)
			began := time.Now()
			out, stderr, code := runSplit(t, plugin, "summary", "-A", "-o", "json", "--kubeconfig", c.Kubeconfig)
			t.Logf("summary -A -o json: exit %d in %.2fs", code, time.Since(began).Seconds())
			if code != 0 || stderr != "" {
				t.Fatalf("summary -A -o json: exit %d, stderr %q", code, stderr)
			}
			got = parseSummary(t, out)
			want = expectedSummary(t, client)
			return reflect.DeepEqual(before, want) && reflect.DeepEqual(got, want), nil
		})
		if err != nil {
			for _, ns := range slices.Sorted(maps.Keys(want)) {
				if !reflect.DeepEqual(got[ns], want[ns]) {
					t.Errorf("%s:\n got %s\nwant %s", ns, asJSON(got[ns]), asJSON(want[ns]))
				}
			}
			for ns := range got {
				if _, ok := want[ns]; !ok {
					t.Errorf("%s: in the summary, not expected: %s", ns, asJSON(got[ns]))
				}
			}
		}
		// The workload is what the test means it to be: the numbers above
		// compare something.
		shop, edge, pol, legacy := want["shop"], want["edge"], want["policies"], want["legacy"]
		if shop.Pods == nil || shop.Services == nil || shop.Exempt == nil || edge.LoadBalancers == nil || edge.Ingresses == nil || pol.NetworkPolicies == nil || legacy.Exempt == nil {
			t.Fatalf("a namespace of the workload is missing: %v", slices.Sorted(maps.Keys(want)))
		}
		if shop.Pods.Running != 6 || shop.Pods.Dual != 4 || shop.Exempt.Pods != 1 || shop.Services.Single != 2 || shop.Exempt.Services != 1 ||
			*shop.Services.BackendsMissingFamily != 1 || edge.LoadBalancers.Total != 1 || edge.LoadBalancers.Dual != 0 || edge.Ingresses.Total != 2 ||
			edge.Ingresses.Dual != 1 || pol.NetworkPolicies.OneFamily != 1 || pol.NetworkPolicies.WithIPBlocks != 2 || legacy.Exempt.Pods != 1 || legacy.Exempt.Services != 1 {
			t.Errorf("the workload is not the one meant: shop %s, edge %s, policies %s, legacy %s", asJSON(shop), asJSON(edge), asJSON(pol), asJSON(legacy))
		}
	})

	t.Run("by owner", func(t *testing.T) {
		out, _, code := runSplit(t, plugin, "summary", "-n", "shop", "--by", "owner", "-o", "json", "--kubeconfig", c.Kubeconfig)
		var s struct {
			Groups []struct {
				Namespace string
				Owner     *struct{ Kind, Name string }
				Pods      *struct{ Running, Dual int }
			}
		}
		if err := json.Unmarshal([]byte(out), &s); err != nil || code != 0 {
			t.Fatalf("exit %d, %v:\n%s", code, err, out)
		}
		owners := map[string]int{}
		for _, g := range s.Groups {
			name := "<none>"
			if g.Owner != nil {
				name = g.Owner.Kind + "/" + g.Owner.Name
			}
			owners[name] = g.Pods.Running
		}
		if want := map[string]int{"Deployment/web": 3, "<none>": 3}; !reflect.DeepEqual(owners, want) {
			t.Errorf("groups by owner (pods each) %v, want %v", owners, want)
		}
	})

	t.Run("wide names", func(t *testing.T) {
		out := run(t, plugin, "summary", "-A", "-o", "wide", "--kubeconfig", c.Kubeconfig)
		t.Logf("summary -A -o wide:\n%s", out)
		rows := map[string]string{}
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				rows[f[0]] = line
			}
		}
		for ns, names := range map[string][]string{
			"shop":     {"service/web-v4", "service/mixed (backends)", "pod/mixed-2"},
			"edge":     {"service/lb (load balancer)", "ingress/www-v4"},
			"policies": {"networkpolicy/allow-v4"},
		} {
			for _, n := range names {
				if !strings.Contains(rows[ns], n) {
					t.Errorf("%s's row does not name %s: %q", ns, n, rows[ns])
				}
			}
		}
		for _, exempt := range []string{"service/pinned", "pod/legacy-app", "service/old", "pod/old-1"} {
			if strings.Contains(out, exempt) {
				t.Errorf("exempt %s is named as not dual-stack", exempt)
			}
		}
	})

	t.Run("config file exemptions", func(t *testing.T) {
		// The file exempts pod/mixed-2 (one family) by name: it leaves
		// the pods counted and joins the exempt ones, as an annotation would.
		before := parseSummary(t, run(t, plugin, "summary", "-n", "shop", "-o", "json", "--kubeconfig", c.Kubeconfig))["shop"]
		file := filepath.Join(t.TempDir(), "dualstack.yaml")
		if err := os.WriteFile(file, []byte(`apiVersion: dualstack.kubectl.io/v1alpha1
kind: CheckConfig
exemptions:
- rules: [pods-dual-stack-ips]
  namespaces: [shop]
  names: ["mixed-2"]
  reason: "waits for the CNI upgrade"
`), 0o644); err != nil {
			t.Fatal(err)
		}
		out := run(t, plugin, "summary", "-n", "shop", "-o", "json", "--config", file, "--kubeconfig", c.Kubeconfig)
		after := parseSummary(t, out)["shop"]
		if after.Exempt.Pods != before.Exempt.Pods+1 || after.Pods.Running != before.Pods.Running || after.Pods.Dual != before.Pods.Dual {
			t.Errorf("with the file: pods %s, exempt %s; without: pods %s, exempt %s", asJSON(after.Pods), asJSON(after.Exempt), asJSON(before.Pods), asJSON(before.Exempt))
		}
		var scope struct{ Scope struct{ Config string } }
		if err := json.Unmarshal([]byte(out), &scope); err != nil || scope.Scope.Config != file {
			t.Errorf("scope.config %q, want %s (%v)", scope.Scope.Config, file, err)
		}
	})

	t.Run("forbidden", func(t *testing.T) {
		// The viewer's rights, Ingresses aside, for an impersonated user.
		kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "deploy", "rbac.yaml"))
		viewer, err := client.RbacV1().ClusterRoles().Get(ctx, "dualstack-viewer", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "summary-no-ingresses"}}
		for _, r := range viewer.Rules {
			r.Resources = slices.DeleteFunc(slices.Clone(r.Resources), func(res string) bool { return res == "ingresses" })
			if len(r.Resources) > 0 {
				role.Rules = append(role.Rules, r)
			}
		}
		if _, err := client.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		kubectl(t, c.Kubeconfig, "create", "clusterrolebinding", "no-ingresses", "--clusterrole=summary-no-ingresses", "--user=no-ingresses")
		kubectl(t, c.Kubeconfig, "create", "rolebinding", "no-ingresses", "-n", "kube-system", "--role=dualstack-viewer", "--user=no-ingresses")

		out, stderr, code := runSplit(t, plugin, "summary", "-A", "-o", "json", "--as=no-ingresses", "--kubeconfig", c.Kubeconfig)
		var s struct {
			Complete bool
			Unknown  []struct{ Source, Reason string }
			Groups   []map[string]any
			Total    map[string]any
		}
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("exit %d, %v:\n%s%s", code, err, out, stderr)
		}
		if code != 1 || s.Complete || len(s.Unknown) != 1 || s.Unknown[0].Source != "Ingresses" || !strings.HasPrefix(s.Unknown[0].Reason, "forbidden: ") {
			t.Errorf("exit %d, complete %v, unknown %+v; want 1, false, Ingresses forbidden", code, s.Complete, s.Unknown)
		}
		for _, g := range append(s.Groups, s.Total) {
			if v, ok := g["ingresses"]; !ok || v != nil || g["pods"] == nil || g["readiness"] != nil {
				t.Errorf("group %v: ingresses %v (present %v), pods %v, readiness %v; want ingresses and readiness null, pods counted", g["namespace"], v, ok, g["pods"], g["readiness"])
			}
		}
		out, _, code = runSplit(t, plugin, "summary", "-A", "--as=no-ingresses", "--kubeconfig", c.Kubeconfig)
		if code != 1 || !strings.Contains(out, "Incomplete: Ingresses could not be read (forbidden: ") {
			t.Errorf("table: exit %d:\n%s", code, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "edge ") && strings.Count(line, "unknown") != 3 { // INGRESS, EXEMPT, READINESS
				t.Errorf("edge's row: %q", line)
			}
		}
	})
}

const summaryNamespaces = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: edge}
---
apiVersion: v1
kind: Namespace
metadata: {name: policies}
---
apiVersion: v1
kind: Namespace
metadata:
  name: legacy
  annotations:
    dualstack.kubectl.io/exempt: "*: the mainframe gateway is IPv4-only (TICKET-42)"
`

// summaryWorkload is the mixed workload. Pods with the node agent's
// ip-families annotation get those families only.
const summaryWorkload = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.k8s.io/pause:3.10}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ipFamilyPolicy: PreferDualStack, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-v4, namespace: shop}
spec: {ipFamilyPolicy: SingleStack, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata:
  name: pinned
  namespace: shop
  annotations: {dualstack.kubectl.io/exempt: "*: clients pin its IPv4 address"}
spec: {ipFamilyPolicy: SingleStack, ipFamilies: [IPv4], selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-headless, namespace: shop}
spec: {clusterIP: None, ipFamilyPolicy: RequireDualStack, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: legacy-app
  namespace: shop
  annotations:
    localcluster.kubectl-dualstack.dev/ip-families: IPv4
    dualstack.kubectl.io/exempt: "pods-dual-stack-ips: talks to an IPv4-only mainframe"
spec: {containers: [{name: app, image: registry.k8s.io/pause:3.10}]}
---
apiVersion: v1
kind: Pod
metadata: {name: mixed-1, namespace: shop, labels: {app: mixed}}
spec: {containers: [{name: app, image: registry.k8s.io/pause:3.10}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: mixed-2
  namespace: shop
  labels: {app: mixed}
  annotations: {localcluster.kubectl-dualstack.dev/ip-families: IPv4}
spec: {containers: [{name: app, image: registry.k8s.io/pause:3.10}]}
---
apiVersion: v1
kind: Service
metadata: {name: mixed, namespace: shop}
spec: {ipFamilyPolicy: RequireDualStack, selector: {app: mixed}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: lb, namespace: edge}
spec: {type: LoadBalancer, ipFamilyPolicy: RequireDualStack, selector: {app: lb}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: outside, namespace: edge}
spec: {type: ExternalName, externalName: example.com}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: www, namespace: edge}
spec: {defaultBackend: {service: {name: lb, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: www-v4, namespace: edge}
spec: {defaultBackend: {service: {name: lb, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-v4, namespace: policies}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-both, namespace: policies}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: "::/0"}}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-namespace, namespace: policies}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {}}]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: old-1
  namespace: legacy
  annotations: {localcluster.kubectl-dualstack.dev/ip-families: IPv4}
spec: {containers: [{name: app, image: registry.k8s.io/pause:3.10}]}
---
apiVersion: v1
kind: Service
metadata: {name: old, namespace: legacy}
spec: {ipFamilyPolicy: SingleStack, ipFamilies: [IPv4], selector: {app: old}, ports: [{port: 80}]}
`

// summaryCounts are the counts of one namespace in summary's JSON, as
// docs/summary.md names them (a type of the test's own: the field names
// are part of what is tested).
type summaryCounts struct {
	Pods *struct {
		Running int `json:"running"`
		Dual    int `json:"dual"`
	} `json:"pods"`
	Services *struct {
		Dual                  int       `json:"dual"`
		PreferButSingle       int       `json:"preferButSingle"`
		Single                int       `json:"single"`
		Headless              dualOfAll `json:"headless"`
		BackendsMissingFamily *int      `json:"backendsMissingFamily"`
	} `json:"services"`
	LoadBalancers   *dualOfAll `json:"loadBalancers"`
	Ingresses       *dualOfAll `json:"ingresses"`
	NetworkPolicies *struct {
		Total        int `json:"total"`
		WithIPBlocks int `json:"withIPBlocks"`
		OneFamily    int `json:"oneFamily"`
	} `json:"networkPolicies"`
	Exempt *struct {
		Pods            int `json:"pods"`
		Services        int `json:"services"`
		LoadBalancers   int `json:"loadBalancers"`
		Ingresses       int `json:"ingresses"`
		NetworkPolicies int `json:"networkPolicies"`
	} `json:"exempt"`
	Readiness *struct {
		Ready   int  `json:"ready"`
		Counted int  `json:"counted"`
		Percent *int `json:"percent"`
	} `json:"readiness"`
}

type dualOfAll struct {
	Dual  int `json:"dual"`
	Total int `json:"total"`
}

// parseSummary reads summary's JSON into counts by namespace, "TOTAL" for
// the total.
func parseSummary(t *testing.T, out string) map[string]summaryCounts {
	t.Helper()
	var s struct {
		Complete bool `json:"complete"`
		Groups   []struct {
			Namespace string `json:"namespace"`
			summaryCounts
		} `json:"groups"`
		Total summaryCounts `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary printed no JSON: %v\n%s", err, out)
	}
	if !s.Complete {
		t.Errorf("the summary of an admin is incomplete:\n%s", out)
	}
	got := map[string]summaryCounts{"TOTAL": s.Total}
	for _, g := range s.Groups {
		got[g.Namespace] = g.summaryCounts
	}
	return got
}

// expectedSummary computes, from the objects listed with client-go, what
// docs/summary.md says summary counts, namespace by namespace.
func expectedSummary(t *testing.T, client kubernetes.Interface) map[string]summaryCounts {
	t.Helper()
	ctx := context.Background()
	pods, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	services, err := client.CoreV1().Services("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	slicesList, err := client.DiscoveryV1().EndpointSlices("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ingresses, err := client.NetworkingV1().Ingresses("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	policies, err := client.NetworkingV1().NetworkPolicies("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	namespaces, err := client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	nsAnnotations := map[string]map[string]string{}
	for _, ns := range namespaces.Items {
		nsAnnotations[ns.Name] = ns.Annotations
	}
	exempt := func(m metav1.ObjectMeta, rule string) bool {
		for _, annotations := range []map[string]string{m.Annotations, nsAnnotations[m.Namespace]} {
			rules, _, ok := strings.Cut(annotations["dualstack.kubectl.io/exempt"], ":")
			if !ok {
				continue
			}
			for _, r := range strings.Split(rules, ",") {
				if r = strings.TrimSpace(r); r == "*" || r == rule {
					return true
				}
			}
		}
		return false
	}

	type tally struct {
		running, dualPods, exPods                     int
		dual, prefer, single, hlDual, hlAll, backends int
		exSvc, lbDual, lbAll, exLB, ingDual, ingAll   int
		exIng, npAll, npBlocks, npOne, exNP           int
	}
	byNS := map[string]*tally{}
	of := func(ns string) *tally {
		if byNS[ns] == nil {
			byNS[ns] = &tally{}
		}
		return byNS[ns]
	}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning {
			continue
		}
		n := of(p.Namespace)
		n.running++
		var ips []string
		for _, ip := range p.Status.PodIPs {
			ips = append(ips, ip.IP)
		}
		switch {
		case bothFamilies(ips):
			n.dualPods++
		case exempt(p.ObjectMeta, "pods-dual-stack-ips"):
			n.exPods++
		}
	}
	// Each pod's addresses in a Service's ready endpoints, by family.
	backends := map[string]map[string]map[discoveryv1.AddressType]bool{} // ns/service -> pod -> families
	types := map[string]map[discoveryv1.AddressType]bool{}
	for _, s := range slicesList.Items {
		key := s.Namespace + "/" + s.Labels[discoveryv1.LabelServiceName]
		if types[key] == nil {
			types[key], backends[key] = map[discoveryv1.AddressType]bool{}, map[string]map[discoveryv1.AddressType]bool{}
		}
		types[key][s.AddressType] = true
		for _, ep := range s.Endpoints {
			if (ep.Conditions.Ready != nil && !*ep.Conditions.Ready) || ep.TargetRef == nil {
				continue
			}
			if backends[key][ep.TargetRef.Name] == nil {
				backends[key][ep.TargetRef.Name] = map[discoveryv1.AddressType]bool{}
			}
			backends[key][ep.TargetRef.Name][s.AddressType] = true
		}
	}
	for _, s := range services.Items {
		if s.Spec.Type == corev1.ServiceTypeExternalName || (s.Namespace == "default" && s.Name == "kubernetes") {
			continue
		}
		n := of(s.Namespace)
		policy := corev1.IPFamilyPolicySingleStack
		if s.Spec.IPFamilyPolicy != nil {
			policy = *s.Spec.IPFamilyPolicy
		}
		dual := policy != corev1.IPFamilyPolicySingleStack && len(s.Spec.IPFamilies) == 2
		switch {
		case s.Spec.ClusterIP == corev1.ClusterIPNone:
			n.hlAll++
			if dual {
				n.hlDual++
			}
		case dual:
			n.dual++
		case policy == corev1.IPFamilyPolicyPreferDualStack:
			n.prefer++
		default:
			n.single++
		}
		key := s.Namespace + "/" + s.Name
		switch {
		case !dual && exempt(s.ObjectMeta, "services-prefer-dual-stack-single-family"):
			n.exSvc++
		case dual && len(s.Spec.Selector) > 0:
			missing := len(types[key]) < 2
			for _, fams := range backends[key] {
				missing = missing || len(fams) < 2
			}
			if missing {
				n.backends++
			}
		}
		if s.Spec.Type == corev1.ServiceTypeLoadBalancer {
			n.lbAll++
			var ips []string
			for _, i := range s.Status.LoadBalancer.Ingress {
				ips = append(ips, i.IP)
			}
			switch {
			case bothFamilies(ips):
				n.lbDual++
			case exempt(s.ObjectMeta, "loadbalancers-service-families"):
				n.exLB++
			}
		}
	}
	for _, ing := range ingresses.Items {
		n := of(ing.Namespace)
		n.ingAll++
		var ips []string
		for _, i := range ing.Status.LoadBalancer.Ingress {
			ips = append(ips, i.IP)
		}
		switch {
		case bothFamilies(ips):
			n.ingDual++
		case exempt(ing.ObjectMeta, "loadbalancers-ingress-families"):
			n.exIng++
		}
	}
	for _, p := range policies.Items {
		n := of(p.Namespace)
		n.npAll++
		blocks, one := policyBlocks(p)
		if blocks {
			n.npBlocks++
		}
		if one {
			n.npOne++
			if exempt(p.ObjectMeta, "networkpolicies-ipblock-families") {
				n.exNP++
			}
		}
	}

	out := map[string]summaryCounts{}
	total := &tally{}
	for _, ns := range slices.Sorted(maps.Keys(byNS)) {
		n := byNS[ns]
		out[ns] = countsOf(n.running, n.dualPods, n.exPods, n.dual, n.prefer, n.single, n.hlDual, n.hlAll, n.backends, n.exSvc,
			n.lbDual, n.lbAll, n.exLB, n.ingDual, n.ingAll, n.exIng, n.npAll, n.npBlocks, n.npOne, n.exNP)
		for _, f := range []struct{ sum, add *int }{
			{&total.running, &n.running}, {&total.dualPods, &n.dualPods}, {&total.exPods, &n.exPods}, {&total.dual, &n.dual},
			{&total.prefer, &n.prefer}, {&total.single, &n.single}, {&total.hlDual, &n.hlDual}, {&total.hlAll, &n.hlAll},
			{&total.backends, &n.backends}, {&total.exSvc, &n.exSvc}, {&total.lbDual, &n.lbDual}, {&total.lbAll, &n.lbAll},
			{&total.exLB, &n.exLB}, {&total.ingDual, &n.ingDual}, {&total.ingAll, &n.ingAll}, {&total.exIng, &n.exIng},
			{&total.npAll, &n.npAll}, {&total.npBlocks, &n.npBlocks}, {&total.npOne, &n.npOne}, {&total.exNP, &n.exNP},
		} {
			*f.sum += *f.add
		}
	}
	n := total
	out["TOTAL"] = countsOf(n.running, n.dualPods, n.exPods, n.dual, n.prefer, n.single, n.hlDual, n.hlAll, n.backends, n.exSvc,
		n.lbDual, n.lbAll, n.exLB, n.ingDual, n.ingAll, n.exIng, n.npAll, n.npBlocks, n.npOne, n.exNP)
	return out
}

// countsOf fills summaryCounts, readiness as docs/summary.md defines it:
// dual-stack items / items, exempt ones left out.
func countsOf(running, dualPods, exPods, dual, prefer, single, hlDual, hlAll, backends, exSvc, lbDual, lbAll, exLB, ingDual, ingAll, exIng, npAll, npBlocks, npOne, exNP int) summaryCounts {
	var c summaryCounts
	js := fmt.Sprintf(`{"pods":{"running":%d,"dual":%d},
		"services":{"dual":%d,"preferButSingle":%d,"single":%d,"headless":{"dual":%d,"total":%d},"backendsMissingFamily":%d},
		"loadBalancers":{"dual":%d,"total":%d},"ingresses":{"dual":%d,"total":%d},
		"networkPolicies":{"total":%d,"withIPBlocks":%d,"oneFamily":%d},
		"exempt":{"pods":%d,"services":%d,"loadBalancers":%d,"ingresses":%d,"networkPolicies":%d}}`,
		running, dualPods, dual, prefer, single, hlDual, hlAll, backends, lbDual, lbAll, ingDual, ingAll, npAll, npBlocks, npOne,
		exPods, exSvc, exLB, exIng, exNP)
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		panic(err)
	}
	counted := running + dual + prefer + single + hlAll + lbAll + ingAll + npBlocks - (exPods + exSvc + exLB + exIng + exNP)
	ready := dualPods + dual + hlDual - backends + lbDual + ingDual + npBlocks - npOne
	c.Readiness = &struct {
		Ready   int  `json:"ready"`
		Counted int  `json:"counted"`
		Percent *int `json:"percent"`
	}{Ready: ready, Counted: counted}
	if counted > 0 {
		p := ready * 100 / counted
		c.Readiness.Percent = &p
	}
	return c
}

func asJSON(v any) string {
	out, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(out)
}

// bothFamilies says whether ips hold an IPv4 and an IPv6 address.
func bothFamilies(ips []string) bool {
	var v4, v6 bool
	for _, s := range ips {
		if a, err := netip.ParseAddr(s); err == nil {
			v4, v6 = v4 || a.Is4(), v6 || a.Is6()
		}
	}
	return v4 && v6
}

// policyBlocks: whether a policy has ipBlock peers, and whether a rule's
// ipBlocks are of one family (the test's policies have one rule each).
func policyBlocks(p networkingv1.NetworkPolicy) (blocks, oneFamily bool) {
	var peers [][]networkingv1.NetworkPolicyPeer
	for _, r := range p.Spec.Ingress {
		peers = append(peers, r.From)
	}
	for _, r := range p.Spec.Egress {
		peers = append(peers, r.To)
	}
	for _, rule := range peers {
		var v4, v6 bool
		for _, peer := range rule {
			if peer.IPBlock == nil {
				continue
			}
			blocks = true
			if pfx, err := netip.ParsePrefix(peer.IPBlock.CIDR); err == nil {
				v4, v6 = v4 || pfx.Addr().Is4(), v6 || pfx.Addr().Is6()
			}
		}
		oneFamily = oneFamily || v4 != v6
	}
	return blocks, oneFamily
}
