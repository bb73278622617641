package config

import (
	"fmt"
	"strings"
)

// didYouMean is " (did you mean "x"?)" for the candidate closest to word,
// when one is within maxEdits edits of it (ignoring case, "-" and "_"),
// else "".
func didYouMean(word string, candidates []string, maxEdits int) string {
	best, bestDist := "", maxEdits+1
	for _, c := range candidates {
		if d := editDistance(normalize(word), normalize(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// normalize makes failOn, fail-on and FAIL_ON the same word.
func normalize(s string) string {
	return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s))
}

// editDistance is the Levenshtein distance between a and b, in bytes
// (keys and rule IDs are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
