// Package files gathers check.Facts from configuration files, before a
// cluster exists: static pod manifests, kubeadm Init/Cluster/Join
// configurations, KubeProxyConfiguration, KubeletConfiguration, kind
// Cluster configs and kubelet flag files (kubeadm-flags.env). Every value
// keeps its file, line and column, so that a finding points at it. Nothing
// in a file is executed or fetched. The rules are check's own: this is only
// a second gatherer.
package files

import (
	"io"

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

// Gather reads paths (files; directories, recursively; "-" for Stdin) into
// f, which may already hold a live cluster's facts. A file that cannot be
// read or parsed becomes a check.FileNote and the others are still read;
// the error is only for when nothing at all could be read.
func Gather(f *check.Facts, paths []string, opts Options) error {
	panic("not implemented yet")
}

// AddFile reads one file's content into f, as Gather does for each file;
// name is how findings name it. It never fails: problems become FileNotes.
func AddFile(f *check.Facts, name string, data []byte) {
	panic("not implemented yet")
}
