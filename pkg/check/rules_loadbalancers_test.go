package check

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// lbService is a LoadBalancer Service of the given families whose load
// balancer published ingress (IPs, or hostnames for values that are not).
func lbService(name string, fams []corev1.IPFamily, ingress ...string) corev1.Service {
	svc := corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, IPFamilies: fams, ClusterIPs: pick(fams, func(a famAddrs) string { return a.serviceIP })},
	}
	svc.Spec.ClusterIP = svc.Spec.ClusterIPs[0]
	for _, v := range ingress {
		if familyOfIP(v) != "" {
			svc.Status.LoadBalancer.Ingress = append(svc.Status.LoadBalancer.Ingress, corev1.LoadBalancerIngress{IP: v})
		} else {
			svc.Status.LoadBalancer.Ingress = append(svc.Status.LoadBalancer.Ingress, corev1.LoadBalancerIngress{Hostname: v})
		}
	}
	return svc
}

func lbIngress(name string, addresses ...string) networkingv1.Ingress {
	ing := networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name}}
	for _, v := range addresses {
		if familyOfIP(v) != "" {
			ing.Status.LoadBalancer.Ingress = append(ing.Status.LoadBalancer.Ingress, networkingv1.IngressLoadBalancerIngress{IP: v})
		} else {
			ing.Status.LoadBalancer.Ingress = append(ing.Status.LoadBalancer.Ingress, networkingv1.IngressLoadBalancerIngress{Hostname: v})
		}
	}
	return ing
}

// lbGateway is a Gateway whose status.addresses are IPAddress entries, or
// Hostname ones for values that are not IPs.
func lbGateway(name string, addresses ...string) Gateway {
	gw := Gateway{Namespace: "shop", Name: name}
	for _, v := range addresses {
		t := GatewayIPAddress
		if familyOfIP(v) == "" {
			t = GatewayHostname
		}
		gw.Addresses = append(gw.Addresses, GatewayAddress{Type: t, Value: v})
	}
	return gw
}

const (
	lbV4, lbV4b = "203.0.113.10", "203.0.113.11"
	lbV6        = "2001:db8::10"
	lbHost      = "a1b2c3-123456789.eu-west-1.elb.amazonaws.com"
)

func TestLoadBalancerServiceFamilies(t *testing.T) {
	with := func(stack string, svcs ...corev1.Service) *Facts {
		return cpMut(stack, func(f *Facts) { f.Services = append(f.Services, svcs...) })
	}
	subject := func(name string) string { return "service/shop/" + name + " status.loadBalancer.ingress" }
	cpRunCases(t, "loadbalancers-service-families", []cpCase{
		{"both families published", with("dual4", lbService("web", dual4, lbV4, lbV6)), []cpWant{cpOK("loadbalancers")}},
		{"both, IPv6 first", with("dual6", lbService("web", dual6, lbV6, lbV4)), []cpWant{cpOK("loadbalancers")}},
		{"IPv4 only", with("dual4", lbService("web", dual4, lbV4, lbV4b)),
			[]cpWant{cpFail(Warning, subject("web"), "publishes IPv4 only (203.0.113.10,203.0.113.11), no IPv6 address, though the Service has cluster IPs of both families (ipFamilies IPv4,IPv6)")}},
		{"IPv6 only on an IPv6-primary cluster", with("dual6", lbService("web", dual6, lbV6)),
			[]cpWant{cpFail(Warning, subject("web"), "no IPv4 address")}},
		{"pending", with("dual4", lbService("web", dual4)),
			[]cpWant{cpFail(Info, subject("web"), "no address published yet (pending)")}},
		{"hostname only (AWS ELB)", with("dual4", lbService("web", dual4, lbHost)),
			[]cpWant{cpFail(Info, subject("web"), "publishes "+lbHost+" only, which names no IP family")}},
		{"IPv4 and a hostname", with("dual4", lbService("web", dual4, lbV4, lbHost)),
			[]cpWant{cpFail(Info, subject("web"), "whether IPv6 is served through it cannot be judged")}},
		{"SingleStack LoadBalancer: one family is what it asked for", with("dual4", lbService("web", []corev1.IPFamily{v4}, lbV4)), []cpWant{cpOK("loadbalancers")}},
		{"single-stack cluster", with("single4", lbService("web", []corev1.IPFamily{v4})), []cpWant{cpOK("loadbalancers")}},
		{"several Services", with("dual4", lbService("a", dual4, lbV4, lbV6), lbService("b", dual4, lbV6), lbService("c", dual4)),
			[]cpWant{cpFail(Warning, subject("b"), "publishes IPv6 only"), cpFail(Info, subject("c"), "pending")}},
	})
	nodePort := lbService("np", dual4)
	nodePort.Spec.Type = corev1.ServiceTypeNodePort
	cpRunCases(t, "loadbalancers-service-families", []cpCase{
		{"a NodePort Service publishes no load balancer", with("dual4", nodePort), []cpWant{cpOK("loadbalancers")}},
		{"services forbidden", cpMut("dual4", func(f *Facts) { f.MarkUnavailable(SourceServices, "forbidden: services is forbidden") }),
			[]cpWant{cpSkip("loadbalancers", "forbidden")}},
	})
}

