package cmd

// What the check report says about its inputs, its skips, a run with
// nothing failing, API objects' sources and a server version that is no
// release (issue 14: never a silent pass).

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// Configurations of formats no reader is meant for: a custom resource,
// and a kubeadm configuration of an API version kubeadm removed long ago.
const (
	widgetConfig  = "apiVersion: example.com/v1\nkind: Widget\n"
	ancientConfig = "apiVersion: kubeadm.k8s.io/v1alpha3\nkind: ClusterConfiguration\n"
)

// writeFiles writes name -> content under a fresh directory, returned.
func writeFiles(t *testing.T, contents map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range contents {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Files of which none is a configuration check reads leave nothing to
// audit: exit 2 and one line naming the formats check reads, never PASS.
func TestCheckNothingToAudit(t *testing.T) {
	unknown := writeFiles(t, map[string]string{"widget.yaml": widgetConfig, "service.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"})
	single := writeFiles(t, map[string]string{"kubeadm.yaml": ancientConfig})
	var names []string
	for _, f := range files.Formats() {
		names = append(names, f.Name)
	}
	formats := "it reads " + strings.Join(names, ", ") + " (check --help describes them)"
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"unknown YAML only", []string{"--from-file", unknown}, "error: nothing to audit: none of the 2 files is a configuration check reads; " + formats + "\n"},
		{"an old kubeadm configuration", []string{"--from-file", filepath.Join(single, "kubeadm.yaml")}, "error: nothing to audit: " + filepath.Join(single, "kubeadm.yaml") + " is not a configuration check reads; " + formats + "\n"},
		{"API objects", []string{"--from-file", "../../testdata/odd/objects.yaml", "-o", "json"}, "error: nothing to audit: ../../testdata/odd/objects.yaml is not a configuration check reads; " + formats + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := execute(t, append([]string{"check"}, tc.args...)...)
			if code != ExitCheckError || errOut != tc.err || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and stderr %q", code, out, errOut, tc.err)
			}
		})
	}
}

// A file of an unknown format among configurations is a warning of the
// audit of the others.
func TestCheckFromFileMixed(t *testing.T) {
	extra := writeFiles(t, map[string]string{"kubeadm.yaml": ancientConfig})
	args := []string{"check", "--from-file", filesDir + "/healthy/dual-ipv4", "--from-file", extra}
	out, _, code := execute(t, append(args, "-o", "json")...)
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != ExitOK {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	var warned []string
	for _, f := range r.Findings {
		if f.Result == check.Fail && f.Severity == check.Warning {
			warned = append(warned, f.ID+" "+f.Message)
		}
	}
	prefix, suffix := "config-files kind ClusterConfiguration apiVersion kubeadm.k8s.io/v1alpha3 is not a configuration check reads (it reads ", "); it is a kubeadm v1alpha3 configuration, which kubeadm removed in v1.15"
	if len(warned) != 1 || !strings.HasPrefix(warned[0], prefix) || !strings.HasSuffix(warned[0], suffix) {
		t.Errorf("warnings %q, want %q...%q", warned, prefix, suffix)
	}
	if last := r.Inputs[len(r.Inputs)-1]; last.Format != check.UnknownFormat || last.Documents != 1 || !strings.HasSuffix(last.File, "kubeadm.yaml") {
		t.Errorf("inputs %+v", r.Inputs)
	}
	if _, _, code := execute(t, append(args, "--fail-on=warning")...); code != ExitCheckFailed {
		t.Errorf("--fail-on=warning: exit %d, want 1", code)
	}
}

// The text report of files that pass: one line for nothing failed, the
// rules that need a live cluster counted, the files read by format.
func TestCheckFromFileText(t *testing.T) {
	set := filesDir + "/healthy/dual-ipv4"
	// The set's only failure is an info about kube-proxy's nodePortAddresses.
	out, _, code := execute(t, "check", "--from-file", set, "--skip", "kube-proxy-nodeport-addresses")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`^Nothing failed: \d+ rules ran and passed\.\n`),
		regexp.MustCompile(`\n\d+ rules need a live cluster; --show-skipped lists them\n`),
		regexp.MustCompile(`\nRead: 7 files \(kube-proxy-config, kubeadm, kubelet-config, kubelet-flags-env, static-pod ×3\)\nKubernetes version: v1\.37\.0 \(`),
	} {
		if !want.MatchString(out) {
			t.Errorf("no %s in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "AREA") || strings.Contains(out, "not in configuration files") {
		t.Errorf("an empty table or the rules that need a live cluster listed:\n%s", out)
	}
	all, _, _ := execute(t, "check", "--from-file", set, "--show-skipped")
	if !strings.Contains(all, "  nodes: not in configuration files (--from-file audits configuration, not API objects)\n") || strings.Contains(all, "need a live cluster") {
		t.Errorf("--show-skipped: want them listed:\n%s", all)
	}

	// JSON lists every skip, and the inputs.
	js, _, _ := execute(t, "check", "--from-file", set, "-o", "json")
	var r report.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Inputs) != 7 || r.Inputs[1] != (check.Input{File: set + "/kubeadm.yaml", Format: "kubeadm", Documents: 2}) || r.Summary.Skip == 0 {
		t.Errorf("inputs %+v, %d skipped", r.Inputs, r.Summary.Skip)
	}
}

// A live audit: findings about API objects say which object and field
// were read; a server whose /version is no release (the fake's,
// v0.0.0-master+$Format:%H$) makes the report say which version the rules
// assumed.
func TestCheckLiveSourcesAndVersion(t *testing.T) {
	useGoldenKubeconfig(t)
	run := func(output string) string {
		streams, _, out, errOut := genericiooptions.NewTestIOStreams()
		client, dyn := fakeClients(t, loadOddObjects(t))
		o := &CheckOptions{Output: output, Color: "never", FailOn: "never", ChunkSize: 500, Client: client, Dynamic: dyn,
			configFlags: genericclioptions.NewConfigFlags(true), IOStreams: streams}
		if err := o.Run(context.Background()); err != nil {
			t.Fatalf("%v: %s", err, errOut)
		}
		return out.String()
	}
	text := run("text")
	for _, want := range []string{
		"pods-primary-family pod/default/pod-ipv6-first status.podIPs\n  source: API object pod/default/pod-ipv6-first status.podIPs\n",
		"\nKubernetes version: " + check.NewestVersion + " (assumed: " + check.NewestVersion + ", the newest version the checker knows (the API server's /version, \"v0.0.0-master+$Format:%H$\", is not a release version: a development build?))\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "source: -") || strings.Contains(text, "Read:") || strings.Contains(text, "live cluster") {
		t.Errorf("a source left out, or files said read:\n%s", text)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(run("json")), &r); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Result == check.Fail && f.Source == "" {
			t.Errorf("no source: %+v", f)
		}
		if f.ID == "pods-primary-family" && f.Result == check.Fail && f.Source != "API object "+f.Subject {
			t.Errorf("JSON source %q, text's is the object", f.Source)
		}
	}
	if r.Inputs != nil || !strings.HasPrefix(r.VersionSource, "assumed: ") {
		t.Errorf("inputs %+v, version %q from %q", r.Inputs, r.KubernetesVersion, r.VersionSource)
	}
}
