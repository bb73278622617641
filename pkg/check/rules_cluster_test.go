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