func TestLoadBalancerIngressFamilies(t *testing.T) {
	with := func(stack string, ings ...networkingv1.Ingress) *Facts {
		return cpMut(stack, func(f *Facts) { f.Ingresses = ings })
	}
	subject := func(name string) string { return "ingress/shop/" + name + " status.loadBalancer.ingress" }
	cpRunCases(t, "loadbalancers-ingress-families", []cpCase{
		{"no Ingresses", with("dual4"), []cpWant{cpOK("loadbalancers")}},
		{"both families", with("dual4", lbIngress("web", lbV4, lbV6)), []cpWant{cpOK("loadbalancers")}},
		{"IPv4 only", with("dual4", lbIngress("web", lbV4)),
			[]cpWant{cpFail(Warning, subject("web"), "publishes IPv4 only (203.0.113.10), no IPv6 address, though the cluster is dual-stack IPv4-primary")}},
		{"IPv6 only on an IPv6-primary cluster", with("dual6", lbIngress("web", lbV6)),
			[]cpWant{cpFail(Warning, subject("web"), "no IPv4 address")}},
		{"pending", with("dual4", lbIngress("web")), []cpWant{cpFail(Info, subject("web"), "pending")}},
		{"hostname only", with("dual6", lbIngress("web", lbHost)), []cpWant{cpFail(Info, subject("web"), "names no IP family")}},
		{"single-stack cluster: one family is all there is", with("single4", lbIngress("web", lbV4)), []cpWant{cpOK("loadbalancers")}},
		{"families unknown", cpMut("dual4", func(f *Facts) {
			f.Components, f.Kubeadm = nil, nil
			f.Ingresses = []networkingv1.Ingress{lbIngress("web", lbV4)}
		}), []cpWant{cpSkip("loadbalancers", "the cluster's IP families are unknown")}},
		{"ingresses forbidden", cpMut("dual4", func(f *Facts) {
			f.MarkUnavailable(SourceIngresses, "forbidden: ingresses.networking.k8s.io is forbidden")
		}), []cpWant{cpSkip("loadbalancers", "Ingresses: forbidden")}},
	})
}

