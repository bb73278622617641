package check

import "testing"

func TestKubeadmServiceSubnet(t *testing.T) {
	const subj = "kubeadm networking.serviceSubnet"
	with := func(v string) *Facts {
		return cpMut("dual4", func(f *Facts) { f.Kubeadm.ServiceSubnet.Value = v })
	}
	const pair = "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking"
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceKubeadm, "forbidden")
	cpRunCases(t, "kubeadm-service-subnet", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubeadm")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubeadm")}},
		{"unparsable", with("10.96.0.0/16,bogus"), []cpWant{cpFail(Error, subj, "couldn't parse subnet")}},
		{"three", with("10.96.0.0/16,fd00::/112,10.97.0.0/16"), []cpWant{cpFail(Error, subj, pair)}},
		{"two IPv4", with("10.96.0.0/16,10.97.0.0/16"), []cpWant{cpFail(Error, subj, pair)}},
		{"too small", with("10.96.0.0/29"), []cpWant{cpFail(Error, subj, "subnet with 8 address(es) is too small, the minimum is 10")}},
		{"too large IPv4", with("10.0.0.0/8"), []cpWant{
			cpFail(Error, subj, "specified service subnet is too large; for 32-bit addresses, the mask must be >= 12"),
		}},
		{"too large IPv6, enforced whatever the apiserver version", with("10.96.0.0/16,fd00::/64"), []cpWant{
			cpFail(Error, subj, "specified service subnet is too large; for 128-bit addresses, the mask must be >= 108"),
		}},
		{"site-local", with("10.96.0.0/16,fec0::/112"), []cpWant{
			cpFail(Warning, subj, "the subnet fec0::/112 contains IPv6 site-local addresses that belong to fec0::/10 which has been deprecated by rfc3879"),
		}},
		{"unset", cpMut("dual4", func(f *Facts) { f.Kubeadm.ServiceSubnet = nil }), []cpWant{cpPass(subj, "default 10.96.0.0/12")}},
		{"not kubeadm", cpMut("dual4", func(f *Facts) { f.Kubeadm = nil }), []cpWant{cpPass("kubeadm", "nothing to check")}},
		{"unavailable", unavailable, []cpWant{cpSkip("kubeadm", "forbidden")}},
	})
}

func TestKubeadmPodSubnet(t *testing.T) {
	const subj = "kubeadm networking.podSubnet"
	with := func(v string, args map[string]string) *Facts {
		return cpMut("dual4", func(f *Facts) { f.Kubeadm = cpKubeadmConfig(v, "10.96.0.0/16,fd00:10:96::/112", args) })
	}
	cpRunCases(t, "kubeadm-pod-subnet", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubeadm")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubeadm")}},
		{"two IPv6", with("fd00:1::/56,fd00:2::/56", nil), []cpWant{
			cpFail(Error, subj, "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking"),
		}},
		{"smaller than a node subnet", with("10.244.0.0/25", nil), []cpWant{
			cpFail(Error, subj, "the size of pod subnet with mask 25 is smaller than the size of node subnet with mask 24"),
		}},
		{"too small", with("10.244.0.0/29", nil), []cpWant{
			cpFail(Error, subj, "subnet with 8 address(es) is too small, the minimum is 14"),
			cpFail(Error, subj, "the size of pod subnet with mask 29 is smaller than the size of node subnet with mask 24"),
		}},
		{"IPv4 more than 16 bits apart", with("10.0.0.0/7", nil), []cpWant{
			cpFail(Error, subj, "pod subnet mask (7) and node-mask (24) difference is greater than 16"),
		}},
		{"IPv6 more than 16 bits apart", with("10.244.0.0/16,fd00::/40", nil), []cpWant{
			cpFail(Error, subj, "pod subnet mask (40) and node-mask (64) difference is greater than 16"),
		}},
		{"IPv6 node mask from extraArgs", with("10.244.0.0/16,fd00::/40", map[string]string{"node-cidr-mask-size-ipv6": "56"}), []cpWant{cpOK("kubeadm")}},
		{"legacy node-cidr-mask-size extraArg is ignored", with("10.0.0.0/7", map[string]string{"node-cidr-mask-size": "20"}), []cpWant{
			cpFail(Error, subj, "pod subnet mask (7) and node-mask (24) difference is greater than 16"),
		}},
		{"unparsable extraArg", with("10.244.0.0/16", map[string]string{"node-cidr-mask-size-ipv4": "x"}), []cpWant{
			cpFail(Error, subj, "could not parse the value of the kube-controller-manager flag node-cidr-mask-size-ipv4 as an integer"),
		}},
		{"node IPAM off", with("10.244.0.0/25", map[string]string{"allocate-node-cidrs": "false"}), []cpWant{cpOK("kubeadm")}},
		{"unset", cpMut("dual4", func(f *Facts) { f.Kubeadm.PodSubnet = nil }), []cpWant{cpPass(subj, "nothing to check")}},
	})
}

func TestKubeadmMatchesControlPlane(t *testing.T) {
	override := cpMut("dual4", func(f *Facts) {
		cpSet(f, APIServer, "service-cluster-ip-range", "10.97.0.0/16,fd00:10:97::/112")
		f.Kubeadm.ExtraArgs["apiServer"] = map[string]Setting{"service-cluster-ip-range": {Value: "10.97.0.0/16,fd00:10:97::/112", Source: "extraArgs"}}
	})
	cpRunCases(t, "kubeadm-matches-control-plane", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubeadm")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubeadm")}},
		{"apiserver differs", cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", "10.96.0.0/16") }), []cpWant{
			cpFail(Warning, cpAPI1+" --service-cluster-ip-range", "kubeadm's ClusterConfiguration says 10.96.0.0/16,fd00:10:96::/112"),
		}},
		{"apiServer extraArgs override", override, []cpWant{cpOK("kubeadm")}},
		{"controller-manager differs", cpMut("dual4", func(f *Facts) { cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.0/16") }), []cpWant{
			cpFail(Warning, cpKCM1+" --cluster-cidr", "kubeadm's ClusterConfiguration says 10.244.0.0/16,fd00:10:244::/56"),
		}},
		{"no podSubnet but --cluster-cidr", cpMut("single4", func(f *Facts) { f.Kubeadm.PodSubnet = nil }), []cpWant{
			cpFail(Warning, cpKCM1+" --cluster-cidr", "no podSubnet"),
		}},
	})
}

func TestKubeadmDNSServiceIP(t *testing.T) {
	const subj = "service/kube-system/kube-dns"
	cpRunCases(t, "kubeadm-dns-service-ip", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubeadm")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubeadm")}},
		{"wrong IP", cpMut("dual4", func(f *Facts) { f.Services[1] = cpService("kube-system", "kube-dns", "10.96.0.53") }), []cpWant{
			cpFail(Warning, subj, `has clusterIP "10.96.0.53" but kubeadm's DNS address, the 10th IP of 10.96.0.0/16`),
		}},
		{"no kube-dns", cpMut("dual4", func(f *Facts) { f.Services = f.Services[:1] }), []cpWant{cpPass(subj, "nothing to check")}},
		{"not kubeadm", cpMut("dual4", func(f *Facts) { f.Kubeadm = nil }), []cpWant{cpPass("kubeadm", "nothing to check")}},
	})
}
