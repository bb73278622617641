package check

import "testing"

// capiFacts is a Cluster API Cluster of the given cidrBlocks, and the
// embedded networking of its KubeadmControlPlane (v1beta1), "" for none.
func capiFacts(pods, services []string, podSubnet, serviceSubnet string) *Facts {
	const cluster = "file cluster.yaml, Cluster API Cluster "
	const kcp = "file cluster.yaml, KubeadmControlPlane spec.kubeadmConfigSpec.clusterConfiguration "
	blocks := func(fieldName string, values []string) []Setting {
		var out []Setting
		for _, v := range values {
			out = append(out, Setting{Value: v, Source: cluster + fieldName, File: "cluster.yaml", Line: 10})
		}
		return out
	}
	c := &CAPI{Source: "file cluster.yaml, Cluster API Cluster", File: "cluster.yaml", Line: 1,
		Pods: blocks("spec.clusterNetwork.pods.cidrBlocks", pods), Services: blocks("spec.clusterNetwork.services.cidrBlocks", services)}
	if podSubnet != "" {
		c.PodSubnets = []Setting{{Value: podSubnet, Source: kcp + "networking.podSubnet", File: "cluster.yaml", Line: 40}}
	}
	if serviceSubnet != "" {
		c.ServiceSubnets = []Setting{{Value: serviceSubnet, Source: kcp + "networking.serviceSubnet", File: "cluster.yaml", Line: 41}}
	}
	return &Facts{CAPI: c}
}

var (
	capiDualPods     = []string{"192.168.0.0/16", "fd00:100:96::/48"}
	capiDualServices = []string{"10.128.0.0/12", "fd00:100:64::/108"}
)

func TestCAPICIDRBlocks(t *testing.T) {
	cpRunCases(t, "capi-cidr-blocks", []cpCase{
		{"e2e dual-stack", capiFacts(capiDualPods, capiDualServices, "", ""), []cpWant{cpOK("capi")}},
		{"no clusterNetwork", capiFacts(nil, nil, "", ""), []cpWant{cpOK("capi")}},
		{"invalid pod block", capiFacts([]string{"192.168.0.0/16", "fd00:100:96::/129"}, capiDualServices, "", ""), []cpWant{
			cpFail(Error, "capi spec.clusterNetwork.pods.cidrBlocks", `spec.clusterNetwork.pods.cidrBlocks[1]: Invalid value: "fd00:100:96::/129": invalid CIDR address: fd00:100:96::/129`),
		}},
		{"an address, not a CIDR", capiFacts(capiDualPods, []string{"10.128.0.1"}, "", ""), []cpWant{
			cpFail(Error, "capi spec.clusterNetwork.services.cidrBlocks", `spec.clusterNetwork.services.cidrBlocks[0]: Invalid value: "10.128.0.1": invalid CIDR address: 10.128.0.1`),
		}},
		{"not Cluster API", &Facts{}, []cpWant{cpPass("capi", "nothing to check")}},
		{"a KubeadmControlPlane without its Cluster", &Facts{CAPI: &CAPI{}}, []cpWant{cpPass("capi", "nothing to check")}},
	})
}

func TestCAPIKubeadmNetworking(t *testing.T) {
	cpRunCases(t, "capi-kubeadm-networking", []cpCase{
		{"e2e dual-stack", capiFacts(capiDualPods, capiDualServices, "", ""), []cpWant{cpOK("capi")}},
		{"the same ranges", capiFacts(capiDualPods, capiDualServices, "192.168.0.0/16, fd00:100:96::/48", "10.128.0.0/12,fd00:100:64::/108"), []cpWant{cpOK("capi")}},
		{"single-stack podSubnet", capiFacts(capiDualPods, capiDualServices, "192.168.0.0/16", ""), []cpWant{
			cpFail(Warning, "capi networking.podSubnet", "networking.podSubnet is 192.168.0.0/16 but the Cluster's spec.clusterNetwork.pods.cidrBlocks are 192.168.0.0/16,fd00:100:96::/48"),
		}},
		{"serviceSubnet without Cluster ranges", capiFacts(nil, nil, "", "10.96.0.0/12,fd00:10:96::/112"), []cpWant{
			cpFail(Warning, "capi networking.serviceSubnet", "spec.clusterNetwork.services.cidrBlocks are unset"),
		}},
	})
}
