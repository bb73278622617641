package check

import "testing"

func TestKubeletNodeIP(t *testing.T) {
	subj := "kubelet " + cpNode1 + " --node-ip"
	with := func(nodeIP, cloud string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			cpSet(f, Kubelet, "node-ip", nodeIP)
			cpSet(f, Kubelet, "cloud-provider", cloud)
		})
	}
	const pair = "must contain either a single IP or a dual-stack pair of IPs"
	cpRunCases(t, "kubelet-node-ip", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubelet")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubelet")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubelet")}},
		{"two IPv4", with("192.168.0.11,192.168.0.12", ""), []cpWant{cpFail(Error, subj, `bad --node-ip "192.168.0.11,192.168.0.12": `+pair)}},
		{"three", with("192.168.0.11,fd00:1::11,192.168.0.12", ""), []cpWant{cpFail(Error, subj, pair)}},
		{"IPv4-mapped counts as IPv4", with("::ffff:192.168.0.11,192.168.0.12", ""), []cpWant{cpFail(Error, subj, pair)}},
		{"in-tree cloud provider", with("192.168.0.11,fd00:1::11", "gce"), []cpWant{cpFail(Error, subj, "dual-stack not supported in this configuration")}},
		{"external cloud provider", with("192.168.0.11,fd00:1::11", "external"), []cpWant{cpOK("kubelet")}},
		{"unspecified in a pair", with("0.0.0.0,fd00:1::11", ""), []cpWant{cpFail(Error, subj, "dual-stack node IP cannot include '0.0.0.0' or '::'")}},
		{"unspecified alone", with("::", ""), []cpWant{cpOK("kubelet")}},
		{"unparsable entries are ignored", with("192.168.0.11, node1", ""), []cpWant{cpFail(Warning, subj, "Could not parse some node IP(s), ignoring them: node1")}},
		{"loopback", with("127.0.0.1", ""), []cpWant{cpFail(Error, subj, "failed to validate nodeIP: nodeIP can't be loopback address")}},
		{"link-local secondary", with("192.168.0.11,fe80::1", ""), []cpWant{
			cpFail(Error, subj, "failed to validate secondaryNodeIP: nodeIP can't be a link-local unicast address"),
		}},
		{"no node-ip", cpMut("dual4", func(f *Facts) { cpSet(f, Kubelet, "node-ip", "") }), []cpWant{cpPass(Kubelet, "nothing to check")}},
	})
}

func TestKubeletNodeIPFamilies(t *testing.T) {
	subj := "kubelet " + cpNode1 + " --node-ip"
	with := func(stack, nodeIP, cloud string) *Facts {
		return cpMut(stack, func(f *Facts) {
			cpSet(f, Kubelet, "node-ip", nodeIP)
			cpSet(f, Kubelet, "cloud-provider", cloud)
		})
	}
	cpRunCases(t, "kubelet-node-ip-families", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubelet")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubelet")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubelet")}},
		{"IPv6 first on an IPv4-primary cluster", with("dual4", "fd00:1::11,192.168.0.11", ""), []cpWant{
			cpFail(Warning, subj, "puts IPv6 first but the cluster's primary family is IPv4"),
		}},
		{"one IP on a dual-stack cluster", with("dual4", "192.168.0.11", ""), []cpWant{
			cpFail(Warning, subj, "the cluster is dual-stack IPv4-primary but --node-ip 192.168.0.11 names no dual-stack pair"),
		}},
		{"one IP with an external cloud provider", with("dual4", "192.168.0.11", "external"), []cpWant{cpOK("kubelet")}},
		{"IPv6 on a single-stack IPv4 cluster", with("single4", "fd00:1::11", ""), []cpWant{cpFail(Warning, subj, "puts IPv6 first")}},
	})
}

func TestKubeletClusterDNS(t *testing.T) {
	subj := "kubelet " + cpNode1 + " --cluster-dns"
	with := func(stack, dns string) *Facts {
		return cpMut(stack, func(f *Facts) { cpSet(f, Kubelet, "cluster-dns", dns) })
	}
	cpRunCases(t, "kubelet-cluster-dns", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kubelet")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kubelet")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kubelet")}},
		{"no such Service", with("dual4", "10.96.0.20"), []cpWant{
			cpFail(Error, subj, "clusterDNS 10.96.0.20 is in the service range but no Service has that clusterIP (Service kube-system/kube-dns has 10.96.0.10)"),
		}},
		{"node-local DNS cache", with("dual4", "169.254.20.10"), []cpWant{cpOK("kubelet")}},
		{"secondary family service IP", with("dual4", "fd00:10:96::a"), []cpWant{cpFail(Error, subj, "no Service has that clusterIP")}},
		{"not an IP", with("dual4", "dns"), []cpWant{cpFail(Error, subj, `clusterDNS entry "dns" is not an IP address`)}},
		{"unset", with("dual4", ""), []cpWant{cpPass(Kubelet, "nothing to check")}},
	})
}
