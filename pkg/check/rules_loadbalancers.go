package check

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// loadBalancerRules lists the rules about load balancers, Ingresses and Gateways that publish both families.
var loadBalancerRules = []Rule{loadBalancersServiceFamilies, loadBalancersIngressFamilies, loadBalancersGatewayFamilies}

var loadBalancersServiceFamilies = Rule{
	ID:        "loadbalancers-service-families",
	Area:      AreaLoadBalancers,
	Title:     "A LoadBalancer Service with cluster IPs of both families publishes an ingress address of each",
	Severity:  Warning,
	Reference: "k8s.io/api core/v1 types.go LoadBalancerStatus, LoadBalancerIngress; https://kubernetes.io/docs/concepts/services-networking/dual-stack/#service-type-loadbalancer; https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer; https://github.com/k3s-io/klipper-lb/issues/57; https://github.com/kubernetes-sigs/cloud-provider-azure/issues/1831; https://github.com/kubernetes/cloud-provider-aws/pull/1313",
	Why:       "\"The actual creation of the load balancer happens asynchronously, and information about the provisioned balancer is published in the Service's `.status.loadBalancer` field\", whose `ingress` list holds the points where \"Traffic intended for the service should be sent\". A Service with cluster IPs of both families is dual-stack inside the cluster, but from outside only over the families its load balancer publishes, and \"To use a dual-stack `LoadBalancer` type Service, your cloud provider must support IPv4 and IPv6 load balancers\". Many provision one family only: k3s's klipper-lb (\"if the default IP family is v4, it will only create v4 LB\", k3s-io/klipper-lb#57), Azure's cloud provider (an IPv6 frontend stays pending with `AtleastOneIpV4RequiredForIpV6LbFrontendIpConfiguration`, cloud-provider-azure#1831), the AWS cloud provider's NLBs (dual-stack support is the open kubernetes/cloud-provider-aws#1313). A Service with no ingress address yet is still being provisioned (info); an entry with only a `hostname` (\"set for load-balancer ingress points that are DNS based (typically AWS load-balancers)\") names no family, so whether it serves both cannot be told from the API (info).",
	Fix:       "make the load balancer provision the missing family (a dual-stack address pool, the provider's dual-stack annotation or class), or create a second SingleStack Service of that family for the same pods",
	Needs:     []Source{SourceServices},
	Check:     checkServiceLoadBalancerFamilies,
}

func checkServiceLoadBalancerFamilies(f *Facts, r *Reporter) {
	for i := range f.Services {
		svc := &f.Services[i]
		if svc.Spec.Type != corev1.ServiceTypeLoadBalancer || !isDualPair(svc.Spec.IPFamilies) {
			continue
		}
		p := servicePublished(svc)
		p.judge(r, serviceSubject(svc, "status.loadBalancer.ingress"), svc.Spec.IPFamilies,
			fmt.Sprintf("the Service has cluster IPs of both families (ipFamilies %s)", joinFamilies(svc.Spec.IPFamilies)))
	}
}

var loadBalancersIngressFamilies = Rule{
	ID:        "loadbalancers-ingress-families",
	Area:      AreaLoadBalancers,
	Title:     "On a dual-stack cluster an Ingress publishes an address of each family",
	Severity:  Warning,
	Reference: "k8s.io/api networking/v1 types.go IngressLoadBalancerStatus; https://kubernetes.io/docs/concepts/services-networking/ingress/; https://github.com/cilium/cilium/issues/37805",
	Why:       "An Ingress has no IP families of its own (no `ipFamilies`, no cluster IP): its controller copies the addresses of the load balancer in front of it into `status.loadBalancer.ingress`, \"a list containing ingress points for the load-balancer\", so it is judged against the cluster's families. On a dual-stack cluster an Ingress that lists one family only is published over that family only, most often because the controller's own Service is SingleStack: \"the load balancers created by Cilium are SingleStack on IPv4\" (cilium/cilium#37805). An Ingress with no address yet is pending (info); a hostname-only entry names no family (info).",
	Fix:       "make the Ingress controller's Service dual-stack (ipFamilyPolicy: PreferDualStack or RequireDualStack) behind a dual-stack load balancer, so that it publishes both families",
	Needs:     []Source{SourceIngresses},
	Scope:     knownFamilies,
	Check:     checkIngressFamilies,
}

