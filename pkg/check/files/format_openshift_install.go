package files

import (
	"cmp"
	"fmt"
	"net"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// isInstallConfig recognises an OpenShift install-config.yaml, which has
// no kind: a platform mapping, and the file's name or the cluster's
// metadata with its networking or base domain.
func isInstallConfig(name string, root *yaml.Node) bool {
	if p := source.Lookup(root, "platform"); p == nil || p.Kind != yaml.MappingNode {
		return false
	}
	if base := filepath.Base(name); base == "install-config.yaml" || base == "install-config.yml" {
		return true
	}
	return source.Lookup(root, "metadata") != nil && (source.Lookup(root, "networking") != nil || source.Lookup(root, "baseDomain") != nil)
}

// The installer's networking defaults (openshift/installer
// pkg/types/defaults/installconfig.go SetInstallConfigDefaults; libvirt's
// machine network from pkg/types/libvirt/defaults). The default network
// type is OVNKubernetes (the installation configuration parameters of the
// OpenShift documentation).
const (
	openshiftDefaultMachine        = "10.0.0.0/16"
	openshiftDefaultLibvirtMachine = "192.168.126.0/24"
	openshiftDefaultService        = "172.30.0.0/16"
	openshiftDefaultCluster        = "10.128.0.0/14"
	openshiftDefaultHostPrefix     = "23"
	openshiftDefaultNetworkType    = "OVNKubernetes"
)

// openshiftInstallConfig reads an install-config.yaml's platform and
// networking, with the installer's defaults, for the installer's own rules;
// and sets the components OpenShift configures from it: kube-apiserver's
// service ranges and kube-controller-manager's cluster CIDRs and node masks
// (hostPrefix), with node IPAM off: OVN-Kubernetes allocates node subnets.
func (d *doc) openshiftInstallConfig() {
	g := d.r.g
	if o := g.f.OpenShift; o != nil {
		d.Note(d.Root, check.Info, "a second OpenShift install-config (the first: %s): not read", o.Source)
		return
	}
	if d.APIVersion == "" {
		d.Note(d.Root, check.Error, "apiVersion: Required value: install-config version required")
	}
	root := d.At(d.Root)
	o := &check.OpenShift{Source: d.Where, File: root.File, Line: root.Line}
	d.openshiftPlatform(o)

	unset := func(field, value string) check.Setting {
		at := d.At(cmp.Or(d.Get("networking"), d.Root))
		at.Value, at.Source = value, fmt.Sprintf("%s %s (unset: the installer's default %s)", d.Where, field, value)
		return at
	}
	if s, ok := d.Field("networking.networkType"); ok && s.Value != "" {
		o.NetworkType = s
	} else {
		o.NetworkType = unset("networking.networkType", openshiftDefaultNetworkType)
	}

	o.MachineNetwork = d.openshiftNetworks("networking.machineNetwork", "cidr")
	if len(o.MachineNetwork.CIDRs) == 0 {
		if s, ok := d.Field("networking.machineCIDR"); ok { // the deprecated field, converted by the installer
			o.MachineNetwork = check.OpenShiftNetworks{At: s, CIDRs: []check.Setting{s}}
		} else {
			def := openshiftDefaultMachine
			if o.Platform.Value == "libvirt" {
				def = openshiftDefaultLibvirtMachine
			}
			s := unset("networking.machineNetwork", def)
			o.MachineNetwork = check.OpenShiftNetworks{At: s, CIDRs: []check.Setting{s}}
		}
	}
	o.ServiceNetwork = d.openshiftNetworks("networking.serviceNetwork", "")
	if len(o.ServiceNetwork.CIDRs) == 0 {
		s := unset("networking.serviceNetwork", openshiftDefaultService)
		o.ServiceNetwork = check.OpenShiftNetworks{At: s, CIDRs: []check.Setting{s}}
	}
	d.openshiftClusterNetwork(o)
	if len(o.ClusterNetwork) == 0 {
		o.ClusterNetworkAt = unset("networking.clusterNetwork", openshiftDefaultCluster)
		prefix := unset("networking.clusterNetwork[0].hostPrefix", openshiftDefaultHostPrefix)
		o.ClusterNetwork = []check.OpenShiftClusterNetwork{{CIDR: o.ClusterNetworkAt, HostPrefix: prefix}}
	}

	g.f.OpenShift = o
	g.distribution("openshift", d.Where)
	d.openshiftComponents(o)
}

// openshiftPlatform reads the platform's name (its key), and the settings
// of it the installer's IP family checks read.
func (d *doc) openshiftPlatform(o *check.OpenShift) {
	p := d.Get("platform")
	if p == nil || p.Kind != yaml.MappingNode || len(p.Content) < 2 {
		at := d.At(d.Root)
		at.Source = d.Where + " platform (none given)"
		o.Platform = at
		return
	}
	name := p.Content[0].Value
	o.Platform = d.Setting(p.Content[0], name, "platform."+name)
	if s, ok := d.Field("platform." + name + ".ipFamily"); ok && s.Value != "" {
		o.IPFamily = &s
	}
	if name == "azure" {
		o.CloudName, _ = d.Field("platform.azure.cloudName")
	}
}

// openshiftNetworks reads a networking list: CIDR strings, or mappings
// whose key holds the CIDR.
func (d *doc) openshiftNetworks(field, key string) check.OpenShiftNetworks {
	n := d.Get(field)
	if n == nil {
		return check.OpenShiftNetworks{}
	}
	var cidrs []check.Setting
	if key == "" {
		cidrs = d.strItems(n, field)
	} else {
		for i, item := range d.List(n, field) {
			if s, ok := d.FieldUnder(item, fmt.Sprintf("%s[%d]", field, i), key); ok {
				cidrs = append(cidrs, s)
			}
		}
	}
	return check.OpenShiftNetworks{At: d.Setting(n, joinSettings(cidrs), field), CIDRs: cidrs}
}

// openshiftClusterNetwork reads networking.clusterNetwork: cidr and
// hostPrefix of each entry.
func (d *doc) openshiftClusterNetwork(o *check.OpenShift) {
	const field = "networking.clusterNetwork"
	n := d.Get(field)
	if n == nil {
		return
	}
	for i, item := range d.List(n, field) {
		base := fmt.Sprintf("%s[%d]", field, i)
		cidr, ok := d.FieldUnder(item, base, "cidr")
		if !ok {
			continue
		}
		entry := check.OpenShiftClusterNetwork{CIDR: cidr}
		entry.HostPrefix, _ = d.integer(d.Under(item, base, "hostPrefix"), base+".hostPrefix")
		o.ClusterNetwork = append(o.ClusterNetwork, entry)
	}
	o.ClusterNetworkAt = d.Setting(n, joinSettings(openshiftCIDRs(o)), field)
}

// openshiftComponents are the kube-apiserver and kube-controller-manager
// OpenShift's operators configure from the install-config's networks.
func (d *doc) openshiftComponents(o *check.OpenShift) {
	g := d.r.g
	services := o.ServiceNetwork.At
	services.Value = joinSettings(o.ServiceNetwork.CIDRs)
	services.Source += " (kube-apiserver's and kube-controller-manager's --service-cluster-ip-range)"
	pods := o.ClusterNetworkAt
	pods.Source += " cidr (kube-controller-manager's --cluster-cidr)"
	allocate := check.Setting{Value: "false", Source: d.Where + " (OpenShift runs kube-controller-manager with --allocate-node-cidrs=false: OVN-Kubernetes allocates the node subnets)", File: o.File, Line: o.Line}
	kcm := map[string]check.Setting{"service-cluster-ip-range": services, "cluster-cidr": pods, "allocate-node-cidrs": allocate}
	for _, cn := range o.ClusterNetwork {
		ip, _, err := net.ParseCIDR(cn.CIDR.Value)
		if err != nil || cn.HostPrefix.Value == "" {
			continue
		}
		flag := "node-cidr-mask-size-ipv4"
		if ip.To4() == nil {
			flag = "node-cidr-mask-size-ipv6"
		}
		if _, seen := kcm[flag]; !seen {
			s := cn.HostPrefix
			s.Source += " (the node subnet size, per family)"
			kcm[flag] = s
		}
	}
	g.component(check.Component{Kind: check.APIServer, Instance: d.r.name, Source: d.Where, File: o.File, Line: o.Line,
		Settings: map[string]check.Setting{"service-cluster-ip-range": services}})
	g.component(check.Component{Kind: check.ControllerManager, Instance: d.r.name, Source: d.Where, File: o.File, Line: o.Line, Settings: kcm})
}

// openshiftCIDRs are the clusterNetwork entries' CIDRs.
func openshiftCIDRs(o *check.OpenShift) []check.Setting {
	out := make([]check.Setting, len(o.ClusterNetwork))
	for i, cn := range o.ClusterNetwork {
		out[i] = cn.CIDR
	}
	return out
}
