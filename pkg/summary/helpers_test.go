package summary

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// Objects for the tests, built as the live gatherer reads them.

func meta(ns, name string, labels, annotations map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels, Annotations: annotations}
}

func exemptAnnotation(value string) map[string]string {
	return map[string]string{check.ExemptAnnotation: value}
}

// pod is a Running pod with ips, owned by the controller owner (Kind/name)
// when one is given.
func pod(m metav1.ObjectMeta, owner *Owner, ips ...string) corev1.Pod {
	p := corev1.Pod{ObjectMeta: m, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	for _, ip := range ips {
		p.Status.PodIPs = append(p.Status.PodIPs, corev1.PodIP{IP: ip})
	}
	if len(ips) > 0 {
		p.Status.PodIP = ips[0]
	}
	if owner != nil {
		p.OwnerReferences = []metav1.OwnerReference{{Kind: owner.Kind, Name: owner.Name, Controller: ptr.To(true)}}
	}
	return p
}

// service is a Service with a selector app=<name> of the policy and
// families; headless with clusterIP None.
func service(m metav1.ObjectMeta, typ corev1.ServiceType, policy corev1.IPFamilyPolicy, headless bool, fams ...corev1.IPFamily) corev1.Service {
	s := corev1.Service{ObjectMeta: m, Spec: corev1.ServiceSpec{Type: typ, IPFamilies: fams, Selector: map[string]string{"app": m.Name}}}
	if policy != "" {
		s.Spec.IPFamilyPolicy = ptr.To(policy)
	}
	if headless {
		s.Spec.ClusterIP = corev1.ClusterIPNone
	}
	return s
}

var (
	v4   = corev1.IPv4Protocol
	v6   = corev1.IPv6Protocol
	dual = []corev1.IPFamily{v4, v6}
)

// slice is an EndpointSlice of a Service with one ready endpoint per pod
// (name -> address).
func slice(ns, svc string, typ discoveryv1.AddressType, pods map[string]string) check.EndpointSlice {
	s := discoveryv1.EndpointSlice{ObjectMeta: meta(ns, svc+"-"+string(typ), map[string]string{discoveryv1.LabelServiceName: svc}, nil), AddressType: typ}
	for name, addr := range pods {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{Addresses: []string{addr}, TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: name}})
	}
	return check.NewEndpointSlice(&s)
}

// placeholders are a Service's EndpointSlices with no endpoints, one per
// family, as the controller keeps them for a Service without pods.
func placeholders(ns, svc string) []check.EndpointSlice {
	return []check.EndpointSlice{slice(ns, svc, discoveryv1.AddressTypeIPv4, nil), slice(ns, svc, discoveryv1.AddressTypeIPv6, nil)}
}

func lbStatus(s corev1.Service, ips ...string) corev1.Service {
	for _, ip := range ips {
		s.Status.LoadBalancer.Ingress = append(s.Status.LoadBalancer.Ingress, corev1.LoadBalancerIngress{IP: ip})
	}
	return s
}

func ingress(m metav1.ObjectMeta, ips ...string) networkingv1.Ingress {
	i := networkingv1.Ingress{ObjectMeta: m}
	for _, ip := range ips {
		i.Status.LoadBalancer.Ingress = append(i.Status.LoadBalancer.Ingress, networkingv1.IngressLoadBalancerIngress{IP: ip})
	}
	return i
}

// policy is a NetworkPolicy with one ingress rule whose peers are ipBlocks
// of cidrs, or a pod selector when none are given.
func policy(m metav1.ObjectMeta, cidrs ...string) check.NetworkPolicy {
	rule := networkingv1.NetworkPolicyIngressRule{}
	for _, c := range cidrs {
		rule.From = append(rule.From, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: c}})
	}
	if len(cidrs) == 0 {
		rule.From = []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}
	}
	p := check.NetworkPolicy{Policy: networkingv1.NetworkPolicy{ObjectMeta: m, Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{rule}}}}
	p.At = check.Setting{Source: "API object " + p.Name()}
	return p
}

// streamed is a PodVisitor over pods, as the live gatherer streams them.
func streamed(pods ...corev1.Pod) check.PodVisitor {
	return func(visit func(*corev1.Pod) error) error {
		for i := range pods {
			if err := visit(&pods[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// dualCluster is the facts of a dual-stack IPv4-primary cluster with no
// workload: its kube-apiserver's service ranges, node IPAM, one node.
func dualCluster() *check.Facts {
	return &check.Facts{
		ServerVersion: "v1.37.0",
		Components: []check.Component{
			{Kind: check.APIServer, Instance: "kube-apiserver-cp1", Source: "pod kube-system/kube-apiserver-cp1", Settings: map[string]check.Setting{
				"service-cluster-ip-range": {Value: "10.96.0.0/16,fd00:10:96::/112"}}},
			{Kind: check.ControllerManager, Instance: "kube-controller-manager-cp1", Source: "pod kube-system/kube-controller-manager-cp1", Settings: map[string]check.Setting{
				"allocate-node-cidrs": {Value: "true"}, "cluster-cidr": {Value: "10.244.0.0/16,fd00:10:244::/56"}}},
		},
		ServiceCIDRs: []check.ServiceCIDR{{Name: "kubernetes", CIDRs: []string{"10.96.0.0/16", "fd00:10:96::/112"}}},
		Nodes:        []corev1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}, Spec: corev1.NodeSpec{PodCIDRs: []string{"10.244.1.0/24", "fd00:10:244:1::/64"}}}},
		Pods:         streamed(),
	}
}
