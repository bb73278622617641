package printers

import (
	"strings"
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
// U+FFFD. Newlines and tabs are kept: they are the caller's layout.
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

// escapeControls rewrites the control characters of s not in keep, and
// invalid UTF-8, as EscapeTerminal describes.
func escapeControls(s, keep string) string {
	if plainASCII(s, keep) {
		return s
	}
	unsafe := func(r rune) bool {
		return (r < 0x20 || r >= 0x7f && r < 0xa0) && !strings.ContainsRune(keep, r)
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
		default: // C1: ESC and the character 0x40 below
			b.WriteString("^[")
			b.WriteByte(byte(r - 0x40))
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
