package files

import (
	"fmt"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// capiKubeadmSpecs is where each Cluster API kind holds its
// KubeadmConfigSpec (clusterConfiguration, initConfiguration,
// joinConfiguration).
var capiKubeadmSpecs = map[string]string{
	"KubeadmControlPlane":         "spec.kubeadmConfigSpec",
	"KubeadmControlPlaneTemplate": "spec.template.spec.kubeadmConfigSpec",
	"KubeadmConfig":               "spec",
	"KubeadmConfigTemplate":       "spec.template.spec",
}

// capiFor is the files' Cluster API facts, created when needed.
func (d *doc) capiFor() *check.CAPI {
	g := d.r.g
	if g.f.CAPI == nil {
		g.f.CAPI = &check.CAPI{}
	}
	g.distribution("capi", d.Where)
	return g.f.CAPI
}

// capiKubeadmFacts is f.Kubeadm, the configuration the kubeadm bootstrap
// provider (CABPK) generates from Cluster API's documents; the first of
// them anchors it when no kubeadm file did.
func (d *doc) capiKubeadmFacts() *check.Kubeadm {
	g := d.r.g
	k := g.kubeadm()
	if g.kubeadmBy == "" {
		at := d.At(d.Root)
		k.Source, k.File, k.Line = d.Where, at.File, at.Line
		g.kubeadmBy = "capi"
	}
	return k
}

// capiCluster reads a Cluster API Cluster: its clusterNetwork, which CABPK
// writes as kubeadm's networking.podSubnet and serviceSubnet, the
// cidrBlocks joined with commas (sigs.k8s.io/cluster-api
// bootstrap/kubeadm/reconcilers/kubeadmconfig/kubeadmconfig_controller.go
// computeClusterConfigurationAndAdditionalData).
func (d *doc) capiCluster() {
	c := d.capiFor()
	if c.Source != "" {
		d.Note(d.Root, check.Info, "a second Cluster API Cluster (the first: %s): not read", c.Source)
		return
	}
	at := d.At(d.Root)
	c.Source, c.File, c.Line = d.Where, at.File, at.Line
	if v, ok := d.Field("spec.topology.version"); ok {
		d.r.g.version(rankKubeadm, v.Value, fmt.Sprintf("version %s (%s spec.topology.version)", v.Value, d.Where))
	}
	k := d.capiKubeadmFacts()
	for _, r := range []struct {
		field  string
		blocks *[]check.Setting
		subnet **check.Setting
		what   string
	}{
		{"spec.clusterNetwork.pods.cidrBlocks", &c.Pods, &k.PodSubnet, "podSubnet"},
		{"spec.clusterNetwork.services.cidrBlocks", &c.Services, &k.ServiceSubnet, "serviceSubnet"},
	} {
		list := d.Get(r.field)
		*r.blocks = d.strItems(list, r.field)
		*r.subnet = nil // the Cluster's, even unset, replace an embedded one
		if len(*r.blocks) > 0 {
			s := d.Setting(list, joinSettings(*r.blocks), r.field+" (CABPK's kubeadm networking."+r.what+")")
			*r.subnet = &s
		}
	}
}

// capiKubeadm reads the kubeadm configuration of a KubeadmControlPlane,
// KubeadmConfig or their templates: CABPK hands it to kubeadm, with the
// Cluster's networking.
func (d *doc) capiKubeadm() {
	c := d.capiFor()
	if v, ok := d.Field("spec.version"); ok && d.kind == "KubeadmControlPlane" {
		d.r.g.version(rankKubeadm, v.Value, fmt.Sprintf("version %s (%s spec.version)", v.Value, d.Where))
	}
	path := capiKubeadmSpecs[d.kind]
	for _, part := range []struct {
		field, kind string
		read        func(*doc)
	}{
		{"clusterConfiguration", "ClusterConfiguration", func(sub *doc) { sub.capiClusterConfiguration(c) }},
		{"initConfiguration", "InitConfiguration", (*doc).initConfiguration},
		{"joinConfiguration", "JoinConfiguration", (*doc).joinConfiguration},
	} {
		if n := d.mapping(path + "." + part.field); n != nil {
			part.read(d.nested(n, path+"."+part.field, part.kind))
		}
	}
}

// capiClusterConfiguration reads an embedded kubeadm ClusterConfiguration.
// Cluster API v1.11 and later ignore its networking (v1beta1 only) for the
// Cluster's: it stands for kubeadm's only when no Cluster is read.
func (d *doc) capiClusterConfiguration(c *check.CAPI) {
	k := d.capiKubeadmFacts()
	cc := source.ReadClusterConfiguration(d.Document)
	if s := cc.PodSubnet; s != nil {
		c.PodSubnets = append(c.PodSubnets, *s)
		if c.Source == "" {
			k.PodSubnet = s
		}
	}
	if s := cc.ServiceSubnet; s != nil {
		c.ServiceSubnets = append(c.ServiceSubnets, *s)
		if c.Source == "" {
			k.ServiceSubnet = s
		}
	}
	d.extraArgsAndVersion(k, cc)
}
