package source

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ name, value, want string }{
		{"token", "abc123", Redacted},
		{"oidc-client-secret", "s3cr3t", Redacted},
		{"etcd-password", "hunter2", Redacted},
		{"Basic-Auth-PASSWORD", "hunter2", Redacted},
		{"service-account-max-token-expiration", "48h", Redacted}, // named like one: not worth guessing
		// A file holds the secret; its path is not one.
		{"token-auth-file", "/etc/kubernetes/tokens.csv", "/etc/kubernetes/tokens.csv"},
		{"encryption-provider-config", "/etc/kubernetes/enc.yaml", "/etc/kubernetes/enc.yaml"},
		// Basic auth in URLs, alone or in a list.
		{"etcd-servers", "https://root:hunter2@10.0.0.1:2379", "https://root:xxxxx@10.0.0.1:2379"},
		{"etcd-servers", "https://10.0.0.1:2379,https://root:hunter2@[fd00::1]:2379", "https://10.0.0.1:2379,https://root:xxxxx@[fd00::1]:2379"},
		{"etcd-servers", "https://root:hunter2@bad host:2379", Redacted},
		{"etcd-servers", "https://root@10.0.0.1:2379", "https://root@10.0.0.1:2379"}, // no password
		{"service-cluster-ip-range", "10.96.0.0/16,fd00:10:96::/112", "10.96.0.0/16,fd00:10:96::/112"},
		{"kubeconfig", "/etc/kubernetes/user@host.conf", "/etc/kubernetes/user@host.conf"},
	} {
		if got := Redact(tt.name, tt.value); got != tt.want {
			t.Errorf("Redact(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

// A rule that quotes a flag's value quotes the redacted one, in every
// report format.
func TestFindingQuotesRedactedValue(t *testing.T) {
	args := []string{"kube-apiserver", "--service-cluster-ip-range=https://root:hunter2@10.96.0.0/16", "--advertise-address=192.168.0.10", "--token=hunter2"}
	const where = "pod kube-system/kube-apiserver-cp1"
	f := &check.Facts{ServerVersion: "v1.37.0", Components: []check.Component{
		{Kind: check.APIServer, Instance: "kube-apiserver-cp1", Source: where, Settings: ParseFlags(args, where)},
	}}
	findings, err := check.Run(f, check.Rules(), check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	quoted := false
	for _, fd := range findings {
		quoted = quoted || strings.Contains(fd.Message, "https://root:xxxxx@10.96.0.0/16")
	}
	if !quoted {
		t.Errorf("no finding quotes the redacted --service-cluster-ip-range: %+v", findings)
	}
	r := report.New(findings)
	for _, format := range report.Formats() {
		var b bytes.Buffer
		if err := format.Writer.Write(&b, r, report.Options{Verbose: true, Rules: check.Rules(), ToolVersion: "test"}); err != nil {
			t.Fatalf("%s: %v", format.Name, err)
		}
		if strings.Contains(b.String(), "hunter2") {
			t.Errorf("the %s report shows the secret:\n%s", format.Name, b.String())
		}
	}
}
