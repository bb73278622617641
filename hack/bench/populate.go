package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
)

const (
	benchLabel   = "bench.kubectl-dualstack.dev/population" // on every pod and Service the bench makes
	namespaces   = 10                                       // bench-0 ... bench-9
	writeWorkers = 32                                       // concurrent creates
	// stallTimeout ends a wait that has seen no progress for this long.
	stallTimeout = 3 * time.Minute
)

// population creates the bench's objects through the API: pod j belongs to
// app j%services, whose Service selects it, and is bound to node j%nodes
// (spec.nodeName set at creation, as the scheduler would after its bind).
type population struct {
	client   kubernetes.Interface
	nodes    []string
	services int
	logf     func(string, ...any)

	pods     int                          // created so far
	families map[string][]corev1.IPFamily // of each Service ("ns/name"), as the apiserver set them
}

func appName(app int) string     { return fmt.Sprintf("app-%04d", app) }
func namespaceOf(app int) string { return fmt.Sprintf("bench-%d", app%namespaces) }

// parallel runs do(i) for i in [from, to) on writeWorkers goroutines,
// retrying what an overloaded apiserver refuses; the first error wins.
func parallel(ctx context.Context, from, to int, do func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for range writeWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= to || ctx.Err() != nil {
					return
				}
				err := retry.OnError(retry.DefaultBackoff, func(err error) bool {
					return apierrors.IsTooManyRequests(err) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) || apierrors.IsInternalError(err)
				}, func() error { return do(ctx, i) })
				if err != nil && !apierrors.IsAlreadyExists(err) {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// createNamespaces makes the bench namespaces and waits for their default
// ServiceAccounts, without which pods are refused.
func (p *population) createNamespaces(ctx context.Context) error {
	err := parallel(ctx, 0, namespaces, func(ctx context.Context, i int) error {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespaceOf(i)}}
		_, err := p.client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
		return err
	})
	if err != nil {
		return err
	}
	return poll(ctx, "default ServiceAccounts", func(ctx context.Context) (int, bool, error) {
		ready := 0
		for i := range namespaces {
			if _, err := p.client.CoreV1().ServiceAccounts(namespaceOf(i)).Get(ctx, "default", metav1.GetOptions{}); err == nil {
				ready++
			}
		}
		return ready, ready == namespaces, nil
	})
}

func (p *population) pod(j int) *corev1.Pod {
	app := j % p.services
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      fmt.Sprintf("%s-%05d", appName(app), j/p.services),
			Namespace: namespaceOf(app),
			Labels:    map[string]string{"app": appName(app), benchLabel: "true"},
		},
		Spec: corev1.PodSpec{
			NodeName: p.nodes[j%len(p.nodes)],
			Containers: []corev1.Container{{
				Name:  "app",
				Image: "registry.k8s.io/pause:3.10",
				Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
					corev1.ResourceCPU:    resource.MustParse("10m"),
					corev1.ResourceMemory: resource.MustParse("16Mi"),
				}},
			}},
		},
	}
}

// growPods creates pods up to total and waits until each runs with two IPs.
func (p *population) growPods(ctx context.Context, total int) error {
	if total > p.pods {
		began := time.Now()
		err := parallel(ctx, p.pods, total, func(ctx context.Context, j int) error {
			pod := p.pod(j)
			_, err := p.client.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
			return err
		})
		if err != nil {
			return fmt.Errorf("creating pods: %w", err)
		}
		p.logf("created %d pods in %.1fs", total-p.pods, time.Since(began).Seconds())
		p.pods = total
	}
	return poll(ctx, fmt.Sprintf("pods Running with 2 IPs (of %d)", total), func(ctx context.Context) (int, bool, error) {
		running := 0
		_, err := listPages(ctx, func(opts metav1.ListOptions) (string, int, error) {
			opts.LabelSelector = benchLabel
			l, err := p.client.CoreV1().Pods("").List(ctx, opts)
			if err != nil {
				return "", 0, err
			}
			for i := range l.Items {
				if l.Items[i].Status.Phase == corev1.PodRunning && len(l.Items[i].Status.PodIPs) == 2 {
					running++
				}
			}
			return l.Continue, len(l.Items), nil
		})
		return running, running == total, err
	})
}

// policy gives Service i its IP family policy: 40% SingleStack of the
// primary family, 10% SingleStack IPv6, 20% PreferDualStack, 25%
// RequireDualStack and 5% headless (PreferDualStack).
func policy(i int) (corev1.IPFamilyPolicy, []corev1.IPFamily, bool) {
	switch i % 20 {
	case 0, 1, 2, 3, 4, 5, 6, 7:
		return corev1.IPFamilyPolicySingleStack, nil, false
	case 8, 9:
		return corev1.IPFamilyPolicySingleStack, []corev1.IPFamily{corev1.IPv6Protocol}, false
	case 10, 11, 12, 13:
		return corev1.IPFamilyPolicyPreferDualStack, nil, false
	case 19:
		return corev1.IPFamilyPolicyPreferDualStack, nil, true
	default:
		return corev1.IPFamilyPolicyRequireDualStack, nil, false
	}
}

