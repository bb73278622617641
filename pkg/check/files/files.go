// Package files gathers check.Facts from configuration files, before a
// cluster exists: static pod manifests, kubeadm Init/Cluster/Join
// configurations, KubeProxyConfiguration, KubeletConfiguration, kind
// Cluster configs and kubelet flag files (kubeadm-flags.env). Every value
// keeps its file, line and column, so that a finding points at it. Nothing
// in a file is executed or fetched. The rules are check's own: this is only
// a second gatherer.
package files

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// Options tune Gather.
type Options struct {
	// Stdin is read for the path "-".
	Stdin io.Reader
	// KubernetesVersion is the version version-dependent rules assume
	// (--kubernetes-version); when empty it comes from the files (image
	// tags, kubeadm's kubernetesVersion), else the newest supported.
	KubernetesVersion string
	// MaxFileSize: a larger file is reported, not read. 0 means 10 MiB.
	MaxFileSize int64
}

// NewestVersion is the version assumed when neither --kubernetes-version
// nor the files name one: the newest this checker knows.
const NewestVersion = "v1.37.0"

const defaultMaxFileSize = 10 << 20

// StdinName is how findings name the content of the path "-".
const StdinName = "<stdin>"

// apiObjectsReason is why an audit of files alone has no API objects.
const apiObjectsReason = "not in configuration files (--from-file audits configuration, not API objects)"

// Gather reads paths (files; directories, recursively; "-" for Stdin) into
// f, which may already hold a live cluster's facts. A file that cannot be
// read or parsed becomes a check.FileNote and the others are still read;
// the error is only for when nothing at all could be read.
//
// Facts without a server version hold no live data: Gather then marks the
// API objects (nodes, pods, Services...) unavailable, and the sources no
// file supplied. It sets the version rules assume (Options.KubernetesVersion,
// else the cluster's, else the files', else NewestVersion).
func Gather(f *check.Facts, paths []string, opts Options) error {
	// A live gatherer always sets the server version: facts without one
	// hold nothing but what the files say.
	live := f.ServerVersion != ""
	g := newGatherer(f, opts)
	for _, p := range paths {
		g.path(p)
	}
	if g.read == 0 {
		return g.nothingRead(paths)
	}
	g.finish(live)
	return nil
}

// AddFile reads one file's content into f, as Gather does for each file;
// name is how findings name it. It never fails: problems become FileNotes.
// Sources and the version are left to Gather.
func AddFile(f *check.Facts, name string, data []byte) {
	newGatherer(f, Options{}).add(name, data)
}

// gatherer is one Gather (or AddFile) call.
type gatherer struct {
	f    *check.Facts
	opts Options
	read int // files whose content was read

	// dirs and files map the real path of what was read to the name it
	// was read under: each is read once, whatever links lead to it.
	dirs, files map[string]string

	found    map[check.Source]bool // check.Source* the files supplied
	versions []versionFrom         // Kubernetes versions the files name
	noted    map[check.FileNote]bool

	// kubeadmBy is what f.Kubeadm was anchored on: "" (nothing yet),
	// "init" (an InitConfiguration alone) or "cluster" (a
	// ClusterConfiguration, a kind Cluster, the live ConfigMap).
	kubeadmBy string
}

func newGatherer(f *check.Facts, opts Options) *gatherer {
	g := &gatherer{f: f, opts: opts, dirs: map[string]string{}, files: map[string]string{}, found: map[check.Source]bool{}, noted: map[check.FileNote]bool{}}
	if k := f.Kubeadm; k != nil {
		g.kubeadmBy = "cluster"
		if strings.HasSuffix(k.Source, initOnly) {
			g.kubeadmBy = "init"
		}
	}
	if g.opts.MaxFileSize <= 0 {
		g.opts.MaxFileSize = defaultMaxFileSize
	}
	return g
}

// note records a remark about an input, once.
func (g *gatherer) note(at check.Setting, sev check.Severity, format string, args ...any) {
	n := check.FileNote{At: at, Severity: sev, Message: fmt.Sprintf(format, args...)}
	if !g.noted[n] {
		g.noted[n] = true
		g.f.FileNotes = append(g.f.FileNotes, n)
	}
}

// fileAt locates a whole file.
func fileAt(name string) check.Setting {
	return check.Setting{File: name, Source: "file " + name}
}

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
	g.add(name, data)
}

