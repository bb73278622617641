package files

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Each entry of the registry is whole: a stable name, a one-line
// description, one way to be recognised and its reader; no two formats
// claim the same document.
func TestFormats(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	names := map[string]bool{}
	claimed := map[string]string{} // kind apiVersion -> format
	for _, f := range Formats() {
		if !kebab.MatchString(f.Name) || names[f.Name] {
			t.Errorf("format %q: want a unique kebab-case name", f.Name)
		}
		names[f.Name] = true
		if f.Description == "" || strings.Contains(f.Description, "\n") {
			t.Errorf("format %s: want a one-line description, got %q", f.Name, f.Description)
		}
		byDocument := len(f.Kinds) > 0 || len(f.APIVersions) > 0 || f.Label != "" || f.Patch || f.readDocument != nil || f.Shape != "" || f.matchShape != nil
		byFile := f.File != "" || f.matchFile != nil || f.readFile != nil
		byKind := len(f.Kinds) > 0 && len(f.APIVersions) > 0
		byShape := f.Shape != "" && f.matchShape != nil && !f.Patch
		wholeDocument := byKind != byShape && f.readDocument != nil
		wholeFile := f.File != "" && f.matchFile != nil && f.readFile != nil
		if byDocument == byFile || byDocument && !wholeDocument || byFile && !wholeFile {
			t.Errorf("format %s: want either kinds and apiVersions, or a shape description and matcher, and a document reader; or a file description, matcher and reader", f.Name)
		}
		names := f.Names
		if len(names) == 0 {
			names = []string{"*"}
		}
		for _, kind := range f.Kinds {
			for _, v := range f.APIVersions {
				for _, name := range names {
					for _, key := range []string{kind + " " + v + " " + name, kind + " " + v + " *"} {
						if other, ok := claimed[key]; ok && other != f.Name {
							t.Errorf("formats %s and %s both read kind %s apiVersion %s name %s", other, f.Name, kind, v, name)
						}
					}
					claimed[kind+" "+v+" "+name] = f.Name
				}
			}
		}
	}
}

// Every format is read from a fixture set of testdata/files.
func TestFormatsHaveFixtures(t *testing.T) {
	formats := Formats()
	seen := map[string]bool{}
	err := filepath.WalkDir("../../../testdata/files", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, name := range formatsOf(p, data) {
			seen[name] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		if !seen[f.Name] {
			t.Errorf("format %s: no fixture under testdata/files", f.Name)
		}
	}
}

// formatsOf names the formats of a file and its documents, as the
// gatherer recognises them (FileFormat, DocumentFormat).
func formatsOf(name string, data []byte) []string {
	if f := FileFormat(name, data); f != "" {
		return []string{f}
	}
	var out []string
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			return out // the end, or invalid YAML
		}
		if len(n.Content) == 0 {
			continue
		}
		if f := DocumentFormat(name, n.Content[0]); f != "" {
			out = append(out, f)
		}
	}
}
