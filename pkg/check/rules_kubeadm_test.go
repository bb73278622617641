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

// kubeadmDocs are facts with kubeadm documents of apiVersion, for
// Kubernetes v (named by the files unless assumed).
func kubeadmDocs(v string, assumed bool, apiVersions ...string) *Facts {
	f := &Facts{ServerVersion: v, VersionSource: "kubernetesVersion " + v + " (file kubeadm.yaml, ClusterConfiguration)"}
	if assumed {
		f.VersionSource = AssumedVersion + v
	}
	for i, av := range apiVersions {
		f.KubeadmDocuments = append(f.KubeadmDocuments, KubeadmDocument{APIVersion: av, Kind: "ClusterConfiguration", At: Setting{Source: "file kubeadm.yaml, ClusterConfiguration apiVersion", File: "kubeadm.yaml", Line: 1 + 10*i, Column: 13}})
	}
	return f
}

func TestKubeadmAPIVersion(t *testing.T) {
	const subj = "kubeadm ClusterConfiguration apiVersion"
	const old = `your configuration file uses an old API spec: "kubeadm.k8s.io/v1beta3" (kind: "ClusterConfiguration"). Please use kubeadm v1.36 instead and run 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.`
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceKubeadm, "forbidden")
	cpRunCases(t, "kubeadm-api-version", []cpCase{
		{"v1beta4", kubeadmDocs("v1.37.0", false, "kubeadm.k8s.io/v1beta4"), []cpWant{cpOK("kubeadm")}},
		{"v1beta3 for v1.37", kubeadmDocs("v1.37.0", false, "kubeadm.k8s.io/v1beta3"), []cpWant{
			cpFail(Error, subj, "kubeadm refuses kubeadm.k8s.io/v1beta3 from v1.37, and the files target Kubernetes v1.37.0 (kubernetesVersion v1.37.0 (file kubeadm.yaml, ClusterConfiguration)); kubeadm v1.37 says: "+old),
		}},
		{"v1beta3, the version assumed", kubeadmDocs("v1.37.0", true, "kubeadm.k8s.io/v1beta3"), []cpWant{cpFail(Warning, subj, old)}},
		{"v1beta3 for v1.33: deprecated", kubeadmDocs("v1.33.2", false, "kubeadm.k8s.io/v1beta3"), []cpWant{
			cpFail(Warning, subj, `kubeadm warns about kubeadm.k8s.io/v1beta3 from v1.31, and the files target Kubernetes v1.33.2 (kubernetesVersion v1.33.2 (file kubeadm.yaml, ClusterConfiguration)); kubeadm v1.37 says: your configuration file uses a deprecated API spec: "kubeadm.k8s.io/v1beta3" (kind: "ClusterConfiguration").`),
		}},
		{"v1beta3 for v1.30", kubeadmDocs("v1.30.0", false, "kubeadm.k8s.io/v1beta3"), []cpWant{cpOK("kubeadm")}},
		{"v1beta2 for v1.21", kubeadmDocs("v1.21.14", false, "kubeadm.k8s.io/v1beta2"), []cpWant{cpOK("kubeadm")}},
		{"v1beta2 for v1.26: deprecated", kubeadmDocs("v1.26.0", false, "kubeadm.k8s.io/v1beta2"), []cpWant{cpFail(Warning, subj, "uses a deprecated API spec")}},
		{"v1beta2 for v1.27", kubeadmDocs("v1.27.0", false, "kubeadm.k8s.io/v1beta2", "kubeadm.k8s.io/v1beta4"), []cpWant{
			cpFail(Error, subj, `old API spec: "kubeadm.k8s.io/v1beta2" (kind: "ClusterConfiguration"). Please use kubeadm v1.22 instead`),
		}},
		{"v1beta1 for v1.22", kubeadmDocs("v1.22.0", false, "kubeadm.k8s.io/v1beta1"), []cpWant{cpFail(Error, subj, "Please use kubeadm v1.15 instead")}},
		{"v1: experimental", kubeadmDocs("v1.37.0", false, "kubeadm.k8s.io/v1"), []cpWant{
			cpFail(Info, subj, `experimental API spec: "kubeadm.k8s.io/v1" (kind: "ClusterConfiguration") is not allowed. You can use the --allow-experimental-api flag if the command supports it.`),
		}},
		{"the version unknown", kubeadmDocs("", false, "kubeadm.k8s.io/v1beta2"), []cpWant{cpPass("kubeadm", "nothing to check")}},
		{"no kubeadm file", &Facts{ServerVersion: "v1.37.0"}, []cpWant{cpPass("kubeadm", "no kubeadm configuration file read")}},
		{"no kubeadm file, kubeadm-config unreadable", unavailable, []cpWant{cpSkip("kubeadm", "forbidden")}},
	})
}

func TestKubeadmIPv6DualStackGate(t *testing.T) {
	const subj = "kubeadm featureGates IPv6DualStack"
	with := func(v string, assumed bool, gates map[string]string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.ServerVersion, f.VersionSource = v, "kubernetesVersion "+v
			if assumed {
				f.VersionSource = AssumedVersion + v
			}
			f.Kubeadm.FeatureGates = map[string]Setting{}
			for name, value := range gates {
				f.Kubeadm.FeatureGates[name] = Setting{Value: value, Source: "file kubeadm.yaml, ClusterConfiguration featureGates " + name, File: "kubeadm.yaml", Line: 7, Column: 3}
			}
		})
	}
	cpRunCases(t, "kubeadm-ipv6dualstack-gate", []cpCase{
		{"no gates", cpCluster("dual4"), []cpWant{cpOK("kubeadm")}},
		{"another gate", with("v1.37.0", false, map[string]string{"ControlPlaneKubeletLocalMode": "true"}), []cpWant{cpOK("kubeadm")}},
		{"v1.37", with("v1.37.0", false, map[string]string{"IPv6DualStack": "true"}), []cpWant{
			cpFail(Error, subj, `kubeadm refuses the gate from v1.24, and the files target Kubernetes v1.37.0 (kubernetesVersion v1.37.0); kubeadm says: featureGates: Invalid value: {"IPv6DualStack":true}: IPv6DualStack is not a valid feature name.`),
		}},
		{"v1.37 assumed", with("v1.37.0", true, map[string]string{"IPv6DualStack": "false"}), []cpWant{cpFail(Warning, subj, "IPv6DualStack is not a valid feature name.")}},
		{"v1.23", with("v1.23.17", false, map[string]string{"IPv6DualStack": "true"}), []cpWant{cpPass("kubeadm featureGates", "kubeadm before v1.24 takes the IPv6DualStack gate")}},
	})
}
