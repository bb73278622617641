package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

const configHeader = "apiVersion: dualstack.kubectl.io/v1alpha1\nkind: CheckConfig\n"

// TestCheckConfig: a configuration file tunes an audit of a real
// dual-stack cluster whose pods get IPv4 only on purpose (labelled
// app=legacy-db) or by mistake: a selector exempts the labelled ones,
// with the file's reason and line; a severity override turns the errors
// into warnings and the exit code follows failOn, unless --fail-on is
// given; a typo is exit 2 with its position; the working directory's
// file is found without --config, and the report names it.
func TestCheckConfig(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "legacy"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ipv4Only := map[string]string{localcluster.AnnotationIPFamilies: "IPv4"}
	for _, p := range []struct {
		ns, name    string
		labels      map[string]string
		annotations map[string]string
	}{
		{"legacy", "db-0", map[string]string{"app": "legacy-db", "tier": "db"}, ipv4Only},   // exempt by the selector
		{"legacy", "web-0", map[string]string{"app": "legacy-db", "tier": "web"}, ipv4Only}, // tier!=web: not exempt
		{"default", "forgotten", map[string]string{"app": "forgotten"}, ipv4Only},           // a mistake
		{"default", "dual", map[string]string{"app": "dual"}, nil},                          // healthy
	} {
		_, err := client.CoreV1().Pods(p.ns).Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: p.name, Labels: p.labels, Annotations: p.annotations},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
	}
	waitForPodIPs(t, client, "legacy", 2)
	waitForRunning(t, client, "default", "forgotten", "dual")
	waitForServiceSlices(t, client)

	dir := t.TempDir()
	plugin := func(workDir string, args ...string) (string, string, int) {
		t.Helper()
		return runPluginIn(t, workDir, append(args, "--kubeconfig", c.Kubeconfig)...)
	}
	jsonReport := func(workDir string, args ...string) (report.Report, int) {
		t.Helper()
		out, stderr, code := plugin(workDir, append([]string{"check", "-o", "json"}, args...)...)
		var r report.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("check printed no JSON report (exit %d): %v\nstderr:\n%s", code, err, stderr)
		}
		return r, code
	}
	const (
		db        = "pod/legacy/db-0 status.podIPs"
		web       = "pod/legacy/web-0 status.podIPs"
		forgotten = "pod/default/forgotten status.podIPs"
	)

	// Without a file: the three IPv4-only pods are errors, and nothing else
	// fails.
	base, code := jsonReport(dir)
	t.Logf("without a file: %+v\n%s", base.Summary, describeFindings(base))
	if got := subjects(base, check.Fail, "pods-dual-stack-ips"); code != 1 || !sameSet(got, []string{db, web, forgotten}) || base.Summary.Error != 3 || base.Summary.Warning != 0 || base.Config != "" {
		t.Fatalf("without a file: exit %d, pods-dual-stack-ips failing %q, %+v, config %q; want exit 1 and the three IPv4-only pods alone", code, got, base.Summary, base.Config)
	}

	const reason = "the vendor's database replicates over IPv4 only (TICKET-123)"
	exemption := "exemptions:\n" +
		"- rules: [pods-dual-stack-ips]\n" +
		"  selector: app=legacy-db,tier!=web\n" +
		"  reason: \"" + reason + "\"\n"
	const exemptionLine = 4 // the header's two lines, then exemptions:
	selectorFile := writeConfig(t, dir, "selector.yaml", exemption)

	t.Run("exemption by selector", func(t *testing.T) {
		r, code := jsonReport(dir, "--config", selectorFile)
		t.Logf("%+v\n%s", r.Summary, describeFindings(r))
		if code != 1 || r.Summary.Error != base.Summary.Error-1 || r.Config != selectorFile {
			t.Errorf("exit %d, %+v, config %q; want exit 1 (two pods still fail), one error less, config %s", code, r.Summary, r.Config, selectorFile)
		}
		if got := subjects(r, check.Fail, "pods-dual-stack-ips"); !sameSet(got, []string{web, forgotten}) {
			t.Errorf("failing %q, want the pods the selector leaves out", got)
		}
		exempt := subjects(r, check.Exempt, "pods-dual-stack-ips")
		f := findingAbout(r, db)
		if want := reason + " (" + selectorFile + ":" + strconv.Itoa(exemptionLine) + ")"; !slices.Equal(exempt, []string{db}) || f.Exemption != want {
			t.Errorf("exempt %q, exemption %q; want %s exempt with %q", exempt, f.Exemption, db, want)
		}
	})

	t.Run("severity override and fail-on", func(t *testing.T) {
		warnings := "rules:\n  severity:\n    pods-dual-stack-ips: warning\n" + exemption
		for _, tt := range []struct {
			name, file string
			args       []string
			code       int
		}{
			{"the default failOn, error", warnings, nil, 0},
			{"failOn: warning", "failOn: warning\n" + warnings, nil, 1},
			{"failOn: warning, --fail-on=error", "failOn: warning\n" + warnings, []string{"--fail-on=error"}, 0},
			{"failOn: never, --fail-on=warning", "failOn: never\n" + warnings, []string{"--fail-on=warning"}, 1},
		} {
			path := writeConfig(t, t.TempDir(), "severity.yaml", tt.file)
			r, code := jsonReport(dir, append([]string{"--config", path}, tt.args...)...)
			if code != tt.code || r.Summary.Error != 0 || r.Summary.Warning != 2 {
				t.Errorf("%s: exit %d, %+v; want exit %d, no error, 2 warnings", tt.name, code, r.Summary, tt.code)
			}
			for _, subject := range []string{web, forgotten} {
				if f := findingAbout(r, subject); f.Result != check.Fail || f.Severity != check.Warning {
					t.Errorf("%s: %s is %s %s, want a failing warning", tt.name, subject, f.Result, f.Severity)
				}
			}
		}
		// --only given replaces the file's rules: the pod rule is not run.
		path := writeConfig(t, t.TempDir(), "only.yaml", "rules:\n  only: [pods-dual-stack-ips]\n")
		if r, code := jsonReport(dir, "--config", path, "--only", "cluster-stack"); code != 0 || findingAbout(r, forgotten).ID != "" {
			t.Errorf("--only over the file's only: exit %d, %+v", code, r.Summary)
		}
	})

	t.Run("typo", func(t *testing.T) {
		for _, tt := range []struct{ name, body, want string }{
			{"exemption:", strings.Replace(exemption, "exemptions:", "exemption:", 1), `:3:1: unknown key "exemption" (did you mean "exemptions"?)`},
			{"reasn:", strings.Replace(exemption, "reason:", "reasn:", 1), `:6:3: unknown key "reasn" in exemptions[0] (did you mean "reason"?)`},
		} {
			path := writeConfig(t, t.TempDir(), "typo.yaml", tt.body)
			out, stderr, code := plugin(dir, "check", "--config", path)
			if want := "error: " + path + tt.want + "\n"; code != 2 || stderr != want || out != "" {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.name, code, out, stderr, want)
			}
		}
	})

	t.Run("found without --config", func(t *testing.T) {
		work := t.TempDir()
		writeConfig(t, work, ".kubectl-dualstack.yaml", "exemptions:\n- rules: [\"*\"]\n  namespaces: [legacy]\n  reason: legacy namespace, IPv4 until its migration\n")
		r, code := jsonReport(work)
		if code != 1 || r.Config != ".kubectl-dualstack.yaml" || !sameSet(subjects(r, check.Exempt, "pods-dual-stack-ips"), []string{db, web}) {
			t.Errorf("exit %d, config %q, exempt %q; want the working directory's file, the legacy pods exempt",
				code, r.Config, subjects(r, check.Exempt, "pods-dual-stack-ips"))
		}
		if f := findingAbout(r, web); f.Exemption != "legacy namespace, IPv4 until its migration (.kubectl-dualstack.yaml:4)" {
			t.Errorf("exemption %q", f.Exemption)
		}
		out, _, _ := plugin(work, "check")
		if first, _, _ := strings.Cut(out, "\n"); first != "Configuration: .kubectl-dualstack.yaml" {
			t.Errorf("the text report starts with %q, want the file's name:\n%s", first, out)
		}

		// Elsewhere, the user's file under XDG_CONFIG_HOME.
		userFile := filepath.Join(xdgConfigHome, "kubectl-dualstack", "config.yaml")
		if err := os.MkdirAll(filepath.Dir(userFile), 0o755); err != nil {
			t.Fatal(err)
		}
		writeConfig(t, filepath.Dir(userFile), "config.yaml", "failOn: never\n")
		defer os.Remove(userFile)
		if r, code := jsonReport(dir); code != 0 || r.Config != userFile || r.Summary.Error != base.Summary.Error {
			t.Errorf("XDG file: exit %d, config %q, %+v; want exit 0 (failOn: never) from %s", code, r.Config, r.Summary, userFile)
		}
	})
}

// runPluginIn runs the built plugin in dir and returns its stdout, stderr
// and exit code.
func runPluginIn(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut strings.Builder
	cmd := exec.Command(filepath.Join(binDir(t), "kubectl-dualstack"), args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &errOut
	code = exitCode(t, cmd.Run())
	return out.String(), errOut.String(), code
}

func writeConfig(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(configHeader+body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// subjects are the subjects of rule id's findings with result res.
func subjects(r report.Report, res check.Result, id string) []string {
	var out []string
	for _, f := range r.Findings {
		if f.ID == id && f.Result == res {
			out = append(out, f.Subject)
		}
	}
	return out
}

// findingAbout is the first finding about subject that is not a pass.
func findingAbout(r report.Report, subject string) check.Finding {
	for _, f := range r.Findings {
		if f.Subject == subject && f.Result != check.Pass {
			return f
		}
	}
	return check.Finding{}
}
