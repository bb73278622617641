package check

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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

// A Service created before Kubernetes 1.20 and not updated since is
// stored without ipFamilies: an error where kube-controller-manager's
// Endpoints controller panics on it, a warning elsewhere.
func TestServiceFamiliesStored(t *testing.T) {
	old := metav1.Date(2019, 6, 3, 10, 0, 0, 0, time.UTC)
	entry := func(y int, m time.Month, subresource string) metav1.ManagedFieldsEntry {
		return metav1.ManagedFieldsEntry{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationUpdate, Time: new(metav1.Date(y, m, 1, 0, 0, 0, 0, time.UTC)), Subresource: subresource}
	}
	stored := func(version, kcmImage string, edit func(*corev1.Service)) *Facts {
		w := healthy(stacks["dual-stack IPv4-primary"])
		w.f.ServerVersion = version
		w.f.Components[1].Version = kcmImage
		web := w.service("web")
		web.CreationTimestamp = old
		web.Spec.ClusterIPs, web.Spec.IPFamilies = web.Spec.ClusterIPs[:1], web.Spec.IPFamilies[:1] // as a list fills them in
		web.Spec.IPFamilyPolicy = ptr.To(corev1.IPFamilyPolicySingleStack)
		if edit != nil {
			edit(web)
		}
		return w.facts()
	}
	const subject = "service/demo/web spec.ipFamilies"
	cpRunCases(t, "services-ip-families-stored", []cpCase{
		{"created after 1.20", stored("v1.35.5", "", func(s *corev1.Service) { s.CreationTimestamp = metav1.Date(2021, 1, 5, 0, 0, 0, 0, time.UTC) }),
			[]cpWant{cpOK("services")}},
		{"updated after 1.20", stored("v1.35.5", "", func(s *corev1.Service) {
			s.ManagedFields = []metav1.ManagedFieldsEntry{entry(2020, 5, ""), entry(2023, 2, "")}
		}), []cpWant{cpOK("services")}},
		{"kube-controller-manager v1.35.5 panics", stored("v1.35.5", "", func(s *corev1.Service) { s.ManagedFields = []metav1.ManagedFieldsEntry{entry(2019, 6, "")} }),
			[]cpWant{cpFail(Error, subject, "created 2019-06-03, before Kubernetes 1.20 stored a Service's families, and last updated 2019-06-01 (managedFields): stored without ipFamilies; a GET or LIST shows IPv4, filled in on read, but the watch events of its later changes (of its status, say) carry none; kube-controller-manager v1.35.5's Endpoints controller panics on it (fixed in v1.35.6)")}},
		{"no managedFields: probably", stored("v1.35.5", "", nil),
			[]cpWant{cpFail(Warning, subject, "and no managedFields entry tells of an update since (an update does not start them): probably stored without ipFamilies; a GET or LIST shows IPv4, filled in on read, but the watch events of its later changes (of its status, say) carry none; if so, kube-controller-manager v1.35.5's Endpoints controller panics on it")}},
		{"the controller-manager's image tag decides", stored("v1.37.0", "v1.33.2", func(s *corev1.Service) { s.ManagedFields = []metav1.ManagedFieldsEntry{entry(2020, 1, "")} }),
			[]cpWant{cpFail(Error, subject, "kube-controller-manager v1.33.2's Endpoints controller panics")}},
		{"only its status updated", stored("v1.36.1", "", func(s *corev1.Service) { s.ManagedFields = []metav1.ManagedFieldsEntry{entry(2023, 3, "status")} }),
			[]cpWant{cpFail(Error, subject, "and its managedFields tell of no update of the Service itself: stored without ipFamilies")}},
		{"its status updated since: still not stored", stored("v1.34.8", "", func(s *corev1.Service) {
			s.ManagedFields = []metav1.ManagedFieldsEntry{entry(2020, 5, ""), entry(2024, 7, "status")}
		}), []cpWant{cpFail(Error, subject, "last updated 2020-05-01 (managedFields)")}},
		{"kube-controller-manager v1.36.2 has the fix", stored("v1.36.2", "", func(s *corev1.Service) { s.ManagedFields = []metav1.ManagedFieldsEntry{entry(2019, 6, "")} }),
			[]cpWant{cpFail(Warning, subject, ": stored without ipFamilies")}},
		{"v1.32 never panicked", stored("v1.32.4", "", nil),
			[]cpWant{cpFail(Warning, subject, "")}},
		{"no selector: the Endpoints controller leaves it alone", stored("v1.34.1", "", func(s *corev1.Service) { s.Spec.Selector = nil }),
			[]cpWant{cpFail(Warning, subject, "")}},
		{"ExternalName has no families", stored("v1.35.5", "", func(s *corev1.Service) {
			s.Spec = corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "example.com"}
		}), []cpWant{cpOK("services")}},
	})
}
