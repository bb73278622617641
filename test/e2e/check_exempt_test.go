package e2e

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// Subjects of the failures TestCheckExempt's workload makes.
const (
	exLegacyPod = "pod/shop/legacy-v4 status.podIPs"        // exempt by its annotation
	exForgotPod = "pod/shop/forgot-v4 status.podIPs"        // not annotated
	exTypoPod   = "pod/shop/typo-v4 status.podIPs"          // a malformed annotation
	exLabPod    = "pod/lab/lab-v4 status.podIPs"            // exempt by its namespace
	exLegacySvc = "service/shop/legacy-api spec.ipFamilies" // exempt by its annotation
	exForgotSvc = "service/shop/forgotten spec.ipFamilies"  // not annotated
	exLabSvc    = "service/lab/lab-api spec.ipFamilies"     // exempt by its namespace
)

// The annotations' reasons, as findings show them.
const (
	exLegacyPodWhy = "legacy app binds 0.0.0.0 only"
	exLegacySvcWhy = "the partner's firewall allows its IPv4 address only"
	exLabWhy       = "lab namespace, single-stack on purpose (namespace lab)"
)

// TestCheckExempt: on a dual-stack cluster with a mixed workload (a
// dual-stack pod and Service; pods with one family; PreferDualStack
// Services left single-stack by the move to dual-stack), objects annotated
// dualstack.kubectl.io/exempt, and the objects of a namespace so
// annotated, leave the failures for the exempt result with their reason;
// the others still fail, a malformed annotation saying why it was ignored;
// check exits 0 once only exempt findings are left. Text, JUnit and SARIF
// show the exempt findings as documented.
//
// A SingleStack Service fails no rule (it is single-stack on purpose by
// its own spec), so the Services here are the ones the services rules do
// report: PreferDualStack Services created while the service range was
// IPv4 only, which the API server does not upgrade.
func TestCheckExempt(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{ExtraArgs: map[string][]string{
		localcluster.APIServer:         {"--service-cluster-ip-range=10.96.0.0/16"},
		localcluster.ControllerManager: {"--service-cluster-ip-range=10.96.0.0/16"},
	}})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	createNamespace(t, client, "shop")
	createNamespace(t, client, "lab")
	for _, svc := range []*corev1.Service{
		service("shop", "legacy-api", corev1.IPFamilyPolicyPreferDualStack, nil),
		service("shop", "forgotten", corev1.IPFamilyPolicyPreferDualStack, nil),
		service("lab", "lab-api", corev1.IPFamilyPolicyPreferDualStack, nil),
		service("shop", "pinned", corev1.IPFamilyPolicySingleStack, nil),
	} {
		if _, err := client.CoreV1().Services(svc.Namespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// The operator adds the IPv6 service range, as the upgrade docs say.
	for _, component := range []string{localcluster.APIServer, localcluster.ControllerManager} {
		if err := c.Restart(ctx, component); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.SyncKubeadmConfig(ctx, nil); err != nil {
		t.Fatal(err)
	}
	web := service("shop", "web", corev1.IPFamilyPolicyRequireDualStack, nil)
	web.Spec.Selector = map[string]string{"app": "web"}
	if _, err := client.CoreV1().Services("shop").Create(ctx, web, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if ips := getService(t, client, "shop", "web").Spec.ClusterIPs; len(ips) != 2 {
		t.Fatalf("shop/web has clusterIPs %v after the upgrade", ips)
	}
	ipv4Only := map[string]string{localcluster.AnnotationIPFamilies: "IPv4"}
	createPod(t, client, "shop", "web", nil)
	for _, name := range []string{"legacy-v4", "forgot-v4", "typo-v4"} {
		createPod(t, client, "shop", name, ipv4Only)
	}
	createPod(t, client, "lab", "lab-v4", ipv4Only)
	waitForRunning(t, client, "shop", "web", "legacy-v4", "forgot-v4", "typo-v4")
	waitForRunning(t, client, "lab", "lab-v4")
	waitForServiceSlices(t, client)

	// Before any exemption: every one-family object fails.
	before, code := runCheck(t, c.Kubeconfig)
	t.Logf("before: summary %+v\n%s", before.Summary, describeFindings(before))
	if got := failing(before); !slices.Equal(got, []string{"pods-dual-stack-ips", "services-prefer-dual-stack-single-family"}) || code != 1 {
		t.Fatalf("exit %d, failing rules %v", code, got)
	}
	wantResults(t, before, map[string]check.Result{
		exLegacyPod: check.Fail, exForgotPod: check.Fail, exTypoPod: check.Fail, exLabPod: check.Fail,
		exLegacySvc: check.Fail, exForgotSvc: check.Fail, exLabSvc: check.Fail,
	})
	if before.Summary.Exempt != 0 {
		t.Errorf("exempt %d before any annotation", before.Summary.Exempt)
	}
	for _, f := range before.Findings {
		if strings.HasPrefix(f.Subject, "service/shop/pinned ") && f.Result != check.Pass {
			t.Errorf("the SingleStack Service is single-stack by its own spec, yet %s %s: %s", f.ID, f.Result, f.Message)
		}
	}

	// The teams say why, as a user would: kubectl annotate.
	const key = check.ExemptAnnotation
	kubectl(t, c.Kubeconfig, "annotate", "-n", "shop", "pod", "legacy-v4", key+"=pods-dual-stack-ips: "+exLegacyPodWhy)
	kubectl(t, c.Kubeconfig, "annotate", "-n", "shop", "service", "legacy-api", key+"= services-prefer-dual-stack-single-family , pods-dual-stack-ips : "+exLegacySvcWhy)
	kubectl(t, c.Kubeconfig, "annotate", "namespace", "lab", key+"=*: lab namespace, single-stack on purpose")
	kubectl(t, c.Kubeconfig, "annotate", "-n", "shop", "pod", "typo-v4", key+"=pods-dual-stack-ips")

	after, code := runCheck(t, c.Kubeconfig)
	t.Logf("after: summary %+v\n%s", after.Summary, describeFindings(after))
	t.Logf("errors before %d, after %d; warnings before %d, after %d; exempt after %d",
		before.Summary.Error, after.Summary.Error, before.Summary.Warning, after.Summary.Warning, after.Summary.Exempt)
	if code != 1 {
		t.Errorf("exit %d with real failures left, want 1", code)
	}
	byResult := wantResults(t, after, map[string]check.Result{
		exLegacyPod: check.Exempt, exForgotPod: check.Fail, exTypoPod: check.Fail, exLabPod: check.Exempt,
		exLegacySvc: check.Exempt, exForgotSvc: check.Fail, exLabSvc: check.Exempt,
	})
	for subject, why := range map[string]string{exLegacyPod: exLegacyPodWhy, exLegacySvc: exLegacySvcWhy, exLabPod: exLabWhy, exLabSvc: exLabWhy} {
		if f := byResult[subject]; f.Exemption != why || f.ExemptBy != check.ExemptByAnnotation {
			t.Errorf("%s: exemption %q by %q, want %q by annotation", subject, f.Exemption, f.ExemptBy, why)
		}
	}
	if msg := byResult[exTypoPod].Message; !strings.Contains(msg, ` (exemption ignored: pod/shop/typo-v4: dualstack.kubectl.io/exempt "pods-dual-stack-ips": want "<rule-id>[,<rule-id>…]: <reason>")`) {
		t.Errorf("the malformed annotation's failure says %q", msg)
	}
	if msg := byResult[exForgotPod].Message; strings.Contains(msg, "exemption") {
		t.Errorf("an object without the annotation says %q", msg)
	}
	// The exempt ones left the counts of failures, each for one exempt.
	if after.Summary.Exempt != 4 || after.Summary.Error != before.Summary.Error-2 || after.Summary.Warning != before.Summary.Warning-2 {
		t.Errorf("summary before %+v, after %+v: want 2 errors and 2 warnings fewer, 4 exempt", before.Summary, after.Summary)
	}

	checkExemptOutputs(t, c.Kubeconfig)

	// With the rest exempt too, only exempt findings are left: exit 0,
	// even at --fail-on=warning.
	kubectl(t, c.Kubeconfig, "annotate", "--overwrite", "-n", "shop", "pod", "typo-v4", key+"=pods-dual-stack-ips: a batch job, replaced next sprint")
	kubectl(t, c.Kubeconfig, "annotate", "-n", "shop", "pod", "forgot-v4", key+"=*: being replaced")
	kubectl(t, c.Kubeconfig, "annotate", "-n", "shop", "service", "forgotten", key+"=services-prefer-dual-stack-single-family: clients pinned to IPv4")
	all, code := runCheck(t, c.Kubeconfig, "--fail-on=warning")
	t.Logf("all exempt: summary %+v", all.Summary)
	if code != 0 || len(failing(all)) > 0 || all.Summary.Error != 0 || all.Summary.Warning != 0 || all.Summary.Exempt != 7 {
		t.Errorf("exit %d, failing %v, summary %+v: want exit 0 with 7 exempt findings and no failure", code, failing(all), all.Summary)
	}
	only, code := runCheck(t, c.Kubeconfig, "--only", "services-prefer-dual-stack-single-family", "--fail-on=warning")
	if code != 0 || only.Summary.Exempt != 3 || only.Summary.Warning != 0 || only.Summary.Pass != 0 {
		t.Errorf("--only services-prefer-dual-stack-single-family: exit %d, summary %+v; want exit 0 with 3 exempt findings", code, only.Summary)
	}
}

// wantResults checks the result of the finding about each subject (the
// subject's only finding that is not a pass), and returns them by subject.
func wantResults(t *testing.T, r report.Report, want map[string]check.Result) map[string]check.Finding {
	t.Helper()
	got := map[string]check.Finding{}
	for _, f := range r.Findings {
		if _, ok := want[f.Subject]; ok && f.Result != check.Pass {
			if old, dup := got[f.Subject]; dup {
				t.Errorf("two findings about %s: %s and %s", f.Subject, old.ID, f.ID)
			}
			got[f.Subject] = f
		}
	}
	for subject, res := range want {
		if got[subject].Result != res {
			t.Errorf("%s: %q (%s), want %s", subject, got[subject].Result, got[subject].Message, res)
		}
	}
	return got
}

// checkExemptOutputs runs check in text, JUnit and SARIF on the cluster
// TestCheckExempt annotated, and checks how each shows the exempt
// findings.
func checkExemptOutputs(t *testing.T, kubeconfig string) {
	t.Helper()
	plugin := func(format string) string {
		t.Helper()
		out, stderr, code := runSplit(t, filepath.Join(binDir(t), "kubectl-dualstack"), "check", "-o", format, "--kubeconfig", kubeconfig)
		if code != 1 || stderr != "" {
			t.Errorf("-o %s: exit %d, stderr %q; want 1 and nothing on stderr", format, code, stderr)
		}
		return out
	}

	// Text: not in the table; a section by reason after the failures.
	text := plugin("text")
	t.Logf("check -o text:\n%s", text)
	table, _, _ := strings.Cut(text, "\n\n")
	for _, s := range []string{"legacy-v4", "legacy-api", "lab-v4", "lab-api", "EXEMPT"} {
		if strings.Contains(table, s) {
			t.Errorf("text: the table shows %s:\n%s", s, table)
		}
	}
	if !strings.Contains(table, "forgot-v4") || !strings.Contains(table, "typo-v4") {
		t.Errorf("text: the failures are not in the table:\n%s", table)
	}
	for _, want := range []string{
		"\nExempt (4, not counted as failures):\n",
		"\n  " + exLegacyPodWhy + "\n    pods-dual-stack-ips " + exLegacyPod + "\n",
		"\n  " + exLabWhy + "\n    pods-dual-stack-ips " + exLabPod + "\n    services-prefer-dual-stack-single-family " + exLabSvc + "\n",
		"\n  " + exLegacySvcWhy + "\n    services-prefer-dual-stack-single-family " + exLegacySvc + "\n",
		", 4 exempt\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text: no %q in\n%s", want, text)
		}
	}
	if strings.Index(text, "\nExempt (") < strings.Index(text, "  fix:") {
		t.Errorf("text: the exempt section comes before the failures' details:\n%s", text)
	}

	// JUnit: an exempt finding is a skipped testcase with the reason.
	var junit struct {
		Suites []struct {
			Cases []struct {
				Classname string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data := plugin("junit")
	if err := xml.Unmarshal([]byte(data), &junit); err != nil {
		t.Fatalf("junit: %v\n%s", err, data)
	}
	skipped, failed := map[string]string{}, map[string]bool{}
	for _, s := range junit.Suites {
		for _, c := range s.Cases {
			if c.Skipped != nil {
				skipped[c.Name] = c.Skipped.Message
			}
			if c.Failure != nil {
				failed[c.Name] = true
			}
		}
	}
	for subject, why := range map[string]string{exLegacyPod: exLegacyPodWhy, exLegacySvc: exLegacySvcWhy, exLabPod: exLabWhy, exLabSvc: exLabWhy} {
		if skipped[subject] != "exempt: "+why || failed[subject] {
			t.Errorf("junit: %s skipped %q, failed %v; want skipped %q", subject, skipped[subject], failed[subject], "exempt: "+why)
		}
	}
	for _, subject := range []string{exForgotPod, exTypoPod, exForgotSvc} {
		if !failed[subject] || skipped[subject] != "" {
			t.Errorf("junit: %s is not a failure", subject)
		}
	}

	// SARIF: a result with an accepted in-source suppression.
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Message      struct{ Text string }
				Suppressions []struct{ Kind, Status, Justification string }
			}
		}
	}
	data = plugin("sarif")
	if err := json.Unmarshal([]byte(data), &sarif); err != nil || len(sarif.Runs) != 1 {
		t.Fatalf("sarif: %v\n%s", err, data)
	}
	suppressed := map[string]string{}
	results := map[string]bool{}
	for _, res := range sarif.Runs[0].Results {
		subject, _, _ := strings.Cut(res.Message.Text, ": ")
		results[subject] = true
		for _, s := range res.Suppressions {
			if s.Kind != "inSource" || s.Status != "accepted" {
				t.Errorf("sarif: %s suppression %+v, want inSource accepted", subject, s)
			}
			suppressed[subject] = s.Justification
		}
	}
	for subject, why := range map[string]string{exLegacyPod: exLegacyPodWhy, exLegacySvc: exLegacySvcWhy, exLabPod: exLabWhy, exLabSvc: exLabWhy} {
		if suppressed[subject] != why {
			t.Errorf("sarif: %s justification %q, want %q", subject, suppressed[subject], why)
		}
	}
	for _, subject := range []string{exForgotPod, exTypoPod, exForgotSvc} {
		if !results[subject] || suppressed[subject] != "" {
			t.Errorf("sarif: %s is not an open result (suppressed %q)", subject, suppressed[subject])
		}
	}
}