func checkIngressFamilies(f *Facts, r *Reporter) {
	if !f.DualStack() {
		return
	}
	fams := f.Families()
	for i := range f.Ingresses {
		ing := &f.Ingresses[i]
		p := ingressPublished(ing)
		p.judge(r, objectSubject("ingress", ing.Namespace, ing.Name, "status.loadBalancer.ingress"), fams, "the cluster is "+stackName(fams))
	}
}

var loadBalancersGatewayFamilies = Rule{
	ID:        "loadbalancers-gateway-families",
	Area:      AreaLoadBalancers,
	Title:     "On a dual-stack cluster a Gateway API Gateway binds an address of each family",
	Severity:  Warning,
	Reference: "kubernetes-sigs/gateway-api apis/v1/gateway_types.go GatewayStatus.Addresses, GatewaySpec.Addresses (https://github.com/kubernetes-sigs/gateway-api/blob/v1.6.1/apis/v1/gateway_types.go); https://github.com/envoyproxy/gateway/issues/6371; https://github.com/cilium/cilium/issues/37805",
	Why:       "A Gateway's `status.addresses` \"lists the network addresses that have been bound to the Gateway\", each of type `IPAddress` (the default), `Hostname` or an implementation's own. A Gateway has no families of its own, so on a dual-stack cluster it is judged against the cluster's: one that binds IP addresses of one family only is reachable over that family only, as when its implementation provisions a SingleStack Service (cilium/cilium#37805) or reports one address per node: \"In spite of `spec.ipFamily: DualStack`, a `Gateway` with `envoyService.type: NodePort` only contains one IP per node\" (envoyproxy/gateway#6371). A Gateway whose `spec.addresses` asks for IP addresses of one family only got what it asked for (info); no address yet is pending, and Hostname or implementation-specific addresses name no family (info). Without the Gateway API there is nothing to check.",
	Fix:       "configure the Gateway's implementation for both families (Envoy Gateway: EnvoyProxy spec.ipFamily: DualStack; Cilium: a dual-stack Service), or list an address of each family in spec.addresses",
	Needs:     []Source{SourceGateways},
	Scope: &Scope{Empty: func(f *Facts) string {
		return f.GatewaysNotServed
	}, Then: knownFamilies},
	Check: checkGatewayFamilies,
}

func checkGatewayFamilies(f *Facts, r *Reporter) {
	fams := f.Families()
	switch {
	case !f.DualStack():
		return
	}
	for i := range f.Gateways {
		gw := &f.Gateways[i]
		subject := objectSubject("gateway", gw.Namespace, gw.Name, "status.addresses")
		var p published
		for _, a := range gw.Addresses {
			if a.IsIP() {
				p.add(a.Value, "")
			} else {
				p.add("", a.Value)
			}
		}
		if asked := askedFamilies(gw.SpecAddresses); len(asked) == 1 && !p.covers(fams) {
			r.FailWith(Info, subject, Setting{}, "spec.addresses asks for %s addresses only (%s): the Gateway is %s-only on purpose, on a cluster that is %s",
				asked[0], joinValues(gw.SpecAddresses), asked[0], stackName(fams))
			continue
		}
		p.judge(r, subject, fams, "the cluster is "+stackName(fams))
	}
}

// askedFamilies are the families of the IP addresses a Gateway's
// spec.addresses asks for, nil when it also asks for other addresses (a
// hostname, an empty value to be assigned) or none at all.
func askedFamilies(addrs []GatewayAddress) []corev1.IPFamily {
	var fams []corev1.IPFamily
	for _, a := range addrs {
		fam := familyOfIP(a.Value)
		if !a.IsIP() || fam == "" {
			return nil
		}
		if !slices.Contains(fams, fam) {
			fams = append(fams, fam)
		}
	}
	return fams
}

