// Package live gathers check.Facts from a running cluster, read-only. Every
// source is optional: one that is missing or forbidden is recorded in
// Facts.Unavailable (rules that need it are skipped with the reason), never
// a failure of the whole audit. A server that cannot be talked to is (see
// Fatal): the gatherer stops at the first such error, rather than skip
// every source one by one, each after a full --request-timeout.
package live

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// Gatherer reads a live cluster.
type Gatherer struct {
	Client kubernetes.Interface
	// Dynamic reads other projects' objects (CRDs: the Gateway API's
	// Gateways, Calico's IPPools); nil leaves them unread, and says so.
	Dynamic   dynamic.Interface
	ChunkSize int64 // page size of lists (500 like kubectl)
	// RequestTimeout bounds each List request, its retries included
	// (--request-timeout; client-go bounds the other requests itself).
	RequestTimeout time.Duration
	// Probe asks the apiserver, with a server-side dry run, to allocate a
	// RequireDualStack Service in ProbeNamespace. Nothing is persisted.
	Probe          bool
	ProbeNamespace string
	// Namespace, when set, limits the namespaced objects read (pods,
	// Services, EndpointSlices, Ingresses, Gateways, NetworkPolicies, and
	// the Namespace object itself) to that namespace: summary -n. The
	// control plane's own objects are read where they are.
	Namespace string
}

// Fatal says whether err means the server cannot be talked to at all (no
// connection, TLS, a timeout, a connection lost mid-answer, credentials
// rejected, still throttled after client-go's retries) rather than that
// one source cannot be read (forbidden, not found, a server-side error).
func Fatal(err error) bool {
	var status apierrors.APIStatus
	if err != nil && errors.As(err, &status) {
		return apierrors.IsUnauthorized(err) || apierrors.IsTooManyRequests(err)
	}
	return err != nil
}

// gathering is one source's reading: the facts it found and the fatal
// error that ended it.
type gathering struct {
	Gatherer
	f   *check.Facts
	err error
}

// Gather reads every source. The error is for a server that cannot be
// talked to (Fatal). The sources are independent, so they are read at
// once, each into facts of its own, merged after in a fixed order: the
// outcome does not depend on which answer came first, and when several
// sources fail fatally the error of the first in that order is returned.
// The pods are only streamed later, by the rules (Facts.Pods).
func (g Gatherer) Gather(ctx context.Context) (*check.Facts, error) {
	// One request first: a server that cannot be talked to fails once.
	version, err := g.Client.Discovery().ServerVersion()
	if err != nil {
		return nil, err
	}
	reads := []func(*gathering, context.Context){
		(*gathering).controlPlane, (*gathering).kubeadm, (*gathering).kubeProxy, (*gathering).kubelet, (*gathering).serviceCIDRs, (*gathering).cni,
		(*gathering).ipAddresses, (*gathering).cidrNotAvailable,
		(*gathering).networkPolicies,
		func(s *gathering, ctx context.Context) {
			s.f.Nodes = listAll(ctx, s, check.SourceNodes, g.Client.CoreV1().Nodes().List, func(l *corev1.NodeList) []corev1.Node { return slimNodes(l.Items) })
		},
		func(s *gathering, ctx context.Context) {
			s.f.Services = listAll(ctx, s, check.SourceServices, g.Client.CoreV1().Services(g.Namespace).List, func(l *corev1.ServiceList) []corev1.Service { return l.Items })
		},
		func(s *gathering, ctx context.Context) {
			opts := s.listOptions(s.ChunkSize)
			if g.Namespace != "" {
				opts.FieldSelector = "metadata.name=" + g.Namespace
			}
			s.f.Namespaces = listAllWith(ctx, s, check.SourceNamespaces, opts, g.Client.CoreV1().Namespaces().List, func(l *corev1.NamespaceList) []corev1.Namespace { return l.Items })
		},
		func(s *gathering, ctx context.Context) {
			s.f.EndpointSlices = listAll(ctx, s, check.SourceSlices, g.Client.DiscoveryV1().EndpointSlices(g.Namespace).List, func(l *discoveryv1.EndpointSliceList) []check.EndpointSlice {
				out := make([]check.EndpointSlice, len(l.Items))
				for i := range l.Items {
					out[i] = check.NewEndpointSlice(&l.Items[i])
				}
				return out
			})
		},
		(*gathering).ingresses, (*gathering).gateways,
		func(s *gathering, ctx context.Context) {
			if g.Probe {
				s.f.Probe = s.probe(ctx)
			}
		},
	}
	parts := make([]*gathering, len(reads))
	var wg sync.WaitGroup
	for i, read := range reads {
		parts[i] = &gathering{Gatherer: g, f: &check.Facts{}}
		wg.Go(func() { read(parts[i], ctx) })
	}
	wg.Wait()

	f := &check.Facts{}
	f.ServerVersion, f.VersionSource = serverVersion(version.GitVersion)
	for _, p := range parts {
		if p.err != nil {
			return nil, p.err
		}
		merge(f, p.f)
	}
	// What the nodes say about the cluster, once every source is in.
	addNodeArgs(f)
	f.Distribution, f.DistributionSource = distribution(f.Nodes)
	f.Pods = g.pods(ctx)
	return f, nil
}

