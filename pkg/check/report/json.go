package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
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
	data, err = yaml.JSONToYAML(escapeRawControls(data))
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
	_, err := w.Write(escapeRawControls(buf.Bytes()))
	return err
}

// escapeRawControls writes as \uXXXX, in JSON, the characters encoding/json
// leaves raw that a terminal takes for controls (DEL, C1) or YAML refuses
// (U+FEFF, U+FFFE, U+FFFF). JSON has them only inside strings, which
// decode to the same text. (encoding/json already escapes C0 controls and
// replaces invalid UTF-8 with U+FFFD.)
func escapeRawControls(data []byte) []byte {
	raw := func(r rune) bool {
		return r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0xfeff || r == 0xfffe || r == 0xffff
	}
	if !bytes.ContainsFunc(data, raw) {
		return data
	}
	var b bytes.Buffer
	for _, r := range string(data) {
		if raw(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.Bytes()
}
