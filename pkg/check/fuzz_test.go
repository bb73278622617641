package check

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	netutils "k8s.io/utils/net"
)

// The seeds of these targets are in testdata/fuzz/<target>: `go test` runs
// them as regression tests, `make fuzz` grows from them.

// FuzzRulesOnFlags runs every rule over control-plane components whose
// flag values are fuzzed: the rules' CIDR, IP, mask and list parsing must
// never panic, whatever a manifest says.
func FuzzRulesOnFlags(f *testing.F) {
	f.Fuzz(func(t *testing.T, services, pods, mask4, mask6, advertise, nodeIP, version string) {
		facts := cpCluster("dual4")
		facts.ServerVersion = version
		cpSet(facts, APIServer, "service-cluster-ip-range", services)
		cpSet(facts, APIServer, "advertise-address", advertise)
		cpSet(facts, ControllerManager, "cluster-cidr", pods)
		cpSet(facts, ControllerManager, "service-cluster-ip-range", services)
		cpSet(facts, ControllerManager, "node-cidr-mask-size-ipv4", mask4)
		cpSet(facts, ControllerManager, "node-cidr-mask-size-ipv6", mask6)
		cpSet(facts, KubeProxy, "cluster-cidr", pods)
		cpSet(facts, KubeProxy, "nodeport-addresses", services)
		cpSet(facts, Kubelet, "node-ip", nodeIP)
		cpSet(facts, Kubelet, "cluster-dns", advertise)
		facts.Kubeadm = cpKubeadmConfig(pods, services, map[string]string{"node-cidr-mask-size-ipv6": mask6})
		done := make(chan error, 1)
		go func() {
			_, err := Run(facts, Rules(), Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second): // a hang is a bug too
			t.Fatalf("rules still running after 5s on services=%q pods=%q masks=%q,%q advertise=%q nodeIP=%q version=%q", services, pods, mask4, mask6, advertise, nodeIP, version)
		}
	})
}

// leadingZero finds a part written with a leading zero, which Kubernetes'
// sloppy parsers (Go 1.16's net.ParseIP) accept and net/netip refuses: a
// decimal one ("010", read as decimal), or an IPv6 group of five or more
// hex digits ("0a000", read as 0xa000).
var leadingZero = regexp.MustCompile(`(^|[./:])0[0-9]|(^|:)0[0-9a-fA-F]{4}`)

// netipFamily is an address's family as Kubernetes counts it: IPv4-mapped
// IPv6 addresses are IPv4.
func netipFamily(a netip.Addr) corev1.IPFamily {
	if a.Unmap().Is4() {
		return corev1.IPv4Protocol
	}
	return corev1.IPv6Protocol
}

