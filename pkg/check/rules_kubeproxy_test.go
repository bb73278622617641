package check

import "testing"

func TestKubeProxyConfigValid(t *testing.T) {
	with := func(ver, flag, value string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.ServerVersion = ver
			cpSet(f, KubeProxy, flag, value)
		})
	}
	cpRunCases(t, "kube-proxy-config-valid", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"bad bindAddress", with("v1.37.0", "bind-address", "node1"), []cpWant{
			cpFail(Error, cpProxy+" --bind-address", `KubeProxyConfiguration.BindAddress: Invalid value: "node1": not a valid textual representation of an IP address`),
		}},
		{"1.36: primary and CIDRs", with("v1.36.3", "nodeport-addresses", "primary,10.0.0.0/8"), []cpWant{
			cpFail(Error, cpProxy+" --nodeport-addresses", "can't use both 'primary' and CIDRs"),
		}},
		{"1.37: primary and CIDRs", with("v1.37.0", "nodeport-addresses", "primary,10.0.0.0/8"), []cpWant{cpOK("kube-proxy")}},
		{"1.36: bad CIDR", with("v1.36.3", "nodeport-addresses", "10.0.0.1"), []cpWant{
			cpFail(Error, cpProxy+" --nodeport-addresses", `KubeProxyConfiguration.NodePortAddresses[0]: Invalid value: "10.0.0.1": must be a valid CIDR`),
		}},
		{"1.37: bad CIDR", with("v1.37.0", "nodeport-addresses", "10.0.0.0/8,all,fd00::1"), []cpWant{
			cpFail(Error, cpProxy+" --nodeport-addresses", "must be a valid CIDR or one of the keywords 'primary', 'localhost', 'all'"),
		}},
		{"bad detectLocalMode", with("v1.37.0", "detect-local-mode", "PodCIDR"), []cpWant{
			cpFail(Error, cpProxy+" --detect-local-mode", `Unsupported value: "PodCIDR": supported values: "ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", ""`),
		}},
	})
}

func TestKubeProxyClusterCIDR(t *testing.T) {
	subj := cpProxy + " --cluster-cidr"
	with := func(cidr, mode string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			cpSet(f, KubeProxy, "cluster-cidr", cidr)
			cpSet(f, KubeProxy, "detect-local-mode", mode)
		})
	}
	const pair = "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]"
	cpRunCases(t, "kube-proxy-cluster-cidr", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kube-proxy")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kube-proxy")}},
		{"three CIDRs", with("10.244.0.0/16,fd00::/56,10.245.0.0/16", ""), []cpWant{cpFail(Error, subj, pair)}},
		{"two IPv4", with("10.244.0.0/16,10.245.0.0/16", "ClusterCIDR"), []cpWant{cpFail(Error, subj, pair)}},
		{"bad CIDR", with("10.244.0.0/16,fd00::1", ""), []cpWant{
			cpFail(Error, subj, `ClusterCIDRs[1]: Invalid value: "fd00::1": must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)`),
		}},
		{"not validated in NodeCIDR mode", with("bogus", "NodeCIDR"), []cpWant{cpOK("kube-proxy")}},
		{"wrong family passes validation", with("fd00::/56", ""), []cpWant{cpOK("kube-proxy")}},
	})
}

