package edit

import (
	"fmt"
	"net/netip"
	"strings"
)

// Families, as Target.NodeMasks names them.
const (
	IPv4 = "IPv4"
	IPv6 = "IPv6"
)

// Target is the dual-stack configuration the files must end up with.
type Target struct {
	// ServiceCIDRs and PodCIDRs hold a CIDR of each family, the primary
	// family's first: ["10.96.0.0/16", "fd00:10:96::/112"].
	ServiceCIDRs []string
	PodCIDRs     []string
	// NodeMasks are the node mask sizes by family ("IPv4", "IPv6"):
	// kube-controller-manager's --node-cidr-mask-size-ipv4 and -ipv6.
	NodeMasks map[string]int
}

// validate checks that t names one CIDR of each family in both lists,
// the same family first.
func (t Target) validate() error {
	for _, l := range []struct {
		name  string
		cidrs []string
	}{{"ServiceCIDRs", t.ServiceCIDRs}, {"PodCIDRs", t.PodCIDRs}} {
		if len(l.cidrs) != 2 {
			return fmt.Errorf("target %s %v: want a CIDR of each family", l.name, l.cidrs)
		}
		for _, c := range l.cidrs {
			if _, err := netip.ParsePrefix(c); err != nil {
				return fmt.Errorf("target %s: %v", l.name, err)
			}
		}
		if family(l.cidrs[0]) == family(l.cidrs[1]) {
			return fmt.Errorf("target %s %v: want a CIDR of each family", l.name, l.cidrs)
		}
	}
	if family(t.ServiceCIDRs[0]) != family(t.PodCIDRs[0]) {
		return fmt.Errorf("target ServiceCIDRs %v and PodCIDRs %v: want the same family first", t.ServiceCIDRs, t.PodCIDRs)
	}
	for fam, m := range t.NodeMasks {
		if (fam != IPv4 || m < 1 || m > 32) && (fam != IPv6 || m < 1 || m > 128) {
			return fmt.Errorf("target NodeMasks[%q] = %d: want IPv4 1-32 or IPv6 1-128", fam, m)
		}
	}
	return nil
}

// family is the family of a CIDR or an address, "" when neither parses.
func family(s string) string {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		s = p.Addr().String()
	}
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return ""
	case a.Is4() || a.Is4In6():
		return IPv4
	}
	return IPv6
}

// families are the families of a comma-separated list, in order.
func families(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if f := family(s); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func (t Target) primary() string      { return family(t.ServiceCIDRs[0]) }
func (t Target) services() string     { return strings.Join(t.ServiceCIDRs, ",") }
func (t Target) pods() string         { return strings.Join(t.PodCIDRs, ",") }
func (t Target) service(f string) str { return str(of(t.ServiceCIDRs, f)) }
func (t Target) pod(f string) str     { return str(of(t.PodCIDRs, f)) }

// of is the CIDR of family f in a target list.
func of(cidrs []string, f string) string {
	for _, c := range cidrs {
		if family(c) == f {
			return c
		}
	}
	return ""
}

// maskFlag is kube-controller-manager's node mask flag of family f.
func maskFlag(f string) string { return "node-cidr-mask-size-" + strings.ToLower(f) }
