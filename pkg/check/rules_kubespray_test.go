package check

import (
	"slices"
	"testing"
)

// kubespray is an inventory's group_vars setting vars (name, value pairs)
// over kubespray's defaults.
func kubespray(vars ...string) *Facts {
	const where = "file group_vars/k8s_cluster/k8s-cluster.yml, kubespray group_vars"
	k := &Kubespray{Source: where, File: "group_vars/k8s_cluster/k8s-cluster.yml", Line: 1, Vars: map[string]Setting{}}
	for i := 0; i+1 < len(vars); i += 2 {
		k.Vars[vars[i]] = Setting{Value: vars[i+1], Source: where + " " + vars[i], File: k.File, Line: 2 + i/2, Column: len(vars[i]) + 3}
	}
	return &Facts{Kubespray: k, Kubeadm: k.Kubeadm()}
}

// dualStack turns both stacks on.
var dualStack = []string{"ipv4_stack", "true", "ipv6_stack", "true"}

func TestKubesprayScope(t *testing.T) {
	for _, r := range kubesprayRules {
		cpRunCases(t, r.ID, []cpCase{
			{"not kubespray", cpCluster("dual4"), []cpWant{cpPass("kubespray", "no kubespray group_vars")}},
		})
	}
}

func TestKubesprayNetworkRanges(t *testing.T) {
	cpRunCases(t, "kubespray-network-ranges", []cpCase{
		{"defaults", kubespray(), []cpWant{cpOK("kubespray")}},
		{"dual-stack defaults", kubespray(dualStack...), []cpWant{cpOK("kubespray")}},
		{"IPv6 without a prefix", kubespray(append(dualStack, "kube_service_addresses_ipv6", "fd85:ee78:d8a6:8607::1000")...), []cpWant{
			cpFail(Error, "kubespray kube_service_addresses_ipv6", "kube_service_addresses_ipv6 = 'fd85:ee78:d8a6:8607::1000' is not a valid network range"),
		}},
		{"IPv6 with host bits", kubespray(append(dualStack, "kube_pods_subnet_ipv6", "fd85:ee78:d8a6:8607::1:1/112")...), []cpWant{
			cpFail(Error, "kubespray kube_pods_subnet_ipv6", "is not a valid network range"),
		}},
		{"IPv4 with host bits passes `is not false`", kubespray("kube_pods_subnet", "10.233.64.1/18"), []cpWant{cpOK("kubespray")}},
		{"IPv4 unparsable", kubespray("kube_service_addresses", "10.233.0.0/33"), []cpWant{
			cpFail(Error, "kubespray kube_service_addresses", "kube_service_addresses = '10.233.0.0/33' is not a valid network range"),
		}},
		{"IPv6 unchecked without ipv6_stack", kubespray("kube_pods_subnet_ipv6", "bogus"), []cpWant{cpOK("kubespray")}},
		{"templated", kubespray("kube_pods_subnet", "{{ pods_cidr }}"), []cpWant{cpOK("kubespray")}},
	})
}

func TestKubesprayCollision(t *testing.T) {
	cpRunCases(t, "kubespray-pods-services-collision", []cpCase{
		{"IPv4 pods inside services", kubespray("kube_pods_subnet", "10.233.32.0/19"), []cpWant{
			cpFail(Error, "kubespray kube_pods_subnet", "kube_pods_subnet cannot be the same network segment as kube_service_addresses"),
		}},
		{"IPv6 the same", kubespray(append(dualStack, "kube_pods_subnet_ipv6", "fd85:ee78:d8a6:8607::1000/116")...), []cpWant{
			cpFail(Error, "kubespray kube_pods_subnet_ipv6", "kube_pods_subnet_ipv6 cannot be the same network segment as kube_service_addresses_ipv6"),
		}},
		{"services inside pods pass", kubespray("kube_pods_subnet", "10.233.0.0/16"), []cpWant{cpOK("kubespray")}},
		{"defaults", kubespray(dualStack...), []cpWant{cpOK("kubespray")}},
	})
}

