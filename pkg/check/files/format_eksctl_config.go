package files

import (
	"fmt"
	"net"
	"strings"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// eksctlClusterConfig reads an eksctl ClusterConfig: its IP family and
// what eksctl checks against it, for eksctl's own rules. An IPv4 cluster's
// serviceIPv4CIDR is EKS's kube-apiserver --service-cluster-ip-range (an
// IPv6 cluster's service range is chosen by EKS, so no file tells it).
func (d *doc) eksctlClusterConfig() {
	g := d.r.g
	if e := g.f.EKS; e != nil {
		d.Note(d.Root, check.Info, "a second eksctl ClusterConfig (the first: %s): not read", e.Source)
		return
	}
	root := d.At(d.Root)
	e := &check.EKS{Source: d.Where, File: root.File, Line: root.Line, VPC: map[string]check.Setting{}}
	e.Version = source.Optional(d.Field("metadata.version"))
	e.IPFamily = source.Optional(d.Field("kubernetesNetworkConfig.ipFamily"))
	e.ServiceIPv4CIDR = source.Optional(d.Field("kubernetesNetworkConfig.serviceIPv4CIDR"))
	if s, ok := d.boolean(d.Get("autoModeConfig.enabled"), "autoModeConfig.enabled"); ok {
		e.AutoMode = s.Value == "true"
	}
	if s, ok := d.boolean(d.Get("iam.withOIDC"), "iam.withOIDC"); ok {
		e.WithOIDC = &s
	}
	if s, ok := d.boolean(d.Get("addonsConfig.autoApplyPodIdentityAssociations"), "addonsConfig.autoApplyPodIdentityAssociations"); ok {
		e.AutoApplyPodIdentityAssociations = s.Value == "true"
	}
	d.eksctlAddons(e)
	for _, field := range []string{"vpc.id", "vpc.ipv6Cidr", "vpc.ipv6Pool"} {
		if s, ok := d.Field(field); ok && s.Value != "" {
			e.VPC[field] = s
		}
	}
	if s, ok := d.boolean(d.Get("vpc.autoAllocateIPv6"), "vpc.autoAllocateIPv6"); ok {
		e.VPC["vpc.autoAllocateIPv6"] = s
	}
	for _, field := range []string{"vpc.nat", "vpc.extraIPv6CIDRs", "localZones", "outpost", "remoteNetworkConfig"} {
		if s, ok := d.present(d.Get(field), field); ok {
			e.VPC[field] = s
		}
	}

	g.f.EKS = e
	g.distribution("eks", d.Where)
	if v := e.Version; v != nil {
		g.version(rankKubeadm, v.Value, fmt.Sprintf("metadata.version %s (%s)", v.Value, d.Where))
	}
	if s := e.ServiceIPv4CIDR; s != nil && !e.IPv6() {
		if _, _, err := net.ParseCIDR(s.Value); err == nil {
			svc := *s
			svc.Source += " (EKS's kube-apiserver --service-cluster-ip-range)"
			g.component(check.Component{Kind: check.APIServer, Instance: "eks", Source: d.Where + " (the EKS control plane)", File: root.File, Line: root.Line,
				Settings: map[string]check.Setting{"service-cluster-ip-range": svc}})
		}
	}
}

// eksctlAddons reads addons: each one's name, version and pod identity
// settings.
func (d *doc) eksctlAddons(e *check.EKS) {
	n := d.Get("addons")
	e.AddonsAt = check.Setting{Source: e.Source + " (no addons)", File: e.File, Line: e.Line}
	if n == nil {
		return
	}
	e.AddonsAt = d.Setting(n, "", "addons")
	for i, item := range d.List(n, "addons") {
		base := fmt.Sprintf("addons[%d]", i)
		name, ok := d.FieldUnder(item, base, "name")
		if !ok {
			continue
		}
		a := check.EKSAddon{Name: name}
		a.Version, _ = d.Str(d.Under(item, base, "version"), base+".version")
		if s, ok := d.boolean(d.Under(item, base, "useDefaultPodIdentityAssociations"), base+".useDefaultPodIdentityAssociations"); ok {
			a.UseDefaultPodIdentityAssociations = s.Value == "true"
		}
		a.PodIdentityAssociations = len(d.List(d.Under(item, base, "podIdentityAssociations"), base+".podIdentityAssociations"))
		e.Addons = append(e.Addons, a)
	}
	var names []string
	for _, a := range e.Addons {
		names = append(names, a.Name.Value)
	}
	e.AddonsAt.Value = strings.Join(names, ",")
}
