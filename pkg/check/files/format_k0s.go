package files

import (
	"cmp"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// k0s's defaults for what a ClusterConfig leaves unset: k0s
// pkg/apis/k0s/v1beta1/network.go DefaultNetwork, calico.go DefaultCalico,
// kubeproxy.go DefaultKubeProxy.
const (
	k0sDefaultPodCIDR     = "10.244.0.0/16"
	k0sDefaultServiceCIDR = "10.96.0.0/12"
	k0sDefaultProvider    = "kuberouter"
	k0sDefaultCalicoMode  = "vxlan"
	k0sDefaultProxyMode   = "iptables"
)

// k0sctl is what a k0sctl Cluster says about its controllers, for the
// ClusterConfig it installs.
type k0sctl struct {
	// gate is the IPv6SingleStack feature gate of the controllers'
	// installFlags: "true" only when every controller sets it.
	gate *check.Setting
	// address is the first controller's address, which k0sctl writes to
	// spec.api.address when the ClusterConfig leaves it unset.
	address *check.Setting
}

// k0sClusterConfig reads a k0s ClusterConfig: its network as k0s
// validates it, and the kube-apiserver, kube-controller-manager and
// kube-proxy settings k0s derives from it.
func (d *doc) k0sClusterConfig() {
	g := d.r.g
	if g.f.K0s != nil {
		d.Note(d.Root, check.Info, "a second k0s ClusterConfig (the first: %s): not read", g.f.K0s.Source)
		return
	}
	const network = "spec.network"
	nw := cmp.Or(d.mapping(network), d.Root)
	ds := cmp.Or(d.mapping(network+".dualStack"), nw)
	at := d.At(d.Root)
	k := &check.K0s{Source: d.Where, File: at.File, Line: at.Line}
	k.PodCIDR = d.fieldOr(network+".podCIDR", k0sDefaultPodCIDR, "k0s", nw)
	k.ServiceCIDR = d.fieldOr(network+".serviceCIDR", k0sDefaultServiceCIDR, "k0s", nw)
	k.DualStack = d.boolField(network+".dualStack.enabled", false, "k0s", ds)
	k.IPv6PodCIDR = d.optionalAt(network+".dualStack.IPv6podCIDR", ds)
	k.IPv6ServiceCIDR = d.optionalAt(network+".dualStack.IPv6serviceCIDR", ds)
	k.PrimaryAddressFamily = d.optionalAt(network+".primaryAddressFamily", nw)
	k.Provider = d.fieldOr(network+".provider", k0sDefaultProvider, "k0s", nw)
	if k.Provider.Value == "calico" {
		k.CalicoMode = d.fieldOr(network+".calico.mode", k0sDefaultCalicoMode, "k0s", cmp.Or(d.mapping(network+".calico"), d.Get(network+".provider")))
	}
	if ctl := d.r.k0sctl; ctl != nil {
		k.IPv6SingleStack = ctl.gate
	}
	g.f.K0s = k
	g.distribution("k0s", d.Where)
	d.k0sComponents(k)
}

// optionalAt is the string at path, or an empty value located at anchor.
func (d *doc) optionalAt(path string, anchor *yaml.Node) check.Setting {
	if s, ok := d.Field(path); ok {
		return s
	}
	return d.Setting(anchor, "", path+" (unset)")
}

// k0sComponents are the kube-apiserver, kube-controller-manager and
// kube-proxy k0s runs (pkg/component/controller apiserver.go,
// controllermanager.go, kubeproxy.go): the network's ranges in the order of
// the primary family, then the ClusterConfig's extraArgs.
func (d *doc) k0sComponents(k *check.K0s) {
	r := d.r
	dual := k.DualStack.Value == "true"
	ipv6, why := d.k0sPrimaryIPv6(k)
	svc := k0sBuild(dual, ipv6, k.ServiceCIDR, k.IPv6ServiceCIDR, "--service-cluster-ip-range", why)
	pods := k0sBuild(dual, ipv6, k.PodCIDR, k.IPv6PodCIDR, "--cluster-cidr", why)

	api := d.runs(check.APIServer, "k0s")
	api.Settings["service-cluster-ip-range"] = svc
	if s, ok := d.Field("spec.api.address"); ok && s.Value != "" {
		api.Settings["advertise-address"] = s
		if d.boolField("spec.api.onlyBindToAddress", false, "k0s", d.Root).Value == "true" {
			api.Settings["bind-address"] = derived(s.Value, s, "with spec.api.onlyBindToAddress")
		}
	} else if ctl := r.k0sctl; ctl != nil && ctl.address != nil {
		api.Settings["advertise-address"] = *ctl.address
	}
	maps.Copy(api.Settings, d.ExtraArgs("spec.api.extraArgs"))
	r.g.component(api)

	kcm := d.runs(check.ControllerManager, "k0s")
	kcm.Settings["cluster-cidr"] = pods
	kcm.Settings["service-cluster-ip-range"] = svc
	kcm.Settings["allocate-node-cidrs"] = derived("true", k.PodCIDR, "k0s runs kube-controller-manager with --allocate-node-cidrs=true")
	// The node masks k0s sets, which the ClusterConfig's extraArgs override.
	switch {
	case dual:
		kcm.Settings["node-cidr-mask-size-ipv4"] = derived("24", k.DualStack, "k0s sets --node-cidr-mask-size-ipv4=24 for dual-stack")
		kcm.Settings["node-cidr-mask-size-ipv6"] = derived("117", k.DualStack, "k0s sets --node-cidr-mask-size-ipv6=117 for dual-stack")
	case isIPv6CIDR(k.PodCIDR.Value):
		kcm.Settings["node-cidr-mask-size"] = derived("117", k.PodCIDR, "k0s sets --node-cidr-mask-size=117 for single-stack IPv6")
	default:
		kcm.Settings["node-cidr-mask-size"] = derived("24", k.PodCIDR, "k0s sets --node-cidr-mask-size=24")
	}
	maps.Copy(kcm.Settings, d.ExtraArgs("spec.controllerManager.extraArgs"))
	r.g.component(kcm)

	const proxy = "spec.network.kubeProxy"
	if d.boolField(proxy+".disabled", false, "k0s", d.Root).Value == "true" {
		return
	}
	// k0s runs kube-proxy with --config, whose clusterCIDR is the pod
	// CIDRs; its extraArgs do not override the configuration file.
	p := d.runs(check.KubeProxy, "k0s")
	p.Settings["cluster-cidr"] = pods
	p.Settings["proxy-mode"] = d.fieldOr(proxy+".mode", k0sDefaultProxyMode, "k0s", cmp.Or(d.Get(proxy), d.Root))
	n := d.Get(proxy + ".nodePortAddresses")
	if v, ok := d.StrList(n, proxy+".nodePortAddresses"); ok && v != "" {
		p.Settings["nodeport-addresses"] = d.Setting(n, v, proxy+".nodePortAddresses")
	}
	r.proxies = append(r.proxies, r.g.component(p))
}

// k0sPrimaryIPv6 is ClusterSpec.PrimaryAddressFamily
// (pkg/apis/k0s/v1beta1/clusterconfig_types.go): network.primaryAddressFamily,
// else IPv6 when api.externalAddress's host (else api.address; with k0sctl,
// else the first controller's address) is an IPv6 address. It says why.
func (d *doc) k0sPrimaryIPv6(k *check.K0s) (bool, string) {
	// Another value k0s refuses (k0s-primary-address-family): it is left
	// out here rather than guessed at.
	if v := k.PrimaryAddressFamily.Value; v == "IPv4" || v == "IPv6" {
		return v == "IPv6", "spec.network.primaryAddressFamily"
	}
	ext, _ := d.Field("spec.api.externalAddress")
	addr, _ := d.Field("spec.api.address")
	from := "spec.api.address"
	if ext.Value != "" {
		from = "spec.api.externalAddress"
		if host, _, err := net.SplitHostPort(ext.Value); err == nil && host != "" {
			ext.Value = host
		}
	} else if ctl := d.r.k0sctl; addr.Value == "" && ctl != nil && ctl.address != nil {
		addr, from = *ctl.address, "the first controller's address"
	}
	ip, err := netip.ParseAddr(cmp.Or(ext.Value, addr.Value))
	if err != nil {
		return false, "k0s's default"
	}
	return ip.Is6(), "the family of " + from
}

// k0sBuild is Network.BuildServiceCIDR and BuildPodCIDR, the value of
// flag: the IPv4 CIDR alone, or with dual-stack both, the primary family's
// first; located at the first.
func k0sBuild(dual, ipv6 bool, v4, v6 check.Setting, flag, why string) check.Setting {
	if !dual {
		return derived(v4.Value, v4, "k0s's "+flag)
	}
	first, second, order := v4, v6, "IPv4 first"
	if ipv6 {
		first, second, order = v6, v4, "IPv6 first"
	}
	s := first
	s.Value = first.Value + "," + second.Value
	s.Source = fmt.Sprintf("%s and %s (k0s's %s, %s: %s)", first.Source, lastField(second.Source), flag, order, why)
	return s
}

// lastField is the field a setting's source names last.
func lastField(source string) string {
	source, _, _ = strings.Cut(source, " (")
	return source[strings.LastIndex(source, " ")+1:]
}

// k0sctlCluster reads a k0sctl Cluster: the k0s version it installs, its
// controllers' feature gates and address, and the ClusterConfig at
// spec.k0s.config (k0sctl installs k0s's default configuration without
// one, unless the file holds a ClusterConfig document).
func (d *doc) k0sctlCluster() {
	g := d.r.g
	ctl := &k0sctl{}
	d.r.k0sctl = ctl
	for i, h := range d.List(d.Get("spec.hosts"), "spec.hosts") {
		d.k0sctlHost(ctl, h, fmt.Sprintf("spec.hosts[%d]", i))
	}
	if v, ok := d.Field("spec.k0s.version"); ok {
		tag, _, _ := strings.Cut(v.Value, "+") // v1.34.1+k0s.0
		g.version(rankKubeadm, tag, fmt.Sprintf("k0s version %s (%s)", v.Value, d.Where))
	}
	g.distribution("k0s", d.Where)
	if cfg := d.mapping("spec.k0s.config"); cfg != nil {
		d.nested(cfg, "spec.k0s.config", "ClusterConfig").k0sClusterConfig()
		return
	}
	if k := g.f.K0s; k != nil && k.IPv6SingleStack == nil {
		k.IPv6SingleStack = ctl.gate // a ClusterConfig read before
		return
	}
	anchor := cmp.Or(d.Get("spec.k0s"), d.Root)
	d.r.atEnd = append(d.r.atEnd, func() {
		if g.f.K0s == nil { // no ClusterConfig document: k0s's defaults
			d.nested(&yaml.Node{Kind: yaml.MappingNode, Line: anchor.Line, Column: anchor.Column}, "spec.k0s.config", "ClusterConfig").k0sClusterConfig()
		}
	})
}

// k0sctlHost reads what matters of one host: a controller's address and
// its IPv6SingleStack feature gate (installFlags are k0s's flags).
func (d *doc) k0sctlHost(ctl *k0sctl, h *yaml.Node, field string) {
	if h.Kind != yaml.MappingNode {
		d.WrongType(h, field, "a mapping")
		return
	}
	role, _ := d.Str(source.Lookup(h, "role"), field+".role")
	if role != "controller" && role != "controller+worker" && role != "single" {
		return
	}
	if ctl.address == nil {
		for _, key := range []string{"privateAddress", "ssh.address", "winRM.address", "openSSH.address"} {
			if s, ok := d.FieldUnder(h, field, key); ok && s.Value != "" {
				s.Source += " (k0sctl's spec.api.address)"
				ctl.address = &s
				break
			}
		}
	}
	flagsNode := source.Lookup(h, "installFlags")
	var args []string
	var nodes []*yaml.Node
	for j, item := range d.List(flagsNode, field+".installFlags") {
		if s, ok := d.Str(item, fmt.Sprintf("%s.installFlags[%d]", field, j)); ok {
			args, nodes = append(args, s), append(nodes, item)
		}
	}
	flags := source.ParseFlagsAt(args, d.Where+" "+field+".installFlags", func(i int) check.Setting { return d.At(nodes[i]) })
	gate := flags["feature-gates"]
	on := false
	for _, kv := range strings.Split(gate.Value, ",") {
		if name, v, _ := strings.Cut(kv, "="); strings.TrimSpace(name) == "IPv6SingleStack" {
			on = strings.TrimSpace(v) == "true"
		}
	}
	switch {
	case !on:
		at := d.Setting(cmp.Or(flagsNode, h), "false", field+".installFlags (no --feature-gates=IPv6SingleStack=true)")
		if gate.Value != "" {
			at = derived("false", gate, "IPv6SingleStack not enabled")
		}
		if ctl.gate == nil || ctl.gate.Value == "true" {
			ctl.gate = &at
		}
	case ctl.gate == nil:
		at := derived("true", gate, "IPv6SingleStack")
		ctl.gate = &at
	}
}

// isIPv6CIDR says whether s parses as an IPv6 CIDR.
func isIPv6CIDR(s string) bool {
	ip, _, err := net.ParseCIDR(s)
	return err == nil && ip.To4() == nil
}
