package report

import (
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// filesReport is an audit of files that found nothing failing: passes,
// rules skipped for want of a live cluster, and one skipped for want of a
// file.
func filesReport() Report {
	live := "nodes: not in configuration files (--from-file audits configuration, not API objects)"
	r := New([]check.Finding{
		{ID: "a", Area: "apiserver", Severity: check.Error, Result: check.Pass, Message: "ok"},
		{ID: "b", Area: "apiserver", Severity: check.Error, Result: check.Pass, Message: "ok"},
		{ID: "b", Area: "apiserver", Severity: check.Error, Result: check.Pass, Subject: "other", Message: "ok"},
		{ID: "n1", Area: "nodes", Severity: check.Error, Result: check.Skip, Message: live},
		{ID: "n2", Area: "nodes", Severity: check.Error, Result: check.Skip, Message: live},
		{ID: "p", Area: "kube-proxy", Severity: check.Error, Result: check.Skip, Message: "kube-proxy configuration: no kube-proxy configuration or manifest in the files"},
	})
	r.Inputs = []check.Input{
		{File: "a.yaml", Format: check.UnknownFormat, Documents: 1},
		{File: "kubeadm.yaml", Format: "kubeadm", Documents: 2},
		{File: "manifests/kube-apiserver.yaml", Format: "static-pod", Documents: 1},
		{File: "manifests/kube-controller-manager.yaml", Format: "static-pod", Documents: 1},
		{File: "notes.yaml", Format: check.UnknownFormat, Documents: 1},
	}
	r.KubernetesVersion, r.VersionSource = "v1.37.0", "kubernetesVersion v1.37.0 (file kubeadm.yaml, ClusterConfiguration)"
	return r
}

var needLive = map[string]bool{"n1": true, "n2": true}

func TestWriteTextNothingFailed(t *testing.T) {
	out := string(write(t, textWriter{}, filesReport(), Options{NeedLive: needLive}))
	if strings.Contains(out, "AREA") || !strings.HasPrefix(out, "Nothing failed: 2 rules ran and passed.\n") {
		t.Errorf("no failure: want one line instead of the table:\n%s", out)
	}
	one := New([]check.Finding{{ID: "a", Result: check.Pass}})
	if out := string(write(t, textWriter{}, one, Options{})); !strings.HasPrefix(out, "Nothing failed: 1 rule ran and passed.\n") {
		t.Errorf("one rule:\n%s", out)
	}
	if out := string(write(t, textWriter{}, filesReport(), Options{Verbose: true})); !strings.HasPrefix(out, "AREA") {
		t.Errorf("--show-passed lists the passes in the table:\n%s", out)
	}
	if out := string(write(t, textWriter{}, smallReport(), Options{})); !strings.HasPrefix(out, "AREA") || strings.Contains(out, "Nothing failed") {
		t.Errorf("failures are a table:\n%s", out)
	}
}

// Rules skipped for want of a live cluster are counted in one line; the
// other skips are listed by reason; ShowSkipped lists them all.
func TestWriteTextNeedLive(t *testing.T) {
	out := string(write(t, textWriter{}, filesReport(), Options{NeedLive: needLive}))
	for _, want := range []string{
		"\nSkipped (--show-passed lists them in the table):\n  kube-proxy configuration: no kube-proxy configuration or manifest in the files\n    p\n",
		"\n2 rules need a live cluster; --show-skipped lists them\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "n1") || strings.Contains(out, "not in configuration files") {
		t.Errorf("the rules that need a live cluster are listed:\n%s", out)
	}
	out = string(write(t, textWriter{}, filesReport(), Options{NeedLive: needLive, ShowSkipped: true}))
	if !strings.Contains(out, "  nodes: not in configuration files (--from-file audits configuration, not API objects)\n    n1, n2\n") || strings.Contains(out, "need a live cluster") {
		t.Errorf("--show-skipped: want the skips listed by reason:\n%s", out)
	}
	one := New([]check.Finding{{ID: "n1", Result: check.Skip, Message: "nodes: not in configuration files"}})
	if out := string(write(t, textWriter{}, one, Options{NeedLive: needLive})); !strings.Contains(out, "\n1 rule needs a live cluster; --show-skipped lists them\n") {
		t.Errorf("one rule:\n%s", out)
	}
}

// The text report says in one line which formats it read, before the
// version.
func TestWriteTextInputs(t *testing.T) {
	out := string(write(t, textWriter{}, filesReport(), Options{NeedLive: needLive}))
	want := "\nRead: 5 files (kubeadm, static-pod ×2, unknown ×2)\nKubernetes version: v1.37.0 (kubernetesVersion v1.37.0 (file kubeadm.yaml, ClusterConfiguration))\n"
	if !strings.Contains(out, want) {
		t.Errorf("no %q in:\n%s", want, out)
	}
	r := filesReport()
	r.Inputs = r.Inputs[1:2]
	if out := string(write(t, textWriter{}, r, Options{})); !strings.Contains(out, "\nRead: 1 file (kubeadm)\n") {
		t.Errorf("one file:\n%s", out)
	}
	if out := string(write(t, textWriter{}, smallReport(), Options{})); strings.Contains(out, "Read:") {
		t.Errorf("a live audit read no file:\n%s", out)
	}
}
