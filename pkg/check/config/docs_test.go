package config

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

const docsFile = "../../../docs/config.md"

// TestDocsExample: docs/config.md's example is a valid file that shows
// every key, its tables name every key, and the error and the exempt
// reason it quotes are what the plugin says of its example.
func TestDocsExample(t *testing.T) {
	data, err := os.ReadFile(docsFile)
	if err != nil {
		t.Fatal(err)
	}
	docs := string(data)
	example := fencedAfter(t, docs, "<!-- example: loaded by TestDocsExample in pkg/check/config -->", "yaml")
	c, err := Parse(WorkingDirFile, []byte(example))
	if err != nil {
		t.Fatalf("the example does not load: %v\n%s", err, example)
	}
	if c.Expect == "" || c.FailOn == "" || len(c.Skip) == 0 || len(c.Severities) == 0 || len(c.Exemptions) < 3 {
		t.Errorf("the example leaves fields out: %+v", c)
	}

	for _, key := range append(append(append([]string{}, topKeys...), rulesKeys...), exemptionKeys...) {
		if !strings.Contains(example, " "+key+":") && !strings.Contains(example, "\n"+key+":") {
			t.Errorf("the example does not show %s", key)
		}
	}
	for _, key := range topKeys {
		if !strings.Contains(docs, "| `"+key+"` |") {
			t.Errorf("the fields table lacks %s", key)
		}
	}
	for _, key := range rulesKeys {
		if !strings.Contains(docs, "| `rules."+key+"` |") {
			t.Errorf("the fields table lacks rules.%s", key)
		}
	}
	for _, key := range exemptionKeys {
		if !strings.Contains(docs, "| `"+key+"` |") {
			t.Errorf("the exemptions table lacks %s", key)
		}
	}

	x := c.Exemptions[0]
	if quoted := fmt.Sprintf("`%s (%s)`", x.Reason, x.Source); !strings.Contains(docs, quoted) {
		t.Errorf("the docs do not quote the first exemption's reason as a finding shows it: %s", quoted)
	}
	// The error quoted is that of the example with the second
	// exemption's reason misspelt.
	i := strings.Index(example, "  reason:")
	i += strings.Index(example[i+1:], "  reason:") + 1
	_, err = Parse(WorkingDirFile, []byte(example[:i]+"  reasn:"+example[i+len("  reason:"):]))
	if err == nil || !strings.Contains(docs, "\nerror: "+err.Error()+"\n") {
		t.Errorf("the docs do not quote the error %v", err)
	}
}

// fencedAfter is the content of the first ```lang block after marker.
func fencedAfter(t *testing.T, docs, marker, lang string) string {
	t.Helper()
	_, rest, ok := strings.Cut(docs, marker)
	if !ok {
		t.Fatalf("no %q in the document", marker)
	}
	_, rest, ok = strings.Cut(rest, "```"+lang+"\n")
	block, _, closed := strings.Cut(rest, "\n```")
	if !ok || !closed {
		t.Fatalf("no ```%s block after %q", lang, marker)
	}
	return block + "\n"
}

// TestREADMEExample: the README's short example is a valid file.
func TestREADMEExample(t *testing.T) {
	data, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example := fencedAfter(t, string(data), "### Configuration file\n", "yaml")
	if c, err := Parse("README.md", []byte(example)); err != nil || len(c.Exemptions) != 1 || len(c.Severities) != 1 {
		t.Errorf("the README's example: %+v, %v\n%s", c, err, example)
	}
}
