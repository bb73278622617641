package printers

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
)

// EscapeTerminal makes untrusted text (annotations, event messages, file
// names and contents) safe to print: cli-runtime's EscapeTerminal, which
// kubectl applies (ESC as ^[, CR as \r), then what that lets through, so
// that no control character reaches the terminal raw: other C0 controls
// and DEL in caret notation (BEL as ^G, backspace as ^H), C1 controls as
// the ESC sequence they stand for (CSI, U+009B, as ^[[), invalid UTF-8 as
// U+FFFD, and the invisible format characters as \u escapes (Invisible).
// Newlines and tabs are kept: they are the caller's layout.
func EscapeTerminal(s string) string {
	return escapeControls(cliprinters.EscapeTerminal(s), "\n\t")
}

// EscapeLine is EscapeTerminal for text that must stay on one line: it
// escapes newlines and tabs too (^J, ^I).
func EscapeLine(s string) string {
	return escapeControls(cliprinters.EscapeTerminal(s), "")
}

// escapeCells escapes what cli-runtime's table printer lets through in the
// table's string cells. That printer itself escapes ESC and cuts a cell at
// its first line break with "..." (as kubectl prints), so those are left
// to it; a tab, which would shift the columns after it, is escaped here.
func escapeCells(table *metav1.Table) *metav1.Table {
	for i := range table.Rows {
		for j, cell := range table.Rows[i].Cells {
			// Reassigned only when escaped: boxing the same string again
			// would allocate, for every cell of a big listing.
			if s, ok := cell.(string); ok {
				if e := escapeControls(s, "\x1b\n\r\f"); e != s {
					table.Rows[i].Cells[j] = e
				}
			}
		}
	}
	return table
}

// Invisible says r is a character a terminal shows as nothing, or not
// where it stands, while it changes how the text around it reads: the
// Unicode format characters (category Cf: the bidirectional embeddings,
// overrides and isolates U+202A-U+202E and U+2066-U+2069, the zero-width
// U+200B-U+200F, the soft hyphen U+00AD, U+FEFF, the tag characters) and
// the line and paragraph separators U+2028 and U+2029. Bidirectional
// controls make a terminal show text in another order than it is read
// ("Trojan Source", CVE-2021-42574: https://trojansource.codes/), the
// others hide text or make two different strings look the same. The
// zero-width joiner of emoji sequences is one of them: escaped, an emoji
// family shows as its members.
func Invisible(r rune) bool {
	return r >= 0xa0 && unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// escapeControls rewrites the control characters of s not in keep, the
// invisible format characters, and invalid UTF-8, as EscapeTerminal
// describes.
func escapeControls(s, keep string) string {
	if plainASCII(s, keep) {
		return s
	}
	unsafe := func(r rune) bool {
		return (r < 0x20 || r >= 0x7f && r < 0xa0) && !strings.ContainsRune(keep, r) || Invisible(r)
	}
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafe) {
		return s
	}
	var b strings.Builder
	for _, r := range s { // an invalid byte comes as utf8.RuneError, U+FFFD
		switch {
		case !unsafe(r):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte('^')
			b.WriteByte(byte(r) ^ 0x40)
		case r < 0xa0: // C1: ESC and the character 0x40 below
			b.WriteString("^[")
			b.WriteByte(byte(r - 0x40))
		case r <= 0xffff: // as Go and JSON write it: \u202e
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			fmt.Fprintf(&b, "\\U%08x", r)
		}
	}
	return b.String()
}

// plainASCII says s is printable ASCII, controls in keep aside: nearly
// every cell of a big table, checked a byte at a time.
func plainASCII(s, keep string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || c < 0x20 && strings.IndexByte(keep, c) < 0 {
			return false
		}
	}
	return true
}
