package source

import (
	"reflect"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

func TestParseFlags(t *testing.T) {
	got := ParseFlags([]string{"kube-apiserver", "--a=1", "--b", "2", "--c", "--d=x=y", "-v=2", "positional"}, "pod kube-system/p")
	want := map[string]string{"a": "1", "b": "2", "c": "true", "d": "x=y", "v": "2"}
	for name, value := range want {
		if got[name].Value != value {
			t.Errorf("flag %s = %q, want %q", name, got[name].Value, value)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d flags, want %d: %v", len(got), len(want), got)
	}
	if got["a"].Source != "pod kube-system/p, arg --a" {
		t.Errorf("provenance %q", got["a"].Source)
	}
}

// ParseFlagsAt locates each setting at the item holding its value.
func TestParseFlagsAt(t *testing.T) {
	at := func(i int) check.Setting { return check.Setting{File: "m.yaml", Line: 10 + i, Column: 7} }
	got := ParseFlagsAt([]string{"kube-apiserver", "--a=1", "--b", "2", "--c"}, "file m.yaml, container c", at)
	want := map[string]check.Setting{
		"a": {Value: "1", Source: "file m.yaml, container c, arg --a", File: "m.yaml", Line: 11, Column: 7},
		"b": {Value: "2", Source: "file m.yaml, container c, arg --b", File: "m.yaml", Line: 13, Column: 7},
		"c": {Value: "true", Source: "file m.yaml, container c, arg --c", File: "m.yaml", Line: 14, Column: 7},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
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
	at := ParseFlagsAt([]string{"kubelet", "--bootstrap-token", "abc123"}, "file f.env", func(i int) check.Setting { return check.Setting{File: "f.env", Line: 1, Column: 10 * i} })
	if s := at["bootstrap-token"]; s.Value != Redacted || s.Column != 20 {
		t.Errorf("ParseFlagsAt: %+v, want the value redacted at column 20", s)
	}
}
