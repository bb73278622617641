package files

import (
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// kubeProxyConfiguration reads a KubeProxyConfiguration.
func (d *doc) kubeProxyConfiguration() {
	i := d.r.g.component(d.componentConfig(check.KubeProxy, check.KubeProxyFields))
	d.r.proxies = append(d.r.proxies, i)
}

// kubeletConfiguration reads a KubeletConfiguration.
func (d *doc) kubeletConfiguration() {
	d.r.g.component(d.componentConfig(check.Kubelet, check.KubeletFields))
}

// componentConfig reads a component's configuration file into settings
// stored under the flags' names, as the live gatherer does.
func (d *doc) componentConfig(kind string, fields []check.ConfigField) check.Component {
	at := d.at(d.root)
	c := check.Component{Kind: kind, Instance: d.r.name, Source: d.where, Settings: map[string]check.Setting{}, File: at.File, Line: at.Line}
	for _, fl := range fields {
		n := d.get(fl.Field)
		read := d.str
		if fl.List {
			read = d.strList
		}
		if v, ok := read(n, fl.Field); ok && v != "" {
			c.Settings[fl.Flag] = d.setting(n, v, fl.Field)
		}
	}
	return c
}
