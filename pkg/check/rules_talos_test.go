package check

import "testing"

// talosNetwork is a KubeNetworkConfig of the given subnets (the dual-stack
// example of Talos's docs when nil), in file controlplane.yaml.
func talosNetwork(pods, services []string, masks ...string) TalosNetwork {
	const where = "file controlplane.yaml, KubeNetworkConfig "
	list := func(fieldName string, values []string) []Setting {
		var out []Setting
		for _, v := range values {
			out = append(out, Setting{Value: v, Source: where + fieldName, File: "controlplane.yaml", Line: 60})
		}
		return out
	}
	n := TalosNetwork{
		Source: "file controlplane.yaml, KubeNetworkConfig", File: "controlplane.yaml", Line: 58,
		PodSubnets: list("podSubnets", pods), ServiceSubnets: list("serviceSubnets", services),
		PodSubnetsAt:     Setting{Source: where + "podSubnets", File: "controlplane.yaml", Line: 59},
		ServiceSubnetsAt: Setting{Source: where + "serviceSubnets", File: "controlplane.yaml", Line: 62},
	}
	mask := func(v string) *Setting {
		if v == "" {
			return nil
		}
		return &Setting{Value: v, Source: where + "nodeCIDRMaskSize", File: "controlplane.yaml", Line: 65}
	}
	if len(masks) == 2 {
		n.NodeCIDRMaskSizeIPv4, n.NodeCIDRMaskSizeIPv6 = mask(masks[0]), mask(masks[1])
	}
	return n
}

var (
	talosDualPods     = []string{"10.244.0.0/16", "fc00:db8:10::/56"}
	talosDualServices = []string{"10.96.0.0/12", "fc00:db8:20::/112"}
)

func talosFacts(networks ...TalosNetwork) *Facts {
	return &Facts{Talos: &Talos{Networks: networks}}
}

func TestTalosNetworkSubnets(t *testing.T) {
	const pods, svcs = "talos KubeNetworkConfig podSubnets", "talos KubeNetworkConfig serviceSubnets"
	withPods := func(p ...string) *Facts { return talosFacts(talosNetwork(p, talosDualServices)) }
	withServices := func(s ...string) *Facts { return talosFacts(talosNetwork(talosDualPods, s)) }
	cpRunCases(t, "talos-network-subnets", []cpCase{
		{"docs' dual-stack", talosFacts(talosNetwork(talosDualPods, talosDualServices)), []cpWant{cpOK("talos")}},
		{"docs' IPv6", talosFacts(talosNetwork([]string{"fc00:db8:10::/56"}, []string{"fc00:db8:20::/112"})), []cpWant{cpOK("talos")}},
		// The cases of network_test.go TestKubeNetworkConfigValidate.
		{"empty", talosFacts(talosNetwork(nil, nil)), []cpWant{
			cpFail(Error, pods, "KubeNetworkConfig: pod subnets: at least one subnet must be specified"),
			cpFail(Error, svcs, "KubeNetworkConfig: service subnets: at least one subnet must be specified"),
		}},
		{"double v4", withPods("10.244.0.0/16", "10.245.0.0/16"), []cpWant{
			cpFail(Error, pods, "pod subnets: at most one IPv4 and one IPv6 subnet can be specified for dual-stack clusters"),
		}},
		{"three", withServices("10.96.0.0/12", "fc00:db8:20::/112", "10.112.0.0/12"), []cpWant{
			cpFail(Error, svcs, "service subnets: at most two subnets can be specified for dual-stack clusters"),
		}},
		{"invalid subnet", withPods("192.168.1.1/24"), []cpWant{cpFail(Error, pods, "pod subnets: invalid subnet: 192.168.1.1/24 is not a valid CIDR")}},
		{"unparsable", withPods("10.244.0.0/33"), []cpWant{cpFail(Error, pods, `KubeNetworkConfig does not load: netip.ParsePrefix("10.244.0.0/33"): prefix length out of range`)}},
		{"too few host bits", withServices("10.96.0.0/30"), []cpWant{cpFail(Error, svcs, "service subnets: invalid subnet: /30 is too small, it must be larger than /26")}},
		{"service subnet too large", withServices("10.0.0.0/10"), []cpWant{
			cpFail(Error, svcs, "service subnets: invalid subnet: 10.0.0.0/10 is too large, it must be at least /12 (at most 20 host identifier bits)"),
		}},
		{"pod subnet too large for node mask v4", withPods("2.0.0.0/7"), []cpWant{
			cpFail(Error, pods, "pod subnets: invalid subnet: 2.0.0.0/7 is too large for the per-node pod CIDR mask size /24, the difference must be at most 16 bits"),
		}},
		{"pod subnet too large for node mask v6", withPods("fc00:db8::/40"), []cpWant{
			cpFail(Error, pods, "invalid subnet: fc00:db8::/40 is too large for the per-node pod CIDR mask size /64, the difference must be at most 16 bits"),
		}},
		{"pod subnet smaller than node mask", withPods("10.244.0.0/28"), []cpWant{
			cpFail(Error, pods, "pod subnets: invalid subnet: 10.244.0.0/28 is smaller than the per-node pod CIDR mask size /24"),
		}},
		{"custom node mask makes pod subnet valid", talosFacts(talosNetwork([]string{"10.244.0.0/28"}, []string{"10.96.0.0/12"}, "28", "")), []cpWant{cpOK("talos")}},
		{"custom node mask makes pod subnet invalid v6", talosFacts(talosNetwork(talosDualPods, talosDualServices, "", "80")), []cpWant{
			cpFail(Error, pods, "invalid subnet: fc00:db8:10::/56 is too large for the per-node pod CIDR mask size /80, the difference must be at most 16 bits"),
		}},
		{"node masks out of range", talosFacts(talosNetwork(talosDualPods, talosDualServices, "33", "-1")), []cpWant{
			cpFail(Error, "talos KubeNetworkConfig nodeCIDRMaskSizeIPv4", "KubeNetworkConfig: nodeCIDRMaskSizeIPv4 must be between 1 and 32"),
			cpFail(Error, "talos KubeNetworkConfig nodeCIDRMaskSizeIPv6", "KubeNetworkConfig: nodeCIDRMaskSizeIPv6 must be between 1 and 128"),
		}},
		{"node masks 0: the defaults", talosFacts(talosNetwork(talosDualPods, talosDualServices, "0", "0")), []cpWant{cpOK("talos")}},
		{"not Talos", &Facts{}, []cpWant{cpPass("talos", "nothing to check")}},
	})
}