// createServices makes one Service per app, and remembers the IP families
// the apiserver gave each.
func (p *population) createServices(ctx context.Context) error {
	began := time.Now()
	var mu sync.Mutex
	p.families = map[string][]corev1.IPFamily{}
	err := parallel(ctx, 0, p.services, func(ctx context.Context, i int) error {
		pol, families, headless := policy(i)
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: appName(i), Namespace: namespaceOf(i), Labels: map[string]string{benchLabel: "true"}},
			Spec: corev1.ServiceSpec{
				Selector:       map[string]string{"app": appName(i)},
				IPFamilyPolicy: ptr.To(pol),
				IPFamilies:     families,
				Ports:          []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}},
			},
		}
		if headless {
			svc.Spec.ClusterIP = corev1.ClusterIPNone
		}
		created, err := p.client.CoreV1().Services(svc.Namespace).Create(ctx, svc, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		mu.Lock()
		p.families[svc.Namespace+"/"+svc.Name] = created.Spec.IPFamilies
		mu.Unlock()
		return nil
	})
	if err != nil {
		return fmt.Errorf("creating Services: %w", err)
	}
	p.logf("created %d Services in %.1fs", p.services, time.Since(began).Seconds())
	return nil
}

// createNetworkObjects makes, per app, a NetworkPolicy whose ingress allows
// both families' private ranges and an Ingress to its Service with an
// address of each family: what check's networkpolicies and loadbalancers
// rules read.
func (p *population) createNetworkObjects(ctx context.Context) error {
	began := time.Now()
	err := parallel(ctx, 0, p.services, func(ctx context.Context, i int) error {
		meta := metav1.ObjectMeta{Name: appName(i), Namespace: namespaceOf(i), Labels: map[string]string{benchLabel: "true"}}
		np := &networkingv1.NetworkPolicy{ObjectMeta: meta, Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": appName(i)}},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{
				{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}}, {IPBlock: &networkingv1.IPBlock{CIDR: "fd00::/8"}},
			}}},
		}}
		if _, err := p.client.NetworkingV1().NetworkPolicies(meta.Namespace).Create(ctx, np, metav1.CreateOptions{}); err != nil {
			return err
		}
		ing := &networkingv1.Ingress{ObjectMeta: meta, Spec: networkingv1.IngressSpec{DefaultBackend: &networkingv1.IngressBackend{
			Service: &networkingv1.IngressServiceBackend{Name: appName(i), Port: networkingv1.ServiceBackendPort{Number: 80}},
		}}}
		created, err := p.client.NetworkingV1().Ingresses(meta.Namespace).Create(ctx, ing, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		// Published on both families, as an Ingress controller of a
		// dual-stack cluster would: a healthy population's audit is quiet.
		created.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{
			{IP: fmt.Sprintf("192.0.2.%d", i%250+1)}, {IP: fmt.Sprintf("2001:db8::%x", i+1)},
		}
		_, err = p.client.NetworkingV1().Ingresses(meta.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("creating NetworkPolicies and Ingresses: %w", err)
	}
	p.logf("created %d NetworkPolicies and %d Ingresses in %.1fs", p.services, p.services, time.Since(began).Seconds())
	return nil
}

// waitSlices waits until the EndpointSlice controller has caught up: every
// Service has, for each of its IP families, slices holding one endpoint per
// pod of its app. It returns how many slices there are.
func (p *population) waitSlices(ctx context.Context) (int, error) {
	slices := 0
	err := poll(ctx, fmt.Sprintf("Services whose EndpointSlices list all their pods (of %d)", p.services), func(ctx context.Context) (int, bool, error) {
		counts := map[string]int{} // "ns/svc/addressType" -> endpoints
		var err error
		slices, err = listPages(ctx, func(opts metav1.ListOptions) (string, int, error) {
			opts.LabelSelector = discoveryv1.LabelServiceName
			l, err := p.client.DiscoveryV1().EndpointSlices("").List(ctx, opts)
			if err != nil {
				return "", 0, err
			}
			for _, s := range l.Items {
				counts[s.Namespace+"/"+s.Labels[discoveryv1.LabelServiceName]+"/"+string(s.AddressType)] += len(s.Endpoints)
			}
			return l.Continue, len(l.Items), nil
		})
		if err != nil {
			return 0, false, err
		}
		done := 0
		for i := range p.services {
			key := namespaceOf(i) + "/" + appName(i)
			want := p.pods / p.services
			if i < p.pods%p.services {
				want++
			}
			ok := true
			for _, f := range p.families[key] {
				if counts[key+"/"+string(f)] != want {
					ok = false
				}
			}
			if ok {
				done++
			}
		}
		return done, done == p.services, nil
	})
	return slices, err
}

// poll calls check every 2s until it is done, logging progress; it fails
// when the count has not moved for stallTimeout.
func poll(ctx context.Context, what string, check func(context.Context) (int, bool, error)) error {
	last, lastChange := -1, time.Now()
	for {
		n, done, err := check(ctx)
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if done {
			return nil
		}
		if n != last {
			last, lastChange = n, time.Now()
			fmt.Fprintf(logOut, "bench:   %s: %d\n", what, n)
		} else if time.Since(lastChange) > stallTimeout {
			return fmt.Errorf("waiting for %s: stuck at %d for %s", what, n, stallTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}
