package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"testing/synctest"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/klog/v2"
)

// TestWatchResumes: while the server is away the watch says so once and
// retries; when the server no longer has the history it needs (410 after an
// apiserver restart) it relists and goes on from the list's version. The
// real restart is in test/e2e (TestFaults).
func TestWatchResumes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(klog.NewContext(context.Background(), klog.Logger{}))
		defer cancel()
		pod := func(name, rv string) *corev1.Pod {
			return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID(name), ResourceVersion: rv}}
		}
		refused := &url.Error{Op: "Get", URL: "https://127.0.0.1:6443/api/v1/pods?watch=true", Err: errors.New("dial tcp 127.0.0.1:6443: connect: connection refused")}
		var versions []string // each watch call's resourceVersion
		watchFunc := func(_ context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			versions = append(versions, opts.ResourceVersion)
			w := watch.NewFakeWithChanSize(2, false)
			switch len(versions) {
			case 1, 2:
				return nil, refused
			case 3:
				w.Add(pod("a", "11"))
				status := apierrors.NewResourceExpired("too old resource version: 11 (15)").ErrStatus
				w.Error(&status)
			case 4: // the 410 as the answer to the watch request itself
				return nil, apierrors.NewResourceExpired("too old resource version: 20 (25)")
			default:
				w.Add(pod("c", "31"))
			}
			return w, nil
		}
		var handled []string
		handle := func(_ watch.EventType, obj runtime.Object) error {
			handled = append(handled, obj.(*corev1.Pod).Name)
			if len(handled) == 4 {
				cancel()
			}
			return nil
		}
		relists := 0
		relist := func(context.Context) (string, error) {
			relists++
			rv := fmt.Sprint(10 + relists*10)
			return rv, handle(watch.Modified, pod("b"+rv, rv))
		}
		var errOut bytes.Buffer
		err := watchEvents(ctx, &errOut, "10", watchFunc, relist, handle)
		if err != nil {
			t.Fatal(err)
		}
		if want := "Watch interrupted (dial tcp 127.0.0.1:6443: connect: connection refused); it resumes when the server answers.\n"; errOut.String() != want {
			t.Errorf("stderr %q, want %q", errOut.String(), want)
		}
		if want := []string{"a", "b20", "b30", "c"}; !slices.Equal(handled, want) || relists != 2 {
			t.Errorf("handled %v after %d relists, want %v after 2", handled, relists, want)
		}
		if want := []string{"10", "10", "10", "20", "30"}; !slices.Equal(versions, want) {
			t.Errorf("watched from versions %v, want %v", versions, want)
		}
	})
}
