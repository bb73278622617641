package files

import (
	"fmt"
	"slices"
	"strings"

	netutils "k8s.io/utils/net"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// k3sServerFlags are flags only `k3s server` (and `rke2 server`) takes.
var k3sServerFlags = []string{
	"cluster-cidr", "service-cidr", "cluster-dns", "cluster-domain", "cluster-init", "service-node-port-range",
	"kube-apiserver-arg", "kube-controller-manager-arg", "kube-controller-arg", "kube-scheduler-arg",
	"kube-cloud-controller-manager-arg", "etcd-arg", "tls-san", "write-kubeconfig-mode", "advertise-address",
	"agent-token", "datastore-endpoint", "flannel-backend", "flannel-ipv6-masq", "egress-selector-mode",
	"disable", "disable-network-policy", "disable-kube-proxy", "disable-cloud-controller", "disable-agent",
	"disable-scheduler", "disable-apiserver", "disable-controller-manager", "cni", "ingress-controller",
}

// rke2Flags are flags RKE2 adds to k3s's; k3sOnlyFlags are k3s flags
// RKE2 drops (rancher/rke2 pkg/cli/cmds/server.go): either tells the
// distribution of a file outside /etc/rancher.
var (
	rke2Flags    = []string{"cni", "ingress-controller", "enable-servicelb", "profile", "kube-apiserver-image", "kube-proxy-image"}
	k3sOnlyFlags = []string{"flannel-backend", "flannel-ipv6-masq", "flannel-iface", "flannel-external-ip", "flannel-conf",
		"flannel-cni-conf", "disable-network-policy", "cluster-init", "vpn-auth"}
)

// k3sNodes turns the k3s and RKE2 configuration files read into nodes:
// each node's configuration (Facts.K3s) and the components k3s starts
// with it, mapped onto the flags those components get.
func (g *gatherer) k3sNodes() {
	sets := k3sSets(g.k3s)
	g.k3s = nil
	// Servers first: an agent takes its cluster settings from the first.
	agent := func(m *k3sMerged) bool { return m.role() == check.K3sAgent }
	slices.SortStableFunc(sets, func(a, b *k3sMerged) int {
		switch {
		case agent(a) == agent(b):
			return 0
		case agent(a):
			return 1
		}
		return -1
	})
	var server *k3sMerged
	var serverConfig check.K3sConfig
	for _, m := range sets {
		k := m.config()
		cluster := m // whose server flags apply to the node
		if k.Role == check.K3sServer {
			m.serverDefaults(&k)
			if server == nil {
				server, serverConfig = m, k
			}
		} else {
			cluster = server
			if server != nil {
				k.ClusterCIDR, k.ServiceCIDR, k.ClusterDNS = serverConfig.ClusterCIDR, serverConfig.ServiceCIDR, serverConfig.ClusterDNS
			}
		}
		if k.Distribution == "rke2" {
			m.noteDropped()
		}
		g.f.K3s = append(g.f.K3s, k)
		g.distribution(k.Distribution, k.Source)
		for _, c := range m.components(k, cluster) {
			g.component(c)
		}
	}
}

// role is the node's: a server's configuration sets a flag only servers
// take; one that sets none but server is an agent's; any other is a
// server's, k3s's default role.
func (m *k3sMerged) role() string {
	if _, ok := m.has(k3sServerFlags...); !ok {
		if _, ok := m.has("server"); ok {
			return check.K3sAgent
		}
	}
	return check.K3sServer
}

// config is the node's own configuration, before defaults.
func (m *k3sMerged) config() check.K3sConfig {
	first := m.files[0]
	k := check.K3sConfig{Role: m.role(), Instance: m.name, File: first.name, Line: first.doc.Root.Line}
	var why string
	k.Distribution, why = m.distribution()
	k.Source = fmt.Sprintf("%s %s configuration %s (%s)", k.Distribution, k.Role, m.name, why)
	for _, v := range []struct {
		flag string
		dst  **check.Setting
	}{
		{"cluster-cidr", &k.ClusterCIDR}, {"service-cidr", &k.ServiceCIDR}, {"cluster-dns", &k.ClusterDNS},
		{"node-ip", &k.NodeIP}, {"node-external-ip", &k.NodeExternalIP},
	} {
		if s, ok := m.list(v.flag); ok {
			*v.dst = &s
		}
	}
	return k
}

// noteDropped notes the k3s flags an RKE2 configuration sets that RKE2
// does not take: its configuration parser skips them (k3s
// pkg/configfilearg stripInvalidFlags).
func (m *k3sMerged) noteDropped() {
	for _, flag := range k3sOnlyFlags {
		if values := m.values[flag]; len(values) > 0 {
			v := values[0]
			v.doc.Note(v.node, check.Info, "RKE2 does not take k3s's --%s (rancher/rke2 pkg/cli/cmds/server.go drops it): it logs \"Unknown flag --%s found in config.yaml, skipping\"", flag, flag)
		}
	}
}

// distribution tells k3s from RKE2: by the directory, else by a flag only
// one of them takes, else k3s.
func (m *k3sMerged) distribution() (string, string) {
	if dist := k3sPlace(m.files[0].name); dist != "" {
		return dist, "under /etc/rancher/" + dist
	}
	if flag, ok := m.has(rke2Flags...); ok {
		return "rke2", "flag " + flag + " is RKE2's"
	}
	if flag, ok := m.has(k3sOnlyFlags...); ok {
		return "k3s", "flag " + flag + " is k3s's, not RKE2's"
	}
	return "k3s", "k3s and RKE2 read the same file; k3s assumed"
}

// serverDefaults fills in k3s's defaults for what a server leaves unset
// (k3s pkg/cli/server/server.go run): they depend on the family of the
// node's first IP.
func (m *k3sMerged) serverDefaults(k *check.K3sConfig) {
	first := ""
	if k.NodeIP != nil {
		first, _, _ = strings.Cut(k.NodeIP.Value, ",")
	}
	cluster, service := check.K3sDefaultCIDRs(strings.TrimSpace(first))
	if k.ClusterCIDR == nil {
		k.ClusterCIDR = check.K3sDefault(*k, "cluster-cidr", cluster)
	}
	if k.ServiceCIDR == nil {
		k.ServiceCIDR = check.K3sDefault(*k, "service-cidr", service)
	}
	if k.ClusterDNS == nil {
		k.ClusterDNS = check.K3sDefault(*k, "cluster-dns", check.K3sDefaultClusterDNS(k.ServiceCIDR.Value))
	}
}

// components are what the node runs, with the flags k3s gives them and
// the node's extra flags on top. cluster holds the server flags that
// apply (an agent's server's; nil when unknown).
func (m *k3sMerged) components(k check.K3sConfig, cluster *k3sMerged) []check.Component {
	var out []check.Component
	if k.Role == check.K3sServer {
		out = m.controlPlane(k)
		if m.on("disable-agent") {
			return out
		}
	}
	return append(out, m.agent(k, cluster)...)
}

// component is one of the node's components.
func (m *k3sMerged) component(k check.K3sConfig, kind string, settings map[string]check.Setting) check.Component {
	return check.Component{Kind: kind, Instance: m.name, Source: k.Source, Settings: settings, File: k.File, Line: k.Line}
}

// k3sOwnFlag is a flag k3s sets itself, at the node's configuration.
func k3sOwnFlag(k check.K3sConfig, value, flag string) check.Setting {
	return check.Setting{Value: value, Source: k.Source + " (" + k.Distribution + " sets --" + flag + ")", File: k.File, Line: k.Line}
}

// controlPlane is a server's kube-apiserver, kube-controller-manager and
// kube-scheduler (k3s pkg/daemons/control/server.go).
func (m *k3sMerged) controlPlane(k check.K3sConfig) []check.Component {
	api := map[string]check.Setting{"service-cluster-ip-range": *k.ServiceCIDR}
	if s := m.advertiseAddress(); s != nil {
		api["advertise-address"] = *s
	}
	kcm := map[string]check.Setting{
		"allocate-node-cidrs":      k3sOwnFlag(k, "true", "allocate-node-cidrs"),
		"cluster-cidr":             *k.ClusterCIDR,
		"service-cluster-ip-range": *k.ServiceCIDR,
	}
	var out []check.Component
	for _, c := range []struct {
		kind, disable string
		base          map[string]check.Setting
		args          []string
	}{
		{check.APIServer, "disable-apiserver", api, []string{"kube-apiserver-arg"}},
		{check.ControllerManager, "disable-controller-manager", kcm, []string{"kube-controller-arg", "kube-controller-manager-arg"}},
		{check.Scheduler, "disable-scheduler", map[string]check.Setting{}, []string{"kube-scheduler-arg"}},
	} {
		if !m.on(c.disable) {
			out = append(out, m.component(k, c.kind, m.args(c.base, c.args...)))
		}
	}
	return out
}

// agent is a node's kube-proxy and kubelet (k3s
// pkg/daemons/agent/agent_linux.go); cluster holds the server flags that
// apply.
func (m *k3sMerged) agent(k check.K3sConfig, cluster *k3sMerged) []check.Component {
	clusterOn := func(flag string) bool { return cluster != nil && cluster.on(flag) }
	var out []check.Component
	if !clusterOn("disable-kube-proxy") {
		proxy := map[string]check.Setting{}
		if k.ClusterCIDR != nil {
			proxy["cluster-cidr"] = *k.ClusterCIDR
		}
		out = append(out, m.component(k, check.KubeProxy, m.args(proxy, "kube-proxy-arg")))
	}
	kubelet := map[string]check.Setting{}
	if k.ClusterDNS != nil {
		kubelet["cluster-dns"] = *k.ClusterDNS
	}
	// With k3s's cloud controller the kubelet runs with an external cloud
	// provider and every node IP; without it, with one node IP only.
	ccm := !clusterOn("disable-cloud-controller")
	if ccm {
		kubelet["cloud-provider"] = k3sOwnFlag(k, "external", "cloud-provider")
	}
	if ip := k3sKubeletNodeIP(k.NodeIP, k.ClusterCIDR); ip != nil && (ccm || !strings.Contains(ip.Value, ",")) {
		kubelet["node-ip"] = *ip
	}
	return append(out, m.component(k, check.Kubelet, m.args(kubelet, "kubelet-arg")))
}

// advertiseAddress is kube-apiserver's --advertise-address as k3s sets
// it: advertise-address, else the first node-external-ip, else the first
// node-ip.
func (m *k3sMerged) advertiseAddress() *check.Setting {
	if s, ok := m.flag("advertise-address"); ok {
		return &s
	}
	for _, flag := range []string{"node-external-ip", "node-ip"} {
		if s, ok := m.list(flag); ok {
			first, _, _ := strings.Cut(s.Value, ",")
			s.Value, s.Source = strings.TrimSpace(first), s.Source+" (k3s advertises the first)"
			return &s
		}
	}
	return nil
}

// k3sKubeletNodeIP is the kubelet's --node-ip as k3s gives it: the node
// IPs with the one of the cluster-cidr's first family first
// (pkg/agent/config/config.go get).
func k3sKubeletNodeIP(nodeIP, cluster *check.Setting) *check.Setting {
	if nodeIP == nil {
		return nil
	}
	s := *nodeIP
	ips := strings.Split(s.Value, ",")
	if len(ips) > 1 && cluster != nil {
		firstCIDR, _, _ := strings.Cut(cluster.Value, ",")
		_, n, err := netutils.ParseCIDRSloppy(strings.TrimSpace(firstCIDR))
		ip := netutils.ParseIPSloppy(strings.TrimSpace(ips[0]))
		if err == nil && ip != nil && netutils.IsIPv6CIDR(n) != netutils.IsIPv6(ip) {
			ips[0], ips[1] = ips[1], ips[0]
			s.Value = strings.Join(ips, ",")
			s.Source += " (k3s puts the cluster-cidr's family first)"
		}
	}
	return &s
}
