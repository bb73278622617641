package plan

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// The CNI step follows the plugin's own configuration when check read it:
// its name, IPAM mode and pools, over what the pods' images suggest (the
// singleIPv4 cluster runs calico/node).
func TestCNIStepFromCNIFacts(t *testing.T) {
	pool := func(name, cidr string, role check.PoolRole) check.CNIPool {
		return check.CNIPool{Name: name, CIDR: check.Setting{Value: cidr}, Role: role}
	}
	cilium := func(ipam string, v6 bool, pools ...check.CNIPool) *check.CNI {
		on := map[bool]string{true: "true", false: "false"}
		return &check.CNI{Name: check.CNICilium, Source: "ConfigMap kube-system/cilium-config", IPAM: check.Setting{Value: ipam}, Pools: pools,
			Families: map[corev1.IPFamily]check.Setting{corev1.IPv4Protocol: {Value: "true"}, corev1.IPv6Protocol: {Value: on[v6], Source: "ConfigMap kube-system/cilium-config enable-ipv6"}}}
	}
	calicoBoth := &check.CNI{Name: check.CNICalico, Source: "IPPool objects (crd.projectcalico.org/v1)", IPAM: check.Setting{Value: check.IPAMCalico},
		Pools: []check.CNIPool{pool("v4", "10.244.0.0/16", check.PoolPods), pool("v6", "fd00:10:244::/56", check.PoolPods)}}
	calicoBoth.SetPoolFamilies()
	for _, tc := range []struct {
		name     string
		cni      *check.CNI
		target   string
		settings map[string]string
		change   string
		note     string
	}{
		{"Cilium cluster-pool gets the new pool", cilium(check.IPAMClusterPool, false, pool("cluster-pool-ipv4-cidr", "10.0.0.0/16", check.PoolPods)),
			"Cilium (ConfigMap kube-system/cilium-config, IPAM cluster-pool)", map[string]string{"enable-ipv6": "true", "cluster-pool-ipv6-cidr": "fd00:10:244::/56"},
			"its ipam is cluster-pool: give it the IPv6 pool fd00:10:244::/56", ""},
		{"Cilium kubernetes IPAM takes the podCIDRs", cilium(check.IPAMKubernetes, false),
			"Cilium (ConfigMap kube-system/cilium-config, IPAM kubernetes)", map[string]string{"enable-ipv6": "true"}, "its ipam is kubernetes", ""},
		{"Calico that already has an IPv6 pool needs nothing", calicoBoth, "", nil, "", "The CNI (calico, IPAM calico-ipam) already hands out IPv6 addresses"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := singleIPv4()
			f.CNI = tc.cni
			p, err := Build(f, Options{ServiceCIDR: "fd00:10:96::/112", PodCIDR: "fd00:10:244::/56", Admission: AdmissionState{Known: true, Served: true}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.note != "" {
				for _, s := range p.Steps {
					if s.ID == "cni" {
						t.Errorf("a cni step %+v for a CNI that needs none", s)
					}
				}
				if !strings.Contains(strings.Join(p.Notes, "\n"), tc.note) {
					t.Errorf("notes %q, want %q", p.Notes, tc.note)
				}
				return
			}
			s := stepByID(t, p, "cni")
			if s.Target != tc.target || !mapsEqual(s.CNI.Settings, tc.settings) || !strings.Contains(s.Change, tc.change) || s.CNI.IPAM != tc.cni.IPAM.Value {
				t.Errorf("cni step %q %+v: %s; want %q %v containing %q", s.Target, s.CNI, s.Change, tc.target, tc.settings, tc.change)
			}
		})
	}
}
