package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/liggitt/tabwriter"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	cliprinters "k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// typedClient is what client-go's typed clients (Pods, Services, Nodes...)
// offer `get`.
type typedClient[PT any, L any] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (PT, error)
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

// runTyped is `get` for a type whose rows come one per object: it gets by
// name or lists page by page (printing each page as it arrives unless the
// output needs every object first), then watches if asked.
func runTyped[T any, PT interface {
	*T
	runtime.Object
}, L metav1.ListInterface](ctx context.Context, o *GetOptions, c typedClient[PT, L], items func(L) []T, table func([]T) *metav1.Table) error {
	out, err := o.newOutput()
	if err != nil {
		return err
	}
	timeout := requestTimeout(o.configFlags)
	var errs []error
	var collected []T
	seen := versions{} // what the watch has printed, for a relist
	resourceVersion := ""
	emit := func(page []T) error {
		if o.Watch {
			for i := range page {
				seen.changed(PT(&page[i]))
			}
		}
		if out.streaming {
			return out.printTable(table(page), len(page))
		}
		collected = append(collected, page...)
		return nil
	}
	if !o.WatchOnly {
		if len(o.Names) > 0 {
			for _, name := range o.Names {
				obj, err := c.Get(ctx, name, metav1.GetOptions{})
				if err != nil {
					errs = append(errs, err)
					continue
				}
				if err := emit([]T{*obj}); err != nil {
					return err
				}
			}
		} else if resourceVersion, err = listPages(ctx, timeout, o.listOptions(), c.List, func(l L) error { return emit(items(l)) }); err != nil {
			return err
		}
		if !out.streaming {
			objs := make([]runtime.Object, len(collected))
			for i := range collected {
				objs[i] = PT(&collected[i])
			}
			if err := o.sortObjects(objs); err != nil {
				return err
			}
			if out.human {
				sorted := make([]T, len(objs))
				for i, obj := range objs {
					sorted[i] = *obj.(PT)
				}
				if err := out.printTable(table(sorted), len(sorted)); err != nil {
					return err
				}
			} else if err := out.printObjects(objs, len(o.Names) == 1); err != nil {
				return err
			}
		}
		out.finish(o, len(errs) > 0)
	}
	if o.Watch || o.WatchOnly {
		printObj := func(obj runtime.Object) error {
			if out.human {
				err := out.printTable(table([]T{*obj.(PT)}), 1)
				out.flush()
				return err
			}
			return out.printObjects([]runtime.Object{obj}, true)
		}
		opts := o.watchOptions()
		relist := func(ctx context.Context) (string, error) {
			listOpts := opts
			listOpts.Limit = o.ChunkSize
			return listPages(ctx, timeout, listOpts, c.List, func(l L) error {
				page := items(l)
				for i := range page {
					if obj := PT(&page[i]); seen.changed(obj) {
						if err := printObj(obj); err != nil {
							return err
						}
					}
				}
				return nil
			})
		}
		if resourceVersion == "" {
			// --watch-only: from the current version.
			current := opts
			current.Limit = 1
			current.TimeoutSeconds = live.TimeoutSeconds(timeout)
			l, err := c.List(ctx, current)
			if err != nil {
				return err
			}
			resourceVersion = l.GetResourceVersion()
		}
		err := watchEvents(ctx, o.ErrOut, resourceVersion, func(ctx context.Context, options metav1.ListOptions) (watch.Interface, error) {
			options.LabelSelector, options.FieldSelector = opts.LabelSelector, opts.FieldSelector
			return c.Watch(ctx, options)
		}, relist, func(ev watch.EventType, obj runtime.Object) error {
			seen.changed(obj)
			if ev == watch.Deleted {
				seen.forget(obj)
			}
			return printObj(obj)
		})
		errs = append(errs, err)
	}
	return utilerrors.NewAggregate(errs)
}

// requestTimeout is --request-timeout (0: none). An invalid value has
// already failed the client's construction.
func requestTimeout(configFlags *genericclioptions.ConfigFlags) time.Duration {
	if configFlags == nil || configFlags.Timeout == nil {
		return 0
	}
	d, _ := clientcmd.ParseTimeout(*configFlags.Timeout)
	return d
}

// listPages lists with --chunk-size pagination and returns the list's
// resource version (where a watch starts). Each page's request, retries
// included, ends within timeout: client-go bounds other requests by
// --request-timeout, but a List's TimeoutSeconds, when unset, lifts that
// bound, and its retries (after 429 Retry-After or a connection reset, up to
// 10 a second apart) could take 10 s past it.
func listPages[L metav1.ListInterface](ctx context.Context, timeout time.Duration, opts metav1.ListOptions, list func(context.Context, metav1.ListOptions) (L, error), page func(L) error) (string, error) {
	opts.TimeoutSeconds = live.TimeoutSeconds(timeout)
	for {
		l, err := list(ctx, opts)
		if err != nil {
			return "", err
		}
		if err := page(l); err != nil {
			return "", err
		}
		if l.GetContinue() == "" {
			return l.GetResourceVersion(), nil
		}
		opts.Continue = l.GetContinue()
	}
}

// watchOptions selects what a watch of o follows.
func (o *GetOptions) watchOptions() metav1.ListOptions {
	opts := o.listOptions()
	opts.Limit = 0
	if len(o.Names) == 1 {
		opts.FieldSelector = strings.Trim(opts.FieldSelector+",metadata.name="+o.Names[0], ",")
	}
	return opts
}

// versions remembers the resource version of each object printed, so that
// a relist prints only what changed.
type versions map[types.UID]string

