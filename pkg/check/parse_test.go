package check

import (
	"fmt"
	"strings"
	"testing"
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

// Every form of a flag's value is redacted where the settings are made.
func TestParseFlagsRedacts(t *testing.T) {
	got := ParseFlags([]string{"kube-apiserver",
		"--token=abc123", "--oidc-client-secret", "s3cr3t", "--etcd-password", "hunter2",
		"--etcd-servers=https://root:hunter2@10.0.0.1:2379", "--token-auth-file=/etc/tokens.csv",
		"--advertise-address=10.0.0.1",
	}, "pod kube-system/kube-apiserver-cp1")
	want := map[string]string{
		"token": Redacted, "oidc-client-secret": Redacted, "etcd-password": Redacted,
		"etcd-servers": "https://root:xxxxx@10.0.0.1:2379", "token-auth-file": "/etc/tokens.csv",
		"advertise-address": "10.0.0.1",
	}
	for name, value := range want {
		if got[name].Value != value {
			t.Errorf("--%s = %q, want %q", name, got[name].Value, value)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d flags, want %d: %v", len(got), len(want), got)
	}
	at := ParseFlagsAt([]string{"kubelet", "--bootstrap-token", "abc123"}, "file f.env", func(i int) Setting { return Setting{File: "f.env", Line: 1, Column: 10 * i} })
	if s := at["bootstrap-token"]; s.Value != Redacted || s.Column != 20 {
		t.Errorf("ParseFlagsAt: %+v, want the value redacted at column 20", s)
	}
}

func TestParseClusterConfigurationRedacts(t *testing.T) {
	for _, doc := range []string{
		"kind: ClusterConfiguration\napiServer:\n  extraArgs:\n    oidc-client-secret: s3cr3t\n    etcd-servers: https://root:hunter2@10.0.0.1:2379\n",
		"kind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - {name: oidc-client-secret, value: s3cr3t}\n  - {name: etcd-servers, value: 'https://root:hunter2@10.0.0.1:2379'}\n",
	} {
		k, err := ParseClusterConfiguration([]byte(doc), "cm")
		if err != nil {
			t.Fatal(err)
		}
		args := k.ExtraArgs["apiServer"]
		if args["oidc-client-secret"].Value != Redacted || args["etcd-servers"].Value != "https://root:xxxxx@10.0.0.1:2379" {
			t.Errorf("extraArgs %+v: secrets not redacted", args)
		}
	}
}

// A rule that quotes a flag's value quotes the redacted one, and no finding
// holds the secret.
func TestFindingQuotesRedactedValue(t *testing.T) {
	f := cpCluster("dual4")
	args := []string{"kube-apiserver", "--service-cluster-ip-range=https://root:hunter2@10.96.0.0/16", "--advertise-address=192.168.0.10", "--token=hunter2"}
	f.Components[0].Settings = ParseFlags(args, "pod kube-system/kube-apiserver-cp1")
	findings, err := Run(f, Rules(), Options{})
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
	// The reports print the findings and nothing else of the audit.
	if all := fmt.Sprintf("%+v", findings); strings.Contains(all, "hunter2") {
		t.Errorf("a finding shows hunter2: %s", all)
	}
}
