package source

import "github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"

// configField is a field of a component's configuration and the flag it
// stands for: the rules read flags, so a field's setting is stored under
// its flag's name. featureGates, common to both, is stored as
// --feature-gates.
type configField struct {
	field, flag string
	list        bool // a list of strings, stored comma-separated
}

// KubeProxyConfiguration reads a KubeProxyConfiguration's dual-stack
// fields. The component's Instance is the caller's to name.
func KubeProxyConfiguration(d *Document) check.Component {
	return componentConfig(d, check.KubeProxy, []configField{
		{field: "clusterCIDR", flag: "cluster-cidr"},
		{field: "bindAddress", flag: "bind-address"},
		{field: "nodePortAddresses", flag: "nodeport-addresses", list: true},
		{field: "detectLocalMode", flag: "detect-local-mode"},
		{field: "mode", flag: "proxy-mode"},
	})
}

// KubeletConfiguration reads a KubeletConfiguration's dual-stack fields.
// The component's Instance is the caller's to name.
func KubeletConfiguration(d *Document) check.Component {
	return componentConfig(d, check.Kubelet, []configField{
		{field: "clusterDNS", flag: "cluster-dns", list: true},
	})
}

func componentConfig(d *Document, kind string, fields []configField) check.Component {
	at := d.At(d.Root)
	c := check.Component{Kind: kind, Source: d.Where, Settings: map[string]check.Setting{}, File: at.File, Line: at.Line}
	for _, f := range fields {
		n := d.Get(f.field)
		read := d.Str
		if f.list {
			read = d.StrList
		}
		if v, ok := read(n, f.field); ok && v != "" {
			c.Settings[f.flag] = d.Setting(n, v, f.field)
		}
	}
	if s, ok := d.featureGatesFlag("featureGates"); ok {
		c.Settings["feature-gates"] = s
	}
	return c
}