func TestLoadBalancerGatewayFamilies(t *testing.T) {
	with := func(stack string, gws ...Gateway) *Facts {
		return cpMut(stack, func(f *Facts) { f.Gateways = gws })
	}
	subject := func(name string) string { return "gateway/shop/" + name + " status.addresses" }
	asked := lbGateway("asked", lbV4)
	asked.SpecAddresses = []GatewayAddress{{Type: GatewayIPAddress, Value: lbV4}}
	askedBoth := lbGateway("asked-both", lbV4)
	askedBoth.SpecAddresses = []GatewayAddress{{Type: GatewayIPAddress, Value: lbV4}, {Type: GatewayIPAddress, Value: lbV6}}
	custom := Gateway{Namespace: "shop", Name: "custom", Addresses: []GatewayAddress{{Type: "example.com/pool", Value: "pool-a"}}}
	untyped := Gateway{Namespace: "shop", Name: "untyped", Addresses: []GatewayAddress{{Value: lbV6}, {Value: lbV4}}}
	cpRunCases(t, "loadbalancers-gateway-families", []cpCase{
		{"Gateway API not served", cpMut("dual4", func(f *Facts) { f.GatewaysNotServed = "the Gateway API is not served" }),
			[]cpWant{cpPass("loadbalancers", "the Gateway API is not served: nothing to check")}},
		{"no Gateways", with("dual4"), []cpWant{cpOK("loadbalancers")}},
		{"both families", with("dual6", lbGateway("web", lbV6, lbV4)), []cpWant{cpOK("loadbalancers")}},
		{"type unset is IPAddress", with("dual6", untyped), []cpWant{cpOK("loadbalancers")}},
		{"IPv4 only", with("dual4", lbGateway("web", lbV4, lbV4b)),
			[]cpWant{cpFail(Warning, subject("web"), "publishes IPv4 only (203.0.113.10,203.0.113.11), no IPv6 address, though the cluster is dual-stack IPv4-primary")}},
		{"pending", with("dual4", lbGateway("web")), []cpWant{cpFail(Info, subject("web"), "pending")}},
		{"Hostname addresses", with("dual4", lbGateway("web", lbHost)), []cpWant{cpFail(Info, subject("web"), "names no IP family")}},
		{"implementation-specific addresses", with("dual4", custom), []cpWant{cpFail(Info, subject("custom"), "pool-a only, which names no IP family")}},
		{"spec.addresses asks for IPv4 only", with("dual4", asked), []cpWant{cpFail(Info, subject("asked"), "spec.addresses asks for IPv4 addresses only (203.0.113.10)")}},
		{"spec.addresses asks for both, gets one", with("dual4", askedBoth), []cpWant{cpFail(Warning, subject("asked-both"), "no IPv6 address")}},
		{"single-stack cluster", with("single4", lbGateway("web", lbV4)), []cpWant{cpOK("loadbalancers")}},
		{"families unknown", cpMut("dual4", func(f *Facts) {
			f.Components, f.Kubeadm = nil, nil
			f.Gateways = []Gateway{lbGateway("web", lbV4)}
		}), []cpWant{cpSkip("loadbalancers", "the cluster's IP families are unknown")}},
		{"gateways forbidden", cpMut("dual4", func(f *Facts) {
			f.MarkUnavailable(SourceGateways, "forbidden: gateways.gateway.networking.k8s.io is forbidden")
		}), []cpWant{cpSkip("loadbalancers", "Gateways: forbidden")}},
	})
}

// What summary counts as a load balancer or Ingress of both families: an
// IP address of each in its status; a hostname names none.
func TestPublishesBothFamilies(t *testing.T) {
	for _, tc := range []struct {
		entries []corev1.LoadBalancerIngress
		want    bool
	}{
		{[]corev1.LoadBalancerIngress{{IP: "203.0.113.10"}, {IP: "2001:db8::10"}}, true},
		{[]corev1.LoadBalancerIngress{{IP: "203.0.113.10"}}, false},
		{[]corev1.LoadBalancerIngress{{IP: "203.0.113.10"}, {Hostname: "lb.example.com"}}, false},
		{nil, false},
	} {
		svc := &corev1.Service{Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: tc.entries}}}
		ing := &networkingv1.Ingress{}
		for _, e := range tc.entries {
			ing.Status.LoadBalancer.Ingress = append(ing.Status.LoadBalancer.Ingress, networkingv1.IngressLoadBalancerIngress{IP: e.IP, Hostname: e.Hostname})
		}
		if got, gotIng := PublishesBothFamilies(svc), IngressPublishesBothFamilies(ing); got != tc.want || gotIng != tc.want {
			t.Errorf("%+v: Service %v, Ingress %v, want %v", tc.entries, got, gotIng, tc.want)
		}
	}
}
