package files

import "github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"

// kubeProxyConfiguration reads a KubeProxyConfiguration. kubeadm gives it
// its pod subnet as clusterCIDR when it is in kubeadm's file (done).
func (d *doc) kubeProxyConfiguration() {
	c := source.KubeProxyConfiguration(d.Document)
	c.Instance = d.r.name
	d.r.proxies = append(d.r.proxies, d.r.g.component(c))
}
