package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf16"

	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// jsonWriter and yamlWriter print the Report itself: the contract.
type (
	jsonWriter struct{}
	yamlWriter struct{}
)

func (jsonWriter) Write(w io.Writer, r Report, _ Options) error { return writeJSON(w, r) }

func (yamlWriter) Write(w io.Writer, r Report, _ Options) error { return WriteYAML(w, r) }

// WriteJSON prints v as the JSON report is printed: indented, what a
// terminal takes for controls escaped (summary's JSON too).
func WriteJSON(w io.Writer, v any) error { return writeJSON(w, v) }

// WriteYAML prints v as the YAML report is printed: its JSON as YAML, with
// what the YAML encoder refuses escaped.
func WriteYAML(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	// What sigs.k8s.io/yaml.Marshal does, but the YAML parser it converts
	// with refuses raw DEL and C1 characters: escaped, they pass.
	data, err = yaml.JSONToYAML(escapeRawControls(data, false))
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // subjects like service/<dry run> stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeRawControls(buf.Bytes(), true))
	return err
}

// escapeRawControls writes as \uXXXX, in JSON, the characters encoding/json
// leaves raw that a terminal takes for controls (DEL, C1), shows as
// nothing or out of place (printers.Invisible: the bidirectional controls
// of "Trojan Source", CVE-2021-42574, https://trojansource.codes/), or
// YAML refuses (U+FFFE, U+FFFF). JSON has them only inside strings, which
// decode to the same text. (encoding/json already escapes C0 controls and
// replaces invalid UTF-8 with U+FFFD.) YAML, converted from this JSON,
// escapes DEL and C1 itself but writes the format characters raw: it has
// no escape outside double-quoted strings. astral escapes the format
// characters above U+FFFF too, as JSON spells them (a UTF-16 surrogate
// pair), which the YAML parser refuses: YAML escapes those itself.
func escapeRawControls(data []byte, astral bool) []byte {
	raw := func(r rune) bool {
		return r == 0x7f || r >= 0x80 && r < 0xa0 || printers.Invisible(r) && (astral || r <= 0xffff) || r == 0xfffe || r == 0xffff
	}
	if !bytes.ContainsFunc(data, raw) {
		return data
	}
	var b bytes.Buffer
	for _, r := range string(data) {
		switch {
		case !raw(r):
			b.WriteRune(r)
		case r > 0xffff: // a tag character
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, "\\u%04x\\u%04x", hi, lo)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.Bytes()
}
