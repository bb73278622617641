package files

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// envLine is a shell-style variable assignment.
var envLine = regexp.MustCompile(`^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=`)

// kubeletVar is a variable holding kubelet flags: kubeadm's systemd
// drop-in runs `kubelet ... $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS`.
var kubeletVar = regexp.MustCompile(`^\s*(?:export\s+)?(KUBELET_[A-Z0-9_]*ARGS)=`)

// isEnvFile says whether a file holds shell-style variables
// (kubeadm-flags.env, /etc/default/kubelet) rather than YAML: by its
// name, else by every line being an assignment or a comment.
func isEnvFile(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".env":
		return true
	case ".yaml", ".yml", ".json":
		return false
	}
	seen := false
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if !envLine.MatchString(t) {
			return false
		}
		seen = true
	}
	return seen
}

// env reads a kubelet flag file: its KUBELET_*ARGS variables, in order,
// are one kubelet's flags.
func (r *fileReader) env() {
	c := check.Component{Kind: check.Kubelet, Instance: r.name, Source: "file " + r.name, Settings: map[string]check.Setting{}, File: r.name}
	for i, line := range strings.Split(string(r.data), "\n") {
		m := kubeletVar.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		if c.Line == 0 {
			c.Line = i + 1
		}
		args, cols := words(line, m[1])
		at := func(j int) check.Setting { return check.Setting{File: r.name, Line: i + 1, Column: cols[j]} }
		maps.Copy(c.Settings, source.ParseFlagsAt(args, fmt.Sprintf("file %s, %s", r.name, line[m[2]:m[3]]), at))
	}
	if c.Line == 0 {
		r.g.note(fileAt(r.name), check.Info, "no KUBELET_KUBEADM_ARGS or KUBELET_EXTRA_ARGS variable: not a kubelet flag file check reads")
		return
	}
	r.g.component(c)
}

// words splits a variable's value from byte offset start as systemd
// does: the assignment's quotes are removed, and $VAR in ExecStart splits
// the value on blanks. cols are the 1-based column of each word's first
// character.
func words(line string, start int) (out []string, cols []int) {
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
		}
		word.Reset()
	}
	pos := utf8.RuneCountInString(line[:start])
	for _, ch := range line[start:] {
		pos++
		switch {
		case unicode.IsSpace(ch):
			flush()
		case ch == '"' || ch == '\'':
		default:
			if word.Len() == 0 {
				cols = append(cols, pos)
			}
			word.WriteRune(ch)
		}
	}
	flush()
	return out, cols
}