// merge adds what one source found to f, after what the sources before it
// found. Most fields come from one source only.
func merge(f, part *check.Facts) {
	f.Components = join(f.Components, part.Components)
	f.Kubeadm = cmp.Or(f.Kubeadm, part.Kubeadm)
	f.ServiceCIDRs = join(f.ServiceCIDRs, part.ServiceCIDRs)
	f.ServiceCIDREvents = join(f.ServiceCIDREvents, part.ServiceCIDREvents)
	f.IPAddresses = join(f.IPAddresses, part.IPAddresses)
	f.CIDRNotAvailable = join(f.CIDRNotAvailable, part.CIDRNotAvailable)
	f.Nodes = join(f.Nodes, part.Nodes)
	f.Services = join(f.Services, part.Services)
	f.EndpointSlices = join(f.EndpointSlices, part.EndpointSlices)
	f.Namespaces = join(f.Namespaces, part.Namespaces)
	f.Ingresses = join(f.Ingresses, part.Ingresses)
	f.Gateways = join(f.Gateways, part.Gateways)
	f.GatewaysNotServed = cmp.Or(f.GatewaysNotServed, part.GatewaysNotServed)
	f.NetworkPolicies = join(f.NetworkPolicies, part.NetworkPolicies)
	f.Probe = cmp.Or(f.Probe, part.Probe)
	f.CNI = cmp.Or(f.CNI, part.CNI)
	for _, source := range slices.Sorted(maps.Keys(part.Unavailable)) {
		f.MarkUnavailable(source, part.Unavailable[source])
	}
}

// join appends part to have, taking part as it is (not copied: a big
// listing) when have is empty.
func join[T any](have, part []T) []T {
	if len(have) == 0 {
		return part
	}
	return append(have, part...)
}

// listOptions are the options of every List: a page of ChunkSize, ending
// within RequestTimeout.
func (g Gatherer) listOptions(limit int64) metav1.ListOptions {
	return metav1.ListOptions{Limit: limit, TimeoutSeconds: TimeoutSeconds(g.RequestTimeout)}
}

// TimeoutSeconds is a List's TimeoutSeconds for --request-timeout timeout
// (nil for none). client-go bounds other requests by the timeout itself,
// retries included; a List without TimeoutSeconds lifts that bound: its
// retries (after 429 Retry-After or a connection reset, up to 10 a second
// apart) may take 10 s past it. With it, client-go ends the request, retries
// included, within the timeout.
func TimeoutSeconds(timeout time.Duration) *int64 {
	if timeout <= 0 {
		return nil
	}
	return ptr.To(int64(math.Ceil(timeout.Seconds())))
}

// unavailable records why a source could not be read, in a user's words,
// or, for a Fatal error, ends the gathering.
func (s *gathering) unavailable(source check.Source, err error) {
	switch {
	case Fatal(err):
		if s.err == nil {
			s.err = err
		}
	default:
		s.f.MarkUnavailable(source, Unreadable(err))
	}
}

