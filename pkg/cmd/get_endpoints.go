package cmd

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// endpointsView is what `get endpoints` gathered: a row per Service, and the
// API objects the rows were built from (EndpointSlices, or v1 Endpoints on
// clusters without discovery.k8s.io/v1), which -o json|yaml|name print and
// --watch starts from; a table alone keeps none (on a big cluster they are
// several times the rows' size).
type endpointsView struct {
	keepObjects     bool
	rows            []printers.ServiceEndpoints
	objects         []runtime.Object
	services        map[string]*corev1.Service // by namespace/name
	resourceVersion string                     // of the slice listing, for --watch
}

func (o *GetOptions) endpointsOptions() printers.EndpointsOptions {
	opts := printers.EndpointsOptions{PairOptions: dualstack.PairOptions{IncludeNotReady: o.IncludeNotReady}, MaxGroups: printers.DefaultMaxEndpointGroups}
	if o.AllEndpoints {
		opts.MaxGroups = 0
	}
	return opts
}

func (o *GetOptions) runEndpoints(ctx context.Context) error {
	out, err := o.newOutput()
	if err != nil {
		return err
	}
	// Gathered for --watch-only too: the watch starts from these slices.
	view, errs, err := o.gatherEndpoints(ctx, !out.human || o.Watch || o.WatchOnly)
	if err != nil {
		return err
	}
	if !o.WatchOnly {
		if err := o.sortRows(view); err != nil {
			return err
		}
		if out.human {
			if err := out.printTable(o.Tables.Endpoints(view.rows, o.endpointsOptions()), len(view.rows)); err != nil {
				return err
			}
		} else if err := out.printObjects(view.objects, false); err != nil {
			return err
		}
		out.finish(o, len(errs) > 0)
	}
	if o.Watch || o.WatchOnly {
		errs = append(errs, o.watchEndpoints(ctx, view, out))
	}
	return utilerrors.NewAggregate(errs)
}

// gatherEndpoints lists the Services (for their IP families) and the
// EndpointSlices of both address types, and groups the slices by Service.
// The two listings are independent: they run at once, and the rows get
// their Service's metadata when both are done.
func (o *GetOptions) gatherEndpoints(ctx context.Context, keepObjects bool) (*endpointsView, []error, error) {
	view := &endpointsView{keepObjects: keepObjects, services: map[string]*corev1.Service{}}
	timeout := requestTimeout(o.configFlags)
	var wg sync.WaitGroup
	var servicesErr error
	wg.Go(func() {
		_, servicesErr = listPages(ctx, timeout, metav1.ListOptions{Limit: o.ChunkSize}, o.Client.CoreV1().Services(o.namespace()).List, func(l *corev1.ServiceList) error {
			for i := range l.Items {
				svc := &l.Items[i]
				view.services[svc.Namespace+"/"+svc.Name] = svc
			}
			return nil
		})
	})
	bySvc := map[string]*printers.ServiceEndpoints{}
	err := o.gatherSlices(ctx, timeout, view, bySvc)
	wg.Wait()
	// The Services' error first, as when they were listed first.
	if err = cmp.Or(servicesErr, err); err != nil {
		return nil, nil, err
	}
	var errs []error
	for _, name := range o.Names {
		if _, ok := bySvc[o.namespace()+"/"+name]; !ok {
			errs = append(errs, apierrors.NewNotFound(schema.GroupResource{Resource: "endpoints"}, name))
		}
	}
	for _, row := range bySvc {
		view.fromService(row)
		view.rows = append(view.rows, *row)
	}
	slices.SortFunc(view.rows, func(a, b printers.ServiceEndpoints) int {
		return cmp.Or(cmp.Compare(a.Meta.Namespace, b.Meta.Namespace), cmp.Compare(a.Meta.Name, b.Meta.Name))
	})
	return view, errs, nil
}

