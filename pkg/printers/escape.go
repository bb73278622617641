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
			if s, ok := cell.(string); ok {
				table.Rows[i].Cells[j] = escapeControls(s, "\x1b\n\r\f")
			}
		}
	}
	return table
}

// escapeControls rewrites the control characters of s not in keep, and
// invalid UTF-8, as EscapeTerminal describes.
func escapeControls(s, keep string) string {
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
