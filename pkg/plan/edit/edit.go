package edit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
)

// File is one file read: its content before and after the edit, the
// unified diff between them, and what could not be edited and why.
type File struct {
	Path     string
	Original []byte
	Edited   []byte
	// Diff is a unified diff with a/ and b/ headers naming Path; "" when
	// the file is unchanged.
	Diff  string
	Notes []Note
}

// Changed says whether the edit changed the file.
func (f File) Changed() bool { return f.Diff != "" }

// Note is something the edit could not do, or that needs a person: a
// node's own address, a setting only an installer reads.
type Note struct {
	// Line is where in the edited file, 0 for the whole file.
	Line    int
	Message string
}

func (n Note) String() string {
	if n.Line == 0 {
		return n.Message
	}
	return fmt.Sprintf("line %d: %s", n.Line, n.Message)
}

// Files reads paths as `check --from-file` does (files.Walk) and edits
// what check reads in them to the target's dual-stack configuration. It
// returns the files it changed or has notes about, in the order read;
// the error is for a target it cannot apply or nothing read.
func Files(paths []string, t Target) ([]File, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	var edits []*fileEdit
	walked := files.Walk(paths, files.Options{}, func(name string, data []byte) {
		edits = append(edits, parse(name, data, t))
	})
	var unread []File
	for _, n := range walked {
		if n.Severity == check.Error {
			unread = append(unread, File{Path: n.At.File, Notes: []Note{{Message: n.Message + ": not edited"}}})
		}
	}
	if len(edits) == 0 {
		var why []string
		for _, f := range unread {
			why = append(why, f.Path+": "+f.Notes[0].Message)
		}
		return nil, errors.New("no file could be read from " + strings.Join(paths, ", ") + ": " + strings.Join(why, "; "))
	}
	for _, e := range edits {
		e.edit()
	}
	editK3s(edits)
	editKubespray(edits)
	var out []File
	for _, e := range edits {
		f, err := e.finish()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.name, err)
		}
		if f.Changed() || len(f.Notes) > 0 {
			out = append(out, f)
		}
	}
	return append(out, unread...), nil
}
