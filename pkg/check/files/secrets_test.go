package files_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// writeFiles writes name -> content under a fresh directory, which
// becomes the working directory (findings name the files as written here).
func writeFiles(t *testing.T, set map[string]string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, content := range set {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// reports is the audit's report in every format of `check -o`, and as
// "text verbose" (--show-passed).
func reports(t *testing.T, findings []check.Finding) map[string]string {
	t.Helper()
	r := report.New(findings)
	out := map[string]string{}
	write := func(name string, w report.Writer, opts report.Options) {
		var b bytes.Buffer
		if err := w.Write(&b, r, opts); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b.String()
	}
	opts := report.Options{Rules: check.Rules(), ToolVersion: "test"}
	for _, f := range report.Formats() {
		write(f.Name, f.Writer, opts)
	}
	text, _ := report.Get("text")
	opts.Verbose = true
	write("text verbose", text, opts)
	return out
}

// Secrets in a static pod manifest, a kubeadm configuration (both forms of
// extraArgs, and the kubelet's) and a kubelet flag file appear in no
// report: the values of flags named like secrets are REDACTED, passwords
// in URLs xxxxx, and a wrong-type note in a command line quotes nothing.
func TestSecretsRedacted(t *testing.T) {
	secrets := []string{"s3cret-oidc", "s3cret-etcd", "s3cret-pass", "31415926535", "s3cret-range", "s3cret-kubeadm", "27182818284", "s3cret-env", "s3cret-init", "s3cret-proxy"}
	writeFiles(t, map[string]string{
		"manifests/kube-apiserver.yaml": apiserver("v1.37.0",
			"--oidc-client-secret=s3cret-oidc",
			"--etcd-servers=https://root:s3cret-etcd@127.0.0.1:2379",
			"--etcd-password", "s3cret-pass",
			"--kubelet-password", "31415926535", // a YAML integer: a wrong-type note
			"--token-auth-file=/etc/kubernetes/tokens.csv",
			"--service-cluster-ip-range=https://admin:s3cret-range@10.96.0.0/16"), // quoted by a rule
		"manifests/kube-proxy.yaml": staticPod("kube-proxy", "v1.37.0", "--config=https://u:s3cret-proxy@config.example/proxy.conf"),
		"kubeadm/v1beta3.yaml":      "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    oidc-client-secret: s3cret-kubeadm\n",
		"kubeadm/v1beta4.yaml":      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: some-secret\n    value: 27182818284\n",
		"kubeadm/init.yaml":         "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: bootstrap-token\n    value: s3cret-init\n",
		"kubelet/kubeadm-flags.env": flagsEnv("--node-ip=192.168.10.11", "--registry-password=s3cret-env"),
	})
	f, findings := audit(t, []string{"manifests", "kubeadm", "kubelet"}, files.Options{})
	// Redacted where the settings are made, for any rule to come.
	redacted := 0
	for _, st := range settings(f) {
		for _, s := range secrets {
			if strings.Contains(st.Value, s) {
				t.Errorf("setting %s holds the secret %q", st.Source, s)
			}
		}
		if strings.Contains(st.Value, source.Redacted) || strings.Contains(st.Value, ":xxxxx@") {
			redacted++
		}
	}
	// Not the wrong-type extraArg (left out), nor kube-proxy's --config
	// (only a note quotes it); --kubelet-password, its value left out, is.
	if redacted != 8 {
		t.Errorf("%d settings redacted, want 8", redacted)
	}
	outs := reports(t, findings)
	for format, out := range outs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("the %s report shows the secret %q:\n%s", format, s, out)
			}
		}
	}
	// The redacted values are still quoted where a finding quotes them.
	for _, want := range []string{
		"https://admin:xxxxx@10.96.0.0/16",                               // --service-cluster-ip-range
		"--config=https://u:xxxxx@config.example/",                       // kube-proxy's note
		"spec.containers[0].command[9] must be a string, not an integer", // located, not quoted
	} {
		if !strings.Contains(outs["json"], want) {
			t.Errorf("no finding quotes %q:\n%s", want, outs["text verbose"])
		}
	}
}

// File names and YAML values with escapes, newlines or invalid UTF-8
// reach no report raw.
func TestHostileFileContent(t *testing.T) {
	esc := "\x1b]52;c;aGk=\a\x1b[31m"
	writeFiles(t, map[string]string{
		// A name with a colour escape and a newline, holding invalid YAML.
		"in/" + esc + "\nfake.yaml": "kind: [\n",
		// A value with escapes (YAML's \e) that a rule quotes.
		"in/kubeadm.yaml":     "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: \"10.244.0.0/16\\e[31m\\a\\r\\u009b\"\n",
		"in/bad\xffname.yaml": "kind: [\n",
		// Invalid UTF-8: not read.
		"in/binary.yaml": "kind: Pod\nmetadata: {name: \xff\xfe}\n",
	})
	_, findings := audit(t, []string{"in"}, files.Options{})
	for format, out := range reports(t, findings) {
		for i, r := range out {
			if r == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD") || r < 0x20 && r != '\n' || r >= 0x7f && r < 0xa0 {
				t.Errorf("%s: raw %q at %d:\n%s", format, out[i:i+1], i, out)
				break
			}
		}
		if format == "text" {
			// The kubeadm rule quotes the value itself, with %q.
			for _, want := range []string{"in/^[]52;c;aGk=^G^[[31m^Jfake.yaml", "in/bad\uFFFDname.yaml", `"10.244.0.0/16\x1b[31m\a\r\u009b"`, "binary file"} {
				if !strings.Contains(out, want) {
					t.Errorf("text: no %q in:\n%s", want, out)
				}
			}
		}
	}
}
