package check

import (
	"fmt"
	"strings"
)

// Kubespray is what a kubespray inventory's group_vars set: each variable
// where Ansible takes it from (the last file read, group_vars/all below
// the other groups). Variables left unset have kubespray's defaults (Var).
type Kubespray struct {
	// Source names the first group_vars document read; File and Line
	// locate it, for the defaults.
	Source string
	File   string
	Line   int
	Vars   map[string]Setting
}

// kubesprayDefaults are kubespray's defaults of the variables its
// networking reads: roles/kubespray_defaults/defaults/main/main.yml,
// roles/kubernetes/control-plane/defaults/main/main.yml,
// roles/kubernetes/node/defaults/main.yml and
// roles/network_plugin/calico_defaults/defaults/main.yml. ipv6_stack
// defaults to enable_dual_stack_networks (Stacks).
var kubesprayDefaults = map[string]string{
	"ipv4_stack":                                  "true",
	"kube_service_addresses":                      "10.233.0.0/18",
	"kube_pods_subnet":                            "10.233.64.0/18",
	"kube_network_node_prefix":                    "24",
	"kube_service_addresses_ipv6":                 "fd85:ee78:d8a6:8607::1000/116",
	"kube_pods_subnet_ipv6":                       "fd85:ee78:d8a6:8607::1:0000/112",
	"kube_network_node_prefix_ipv6":               "120",
	"kube_network_plugin":                         "calico",
	"kubelet_max_pods":                            "110",
	"ignore_assert_errors":                        "false",
	"calico_ipam_host_local":                      "false",
	"cilium_ipam_mode":                            "cluster-pool",
	"kube_controller_manager_allocate_node_cidrs": "true",
}

// KubesprayVars are the variables a kubespray group_vars file is read
// for.
func KubesprayVars() []string {
	out := []string{"enable_dual_stack_networks", "ipv6_stack", "kube_version"}
	for name := range kubesprayDefaults {
		out = append(out, name)
	}
	return out
}

// Var is a variable as the inventory sets it, else kubespray's default
// (at the first group_vars document, its Source saying so).
func (k *Kubespray) Var(name string) (s Setting, set bool) {
	if s, ok := k.Vars[name]; ok {
		return s, true
	}
	return Setting{Value: kubesprayDefaults[name], Source: fmt.Sprintf("%s %s (unset: kubespray's default %s)", k.Source, name, kubesprayDefaults[name]), File: k.File, Line: k.Line}, false
}

// kubesprayTemplated says whether a value is a Jinja expression, which check does
// not evaluate.
func kubesprayTemplated(v string) bool {
	return strings.Contains(v, "{{") || strings.Contains(v, "{%")
}

// Bool is a variable through Ansible's bool filter ("true", "yes", "on",
// "1" are true); ok is false when it is templated.
func (k *Kubespray) Bool(name string) (b bool, s Setting, ok bool) {
	s, _ = k.Var(name)
	if kubesprayTemplated(s.Value) {
		return false, s, false
	}
	switch strings.ToLower(strings.TrimSpace(s.Value)) {
	case "true", "yes", "on", "1", "y":
		return true, s, true
	}
	return false, s, true
}

// Stacks are ipv4_stack and ipv6_stack, whose default is the deprecated
// enable_dual_stack_networks (else false); ok is false when one is
// templated.
func (k *Kubespray) Stacks() (v4, v6, ok bool) {
	v4, _, ok4 := k.Bool("ipv4_stack")
	v6, ok6 := false, true
	for _, name := range []string{"ipv6_stack", "enable_dual_stack_networks"} {
		if _, set := k.Vars[name]; set {
			v6, _, ok6 = k.Bool(name)
			break
		}
	}
	return v4, v6, ok4 && ok6
}

// Subnets is kube_service_subnets (services) or kube_pods_subnets (pods)
// of roles/kubespray_defaults/vars/main/main.yml: the IPv4 variable, the
// IPv6 one, or both joined, by the stacks; ok is false when a value is
// templated. It is read at the variable that gives its first entry.
func (k *Kubespray) Subnets(v4Name, v6Name string) (Setting, bool) {
	v4, v6, ok := k.Stacks()
	if !ok {
		return Setting{}, false
	}
	a, _ := k.Var(v4Name)
	b, _ := k.Var(v6Name)
	var s Setting
	switch {
	case v4 && v6:
		s = a
		s.Value = a.Value + "," + b.Value
		s.Source = fmt.Sprintf("%s, %s (ipv4_stack and ipv6_stack)", a.Source, b.Source)
	case v4:
		s = a
	default: // kubespray's template falls back to IPv6 when ipv4_stack is false
		s = b
	}
	return s, !kubesprayTemplated(s.Value)
}

// Kubeadm is the networking of the kubeadm ClusterConfiguration kubespray
// writes (roles/kubernetes/control-plane/templates/kubeadm-config.v1beta4.yaml.j2):
// serviceSubnet and podSubnet (none with kube-ovn), and node IPAM's
// controllerManager extraArgs. nil when the subnets are templated.
func (k *Kubespray) Kubeadm() *Kubeadm {
	services, ok := k.Subnets("kube_service_addresses", "kube_service_addresses_ipv6")
	if !ok {
		return nil
	}
	out := &Kubeadm{Source: k.Source + " (the kubeadm configuration kubespray writes)", File: k.File, Line: k.Line,
		ServiceSubnet: &services, ExtraArgs: map[string]map[string]Setting{"controllerManager": {}}}
	plugin, _ := k.Var("kube_network_plugin")
	if plugin.Value != "kube-ovn" {
		if pods, ok := k.Subnets("kube_pods_subnet", "kube_pods_subnet_ipv6"); ok {
			out.PodSubnet = &pods
		}
	}
	args := out.ExtraArgs["controllerManager"]
	allocate, at, _ := k.Bool("kube_controller_manager_allocate_node_cidrs")
	hostLocal, hostLocalAt, _ := k.Bool("calico_ipam_host_local")
	cilium, _ := k.Var("cilium_ipam_mode")
	switch {
	case !allocate:
	case plugin.Value == "calico" && !hostLocal:
		at = hostLocalAt
	case plugin.Value == "cilium" && cilium.Value == "cluster-pool":
		at = cilium
	default:
		v4, v6, _ := k.Stacks()
		for _, m := range []struct {
			on         bool
			name, flag string
		}{{v4, "kube_network_node_prefix", "node-cidr-mask-size-ipv4"}, {v6, "kube_network_node_prefix_ipv6", "node-cidr-mask-size-ipv6"}} {
			if s, _ := k.Var(m.name); m.on && !kubesprayTemplated(s.Value) {
				args[m.flag] = s
			}
		}
		return out
	}
	at.Value = "false"
	at.Source += " (kubespray then writes allocate-node-cidrs: false)"
	args["allocate-node-cidrs"] = at
	return out
}
