package check

import (
	"net"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"
)

// The network plugins check recognises by their own configuration.
const (
	CNICilium  = "cilium"
	CNICalico  = "calico"
	CNIFlannel = "flannel"
)

// IPAM modes of the network plugins: Cilium's `ipam` values, Calico's CNI
// IPAM plugins (flannel delegates to host-local).
const (
	IPAMKubernetes  = "kubernetes"   // Cilium: the nodes' spec.podCIDRs
	IPAMClusterPool = "cluster-pool" // Cilium: the operator's pools
	IPAMMultiPool   = "multi-pool"   // Cilium: CiliumPodIPPool objects
	IPAMCalico      = "calico-ipam"  // Calico: its IPPools
	IPAMHostLocal   = "host-local"   // Calico's and flannel's: the node's podCIDR
)

// PoolRole says what a CNI range is to its plugin.
type PoolRole string

const (
	// PoolPods: the plugin hands pod addresses out of it (a Calico IPPool,
	// a Cilium cluster pool).
	PoolPods PoolRole = "pods"
	// PoolNetwork: the network the nodes' podCIDRs must lie in (flannel's
	// Network and IPv6Network).
	PoolNetwork PoolRole = "network"
	// PoolNativeRouting: what Cilium routes natively, without masquerading
	// (ipv4-native-routing-cidr).
	PoolNativeRouting PoolRole = "native-routing"
)

// CNIPool is one range of the network plugin's configuration.
type CNIPool struct {
	// Name names it for people: the IPPool's name, the key it was read
	// from.
	Name string
	CIDR Setting
	Role PoolRole
	// Disabled: the plugin hands out no new address from it (a Calico
	// IPPool disabled, with disableNewAllocations or assignmentMode
	// Manual); its existing addresses stay.
	Disabled bool
}

// Net is the pool's parsed CIDR, nil when it does not parse.
func (p CNIPool) Net() *net.IPNet {
	_, n, err := netutils.ParseCIDRSloppy(strings.TrimSpace(p.CIDR.Value))
	if err != nil {
		return nil
	}
	return n
}

// CNI is what the network plugin's own configuration says about pod
// addresses: which families it serves and the ranges it takes them from.
// Facts.CNI is nil when no known plugin's configuration was found.
type CNI struct {
	// Name is CNICilium, CNICalico or CNIFlannel.
	Name string
	// Source names the objects it was detected from ("ConfigMap
	// kube-system/cilium-config").
	Source string
	// At locates the configuration (the ConfigMap, the first IPPool) for
	// findings about what it leaves out.
	At Setting
	// IPAM is the IPAM mode (IPAM*, or another of Cilium's modes), and
	// where it was read; its Source says so when it is a default or an
	// assumption.
	IPAM Setting
	// IPAMAssumed: nothing said which IPAM the plugin uses (Calico's
	// manifests, or Canal, whose configuration RKE2 keeps in a Secret):
	// pod addresses may come from its pools or from the nodes' podCIDRs.
	IPAMAssumed bool
	// Families says, for IPv4 and IPv6, whether the plugin gives pods an
	// address of the family ("true" or "false") and why.
	Families map[corev1.IPFamily]Setting
	Pools    []CNIPool
	// Settings are the plugin's other values the rules read, by key
	// (Cilium's routing-mode, enable-ipv4-masquerade, ...).
	Settings map[string]Setting
	// Also names other plugins whose configuration was found too, and
	// where (a leftover of an earlier plugin, a chained one).
	Also []string
	// Canal: flannel networking under Calico's network policy. flannel
	// gives the pods their addresses, whatever Calico's IPPools say.
	Canal bool
}

// Serves says whether the plugin gives pods an address of fam.
func (c *CNI) Serves(fam corev1.IPFamily) bool {
	return c.Families[fam].Value == "true"
}

// OwnIPAM says whether the plugin hands out pod addresses from ranges of
// its own rather than from the nodes' spec.podCIDRs.
func (c *CNI) OwnIPAM() bool {
	switch c.Name {
	case CNICalico:
		return c.IPAM.Value != IPAMHostLocal
	case CNICilium:
		return c.IPAM.Value != IPAMKubernetes
	}
	return false
}

// UsesNodePodCIDRs says whether pods get their addresses from their node's
// spec.podCIDRs.
func (c *CNI) UsesNodePodCIDRs() bool { return !c.OwnIPAM() }

