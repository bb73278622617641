package describe

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	resourcev1 "k8s.io/api/resource/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	discoveryv1client "k8s.io/client-go/kubernetes/typed/discovery/v1"
	resourcev1client "k8s.io/client-go/kubernetes/typed/resource/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
)

// boundedLists is what one description's lists share. kubectl's describers
// list with context.TODO() and no TimeoutSeconds (their events, a node's
// pods, a Service's EndpointSlices, a node's ResourceSlices), which lifts
// --request-timeout's bound on client-go's retries, and they drop the
// error of every list but the node's pods: a description would then end
// long after the timeout, or silently without its events. Through
// boundedClient, each of those lists ends within the timeout like the
// plugin's own, follows the command's context, and the first error that
// says the server cannot be talked to (live.Fatal) is kept: Describe
// returns it, and the lists after it fail at once instead of each waiting
// out the timeout again.
type boundedLists struct {
	ctx            context.Context
	timeoutSeconds *int64
	mu             sync.Mutex
	err            error
}

func newBoundedLists(ctx context.Context, timeout time.Duration) *boundedLists {
	return &boundedLists{ctx: ctx, timeoutSeconds: live.TimeoutSeconds(timeout)}
}

// failed is the error that ended the description's requests, if any.
func (b *boundedLists) failed() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// boundedList runs one list within the bounds; on an error it returns an
// empty list too, as client-go does (kubectl's service describer reads the
// items of a list whose error it ignored).
func boundedList[T any](b *boundedLists, opts metav1.ListOptions, list func(context.Context, metav1.ListOptions) (*T, error)) (*T, error) {
	if err := b.failed(); err != nil {
		return new(T), err
	}
	opts.TimeoutSeconds = b.timeoutSeconds
	l, err := list(b.ctx, opts)
	if live.Fatal(err) {
		b.mu.Lock()
		if b.err == nil {
			b.err = err
		}
		b.mu.Unlock()
	}
	if l == nil {
		l = new(T)
	}
	return l, err
}

// boundedClient is the client kubectl's describers get: the lists they
// make go through boundedList; everything else (their Gets, which
// client-go bounds by the timeout itself) is the client's.
type boundedClient struct {
	kubernetes.Interface
	lists *boundedLists
}

func (c boundedClient) CoreV1() corev1client.CoreV1Interface {
	return boundedCoreV1{c.Interface.CoreV1(), c.lists}
}

func (c boundedClient) DiscoveryV1() discoveryv1client.DiscoveryV1Interface {
	return boundedDiscoveryV1{c.Interface.DiscoveryV1(), c.lists}
}

func (c boundedClient) ResourceV1() resourcev1client.ResourceV1Interface {
	return boundedResourceV1{c.Interface.ResourceV1(), c.lists}
}

type boundedCoreV1 struct {
	corev1client.CoreV1Interface
	lists *boundedLists
}

func (c boundedCoreV1) Events(namespace string) corev1client.EventInterface {
	return boundedEvents{c.CoreV1Interface.Events(namespace), c.lists}
}

func (c boundedCoreV1) Pods(namespace string) corev1client.PodInterface {
	return boundedPods{c.CoreV1Interface.Pods(namespace), c.lists}
}

type boundedEvents struct {
	corev1client.EventInterface
	lists *boundedLists
}

func (e boundedEvents) List(_ context.Context, opts metav1.ListOptions) (*corev1.EventList, error) {
	return boundedList(e.lists, opts, e.EventInterface.List)
}

type boundedPods struct {
	corev1client.PodInterface
	lists *boundedLists
}

func (p boundedPods) List(_ context.Context, opts metav1.ListOptions) (*corev1.PodList, error) {
	return boundedList(p.lists, opts, p.PodInterface.List)
}

type boundedDiscoveryV1 struct {
	discoveryv1client.DiscoveryV1Interface
	lists *boundedLists
}

func (c boundedDiscoveryV1) EndpointSlices(namespace string) discoveryv1client.EndpointSliceInterface {
	return boundedEndpointSlices{c.DiscoveryV1Interface.EndpointSlices(namespace), c.lists}
}

type boundedEndpointSlices struct {
	discoveryv1client.EndpointSliceInterface
	lists *boundedLists
}

func (s boundedEndpointSlices) List(_ context.Context, opts metav1.ListOptions) (*discoveryv1.EndpointSliceList, error) {
	return boundedList(s.lists, opts, s.EndpointSliceInterface.List)
}

type boundedResourceV1 struct {
	resourcev1client.ResourceV1Interface
	lists *boundedLists
}

func (c boundedResourceV1) ResourceSlices() resourcev1client.ResourceSliceInterface {
	return boundedResourceSlices{c.ResourceV1Interface.ResourceSlices(), c.lists}
}

type boundedResourceSlices struct {
	resourcev1client.ResourceSliceInterface
	lists *boundedLists
}

func (s boundedResourceSlices) List(_ context.Context, opts metav1.ListOptions) (*resourcev1.ResourceSliceList, error) {
	return boundedList(s.lists, opts, s.ResourceSliceInterface.List)
}
