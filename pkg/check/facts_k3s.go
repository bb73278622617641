package check

import (
	"fmt"
	"strings"

	netutils "k8s.io/utils/net"
)

// K3s and RKE2 roles.
const (
	K3sServer = "server"
	K3sAgent  = "agent"
)

// K3sConfig is one k3s or RKE2 node's configuration as k3s reads it
// before starting any component: its config.yaml and config.yaml.d files
// merged (or, live, its node-args annotation). RKE2 runs k3s's code, so
// the same fields and checks apply.
type K3sConfig struct {
	Distribution string // "k3s" or "rke2"
	Role         string // K3sServer or K3sAgent
	// Instance names the node (its config file, or its Node's name);
	// Source says where the configuration was read, File and Line locate
	// it.
	Instance string
	Source   string
	File     string
	Line     int
	// The values k3s uses, a list joined with commas: as given, else
	// k3s's defaults (their Source says so). NodeIP and NodeExternalIP
	// are nil when unset (k3s detects the node's addresses). An agent
	// takes ClusterCIDR, ServiceCIDR and ClusterDNS from its server: they
	// are nil unless the facts hold that server's configuration.
	ClusterCIDR, ServiceCIDR, ClusterDNS, NodeIP, NodeExternalIP *Setting
}

// k3s's defaults (k3s pkg/util/net.go GetDefaultAddresses), by the family
// of the node's first IP. RKE2 uses the same code.
const (
	k3sClusterCIDR     = "10.42.0.0/16"
	k3sServiceCIDR     = "10.43.0.0/16"
	k3sClusterCIDRIPv6 = "fd00:42::/56"
	k3sServiceCIDRIPv6 = "fd00:43::/112"
)

// K3sDefaultCIDRs are the cluster-cidr and service-cidr k3s uses when
// they are unset, for a node whose first IP is firstNodeIP ("" when k3s
// detects it: the host's IPv4 address, on all but IPv6-only hosts).
func K3sDefaultCIDRs(firstNodeIP string) (clusterCIDR, serviceCIDR string) {
	if ip := netutils.ParseIPSloppy(firstNodeIP); ip != nil && netutils.IsIPv6(ip) {
		return k3sClusterCIDRIPv6, k3sServiceCIDRIPv6
	}
	return k3sClusterCIDR, k3sServiceCIDR
}

// K3sDefaultClusterDNS is the cluster-dns k3s uses when it is unset: the
// 10th address of each service CIDR (k3s pkg/cli/server/server.go run).
func K3sDefaultClusterDNS(serviceCIDRs string) string {
	var out []string
	for _, n := range parseCIDRList(serviceCIDRs) {
		if ip, err := netutils.GetIndexedIP(n, 10); err == nil {
			out = append(out, ip.String())
		}
	}
	return strings.Join(out, ",")
}

// K3sDefault is the setting of a key left unset, at the start of the
// node's configuration: k3s's default value.
func K3sDefault(k K3sConfig, key, value string) *Setting {
	s := &Setting{Value: value, Source: fmt.Sprintf("%s (%s unset: %s's default)", k.Source, key, k.Distribution), File: k.File, Line: k.Line}
	if s.Line > 0 {
		s.Column = 1
	}
	return s
}

// isK3sDefault says whether a setting is one of k3s's defaults rather
// than the user's.
func isK3sDefault(s Setting) bool { return strings.HasSuffix(s.Source, "'s default)") }
