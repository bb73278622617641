package files

import "github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"

// kubeletConfiguration reads a KubeletConfiguration.
func (d *doc) kubeletConfiguration() {
	c := source.KubeletConfiguration(d.Document)
	c.Instance = d.r.name
	d.r.g.component(c)
}
