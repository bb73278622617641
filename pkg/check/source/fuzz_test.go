package source

import (
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
