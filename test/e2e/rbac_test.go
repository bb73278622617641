package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// auditEvent holds the fields of an audit.k8s.io/v1 Event the test reads.
type auditEvent struct {
	AuditID          string                     `json:"auditID"`
	RequestURI       string                     `json:"requestURI"`
	Verb             string                     `json:"verb"`
	User             struct{ Username string }  `json:"user"`
	ImpersonatedUser *struct{ Username string } `json:"impersonatedUser"`
	ObjectRef        *struct {
		Resource, Namespace, APIGroup, Subresource string
	} `json:"objectRef"`
	ResponseStatus *struct{ Code int } `json:"responseStatus"`
}

// username is who the request acted as.
func (e auditEvent) username() string {
	if e.ImpersonatedUser != nil {
		return e.ImpersonatedUser.Username
	}
	return e.User.Username
}

// resource is "[group/]resource[/subresource]" (no group for the core
// API), or the URL path of a non-resource request (/api, /version).
func (e auditEvent) resource() string {
	if e.ObjectRef == nil {
		path, _, _ := strings.Cut(e.RequestURI, "?")
		return path
	}
	r := e.ObjectRef.Resource
	if e.ObjectRef.APIGroup != "" {
		r = e.ObjectRef.APIGroup + "/" + r
	}
	if e.ObjectRef.Subresource != "" {
		r += "/" + e.ObjectRef.Subresource
	}
	return r
}

func (e auditEvent) code() int {
	if e.ResponseStatus == nil {
		return 0 // a watch that is still running
	}
	return e.ResponseStatus.Code
}

// isProbe: the dry-run create of check --probe, the one request the plugin
// may send that is not a read.
func (e auditEvent) isProbe() bool {
	u, err := url.ParseRequestURI(e.RequestURI)
	return err == nil && e.Verb == "create" && e.resource() == "services" && u.Query().Get("dryRun") == "All"
}

// readAudit returns the audit log's events, one per request (a watch logs
// when it starts and when it ends; the last event wins).
func readAudit(t *testing.T, path string) []auditEvent {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(data, []byte("\n"))
	lines = lines[:len(lines)-1] // "" or a line still being written
	index := map[string]int{}
	var out []auditEvent
	for _, line := range lines {
		var e auditEvent
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("audit log line %q: %v", line, err)
		}
		if i, ok := index[e.AuditID]; ok {
			out[i] = e
			continue
		}
		index[e.AuditID] = len(out)
		out = append(out, e)
	}
	return out
}

// waitForAudit waits until the audit log holds an event that match accepts.
func waitForAudit(t *testing.T, path string, what string, match func(auditEvent) bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 20*time.Second, true, func(context.Context) (bool, error) {
		return slices.ContainsFunc(readAudit(t, path), match), nil
	})
	if err != nil {
		t.Fatalf("no audit event of %s: %v", what, err)
	}
}

