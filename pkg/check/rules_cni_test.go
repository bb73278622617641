package check

import (
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The network plugins' facts as the gatherers make them (package source
// builds them from the real objects; its tests read those).

func cniAt(value, source string) Setting { return Setting{Value: value, Source: source} }

func cniPool(name, cidr string, role PoolRole) CNIPool {
	return CNIPool{Name: name, CIDR: cniAt(cidr, "test "+name), Role: role}
}

// testCilium is Cilium with ipam, the families enabled, and pools
// ("key=cidr"; the key's suffix says the role).
func testCilium(ipam string, v4, v6 bool, settings map[string]string, pools ...CNIPool) *CNI {
	c := &CNI{Name: CNICilium, Source: "ConfigMap kube-system/cilium-config", At: cniAt("", "ConfigMap kube-system/cilium-config"),
		IPAM: cniAt(ipam, "ConfigMap kube-system/cilium-config ipam"), Pools: pools, Settings: map[string]Setting{},
		Families: map[corev1.IPFamily]Setting{
			corev1.IPv4Protocol: cniAt(strconv.FormatBool(v4), "ConfigMap kube-system/cilium-config enable-ipv4"),
			corev1.IPv6Protocol: cniAt(strconv.FormatBool(v6), "ConfigMap kube-system/cilium-config enable-ipv6"),
		}}
	for k, v := range settings {
		c.Settings[k] = cniAt(v, "ConfigMap kube-system/cilium-config "+k)
	}
	return c
}

// ciliumPools are a cluster pool of each family, inside the cluster CIDRs.
func ciliumPools() []CNIPool {
	return []CNIPool{cniPool("cluster-pool-ipv4-cidr", "10.244.128.0/17", PoolPods), cniPool("cluster-pool-ipv6-cidr", "fd00:10:244:80::/57", PoolPods)}
}

func testCalico(ipam string, pools ...CNIPool) *CNI {
	c := &CNI{Name: CNICalico, Source: "IPPool objects (crd.projectcalico.org/v1)", At: cniAt("", "IPPool objects (crd.projectcalico.org/v1)"),
		IPAM: cniAt(ipam, "Installation default spec.cni.ipam.type"), Pools: pools}
	c.SetPoolFamilies()
	return c
}

// assumed is c with its IPAM not read (Calico's manifests without their
// ConfigMap, Canal with RKE2's Secret).
func assumed(c *CNI) *CNI {
	c.IPAMAssumed = true
	return c
}

func calicoPool(name, cidr string, disabled bool) CNIPool {
	p := cniPool(name, cidr, PoolPods)
	p.Disabled = disabled
	return p
}

func testFlannel(v4, v6 bool, backend string, networks ...string) *CNI {
	c := &CNI{Name: CNIFlannel, Source: "ConfigMap kube-flannel/kube-flannel-cfg net-conf.json", IPAM: cniAt(IPAMHostLocal, "flannel"),
		Settings: map[string]Setting{"Backend.Type": cniAt(backend, "net-conf.json Backend.Type")},
		Families: map[corev1.IPFamily]Setting{
			corev1.IPv4Protocol: cniAt(strconv.FormatBool(v4), "net-conf.json EnableIPv4"),
			corev1.IPv6Protocol: cniAt(strconv.FormatBool(v6), "net-conf.json EnableIPv6"),
		}}
	for i, n := range networks {
		name := []string{"Network", "IPv6Network"}[i]
		c.Pools = append(c.Pools, cniPool(name, n, PoolNetwork))
	}
	return c
}

// withCNI is a healthy control plane of stack with the plugin c.
func withCNI(stack string, c *CNI) *Facts {
	f := cpCluster(stack)
	f.CNI = c
	return f
}

func TestCNIFamilies(t *testing.T) {
	noFamilies := withCNI("dual4", testCalico(IPAMCalico, calicoPool("v4", "10.244.0.0/16", false)))
	noFamilies.Components, noFamilies.Kubeadm = nil, nil
	forbidden := withCNI("dual4", nil)
	forbidden.MarkUnavailable(SourceCNI, "forbidden: configmaps \"cilium-config\" is forbidden")
	cpRunCases(t, "cni-families", []cpCase{
		{"no known plugin", withCNI("dual4", nil), []cpWant{cpPass("cni", "unknown CNI")}},
		{"its configuration forbidden", forbidden, []cpWant{cpSkip("cni", "forbidden")}},
		{"the cluster's families unknown", noFamilies, []cpWant{cpSkip("cni", "IP families are unknown")}},
		{"Cilium, both families, a pool of each", withCNI("dual4", testCilium(IPAMClusterPool, true, true, nil, ciliumPools()...)), []cpWant{cpOK("cni")}},
		{"Cilium without IPv6", withCNI("dual4", testCilium(IPAMClusterPool, true, false, nil, ciliumPools()[:1]...)),
			[]cpWant{cpFail(Error, "cilium IPv6", "Cilium gives pods no IPv6 address on this dual-stack IPv4-primary cluster: enable-ipv6 is false")}},
		{"Cilium without IPv4 on an IPv6-primary cluster", withCNI("dual6", testCilium(IPAMKubernetes, false, true, nil)),
			[]cpWant{cpFail(Error, "cilium IPv4", "enable-ipv4 is false")}},
		{"Cilium cluster-pool without an IPv6 pool", withCNI("dual4", testCilium(IPAMClusterPool, true, true, nil, ciliumPools()[:1]...)),
			[]cpWant{cpFail(Error, "cilium IPv6", "cluster-pool-ipv6-cidr must be provided when using ClusterPool")}},
		{"Cilium kubernetes IPAM needs no pool", withCNI("dual4", testCilium(IPAMKubernetes, true, true, nil)), []cpWant{cpOK("cni")}},
		{"Cilium IPv4 only on a single-stack cluster", withCNI("single4", testCilium(IPAMClusterPool, true, false, nil, ciliumPools()[:1]...)), []cpWant{cpOK("cni")}},
		{"Calico with a pool of each family", withCNI("dual4", testCalico(IPAMCalico, calicoPool("default-ipv4-ippool", "10.244.0.0/16", false), calicoPool("default-ipv6-ippool", "fd00:10:244::/56", false))),
			[]cpWant{cpOK("cni")}},
		{"Calico with an IPv4 pool only", withCNI("dual4", testCalico(IPAMCalico, calicoPool("default-ipv4-ippool", "10.244.0.0/16", false))),
			[]cpWant{cpFail(Error, "calico IPv6", "no enabled IPv6 pool")}},
		{"Calico without an IPv6 pool, its IPAM not read", withCNI("dual4", assumed(testCalico(IPAMCalico, calicoPool("default-ipv4-ippool", "192.168.0.0/16", false)))),
			[]cpWant{cpFail(Warning, "calico IPv6", "if it hands them out of its IPPools (its IPAM was not read)")}},
		{"Calico with its IPv6 pool disabled", withCNI("dual6", testCalico(IPAMCalico, calicoPool("v4", "10.244.0.0/16", false), calicoPool("v6", "fd00:10:244::/56", true))),
			[]cpWant{cpFail(Error, "calico IPv6", "v6 fd00:10:244::/56 (disabled)")}},
		{"flannel dual-stack on vxlan", withCNI("dual4", testFlannel(true, true, "vxlan", "10.244.0.0/16", "fd00:10:244::/56")), []cpWant{cpOK("cni")}},
		{"flannel without EnableIPv6", withCNI("dual4", testFlannel(true, false, "vxlan", "10.244.0.0/16")),
			[]cpWant{cpFail(Error, "flannel IPv6", "EnableIPv6 is false")}},
		{"flannel EnableIPv6 without IPv6Network", withCNI("dual4", testFlannel(true, true, "vxlan", "10.244.0.0/16")),
			[]cpWant{cpFail(Error, "flannel IPv6", "IPv6Network is not set")}},
		{"flannel's udp backend carries no IPv6", withCNI("dual4", testFlannel(true, true, "udp", "10.244.0.0/16", "fd00:10:244::/56")),
			[]cpWant{cpFail(Error, "flannel IPv6", "udp backend carries no IPv6")}},
	})
}

func TestCNIPodRanges(t *testing.T) {
	nodesOnly := withCNI("dual4", testFlannel(true, true, "vxlan", "10.244.0.0/16", "fd00:10:245::/56"))
	cpWithout(nodesOnly, ControllerManager)
	nodesOnly.Kubeadm = nil
	node := corev1.Node{}
	node.Name, node.Spec.PodCIDRs = "node-1", []string{"10.244.1.0/24", "fd00:10:244:1::/64"}
	nodesOnly.Nodes = []corev1.Node{node}
	native := map[string]string{"routing-mode": "native"}
	nativeRouting := func(v4, v6 string) []CNIPool {
		return append(ciliumPools(), cniPool("ipv4-native-routing-cidr", v4, PoolNativeRouting), cniPool("ipv6-native-routing-cidr", v6, PoolNativeRouting))
	}
	cpRunCases(t, "cni-pod-ranges", []cpCase{
		{"no known plugin", withCNI("dual4", nil), []cpWant{cpPass("cni", "unknown CNI")}},
		{"flannel's networks are the cluster CIDRs", withCNI("dual4", testFlannel(true, true, "vxlan", "10.244.0.0/16", "fd00:10:244::/56")), []cpWant{cpOK("cni")}},
		{"flannel's Network misses the cluster CIDR", withCNI("dual4", testFlannel(true, true, "vxlan", "10.42.0.0/16", "fd00:10:244::/56")),
			[]cpWant{cpFail(Error, "flannel Network", "Network 10.42.0.0/16 does not hold the cluster CIDR")}},
		{"flannel's IPv6Network misses a node's podCIDR", nodesOnly,
			[]cpWant{cpFail(Error, "flannel IPv6Network", "does not hold node node-1's podCIDR fd00:10:244:1::/64")}},
		{"flannel without IPv6 is cni-families' finding", withCNI("dual4", testFlannel(true, false, "vxlan", "10.244.0.0/16")), []cpWant{cpOK("cni")}},
		{"Calico pools inside the cluster CIDR", withCNI("dual4", testCalico(IPAMCalico, calicoPool("v4", "10.244.128.0/17", false), calicoPool("v6", "fd00:10:244:80::/57", false))),
			[]cpWant{cpOK("cni")}},
		{"a Calico pool outside the cluster CIDR", withCNI("dual4", testCalico(IPAMCalico, calicoPool("v4", "192.168.0.0/16", false), calicoPool("v6", "fd00:10:244::/56", false))),
			[]cpWant{cpFail(Warning, "calico IPPool v4", "IPPool v4 192.168.0.0/16 lies outside the cluster CIDR")}},
		{"Canal's unused default pool, its IPAM not read", withCNI("dual4", assumed(testCalico(IPAMCalico, calicoPool("default-ipv4-ippool", "192.168.0.0/16", false), calicoPool("v6", "fd12:3456::/48", false)))),
			[]cpWant{cpOK("cni")}},
		{"Calico host-local with pools holding the cluster CIDR", withCNI("dual4", testCalico(IPAMHostLocal, calicoPool("v4", "10.244.0.0/16", false), calicoPool("v6", "fd00:10:244::/56", false))),
			[]cpWant{cpOK("cni")}},
		{"Calico host-local with an IPv6 pool smaller than the cluster CIDR", withCNI("dual4", testCalico(IPAMHostLocal, calicoPool("v4", "10.244.0.0/16", false), calicoPool("v6", "fd00:10:244::/60", false))),
			[]cpWant{cpFail(Error, "calico IPv6", "with host-local IPAM pods get their addresses from the cluster CIDR")}},
		{"Cilium tunnelling needs no native-routing CIDR", withCNI("dual4", testCilium(IPAMClusterPool, true, true, map[string]string{"routing-mode": "tunnel"}, ciliumPools()...)), []cpWant{cpOK("cni")}},
		{"Cilium native routing with CIDRs holding its pools", withCNI("dual4", testCilium(IPAMClusterPool, true, true, native, nativeRouting("10.0.0.0/8", "fd00::/8")...)), []cpWant{cpOK("cni")}},
		{"Cilium native routing without an IPv6 CIDR", withCNI("dual4", testCilium(IPAMClusterPool, true, true, native, append(ciliumPools(), cniPool("ipv4-native-routing-cidr", "10.0.0.0/8", PoolNativeRouting))...)),
			[]cpWant{cpFail(Error, "cilium ipv6-native-routing-cidr", "ipv6NativeRoutingCIDR must be set when routingMode is native")}},
		{"Cilium native routing with IPv6 not masqueraded", withCNI("dual4", testCilium(IPAMClusterPool, true, true, map[string]string{"routing-mode": "native", "enable-ipv6-masquerade": "false"},
			append(ciliumPools(), cniPool("ipv4-native-routing-cidr", "10.0.0.0/8", PoolNativeRouting))...)), []cpWant{cpOK("cni")}},
		{"Cilium native-routing CIDR missing the cluster pool", withCNI("dual4", testCilium(IPAMClusterPool, true, true, native, nativeRouting("10.0.0.0/8", "fd00:10:244::/60")...)),
			[]cpWant{cpFail(Warning, "cilium ipv6-native-routing-cidr", "does not hold cluster-pool-ipv6-cidr fd00:10:244:80::/57")}},
		{"Cilium kubernetes IPAM: native-routing CIDR missing the cluster CIDR", withCNI("dual4", testCilium(IPAMKubernetes, true, true, map[string]string{"tunnel": "disabled"},
			cniPool("ipv4-native-routing-cidr", "10.244.0.0/17", PoolNativeRouting), cniPool("ipv6-native-routing-cidr", "fd00:10:244::/56", PoolNativeRouting))),
			[]cpWant{cpFail(Warning, "cilium ipv4-native-routing-cidr", "does not hold the cluster CIDR")}},
	})
}

func TestCNIPoolsOutsideServices(t *testing.T) {
	cpRunCases(t, "cni-pools-service-overlap", []cpCase{
		{"no known plugin", withCNI("dual4", nil), []cpWant{cpPass("cni", "unknown CNI")}},
		{"Cilium's pools apart from the services", withCNI("dual4", testCilium(IPAMClusterPool, true, true, nil, ciliumPools()...)), []cpWant{cpOK("cni")}},
		{"Cilium's default cluster pool 10.0.0.0/8", withCNI("dual4", testCilium(IPAMClusterPool, true, true, nil, cniPool("cluster-pool-ipv4-cidr", "10.0.0.0/8", PoolPods), ciliumPools()[1])),
			[]cpWant{cpFail(Error, "cilium cluster-pool-ipv4-cidr", "cluster-pool-ipv4-cidr 10.0.0.0/8 overlaps the service range 10.96.0.0/16")}},
		{"a native-routing CIDR spanning the services", withCNI("dual4", testCilium(IPAMClusterPool, true, true, nil, append(ciliumPools(), cniPool("ipv4-native-routing-cidr", "10.0.0.0/8", PoolNativeRouting))...)),
			[]cpWant{cpOK("cni")}},
		{"a Calico IPv6 pool over the services", withCNI("dual4", testCalico(IPAMCalico, calicoPool("v4", "10.244.0.0/16", false), calicoPool("v6", "fd00:10::/32", false))),
			[]cpWant{cpFail(Error, "calico v6", "overlaps the service range fd00:10:96::/112")}},
		{"a disabled Calico pool over the services", withCNI("dual4", testCalico(IPAMCalico, calicoPool("v4", "10.244.0.0/16", false), calicoPool("old", "10.96.0.0/12", true))),
			[]cpWant{cpOK("cni")}},
		{"flannel's Network over the services", withCNI("single4", testFlannel(true, false, "vxlan", "10.0.0.0/8")),
			[]cpWant{cpFail(Error, "flannel Network", "overlaps the service range 10.96.0.0/12")}},
	})
}

// Pod IPs are checked against the pools of a plugin with IPAM of its
// own, not against their node's podCIDRs.
func TestPodIPsAgainstCNIPools(t *testing.T) {
	calico := func(v4, v6 string) *CNI {
		return testCalico(IPAMCalico, calicoPool("default-ipv4-ippool", v4, false), calicoPool("default-ipv6-ippool", v6, false))
	}
	for _, tc := range []struct {
		name   string
		cni    *CNI
		podIPs []string
		want   string // the failure's message fragment, "" for none
	}{
		{"Calico: an address of the pool, outside the node's podCIDR", calico("10.244.128.0/17", "fd00:10:244:80::/57"), []string{"10.244.200.7", "fd00:10:244:80::7"}, ""},
		{"Calico: an address of the node's podCIDR, outside the pools", calico("10.244.128.0/17", "fd00:10:244:80::/57"), []string{"10.244.1.5", "fd00:10:244:80::7"},
			"podIPs[0] 10.244.1.5 is in none of Calico's IPv4 pools 10.244.128.0/17"},
		{"Calico without an IPv6 pool: cni-families' finding", testCalico(IPAMCalico, calicoPool("v4", "10.244.128.0/17", false)), []string{"10.244.200.7", "fd00:10:244:1::5"}, ""},
		{"Calico, its IPAM not read: an address of the node's podCIDR (Canal)", assumed(calico("192.168.0.0/16", "fd12:3456::/48")), []string{"10.244.1.5", "fd00:10:244:1::5"}, ""},
		{"Calico, its IPAM not read: in neither", assumed(calico("192.168.0.0/16", "fd12:3456::/48")), []string{"10.244.9.5", "fd00:10:244:1::5"},
			"podIPs[0] 10.244.9.5 is in none of Calico's IPv4 pools 192.168.0.0/16"},
		{"Calico host-local: the node's podCIDR", testCalico(IPAMHostLocal, calicoPool("v4", "10.244.0.0/16", false)), []string{"10.244.200.7", "fd00:10:244:1::5"},
			"10.244.200.7 is outside node node-1's IPv4 podCIDR 10.244.1.0/24"},
		{"Cilium cluster-pool", testCilium(IPAMClusterPool, true, true, nil, ciliumPools()...), []string{"10.244.1.5", "fd00:10:244:80::7"},
			"10.244.1.5 is in none of Cilium's IPv4 pools 10.244.128.0/17"},
		{"Cilium multi-pool: its pools are not in its configuration", testCilium(IPAMMultiPool, true, true, nil), []string{"172.16.0.5", "fd00:10:244:1::5"}, ""},
		{"flannel: the node's podCIDR", testFlannel(true, true, "vxlan", "10.244.0.0/16", "fd00:10:244::/56"), []string{"10.244.1.5", "fd00:10:244:1::5"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := healthy(dual4)
			w.f.CNI = tc.cni
			p := w.pod("web-x")
			p.Status.PodIP, p.Status.PodIPs = tc.podIPs[0], podIPs(tc.podIPs...)
			var got []string
			for _, fd := range runRules(t, w.facts(), []Rule{podsIPsInNodePodCIDRs}) {
				if fd.Result == Fail {
					got = append(got, fd.Message)
				}
			}
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("failures %q, want none", got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
				t.Errorf("failures %q, want one containing %q", got, tc.want)
			}
		})
	}

	// Unreadable, the plugin's pools are unknown: the rule skips.
	w := healthy(dual4)
	w.f.MarkUnavailable(SourceCNI, "forbidden: RBAC says no")
	findings := runRules(t, w.facts(), []Rule{podsIPsInNodePodCIDRs})
	if len(findings) != 1 || findings[0].Result != Skip || !strings.Contains(findings[0].Message, "which ranges pods get their addresses from is unknown") {
		t.Errorf("findings %+v, want one skip", findings)
	}
}
