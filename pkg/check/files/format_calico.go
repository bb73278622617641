package files

import (
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// calicoIPPool reads a Calico IPPool; the pools make one plugin once every
// file is read (cniFacts).
func (d *doc) calicoIPPool() {
	pool, ok := source.CalicoIPPool(d.Document)
	if !ok {
		return
	}
	c := &d.r.g.cni
	if len(c.pools) == 0 {
		c.poolsAt = d.At(d.Root)
		c.poolsAt.Source = d.Where
	}
	c.pools = append(c.pools, pool)
	c.poolFiles = appendOnce(c.poolFiles, d.File)
}

// calicoConfig reads the IPAM of the CNI configuration Calico's manifests
// install (calico.yaml's ConfigMap calico-config).
func (d *doc) calicoConfig() {
	n := lookup(d.Root, "data", "cni_network_config")
	text, ok := d.Str(n, "data.cni_network_config")
	if !ok {
		return
	}
	if ipam, ok := source.CalicoManifestIPAM(text, d.Setting(n, "", "data.cni_network_config")); ok {
		d.r.g.cni.manifestIPAM = &ipam
	}
}

// calicoInstallation reads the Tigera operator's Installation.
func (d *doc) calicoInstallation() {
	inst := source.ReadCalicoInstallation(d.Document)
	d.r.g.cni.installation = &inst
}
