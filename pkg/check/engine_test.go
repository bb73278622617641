package check

import (
	"reflect"
	"testing"
)

func TestParseFlags(t *testing.T) {
	got := ParseFlags([]string{"kube-apiserver", "--a=1", "--b", "2", "--c", "--d=x=y", "-v=2", "positional"}, "pod kube-system/p")
	want := map[string]string{"a": "1", "b": "2", "c": "true", "d": "x=y", "v": "2"}
	for name, value := range want {
		if got[name].Value != value {
			t.Errorf("flag %s = %q, want %q", name, got[name].Value, value)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d flags, want %d: %v", len(got), len(want), got)
	}
	if got["a"].Source != "pod kube-system/p, arg --a" {
		t.Errorf("provenance %q", got["a"].Source)
	}
}

// ParseFlagsAt locates each setting at the item holding its value.
func TestParseFlagsAt(t *testing.T) {
	at := func(i int) Setting { return Setting{File: "m.yaml", Line: 10 + i, Column: 7} }
	got := ParseFlagsAt([]string{"kube-apiserver", "--a=1", "--b", "2", "--c"}, "file m.yaml, container c", at)
	want := map[string]Setting{
		"a": {Value: "1", Source: "file m.yaml, container c, arg --a", File: "m.yaml", Line: 11, Column: 7},
		"b": {Value: "2", Source: "file m.yaml, container c, arg --b", File: "m.yaml", Line: 13, Column: 7},
		"c": {Value: "true", Source: "file m.yaml, container c, arg --c", File: "m.yaml", Line: 14, Column: 7},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestImageTag(t *testing.T) {
	for image, want := range map[string]string{
		"registry.k8s.io/kube-apiserver:v1.30.2":             "v1.30.2",
		"kindest/node:v1.31.0@sha256:0123456789abcdef":       "v1.31.0",
		"registry.k8s.io/kube-apiserver@sha256:0123456789ab": "",
		"localhost:5000/kube-apiserver":                      "",
		"kube-apiserver":                                     "",
	} {
		if got := ImageTag(image); got != want {
			t.Errorf("ImageTag(%q) = %q, want %q", image, got, want)
		}
	}
}

func TestParseKubeletConfiguration(t *testing.T) {
	c, err := ParseKubeletConfiguration([]byte("kind: KubeletConfiguration\nclusterDNS: [10.96.0.10, fd00:10:96::a]\n"), "cm")
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != Kubelet || len(c.Settings) != 1 || c.Settings["cluster-dns"] != (Setting{Value: "10.96.0.10,fd00:10:96::a", Source: "cm clusterDNS"}) {
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

func TestParseKubeProxyConfiguration(t *testing.T) {
	c, err := ParseKubeProxyConfiguration([]byte("kind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16\nbindAddress: \"::\"\nnodePortAddresses: [primary]\n"), "cm")
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != KubeProxy || c.Settings["cluster-cidr"].Value != "10.244.0.0/16" || c.Settings["bind-address"].Value != "::" || c.Settings["nodeport-addresses"].Value != "primary" {
		t.Errorf("%+v", c)
	}
	if _, ok := c.Settings["detect-local-mode"]; ok {
		t.Error("an unset field became a setting")
	}
}
