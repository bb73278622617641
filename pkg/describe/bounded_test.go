package describe

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	kubectldescribe "k8s.io/kubectl/pkg/describe"
)

// describedObjects are a pod, its node, a Service and its endpoints, with
// an event about each.
func describedObjects() []runtime.Object {
	objs := []runtime.Object{
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1", UID: "n1"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web-1", UID: "p1"}, Spec: corev1.PodSpec{NodeName: "node-1"}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web", UID: "s1"}},
		&corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web", UID: "e1"}},
		&discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "web-v4", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}}, AddressType: discoveryv1.AddressTypeIPv4},
	}
	for i, ref := range []corev1.ObjectReference{
		{Kind: "Node", Name: "node-1", UID: "n1"},
		{Kind: "Pod", Namespace: "demo", Name: "web-1", UID: "p1"},
		{Kind: "Service", Namespace: "demo", Name: "web", UID: "s1"},
		{Kind: "Endpoints", Namespace: "demo", Name: "web", UID: "e1"},
	} {
		objs = append(objs, &corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: cmpOr(ref.Namespace, "default"), Name: fmt.Sprintf("ev-%d", i)},
			InvolvedObject: ref, Type: corev1.EventTypeNormal, Reason: "Seen", Message: "seen " + ref.Name})
	}
	return objs
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var describedTargets = []struct{ resource, namespace, name string }{
	{"pods", "demo", "web-1"},
	{"services", "demo", "web"},
	{"nodes", "", "node-1"},
	{"endpoints", "demo", "web"},
}

// Every list a description makes, kubectl's describers' included (events,
// the node's pods and ResourceSlices, the Service's EndpointSlices),
// carries --request-timeout as TimeoutSeconds: client-go then ends it,
// retries included, within the timeout, as it does get's lists.
func TestDescribeListsWithinTimeout(t *testing.T) {
	client := fake.NewClientset(describedObjects()...)
	var lists []string
	client.PrependReactor("list", "*", func(action clienttesting.Action) (bool, runtime.Object, error) {
		opts := action.(clienttesting.ListActionImpl).ListOptions
		seconds := "none"
		if opts.TimeoutSeconds != nil {
			seconds = fmt.Sprint(*opts.TimeoutSeconds)
		}
		lists = append(lists, action.GetResource().Resource+":"+seconds)
		return false, nil, nil
	})
	d := Describer{Client: client, RequestTimeout: 2500 * time.Millisecond}
	for _, target := range describedTargets {
		out, err := d.Describe(context.Background(), target.resource, target.namespace, target.name, kubectldescribe.DescriberSettings{ShowEvents: true, ChunkSize: 500})
		if err != nil || !strings.Contains(out, "seen ") {
			t.Errorf("describe %s: %v, or no event in:\n%s", target.resource, err, out)
		}
	}
	for _, resource := range []string{"events", "pods", "endpointslices", "resourceslices"} {
		if !slices.Contains(lists, resource+":3") {
			t.Errorf("no list of %s with TimeoutSeconds 3 (2.5s rounded up) among %v", resource, lists)
		}
	}
	for _, l := range lists {
		if !strings.HasSuffix(l, ":3") {
			t.Errorf("a list without the timeout: %s (all: %v)", l, lists)
		}
	}
}

// An event list that finds the server unreachable (it timed out) fails the
// description, which kubectl's describer would print without its events,
// and the lists after it are not sent: each would wait out the timeout
// again. Forbidden or not served, events are left out as kubectl does.
func TestDescribeEventsUnreachable(t *testing.T) {
	timedOut := fmt.Errorf("Get \"https://127.0.0.1:6443/api/v1/events\": %w", context.DeadlineExceeded)
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "events"}, "", errors.New("no"))
	for _, tc := range []struct {
		listErr error
		wantErr error
	}{
		{timedOut, timedOut},
		{forbidden, nil},
	} {
		for _, target := range describedTargets {
			client := fake.NewClientset(describedObjects()...)
			var after []string
			eventLists := 0
			client.PrependReactor("list", "*", func(action clienttesting.Action) (bool, runtime.Object, error) {
				if action.GetResource().Resource == "events" {
					eventLists++
					return true, nil, tc.listErr
				}
				if eventLists > 0 {
					after = append(after, action.GetResource().Resource)
				}
				return false, nil, nil
			})
			d := Describer{Client: client, RequestTimeout: 3 * time.Second}
			out, err := d.Describe(context.Background(), target.resource, target.namespace, target.name, kubectldescribe.DescriberSettings{ShowEvents: true})
			if !errors.Is(err, tc.wantErr) || (err == nil) != strings.Contains(out, "Name:") {
				t.Errorf("%s, events %v: error %v, want %v, and a description only without it:\n%s", target.resource, tc.listErr, err, tc.wantErr, out)
			}
			if tc.wantErr != nil && (eventLists != 1 || len(after) > 0) {
				t.Errorf("%s, events %v: %d event lists, then lists of %v; want 1 and nothing after", target.resource, tc.listErr, eventLists, after)
			}
		}
	}
}
