package check

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func TestServiceRulesBroken(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"clusterIP differs from clusterIPs[0]", dual4, func(w *world) { w.service("web").Spec.ClusterIP = "10.96.0.12" },
			"services-cluster-ips-valid", Error, "first value must match `clusterIP`"},
		{"ExternalName with ipFamilies", dual4, func(w *world) { w.service("ext").Spec.IPFamilies = []corev1.IPFamily{v4} },
			"services-cluster-ips-valid", Error, "may not be set for ExternalName services"},
		{"clusterIPs against ipFamilies", dual4, func(w *world) { w.service("web").Spec.IPFamilies = []corev1.IPFamily{v6, v4} },
			"services-ip-families-match", Error, "expected an IPv6 value as indicated by `ipFamilies[0]`"},
		{"clusterIP outside the service ranges", dual4, func(w *world) {
			s := w.service("web")
			s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.97.0.10", []string{"10.97.0.10", "fd00:10:96::10"}
		}, "services-cluster-ip-in-range", Warning, "Cluster IP [IPv4]: 10.97.0.10 is not within any configured Service CIDR; please recreate service"},
		{"SingleStack with two families", dual6, func(w *world) {
			w.service("web").Spec.IPFamilyPolicy = ptr.To(corev1.IPFamilyPolicySingleStack)
		}, "services-ip-family-policy", Error, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"},
		{"PreferDualStack left single-stack by an upgrade", dual4, func(w *world) {
			s := w.service("web")
			s.Spec.ClusterIPs, s.Spec.IPFamilies = s.Spec.ClusterIPs[:1], s.Spec.IPFamilies[:1]
			w.dropSlice("web-ipv6")
		}, "services-prefer-dual-stack-single-family", Warning, "ipFamilyPolicy PreferDualStack but only IPv4 on a dual-stack cluster"},
	})
}
