package edit

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// text is a file's content being edited. Edits are splices of byte
// ranges of the original, applied together at the end, so that every
// position the YAML parser gave stays valid until then.
type text struct {
	src     []byte
	eol     string // "\r\n" in a file that ends its lines so, else "\n"
	starts  []int  // the offset of each line's start; line n is starts[n-1]
	splices []splice
	notes   []pending
}

// splice replaces src[start:end] with repl; start == end inserts.
type splice struct {
	start, end int
	repl       string
}

// pending is a note at an offset of the original (-1: the whole file).
type pending struct {
	at  int
	msg string
}

func newText(src []byte) *text {
	t := &text{src: src, starts: []int{0}, eol: "\n"}
	if bytes.Contains(src, []byte("\r\n")) {
		t.eol = "\r\n"
	}
	for i, b := range src {
		if b == '\n' && i+1 < len(src) {
			t.starts = append(t.starts, i+1)
		}
	}
	return t
}

// lines is the number of lines.
func (t *text) lines() int { return len(t.starts) }

// line is line n (1-based) without its newline.
func (t *text) line(n int) string {
	if n < 1 || n > len(t.starts) {
		return ""
	}
	end := len(t.src)
	if n < len(t.starts) {
		end = t.starts[n] - 1
	}
	return string(bytes.TrimSuffix(t.src[t.starts[n-1]:end], []byte("\r")))
}

// offset is the byte offset of a 1-based line and column; the YAML
// parser counts columns in characters.
func (t *text) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(t.starts) {
		return len(t.src)
	}
	off := t.starts[line-1]
	for c := 1; c < col && off < len(t.src) && t.src[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(t.src[off:])
		off += size
	}
	return off
}

// afterLine is the offset where a line inserted after line n starts.
func (t *text) afterLine(n int) int {
	if n < len(t.starts) {
		return t.starts[n]
	}
	return len(t.src)
}

// insertLines inserts whole lines (each ending in a newline) after line n.
func (t *text) insertLines(n int, lines string) {
	at := t.afterLine(n)
	if at == len(t.src) && len(t.src) > 0 && t.src[len(t.src)-1] != '\n' {
		lines = "\n" + lines // the last line had no newline
	}
	t.replace(at, at, t.eols(lines))
}

// removeLines removes lines first to last, with their newlines.
func (t *text) removeLines(first, last int) {
	t.replace(t.starts[first-1], t.afterLine(last), "")
}

// eols ends the lines of s as the file ends its own.
func (t *text) eols(s string) string {
	if t.eol == "\n" {
		return s
	}
	return strings.ReplaceAll(s, "\n", t.eol)
}

func (t *text) replace(start, end int, repl string) {
	t.splices = append(t.splices, splice{start, end, repl})
}

// note records why something could not be edited, at an offset of the
// original (-1 for the whole file).
func (t *text) note(at int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, n := range t.notes {
		if n.at == at && n.msg == msg {
			return
		}
	}
	t.notes = append(t.notes, pending{at, msg})
}

// apply is the edited content, and the notes at their lines in it.
func (t *text) apply() ([]byte, []Note, error) {
	s := append([]splice(nil), t.splices...)
	// Inserts before replacements at the same offset; otherwise in the
	// order the edits were made.
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].start != s[j].start {
			return s[i].start < s[j].start
		}
		return s[i].end-s[i].start == 0 && s[j].end-s[j].start > 0
	})
	var out bytes.Buffer
	cursor := 0
	for _, sp := range s {
		if sp.start < cursor {
			return nil, nil, fmt.Errorf("overlapping edits at byte %d", sp.start)
		}
		out.Write(t.src[cursor:sp.start])
		out.WriteString(sp.repl)
		cursor = sp.end
	}
	out.Write(t.src[cursor:])
	edited := out.Bytes()
	notes := make([]Note, 0, len(t.notes))
	for _, n := range t.notes {
		line := 0
		if n.at >= 0 {
			line = bytes.Count(edited[:shift(s, n.at)], []byte("\n")) + 1
		}
		notes = append(notes, Note{Line: line, Message: n.msg})
	}
	return edited, notes, nil
}

// shift maps an offset of the original into the edited content.
func shift(s []splice, at int) int {
	delta := 0
	for _, sp := range s {
		switch {
		case sp.end <= at && sp.start < at, sp.start == sp.end && sp.start == at:
			delta += len(sp.repl) - (sp.end - sp.start)
		case sp.start < at && at < sp.end:
			return sp.start + delta
		}
	}
	return at + delta
}
