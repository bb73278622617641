package files

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// NewestVersion is the version assumed when neither --kubernetes-version
// nor the files name one: the newest this checker knows.
const NewestVersion = check.NewestVersion

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

// version records a version a file names, when it is a release ("latest",
// kubeadm's "stable-1" and a development build's v0.0.0-master are not).
func (g *gatherer) version(rank int, v, source string) {
	if !check.IsRelease(v) {
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
		f.VersionSource = check.AssumedVersion + NewestVersion + ", the newest version the checker knows (the files name none: no image tag, no kubeadm kubernetesVersion); set --kubernetes-version"
	}
}
