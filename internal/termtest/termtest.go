// Package termtest is what the tests of several packages check in text
// meant for a terminal.
package termtest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RawControls lists, with their byte offsets, what must not reach a
// terminal raw in s: control characters (C0 other than those in keep, DEL,
// C1), invalid UTF-8, and the invisible format characters (RawInvisible).
func RawControls(s, keep string) []string {
	return append(RawC0C1(s, keep), RawInvisible(s)...)
}

// RawC0C1 is RawControls without the format characters: what a data
// format that keeps those as they are (YAML) must still not carry raw.
func RawC0C1(s, keep string) []string {
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

// RawInvisible lists the characters of s a terminal does not show where
// they stand: Unicode format characters (category Cf, the bidirectional
// controls U+202A-U+202E and U+2066-U+2069 among them: "Trojan Source",
// CVE-2021-42574) and the line and paragraph separators U+2028, U+2029.
func RawInvisible(s string) []string {
	var bad []string
	for i, r := range s {
		if unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			bad = append(bad, fmt.Sprintf("%U at %d", r, i))
		}
	}
	return bad
}