func TestTalosNetworkSubnetCount(t *testing.T) {
	cpRunCases(t, "talos-network-subnet-count", []cpCase{
		{"docs' dual-stack", talosFacts(talosNetwork(talosDualPods, talosDualServices)), []cpWant{cpOK("talos")}},
		{"length mismatch", talosFacts(talosNetwork(talosDualPods, talosDualServices[:1])), []cpWant{
			cpFail(Error, "talos KubeNetworkConfig serviceSubnets", "KubeNetworkConfig: the number of pod subnets must match the number of service subnets (2 pod subnets [10.244.0.0/16, fc00:db8:10::/56], 1 service subnets [10.96.0.0/12])"),
		}},
	})
}

func TestTalosNetworkConflict(t *testing.T) {
	machine := func(file string, network bool) TalosMachine {
		m := TalosMachine{Source: "file " + file + ", Talos machine config", File: file, Line: 1}
		if network {
			m.ClusterNetwork = &Setting{Source: "file " + file + ", Talos machine config cluster.network", File: file, Line: 30}
		}
		return m
	}
	with := func(machines ...TalosMachine) *Facts {
		f := talosFacts(talosNetwork(talosDualPods, talosDualServices))
		f.Talos.Machines = machines
		return f
	}
	cpRunCases(t, "talos-network-conflict", []cpCase{
		{"KubeNetworkConfig alone", with(machine("controlplane.yaml", false)), []cpWant{cpOK("talos")}},
		{"cluster.network alone", &Facts{Talos: &Talos{Machines: []TalosMachine{machine("controlplane.yaml", true)}}}, []cpWant{cpOK("talos")}},
		{"both in one file", with(machine("controlplane.yaml", true)), []cpWant{
			cpFail(Error, "talos cluster.network", "cluster network config is already set in the v1alpha1 config (.machine.cluster.network). Please remove it and use only the new KubeNetworkConfig document to avoid conflicts"),
		}},
		{"in two files", with(machine("worker.yaml", true)), []cpWant{cpOK("talos")}},
	})
}

func TestTalosKubeletValidSubnets(t *testing.T) {
	with := func(subnets ...string) *Facts {
		m := TalosMachine{Source: "file controlplane.yaml, Talos machine config", File: "controlplane.yaml", Line: 1}
		for _, s := range subnets {
			m.ValidSubnets = append(m.ValidSubnets, Setting{Value: s, Source: "file controlplane.yaml, Talos machine config machine.kubelet.nodeIP.validSubnets[0]", File: "controlplane.yaml", Line: 20})
		}
		return &Facts{Talos: &Talos{Machines: []TalosMachine{m}}}
	}
	const subj = "talos machine.kubelet.nodeIP.validSubnets"
	cpRunCases(t, "talos-kubelet-valid-subnets", []cpCase{
		{"dual-stack subnets", with("192.168.10.0/24", "2001:db8:10::/64"), []cpWant{cpOK("talos")}},
		{"an address and an exclusion", with("192.168.10.11", "!192.168.10.1/32"), []cpWant{cpOK("talos")}},
		{"two values in one entry", with("192.168.10.0/24,2001:db8:10::/64"), []cpWant{
			cpFail(Error, subj, `kubelet nodeIP subnet is not valid: "192.168.10.0/24,2001:db8:10::/64"`),
		}},
		{"an interface name", with("!eth1"), []cpWant{cpFail(Error, subj, `kubelet nodeIP subnet is not valid: "eth1"`)}},
	})
}
