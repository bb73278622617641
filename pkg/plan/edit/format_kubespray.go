package edit

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// kubesprayDocs documents the variables: "Enabling Dual Stack (IPV4 +
// IPV6) or IPV6 only networking".
const kubesprayDocs = "kubernetes-sigs/kubespray docs/ansible/vars.md"

// kubesprayDefaults are kubespray's defaults of the variables edited
// (roles/kubespray_defaults/defaults/main/main.yml): one left unset that
// already has the target's value is left so.
var kubesprayDefaults = map[string]string{
	"kube_service_addresses_ipv6":   "fd85:ee78:d8a6:8607::1000/116",
	"kube_pods_subnet_ipv6":         "fd85:ee78:d8a6:8607::1:0000/112",
	"kube_network_node_prefix_ipv6": "120",
	"kube_network_node_prefix":      "24",
}

// editKubespray edits an inventory's group_vars together, as Ansible
// reads them: a variable where the files set it, else in the file that
// sets the subnets. ipv6_stack turns the IPv6 stack on beside IPv4
// (ipv4_stack, true by default); the deprecated
// enable_dual_stack_networks goes, as kubespray warns while it is set
// (roles/validate_inventory/tasks/main.yml).
func editKubespray(edits []*fileEdit) {
	var docs []*doc
	for _, e := range edits {
		for _, d := range e.docs {
			if d.format == "kubespray-vars" {
				docs = append(docs, d)
			}
		}
	}
	if len(docs) == 0 {
		return
	}
	t := docs[0].target
	home := docs[0]
	for _, d := range docs {
		if keyIndex(d.root, "kube_pods_subnet") >= 0 || keyIndex(d.root, "kube_service_addresses") >= 0 {
			home = d
		}
	}
	if t.primary() != IPv4 {
		// roles/kubespray_defaults/vars/main/main.yml kube_service_subnets.
		home.note(home.root, "not edited: with both stacks on kubespray lists the IPv4 ranges first, so an IPv6-primary cluster cannot stay IPv6-primary (%s)", kubesprayDocs)
		return
	}
	set := func(name string, v value, after ...string) {
		found := false
		for _, d := range docs {
			if n := lookup(d.root, name); keyIndex(d.root, name) >= 0 {
				found = true
				if templated(n) {
					d.note(n, "%s is a Jinja expression: make it %s", name, describe(v))
					continue
				}
				d.set(d.root, name, v)
			}
		}
		if def, ok := kubesprayDefaults[name]; !found && (!ok || def != describe(v)) {
			home.set(home.root, name, v, after...)
		}
	}
	for _, d := range docs {
		d.removeKey(d.root, "enable_dual_stack_networks")
	}
	set("ipv6_stack", lit("true"), "ipv4_stack", "enable_dual_stack_networks")
	for _, v := range []struct{ name, cidr string }{{"kube_service_addresses", string(t.service(IPv4))}, {"kube_pods_subnet", string(t.pod(IPv4))}} {
		for _, d := range docs {
			if n := lookup(d.root, v.name); n != nil && n.Kind == yaml.ScalarNode && !templated(n) {
				d.setScalar(n, str(v.cidr))
			}
		}
	}
	set("kube_service_addresses_ipv6", t.service(IPv6), "kube_service_addresses")
	set("kube_pods_subnet_ipv6", t.pod(IPv6), "kube_pods_subnet")
	for _, p := range []struct{ fam, name string }{{IPv4, "kube_network_node_prefix"}, {IPv6, "kube_network_node_prefix_ipv6"}} {
		if m, ok := t.NodeMasks[p.fam]; ok {
			set(p.name, lit(strconv.Itoa(m)), "kube_network_node_prefix", "kube_pods_subnet_ipv6")
		}
	}
}

// templated says whether a variable's value is a Jinja expression, which
// Ansible evaluates and the edit does not.
func templated(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && (strings.Contains(n.Value, "{{") || strings.Contains(n.Value, "{%"))
}