// gatherSlices lists the EndpointSlices (or, on clusters without them, the
// v1 Endpoints) into view.objects and rows by Service, without the
// Services' metadata: they are still being listed.
func (o *GetOptions) gatherSlices(ctx context.Context, timeout time.Duration, view *endpointsView, bySvc map[string]*printers.ServiceEndpoints) error {
	served, err := o.endpointSlicesServed()
	if err != nil {
		return err
	}
	if served {
		opts := o.listOptions()
		opts.LabelSelector = strings.Trim(opts.LabelSelector+","+serviceNameSelector(o.Names), ",")
		view.resourceVersion, err = listPages(ctx, timeout, opts, o.Client.DiscoveryV1().EndpointSlices(o.namespace()).List, func(l *discoveryv1.EndpointSliceList) error {
			for i := range l.Items {
				slice := &l.Items[i]
				view.keep(slice)
				row := newRow(bySvc, slice.Namespace, slice.Labels[discoveryv1.LabelServiceName], slice.ObjectMeta)
				row.Slices = append(row.Slices, dualstack.NewSlice(slice))
			}
			return nil
		})
		return err
	}
	_, err = listPages(ctx, timeout, o.listOptions(), o.Client.CoreV1().Endpoints(o.namespace()).List, func(l *corev1.EndpointsList) error {
		for i := range l.Items {
			ep := &l.Items[i]
			if len(o.Names) > 0 && !slices.Contains(o.Names, ep.Name) {
				continue
			}
			view.keep(ep)
			row := newRow(bySvc, ep.Namespace, ep.Name, ep.ObjectMeta)
			row.Slices = append(row.Slices, dualstack.SlicesFromEndpoints(ep)...)
		}
		return nil
	})
	return err
}

// keep adds obj to the objects, when they are kept.
func (v *endpointsView) keep(obj runtime.Object) {
	if v.keepObjects {
		v.objects = append(v.objects, obj)
	}
}

// row returns the row of Service ns/name, creating it with the Service's
// metadata and IP families (or, for slices whose Service is gone, the
// metadata of the first object seen).
func (v *endpointsView) row(bySvc map[string]*printers.ServiceEndpoints, ns, name string, fallback metav1.ObjectMeta) *printers.ServiceEndpoints {
	if row, ok := bySvc[ns+"/"+name]; ok {
		return row
	}
	row := newRow(bySvc, ns, name, fallback)
	v.fromService(row)
	return row
}

// newRow returns the row of Service ns/name, creating it with the
// creation time of the first object seen.
func newRow(bySvc map[string]*printers.ServiceEndpoints, ns, name string, fallback metav1.ObjectMeta) *printers.ServiceEndpoints {
	key := ns + "/" + name
	if row, ok := bySvc[key]; ok {
		return row
	}
	row := &printers.ServiceEndpoints{Meta: metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: fallback.CreationTimestamp}}
	bySvc[key] = row
	return row
}

// fromService gives row its Service's metadata, IP families and ports, if
// the Service was listed.
func (v *endpointsView) fromService(row *printers.ServiceEndpoints) {
	svc, ok := v.services[row.Meta.Namespace+"/"+row.Meta.Name]
	if !ok {
		return
	}
	row.Meta = svc.ObjectMeta
	row.Families = svc.Spec.IPFamilies
	row.Ports = nil
	for _, p := range svc.Spec.Ports {
		row.Ports = append(row.Ports, p.Name)
	}
}

// serviceNameSelector selects the slices of the named Services, or of any
// Service.
func serviceNameSelector(names []string) string {
	if len(names) == 0 {
		return discoveryv1.LabelServiceName
	}
	return discoveryv1.LabelServiceName + " in (" + strings.Join(names, ",") + ")"
}

