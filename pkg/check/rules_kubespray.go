package check

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// kubesprayRules are kubespray's own inventory checks, in report order.
var kubesprayRules = []Rule{kubesprayNetworkRanges, kubesprayPodsServicesCollision, kubesprayNodePrefix, kubesprayStackFlags}

// kubesprayValidation is where kubespray checks an inventory before it
// touches a host.
const kubesprayValidation = "kubernetes-sigs/kubespray roles/validate_inventory/tasks/main.yml"

// kubesprayDocs documents the networking variables.
const kubesprayDocs = "https://kubespray.io/#/docs/ansible/vars (kubernetes-sigs/kubespray docs/ansible/vars.md, \"Enabling Dual Stack (IPV4 + IPV6) or IPV6 only networking\")"

// kubesprayInventory scopes the rules to kubespray group_vars.
var kubesprayInventory = scopeOf("kubespray", "no kubespray group_vars (not a kubespray inventory)", func(f *Facts) bool { return f.Kubespray != nil })

var kubesprayNetworkRanges = Rule{
	ID:        "kubespray-network-ranges",
	Area:      AreaKubespray,
	Title:     "kubespray's service and pod subnets of each enabled stack are network ranges",
	Severity:  Error,
	Reference: kubesprayValidation + " (\"Check that kube_service_addresses is a network range\" and the three like it); " + kubesprayDocs,
	Why:       "kubespray's validate_inventory role stops the play unless the subnets of the enabled stacks are networks to the ansible.utils.ipaddr('net') filter: \"kube_service_addresses = '10.233.0.0/33' is not a valid network range\". For the IPv4 variables (with `ipv4_stack`) any parsable address passes; the IPv6 ones (with `ipv6_stack`) must be a network address with a prefix shorter than /128.",
	Fix:       "set kube_service_addresses and kube_pods_subnet (and their _ipv6 variables when ipv6_stack is true) to CIDRs written as network addresses",
	Scope:     kubesprayInventory,
	Check:     checkKubesprayNetworkRanges,
}

func checkKubesprayNetworkRanges(f *Facts, r *Reporter) {
	k := f.Kubespray
	v4, v6, ok := k.Stacks()
	if !ok {
		r.Pass("kubespray", Setting{}, "ipv4_stack or ipv6_stack is templated: not evaluated")
		return
	}
	check := func(name string, strict bool) {
		s, _ := k.Var(name)
		if kubesprayTemplated(s.Value) {
			return
		}
		if n, parsed := kubesprayNet(s.Value); !parsed || strict && !n.isNetwork() {
			r.Fail("kubespray "+name, s, "%s = '%s' is not a valid network range", name, s.Value)
		}
	}
	if v4 {
		check("kube_service_addresses", false) // `is not false`
		check("kube_pods_subnet", false)
	}
	if v6 {
		check("kube_service_addresses_ipv6", true) // truthy
		check("kube_pods_subnet_ipv6", true)
	}
}

var kubesprayPodsServicesCollision = Rule{
	ID:        "kubespray-pods-services-collision",
	Area:      AreaKubespray,
	Title:     "kubespray's pod subnet does not lie inside its service subnet (per stack)",
	Severity:  Error,
	Reference: kubesprayValidation + " (\"Check that kube_pods_subnet does not collide with kube_service_addresses\", and _ipv6); " + kubesprayDocs,
	Why:       "kubespray stops the play when a stack's pod subnet lies within its service subnet (`kube_pods_subnet | ansible.utils.ipaddr(kube_service_addresses)`): \"kube_pods_subnet cannot be the same network segment as kube_service_addresses\", and the same for the _ipv6 pair. A partial overlap passes this check; the controller-manager-pod-service-overlap rule reports it.",
	Fix:       "choose a pod subnet outside the service subnet of the same family",
	Scope:     kubesprayInventory,
	Check:     checkKubesprayCollision,
}

