package check

import "testing"

func TestClusterRulesBroken(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"expect ipv4 on a dual-stack cluster", dual4, func(w *world) { w.f.Expect = "ipv4" }, "cluster-stack", Error, "dual-stack IPv4-primary"},
		{"expect dual on a single-stack cluster", single4, func(w *world) { w.f.Expect = "dual" }, "cluster-stack", Error, "single-stack IPv4"},
	})
}

func TestClusterIPv6DualStackGate(t *testing.T) {
	with := func(v, image string, assumed bool, kind, gates string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.ServerVersion, f.VersionSource = v, "image registry.k8s.io/kube-apiserver:"+v
			if assumed {
				f.VersionSource = AssumedVersion + v
			}
			for i := range f.Components {
				if f.Components[i].Kind == kind {
					f.Components[i].Version = image
				}
			}
			cpSet(f, kind, "feature-gates", gates)
		})
	}
	const gone = "unrecognized feature gate: IPv6DualStack"
	kubeadmArgs := cpMut("dual4", func(f *Facts) {
		f.ServerVersion, f.VersionSource = "v1.30.0", "kubernetesVersion v1.30.0"
		f.Kubeadm.ExtraArgs["apiServer"] = map[string]Setting{"feature-gates": {Value: "IPv6DualStack=true", Source: "apiServer.extraArgs feature-gates"}}
	})
	cpRunCases(t, "cluster-ipv6dualstack-gate", []cpCase{
		{"no gates", cpCluster("dual4"), []cpWant{cpOK("cluster")}},
		{"other gates", with("v1.37.0", "v1.37.0", false, APIServer, "MultiCIDRServiceAllocator=true"), []cpWant{cpOK("cluster")}},
		{"kube-apiserver v1.37", with("v1.37.0", "v1.37.0", false, APIServer, "MultiCIDRServiceAllocator=true,IPv6DualStack=true"), []cpWant{
			cpFail(Error, cpAPI1+" --feature-gates", "kube-apiserver v1.37 says: "+gone+" (dual-stack is GA since v1.23; the gate was removed in v1.25)"),
		}},
		{"kubelet, the version assumed", with("v1.37.0", "", true, Kubelet, "IPv6DualStack=true"), []cpWant{
			cpFail(Warning, "kubelet "+cpNode1+" --feature-gates", "kubelet v1.37 (assumed: v1.37.0) says: "+gone),
		}},
		// A development build's tag names no version: the assumed one applies.
		{"kubelet of a development build, the version assumed", with("v1.37.0", "v0.0.0-master+$Format:%H$", true, Kubelet, "IPv6DualStack=true"), []cpWant{
			cpFail(Warning, "kubelet "+cpNode1+" --feature-gates", "kubelet v1.37 (assumed: v1.37.0) says: "+gone),
		}},
		{"kube-proxy v1.24, true", with("v1.24.17", "v1.24.17", false, KubeProxy, "IPv6DualStack=true"), []cpWant{
			cpFail(Warning, cpProxy+" --feature-gates", "Setting GA feature gate IPv6DualStack=true. It will be removed in a future release."),
		}},
		{"kube-controller-manager v1.23, false", with("v1.23.1", "v1.23.1", false, ControllerManager, "IPv6DualStack=false"), []cpWant{
			cpFail(Error, cpKCM1+" --feature-gates", "cannot set feature gate IPv6DualStack to false, feature is locked to true"),
		}},
		{"v1.22", with("v1.22.17", "v1.22.17", false, APIServer, "IPv6DualStack=true"), []cpWant{cpOK("cluster")}},
		{"kubeadm extraArgs", kubeadmArgs, []cpWant{
			cpFail(Error, "kubeadm apiServer.extraArgs feature-gates", "the apiServer kubeadm deploys v1.30 (kubernetesVersion v1.30.0) says: "+gone),
		}},
	})
}