func joinValues(addrs []GatewayAddress) string {
	values := make([]string, len(addrs))
	for i, a := range addrs {
		values[i] = a.Value
	}
	return strings.Join(values, ",")
}

// published sorts the addresses a load balancer, Ingress or Gateway
// publishes: IP addresses by family, and what names no family
// (hostnames, implementation-specific addresses).
type published struct {
	ips      map[corev1.IPFamily][]string
	unjudged []string
}

func servicePublished(svc *corev1.Service) published {
	var p published
	for _, ing := range svc.Status.LoadBalancer.Ingress {
		p.add(ing.IP, ing.Hostname)
	}
	return p
}

func ingressPublished(ing *networkingv1.Ingress) published {
	var p published
	for _, lb := range ing.Status.LoadBalancer.Ingress {
		p.add(lb.IP, lb.Hostname)
	}
	return p
}

// PublishesBothFamilies says whether a LoadBalancer Service's status
// publishes an IP address of each family, as
// loadbalancers-service-families judges it (a hostname names none).
func PublishesBothFamilies(svc *corev1.Service) bool {
	p := servicePublished(svc)
	return p.covers(bothFamilies)
}

// IngressPublishesBothFamilies is PublishesBothFamilies for an Ingress
// (loadbalancers-ingress-families).
func IngressPublishesBothFamilies(ing *networkingv1.Ingress) bool {
	p := ingressPublished(ing)
	return p.covers(bothFamilies)
}

var bothFamilies = []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}

// add records one entry: its IP when it has one, else its other value.
func (p *published) add(ip, other string) {
	if fam := familyOfIP(ip); fam != "" {
		if p.ips == nil {
			p.ips = map[corev1.IPFamily][]string{}
		}
		p.ips[fam] = append(p.ips[fam], ip)
		return
	}
	if v := cmp.Or(ip, other); v != "" {
		p.unjudged = append(p.unjudged, v)
	}
}

// covers says whether the IP addresses are of every family of want.
func (p *published) covers(want []corev1.IPFamily) bool {
	return !slices.ContainsFunc(want, func(fam corev1.IPFamily) bool { return len(p.ips[fam]) == 0 })
}

// judge reports whether the published addresses cover every family of
// want, a dual-stack pair; why says why both are expected.
func (p *published) judge(r *Reporter, subject string, want []corev1.IPFamily, why string) {
	var have, missing []string
	var ips []string
	for _, fam := range want {
		if len(p.ips[fam]) == 0 {
			missing = append(missing, string(fam))
			continue
		}
		have = append(have, string(fam))
		ips = append(ips, p.ips[fam]...)
	}
	switch {
	case len(missing) == 0:
	case len(ips) == 0 && len(p.unjudged) == 0:
		r.FailWith(Info, subject, Setting{}, "no address published yet (pending): its families can be judged once the load balancer is provisioned; %s", why)
	case len(ips) == 0:
		r.FailWith(Info, subject, Setting{}, "publishes %s only, which names no IP family (a hostname, as AWS ELBs publish, or an implementation's own address): whether it serves both %s cannot be judged from the API",
			strings.Join(p.unjudged, ","), joinFamilies(want))
	case len(p.unjudged) > 0:
		r.FailWith(Info, subject, Setting{}, "publishes %s address(es) %s and %s, which names no IP family: whether %s is served through it cannot be judged from the API",
			strings.Join(have, ","), strings.Join(ips, ","), strings.Join(p.unjudged, ","), strings.Join(missing, ","))
	default:
		r.Fail(subject, Setting{}, "publishes %s only (%s), no %s address, though %s", strings.Join(have, ","), strings.Join(ips, ","), strings.Join(missing, ","), why)
	}
}
