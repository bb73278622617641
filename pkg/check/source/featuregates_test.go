package source

import (
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

func TestFeatureGates(t *testing.T) {
	k, err := ParseClusterConfiguration([]byte("kind: ClusterConfiguration\nfeatureGates:\n  IPv6DualStack: true\n  ControlPlaneKubeletLocalMode: false\n"), "cm")
	if err != nil {
		t.Fatal(err)
	}
	if s := k.FeatureGates["IPv6DualStack"]; s != (check.Setting{Value: "true", Source: "cm featureGates IPv6DualStack"}) || len(k.FeatureGates) != 2 {
		t.Errorf("kubeadm feature gates %+v", k.FeatureGates)
	}
	c, err := ParseKubeletConfiguration([]byte("kind: KubeletConfiguration\nfeatureGates: {IPv6DualStack: true, AllAlpha: false}\n"), "cm")
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Settings["feature-gates"]; s != (check.Setting{Value: "AllAlpha=false,IPv6DualStack=true", Source: "cm featureGates"}) {
		t.Errorf("kubelet --feature-gates %+v", s)
	}
	p, err := ParseKubeProxyConfiguration([]byte("kind: KubeProxyConfiguration\nfeatureGates:\n  IPv6DualStack: false\n"), "cm")
	if err != nil || p.Settings["feature-gates"].Value != "IPv6DualStack=false" {
		t.Errorf("kube-proxy %+v, %v", p.Settings, err)
	}
	for _, bad := range []string{"kind: KubeletConfiguration\nfeatureGates: [IPv6DualStack]\n", "kind: KubeletConfiguration\nfeatureGates:\n  IPv6DualStack: {on: true}\n"} {
		if _, err := ParseKubeletConfiguration([]byte(bad), "cm"); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

// Every kubeadm version check reads has its form of extra arguments: a
// map up to v1beta3, a list from v1beta4; the other form is noted.
func TestKubeadmVersionsExtraArgs(t *testing.T) {
	asMap := "controllerManager:\n  extraArgs:\n    node-cidr-mask-size-ipv6: \"64\"\n"
	asList := "controllerManager:\n  extraArgs:\n  - name: node-cidr-mask-size-ipv6\n    value: \"64\"\n    mergeMethod: append\n"
	for _, v := range KubeadmVersions {
		list, known := argsAsList(v)
		if !known {
			t.Errorf("%s: not known", v)
		}
		for form, text := range map[bool]string{false: asMap, true: asList} {
			root, err := firstMapping([]byte("apiVersion: " + v + "\nkind: ClusterConfiguration\n" + text))
			if err != nil {
				t.Fatal(err)
			}
			var notes []check.FileNote
			d := &Document{Root: root, APIVersion: v, Where: "kubeadm.yaml", OnNote: func(n check.FileNote) { notes = append(notes, n) }}
			c := ReadClusterConfiguration(d)
			if c.ExtraArgs["controllerManager"]["node-cidr-mask-size-ipv6"].Value != "64" {
				t.Errorf("%s, list %t: extraArgs %+v", v, form, c.ExtraArgs)
			}
			if wrongForm := form != list; wrongForm != (len(notes) == 1) {
				t.Errorf("%s, list %t: notes %+v", v, form, notes)
			}
		}
	}
}