// serviceAccountKubeconfig writes a kubeconfig that authenticates as the
// ServiceAccount ns/name with a token from the TokenRequest API, as a CI job
// would: requests are the ServiceAccount's own, not an admin's impersonating
// it, so the audit log's user is the ServiceAccount.
func serviceAccountKubeconfig(t *testing.T, c *localcluster.Cluster, ns, name, contextNamespace string) string {
	t.Helper()
	token := strings.TrimSpace(kubectl(t, c.Kubeconfig, "create", "token", name, "-n", ns))
	cfg, err := clientcmd.LoadFromFile(c.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	ctx.AuthInfo, ctx.Namespace = name, contextNamespace
	cfg.AuthInfos = map[string]*clientcmdapi.AuthInfo{name: {Token: token}}
	path := filepath.Join(t.TempDir(), name+".kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRBAC: the roles of deploy/rbac.yaml are enough for every command, and
// the plugin, run as their ServiceAccounts, sends nothing but reads (and
// check --probe's dry-run create), as the apiserver's audit log records it.
func TestRBAC(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{Nodes: 2, AuditLog: true})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "testdata", "demo"))
	pods := waitForPodIPs(t, client, "demo", 4)
	waitForServiceSlices(t, client)
	applyGatewayCRD(t, c.Kubeconfig) // check and get read Gateways where the Gateway API is served
	kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "deploy", "rbac.yaml"))
	// Calico's IPPools, so that check lists real ones (the other CNI
	// objects it asks for are not served, or not there: 404, not 403).
	applyCRD(t, c, filepath.Join(repoDir, "testdata", "crds", "calico", "crd.projectcalico.org_ippools.yaml"), "ippools.crd.projectcalico.org")
	applyYAML(t, c, ipPool("crd.projectcalico.org/v1", "default-ipv4-ippool", "10.244.0.0/16", false)+"---\n"+ipPool("crd.projectcalico.org/v1", "default-ipv6-ippool", "fd00:10:244::/56", false))

	const viewer = "system:serviceaccount:kube-system:dualstack-viewer"
	viewerConfig := serviceAccountKubeconfig(t, c, "kube-system", "dualstack-viewer", "default")
	const nsViewer = "system:serviceaccount:demo:dualstack-ns-viewer"
	kubectl(t, c.Kubeconfig, "create", "serviceaccount", "dualstack-ns-viewer", "-n", "demo")
	kubectl(t, c.Kubeconfig, "create", "rolebinding", "dualstack-namespace-viewer", "-n", "demo",
		"--clusterrole=dualstack-namespace-viewer", "--serviceaccount=demo:dualstack-ns-viewer")
	nsConfig := serviceAccountKubeconfig(t, c, "demo", "dualstack-ns-viewer", "demo")

	plugin := filepath.Join(binDir(t), "kubectl-dualstack")
	flags := filepath.Join(t.TempDir(), "kubeadm-flags.env")
	if err := os.WriteFile(flags, []byte("KUBELET_KUBEADM_ARGS=\"--node-ip=172.18.0.2,fc00:f853:ccd:e793::2\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	audit := c.AuditLogPath()

	t.Run("viewer", func(t *testing.T) {
		for _, args := range [][]string{
			{"get", "pods", "-A"}, {"get", "pods", "-A", "-o", "wide"}, {"get", "pods", "-n", "demo", "-o", "yaml"},
			{"get", "services", "-A", "-o", "wide"}, {"get", "endpoints", "-A"}, {"get", "endpoints", "-n", "demo", "-o", "json"},
			{"get", "nodes", "-o", "wide"}, {"get", "nodes", "-o", "yaml"},
			{"get", "ingresses", "-A"}, {"get", "ingresses", "-n", "demo", "-o", "yaml"},
			{"get", "gateways", "-A", "-o", "wide"}, {"get", "gateways", "-n", "demo", "-o", "json"},
			{"get", "servicecidrs", "-o", "wide"}, {"get", "servicecidrs", "kubernetes"}, {"get", "servicecidrs", "-o", "name"},
			{"describe", "pods", "-n", "demo"}, {"describe", "service", "web", "-n", "demo"},
			{"describe", "node", pods[0].Spec.NodeName}, {"describe", "endpoints", "-n", "demo"},
			{"check"}, {"check", "--live", "--from-file", flags}, {"plan"},
			{"summary", "-A"}, {"summary", "-A", "--by", "owner", "-o", "wide"}, {"summary", "-n", "demo", "-o", "json"},
			{"version"}, {"__complete", "get", "pods", "-n", "demo", ""},
		} {
			run(t, plugin, append(args, "--kubeconfig", viewerConfig)...) // fails the test on a non-zero exit
		}
		// Watches (pods, endpoints, ingresses and gateways have -w): each
		// runs until its watch request is in the audit log.
		for _, w := range []struct {
			args     []string
			resource string
		}{
			{[]string{"get", "pods", "-A", "-w"}, "pods"},
			{[]string{"get", "endpoints", "-n", "demo", "-w"}, "discovery.k8s.io/endpointslices"},
			{[]string{"get", "ingresses", "-A", "-w"}, "networking.k8s.io/ingresses"},
			{[]string{"get", "gateways", "-n", "demo", "-w"}, "gateway.networking.k8s.io/gateways"},
		} {
			t.Run(strings.Join(w.args, " "), func(t *testing.T) {
				startWatch(t, plugin, append(w.args, "--kubeconfig", viewerConfig)...) // stopped when this subtest ends
				waitForAudit(t, audit, "a watch of "+w.resource, func(e auditEvent) bool {
					return e.username() == viewer && e.Verb == "watch" && e.resource() == w.resource
				})
			})
		}

		// The read-only roles allow a complete audit; only the probe is skipped.
		report, code := runCheck(t, viewerConfig)
		if code != 0 || report.Summary.Skip > 0 {
			t.Errorf("check: exit %d, %d skipped, want 0 and 0:\n%s", code, report.Summary.Skip, describeFindings(report))
		}
		report, code = runCheck(t, viewerConfig, "--probe")
		probe := findingsOf(report, "apiserver-dual-stack-allocation")
		if code != 0 || report.Summary.Skip != 1 || len(probe) != 1 || probe[0].Result != check.Skip || !strings.Contains(probe[0].Message, "forbidden") {
			t.Errorf("check --probe without dualstack-probe: exit %d, %d skipped, probe %+v; want the probe skipped as forbidden, nothing else", code, report.Summary.Skip, probe)
		}
		kubectl(t, c.Kubeconfig, "create", "rolebinding", "dualstack-probe", "-n", "default",
			"--clusterrole=dualstack-probe", "--serviceaccount=kube-system:dualstack-viewer")
		report, code = runCheck(t, viewerConfig, "--probe")
		probe = findingsOf(report, "apiserver-dual-stack-allocation")
		if code != 0 || report.Summary.Skip > 0 || len(probe) != 1 || probe[0].Result != check.Pass || !strings.Contains(probe[0].Message, "dry run") {
			t.Errorf("check --probe with dualstack-probe: exit %d, %d skipped, probe %+v; want the probe passed", code, report.Summary.Skip, probe)
		}
	})

	t.Run("namespace viewer", func(t *testing.T) {
		for _, args := range [][]string{
			{"get", "pods"}, {"get", "services", "-o", "wide"}, {"get", "endpoints"}, {"get", "ingresses"}, {"get", "gateways"},
			{"describe", "pod", pods[0].Name}, {"describe", "service", "web"}, {"describe", "endpoints", "web"},
		} {
			run(t, plugin, append(args, "--kubeconfig", nsConfig)...)
		}
		for _, args := range [][]string{{"get", "nodes"}, {"get", "pods", "-A"}, {"get", "pods", "-n", "kube-system"}} {
			_, stderr, code := runSplit(t, plugin, append(args, "--kubeconfig", nsConfig)...)
			if code != 1 || !strings.Contains(stderr, "forbidden") {
				t.Errorf("%s as the namespace viewer: exit %d, stderr %q; want 1 and forbidden", strings.Join(args, " "), code, stderr)
			}
		}
		// summary -n counts the namespace's objects; what is cluster-wide
		// (nodes, ServiceCIDRs, namespaces' annotations, the CNI, policies)
		// is unknown, and the exit code says the summary is incomplete.
		out, stderr, code := runSplit(t, plugin, "summary", "--kubeconfig", nsConfig)
		if code != 1 || !strings.Contains(out, "\ndemo ") || !strings.Contains(out, "Incomplete: nodes could not be read (forbidden: ") {
			t.Errorf("summary as the namespace viewer: exit %d, want 1, demo's row and the unknown sources:\n%s%s", code, out, stderr)
		}
		// check reads cluster-wide: it skips, naming each source it may not read.
		report, code := runCheck(t, nsConfig)
		t.Logf("check as the namespace viewer: exit %d, summary %+v", code, report.Summary)
		if code != 0 && code != 1 {
			t.Errorf("check as the namespace viewer: exit %d, want 0 or 1 (an audit, not a failure to run)", code)
		}
		skipped := describeFindings(report)
		for _, source := range []check.Source{check.SourceControlPlane, check.SourceKubeadm, check.SourceKubeProxy, check.SourceKubelet,
			check.SourceServiceCIDRs, check.SourceIPAddresses, check.SourceEvents, check.SourceNodes, check.SourceServices, check.SourceSlices,
			check.SourceIngresses, check.SourceGateways} {
			if !strings.Contains(skipped, string(source)+": forbidden") {
				t.Errorf("no skip naming %q as forbidden", source)
			}
		}
	})

	// The apiserver writes an event before it answers (blocking mode); an
	// admin request made after the commands marks the end of theirs.
	const marker = "rbac-test-audit-marker"
	if _, err := client.CoreV1().Namespaces().Get(ctx, marker, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("get namespace %s: %v, want NotFound", marker, err)
	}
	waitForAudit(t, audit, "the marker", func(e auditEvent) bool { return strings.Contains(e.RequestURI, marker) })

	events := readAudit(t, audit)
	for _, user := range []string{viewer, nsViewer} {
		observed := map[string]int{} // "verb resource code" -> requests
		verbs := map[string]bool{}
		for _, e := range events {
			if e.username() != user {
				continue
			}
			observed[fmt.Sprintf("%-6s %-40s %d", e.Verb, e.resource(), e.code())]++
			verbs[e.Verb] = true
			switch {
			case e.isProbe() && user == viewer:
			case !slices.Contains([]string{"get", "list", "watch"}, e.Verb):
				t.Errorf("%s sent a %s: %s (%d)", user, e.Verb, e.RequestURI, e.code())
			case user == viewer && e.code() == 403:
				t.Errorf("dualstack-viewer lacks a permission: %s %s was forbidden", e.Verb, e.RequestURI)
			}
		}
		var lines []string
		for k, n := range observed {
			lines = append(lines, fmt.Sprintf("  %s x%d", k, n))
		}
		slices.Sort(lines)
		t.Logf("requests of %s in the audit log (verb, resource, response code, count):\n%s", user, strings.Join(lines, "\n"))
		for _, v := range []string{"get", "list", "watch"} {
			if user == viewer && !verbs[v] {
				t.Errorf("no %s by %s in the audit log: the commands did not run as it", v, user)
			}
		}
	}
	var probes []int
	for _, e := range events {
		if e.username() == viewer && e.isProbe() {
			probes = append(probes, e.code())
		}
	}
	if !slices.Equal(probes, []int{403, 201}) {
		t.Errorf("dry-run creates of the probe answered %v, want [403 201] (forbidden, then allowed by dualstack-probe)", probes)
	}
	services, err := client.CoreV1().Services("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services.Items {
		if strings.HasPrefix(s.Name, "kubectl-dualstack-probe-") {
			t.Errorf("the probe's dry run stored Service %s/%s", s.Namespace, s.Name)
		}
	}

	// Neither role may write anything (dualstack-probe aside, bound above to
	// the viewer in default only). Impersonated, so after the audit is read.
	for _, user := range []string{viewer, nsViewer} {
		for _, verb := range []string{"create", "update", "patch", "delete", "deletecollection"} {
			if out := strings.TrimSpace(kubectlMayFail(t, c.Kubeconfig, "auth", "can-i", verb, "*", "--all-namespaces", "--as="+user)); out != "no" {
				t.Errorf("%s may %s: %q", user, verb, out)
			}
		}
	}
}

func findingsOf(r report.Report, id string) []check.Finding {
	var out []check.Finding
	for _, f := range r.Findings {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}
