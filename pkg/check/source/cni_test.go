package source

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// pools renders a plugin's pools as "name role cidr[ disabled]".
func pools(c *check.CNI) string {
	var out []string
	for _, p := range c.Pools {
		s := fmt.Sprintf("%s %s %s", p.Name, p.Role, p.CIDR.Value)
		if p.Disabled {
			s += " disabled"
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func families(c *check.CNI) string {
	return c.Families[corev1.IPv4Protocol].Value + "," + c.Families[corev1.IPv6Protocol].Value
}

func TestCiliumConfig(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		data                    map[string]string
		ipam, families, pools   string
		ipamSource, chainedOnto string
	}{
		{"Helm's dual-stack cluster pool: lists joined with spaces", map[string]string{
			"ipam": "cluster-pool", "enable-ipv4": "true", "enable-ipv6": "true",
			"cluster-pool-ipv4-cidr": "10.0.0.0/16 10.1.0.0/16", "cluster-pool-ipv6-cidr": "fd00::/104",
			"ipv4-native-routing-cidr": "10.0.0.0/8",
		}, "cluster-pool", "true,true",
			"cluster-pool-ipv4-cidr pods 10.0.0.0/16; cluster-pool-ipv4-cidr pods 10.1.0.0/16; cluster-pool-ipv6-cidr pods fd00::/104; ipv4-native-routing-cidr native-routing 10.0.0.0/8",
			"ConfigMap kube-system/cilium-config ipam", ""},
		{"a hand-written list with commas", map[string]string{"cluster-pool-ipv4-cidr": "10.0.0.0/16,10.1.0.0/16"}, "cluster-pool", "true,false",
			"cluster-pool-ipv4-cidr pods 10.0.0.0/16; cluster-pool-ipv4-cidr pods 10.1.0.0/16", "ipam (unset: the agent's default, cluster-pool)", ""},
		{"kubernetes IPAM, IPv6 only", map[string]string{"ipam": "kubernetes", "enable-ipv4": "false", "enable-ipv6": "TRUE"}, "kubernetes", "false,true", "", "", ""},
		{"not a boolean", map[string]string{"enable-ipv6": "yes"}, "cluster-pool", "true,false", "", "", ""},
		{"chained onto flannel", map[string]string{"cni-chaining-mode": "flannel"}, "cluster-pool", "true,false", "", "", "flannel"},
		{"portmap chaining is Cilium's own", map[string]string{"cni-chaining-mode": "portmap"}, "cluster-pool", "true,false", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := CiliumConfig(MapDocument(tc.data, "ConfigMap kube-system/cilium-config", func(n check.FileNote) { t.Errorf("note %+v", n) }))
			if c.Name != check.CNICilium || c.IPAM.Value != tc.ipam || families(c) != tc.families || pools(c) != tc.pools || c.ChainedTo() != tc.chainedOnto {
				t.Errorf("cilium %s, IPAM %s, families %s, pools %q, chained onto %q; want %s, %s, %q, %q", c.Name, c.IPAM.Value, families(c), pools(c), c.ChainedTo(), tc.ipam, tc.families, tc.pools, tc.chainedOnto)
			}
			if !strings.Contains(c.IPAM.Source, tc.ipamSource) {
				t.Errorf("IPAM read at %q, want %q in it", c.IPAM.Source, tc.ipamSource)
			}
		})
	}
}

func TestFlannelNetConf(t *testing.T) {
	for _, tc := range []struct {
		name, netConf, families, pools, backend string
		noted                                   string
	}{
		{"kube-flannel.yml's dual-stack example", `{"Network": "10.244.0.0/16", "IPv6Network": "2001:cafe:42::/56", "EnableIPv6": true, "Backend": {"Type": "vxlan"}}`,
			"true,true", "Network network 10.244.0.0/16; IPv6Network network 2001:cafe:42::/56", "vxlan", ""},
		{"keys match case-insensitively, as encoding/json does", `{"network": "10.244.0.0/16", "enableipv6": true, "ipv6network": "fd00::/56", "backend": {"type": "host-gw"}}`,
			"true,true", "Network network 10.244.0.0/16; IPv6Network network fd00::/56", "host-gw", ""},
		{"IPv4 enabled unless set; the udp backend unless given", `{"Network": "10.244.0.0/16"}`, "true,false", "Network network 10.244.0.0/16", "udp", ""},
		{"IPv6 only", `{"EnableIPv4": false, "EnableIPv6": true, "IPv6Network": "fd00::/56", "Backend": {"Type": "vxlan"}}`, "false,true", "IPv6Network network fd00::/56", "vxlan", ""},
		{"a string where a boolean goes", `{"Network": "10.244.0.0/16", "EnableIPv6": "true"}`, "true,false", "Network network 10.244.0.0/16", "udp", "wrong type: EnableIPv6 must be a boolean"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var notes []string
			d, err := TextDocument(tc.netConf, "net-conf.json", func(n check.FileNote) { notes = append(notes, n.Message) })
			if err != nil {
				t.Fatal(err)
			}
			c := FlannelNetConf(d)
			if c.IPAM.Value != check.IPAMHostLocal || families(c) != tc.families || pools(c) != tc.pools || c.Settings["Backend.Type"].Value != tc.backend {
				t.Errorf("IPAM %s, families %s, pools %q, backend %s; want host-local, %s, %q, %s", c.IPAM.Value, families(c), pools(c), c.Settings["Backend.Type"].Value, tc.families, tc.pools, tc.backend)
			}
			if got := strings.Join(notes, "; "); !strings.Contains(got, tc.noted) || tc.noted == "" && got != "" {
				t.Errorf("notes %q, want %q", got, tc.noted)
			}
		})
	}
}