func checkKubesprayCollision(f *Facts, r *Reporter) {
	k := f.Kubespray
	v4, v6, ok := k.Stacks()
	if !ok {
		return
	}
	check := func(pods, services string) {
		p, _ := k.Var(pods)
		s, _ := k.Var(services)
		pn, pok := kubesprayNet(p.Value)
		sn, sok := kubesprayNet(s.Value)
		if !pok || !sok {
			return // kubespray-network-ranges
		}
		if sn.prefix.Addr().Is4() == pn.prefix.Addr().Is4() && sn.prefix.Masked().Contains(pn.prefix.Masked().Addr()) && sn.prefix.Bits() <= pn.prefix.Bits() {
			r.Fail("kubespray "+pods, p, "%s cannot be the same network segment as %s (%s lies inside %s, %s)", pods, services, p.Value, s.Value, s.Source)
		}
	}
	if v4 {
		check("kube_pods_subnet", "kube_service_addresses")
	}
	if v6 {
		check("kube_pods_subnet_ipv6", "kube_service_addresses_ipv6")
	}
}

var kubesprayNodePrefix = Rule{
	ID:        "kubespray-node-prefix",
	Area:      AreaKubespray,
	Title:     "kubespray's node prefixes fit the pod subnets and kubelet_max_pods",
	Severity:  Error,
	Reference: kubesprayValidation + " (\"Check that ipv4 IP range is enough for the nodes\", \"Check that ipv6 IP range is enough for the nodes\", \"Guarantee that enough network address space is available for all pods\"); " + kubesprayDocs,
	Why:       "Unless the network plugin is calico (whose IPAM ignores the node prefix), kubespray stops the play when the pod subnet holds fewer node subnets than the k8s_cluster group has hosts: 2^(kube_network_node_prefix − the subnet's prefix) nodes, \"Not enough ipv4 IPs are available for the desired node count.\" (and ipv6); a node prefix shorter than the subnet's fits not even one node. With `ipv4_stack` and a plugin other than calico or none it also refuses a node subnet too small for `kubelet_max_pods` (default 110): \"Do not schedule more pods on a node than inet addresses are available.\" The inventory's host count is not in group_vars, so the room for nodes is reported.",
	Fix:       "make kube_network_node_prefix (and _ipv6) at least the pod subnet's prefix, long enough for the node count and short enough for kubelet_max_pods + 2 addresses",
	Scope:     kubesprayInventory,
	Check:     checkKubesprayNodePrefix,
}

func checkKubesprayNodePrefix(f *Facts, r *Reporter) {
	k := f.Kubespray
	v4, v6, ok := k.Stacks()
	plugin, _ := k.Var("kube_network_plugin")
	if !ok || kubesprayTemplated(plugin.Value) {
		return
	}
	room := func(family, subnetName, prefixName string) {
		subnet, _ := k.Var(subnetName)
		prefix, _ := k.Var(prefixName)
		n, parsed := kubesprayNet(subnet.Value)
		nodePrefix, err := strconv.Atoi(prefix.Value)
		if !parsed || err != nil {
			return
		}
		subject := "kubespray " + prefixName
		bits := nodePrefix - n.prefix.Bits()
		if bits < 0 {
			r.Fail(subject, prefix, "Not enough %s IPs are available for the desired node count. (%s %d is shorter than %s %s: not one node fits)", family, prefixName, nodePrefix, subnetName, subnet.Value)
			return
		}
		r.Pass(subject, prefix, "%s %s with %s %d: room for %s nodes (kubespray asserts the inventory's k8s_cluster group has no more)", subnetName, subnet.Value, prefixName, nodePrefix, kubesprayPow2(bits))
	}
	if plugin.Value != "calico" {
		if v4 {
			room("ipv4", "kube_pods_subnet", "kube_network_node_prefix")
		}
		if v6 {
			room("ipv6", "kube_pods_subnet_ipv6", "kube_network_node_prefix_ipv6")
		}
	}
	ignore, _, _ := k.Bool("ignore_assert_errors")
	if ignore || !v4 || plugin.Value == "calico" || plugin.Value == "none" {
		return
	}
	prefix, _ := k.Var("kube_network_node_prefix")
	maxPods, _ := k.Var("kubelet_max_pods")
	p, perr := strconv.Atoi(prefix.Value)
	m, merr := strconv.Atoi(maxPods.Value)
	if perr != nil || merr != nil || p < 0 || p > 32 {
		return
	}
	if avail := (1 << (32 - p)) - 2; m > avail {
		r.Fail("kubespray kube_network_node_prefix", prefix, "Do not schedule more pods on a node than inet addresses are available. (kubelet_max_pods %d, a /%d node subnet has %d addresses; %s)", m, p, avail, maxPods.Source)
	}
}