// endpointSlicesServed says whether the server has discovery.k8s.io/v1
// (Kubernetes 1.21 and later); older servers get the v1 Endpoints fallback.
func (o *GetOptions) endpointSlicesServed() (bool, error) {
	_, err := o.Client.Discovery().ServerResourcesForGroupVersion(discoveryv1.SchemeGroupVersion.String())
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// sortRows applies --sort-by to the rows (by the Service's metadata) and the
// objects.
func (o *GetOptions) sortRows(view *endpointsView) error {
	if *o.PrintFlags.HumanReadableFlags.SortBy == "" {
		return nil
	}
	metas := make([]runtime.Object, len(view.rows))
	for i := range view.rows {
		metas[i] = &metav1.PartialObjectMetadata{ObjectMeta: view.rows[i].Meta}
	}
	if err := o.sortObjects(metas); err != nil {
		return err
	}
	// The rows were sorted by namespace/name, and each Service has one.
	sorted := make([]printers.ServiceEndpoints, len(metas))
	for i, m := range metas {
		meta := m.(*metav1.PartialObjectMetadata)
		j, _ := slices.BinarySearchFunc(view.rows, meta, func(row printers.ServiceEndpoints, m *metav1.PartialObjectMetadata) int {
			return cmp.Or(cmp.Compare(row.Meta.Namespace, m.Namespace), cmp.Compare(row.Meta.Name, m.Name))
		})
		sorted[i] = view.rows[j]
	}
	view.rows = sorted
	return o.sortObjects(view.objects)
}

// watchEndpoints follows EndpointSlice changes and reprints the row of each
// Service whose slices changed.
func (o *GetOptions) watchEndpoints(ctx context.Context, view *endpointsView, out *output) error {
	slicesBySvc := map[string]map[string]discoveryv1.EndpointSlice{}
	seen := versions{}
	for _, obj := range view.objects {
		if s, ok := obj.(*discoveryv1.EndpointSlice); ok {
			seen.changed(s)
			key := s.Namespace + "/" + s.Labels[discoveryv1.LabelServiceName]
			if slicesBySvc[key] == nil {
				slicesBySvc[key] = map[string]discoveryv1.EndpointSlice{}
			}
			slicesBySvc[key][s.Name] = *s
		}
	}
	opts := o.listOptions()
	opts.LabelSelector = strings.Trim(opts.LabelSelector+","+serviceNameSelector(o.Names), ",")
	client := o.Client.DiscoveryV1().EndpointSlices(o.namespace())
	rv := view.resourceVersion
	if rv == "" {
		return errors.New("--watch of endpoints needs discovery.k8s.io/v1 EndpointSlices, which this server does not serve")
	}
	handle := func(ev watch.EventType, obj runtime.Object) error {
		slice, ok := obj.(*discoveryv1.EndpointSlice)
		if !ok {
			return nil
		}
		seen.changed(slice)
		name := slice.Labels[discoveryv1.LabelServiceName]
		key := slice.Namespace + "/" + name
		if slicesBySvc[key] == nil {
			slicesBySvc[key] = map[string]discoveryv1.EndpointSlice{}
		}
		if ev == watch.Deleted {
			delete(slicesBySvc[key], slice.Name)
			seen.forget(slice)
		} else {
			slicesBySvc[key][slice.Name] = *slice
		}
		row := view.row(map[string]*printers.ServiceEndpoints{}, slice.Namespace, name, slice.ObjectMeta)
		for _, s := range slicesBySvc[key] {
			row.Slices = append(row.Slices, dualstack.NewSlice(&s))
		}
		if !out.human {
			return out.printObjects([]runtime.Object{slice}, true)
		}
		err := out.printTable(o.Tables.Endpoints([]printers.ServiceEndpoints{*row}, o.endpointsOptions()), 1)
		out.flush()
		return err
	}
	// After a 410 the server no longer has the changes since the last
	// version seen (an apiserver restart): the fresh list is the truth, as
	// for an informer's relist. The slices that changed come again as
	// modifications, and those it no longer holds (deleted while the watch
	// was down) as deletions: their Service's row is printed without them.
	relist := func(ctx context.Context) (string, error) {
		listed := map[types.UID]bool{}
		rv, err := listPages(ctx, requestTimeout(o.configFlags), opts, client.List, func(l *discoveryv1.EndpointSliceList) error {
			for i := range l.Items {
				slice := &l.Items[i]
				listed[slice.UID] = true
				if seen[slice.UID] != slice.ResourceVersion {
					if err := handle(watch.Modified, slice); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		for _, gone := range unlisted(slicesBySvc, listed) {
			if err := handle(watch.Deleted, &gone); err != nil {
				return "", err
			}
		}
		return rv, nil
	}
	return watchEvents(ctx, o.ErrOut, rv, func(ctx context.Context, options metav1.ListOptions) (watch.Interface, error) {
		options.LabelSelector, options.FieldSelector = opts.LabelSelector, opts.FieldSelector
		return client.Watch(ctx, options)
	}, relist, handle)
}

// unlisted are the slices of the view that a fresh list no longer holds,
// by Service and name.
func unlisted(slicesBySvc map[string]map[string]discoveryv1.EndpointSlice, listed map[types.UID]bool) []discoveryv1.EndpointSlice {
	var out []discoveryv1.EndpointSlice
	for _, key := range slices.Sorted(maps.Keys(slicesBySvc)) {
		for _, name := range slices.Sorted(maps.Keys(slicesBySvc[key])) {
			if s := slicesBySvc[key][name]; !listed[s.UID] {
				out = append(out, s)
			}
		}
	}
	return out
}
