package e2e

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

func ptrTo[T any](v T) *T { return &v }

// waitForPodIPs waits until ns holds exactly n pods, all Running with IPs.
func waitForPodIPs(t *testing.T, client kubernetes.Interface, ns string, n int) []corev1.Pod {
	t.Helper()
	var pods []corev1.Pod
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		pods = list.Items
		if len(pods) != n {
			return false, nil
		}
		for _, p := range pods {
			if p.Status.Phase != corev1.PodRunning || len(p.Status.PodIPs) == 0 {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("waiting for %d running pods with IPs in %s: %v (have %d)", n, ns, err, len(pods))
	}
	return pods
}

func createPod(t *testing.T, client kubernetes.Interface, ns, name string, annotations map[string]string) {
	t.Helper()
	_, err := client.CoreV1().Pods(ns).Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": name}, Annotations: annotations},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

func getService(t *testing.T, client kubernetes.Interface, ns, name string) *corev1.Service {
	t.Helper()
	svc, err := client.CoreV1().Services(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// sliceAddresses maps each address type of a Service's EndpointSlices to the
// addresses of its ready endpoints.
func sliceAddresses(ctx context.Context, client kubernetes.Interface, ns, service string) (map[discoveryv1.AddressType][]string, error) {
	slices, err := client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + service})
	if err != nil {
		return nil, err
	}
	out := map[discoveryv1.AddressType][]string{}
	for _, s := range slices.Items {
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready == nil || *ep.Conditions.Ready {
				out[s.AddressType] = append(out[s.AddressType], ep.Addresses...)
			}
		}
	}
	return out, nil
}

func podIPs(pod corev1.Pod) []string {
	var out []string
	for _, ip := range pod.Status.PodIPs {
		out = append(out, ip.IP)
	}
	return out
}

func internalIPs(node corev1.Node) []string {
	var out []string
	for _, a := range node.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			out = append(out, a.Address)
		}
	}
	return out
}

func addrs(t *testing.T, ips []string) []netip.Addr {
	t.Helper()
	out := make([]netip.Addr, len(ips))
	for i, s := range ips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			t.Fatalf("invalid IP %q: %v", s, err)
		}
		out[i] = a
	}
	return out
}

func prefixes(t *testing.T, cidrs []string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(cidrs))
	for i, s := range cidrs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			t.Fatalf("invalid CIDR %q: %v", s, err)
		}
		out[i] = p
	}
	return out
}

func prefixAddrs(ps []netip.Prefix) []netip.Addr {
	out := make([]netip.Addr, len(ps))
	for i, p := range ps {
		out[i] = p.Addr()
	}
	return out
}

// assertFamilies checks that got holds one address per family, in order.
func assertFamilies(t *testing.T, what string, got []netip.Addr, want []corev1.IPFamily) {
	t.Helper()
	var fams []corev1.IPFamily
	for _, a := range got {
		if a.Is4() {
			fams = append(fams, corev1.IPv4Protocol)
		} else {
			fams = append(fams, corev1.IPv6Protocol)
		}
	}
	if !slices.Equal(fams, want) {
		t.Errorf("%s: %v has families %v, want %v", what, got, fams, want)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// waitForServiceSlices waits until the endpointslice controller has made
// the EndpointSlices of every Service with a selector, so that a check does
// not race it (a Service created a moment ago has none yet).
func waitForServiceSlices(t *testing.T, client kubernetes.Interface) {
	t.Helper()
	var missing string
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		services, err := client.CoreV1().Services("").List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		for _, svc := range services.Items {
			if len(svc.Spec.Selector) == 0 {
				continue
			}
			slices, err := client.DiscoveryV1().EndpointSlices(svc.Namespace).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + svc.Name})
			if err != nil {
				return false, err
			}
			if len(slices.Items) < len(svc.Spec.IPFamilies) {
				missing = svc.Namespace + "/" + svc.Name
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("waiting for the EndpointSlices of Service %s: %v", missing, err)
	}
}
