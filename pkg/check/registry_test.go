package check

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules.md from the registry and the tests' failing cases (make readme)")

// rulesDoc is the generated rule documentation, from this package's directory.
const rulesDoc = "../../docs/rules.md"

// TestMain runs the tests and then, when all of them ran, checks what only
// all of them together show: every rule fails in at least one test case
// (recorded by runRules), and docs/rules.md, whose examples are those
// failures, is current.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && everyTestRan() {
		if err := checkEveryRuleFails(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL registry:", err)
			code = 1
		} else if err := checkRulesDoc(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL docs:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// everyTestRan is false when -run or -skip chose some tests only.
func everyTestRan() bool {
	for _, name := range []string{"test.run", "test.skip"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	return true
}

func checkEveryRuleFails() error {
	var missing []string
	for _, r := range Rules() {
		if _, ok := examples.byID[r.ID]; !ok {
			missing = append(missing, r.ID)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no test case makes these rules fail (run a failing case through runRules): %s", strings.Join(missing, ", "))
	}
	return nil
}

func checkRulesDoc() error {
	var b bytes.Buffer
	writeRulesDoc(&b, Rules(), examples.byID)
	if *updateDocs {
		return os.WriteFile(rulesDoc, b.Bytes(), 0o644)
	}
	if have, err := os.ReadFile(rulesDoc); err != nil || !bytes.Equal(have, b.Bytes()) {
		return fmt.Errorf("%s is not what the registry and the tests make: run make readme", rulesDoc)
	}
	return nil
}

// Every rule is well formed: a stable, unique ID that starts with its
// area, the texts docs/rules.md shows, and sources and scope the engine
// knows.
func TestRegistry(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)
	seen := map[string]bool{}
	areas := map[Area]int{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %q", r.ID)
		}
		seen[r.ID] = true
		areas[r.Area]++
		// config-files predates the convention; CI configurations name it.
		if !kebab.MatchString(r.ID) || (!strings.HasPrefix(r.ID, string(r.Area)+"-") && r.ID != "config-files") {
			t.Errorf("%s: ID must be kebab-case <area>-<what> (area %q)", r.ID, r.Area)
		}
		if !slices.Contains(Areas(), r.Area) {
			t.Errorf("%s: area %q is not in Areas()", r.ID, r.Area)
		}
		for name, text := range map[string]string{"title": r.Title, "fix": r.Fix, "reference": r.Reference, "why": r.Why} {
			if strings.TrimSpace(text) == "" || strings.Contains(text, "\n") {
				t.Errorf("%s: needs a one-line %s", r.ID, name)
			}
		}
		// A section mark points into a research notebook, which users
		// cannot open; references name upstream sources.
		if strings.Contains(r.Reference+r.Why, "§") {
			t.Errorf("%s: cites a section of a document outside this repository", r.ID)
		}
		if !slices.Contains([]Severity{Error, Warning, Info}, r.Severity) {
			t.Errorf("%s: severity %q", r.ID, r.Severity)
		}
		if r.Check == nil && r.CheckPod == nil {
			t.Errorf("%s: no Check and no CheckPod", r.ID)
		}
		if r.CheckPod != nil && !slices.Contains(r.Needs, SourcePods) {
			t.Errorf("%s: a pod rule must need %s", r.ID, SourcePods)
		}
		for scope := r.Scope; scope != nil; scope = scope.Then {
			if scope.Empty == nil {
				t.Errorf("%s: a scope needs Empty", r.ID)
			}
		}
		for _, n := range r.Needs {
			if !slices.Contains(Sources(), n) {
				t.Errorf("%s needs %q, which is not in Sources()", r.ID, n)
			}
		}
	}
	for _, a := range Areas() {
		if areas[a] == 0 {
			t.Errorf("area %q has no rule", a)
		}
	}
}
