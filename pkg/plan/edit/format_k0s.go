package edit

import (
	"net"

	"go.yaml.in/yaml/v3"
)

// k0s's defaults (k0sproject/k0s pkg/apis/k0s/v1beta1/network.go
// DefaultNetwork) and the node masks it gives kube-controller-manager
// with dual-stack, /117 for IPv6 (https://docs.k0sproject.io/stable/dual-stack/,
// "Configuring the node CIDR mask size").
const (
	k0sDefaultPodCIDR     = "10.244.0.0/16"
	k0sDefaultServiceCIDR = "10.96.0.0/12"
)

var k0sMasks = map[string]int{IPv4: 24, IPv6: 117}

// k0sClusterConfig edits a k0s ClusterConfig.
func (d *doc) k0sClusterConfig() { d.k0sConfig(d.root, "") }

// k0sctlCluster edits the ClusterConfig a k0sctl Cluster installs, at
// spec.k0s.config; its first controller's address is what k0sctl writes
// to spec.api.address when the ClusterConfig leaves it unset.
func (d *doc) k0sctlCluster() {
	cfg := get(d.root, "spec.k0s.config")
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		for _, other := range d.docs {
			if other.format == "k0s-config" {
				return // the file's ClusterConfig document, edited itself
			}
		}
		d.note(d.root, "no spec.k0s.config: k0sctl installs k0s's single-stack default; add a ClusterConfig with spec.network.dualStack (https://docs.k0sproject.io/stable/dual-stack/)")
		return
	}
	address := ""
	if hosts := get(d.root, "spec.hosts"); hosts != nil {
		for _, h := range hosts.Content {
			switch scalar(lookup(h, "role")) {
			case "controller", "controller+worker", "single":
				for _, key := range []string{"privateAddress", "ssh.address", "winRM.address", "openSSH.address"} {
					if a := scalar(get(h, key)); a != "" && address == "" {
						address = a
					}
				}
			}
		}
	}
	d.k0sConfig(cfg, address)
}

// k0sConfig edits a ClusterConfig at cfg as
// https://docs.k0sproject.io/stable/dual-stack/ configures dual-stack:
// podCIDR and serviceCIDR keep the IPv4 ranges, dualStack holds the IPv6
// ones, and the primary family is primaryAddressFamily, else that of the
// API address (k0s pkg/apis/k0s/v1beta1/clusterconfig_types.go
// PrimaryAddressFamily); controller is k0sctl's first controller address.
func (d *doc) k0sConfig(cfg *yaml.Node, controller string) {
	t := d.target
	d.setUnlessDefault(cfg, "spec.network.podCIDR", t.pod(IPv4), k0sDefaultPodCIDR)
	d.setUnlessDefault(cfg, "spec.network.serviceCIDR", t.service(IPv4), k0sDefaultServiceCIDR)
	d.setPath(cfg, "spec.network.dualStack", mapping{
		{"enabled", lit("true")},
		{"IPv6podCIDR", t.pod(IPv6)},
		{"IPv6serviceCIDR", t.service(IPv6)},
	})
	if n := get(cfg, "spec.network.primaryAddressFamily"); n != nil || k0sAddressFamily(cfg, controller) != t.primary() {
		d.setPath(cfg, "spec.network.primaryAddressFamily", str(t.primary()))
	}
	kcm := d.argsAt(cfg, "spec.controllerManager.extraArgs", false)
	editMasks(kcm, t, k0sMasks)
	kcm.done()
	if provider := get(cfg, "spec.network.provider"); scalar(provider) == "calico" {
		if mode := scalar(get(cfg, "spec.network.calico.mode")); mode != "bird" {
			d.note(provider, "k0s allows dual-stack with Calico only in mode bird (k0s pkg/apis/k0s/v1beta1/network.go Validate), not %q: changing it is a network plugin migration", mode)
		}
	}
}

// setUnlessDefault sets a dotted path to v, unless it is unset and
// defaults to v.
func (d *doc) setUnlessDefault(m *yaml.Node, path string, v str, def string) {
	if get(m, path) == nil && string(v) == def {
		return
	}
	d.setPath(m, path, v)
}

// k0sAddressFamily is the family of the API address that makes k0s's
// primary family without primaryAddressFamily: spec.api.externalAddress's
// host, else spec.api.address, else k0sctl's controller; IPv4 when none
// is an IP address.
func k0sAddressFamily(cfg *yaml.Node, controller string) string {
	addr := scalar(get(cfg, "spec.api.externalAddress"))
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	for _, a := range []string{addr, scalar(get(cfg, "spec.api.address")), controller} {
		if a != "" {
			if f := family(a); f != "" {
				return f
			}
			return IPv4
		}
	}
	return IPv4
}