// add reads a file's content by what it holds.
func (g *gatherer) add(name string, data []byte) {
	defer func() {
		// A parser's bug must not end the audit (or a fuzzer): the file
		// becomes a note like any other it cannot parse.
		if p := recover(); p != nil {
			g.note(fileAt(name), check.Error, "cannot parse (internal error: %v)", p)
		}
	}()
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	r := &fileReader{g: g, name: name, data: data}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		g.note(fileAt(name), check.Info, "empty file")
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		g.note(fileAt(name), check.Error, "binary file (NUL bytes or invalid UTF-8): not read")
	case isEnvFile(name, data):
		r.env()
	default:
		r.yamlFile()
	}
	r.done()
}

// reason is an error without the path it repeats.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// size is a byte count for people.
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// nothingRead is Gather's error: what kept it from reading anything.
func (g *gatherer) nothingRead(paths []string) error {
	if len(paths) == 0 {
		return errors.New("no configuration file given")
	}
	var why []string
	for _, n := range g.f.FileNotes {
		why = append(why, n.At.File+": "+n.Message)
	}
	msg := "no configuration could be read from " + strings.Join(paths, ", ")
	if len(why) > 0 {
		msg += ": " + strings.Join(why, "; ")
	}
	return errors.New(msg)
}

// component adds a component the files define.
func (g *gatherer) component(c check.Component) int {
	switch c.Kind {
	case check.APIServer, check.ControllerManager, check.Scheduler:
		g.found[check.SourceControlPlane] = true
	case check.KubeProxy:
		g.found[check.SourceKubeProxy] = true
	case check.Kubelet:
		g.found[check.SourceKubelet] = true
	}
	g.f.Components = append(g.f.Components, c)
	return len(g.f.Components) - 1
}

// fileSources are the sources files may supply, and what a files-only
// audit lacks when they do not.
var fileSources = []struct {
	source check.Source
	what   string
}{
	{check.SourceControlPlane, "kube-apiserver, kube-controller-manager or kube-scheduler manifest"},
	{check.SourceKubeadm, "kubeadm configuration or kind Cluster"},
	{check.SourceKubeProxy, "kube-proxy configuration or manifest"},
	{check.SourceKubelet, "kubelet configuration or flags"},
}

// finish says which sources the audit lacks and which version it assumes.
func (g *gatherer) finish(live bool) {
	f := g.f
	if !live {
		for _, s := range []check.Source{check.SourceNodes, check.SourcePods, check.SourceServices, check.SourceSlices, check.SourceServiceCIDRs, check.SourceEvents} {
			f.MarkUnavailable(s, apiObjectsReason)
		}
		if f.Pods == nil {
			f.Pods = func(func(*corev1.Pod) error) error { return nil }
		}
		for _, s := range fileSources {
			if !g.found[s.source] {
				f.MarkUnavailable(s.source, "no "+s.what+" in the files")
			}
		}
	}
	for s := range g.found { // the files supply what the cluster did not
		delete(f.Unavailable, s)
	}
	g.setVersion(live)
}

// Preference of the versions files name: what runs, then what kubeadm or
// kind would deploy.
const (
	rankAPIServerImage = iota
	rankImage
	rankKubeadm
	rankKindImage
)

type versionFrom struct {
	rank            int
	version, source string
}

// version records a version a file names, when it is one ("latest" and
// kubeadm's "stable-1" are not).
func (g *gatherer) version(rank int, v, source string) {
	if !isVersion(v) {
		return
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	g.versions = append(g.versions, versionFrom{rank, v, source})
}

func (g *gatherer) setVersion(live bool) {
	f := g.f
	switch {
	case g.opts.KubernetesVersion != "":
		f.ServerVersion, f.VersionSource = g.opts.KubernetesVersion, "--kubernetes-version"
	case live: // the cluster's own version
	case len(g.versions) > 0:
		best := slices.MinFunc(g.versions, func(a, b versionFrom) int { return cmp.Compare(a.rank, b.rank) })
		f.ServerVersion, f.VersionSource = best.version, best.source
	default:
		f.ServerVersion = NewestVersion
		f.VersionSource = "assumed: " + NewestVersion + ", the newest version the checker knows (the files name none: no image tag, no kubeadm kubernetesVersion); set --kubernetes-version"
	}
}
