package check

import "testing"

// k3sNodeName is the test nodes' configuration file.
const k3sNodeName = "/etc/rancher/k3s/config.yaml"

// k3sServer is a k3s server's configuration as the files gatherer makes
// it: "" leaves a key unset, and k3s's defaults fill cluster-cidr,
// service-cidr and cluster-dns.
func k3sServer(cluster, service, nodeIP string) K3sConfig {
	k := K3sConfig{Distribution: "k3s", Role: K3sServer, Instance: k3sNodeName, Source: "k3s server configuration " + k3sNodeName, File: k3sNodeName, Line: 1}
	given := func(key, value string) *Setting {
		if value == "" {
			return nil
		}
		return &Setting{Value: value, Source: "file " + k3sNodeName + " " + key, File: k3sNodeName, Line: 2, Column: 15}
	}
	k.NodeIP = given("node-ip", nodeIP)
	k.ClusterCIDR, k.ServiceCIDR = given("cluster-cidr", cluster), given("service-cidr", service)
	first := ""
	if k.NodeIP != nil {
		first = splitList(nodeIP)[0]
	}
	defCluster, defService := K3sDefaultCIDRs(first)
	if k.ClusterCIDR == nil {
		k.ClusterCIDR = K3sDefault(k, "cluster-cidr", defCluster)
	}
	if k.ServiceCIDR == nil {
		k.ServiceCIDR = K3sDefault(k, "service-cidr", defService)
	}
	k.ClusterDNS = K3sDefault(k, "cluster-dns", K3sDefaultClusterDNS(k.ServiceCIDR.Value))
	return k
}

// k3sFacts are facts holding k3s nodes, changed by fn.
func k3sFacts(nodes ...K3sConfig) *Facts {
	return &Facts{K3s: nodes, Distribution: nodes[0].Distribution}
}

func k3sMut(k K3sConfig, fn func(k *K3sConfig)) K3sConfig {
	fn(&k)
	return k
}

const (
	k3sDualCluster = "10.42.0.0/16,2001:cafe:42::/56"
	k3sDualService = "10.43.0.0/16,2001:cafe:43::/112"
	k3sDualNode    = "192.168.10.11,2001:db8:10::11"
	k3sSameIPv     = "must share the same IP version (IPv4, IPv6 or dual-stack)"
)

func TestK3sDefaults(t *testing.T) {
	for _, tc := range []struct{ nodeIP, cluster, service, dns string }{
		{"", "10.42.0.0/16", "10.43.0.0/16", "10.43.0.10"},
		{"192.168.10.11", "10.42.0.0/16", "10.43.0.0/16", "10.43.0.10"},
		{"2001:db8::11,192.168.10.11", "fd00:42::/56", "fd00:43::/112", "fd00:43::a"},
	} {
		k := k3sServer("", "", tc.nodeIP)
		if k.ClusterCIDR.Value != tc.cluster || k.ServiceCIDR.Value != tc.service || k.ClusterDNS.Value != tc.dns || !isK3sDefault(*k.ClusterCIDR) {
			t.Errorf("node-ip %q: defaults %+v %+v %+v", tc.nodeIP, *k.ClusterCIDR, *k.ServiceCIDR, *k.ClusterDNS)
		}
	}
	if got := K3sDefaultClusterDNS(k3sDualService); got != "10.43.0.10,2001:cafe:43::a" {
		t.Errorf("dual-stack cluster-dns %q", got)
	}
}

func TestK3sConfigValues(t *testing.T) {
	dual := k3sServer(k3sDualCluster, k3sDualService, k3sDualNode)
	subject := func(key string) string { return "k3s server " + k3sNodeName + " " + key }
	agent := k3sMut(dual, func(k *K3sConfig) {
		k.Role, k.ClusterCIDR = K3sAgent, &Setting{Value: "10.042.0.0/16", Source: "the server's cluster-cidr"}
	})
	cpRunCases(t, "k3s-config-values", []cpCase{
		{"dual-stack", k3sFacts(dual), []cpWant{cpOK("k3s")}},
		{"defaults", k3sFacts(k3sServer("", "", "")), []cpWant{cpOK("k3s")}},
		{"blanks and empty entries are not judged", k3sFacts(k3sServer("10.42.0.0/16, 2001:cafe:42::/56,", "", "")), []cpWant{cpOK("k3s")}},
		{"leading zero in cluster-cidr", k3sFacts(k3sServer("10.042.0.0/16,2001:cafe:42::/56", k3sDualService, k3sDualNode)), []cpWant{
			cpFail(Error, subject("cluster-cidr"), "k3s refuses to start: invalid cluster-cidr 10.042.0.0/16: invalid CIDR address: 10.042.0.0/16"),
		}},
		{"service-cidr mask", k3sFacts(k3sServer(k3sDualCluster, "10.43.0.0/33", "")), []cpWant{
			cpFail(Error, subject("service-cidr"), "invalid service-cidr 10.43.0.0/33: invalid CIDR address: 10.43.0.0/33"),
		}},
		{"cluster-dns", k3sFacts(k3sMut(dual, func(k *K3sConfig) { k.ClusterDNS = &Setting{Value: "10.43.0.x", Source: "cluster-dns"} })), []cpWant{
			cpFail(Error, subject("cluster-dns"), "invalid cluster-dns address 10.43.0.x"),
		}},
		{"node-ip, the first bad entry only", k3sFacts(k3sServer(k3sDualCluster, k3sDualService, "192.168.10.300,node1")), []cpWant{
			cpFail(Error, subject("node-ip"), "invalid node-ip: invalid ip format '192.168.10.300'"),
		}},
		{"node-external-ip", k3sFacts(k3sMut(dual, func(k *K3sConfig) { k.NodeExternalIP = &Setting{Value: "203.0.113.7/32", Source: "node-external-ip"} })), []cpWant{
			cpFail(Error, subject("node-external-ip"), "invalid node-external-ip: invalid ip format '203.0.113.7/32'"),
		}},
		{"an agent's cluster settings are its server's", k3sFacts(agent), []cpWant{cpOK("k3s")}},
		{"RKE2", k3sFacts(k3sMut(k3sServer("10.42.0.0/16/16", "", ""), func(k *K3sConfig) { k.Distribution = "rke2" })), []cpWant{
			cpFail(Error, "rke2 server "+k3sNodeName+" cluster-cidr", "rke2 refuses to start: invalid cluster-cidr 10.42.0.0/16/16"),
		}},
		{"not k3s", &Facts{}, []cpWant{cpPass("k3s", "not a k3s or RKE2 cluster")}},
	})
}

