package source

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// The seeds are in testdata/fuzz/FuzzParseFlags: `go test` runs them as
// regression tests, `make fuzz` grows from them.

// FuzzParseFlags: any command line parses without panicking into one
// setting per flag on it, each holding the value ParseFlags documents
// (`--flag=value`, `--flag value`, else "true"; the last occurrence
// wins; secrets redacted), located at the item that holds it; and the
// settings written back as `--name=value` parse to themselves.
func FuzzParseFlags(f *testing.F) {
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		at := func(i int) check.Setting { return check.Setting{File: "fuzz", Line: i} }
		settings := ParseFlagsAt(args, "fuzz", at)

		type flag struct {
			value string
			at    int
		}
		want := map[string]flag{}
		for i := 0; i < len(args); i++ {
			if !strings.HasPrefix(args[i], "-") {
				continue
			}
			name, value, ok := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
			valueAt := i
			if !ok {
				value = "true"
				if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
					i++
					value, valueAt = args[i], i
				}
			}
			want[name] = flag{Redact(name, value), valueAt}
		}
		if len(settings) != len(want) {
			t.Errorf("%d settings from %q, want %d: %v", len(settings), args, len(want), settings)
		}
		for name, s := range settings {
			w, ok := want[name]
			if !ok || s.Value != w.value || s.File != "fuzz" || s.Line != w.at {
				t.Errorf("--%s = %q at item %d, want %q at %d (present: %v)", name, s.Value, s.Line, w.value, w.at, ok)
			}
			if s.Source != "fuzz, arg --"+name {
				t.Errorf("--%s: source %q", name, s.Source)
			}
		}

		var again []string
		for name, s := range settings {
			again = append(again, "--"+name+"="+s.Value)
		}
		for name, s := range ParseFlags(again, "fuzz") {
			if s.Value != settings[name].Value {
				t.Errorf("round trip: --%s = %q, was %q", name, s.Value, settings[name].Value)
			}
		}
	})
}

// FuzzNodeArgs: any node-args annotation parses without panicking, or is
// refused, and maps onto components; a secret given to a token flag, or
// passed on to kube-apiserver as a secret flag, shows nowhere.
func FuzzNodeArgs(f *testing.F) {
	f.Add(`["server","--cluster-cidr","10.42.0.0/16,fd00:42::/56","--service-cidr","10.43.0.0/16","--node-ip","192.168.1.10"]`, "192.168.1.10")
	f.Add(`["agent","--kube-proxy-arg","cluster-cidr","-i","fd00::1"]`, "fd00::1")
	f.Add(`["server","--disable-apiserver","--kube-apiserver-arg=="]`, "")
	f.Fuzz(func(t *testing.T, annotation, hostIP string) {
		if _, err := ParseNodeArgs("k3s", annotation, "fuzz"); err != nil {
			return
		}
		var line []string
		_ = json.Unmarshal([]byte(annotation), &line)
		const secret = "fuzz-secret-value"
		line = append(line, "--token", secret, "--kube-apiserver-arg", "oidc-client-secret="+secret)
		planted, _ := json.Marshal(line)
		a, err := ParseNodeArgs("k3s", string(planted), "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		var shown []check.Setting
		for _, values := range a.Flags {
			shown = append(shown, values...)
		}
		for _, c := range a.Components("node", hostIP) {
			for _, s := range c.Settings {
				shown = append(shown, s)
			}
		}
		for _, s := range shown {
			if strings.Contains(s.Value, secret) {
				t.Errorf("%s shows the secret: %q", s.Source, s.Value)
			}
		}
	})
}