// Unreadable says, in a user's words, why a source whose reading failed
// with err (not Fatal) could not be read.
func Unreadable(err error) string {
	switch {
	case apierrors.IsForbidden(err):
		return "forbidden: " + firstLine(err.Error())
	case apierrors.IsNotFound(err):
		return "not served by this cluster: " + firstLine(err.Error())
	}
	return firstLine(err.Error())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// listAll lists every page of a resource; a failure marks the source
// unavailable and returns what was read so far.
func listAll[L interface {
	GetContinue() string
}, T any](ctx context.Context, s *gathering, source check.Source, list func(context.Context, metav1.ListOptions) (L, error), items func(L) []T) []T {
	return listAllWith(ctx, s, source, s.listOptions(s.ChunkSize), list, items)
}

// listAllWith is listAll with options of the caller's (a field selector).
func listAllWith[L interface {
	GetContinue() string
}, T any](ctx context.Context, s *gathering, source check.Source, opts metav1.ListOptions, list func(context.Context, metav1.ListOptions) (L, error), items func(L) []T) []T {
	var out []T
	for {
		l, err := list(ctx, opts)
		if err != nil {
			s.unavailable(source, err)
			return out
		}
		out = append(out, items(l)...)
		if l.GetContinue() == "" {
			return out
		}
		opts.Continue = l.GetContinue()
	}
}

// slimNodes drops what no rule reads of the nodes before they are held for
// the whole audit, on clusters of thousands of nodes: managed fields, and
// the status the kubelet reports for the scheduler and the volume
// controllers (its images alone are often kilobytes a node).
func slimNodes(nodes []corev1.Node) []corev1.Node {
	for i := range nodes {
		n := &nodes[i]
		n.ManagedFields = nil
		n.Status.Capacity, n.Status.Allocatable, n.Status.Images = nil, nil, nil
		n.Status.VolumesInUse, n.Status.VolumesAttached = nil, nil
		n.Status.Config, n.Status.RuntimeHandlers, n.Status.Features = nil, nil, nil
	}
	return nodes
}

// pods streams every pod (of Namespace when set), page by page. The next
// page is fetched while the rules read this one, so that listing and
// rules overlap; at most three pages are held. A Fatal error ends the
// audit (check.Run returns it); any other only makes the pod rules skip.
func (g Gatherer) pods(ctx context.Context) check.PodVisitor {
	return func(visit func(*corev1.Pod) error) error {
		ctx, stop := context.WithCancel(ctx)
		defer stop() // a visit's error ends the listing too
		pages := make(chan podPage, 1)
		go g.listPods(ctx, pages)
		for page := range pages {
			if err := page.err; err != nil {
				if !Fatal(err) {
					err = check.UnavailableError{Err: err}
				}
				return err
			}
			for i := range page.list.Items {
				if err := visit(&page.list.Items[i]); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// podPage is one page of pods, or the error that ended the listing.
type podPage struct {
	list *corev1.PodList
	err  error
}

// listPods sends the pages of pods to pages, then closes it; it stops
// early when ctx ends.
func (g Gatherer) listPods(ctx context.Context, pages chan<- podPage) {
	defer close(pages)
	opts := g.listOptions(g.ChunkSize)
	for {
		l, err := g.Client.CoreV1().Pods(g.Namespace).List(ctx, opts)
		select {
		case pages <- podPage{l, err}:
		case <-ctx.Done():
			return
		}
		if err != nil || l.Continue == "" {
			return
		}
		opts.Continue = l.Continue
	}
}

// controlPlane reads the mirror pods of static control-plane pods: their
// command lines are the components' live flags.
func (s *gathering) controlPlane(ctx context.Context) {
	opts := s.listOptions(0)
	opts.LabelSelector = "tier=control-plane"
	pods, err := s.Client.CoreV1().Pods(metav1.NamespaceSystem).List(ctx, opts)
	if err != nil {
		s.unavailable(check.SourceControlPlane, err)
		return
	}
	found := false
	for i := range pods.Items {
		pod := &pods.Items[i]
		kind := pod.Labels["component"]
		if kind != check.APIServer && kind != check.ControllerManager && kind != check.Scheduler {
			continue
		}
		if c, ok := componentFromPod(pod, kind); ok {
			s.f.Components = append(s.f.Components, c)
			found = true
		}
	}
	if !found {
		s.f.MarkUnavailable(check.SourceControlPlane, noControlPlanePods)
	}
}

// The reasons a source is missing that node-args annotations (addNodeArgs)
// can make up for.
const (
	noControlPlanePods = "no static control-plane pods (labels tier=control-plane, component=kube-apiserver...) in kube-system, and no k3s or RKE2 node-args annotations: a managed control plane hides its flags"
	noKubeProxyConfig  = "no ConfigMap kube-system/kube-proxy and no kube-proxy DaemonSet in kube-system (another proxy, or kube-proxy configured on the nodes)"
)

// componentFromPod reads a component's flags from its pod's container.
func componentFromPod(pod *corev1.Pod, kind string) (check.Component, bool) {
	for _, c := range pod.Spec.Containers {
		args := append(append([]string{}, c.Command...), c.Args...)
		if len(pod.Spec.Containers) > 1 && c.Name != kind && !strings.HasSuffix(firstOr(args), kind) {
			continue
		}
		where := fmt.Sprintf("pod %s/%s", pod.Namespace, pod.Name)
		comp := check.Component{Kind: kind, Instance: pod.Name, Source: where, Settings: source.ParseFlags(args, where), Version: source.ImageTag(c.Image)}
		return comp, true
	}
	return check.Component{}, false
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// kubeadm reads the ClusterConfiguration from kube-system/kubeadm-config. A
// cluster without it is not a kubeadm cluster: nothing to read, no skip.
func (s *gathering) kubeadm(ctx context.Context) {
	cm, err := s.Client.CoreV1().ConfigMaps(metav1.NamespaceSystem).Get(ctx, "kubeadm-config", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return
	}
	if err != nil {
		s.unavailable(check.SourceKubeadm, err)
		return
	}
	k, err := source.ParseClusterConfiguration([]byte(cm.Data["ClusterConfiguration"]), "ConfigMap kube-system/kubeadm-config ClusterConfiguration")
	if err != nil {
		s.f.MarkUnavailable(check.SourceKubeadm, "ConfigMap kube-system/kubeadm-config: "+err.Error())
		return
	}
	s.f.Kubeadm = k
}

// kubeProxy reads kube-proxy's configuration file from its ConfigMap or,
// without one, kube-proxy's flags from its DaemonSet.
func (s *gathering) kubeProxy(ctx context.Context) {
	cm, err := s.Client.CoreV1().ConfigMaps(metav1.NamespaceSystem).Get(ctx, "kube-proxy", metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			s.kubeProxyDaemonSets(ctx)
			return
		}
		s.unavailable(check.SourceKubeProxy, err)
		return
	}
	where := "ConfigMap kube-system/kube-proxy config.conf"
	c, err := source.ParseKubeProxyConfiguration([]byte(cm.Data["config.conf"]), where)
	if err != nil {
		s.f.MarkUnavailable(check.SourceKubeProxy, where+": "+err.Error())
		return
	}
	s.f.Components = append(s.f.Components, c)
}

// kubeProxyDaemonSets reads kube-proxy's flags from the command line of
// the kube-system DaemonSets that run it. One that reads a configuration
// file (--config) takes its settings from the file, not from its other
// flags (cmd/kube-proxy/app/server.go Options.Complete): it is not read.
func (s *gathering) kubeProxyDaemonSets(ctx context.Context) {
	list, err := s.Client.AppsV1().DaemonSets(metav1.NamespaceSystem).List(ctx, s.listOptions(0))
	if err != nil {
		s.unavailable(check.SourceKubeProxy, err)
		return
	}
	var unread []string
	for i := range list.Items {
		ds := &list.Items[i]
		container, ok := kubeProxyContainer(ds)
		if !ok {
			if ds.Name == "kube-proxy" {
				unread = append(unread, fmt.Sprintf("DaemonSet %s/%s runs no container whose command is kube-proxy", ds.Namespace, ds.Name))
			}
			continue
		}
		where := fmt.Sprintf("DaemonSet %s/%s", ds.Namespace, ds.Name)
		if len(ds.Spec.Template.Spec.Containers) > 1 {
			where += " container " + container.Name
		}
		settings := source.ParseFlags(append(slices.Clone(container.Command), container.Args...), where)
		if config, ok := settings["config"]; ok {
			unread = append(unread, fmt.Sprintf("%s reads its configuration from --config=%s", where, config.Value))
			continue
		}
		s.f.Components = append(s.f.Components, check.Component{Kind: check.KubeProxy, Instance: ds.Name, Source: where, Settings: settings, Version: source.ImageTag(container.Image)})
	}
	switch {
	case len(s.f.Components) > 0:
	case len(unread) > 0:
		s.f.MarkUnavailable(check.SourceKubeProxy, "no ConfigMap kube-system/kube-proxy; "+strings.Join(unread, "; "))
	default:
		s.f.MarkUnavailable(check.SourceKubeProxy, noKubeProxyConfig)
	}
}

// kubeProxyContainer is a DaemonSet's kube-proxy container: one whose
// command is kube-proxy or, with no command (the image's entrypoint), one
// named kube-proxy. One run through a shell is not: its flags are a
// script.
func kubeProxyContainer(ds *appsv1.DaemonSet) (corev1.Container, bool) {
	for _, c := range ds.Spec.Template.Spec.Containers {
		if (len(c.Command) > 0 && path.Base(c.Command[0]) == check.KubeProxy) || (len(c.Command) == 0 && c.Name == check.KubeProxy) {
			return c, true
		}
	}
	return corev1.Container{}, false
}

// kubelet reads the base KubeletConfiguration kubeadm shares with every
// node. (Per-node configz goes through nodes/proxy to each kubelet's port;
// it is not read: the plugin talks to the API server only.)
func (s *gathering) kubelet(ctx context.Context) {
	cm, err := s.Client.CoreV1().ConfigMaps(metav1.NamespaceSystem).Get(ctx, "kubelet-config", metav1.GetOptions{})
	if err != nil {
		if !apierrors.IsNotFound(err) {
			s.unavailable(check.SourceKubelet, err)
		}
		return
	}
	where := "ConfigMap kube-system/kubelet-config kubelet"
	c, err := source.ParseKubeletConfiguration([]byte(cm.Data["kubelet"]), where)
	if err != nil {
		s.f.MarkUnavailable(check.SourceKubelet, "ConfigMap kube-system/kubelet-config: "+err.Error())
		return
	}
	c.Instance = "kubelet-config"
	s.f.Components = append(s.f.Components, c)
}

// serviceCIDRs reads the ServiceCIDRs (servicecidr_versions.go) and the
// apiserver's events about the default one.
func (s *gathering) serviceCIDRs(ctx context.Context) {
	list, err := listServiceCIDRs(ctx, s.Client, s.listOptions(0))
	switch {
	case Fatal(err):
		s.err = err
		return
	case err != nil:
		s.unavailable(check.SourceServiceCIDRs, err)
	default:
		for _, sc := range list.Items {
			s.f.ServiceCIDRs = append(s.f.ServiceCIDRs, check.ServiceCIDR{Name: sc.Name, CIDRs: sc.Spec.CIDRs})
		}
	}
	for _, reason := range []string{"KubernetesDefaultServiceCIDRInconsistent", "KubernetesDefaultServiceCIDRError"} {
		opts := s.listOptions(0)
		opts.FieldSelector = "reason=" + reason
		events, err := s.Client.CoreV1().Events("").List(ctx, opts)
		if err != nil {
			s.unavailable(check.SourceEvents, err)
			return
		}
		for _, e := range events.Items {
			s.f.ServiceCIDREvents = append(s.f.ServiceCIDREvents, e.Reason+": "+e.Message)
		}
	}
}

// probe asks the apiserver to allocate a RequireDualStack Service in a
// server-side dry run: nothing is stored.
func (s *gathering) probe(ctx context.Context) *check.Probe {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "kubectl-dualstack-probe-"},
		Spec: corev1.ServiceSpec{
			IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicyRequireDualStack),
			Ports:          []corev1.ServicePort{{Port: 80}},
		},
	}
	created, err := s.Client.CoreV1().Services(s.ProbeNamespace).Create(ctx, svc, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	switch {
	case Fatal(err):
		s.err = err
		return nil
	case apierrors.IsForbidden(err):
		return &check.Probe{Skipped: "forbidden to create Services in " + s.ProbeNamespace + " (even as a dry run)"}
	case err != nil:
		return &check.Probe{Error: err.Error()}
	}
	return &check.Probe{ClusterIPs: created.Spec.ClusterIPs}
}