func TestK3sCIDRFamilies(t *testing.T) {
	subject := func(key string) string { return "k3s server " + k3sNodeName + " " + key }
	cpRunCases(t, "k3s-cidr-families", []cpCase{
		{"dual-stack IPv4 first", k3sFacts(k3sServer(k3sDualCluster, k3sDualService, k3sDualNode)), []cpWant{cpOK("k3s")}},
		{"dual-stack IPv6 first", k3sFacts(k3sServer("2001:cafe:42::/56,10.42.0.0/16", "2001:cafe:43::/112,10.43.0.0/16", "")), []cpWant{cpOK("k3s")}},
		{"defaults", k3sFacts(k3sServer("", "", "")), []cpWant{cpOK("k3s")}},
		{"IPv6-only defaults", k3sFacts(k3sServer("", "", "2001:db8::11")), []cpWant{cpOK("k3s")}},
		{"k3s issue 5491", k3sFacts(k3sServer("10.42.0.0/16", "2001:cafe:43:1::/112", "")), []cpWant{
			cpFail(Error, subject("service-cidr"), "k3s refuses to start: cluster-cidr: [10.42.0.0/16] and service-cidr: [2001:cafe:43:1::/112], "+k3sSameIPv),
		}},
		{"dual-stack cluster-cidr, default service-cidr", k3sFacts(k3sServer(k3sDualCluster, "", "")), []cpWant{
			cpFail(Error, subject("cluster-cidr"), "cluster-cidr: [10.42.0.0/16 2001:cafe:42::/56] and service-cidr: [10.43.0.0/16], "+k3sSameIPv),
		}},
		{"service-cidr IPv6 first", k3sFacts(k3sServer(k3sDualCluster, "2001:cafe:43::/112,10.43.0.0/16", "")), []cpWant{
			cpFail(Error, subject("service-cidr"), "service-cidr: [2001:cafe:43::/112 10.43.0.0/16], "+k3sSameIPv),
		}},
		{"an agent is checked through its server", k3sFacts(k3sMut(k3sServer("10.42.0.0/16", "2001:cafe:43::/112", ""), func(k *K3sConfig) { k.Role = K3sAgent })), []cpWant{cpOK("k3s")}},
		{"unparsable: k3s-config-values", k3sFacts(k3sServer("10.42.0.0/33", "2001:cafe:43::/112", "")), []cpWant{cpOK("k3s")}},
	})
}

func TestK3sNodeIPFamilies(t *testing.T) {
	subject := "k3s server " + k3sNodeName + " node-ip"
	agent := k3sMut(k3sServer("", "", "192.168.10.21"), func(k *K3sConfig) { k.Role, k.ClusterCIDR, k.ServiceCIDR = K3sAgent, nil, nil })
	cpRunCases(t, "k3s-node-ip-families", []cpCase{
		{"dual-stack pair", k3sFacts(k3sServer(k3sDualCluster, k3sDualService, k3sDualNode)), []cpWant{cpOK("k3s")}},
		{"IPv6 first: k3s reorders", k3sFacts(k3sServer(k3sDualCluster, k3sDualService, "2001:db8:10::11,192.168.10.11")), []cpWant{cpOK("k3s")}},
		{"single-stack, a dual-stack node", k3sFacts(k3sServer("10.42.0.0/16", "10.43.0.0/16", k3sDualNode)), []cpWant{cpOK("k3s")}},
		{"k3s issue 5918", k3sFacts(k3sServer(k3sDualCluster, k3sDualService, "10.1.1.4")), []cpWant{
			cpFail(Error, subject, "k3s refuses to start: cluster-cidr: [10.42.0.0/16 2001:cafe:42::/56] and node-ip: [10.1.1.4], "+k3sSameIPv),
		}},
		{"two IPv4 node IPs", k3sFacts(k3sServer(k3sDualCluster, k3sDualService, "192.168.10.11,192.168.20.11")), []cpWant{
			cpFail(Error, subject, "node-ip: [192.168.10.11 192.168.20.11]"),
		}},
		{"IPv4 cluster, IPv6 node", k3sFacts(k3sServer("10.42.0.0/16", "10.43.0.0/16", "2001:db8:10::11")), []cpWant{
			cpFail(Error, subject, "cluster-cidr: [10.42.0.0/16] and node-ip: [2001:db8:10::11]"),
		}},
		{"dual-stack, node-ip unset", k3sFacts(k3sServer(k3sDualCluster, k3sDualService, "")), []cpWant{
			cpFail(Info, subject, "node-ip unset with the dual-stack cluster-cidr"),
		}},
		{"single-stack, node-ip unset", k3sFacts(k3sServer("", "", "")), []cpWant{cpOK("k3s")}},
		{"an agent without its server", k3sFacts(agent), []cpWant{cpPass("k3s agent "+k3sNodeName+" node-ip", "nothing to compare")}},
	})
}
