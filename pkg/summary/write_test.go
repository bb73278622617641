package summary

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The table outputs of the mixed workload, reviewed as golden files: plain
// numbers, the bar a terminal gets, -o wide, and a summary with sources
// that could not be read.
func TestWriteGolden(t *testing.T) {
	mixed, err := Compute(mixedFacts(), Options{Exemptions: configured})
	if err != nil {
		t.Fatal(err)
	}
	unread := mixedFacts()
	unread.MarkUnavailable(check.SourceIngresses, "forbidden: ingresses.networking.k8s.io is forbidden: User \"viewer\" cannot list resource \"ingresses\"")
	unread.MarkUnavailable(check.SourceCNI, "forbidden: configmaps \"cilium-config\" is forbidden")
	incomplete, err := Compute(unread, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		s      *Summary
		output string
		bar    bool
	}{
		{"mixed.txt", mixed, "", false},
		{"mixed-bar.txt", mixed, "", true},
		{"mixed-wide.txt", mixed, "wide", false},
		{"mixed-wide-bar.txt", mixed, "wide", true},
		{"incomplete.txt", incomplete, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Write(&out, tc.s, tc.output, tc.bar); err != nil {
				t.Fatal(err)
			}
			if bad := termtest.RawControls(out.String(), "\n"); len(bad) > 0 {
				t.Errorf("raw controls: %v", bad)
			}
			golden := filepath.Join("testdata", tc.name)
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != string(want) {
				t.Errorf("output differs from %s (go test ./pkg/summary -update to accept):\n%s", golden, out.String())
			}
		})
	}
}

// JSON and YAML carry the whole summary and read back equal; unknown
// counts are null.
func TestWriteJSONAndYAML(t *testing.T) {
	f := mixedFacts()
	f.MarkUnavailable(check.SourceIngresses, "forbidden")
	s, err := Compute(f, Options{Exemptions: configured})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "yaml"} {
		var out bytes.Buffer
		if err := Write(&out, s, format, true); err != nil {
			t.Fatal(err)
		}
		var back Summary
		if format == "json" {
			err = json.Unmarshal(out.Bytes(), &back)
		} else {
			err = yaml.Unmarshal(out.Bytes(), &back)
		}
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !reflect.DeepEqual(&back, s) {
			t.Errorf("%s does not read back as the summary:\n%s", format, out.String())
		}
		var raw map[string]any
		if err := yaml.Unmarshal(out.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		group := raw["groups"].([]any)[0].(map[string]any)
		if v, ok := group["ingresses"]; !ok || v != nil {
			t.Errorf("%s: unknown ingresses are %v (present %v), want null", format, v, ok)
		}
	}
}

func TestFormatReadiness(t *testing.T) {
	r := func(ready, counted int) *Readiness {
		return readiness(Counts{Pods: &Pods{Running: counted, Dual: ready}, Services: &Services{BackendsMissingFamily: ptr.To(0)},
			LoadBalancers: &Ratio{}, Ingresses: &Ratio{}, NetworkPolicies: &NetworkPolicies{}, Exempt: &Exempt{}})
	}
	for _, tc := range []struct {
		r          *Readiness
		bar, plain string
	}{
		{r(8, 10), "████████░░ 80%", "80% (8/10)"},
		{r(0, 3), "░░░░░░░░░░ 0%", "0% (0/3)"},
		{r(99, 100), "█████████░ 99%", "99% (99/100)"}, // never a full bar short of 100%
		{r(5, 5), "██████████ 100%", "100% (5/5)"},
		{r(0, 0), "<none>", "<none>"},
		{nil, "unknown", "unknown"},
	} {
		if got := formatReadiness(tc.r, true); got != tc.bar {
			t.Errorf("%+v as a bar: %q, want %q", tc.r, got, tc.bar)
		}
		if got := formatReadiness(tc.r, false); got != tc.plain {
			t.Errorf("%+v plain: %q, want %q", tc.r, got, tc.plain)
		}
	}
}