func TestKubeProxyClusterCIDRFamily(t *testing.T) {
	subj := cpProxy + " --cluster-cidr"
	with := func(stack string, flags map[string]string) *Facts {
		return cpMut(stack, func(f *Facts) {
			for k, v := range flags {
				cpSet(f, KubeProxy, k, v)
			}
		})
	}
	unknown := &Facts{Components: []Component{cpKubeProxy(map[string]string{"cluster-cidr": "fd00::/56"})}}
	fromConfigMap := cpMut("single4", func(f *Facts) {
		cpWithout(f, KubeProxy)
		// As the live gatherer reads "clusterCIDR: fd00:10:244::/56" there.
		const where = "ConfigMap kube-system/kube-proxy config.conf"
		f.Components = append(f.Components, Component{Kind: KubeProxy, Instance: where, Source: where, Settings: map[string]Setting{
			"cluster-cidr": {Value: "fd00:10:244::/56", Source: where + " clusterCIDR"},
		}})
	})
	cpRunCases(t, "kube-proxy-cluster-cidr-family", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kube-proxy")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kube-proxy")}},
		{"single-stack IPv4, IPv6 clusterCIDR: fatal", with("single4", map[string]string{"cluster-cidr": "fd00:10:244::/56"}), []cpWant{
			cpFail(Error, subj, "cluster is IPv4-only but clusterCIDRs contains only IPv6 addresses"),
		}},
		{"NodeCIDR mode: not fatal", with("single4", map[string]string{"cluster-cidr": "fd00:10:244::/56", "detect-local-mode": "NodeCIDR"}), []cpWant{
			cpFail(Warning, subj, "cluster is IPv4-only but clusterCIDRs contains only IPv6 addresses"),
		}},
		{"dual-stack, secondary family only", with("dual4", map[string]string{"cluster-cidr": "fd00:10:244::/56"}), []cpWant{
			cpFail(Warning, subj, "cluster is IPv4-primary but clusterCIDRs contains only IPv6 addresses"),
		}},
		{"bindAddress decides the primary family", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16", "bind-address": "fd00:1::11"}), []cpWant{
			cpFail(Warning, subj, "cluster is IPv6-primary but clusterCIDRs contains only IPv4 addresses"),
		}},
		{"unspecified bindAddress is ignored", with("dual6", map[string]string{"bind-address": "0.0.0.0"}), []cpWant{cpOK("kube-proxy")}},
		{"unset clusterCIDR", with("dual4", map[string]string{"cluster-cidr": ""}), []cpWant{cpOK("kube-proxy")}},
		{"primary family unknown", unknown, []cpWant{cpPass(subj, "nothing to check")}},
		{"from the kube-proxy ConfigMap", fromConfigMap, []cpWant{cpFail(Error, "kube-proxy --cluster-cidr", "cluster is IPv4-only")}},
	})
}

func TestKubeProxyClusterCIDRMatches(t *testing.T) {
	subj := cpProxy + " --cluster-cidr"
	with := func(stack string, flags map[string]string) *Facts {
		return cpMut(stack, func(f *Facts) {
			for k, v := range flags {
				cpSet(f, KubeProxy, k, v)
			}
		})
	}
	kubeadmOnly := with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16"})
	cpWithout(kubeadmOnly, ControllerManager)
	noReference := with("dual4", nil)
	cpWithout(noReference, ControllerManager)
	noReference.Kubeadm = nil
	cpRunCases(t, "kube-proxy-cluster-cidr-matches", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kube-proxy")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kube-proxy")}},
		{"missing family", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16"}), []cpWant{
			cpFail(Warning, subj, "kube-proxy clusterCIDR 10.244.0.0/16 differs from "+cpKCM1+" --cluster-cidr 10.244.0.0/16,fd00:10:244::/56"),
		}},
		{"other order", with("dual4", map[string]string{"cluster-cidr": "fd00:10:244::/56,10.244.0.0/16"}), []cpWant{cpFail(Warning, subj, "differs from")}},
		{"against kubeadm", kubeadmOnly, []cpWant{
			cpFail(Warning, subj, `The recommended value for "clusterCIDR" in "KubeProxyConfiguration" is: 10.244.0.0/16,fd00:10:244::/56; the provided value is: 10.244.0.0/16`),
		}},
		{"unset", with("dual4", map[string]string{"cluster-cidr": ""}), []cpWant{
			cpFail(Warning, subj, "Detect-local-mode set to ClusterCIDR, but no cluster CIDR specified for primary IP family"),
		}},
		{"unused in NodeCIDR mode", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16", "detect-local-mode": "NodeCIDR"}), []cpWant{
			cpFail(Info, subj, "differs from"),
		}},
		{"no reference", noReference, []cpWant{cpPass(KubeProxy, "nothing to compare")}},
		// A managed control plane: compared with the pod families inferred
		// from the nodes' podCIDRs, never with ranges.
		{"managed, every family", managedWithProxy("10.244.0.0/16,fd00:10:244::/56"), []cpWant{
			cpPass(subj, "has a CIDR of each pod family, IPv4,IPv6 (inferred from 1 node's spec.podCIDRs"),
		}},
		{"managed, a family missing", managedWithProxy("10.244.0.0/16"), []cpWant{
			cpFail(Warning, subj, `kube-proxy clusterCIDR "10.244.0.0/16" has no IPv6 CIDR while the nodes' podCIDRs are IPv4,IPv6 (inferred from 1 node's spec.podCIDRs)`),
		}},
	})
}

