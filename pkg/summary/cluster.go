package summary

import (
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// clusterOf is the cluster line: what check's topology and capacity rules
// derive from the facts.
func clusterOf(f *check.Facts) Cluster {
	c := Cluster{Stack: f.StackName(), Families: f.Families(), KubernetesVersion: f.ServerVersion, Distribution: f.Distribution, WhyUnknown: map[string]string{}}
	if len(c.Families) > 0 {
		c.PrimaryFamily = c.Families[0]
	} else {
		c.WhyUnknown["stack"] = f.FamiliesUnknown()
	}

	switch why := f.WhyUnavailable(check.SourceCNI); {
	case why != "":
		c.WhyUnknown["cni"] = why
	case f.CNI == nil:
		c.WhyUnknown["cni"] = check.CNIUnknown
	default:
		c.CNI = &CNI{Name: f.CNI.Name, IPAM: f.CNI.IPAM.Value}
		_, c.CNI.Source = f.CNISummary()
	}

	if why := f.WhyUnavailable(check.SourceNodes); why != "" {
		c.WhyUnknown["podRanges"] = why
	} else if usage, why := f.PodRangeUsage(); why != "" {
		c.WhyUnknown["podRanges"] = why
	} else {
		c.PodRanges = []PodRanges{}
		for _, u := range usage {
			c.PodRanges = append(c.PodRanges, PodRanges{Family: u.Family, ClusterCIDR: u.ClusterCIDR, NodeMask: u.NodeMask, Ranges: u.Ranges, Taken: u.Taken, NodesWithout: u.NodesWithout})
		}
	}

	if why := f.WhyUnavailable(check.SourceServiceCIDRs, check.SourceIPAddresses); why != "" {
		c.WhyUnknown["serviceAddresses"] = why
	} else {
		c.ServiceAddresses = []ServiceAddresses{}
		for _, u := range f.ServiceAddressUsage() {
			c.ServiceAddresses = append(c.ServiceAddresses, ServiceAddresses{Family: u.Family, ServiceCIDRs: u.ServiceCIDRs, Size: u.Size, Used: u.Used})
		}
	}
	if len(c.WhyUnknown) == 0 {
		c.WhyUnknown = nil
	}
	return c
}
