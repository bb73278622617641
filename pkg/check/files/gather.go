package files

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

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

const defaultMaxFileSize = 10 << 20

// StdinName is how findings name the content of the path "-".
const StdinName = "<stdin>"

// Gather reads paths (files; directories, recursively; "-" for Stdin) into
// f, which may already hold a live cluster's facts. A file that cannot be
// read or parsed becomes a check.FileNote and the others are still read;
// the error is for when nothing at all could be read, or, without a live
// cluster, nothing in what was read is a configuration check reads.
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
	g.k3sNodes()
	g.cniFacts()
	if !live && !g.understood() {
		return g.nothingToAudit()
	}
	g.finish(live)
	return nil
}

// AddFile reads one file's content into f, as Gather does for each file;
// name is how findings name it. It never fails: problems become FileNotes.
// Sources and the version are left to Gather.
func AddFile(f *check.Facts, name string, data []byte) {
	g := newGatherer(f, Options{})
	g.add(name, data)
	g.k3sNodes()
	g.cniFacts()
}

// gatherer is one Gather (or AddFile) call.
type gatherer struct {
	f       *check.Facts
	opts    Options
	formats []Format
	read    int // files whose content was read
	// visit, when set, receives each file read instead of add (Walk).
	visit func(name string, data []byte)

	// dirs and files map the real path of what was read to the name it
	// was read under: each is read once, whatever links lead to it.
	dirs, files map[string]string

	found    map[check.Source]bool // check.Source* the files supplied
	versions []versionFrom         // Kubernetes versions the files name
	noted    map[check.FileNote]bool

	// kubeadmBy is what f.Kubeadm was anchored on: "" (nothing yet),
	// "init" (an InitConfiguration alone), "cluster" (a
	// ClusterConfiguration, a kind Cluster, the live ConfigMap), "capi"
	// (Cluster API's documents) or "kubespray" (what kubespray's
	// group_vars make it write).
	kubeadmBy string

	// k3s are the k3s and RKE2 configuration files read: k3sNodes merges
	// them per node once all are read.
	k3s []k3sFile
	// cni are the network plugins' configurations read: cniFacts makes
	// them the facts' CNI once all are read.
	cni cniFiles
}

func newGatherer(f *check.Facts, opts Options) *gatherer {
	g := &gatherer{f: f, opts: opts, formats: Formats(), dirs: map[string]string{}, files: map[string]string{}, found: map[check.Source]bool{}, noted: map[check.FileNote]bool{}}
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
	g.addNote(check.FileNote{At: at, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (g *gatherer) addNote(n check.FileNote) {
	if !g.noted[n] {
		g.noted[n] = true
		g.f.FileNotes = append(g.f.FileNotes, n)
	}
}

// fileAt locates a whole file.
func fileAt(name string) check.Setting {
	return check.Setting{File: name, Source: "file " + name}
}

// reason is an error without the path it repeats.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
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
