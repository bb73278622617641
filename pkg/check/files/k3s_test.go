package files

import (
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

func TestK3sConfigRecognised(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       bool
	}{
		{"etc/rancher/k3s/config.yaml", "# anything k3s reads\n", true},
		{"/etc/rancher/rke2/config.yaml.d/50-cni.yaml", "cni: cilium\n", true},
		{"etc/rancher/k3s/config.yaml.d/README.conf", "node-ip: 10.0.0.1\n", false}, // k3s reads *.yaml and *.yml drop-ins only
		{"etc/rancher/k3s/registries.yaml", "mirrors:\n  docker.io:\n    endpoint: [https://mirror.example]\n", false},
		{"k3s.yaml", "cluster-cidr: 10.42.0.0/16\nkube-apiserver-arg+:\n- v=2\n", true},
		{"custom.yaml.d/10-dual.yml", "cluster-cidr: 10.42.0.0/16\n", true},
		{"server.yml", "token: abc\nnode-ip: [192.168.10.11, 2001:db8::11]\n", true},
		{"k3s.json", `{"cluster-cidr": "10.42.0.0/16"}`, false},
		{"agent.yaml", "server: https://k3s.example:6443\ntoken: abc\n", false},                                               // generic keys only
		{"machine.yaml", "version: v1alpha1\ndebug: false\nmachine:\n  type: controlplane\ncluster:\n  network: {}\n", false}, // Talos
		{"all.yaml", "kube_pods_subnet: 10.233.64.0/18\nipv6_stack: true\n", false},                                           // kubespray group_vars
		{"kubelet.yaml", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS: [10.96.0.10]\n", false},
		{"values.yaml", "node-ip: 10.0.0.1\nserver:\n  replicas: 2\n", false}, // a nested mapping
		{"bad.yaml", "cluster-cidr: [\n", false},
	} {
		if got := isK3sConfig(tc.name, []byte(tc.data)); got != tc.want {
			t.Errorf("isK3sConfig(%q, %q) = %t, want %t", tc.name, tc.data, got, tc.want)
		}
	}
}

// A node's config.yaml and drop-ins merge as k3s merges them, whatever
// order they are given in: config.yaml, then the drop-ins by name; a
// later key replaces, a key ending in + appends.
func TestK3sConfigMerged(t *testing.T) {
	inDir(t, map[string]string{
		"etc/rancher/k3s/config.yaml":                 "node-ip: 192.168.10.11\ncluster-cidr: 10.99.0.0/16\n",
		"etc/rancher/k3s/config.yaml.d/20-dual.yaml":  "cluster-cidr: 10.42.0.0/16,2001:cafe:42::/56\nservice-cidr:\n- 10.43.0.0/16\n- 2001:cafe:43::/112\n",
		"etc/rancher/k3s/config.yaml.d/30-ipv6.yaml":  "node-ip+: 2001:db8:10::11\n",
		"etc/rancher/k3s/config.yaml.d/10-first.yaml": "service-cidr: 10.98.0.0/16\n",
	})
	f := gather(t, Options{}, "etc/rancher/k3s/config.yaml.d/30-ipv6.yaml", "etc/rancher/k3s/config.yaml.d/20-dual.yaml",
		"etc/rancher/k3s/config.yaml", "etc/rancher/k3s/config.yaml.d/10-first.yaml")
	wantNotes(t, f)
	if len(f.K3s) != 1 {
		t.Fatalf("%d k3s nodes, want 1: %+v", len(f.K3s), f.K3s)
	}
	k := f.K3s[0]
	const src = "k3s server configuration etc/rancher/k3s/config.yaml (under /etc/rancher/k3s)"
	if k.Distribution != "k3s" || k.Role != check.K3sServer || k.Instance != "etc/rancher/k3s/config.yaml" || k.Source != src || f.Distribution != "k3s" || f.DistributionSource != src {
		t.Errorf("node %+v, distribution %q (%s)", k, f.Distribution, f.DistributionSource)
	}
	wantSetting(t, "cluster-cidr", *k.ClusterCIDR, true, at("10.42.0.0/16,2001:cafe:42::/56", "file etc/rancher/k3s/config.yaml.d/20-dual.yaml cluster-cidr", "etc/rancher/k3s/config.yaml.d/20-dual.yaml", 1, 15))
	wantSetting(t, "service-cidr", *k.ServiceCIDR, true, at("10.43.0.0/16,2001:cafe:43::/112", "file etc/rancher/k3s/config.yaml.d/20-dual.yaml service-cidr", "etc/rancher/k3s/config.yaml.d/20-dual.yaml", 3, 3))
	wantSetting(t, "node-ip", *k.NodeIP, true, at("192.168.10.11,2001:db8:10::11", "file etc/rancher/k3s/config.yaml node-ip", "etc/rancher/k3s/config.yaml", 1, 10))
	wantSetting(t, "cluster-dns", *k.ClusterDNS, true, at("10.43.0.10,2001:cafe:43::a", src+" (cluster-dns unset: k3s's default)", "etc/rancher/k3s/config.yaml", 1, 1))
	for kind, n := range map[string]int{check.APIServer: 1, check.ControllerManager: 1, check.Scheduler: 1, check.KubeProxy: 1, check.Kubelet: 1} {
		if got := len(f.ComponentsOf(kind)); got != n {
			t.Errorf("%d %s, want %d", got, kind, n)
		}
	}
	wantSettings(t, component(t, f, check.ControllerManager), map[string]check.Setting{
		"allocate-node-cidrs":      at("true", src+" (k3s sets --allocate-node-cidrs)", "etc/rancher/k3s/config.yaml", 1, 0),
		"cluster-cidr":             *k.ClusterCIDR,
		"service-cluster-ip-range": *k.ServiceCIDR,
	})
	wantSettings(t, component(t, f, check.APIServer), map[string]check.Setting{
		"service-cluster-ip-range": *k.ServiceCIDR,
		"advertise-address":        at("192.168.10.11", "file etc/rancher/k3s/config.yaml node-ip (k3s advertises the first)", "etc/rancher/k3s/config.yaml", 1, 10),
	})
	wantSettings(t, component(t, f, check.Kubelet), map[string]check.Setting{
		"cluster-dns":    *k.ClusterDNS,
		"cloud-provider": at("external", src+" (k3s sets --cloud-provider)", "etc/rancher/k3s/config.yaml", 1, 0),
		"node-ip":        *k.NodeIP,
	})
	for _, s := range []check.Source{check.SourceControlPlane, check.SourceKubeProxy, check.SourceKubelet} {
		if _, missing := f.Unavailable[s]; missing {
			t.Errorf("source %s unavailable: %s", s, f.Unavailable[s])
		}
	}
}

// An agent takes its cluster settings from the server; extra flags apply
// as k3s applies them.
func TestK3sConfigAgentAndArgs(t *testing.T) {
	inDir(t, map[string]string{
		"server/config.yaml": `cluster-cidr: 10.42.0.0/16,2001:cafe:42::/56
service-cidr: 10.43.0.0/16,2001:cafe:43::/112
node-ip: 192.168.10.11,2001:db8:10::11
disable-cloud-controller: true
kube-apiserver-arg:
- service-cluster-ip-range=10.43.0.0/16
- feature-gates=A=true
- feature-gates+=B=false
kube-controller-manager-arg:
- node-cidr-mask-size-ipv6-=120
- node-cidr-mask-size-ipv6+=64
- --cluster-cidr-=10.99.0.0/16
`,
		"agent/config.yaml": "server: https://k3s.example:6443\ntoken: K10secret\nnode-ip: 2001:db8:10::21,192.168.10.21\nkubelet-arg: [v=2]\n",
	})
	f := gather(t, Options{}, "agent", "server")
	if len(f.K3s) != 2 || f.K3s[0].Role != check.K3sServer || f.K3s[1].Role != check.K3sAgent {
		t.Fatalf("nodes %+v", f.K3s)
	}
	server, agent := f.K3s[0], f.K3s[1]
	if agent.ClusterCIDR != server.ClusterCIDR || agent.ClusterDNS != server.ClusterDNS || agent.NodeIP.Value != "2001:db8:10::21,192.168.10.21" {
		t.Errorf("agent %+v", agent)
	}
	api := component(t, f, check.APIServer)
	wantSetting(t, "apiserver range", api.Settings["service-cluster-ip-range"], true, at("10.43.0.0/16", "file server/config.yaml kube-apiserver-arg, arg --service-cluster-ip-range", "server/config.yaml", 6, 3))
	if gates := api.Settings["feature-gates"]; gates.Value != "A=true,B=false" || gates.Line != 8 {
		t.Errorf("feature gates %+v", gates)
	}
	kcm := component(t, f, check.ControllerManager)
	// cluster-cidr- comes before k3s's value, which the later one wins.
	if s := kcm.Settings["cluster-cidr"]; s.Value != server.ClusterCIDR.Value {
		t.Errorf("kcm cluster-cidr %+v", s)
	}
	if s := kcm.Settings["node-cidr-mask-size-ipv6"]; s.Value != "64" || s.Line != 11 {
		t.Errorf("kcm node mask %+v", s)
	}
	kubelets := f.ComponentsOf(check.Kubelet)
	if len(kubelets) != 2 {
		t.Fatalf("kubelets %+v", kubelets)
	}
	// Without k3s's cloud controller a dual-stack node IP is not passed,
	// and there is no cloud provider: on the server, and on its agent.
	for _, c := range kubelets {
		if _, ok := c.Settings["node-ip"]; ok {
			t.Errorf("%s: node-ip %+v", c.Instance, c.Settings["node-ip"])
		}
		if _, ok := c.Settings["cloud-provider"]; ok {
			t.Errorf("%s: cloud-provider", c.Instance)
		}
	}
	if s := kubelets[1].Settings["v"]; s.Value != "2" || kubelets[1].Instance != "agent/config.yaml" {
		t.Errorf("agent kubelet %+v", kubelets[1])
	}
	proxies := f.ComponentsOf(check.KubeProxy)
	if len(proxies) != 2 || proxies[1].Settings["cluster-cidr"] != *server.ClusterCIDR {
		t.Errorf("kube-proxies %+v", proxies)
	}
}

func TestK3sConfigNodes(t *testing.T) {
	t.Run("the agent's kubelet gets its node IPs in the cluster's order", func(t *testing.T) {
		inDir(t, map[string]string{
			"server.yaml": "cluster-cidr: 10.42.0.0/16,2001:cafe:42::/56\nservice-cidr: 10.43.0.0/16,2001:cafe:43::/112\ndisable-kube-proxy: true\n",
			"agent.yaml":  "server: https://k3s.example:6443\nnode-ip: 2001:db8:10::21,192.168.10.21\n",
		})
		f := gather(t, Options{}, "server.yaml", "agent.yaml")
		var kubelet check.Component
		for _, c := range f.ComponentsOf(check.Kubelet) {
			if c.Instance == "agent.yaml" {
				kubelet = c
			}
		}
		wantSetting(t, "agent node-ip", kubelet.Settings["node-ip"], true, at("192.168.10.21,2001:db8:10::21", "file agent.yaml node-ip (k3s puts the cluster-cidr's family first)", "agent.yaml", 2, 10))
		if n := len(f.ComponentsOf(check.KubeProxy)); n != 0 {
			t.Errorf("%d kube-proxies: the server disables kube-proxy on every node", n)
		}
	})
	t.Run("an agent alone: its cluster settings are unknown", func(t *testing.T) {
		inDir(t, map[string]string{"config.yaml": "server: https://k3s.example:6443\nnode-ip: 192.168.10.21\nkube-proxy-arg: [nodeport-addresses=primary]\n"})
		f := gather(t, Options{}, "config.yaml")
		if k := f.K3s; len(k) != 1 || k[0].Role != check.K3sAgent || k[0].ClusterCIDR != nil || len(f.ComponentsOf(check.APIServer)) != 0 {
			t.Errorf("nodes %+v, components %+v", k, f.Components)
		}
		wantSettings(t, component(t, f, check.KubeProxy), map[string]check.Setting{
			"nodeport-addresses": at("primary", "file config.yaml kube-proxy-arg, arg --nodeport-addresses", "config.yaml", 3, 18),
		})
	})
	t.Run("another config file and its drop-ins (k3s --config)", func(t *testing.T) {
		inDir(t, map[string]string{"k3s.yaml": "node-ip: 192.168.10.11\n", "k3s.yaml.d/10-cidr.yml": "cluster-cidr: 10.44.0.0/16\n"})
		f := gather(t, Options{}, ".")
		if k := f.K3s; len(k) != 1 || k[0].Instance != "k3s.yaml" || k[0].ClusterCIDR.Value != "10.44.0.0/16" || k[0].NodeIP.Value != "192.168.10.11" {
			t.Errorf("nodes %+v", k)
		}
	})
	t.Run("a server without an agent", func(t *testing.T) {
		inDir(t, map[string]string{"config.yaml": "node-ip: 2001:db8::11\ndisable-agent: true\ndisable-scheduler: yes\n"})
		f := gather(t, Options{}, "config.yaml")
		if len(f.ComponentsOf(check.Kubelet))+len(f.ComponentsOf(check.KubeProxy))+len(f.ComponentsOf(check.Scheduler)) != 0 {
			t.Errorf("components %+v", f.Components)
		}
		// An IPv6 node defaults to IPv6 ranges.
		if k := f.K3s[0]; k.ClusterCIDR.Value != "fd00:42::/56" || k.ServiceCIDR.Value != "fd00:43::/112" || k.ClusterDNS.Value != "fd00:43::a" {
			t.Errorf("defaults %+v %+v %+v", k.ClusterCIDR, k.ServiceCIDR, k.ClusterDNS)
		}
	})
}

func TestK3sConfigDistribution(t *testing.T) {
	for _, tc := range []struct{ name, data, dist, why string }{
		{"etc/rancher/rke2/config.yaml", "cluster-cidr: 10.42.0.0/16\n", "rke2", "under /etc/rancher/rke2"},
		{"server.yaml", "cni: [multus, canal]\nnode-ip: 192.168.10.11\n", "rke2", "flag cni is RKE2's"},
		{"server.yaml", "flannel-backend: wireguard-native\nnode-ip: 192.168.10.11\n", "k3s", "flag flannel-backend is k3s's, not RKE2's"},
		{"server.yaml", "node-ip: 192.168.10.11\n", "k3s", "k3s and RKE2 read the same file; k3s assumed"},
	} {
		inDir(t, map[string]string{tc.name: tc.data})
		f := gather(t, Options{}, tc.name)
		want := tc.dist + " server configuration " + tc.name + " (" + tc.why + ")"
		if len(f.K3s) != 1 || f.K3s[0].Distribution != tc.dist || f.Distribution != tc.dist || f.DistributionSource != want {
			t.Errorf("%s %q: %q (%s)", tc.name, tc.data, f.Distribution, f.DistributionSource)
		}
	}
}

func TestK3sConfigNotes(t *testing.T) {
	inDir(t, map[string]string{
		"etc/rancher/rke2/config.yaml":             "flannel-ipv6-masq: true\ncluster-cidr: {ipv4: 10.42.0.0/16}\nnode-ip:\n- [192.168.10.11]\n",
		"etc/rancher/k3s/config.yaml":              "- cluster-cidr: 10.42.0.0/16\n",
		"etc/rancher/k3s/config.yaml.d/bad.yaml":   "cluster-cidr: [\n",
		"etc/rancher/k3s/config.yaml.d/empty.yaml": "# nothing yet\n",
	})
	f := gather(t, Options{}, "etc")
	wantNotes(t, f,
		note{"etc/rancher/k3s/config.yaml", 1, 1, check.Error, "wrong type: a k3s or RKE2 configuration must be a mapping of flag names to values, not a list"},
		note{"etc/rancher/k3s/config.yaml.d/bad.yaml", 1, 0, check.Error, "invalid YAML: did not find expected node content"},
		note{"etc/rancher/k3s/config.yaml.d/empty.yaml", 0, 0, check.Info, "no YAML document (only comments)"},
		note{"etc/rancher/rke2/config.yaml", 2, 15, check.Error, "wrong type: cluster-cidr must be a string or a list of strings, not a mapping"},
		note{"etc/rancher/rke2/config.yaml", 4, 3, check.Error, "wrong type: node-ip must be a string, not a list"},
		note{"etc/rancher/rke2/config.yaml", 1, 20, check.Info, `RKE2 does not take k3s's --flannel-ipv6-masq (rancher/rke2 pkg/cli/cmds/server.go drops it): it logs "Unknown flag --flannel-ipv6-masq found in config.yaml, skipping"`},
	)
}
