package files

import (
	"fmt"
	"maps"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// kubeadm reads one of kubeadm's configuration documents.
func (d *doc) kubeadm() {
	if !d.patch { // a kind patch's version is kind's to choose
		at := d.At(source.Lookup(d.Root, "apiVersion"))
		at.Source = d.Where + " apiVersion"
		d.r.g.f.KubeadmDocuments = append(d.r.g.f.KubeadmDocuments, check.KubeadmDocument{APIVersion: d.APIVersion, Kind: d.kind, At: at})
	}
	switch d.kind {
	case "ClusterConfiguration":
		d.clusterConfiguration()
	case "InitConfiguration":
		d.initConfiguration()
	case "JoinConfiguration":
		d.joinConfiguration()
	}
}

// initOnly ends the Source of a Kubeadm that only an InitConfiguration
// named: kubeadm init defaults the ClusterConfiguration it is not given.
const initOnly = " (no ClusterConfiguration: kubeadm's defaults)"

// kubeadmFor is f.Kubeadm for a document to fill, created when needed. A
// ClusterConfiguration or kind Cluster anchors it (its Source, File and
// Line point there), and a second one is noted: what it sets replaces the
// first's values. An InitConfiguration anchors only a Kubeadm nothing
// else did; a kind patch merges into kind's own configuration.
func (d *doc) kubeadmFor(anchors bool) *check.Kubeadm {
	g := d.r.g
	k := g.kubeadm()
	at := d.At(d.Root)
	switch {
	case d.patch:
	case anchors:
		if g.kubeadmBy == "cluster" {
			d.Note(d.Root, check.Info, "a second kubeadm cluster configuration (the first: %s): the values it sets replace the first's", k.Source)
		}
		k.Source, k.File, k.Line = d.Where, at.File, at.Line
		g.kubeadmBy = "cluster"
	case g.kubeadmBy == "":
		k.Source, k.File, k.Line = d.Where+initOnly, at.File, at.Line
		g.kubeadmBy = "init"
	}
	return k
}

// clusterConfiguration reads a kubeadm ClusterConfiguration: what it sets
// replaces what an earlier one set.
func (d *doc) clusterConfiguration() {
	k := d.kubeadmFor(true)
	d.r.kubeadm = true
	c := source.ReadClusterConfiguration(d.Document)
	if c.PodSubnet != nil {
		k.PodSubnet = c.PodSubnet
	}
	if c.ServiceSubnet != nil {
		k.ServiceSubnet = c.ServiceSubnet
	}
	for name, s := range c.FeatureGates {
		if k.FeatureGates == nil {
			k.FeatureGates = map[string]check.Setting{}
		}
		k.FeatureGates[name] = s
	}
	d.extraArgsAndVersion(k, c)
}

// extraArgsAndVersion adds what any ClusterConfiguration gives, a file's
// or one embedded in Cluster API's: each component's extra arguments over
// those read before, and the Kubernetes version it names.
func (d *doc) extraArgsAndVersion(k *check.Kubeadm, c source.ClusterConfiguration) {
	for component, args := range c.ExtraArgs {
		if k.ExtraArgs[component] == nil {
			k.ExtraArgs[component] = map[string]check.Setting{}
		}
		maps.Copy(k.ExtraArgs[component], args)
	}
	if v := c.KubernetesVersion; v != nil {
		d.r.g.version(rankKubeadm, v.Value, fmt.Sprintf("kubernetesVersion %s (%s)", v.Value, d.Where))
	}
}

// initConfiguration reads the node-local part of kubeadm init: the
// apiserver's advertise address and the kubelet's extra flags.
func (d *doc) initConfiguration() {
	if s, ok := d.Field("localAPIEndpoint.advertiseAddress"); ok {
		d.kubeadmFor(false).AdvertiseAddress = &s
	}
	d.kubeletExtraArgs()
}

// joinConfiguration reads the kubelet's extra flags of kubeadm join. (A
// joining control plane's advertise address is checked against the
// cluster's serviceSubnet, which the join configuration does not hold.)
func (d *doc) joinConfiguration() {
	d.kubeletExtraArgs()
}

// kubeletExtraArgs are flags kubeadm writes to kubeadm-flags.env.
func (d *doc) kubeletExtraArgs() {
	const field = "nodeRegistration.kubeletExtraArgs"
	args := d.ExtraArgs(field)
	if len(args) == 0 {
		return
	}
	at := d.At(d.Root)
	d.r.g.component(check.Component{Kind: check.Kubelet, Instance: d.r.name, Source: d.Where + " " + field, Settings: args, File: at.File, Line: at.Line})
}

// kubeadm is the facts' kubeadm configuration, made on first use: every
// format that configures kubeadm (its own files, kind, Cluster API,
// kubespray) adds to the one kubeadm reads.
func (g *gatherer) kubeadm() *check.Kubeadm {
	if g.f.Kubeadm == nil {
		g.f.Kubeadm = &check.Kubeadm{}
	}
	if g.f.Kubeadm.ExtraArgs == nil {
		g.f.Kubeadm.ExtraArgs = map[string]map[string]check.Setting{}
	}
	g.found[check.SourceKubeadm] = true
	return g.f.Kubeadm
}