// FuzzIPLists feeds a comma-separated list, as a flag or a list field
// holds one, through the list, CIDR and IP parsing the rules share, and
// holds each result against net/netip's reading of the same text.
func FuzzIPLists(f *testing.F) {
	f.Fuzz(func(t *testing.T, list string) {
		entries := splitList(list)
		if strings.TrimSpace(list) == "" {
			if entries != nil {
				t.Fatalf("splitList(%q) = %q, want no entries", list, entries)
			}
		} else if len(entries) != strings.Count(list, ",")+1 {
			t.Fatalf("splitList(%q) = %q: %d entries for %d commas", list, entries, len(entries), strings.Count(list, ","))
		}
		for _, e := range entries {
			if e != strings.TrimSpace(e) || !strings.Contains(list, e) {
				t.Errorf("splitList(%q): entry %q", list, e)
			}
		}
		if again := splitList(strings.Join(entries, ",")); !slices.Equal(again, entries) {
			t.Errorf("splitList round trip: %q, then %q", entries, again)
		}

		// As CIDRs (--service-cluster-ip-range, --cluster-cidr, podCIDRs).
		allParse := true
		for _, e := range entries {
			_, n, err := netutils.ParseCIDRSloppy(e)
			p, perr := netip.ParsePrefix(e)
			switch {
			case perr == nil && err != nil:
				t.Errorf("CIDR %q: netip reads %s, Kubernetes refuses it: %v", e, p, err)
			case perr == nil:
				ones, _ := n.Mask.Size()
				addr, _ := netip.AddrFromSlice(n.IP)
				// The family is the network address's: ::ffff:0.0.0.0/0 is ::/0, IPv6.
				if familyOfCIDR(n) != netipFamily(p.Masked().Addr()) || ones != p.Bits() || addr.Unmap() != p.Masked().Addr().Unmap() {
					t.Errorf("CIDR %q: read as %s (%s), netip reads %s", e, n, familyOfCIDR(n), p.Masked())
				}
			case err == nil && !leadingZero.MatchString(e):
				t.Errorf("CIDR %q: Kubernetes reads %s, netip refuses it: %v", e, n, perr)
			}
			allParse = allParse && err == nil
		}
		cidrs, err := netutils.ParseCIDRs(entries)
		if (err == nil) != allParse || err == nil && len(cidrs) != len(entries) {
			t.Errorf("ParseCIDRs(%q) = %v, %v; every entry parses: %v", entries, cidrs, err, allParse)
		}
		facts := &Facts{Components: []Component{{Kind: APIServer, Settings: map[string]Setting{"service-cluster-ip-range": {Value: list}}}}}
		fams := facts.Families()
		if err == nil && len(cidrs) > 0 {
			if !slices.Equal(fams, familiesOfCIDRs(cidrs)) {
				t.Errorf("Families() = %v for %q", fams, list)
			}
			if dual := len(fams) == 2 && fams[0] != fams[1]; facts.DualStack() != dual {
				t.Errorf("DualStack() = %v for families %v", !dual, fams)
			}
		} else if fams != nil {
			t.Errorf("Families() = %v for %q, which does not parse", fams, list)
		}

		// As IPs (podIPs, node addresses, endpoints, --node-ip).
		var ipFams []corev1.IPFamily
		for _, e := range entries {
			fam := familyOfIP(e)
			a, aerr := netip.ParseAddr(e)
			switch {
			case aerr == nil && a.Zone() == "" && fam != netipFamily(a):
				t.Errorf("IP %q: family %q, netip reads %s", e, fam, a)
			case (aerr != nil || a.Zone() != "") && fam != "" && !leadingZero.MatchString(e):
				t.Errorf("IP %q: family %q, netip refuses it: %v", e, fam, aerr)
			}
			if (fam == "") != (netutils.ParseIPSloppy(e) == nil) {
				t.Errorf("IP %q: family %q, ParseIPSloppy %v", e, fam, netutils.ParseIPSloppy(e))
			}
			ipFams = append(ipFams, fam)
		}
		valid := !slices.Contains(ipFams, "") && (len(ipFams) < 2 || len(ipFams) == 2 && ipFams[0] != ipFams[1])
		if problems := ipListProblems("f", entries); (len(problems) == 0) != valid {
			t.Errorf("ipListProblems(%q) = %q, families %q", entries, problems, ipFams)
		}

		// As a node's addresses: InternalIP, ExternalIP, InternalIP, ...
		node := &corev1.Node{}
		var internal, external []string
		for i, e := range entries {
			typ := corev1.NodeInternalIP
			if i%2 == 1 {
				typ = corev1.NodeExternalIP
			}
			node.Status.Addresses = append(node.Status.Addresses, corev1.NodeAddress{Type: typ, Address: e})
			if familyOfIP(e) != "" {
				if typ == corev1.NodeInternalIP {
					internal = append(internal, e)
				} else {
					external = append(external, e)
				}
			}
		}
		host := nodeHostIPs(node)
		candidates := slices.Concat(internal, external)
		if len(candidates) == 0 {
			if host != nil {
				t.Errorf("host IPs %v from no parsable address", host)
			}
			return
		}
		first := familyOfIP(candidates[0])
		wantLen := 1
		if slices.ContainsFunc(candidates, func(s string) bool { return familyOfIP(s) != first }) {
			wantLen = 2
		}
		if len(host) != wantLen || !host[0].Equal(netutils.ParseIPSloppy(candidates[0])) ||
			wantLen == 2 && familyOfNetIP(host[1]) == familyOfNetIP(host[0]) {
			t.Errorf("host IPs %v from InternalIPs %q, ExternalIPs %q", host, internal, external)
		}
	})
}