// changed records obj's version and says whether it differs from the last.
func (v versions) changed(obj runtime.Object) bool {
	m, err := meta.Accessor(obj)
	if err != nil {
		return true
	}
	if v[m.GetUID()] == m.GetResourceVersion() {
		return false
	}
	v[m.GetUID()] = m.GetResourceVersion()
	return true
}

func (v versions) forget(obj runtime.Object) {
	if m, err := meta.Accessor(obj); err == nil {
		delete(v, m.GetUID())
	}
}

// watchEvents follows changes from resourceVersion and hands each to
// handle, until ctx ends. client-go's RetryWatcher resumes from the last
// version seen when the connection drops or --request-timeout cuts the
// stream (the client's timeout covers reading the body). When the server no
// longer has the changes since that version (410 Expired: an apiserver
// restart rebuilds its watch cache from the current version), relist reads
// the current state, hands over what changed, and the watch goes on from
// there, as an informer does. While the server is unreachable one line on
// errOut says so.
func watchEvents(ctx context.Context, errOut io.Writer, resourceVersion string, watchFunc cache.WatchFuncWithContext, relist func(context.Context) (string, error), handle func(watch.EventType, runtime.Object) error) error {
	var lost atomic.Bool
	watchOrSayLost := func(ctx context.Context, options metav1.ListOptions) (watch.Interface, error) {
		w, err := watchFunc(ctx, options)
		switch {
		case err == nil:
			lost.Store(false)
		case apierrors.IsResourceExpired(err) || apierrors.IsGone(err):
			// RetryWatcher would retry this forever from the same version;
			// as an event it ends the watch, and the loop below relists.
			var status apierrors.APIStatus
			errors.As(err, &status) // there is one: Is* found it
			s := status.Status()
			fake := watch.NewFakeWithChanSize(1, false)
			fake.Error(&s)
			return fake, nil
		case ctx.Err() == nil && !apierrors.IsUnauthorized(err) && !apierrors.IsForbidden(err) && !lost.Swap(true):
			cause := err
			var urlErr *url.Error
			if errors.As(err, &urlErr) {
				cause = urlErr.Err // without the watch's long URL
			}
			// The cause may quote the server's words: escaped.
			fmt.Fprintf(errOut, "Watch interrupted (%s); it resumes when the server answers.\n", printers.EscapeLine(firstLine(cause.Error())))
		}
		return w, err
	}
	for {
		err := watchFrom(ctx, resourceVersion, watchOrSayLost, handle)
		if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
			return err
		}
		if resourceVersion, err = relist(ctx); err != nil {
			return err
		}
	}
}

// watchFrom runs one RetryWatcher from resourceVersion.
func watchFrom(ctx context.Context, resourceVersion string, watchFunc cache.WatchFuncWithContext, handle func(watch.EventType, runtime.Object) error) error {
	w, err := watchtools.NewRetryWatcherWithContext(ctx, resourceVersion, &cache.ListWatch{WatchFuncWithContext: watchFunc})
	if err != nil {
		return err
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.ResultChan():
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				return errors.New("the watch was closed by the server")
			}
			switch ev.Type {
			case watch.Added, watch.Modified, watch.Deleted:
				if err := handle(ev.Type, ev.Object); err != nil {
					return err
				}
			case watch.Error:
				return apierrors.FromObject(ev.Object)
			}
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// output prints what `get` found: tables for the human formats (page by page
// when nothing needs every object first), objects for the others.
type output struct {
	o         *GetOptions
	printer   cliprinters.ResourcePrinter
	human     bool
	streaming bool // print each page as it arrives
	writer    *tabwriter.Writer
	printed   int
}

func (o *GetOptions) newOutput() (*output, error) {
	printer, err := o.PrintFlags.ToPrinter()
	if err != nil {
		return nil, err
	}
	human := o.humanReadable()
	return &output{
		o:         o,
		printer:   printer,
		human:     human,
		streaming: human && *o.PrintFlags.HumanReadableFlags.SortBy == "",
	}, nil
}

// printTable prints a table of n objects into one tabwriter, so that every
// page lines up as kubectl's chunked output does.
func (out *output) printTable(table *metav1.Table, n int) error {
	if n == 0 {
		return nil
	}
	if out.writer == nil {
		out.writer = cliprinters.GetNewTabWriter(out.o.Out)
	}
	out.printed += n
	return out.printer.PrintObj(table, out.writer)
}

func (out *output) flush() {
	if out.writer != nil {
		_ = out.writer.Flush()
	}
}

// finish flushes the table and says "No resources found" for an empty list.
func (out *output) finish(o *GetOptions, hadErrors bool) {
	out.flush()
	if out.human && out.printed == 0 && !hadErrors {
		o.noResources()
	}
}

// printObjects prints objects as kubectl does for non-table output: a single
// object when one name was asked for, a List otherwise; each with its
// apiVersion and kind.
func (out *output) printObjects(objs []runtime.Object, single bool) error {
	items := make([]unstructured.Unstructured, len(objs))
	for i, obj := range objs {
		u, err := toUnstructured(obj)
		if err != nil {
			return err
		}
		items[i] = *u
	}
	if single && len(items) == 1 {
		return out.printer.PrintObj(&items[0], out.o.Out)
	}
	list := &unstructured.UnstructuredList{
		Object: map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{"resourceVersion": ""}},
		Items:  items,
	}
	out.printed += len(items)
	return out.printer.PrintObj(list, out.o.Out)
}

// toUnstructured converts a typed object, setting the apiVersion and kind
// that typed clients leave empty.
func toUnstructured(obj runtime.Object) (*unstructured.Unstructured, error) {
	kinds, _, err := scheme.Scheme.ObjectKinds(obj)
	if err != nil {
		return nil, err
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("converting %T: %w", obj, err)
	}
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(kinds[0])
	return u, nil
}
