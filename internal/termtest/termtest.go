// Package termtest is what the tests of several packages check in text
// meant for a terminal.
package termtest

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// RawControls lists, with their byte offsets, what must not reach a
// terminal raw in s: control characters (C0 other than those in keep, DEL,
// C1) and invalid UTF-8.
func RawControls(s, keep string) []string {
	var bad []string
	for i, r := range s {
		switch {
		case strings.ContainsRune(keep, r):
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			bad = append(bad, fmt.Sprintf("invalid byte %#x at %d", s[i], i))
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			bad = append(bad, fmt.Sprintf("%U at %d", r, i))
		}
	}
	return bad
}