// PodPools are the ranges the plugin's own IPAM hands pod addresses out
// of, disabled ones included (their addresses stay); ok is false when the
// plugin uses the nodes' podCIDRs, or when its pools are not in its
// configuration (Cilium's multi-pool CiliumPodIPPools, a cloud's IPAM).
func (c *CNI) PodPools() (pools []CNIPool, ok bool) {
	known := c.Name == CNICalico && c.IPAM.Value == IPAMCalico || c.Name == CNICilium && c.IPAM.Value == IPAMClusterPool
	if !known {
		return nil, false
	}
	return c.PoolsOf(PoolPods), true
}

// PoolsOf are the pools of a role.
func (c *CNI) PoolsOf(role PoolRole) []CNIPool {
	var out []CNIPool
	for _, p := range c.Pools {
		if p.Role == role {
			out = append(out, p)
		}
	}
	return out
}

// SetPoolFamilies sets Families from the pod pools, as Calico IPAM
// serves them: a family with an enabled pool gets addresses.
func (c *CNI) SetPoolFamilies() {
	c.Families = map[corev1.IPFamily]Setting{}
	for _, fam := range []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol} {
		c.Families[fam] = c.poolFamily(fam)
	}
}

func (c *CNI) poolFamily(fam corev1.IPFamily) Setting {
	for _, p := range c.PoolsOf(PoolPods) {
		if n := p.Net(); n != nil && familyOfCIDR(n) == fam && !p.Disabled {
			s := p.CIDR
			s.Value = "true"
			return s
		}
	}
	s := c.At
	s.Value = "false"
	return s
}

// PoolsSummary lists the pools of a role for messages: "a 10.0.0.0/16,
// b fd00::/56 (disabled)"; "none" when there is none.
func (c *CNI) PoolsSummary(role PoolRole) string {
	var out []string
	for _, p := range c.PoolsOf(role) {
		s := p.Name + " " + p.CIDR.Value
		if p.Disabled {
			s += " (disabled)"
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// Describe names the plugin and its IPAM mode for people: "calico, IPAM
// calico-ipam".
func (c *CNI) Describe() string {
	return c.Name + ", IPAM " + c.IPAM.Value
}

// ChainedTo names the plugin Cilium is chained onto (cni-chaining-mode
// aws-cni, flannel, generic-veth), "" when it is the CNI itself: chained,
// it leaves pod addresses to that plugin.
func (c *CNI) ChainedTo() string {
	switch m := c.Settings["cni-chaining-mode"].Value; m {
	case "", "none", "portmap":
		return ""
	default:
		return m
	}
}

// ChooseCNI is the network plugin of the configurations found, in the
// order given (the gatherers pass Cilium, Calico, flannel), Canal's
// flannel first: the first that hands out pod addresses itself; the
// others are named in its Also. Nil when none was found.
func ChooseCNI(found ...*CNI) *CNI {
	found = slices.Clone(found)
	slices.SortStableFunc(found, func(a, b *CNI) int {
		canal := func(c *CNI) int {
			if c != nil && c.Canal {
				return 0
			}
			return 1
		}
		return canal(a) - canal(b)
	})
	var chosen *CNI
	var also []string
	for _, c := range found {
		switch {
		case c == nil:
		case c.ChainedTo() != "":
			also = append(also, c.Name+" chained onto "+c.ChainedTo()+" ("+c.Source+")")
		case chosen == nil:
			chosen = c
		default:
			also = append(also, c.Name+" ("+c.Source+")")
		}
	}
	if chosen != nil {
		chosen.Also = append(chosen.Also, also...)
	}
	return chosen
}

// CNIUnknown says what was looked for when no known plugin's
// configuration was found.
const CNIUnknown = "no ConfigMap kube-system/cilium-config, no Calico IPPool or Installation, no ConfigMap kube-flannel-cfg"

// CNISummary names the network plugin for the report's header, and what
// told it: "unknown" when its source was read and held no known plugin,
// "" when the audit did not read it.
func (f *Facts) CNISummary() (name, source string) {
	if c := f.CNI; c != nil {
		source = c.Source
		if len(c.Also) > 0 {
			source += "; also found: " + strings.Join(c.Also, ", ")
		}
		return c.Describe(), source
	}
	if _, unread := f.Unavailable[SourceCNI]; unread {
		return "", ""
	}
	return "unknown", CNIUnknown
}
