package check

import (
	"fmt"
	"io"
	"strings"
)

// writeRulesDoc renders docs/rules.md: every rule of the registry, with
// the finding of a test case in which it fails as its example.
func writeRulesDoc(w io.Writer, rules []Rule, examples map[string]Finding) {
	fmt.Fprint(w, `# The rules of `+"`kubectl dualstack check`"+`

<!-- Generated from the rule registry (pkg/check) and the rules' failing test cases by `+"`make readme`"+`; do not edit. -->

`+"`check`"+` runs these rules in this order. A rule's ID is stable: name it in `+"`--only`"+` and `+"`--skip`"+`.
Each finding fails, passes or is skipped. A failure has the rule's severity, or info where the
cluster is consistently single-stack on purpose. A rule is skipped, with the reason, when a source it
reads could not be read (the README's Permissions table says which permission each source needs).
Paths under **Upstream** are in kubernetes/kubernetes unless a repository (k3s-io/k3s, ...) is named.

`)
	fmt.Fprint(w, "| Area | Rules |\n|---|---|\n")
	for _, area := range Areas() {
		var links []string
		for _, r := range rules {
			if r.Area == area {
				links = append(links, fmt.Sprintf("[%s](#%s)", r.ID, r.ID))
			}
		}
		fmt.Fprintf(w, "| %s | %s |\n", area, strings.Join(links, ", "))
	}
	for _, r := range rules {
		fmt.Fprintf(w, "\n## %s\n\n%s.\n\n", r.ID, r.Title)
		fmt.Fprintf(w, "- **Severity:** %s\n- **Area:** %s\n", r.Severity, r.Area)
		if len(r.Needs) > 0 {
			needs := make([]string, len(r.Needs))
			for i, n := range r.Needs {
				needs[i] = string(n)
			}
			fmt.Fprintf(w, "- **Reads:** %s\n", strings.Join(needs, ", "))
		}
		fmt.Fprintf(w, "- **Why:** %s\n- **Upstream:** %s\n- **Fix:** %s\n", r.Why, r.Reference, r.Fix)
		if fd, ok := examples[r.ID]; ok {
			fmt.Fprintf(w, "\nExample finding:\n\n```text\n%s %s: %s\n  %s\n  read at: %s\n```\n", fd.Severity, fd.Result, fd.Subject, fd.Message, exampleLocation(fd))
		}
	}
}

// exampleLocation is where a finding's value was read, as the text report
// says it.
func exampleLocation(fd Finding) string {
	switch {
	case fd.File != "" && fd.Line > 0:
		return fmt.Sprintf("%s:%d (%s)", fd.File, fd.Line, fd.Source)
	case fd.Source != "":
		return fd.Source
	}
	return "the " + fd.Area + " objects"
}
