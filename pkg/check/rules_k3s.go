package check

import (
	"fmt"
	"net"
	"strings"

	netutils "k8s.io/utils/net"
)

// k3sRules are the k3s rules (RKE2 runs the same code), in report order.
var k3sRules = []Rule{k3sConfigValues, k3sCIDRFamilies, k3sNodeIPFamilies}

// k3sConfigs scopes the k3s rules: only k3s and RKE2 configurations feed
// them.
var k3sConfigs = scopeOf("k3s", "no k3s or RKE2 configuration (not a k3s or RKE2 cluster)", func(f *Facts) bool { return len(f.K3s) > 0 })

var k3sConfigValues = Rule{
	ID:        "k3s-config-values",
	Area:      AreaK3s,
	Title:     "k3s and RKE2 parse their cluster-cidr, service-cidr, cluster-dns, node-ip and node-external-ip",
	Severity:  Error,
	Reference: "k3s-io/k3s pkg/cli/server/server.go run (cluster-cidr, service-cidr, cluster-dns), pkg/util/net.go GetHostnameAndIPs and ParseStringSliceToIPs (node-ip), pkg/agent/config/config.go get (node-external-ip); https://docs.k3s.io/cli/server",
	Why:       "k3s (and RKE2, which runs k3s's code) splits these lists on commas and parses each entry with Go's strict net.ParseCIDR and net.ParseIP before it starts any component, and refuses to start on the first one that does not parse: \"invalid cluster-cidr 10.042.0.0/16: invalid CIDR address: 10.042.0.0/16\", \"invalid service-cidr …\", \"invalid cluster-dns address …\", \"invalid node-ip: invalid ip format '…'\", \"invalid node-external-ip: invalid ip format '…'\". Go's parser refuses IPv4 octets with leading zeros, which kube-apiserver and kube-controller-manager accept.",
	Fix:       "write each entry as a plain CIDR or IP address (no leading zeros), the entries of a list separated by commas",
	Scope:     k3sConfigs,
	Check:     checkK3sConfigValues,
}

func checkK3sConfigValues(f *Facts, r *Reporter) {
	type value struct {
		key string
		at  *Setting
		bad func(string) string // k3s's complaint, "" when it parses
	}
	for _, k := range f.K3s {
		values := []value{
			{"node-ip", k.NodeIP, k3sBadIP("invalid node-ip: invalid ip format '%s'")},
			{"node-external-ip", k.NodeExternalIP, k3sBadIP("invalid node-external-ip: invalid ip format '%s'")},
		}
		if k.Role == K3sServer { // an agent's are its server's
			values = append(values,
				value{"cluster-cidr", k.ClusterCIDR, k3sBadCIDR("invalid cluster-cidr %s: %v")},
				value{"service-cidr", k.ServiceCIDR, k3sBadCIDR("invalid service-cidr %s: %v")},
				value{"cluster-dns", k.ClusterDNS, k3sBadIP("invalid cluster-dns address %s")})
		}
		for _, v := range values {
			if v.at == nil {
				continue
			}
			for _, e := range k3sEntries(v.at.Value) {
				if msg := v.bad(e); msg != "" {
					r.Fail(k3sSubject(k, v.key), *v.at, "%s refuses to start: %s", k.Distribution, msg)
					break // k3s stops at the first
				}
			}
		}
	}
}

// k3sBadCIDR is k3s's complaint about a CIDR net.ParseCIDR refuses, ""
// when it parses.
func k3sBadCIDR(format string) func(string) string {
	return func(e string) string {
		if _, _, err := net.ParseCIDR(e); err != nil {
			return fmt.Sprintf(format, e, err)
		}
		return ""
	}
}

// k3sBadIP is k3s's complaint about an IP net.ParseIP refuses, "" when it
// parses.
func k3sBadIP(format string) func(string) string {
	return func(e string) string {
		if net.ParseIP(e) == nil {
			return fmt.Sprintf(format, e)
		}
		return ""
	}
}