// Values strict IP/CIDR validation refuses in API objects (from 1.36), in
// component flags and kubeadm's configuration: a warning saying how the
// component reads them; a leading zero in --advertise-address is an
// error on every version (kube-apiserver does not start).
func TestClusterStrictIPCIDRValues(t *testing.T) {
	at := func(version string, edit func(*Facts)) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.ServerVersion = version
			edit(f)
		})
	}
	cpRunCases(t, "cluster-ip-cidr-strict-form", []cpCase{
		{"canonical values", cpCluster("dual4"), []cpWant{cpOK("cluster")}},
		{"host bits in --cluster-cidr", at("v1.37.0", func(f *Facts) { cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.1/16,fd00:10:244::/56") }), []cpWant{
			cpFail(Warning, cpKCM1+" --cluster-cidr", `"10.244.0.1/16": must not have bits set beyond the prefix length (Kubernetes v1.37.0: StrictIPCIDRValidation is on by default from 1.36: refused in API objects); kube-controller-manager reads it sloppily as 10.244.0.0/16: write 10.244.0.0/16`),
		}},
		{"host bits before 1.36", at("v1.35.2", func(f *Facts) { cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.1/16,fd00:10:244::/56") }), []cpWant{cpOK("cluster")}},
		{"leading zeros in --node-ip", at("v1.36.0", func(f *Facts) { cpSet(f, Kubelet, "node-ip", "192.168.000.11, fd00:1::11") }), []cpWant{
			cpFail(Warning, "kubelet node1 --node-ip", `"192.168.000.11": must not have leading 0s (Kubernetes v1.36.0: StrictIPCIDRValidation is on by default from 1.36: refused in API objects); kubelet reads it sloppily as 192.168.0.11`),
		}},
		{"IPv4-mapped bindAddress", at("v1.37.0", func(f *Facts) { cpSet(f, KubeProxy, "bind-address", "::ffff:192.168.0.11") }), []cpWant{
			cpFail(Warning, cpProxy+" --bind-address", `"::ffff:192.168.0.11": must not be an IPv4-mapped IPv6 address`),
		}},
		{"nodePortAddresses: keywords and a CIDR", at("v1.37.0", func(f *Facts) { cpSet(f, KubeProxy, "nodeport-addresses", "primary,192.168.0.1/24") }), []cpWant{
			cpFail(Warning, cpProxy+" --nodeport-addresses", `"192.168.0.1/24": must not have bits set beyond the prefix length`),
		}},
		{"leading zeros in --advertise-address: refused on any version", at("v1.33.0", func(f *Facts) { cpSet(f, APIServer, "advertise-address", "192.168.0.010") }), []cpWant{
			cpFail(Error, cpAPI1+" --advertise-address", `kube-apiserver refuses to start: invalid argument "192.168.0.010" for "--advertise-address" flag: failed to parse IP: "192.168.0.010"`),
		}},
		{"kubeadm's podSubnet", at("v1.37.0", func(f *Facts) { f.Kubeadm.PodSubnet.Value = "010.244.0.0/16,fd00:10:244::/56" }), []cpWant{
			cpFail(Warning, "kubeadm networking.podSubnet", `"010.244.0.0/16": must not have leading 0s in IP or prefix length (Kubernetes v1.37.0: StrictIPCIDRValidation is on by default from 1.36: refused in API objects); kubeadm writes it as given into the components' flags, which read it sloppily as 10.244.0.0/16`),
		}},
		{"kubeadm's extraArgs", at("v1.37.0", func(f *Facts) {
			f.Kubeadm = cpKubeadmConfig("10.244.0.0/16,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112", map[string]string{"cluster-cidr": "10.244.0.0/16,fd00:10:244::1/56"})
		}), []cpWant{
			cpFail(Warning, "kubeadm controllerManager.extraArgs cluster-cidr", `"fd00:10:244::1/56": must not have bits set beyond the prefix length`),
		}},
		{"kubeadm's advertiseAddress", at("v1.37.0", func(f *Facts) {
			f.Kubeadm.AdvertiseAddress = &Setting{Value: "::ffff:192.168.0.10", Source: "file kubeadm.yaml, InitConfiguration localAPIEndpoint.advertiseAddress", File: "kubeadm.yaml", Line: 12, Column: 21}
		}), []cpWant{
			cpFail(Warning, "kubeadm localAPIEndpoint.advertiseAddress", "kubeadm writes into --advertise-address the address it reads sloppily as 192.168.0.10"),
		}},
		{"one value in two places: once", at("v1.37.0", func(f *Facts) {
			s := Setting{Value: "10.244.0.1/16", Source: "file kubeadm.yaml, ClusterConfiguration networking.podSubnet", File: "kubeadm.yaml", Line: 40, Column: 14}
			f.Kubeadm.PodSubnet = &s
			for i := range f.Components {
				if f.Components[i].Kind == KubeProxy {
					f.Components[i].Settings["cluster-cidr"] = s // kubeadm's default of kube-proxy's clusterCIDR
				}
			}
		}), []cpWant{cpFail(Warning, cpProxy+" --cluster-cidr", "10.244.0.1/16")}},
		{"a distribution refuses leading zeros first", at("v1.37.0", func(f *Facts) {
			f.Distribution = "k3s"
			cpSet(f, ControllerManager, "cluster-cidr", "10.042.0.0/16")
			cpSet(f, ControllerManager, "service-cluster-ip-range", "10.43.0.1/16")
		}), []cpWant{cpFail(Warning, cpKCM1+" --service-cluster-ip-range", "must not have bits set beyond the prefix length")}},
		{"strict validation turned off", at("v1.37.0", func(f *Facts) {
			cpSet(f, APIServer, "feature-gates", "StrictIPCIDRValidation=false")
			cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.1/16")
		}), []cpWant{cpOK("cluster")}},
	})
}