var kubesprayStackFlags = Rule{
	ID:        "kubespray-stack-flags",
	Area:      AreaKubespray,
	Title:     "kubespray's stacks are chosen with ipv4_stack and ipv6_stack",
	Severity:  Warning,
	Reference: kubesprayValidation + " (\"Warn if `enable_dual_stack_networks` is set\"); roles/kubespray_defaults/defaults/main/main.yml (ipv6_stack); roles/kubespray_defaults/vars/main/main.yml (kube_service_subnets); " + kubesprayDocs,
	Why:       "kubespray replaced `enable_dual_stack_networks` with `ipv4_stack` and `ipv6_stack` and warns while it is set: \"WARNING! => `enable_dual_stack_networks` deprecation. Please switch to using ipv4_stack and ipv6_stack.\" It only remains the default of `ipv6_stack`, so an `ipv6_stack` that is set overrides it. With both stacks false kubespray's templates fall back to the IPv6 subnets: an IPv6-only cluster.",
	Fix:       "replace enable_dual_stack_networks: true with ipv6_stack: true (ipv4_stack is true by default)",
	Scope:     kubesprayInventory,
	Check:     checkKubesprayStackFlags,
}

func checkKubesprayStackFlags(f *Facts, r *Reporter) {
	k := f.Kubespray
	if old, ok := k.Vars["enable_dual_stack_networks"]; ok {
		msg := "WARNING! => `enable_dual_stack_networks` deprecation. Please switch to using ipv4_stack and ipv6_stack."
		if v6, set := k.Vars["ipv6_stack"]; set {
			msg += fmt.Sprintf(" (ipv6_stack: %s, %s, is what kubespray uses)", v6.Value, v6.Source)
		}
		r.Fail("kubespray enable_dual_stack_networks", old, "%s", msg)
	}
	if v4, v6, ok := k.Stacks(); ok && !v4 && !v6 {
		at, _ := k.Var("ipv4_stack")
		r.FailWith(Info, "kubespray ipv4_stack", at, "ipv4_stack and ipv6_stack are both false: kubespray's kube_service_subnets and kube_pods_subnets fall back to the IPv6 subnets, an IPv6-only cluster")
	}
}

// kubesprayNetwork is a value as ansible.utils.ipaddr reads it
// (netaddr.IPNetwork: a CIDR, or an address as a /32 or /128).
type kubesprayNetwork struct{ prefix netip.Prefix }

// isNetwork is ipaddr('net') being a network: more than one address, and
// the address is the network's.
func (n kubesprayNetwork) isNetwork() bool {
	return n.prefix.Bits() < n.prefix.Addr().BitLen() && n.prefix.Masked().Addr() == n.prefix.Addr()
}

func kubesprayNet(v string) (kubesprayNetwork, bool) {
	v = strings.TrimSpace(v)
	if p, err := netip.ParsePrefix(v); err == nil {
		return kubesprayNetwork{p}, true
	}
	if a, err := netip.ParseAddr(v); err == nil && a.Zone() == "" {
		return kubesprayNetwork{netip.PrefixFrom(a, a.BitLen())}, true
	}
	return kubesprayNetwork{}, false
}

// kubesprayPow2 is 2^n for people ("64", "2^80").
func kubesprayPow2(n int) string {
	if n < 63 {
		return strconv.FormatInt(1<<n, 10)
	}
	return fmt.Sprintf("2^%d", n)
}
