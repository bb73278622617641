package printers

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cliprinters "k8s.io/cli-runtime/pkg/printers"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/termtest"
)

func TestEscapeTerminal(t *testing.T) {
	for _, tt := range []struct{ in, want, line string }{
		{"web-1 ✓ 日本", "web-1 ✓ 日本", "web-1 ✓ 日本"},
		{"\x1b[31mred\x1b[0m", "^[[31mred^[[0m", "^[[31mred^[[0m"},                         // kubectl's ^[
		{"\x1b]52;c;aGk=\a", "^[]52;c;aGk=^G", "^[]52;c;aGk=^G"},                           // OSC 52 sets the clipboard
		{"ok\rfake", "ok\\rfake", "ok\\rfake"},                                             // kubectl's \r
		{"a\nb\tc", "a\nb\tc", "a^Jb^Ic"},                                                  // layout kept, or not
		{"\x00\x08\x7f\x1f", "^@^H^?^_", "^@^H^?^_"},                                       // C0, DEL
		{"\u009b2J\u0085", "^[[2J^[E", "^[[2J^[E"},                                         // C1 as ESC sequences
		{"\xff\xfeok\xe2\x82", "\uFFFD\uFFFDok\uFFFD\uFFFD", "\uFFFD\uFFFDok\uFFFD\uFFFD"}, // invalid UTF-8
		{"\uFFFD", "\uFFFD", "\uFFFD"},
		// Trojan Source (CVE-2021-42574): the right-to-left override and
		// isolates that make a terminal show text in another order.
		{"ok\u202e\u2066 // admin\u2069\u2066", `ok\u202e\u2066 // admin\u2069\u2066`, `ok\u202e\u2066 // admin\u2069\u2066`},
		{"\u202a\u202b\u202c\u202d\u2067\u2068\u200e\u200f\u061c", `\u202a\u202b\u202c\u202d\u2067\u2068\u200e\u200f\u061c`, `\u202a\u202b\u202c\u202d\u2067\u2068\u200e\u200f\u061c`},
		// Other invisible format characters (zero-width space, joiner,
		// soft hyphen, BOM, a tag character) and the line and paragraph
		// separators.
		{"a\u200bb\u200dc\u00add\ufeffe\U000e0041f", `a\u200bb\u200dc\u00add\ufeffe\U000e0041f`, `a\u200bb\u200dc\u00add\ufeffe\U000e0041f`},
		{"line\u2028sep\u2029para", `line\u2028sep\u2029para`, `line\u2028sep\u2029para`},
		// Right-to-left text itself, accents, emoji: printed as they are.
		{"مرحبا שלום é 😀", "مرحبا שלום é 😀", "مرحبا שלום é 😀"},
	} {
		if got := EscapeTerminal(tt.in); got != tt.want {
			t.Errorf("EscapeTerminal(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := EscapeLine(tt.in); got != tt.line {
			t.Errorf("EscapeLine(%q) = %q, want %q", tt.in, got, tt.line)
		}
	}
}

// Cells with free text (a node's OS image and runtime, a container's
// waiting reason) printed through kubectl's table printer: no control
// character reaches the output, a newline cuts the cell ("..." as kubectl
// prints) instead of making a row, a tab does not shift the columns.
func TestTablesEscapeCells(t *testing.T) {
	hostile := "x\x1b]52;c;aGk=\a\tTAB\u009b2J\u202eRLO\u2066\xff\rCR\nFAKE ROW"
	node := testNode(func(n *corev1.Node) {
		n.Status.NodeInfo.OSImage = hostile
		n.Status.NodeInfo.ContainerRuntimeVersion = strings.Repeat("long", 25000) // 100 KB
	})
	pod := testPod(func(p *corev1.Pod) {
		p.Status.ContainerStatuses = []corev1.ContainerStatus{waitingStatus("app", hostile)}
	})
	tables := Tables{Now: podsNow}
	for name, table := range map[string]*metav1.Table{
		"nodes": tables.Nodes([]corev1.Node{node, testNode(nil)}),
		"pods":  tables.Pods([]corev1.Pod{pod, testPod(nil)}),
	} {
		var buf bytes.Buffer
		w := cliprinters.GetNewTabWriter(&buf)
		if err := cliprinters.NewTablePrinter(cliprinters.PrintOptions{Wide: true}).PrintObj(table, w); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		out := buf.String()
		if bad := termtest.RawControls(out, "\n"); len(bad) > 0 {
			t.Errorf("%s: raw control characters %v in:\n%q", name, bad, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("%s: %d lines, want a header and 2 rows:\n%s", name, len(lines), out)
		}
		if want := `x^[]52;c;aGk=^G^ITAB^[[2J\u202eRLO\u2066` + "\uFFFD..."; !strings.Contains(lines[1], want) {
			t.Errorf("%s: the row %q does not hold %q", name, lines[1], want)
		}
		// The column after the hostile one starts where its header does.
		header, next := lines[0], map[string]string{"nodes": "KERNEL-VERSION", "pods": "RESTARTS"}[name]
		col := utf8.RuneCountInString(header[:strings.Index(header, next)])
		for _, row := range lines[1:] {
			if r := []rune(row); len(r) <= col || r[col-1] != ' ' || r[col] == ' ' {
				t.Errorf("%s: the %s column is not at rune %d in %q", name, next, col, row)
			}
		}
	}
}