// managedWithProxy is a managed control plane whose kube-proxy has this
// clusterCIDR, and one node with both families' podCIDRs.
func managedWithProxy(clusterCIDR string) *Facts {
	f := managedCluster("10.96.0.0/16,fd00:10:96::/112", "10.244.1.0/24,fd00:10:244:1::/64")
	f.Components = []Component{cpKubeProxy(map[string]string{"cluster-cidr": clusterCIDR})}
	return f
}

func TestKubeProxyNodePortAddresses(t *testing.T) {
	subj := cpProxy + " --nodeport-addresses"
	with := func(stack string, flags map[string]string) *Facts {
		return cpMut(stack, func(f *Facts) {
			for k, v := range flags {
				cpSet(f, KubeProxy, k, v)
			}
		})
	}
	cpRunCases(t, "kube-proxy-nodeport-addresses", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("kube-proxy")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("kube-proxy")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("kube-proxy")}},
		{"dual-stack, IPv4 only", with("dual4", map[string]string{"nodeport-addresses": "192.168.0.0/24"}), []cpWant{
			cpFail(Warning, subj, "cluster appears to be dual-stack but nodePortAddresses contains only IPv4 addresses; NodePort connections will be accepted on all local IPv6 IPs"),
		}},
		{"dual-stack, both families", with("dual6", map[string]string{"nodeport-addresses": "fd00:1::/64,192.168.0.0/24"}), []cpWant{cpOK("kube-proxy")}},
		{"single-stack IPv4, IPv6 only", with("single4", map[string]string{"nodeport-addresses": "fd00:1::/64"}), []cpWant{
			cpFail(Warning, subj, "cluster appears to be IPv4-primary but nodePortAddresses contains only IPv6 addresses; NodePort connections will be accepted on all local IPv4 IPs"),
		}},
		{"single-stack IPv4, IPv4 CIDR", with("single4", map[string]string{"nodeport-addresses": "192.168.0.0/24"}), []cpWant{cpOK("kube-proxy")}},
		{"unset", with("dual4", map[string]string{"nodeport-addresses": ""}), []cpWant{
			cpFail(Info, subj, "nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`"),
		}},
		{"unset in nftables mode is primary", with("dual4", map[string]string{"nodeport-addresses": "", "proxy-mode": "nftables"}), []cpWant{cpOK("kube-proxy")}},
	})
}

// ipvs mode: deprecated from 1.35 (a warning), refused with KubeProxyIPVS
// off from 1.37 (an error), silent before 1.35 and in other modes.
func TestKubeProxyIPVSMode(t *testing.T) {
	with := func(ver, image, mode, gates string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.ServerVersion = ver
			cpSet(f, KubeProxy, "proxy-mode", mode)
			cpSet(f, KubeProxy, "feature-gates", gates)
			for i := range f.Components {
				if f.Components[i].Kind == KubeProxy {
					f.Components[i].Version = image
				}
			}
		})
	}
	const subject = cpProxy + " --proxy-mode"
	cpRunCases(t, "kube-proxy-ipvs-mode", []cpCase{
		{"iptables", with("v1.37.0", "", "iptables", ""), []cpWant{cpOK("kube-proxy")}},
		{"mode unset", with("v1.37.0", "", "", ""), []cpWant{cpOK("kube-proxy")}},
		{"ipvs on 1.34: not deprecated yet", with("v1.34.2", "", "ipvs", ""), []cpWant{cpOK("kube-proxy")}},
		{"ipvs on 1.35", with("v1.35.0", "", "ipvs", ""), []cpWant{
			cpFail(Warning, subject, "mode ipvs on kube-proxy v1.35.0: The ipvs proxier has been deprecated and will be disabled by default in Kubernetes 1.40 and removed in Kubernetes 1.43. Migrate to the 'nftables' proxier instead."),
		}},
		{"the kube-proxy image decides", with("v1.37.0", "v1.34.9", "ipvs", ""), []cpWant{cpOK("kube-proxy")}},
		{"ipvs with KubeProxyIPVS=false on 1.37", with("v1.37.0", "", "ipvs", "KubeProxyIPVS=false"), []cpWant{
			cpFail(Error, subject, `KubeProxyConfiguration.ProxyMode: Invalid value: "ipvs": must be iptables, nftables or blank (blank means the best-available proxy [currently iptables]); kube-proxy v1.37.0 refuses to start with KubeProxyIPVS=false`),
		}},
		{"ipvs with KubeProxyIPVS=true on 1.37", with("v1.37.0", "", "ipvs", "KubeProxyIPVS=true"), []cpWant{cpFail(Warning, subject, "deprecated")}},
	})
}
