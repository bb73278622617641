package source

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

func TestParseKubeletConfiguration(t *testing.T) {
	c, err := ParseKubeletConfiguration([]byte("kind: KubeletConfiguration\nclusterDNS: [10.96.0.10, fd00:10:96::a]\n"), "cm")
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != check.Kubelet || len(c.Settings) != 1 || c.Settings["cluster-dns"] != (check.Setting{Value: "10.96.0.10,fd00:10:96::a", Source: "cm clusterDNS"}) {
		t.Errorf("%+v", c)
	}
	for _, bad := range []string{"clusterDNS: 10.96.0.10\n", "clusterDNS: [1]\n", "kind: KubeProxyConfiguration\n"} {
		if _, err := ParseKubeletConfiguration([]byte(bad), "cm"); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func TestParseClusterConfiguration(t *testing.T) {
	v1beta3 := "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16,fd00::/56\n  serviceSubnet: 10.96.0.0/16\ncontrollerManager:\n  extraArgs:\n    node-cidr-mask-size-ipv4: \"25\"\n"
	v1beta4 := "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16,fd00::/56\n  serviceSubnet: 10.96.0.0/16\ncontrollerManager:\n  extraArgs:\n  - name: node-cidr-mask-size-ipv4\n    value: \"25\"\n"
	for name, doc := range map[string]string{"v1beta3": v1beta3, "v1beta4": v1beta4} {
		k, err := ParseClusterConfiguration([]byte(doc), "cm")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if k.PodSubnet.Value != "10.244.0.0/16,fd00::/56" || k.ServiceSubnet.Value != "10.96.0.0/16" || k.ExtraArgs["controllerManager"]["node-cidr-mask-size-ipv4"].Value != "25" {
			t.Errorf("%s: %+v", name, k)
		}
		if k.PodSubnet.Source != "cm networking.podSubnet" {
			t.Errorf("%s: provenance %q", name, k.PodSubnet.Source)
		}
	}
	if _, err := ParseClusterConfiguration([]byte("kind: InitConfiguration\n"), "cm"); err == nil {
		t.Error("an InitConfiguration was accepted as ClusterConfiguration")
	}
	if _, err := ParseClusterConfiguration([]byte("controllerManager:\n  extraArgs: 3\n"), "cm"); err == nil {
		t.Error("extraArgs of the wrong shape was accepted")
	}
}

func TestParseClusterConfigurationRedacts(t *testing.T) {
	for _, doc := range []string{
		"kind: ClusterConfiguration\napiServer:\n  extraArgs:\n    oidc-client-secret: s3cr3t\n    etcd-servers: https://root:hunter2@10.0.0.1:2379\n",
		"kind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - {name: oidc-client-secret, value: s3cr3t}\n  - {name: etcd-servers, value: 'https://root:hunter2@10.0.0.1:2379'}\n",
	} {
		k, err := ParseClusterConfiguration([]byte(doc), "cm")
		if err != nil {
			t.Fatal(err)
		}
		args := k.ExtraArgs["apiServer"]
		if args["oidc-client-secret"].Value != Redacted || args["etcd-servers"].Value != "https://root:xxxxx@10.0.0.1:2379" {
			t.Errorf("extraArgs %+v: secrets not redacted", args)
		}
	}
}

func TestParseKubeProxyConfiguration(t *testing.T) {
	c, err := ParseKubeProxyConfiguration([]byte("kind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16\nbindAddress: \"::\"\nnodePortAddresses: [primary]\n"), "cm")
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != check.KubeProxy || c.Settings["cluster-cidr"].Value != "10.244.0.0/16" || c.Settings["bind-address"].Value != "::" || c.Settings["nodeport-addresses"].Value != "primary" {
		t.Errorf("%+v", c)
	}
	if _, ok := c.Settings["detect-local-mode"]; ok {
		t.Error("an unset field became a setting")
	}
	// What pkg/check's rule tests take the live gatherer to read.
	const where = "ConfigMap kube-system/kube-proxy config.conf"
	c, err = ParseKubeProxyConfiguration([]byte("kind: KubeProxyConfiguration\nclusterCIDR: fd00:10:244::/56\n"), where)
	want := check.Component{Kind: check.KubeProxy, Instance: where, Source: where, Settings: map[string]check.Setting{
		"cluster-cidr": {Value: "fd00:10:244::/56", Source: where + " clusterCIDR"},
	}}
	if err != nil || !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v (%v)\nwant %+v", c, err, want)
	}
}

// A ConfigMap's text is an empty configuration when it holds none, and
// its first problem is the error.
func TestParseConfigMapText(t *testing.T) {
	for _, text := range []string{"", "# nothing\n", "null\n", "---\n"} {
		k, err := ParseClusterConfiguration([]byte(text), "cm")
		if err != nil || k.PodSubnet != nil || k.ServiceSubnet != nil || len(k.ExtraArgs) != 0 || k.Source != "cm" {
			t.Errorf("%q: %+v, %v", text, k, err)
		}
	}
	for text, want := range map[string]string{
		"a: [\n":                        "invalid YAML: line 1: did not find expected node content",
		"- a\n":                         "not a mapping but a list",
		"kind: KubeletConfiguration\n":  `kind "KubeletConfiguration" is not ClusterConfiguration`,
		"networking:\n  podSubnet: 5\n": "wrong type: networking.podSubnet must be a string, not an integer (5)",
		"networking:\n  podSubnet: [a]\n  serviceSubnet: 5\n": "wrong type: networking.podSubnet must be a string, not a list",
	} {
		if _, err := ParseClusterConfiguration([]byte(text), "cm"); err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}

// A file's document and a ConfigMap's text are read by the same code:
// the same settings, with a position only from the file.
func TestFileAndConfigMapReadAlike(t *testing.T) {
	const text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.37.0\nnetworking:\n  podSubnet: 10.244.0.0/16,fd00:10:244::/56\n  serviceSubnet: 10.96.0.0/16,fd00:10:96::/112\napiServer:\n  extraArgs:\n  - name: token-auth-file\n    value: /etc/tokens.csv\n"
	const where = "ConfigMap kube-system/kubeadm-config ClusterConfiguration"
	live, err := ParseClusterConfiguration([]byte(text), where)
	if err != nil {
		t.Fatal(err)
	}
	root, err := firstMapping([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	d := &Document{Root: root, APIVersion: KubeadmV1beta4, Where: where, File: "kubeadm.yaml", OnNote: func(n check.FileNote) { t.Errorf("note %+v", n) }}
	file := ReadClusterConfiguration(d)
	if file.PodSubnet.Line != 5 || file.PodSubnet.Column != 14 || file.PodSubnet.File != "kubeadm.yaml" {
		t.Errorf("podSubnet at %+v", file.PodSubnet)
	}
	unlocated := func(s check.Setting) check.Setting { return check.Setting{Value: s.Value, Source: s.Source} }
	if unlocated(*file.PodSubnet) != *live.PodSubnet || unlocated(*file.ServiceSubnet) != *live.ServiceSubnet {
		t.Errorf("subnets: file %+v %+v, ConfigMap %+v %+v", file.PodSubnet, file.ServiceSubnet, live.PodSubnet, live.ServiceSubnet)
	}
	if s := file.ExtraArgs["apiServer"]["token-auth-file"]; unlocated(s) != live.ExtraArgs["apiServer"]["token-auth-file"] || !strings.HasSuffix(s.Source, "apiServer.extraArgs token-auth-file") {
		t.Errorf("extraArgs: file %+v, ConfigMap %+v", file.ExtraArgs, live.ExtraArgs)
	}
}