func TestKubesprayNodePrefix(t *testing.T) {
	flannel := func(vars ...string) *Facts {
		return kubespray(slices.Concat(dualStack, []string{"kube_network_plugin", "flannel"}, vars)...)
	}
	cpRunCases(t, "kubespray-node-prefix", []cpCase{
		{"calico ignores the prefixes", kubespray(append(dualStack, "kube_network_node_prefix_ipv6", "104")...), []cpWant{cpOK("kubespray")}},
		{"flannel defaults", flannel(), []cpWant{
			cpPass("kubespray kube_network_node_prefix", "room for 64 nodes"),
			cpPass("kubespray kube_network_node_prefix_ipv6", "room for 256 nodes"),
		}},
		{"IPv6 prefix shorter than the subnet", flannel("kube_network_node_prefix_ipv6", "104"), []cpWant{
			cpPass("kubespray kube_network_node_prefix", ""),
			cpFail(Error, "kubespray kube_network_node_prefix_ipv6", "Not enough ipv6 IPs are available for the desired node count."),
		}},
		{"IPv4 prefix shorter than the subnet", flannel("kube_network_node_prefix", "16"), []cpWant{
			cpFail(Error, "kubespray kube_network_node_prefix", "Not enough ipv4 IPs are available for the desired node count."),
			cpPass("kubespray kube_network_node_prefix_ipv6", ""),
		}},
		{"too many pods for the node subnet", flannel("kube_network_node_prefix", "25", "kubelet_max_pods", "250"), []cpWant{
			cpPass("kubespray kube_network_node_prefix", "room for 128 nodes"),
			cpFail(Error, "kubespray kube_network_node_prefix", "Do not schedule more pods on a node than inet addresses are available."),
			cpPass("kubespray kube_network_node_prefix_ipv6", ""),
		}},
		{"too many pods, asserts ignored", flannel("kube_network_node_prefix", "25", "kubelet_max_pods", "250", "ignore_assert_errors", "true"), []cpWant{
			cpPass("kubespray kube_network_node_prefix", ""),
			cpPass("kubespray kube_network_node_prefix_ipv6", ""),
		}},
	})
}

func TestKubesprayStackFlags(t *testing.T) {
	cpRunCases(t, "kubespray-stack-flags", []cpCase{
		{"deprecated flag", kubespray("enable_dual_stack_networks", "true"), []cpWant{
			cpFail(Warning, "kubespray enable_dual_stack_networks", "WARNING! => `enable_dual_stack_networks` deprecation. Please switch to using ipv4_stack and ipv6_stack."),
		}},
		{"overridden by ipv6_stack", kubespray("enable_dual_stack_networks", "true", "ipv6_stack", "false"), []cpWant{
			cpFail(Warning, "kubespray enable_dual_stack_networks", "is what kubespray uses"),
		}},
		{"both stacks off", kubespray("ipv4_stack", "false"), []cpWant{cpFail(Info, "kubespray ipv4_stack", "an IPv6-only cluster")}},
		{"ipv4_stack and ipv6_stack", kubespray(dualStack...), []cpWant{cpOK("kubespray")}},
	})
}

// What kubespray writes into kubeadm's configuration, by stacks and
// network plugin.
func TestKubesprayKubeadm(t *testing.T) {
	for _, tc := range []struct {
		name               string
		vars               []string
		services, pods     string
		allocate, maskIPv6 string
	}{
		{"defaults", nil, "10.233.0.0/18", "10.233.64.0/18", "false", ""},
		{"dual-stack calico", dualStack, "10.233.0.0/18,fd85:ee78:d8a6:8607::1000/116", "10.233.64.0/18,fd85:ee78:d8a6:8607::1:0000/112", "false", ""},
		{"deprecated flag", []string{"enable_dual_stack_networks", "yes"}, "10.233.0.0/18,fd85:ee78:d8a6:8607::1000/116", "10.233.64.0/18,fd85:ee78:d8a6:8607::1:0000/112", "false", ""},
		{"IPv6-only", []string{"ipv4_stack", "false", "ipv6_stack", "true"}, "fd85:ee78:d8a6:8607::1000/116", "fd85:ee78:d8a6:8607::1:0000/112", "false", ""},
		{"flannel dual-stack", append(dualStack, "kube_network_plugin", "flannel"), "10.233.0.0/18,fd85:ee78:d8a6:8607::1000/116", "10.233.64.0/18,fd85:ee78:d8a6:8607::1:0000/112", "", "120"},
		{"calico host-local", append(dualStack, "calico_ipam_host_local", "true"), "10.233.0.0/18,fd85:ee78:d8a6:8607::1000/116", "10.233.64.0/18,fd85:ee78:d8a6:8607::1:0000/112", "", "120"},
		{"kube-ovn", []string{"kube_network_plugin", "kube-ovn"}, "10.233.0.0/18", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := kubespray(tc.vars...).Kubeadm
			if k == nil {
				t.Fatal("no kubeadm configuration")
			}
			pods := ""
			if k.PodSubnet != nil {
				pods = k.PodSubnet.Value
			}
			args := k.ExtraArgs["controllerManager"]
			if k.ServiceSubnet.Value != tc.services || pods != tc.pods || args["allocate-node-cidrs"].Value != tc.allocate || args["node-cidr-mask-size-ipv6"].Value != tc.maskIPv6 {
				t.Errorf("serviceSubnet %q podSubnet %q allocate-node-cidrs %q node-cidr-mask-size-ipv6 %q, want %q %q %q %q",
					k.ServiceSubnet.Value, pods, args["allocate-node-cidrs"].Value, args["node-cidr-mask-size-ipv6"].Value, tc.services, tc.pods, tc.allocate, tc.maskIPv6)
			}
		})
	}
	if kubespray("kube_service_addresses", "{{ services }}").Kubeadm != nil {
		t.Error("templated subnets: want no kubeadm configuration")
	}
}