func object(t *testing.T, yamlText string) *Document {
	t.Helper()
	d, err := TextDocument(yamlText, "test", func(n check.FileNote) { t.Errorf("note %+v", n) })
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCalico(t *testing.T) {
	pool := func(spec string) string {
		return "apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: p}\nspec: " + spec + "\n"
	}
	for _, tc := range []struct {
		spec, want string
		ok         bool
	}{
		{`{cidr: 10.244.0.0/16}`, "p pods 10.244.0.0/16", true},
		{`{cidr: 10.244.0.0/16, disabled: true}`, "p pods 10.244.0.0/16 disabled", true},
		{`{cidr: 10.244.0.0/16, assignmentMode: Manual}`, "p pods 10.244.0.0/16 disabled", true},
		{`{cidr: 10.244.0.0/16, allowedUses: [Workload, Tunnel]}`, "p pods 10.244.0.0/16", true},
		{`{cidr: 172.18.250.0/24, allowedUses: [LoadBalancer]}`, "", false},
		{`{disabled: false}`, "", false},
	} {
		p, ok := CalicoIPPool(object(t, pool(tc.spec)))
		got := fmt.Sprintf("%s %s %s", p.Name, p.Role, p.CIDR.Value)
		if p.Disabled {
			got += " disabled"
		}
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("%s: %q %v, want %q %v", tc.spec, got, ok, tc.want, tc.ok)
		}
	}

	installation := func(spec string) *CalicoInstallation {
		i := ReadCalicoInstallation(object(t, "apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata: {name: default}\nspec: "+spec+"\n"))
		return &i
	}
	dual := installation(`{calicoNetwork: {ipPools: [{name: default-ipv4-ippool, cidr: 192.168.0.0/16}, {cidr: "fd00:10::/48", disableNewAllocations: true}, {cidr: 172.18.250.0/24, allowedUses: [LoadBalancer]}]}}`)
	hostLocalManifest, ok := CalicoManifestIPAM(canalCNIConfig, check.Setting{Source: "ConfigMap kube-system/calico-config cni_network_config"})
	if !ok || hostLocalManifest.Value != "host-local" {
		t.Fatalf("the manifests' IPAM read as %+v", hostLocalManifest)
	}
	if got, _ := CalicoManifestIPAM(calicoCNIConfig, check.Setting{}); got.Value != "calico-ipam" {
		t.Errorf("calico.yaml's IPAM read as %q", got.Value)
	}
	v4, v6 := check.CNIPool{Name: "v4", CIDR: check.Setting{Value: "10.244.0.0/16"}, Role: check.PoolPods}, check.CNIPool{Name: "v6", CIDR: check.Setting{Value: "fd00:10:244::/56"}, Role: check.PoolPods}
	for _, tc := range []struct {
		name      string
		pools     []check.CNIPool
		inst      *CalicoInstallation
		manifest  *check.Setting
		want      string // "ipam families pools", "nil" for no plugin
		ipamNoted string
	}{
		{"nothing found", nil, nil, nil, "nil", ""},
		{"IPPools alone: calico-ipam assumed", []check.CNIPool{v4, v6}, nil, nil, "calico-ipam true,true v4 pods 10.244.0.0/16; v6 pods fd00:10:244::/56", "assumed"},
		{"IPPools and the manifests' CNI configuration", []check.CNIPool{v4, v6}, nil, &hostLocalManifest, "host-local true,true v4 pods 10.244.0.0/16; v6 pods fd00:10:244::/56", "calico-config cni_network_config ipam.type"},
		{"the Installation's pools when no IPPool exists", nil, dual, nil, "calico-ipam true,false default-ipv4-ippool pods 192.168.0.0/16; spec.calicoNetwork.ipPools[1] pods fd00:10::/48 disabled", "unset: the operator's default"},
		{"IPPool objects over the Installation's", []check.CNIPool{v4}, dual, nil, "calico-ipam true,false v4 pods 10.244.0.0/16", ""},
		{"host-local IPAM", []check.CNIPool{v4, v6}, installation(`{cni: {type: Calico, ipam: {type: HostLocal}}}`), nil, "host-local true,true v4 pods 10.244.0.0/16; v6 pods fd00:10:244::/56", "spec.cni.ipam.type"},
		{"another CNI: Calico enforces policy only", []check.CNIPool{v4}, installation(`{cni: {type: AmazonVPC}}`), nil, "nil", ""},
		{"EKS's default CNI is the VPC's", []check.CNIPool{v4}, installation(`{kubernetesProvider: EKS}`), nil, "nil", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := ""
			if len(tc.pools) > 0 {
				from = "IPPool objects (crd.projectcalico.org/v1)"
			}
			c := Calico(CalicoParts{Pools: tc.pools, PoolsAt: check.Setting{Source: from}, PoolsFrom: from, Installation: tc.inst, ManifestIPAM: tc.manifest})
			got := "nil"
			if c != nil {
				got = fmt.Sprintf("%s %s %s", c.IPAM.Value, families(c), pools(c))
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if c != nil && !strings.Contains(c.IPAM.Source, tc.ipamNoted) {
				t.Errorf("IPAM read at %q, want %q in it", c.IPAM.Source, tc.ipamNoted)
			}
		})
	}
}

// The cni_network_config templates of Calico's calico.yaml and of Canal
// (not JSON until installed: "mtu": __CNI_MTU__).
const (
	calicoCNIConfig = `{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "datastore_type": "kubernetes",
      "nodename": "__KUBERNETES_NODE_NAME__",
      "mtu": __CNI_MTU__,
      "ipam": {
          "type": "calico-ipam"
      },
      "policy": {
          "type": "k8s"
      }
    },
    {"type": "portmap", "snat": true, "capabilities": {"portMappings": true}}
  ]
}`
	canalCNIConfig = `{"name": "k8s-pod-network", "plugins": [{"type": "calico", "mtu": __CNI_MTU__, "ipam": {"type": "host-local", "subnet": "usePodCidr"}, "policy": {"type": "k8s"}}]}`
)
