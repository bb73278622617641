package live

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// pagedPods serves pages of two pods each, page i continuing with
// "i+1"; failAt, when > 0, is a page answered with err instead. lists
// counts the LIST requests.
func pagedPods(pages, failAt int, err error, lists *atomic.Int32) *fake.Clientset {
	client := fake.NewClientset()
	client.PrependReactor("list", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		lists.Add(1)
		page := 0
		if token := a.(k8stesting.ListActionImpl).ListOptions.Continue; token != "" {
			page, _ = strconv.Atoi(token)
		}
		if page == failAt && failAt > 0 {
			return true, nil, err
		}
		l := &corev1.PodList{}
		for i := range 2 {
			l.Items = append(l.Items, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: fmt.Sprintf("p%d-%d", page, i)}})
		}
		if page+1 < pages {
			l.Continue = strconv.Itoa(page + 1)
		}
		return true, l, nil
	})
	return client
}

// The pages come in order, every pod once, although the next page is
// fetched while the rules read one.
func TestPodsStreamsPagesInOrder(t *testing.T) {
	var lists atomic.Int32
	visit := Gatherer{Client: pagedPods(10, 0, nil, &lists), ChunkSize: 2}.pods(context.Background())
	var names []string
	if err := visit(func(p *corev1.Pod) error { names = append(names, p.Name); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(names) != 20 || names[0] != "p0-0" || names[19] != "p9-1" || lists.Load() != 10 {
		t.Errorf("visited %d pods (%v…) in %d lists, want 20 in order in 10", len(names), names[:min(3, len(names))], lists.Load())
	}
}

// A visit's error ends the listing: the pages fetched ahead are at most
// two, and no LIST follows.
func TestPodsVisitErrorStopsListing(t *testing.T) {
	var lists atomic.Int32
	visit := Gatherer{Client: pagedPods(100, 0, nil, &lists), ChunkSize: 2}.pods(context.Background())
	stop := errors.New("stop")
	if err := visit(func(*corev1.Pod) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("got %v, want the visit's error", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := lists.Load(); n > 3 {
		t.Errorf("%d LISTs after the first pod's error, want at most 3 (one read, two ahead)", n)
	}
}

// A page that cannot be read ends the stream with its error, after the
// pages before it: forbidden makes the pod rules skip, a lost server ends
// the audit.
func TestPodsPageError(t *testing.T) {
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", errors.New("no"))
	lost := errors.New("connection reset by peer")
	for _, tc := range []struct {
		err         error
		unavailable bool
	}{{forbidden, true}, {lost, false}} {
		var lists atomic.Int32
		visit := Gatherer{Client: pagedPods(10, 3, tc.err, &lists), ChunkSize: 2}.pods(context.Background())
		visited := 0
		err := visit(func(*corev1.Pod) error { visited++; return nil })
		if visited != 6 || !errors.Is(err, tc.err) || errors.As(err, new(check.UnavailableError)) != tc.unavailable {
			t.Errorf("%v: visited %d pods, error %v (unavailable %v); want 6, the page's error, unavailable %v",
				tc.err, visited, err, errors.As(err, new(check.UnavailableError)), tc.unavailable)
		}
	}
}