var k3sCIDRFamilies = Rule{
	ID:        "k3s-cidr-families",
	Area:      AreaK3s,
	Title:     "k3s and RKE2 cluster-cidr and service-cidr have the same IP families, primary first",
	Severity:  Error,
	Reference: "k3s-io/k3s pkg/agent/run.go run; https://docs.k3s.io/networking/basic-network-options#dual-stack-ipv4--ipv6-networking; https://docs.rke2.io/networking/basic_network_options#dual-stack-configuration",
	Why:       "Every k3s or RKE2 node, server or agent, compares the cluster-cidr and service-cidr before it starts the kubelet: both must be dual-stack or both single-stack, and their first entries must be of one family, or it refuses to start with \"cluster-cidr: [10.42.0.0/16] and service-cidr: [2001:cafe:43:1::/112], must share the same IP version (IPv4, IPv6 or dual-stack)\" (k3s issue #5491). Unset, they default to 10.42.0.0/16 and 10.43.0.0/16 (fd00:42::/56 and fd00:43::/112 on a node whose first IP is IPv6). Upstream kube-apiserver and kube-controller-manager do not compare these ranges: a dual-stack cluster-cidr with a single-stack service range, or an IPv6-first one with an IPv4-first service range, starts a kubeadm cluster but not a k3s one.",
	Fix:       "give cluster-cidr and service-cidr one CIDR of the same family, or both an IPv4 and an IPv6 CIDR listed in the same order",
	Scope:     k3sConfigs,
	Check:     checkK3sCIDRFamilies,
}

func checkK3sCIDRFamilies(f *Facts, r *Reporter) {
	for _, k := range f.K3s {
		if k.Role != K3sServer || k.ClusterCIDR == nil || k.ServiceCIDR == nil {
			continue // an agent's are its server's, checked there
		}
		cluster, cerr := k3sParseCIDRs(k.ClusterCIDR.Value)
		service, serr := k3sParseCIDRs(k.ServiceCIDR.Value)
		if cerr != nil || serr != nil {
			continue // k3s-config-values
		}
		dualCluster, _ := netutils.IsDualStackCIDRs(cluster)
		dualService, _ := netutils.IsDualStackCIDRs(service)
		if dualCluster == dualService && familyOfCIDR(cluster[0]) == familyOfCIDR(service[0]) {
			continue
		}
		// Point at what the user wrote: the service-cidr, unless only
		// the cluster-cidr is set.
		key, at := "service-cidr", *k.ServiceCIDR
		if isK3sDefault(at) && !isK3sDefault(*k.ClusterCIDR) {
			key, at = "cluster-cidr", *k.ClusterCIDR
		}
		r.Fail(k3sSubject(k, key), at, "%s refuses to start: cluster-cidr: %v and service-cidr: %v, must share the same IP version (IPv4, IPv6 or dual-stack)", k.Distribution, cluster, service)
	}
}

var k3sNodeIPFamilies = Rule{
	ID:        "k3s-node-ip-families",
	Area:      AreaK3s,
	Title:     "k3s and RKE2 node-ip has the cluster-cidr's IP families",
	Severity:  Error,
	Reference: "k3s-io/k3s pkg/agent/run.go run, pkg/agent/config/config.go get, pkg/util/net.go GetHostnameAndIPs; https://docs.k3s.io/networking/basic-network-options#dual-stack-ipv4--ipv6-networking",
	Why:       "Every k3s or RKE2 node puts its node-ip of the cluster-cidr's first family first, then refuses to start unless its node IPs cover the cluster-cidr's families: a node IP of each family for a dual-stack cluster-cidr, else one of its family: \"cluster-cidr: [10.42.0.0/16 2001:cafe:42::/56] and node-ip: [10.1.1.4], must share the same IP version (IPv4, IPv6 or dual-stack)\" (k3s issue #5918). Without node-ip, k3s takes the host's default-route IPv4 address and an IPv6 one only when the host has an IPv6 default route. kubelet itself accepts a single node IP on a dual-stack cluster.",
	Fix:       "on a dual-stack cluster set node-ip to the node's IPv4 and IPv6 addresses (node-ip: <IPv4>,<IPv6>); on a single-stack one, an address of the cluster-cidr's family",
	Scope:     k3sConfigs,
	Check:     checkK3sNodeIPFamilies,
}

