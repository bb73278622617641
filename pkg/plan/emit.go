package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Artefact is one more file for Emit to write: an edited configuration
// file, a diff.
type Artefact struct {
	Path    string // relative to the emit directory
	Content []byte
}

// Emit writes the plan's applicable parts under dir, for a person to
// review and apply: plan.json, one merge patch per Service and a script of
// `kubectl patch` lines, the admission policy, and extra (edited files).
// Nothing is applied. It returns the paths written, relative to dir.
func Emit(dir string, p *Plan, extra []Artefact) ([]string, error) {
	files := extra
	out, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	files = append(files, Artefact{"plan.json", append(out, '\n')})
	var script strings.Builder
	for _, s := range p.Steps {
		switch {
		case s.Service != nil:
			name := fmt.Sprintf("services/%s_%s.json", s.Service.Namespace, s.Service.Name)
			files = append(files, Artefact{name, append(append([]byte{}, s.Service.Patch...), '\n')})
			fmt.Fprintf(&script, "kubectl -n %s patch service %s --type=merge --patch-file \"$here/%s\"\n",
				shellQuote(s.Service.Namespace), shellQuote(s.Service.Name), filepath.Base(name))
		case s.Admission != nil && s.Admission.Manifest != "":
			files = append(files, Artefact{"admission-policy.yaml", []byte(s.Admission.Manifest)})
		}
	}
	if script.Len() > 0 {
		files = append(files, Artefact{"services/patch.sh", []byte("#!/bin/sh\n" +
			"# Written by kubectl dualstack plan: gives each Service below both IP families.\n" +
			"# Review it, then run it with a user allowed to patch Services.\n" +
			"set -eu\nhere=$(dirname \"$0\")\n" + script.String())})
	}
	var written []string
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return written, err
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(f.Path, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(path, f.Content, mode); err != nil {
			return written, err
		}
		written = append(written, f.Path)
	}
	return written, nil
}

// shellQuote quotes s for sh: object names are DNS labels, but the script
// must stay safe whatever a file or server says.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
