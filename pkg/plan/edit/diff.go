package edit

import (
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// unifiedDiff is the unified diff from a to b, with git's a/ and b/
// headers and three lines of context.
func unifiedDiff(path string, a, b []byte) string {
	p := strings.TrimPrefix(filepath.ToSlash(path), "/")
	p = strings.TrimPrefix(p, "./")
	out, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: lines(a), B: lines(b), FromFile: "a/" + p, ToFile: "b/" + p, Context: 3,
	})
	if err != nil { // only a failing writer returns one, and this one is a buffer
		return ""
	}
	return out
}

// lines splits text into lines that keep their newline, one added to a
// last line without (difflib.SplitLines would also add an empty line
// after a text's final newline).
func lines(text []byte) []string {
	out := strings.SplitAfter(string(text), "\n")
	if out[len(out)-1] == "" {
		return out[:len(out)-1]
	}
	out[len(out)-1] += "\n"
	return out
}
