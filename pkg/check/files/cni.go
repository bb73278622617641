package files

import (
	"slices"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// cniFiles are the network plugins' configurations the files hold: a
// plugin's may be spread over several files (Calico's IPPools and its
// Installation), so cniFacts makes them one once every file is read.
type cniFiles struct {
	cilium, flannel *check.CNI
	pools           []check.CNIPool
	poolsAt         check.Setting
	poolFiles       []string
	installation    *source.CalicoInstallation
	manifestIPAM    *check.Setting
}

// cniFacts sets the facts' CNI from the files' plugin configurations,
// when they hold any: they are the configuration the audit is about, so
// they take the place of a live cluster's.
func (g *gatherer) cniFacts() {
	c := g.cni
	from := ""
	if len(c.pools) > 0 {
		from = "IPPool objects in " + strings.Join(c.poolFiles, ", ")
	}
	calico := source.Calico(source.CalicoParts{Pools: c.pools, PoolsAt: c.poolsAt, PoolsFrom: from, Installation: c.installation, ManifestIPAM: c.manifestIPAM})
	if c.cilium == nil && c.flannel == nil && calico == nil && c.installation == nil && c.manifestIPAM == nil {
		return
	}
	g.f.CNI = check.ChooseCNI(c.cilium, calico, c.flannel)
	g.found[check.SourceCNI] = true
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
