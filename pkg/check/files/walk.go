package files

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// path reads one path given by the user.
func (g *gatherer) path(p string) {
	if p == "-" {
		if g.opts.Stdin == nil {
			g.note(fileAt(StdinName), check.Error, "cannot read: no standard input")
			return
		}
		g.readFrom(StdinName, g.opts.Stdin)
		return
	}
	info, err := os.Stat(p)
	switch {
	case err != nil:
		g.note(fileAt(p), check.Error, "cannot read: %s", reason(err))
	case info.IsDir():
		before := g.read
		g.dir(p)
		if g.read == before {
			g.note(fileAt(p), check.Info, "no configuration file in the directory (%s)", readInDirectories)
		}
	default:
		g.file(p, info)
	}
}

// readInDirectories says which files a directory walk reads.
const readInDirectories = "in directories only *.yaml, *.yml, *.json, *.conf, *.env and kubeadm-flags.env are read; name a file to read it"

func readInDirectory(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json", ".conf", ".env":
		return true
	}
	return name == "kubeadm-flags.env"
}

// dir reads a directory recursively, each real directory once (a
// symbolic link may lead back to an ancestor).
func (g *gatherer) dir(dir string) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		g.note(fileAt(dir), check.Error, "cannot read: %s", reason(err))
		return
	}
	if first, seen := g.dirs[real]; seen {
		g.note(fileAt(dir), check.Info, "the directory %s again (a symbolic link loop or a second path to it): read once", first)
		return
	}
	g.dirs[real] = dir
	entries, err := os.ReadDir(dir)
	if err != nil {
		g.note(fileAt(dir), check.Error, "cannot read the directory: %s", reason(err))
	}
	for _, e := range entries { // sorted by name: a stable order of findings
		p := filepath.Join(dir, e.Name())
		info, err := os.Stat(p) // follows symbolic links
		switch {
		case err != nil:
			g.note(fileAt(p), check.Error, "cannot read: %s", reason(err))
		case info.IsDir() && strings.HasPrefix(e.Name(), "."):
			g.note(fileAt(p), check.Info, "hidden directory: not read")
		case info.IsDir():
			g.dir(p)
		case !readInDirectory(e.Name()):
			g.note(fileAt(p), check.Info, "not read: %s", readInDirectories)
		case !info.Mode().IsRegular():
			g.note(fileAt(p), check.Info, "not a regular file: not read")
		default:
			g.file(p, info)
		}
	}
}

// file reads one file, once, unless it is too large.
func (g *gatherer) file(p string, info fs.FileInfo) {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		if first, seen := g.files[real]; seen {
			g.note(fileAt(p), check.Info, "the same file as %s: read once", first)
			return
		}
		g.files[real] = p
	}
	// Stat first so that a huge file is never read; readFrom still limits
	// what it reads (a device or a growing file has no honest size).
	if info.Mode().IsRegular() && info.Size() > g.opts.MaxFileSize {
		g.tooLarge(p)
		return
	}
	fh, err := os.Open(p)
	if err != nil {
		g.note(fileAt(p), check.Error, "cannot read: %s", reason(err))
		return
	}
	defer fh.Close()
	g.readFrom(p, fh)
}

func (g *gatherer) tooLarge(name string) {
	g.note(fileAt(name), check.Error, "larger than %s (the limit of one file): not read", size(g.opts.MaxFileSize))
}

// size is a byte count for people.
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readFrom reads at most MaxFileSize bytes and adds them.
func (g *gatherer) readFrom(name string, r io.Reader) {
	data, err := io.ReadAll(io.LimitReader(r, g.opts.MaxFileSize+1))
	if err != nil {
		g.note(fileAt(name), check.Error, "cannot read: %s", reason(err))
		return
	}
	if int64(len(data)) > g.opts.MaxFileSize {
		g.tooLarge(name)
		return
	}
	g.read++
	if g.visit != nil {
		g.visit(name, data)
		return
	}
	g.add(name, data)
}

// Walk reads paths as Gather does (directories recursively, the files
// Gather reads in them, each file once, none larger than MaxFileSize) and
// hands each file's name and content to visit instead of reading them
// into facts, for a caller that edits the files check reads. What cannot
// be read it returns as notes, as Gather records them.
func Walk(paths []string, opts Options, visit func(name string, data []byte)) []check.FileNote {
	g := newGatherer(&check.Facts{}, opts)
	g.visit = visit
	for _, p := range paths {
		g.path(p)
	}
	return g.f.FileNotes
}