func checkK3sNodeIPFamilies(f *Facts, r *Reporter) {
	for _, k := range f.K3s {
		subject := k3sSubject(k, "node-ip")
		if k.ClusterCIDR == nil {
			r.Pass(subject, Setting{Source: k.Source, File: k.File, Line: k.Line}, "%s agent: its cluster-cidr is its server's, whose configuration is not among the facts: nothing to compare node-ip with", k.Distribution)
			continue
		}
		cluster, err := k3sParseCIDRs(k.ClusterCIDR.Value)
		if err != nil {
			continue // k3s-config-values
		}
		dualCluster, _ := netutils.IsDualStackCIDRs(cluster)
		if k.NodeIP == nil {
			if dualCluster {
				r.FailWith(Info, subject, Setting{Source: k.Source + " (node-ip unset)", File: k.File, Line: k.Line}, "node-ip unset with the dual-stack cluster-cidr %s: %s takes the host's default-route IPv4 address, and an IPv6 one only when the host has an IPv6 default route; without one it refuses to start (\"cluster-cidr: %v and node-ip: [<IPv4>], must share the same IP version (IPv4, IPv6 or dual-stack)\"). Set node-ip to the node's IPv4 and IPv6 addresses", k.ClusterCIDR.Value, k.Distribution, cluster)
			}
			continue
		}
		ips, ok := k3sParseIPs(k.NodeIP.Value)
		if !ok {
			continue // k3s-config-values
		}
		// pkg/agent/config/config.go get: the node IP of the cluster-cidr's
		// primary family goes first.
		if len(ips) > 1 && familyOfNetIP(ips[0]) != familyOfCIDR(cluster[0]) {
			ips[0], ips[1] = ips[1], ips[0]
		}
		dualNode, _ := netutils.IsDualStackIPs(ips)
		need := familyOfCIDR(cluster[0])
		if (dualCluster && !dualNode) || (!dualNode && familyOfNetIP(ips[0]) != need) {
			r.Fail(subject, *k.NodeIP, "%s refuses to start: cluster-cidr: %v and node-ip: %v, must share the same IP version (IPv4, IPv6 or dual-stack)", k.Distribution, cluster, ips)
		}
	}
}

// k3sSubject names one key of a k3s or RKE2 node's configuration.
func k3sSubject(k K3sConfig, key string) string {
	return fmt.Sprintf("%s %s %s %s", k.Distribution, k.Role, k.Instance, key)
}

// k3sEntries splits a list as k3s does (util.SplitStringSlice), leaving
// out empty entries and blanks, which the checks do not judge.
func k3sEntries(value string) []string {
	var out []string
	for _, e := range strings.Split(value, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// k3sParseCIDRs parses a list as k3s does (net.ParseCIDR).
func k3sParseCIDRs(value string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, e := range k3sEntries(value) {
		_, n, err := net.ParseCIDR(e)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no CIDR")
	}
	return out, nil
}

// k3sParseIPs parses a list as k3s does (net.ParseIP); false when an
// entry does not parse (k3s-config-values reports it) or there is none.
func k3sParseIPs(value string) ([]net.IP, bool) {
	var out []net.IP
	for _, e := range k3sEntries(value) {
		ip := net.ParseIP(e)
		if ip == nil {
			return nil, false
		}
		out = append(out, ip)
	}
	return out, len(out) > 0
}
