package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// nothingFailed is the text report's line in place of a table with no
// row: how many rules ran (passed, as nothing failed), and how many
// findings were exempt.
func nothingFailed(findings []check.Finding, exempt int) string {
	var ran []string
	for _, f := range findings {
		if f.Result != check.Skip && !slices.Contains(ran, f.ID) {
			ran = append(ran, f.ID)
		}
	}
	if exempt > 0 {
		return fmt.Sprintf("Nothing failed: %s, apart from %s (below).", plural(len(ran), "rule ran and passed", "rules ran and passed"), plural(exempt, "exempt finding", "exempt findings"))
	}
	return "Nothing failed: " + plural(len(ran), "rule ran and passed.", "rules ran and passed.")
}

// exemptGroup is the exempt findings of one reason, in report order.
type exemptGroup struct {
	reason   string
	findings []check.Finding
}

// groupExempt groups the exempt findings by reason, in the order each
// reason first appears: a namespace's annotation covers many objects.
func groupExempt(findings []check.Finding) []exemptGroup {
	var groups []exemptGroup
	index := map[string]int{}
	for _, f := range findings {
		if f.Result != check.Exempt {
			continue
		}
		i, seen := index[f.Exemption]
		if !seen {
			i = len(groups)
			index[f.Exemption] = i
			groups = append(groups, exemptGroup{reason: f.Exemption})
		}
		groups[i].findings = append(groups[i].findings, f)
	}
	return groups
}

// readFormats says which files an audit read, by format in the order
// first read, unknown last: "3 files (kubeadm, static-pod ×2)".
func readFormats(inputs []check.Input) string {
	var formats []string
	count := map[string]int{}
	for _, in := range inputs {
		if count[in.Format] == 0 {
			formats = append(formats, in.Format)
		}
		count[in.Format]++
	}
	slices.SortStableFunc(formats, func(a, b string) int {
		return cmp.Compare(boolRank(a == check.UnknownFormat), boolRank(b == check.UnknownFormat))
	})
	for i, f := range formats {
		if n := count[f]; n > 1 {
			formats[i] = fmt.Sprintf("%s ×%d", f, n)
		}
	}
	return fmt.Sprintf("%s (%s)", plural(len(inputs), "file", "files"), printers.EscapeLine(strings.Join(formats, ", ")))
}

// plural is "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// boolRank orders false before true.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
