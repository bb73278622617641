package cmd

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
)

// inputFormatsHelp lists the formats of --from-file for check's help, one
// line each, from the registry.
func inputFormatsHelp(formats []files.Format) string {
	var b strings.Builder
	for _, f := range formats {
		fmt.Fprintf(&b, "  %-18s %s\n", f.Name, f.Description)
	}
	return b.String()
}

// writeInputFormatsTable prints the formats of --from-file as the README's
// Markdown table: what each is and how it is recognised.
func writeInputFormatsTable(w io.Writer, formats []files.Format) error {
	var b strings.Builder
	b.WriteString("| format | what | recognised by |\n|---|---|---|\n")
	for _, f := range formats {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Name, markdownText(f.Description), recognisedBy(f))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// recognisedBy says in Markdown how a file or document of f is recognised.
func recognisedBy(f files.Format) string {
	if len(f.Kinds) == 0 {
		return markdownText(cmp.Or(f.File, f.Shape))
	}
	s := fmt.Sprintf("kind %s, apiVersion %s", codeList(f.Kinds), codeList(f.APIVersions))
	if f.Patch {
		s += "; also in the kubeadmConfigPatches of a kind `Cluster` (apiVersion optional)"
	}
	return s
}

// codeList is "`a`, `b` or `c`".
func codeList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = "`" + s + "`"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// markdownText escapes what Markdown would take for a table cell's end or
// emphasis.
func markdownText(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`).Replace(s)
}
