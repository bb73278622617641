// Package live gathers check.Facts from a running cluster, read-only. Every
// source is optional: one that is missing or forbidden is recorded in
// Facts.Unavailable (rules that need it are skipped with the reason), never
// a failure of the whole audit. Only an unreachable server is.
package live

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// Gatherer reads a live cluster.
type Gatherer struct {
	Client    kubernetes.Interface
	ChunkSize int64 // page size of lists (500 like kubectl)
	// Probe asks the apiserver, with a server-side dry run, to allocate a
	// RequireDualStack Service in ProbeNamespace. Nothing is persisted.
	Probe          bool
	ProbeNamespace string
}

// Gather reads every source. The error is only for a server that cannot
// be reached at all.
func (g Gatherer) Gather(ctx context.Context) (*check.Facts, error) {
	f := &check.Facts{}
	version, err := g.Client.Discovery().ServerVersion()
	if err != nil {
		return nil, err
	}
	f.ServerVersion, f.VersionSource = version.GitVersion, "the API server's /version"

	g.controlPlane(ctx, f)
	g.kubeadm(ctx, f)
	g.kubeProxy(ctx, f)
	g.kubelet(ctx, f)
	g.serviceCIDRs(ctx, f)

	f.Nodes = listAll(ctx, f, check.SourceNodes, g.ChunkSize, g.Client.CoreV1().Nodes().List, func(l *corev1.NodeList) []corev1.Node { return l.Items })
	f.Services = listAll(ctx, f, check.SourceServices, g.ChunkSize, g.Client.CoreV1().Services("").List, func(l *corev1.ServiceList) []corev1.Service { return l.Items })
	f.EndpointSlices = listAll(ctx, f, check.SourceSlices, g.ChunkSize, g.Client.DiscoveryV1().EndpointSlices("").List, func(l *discoveryv1.EndpointSliceList) []discoveryv1.EndpointSlice { return l.Items })
	f.Pods = g.pods(ctx)
	if g.Probe {
		f.Probe = g.probe(ctx)
	}
	return f, nil
}

// unavailable records why a source could not be read, in a user's words.
func unavailable(f *check.Facts, source string, err error) {
	switch {
	case apierrors.IsForbidden(err):
		f.MarkUnavailable(source, "forbidden: "+firstLine(err.Error()))
	case apierrors.IsNotFound(err):
		f.MarkUnavailable(source, "not served by this cluster: "+firstLine(err.Error()))
	default:
		f.MarkUnavailable(source, firstLine(err.Error()))
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// listAll lists every page of a resource; a failure marks the source
// unavailable and returns what was read so far.
func listAll[L interface {
	GetContinue() string
}, T any](ctx context.Context, f *check.Facts, source string, chunk int64, list func(context.Context, metav1.ListOptions) (L, error), items func(L) []T) []T {
	var out []T
	opts := metav1.ListOptions{Limit: chunk}
	for {
		l, err := list(ctx, opts)
		if err != nil {
			unavailable(f, source, err)
			return out
		}
		out = append(out, items(l)...)
		if l.GetContinue() == "" {
			return out
		}
		opts.Continue = l.GetContinue()
	}
}

// pods streams every pod, page by page.
func (g Gatherer) pods(ctx context.Context) check.PodVisitor {
	return func(visit func(*corev1.Pod) error) error {
		opts := metav1.ListOptions{Limit: g.ChunkSize}
		for {
			l, err := g.Client.CoreV1().Pods("").List(ctx, opts)
			if err != nil {
				return err
			}
			for i := range l.Items {
				if err := visit(&l.Items[i]); err != nil {
					return err
				}
			}
			if l.Continue == "" {
				return nil
			}
			opts.Continue = l.Continue
		}
	}
}

// controlPlane reads the mirror pods of static control-plane pods: their
// command lines are the components' live flags.
func (g Gatherer) controlPlane(ctx context.Context, f *check.Facts) {
	pods, err := g.Client.CoreV1().Pods(metav1.NamespaceSystem).List(ctx, metav1.ListOptions{LabelSelector: "tier=control-plane"})
	if err != nil {
		unavailable(f, check.SourceControlPlane, err)
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
			f.Components = append(f.Components, c)
			found = true
		}
	}
	if !found {
		f.MarkUnavailable(check.SourceControlPlane, "no static control-plane pods (labels tier=control-plane, component=kube-apiserver...) in kube-system: a managed control plane hides its flags")
	}
}

// componentFromPod reads a component's flags from its pod's container.
func componentFromPod(pod *corev1.Pod, kind string) (check.Component, bool) {
	for _, c := range pod.Spec.Containers {
		args := append(append([]string{}, c.Command...), c.Args...)
		if len(pod.Spec.Containers) > 1 && c.Name != kind && !strings.HasSuffix(firstOr(args), kind) {
			continue
		}
		where := fmt.Sprintf("pod %s/%s", pod.Namespace, pod.Name)
		comp := check.Component{Kind: kind, Instance: pod.Name, Source: where, Settings: check.ParseFlags(args, where), Version: check.ImageTag(c.Image)}
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
func (g Gatherer) kubeadm(ctx context.Context, f *check.Facts) {
	cm, err := g.Client.CoreV1().ConfigMaps(metav1.NamespaceSystem).Get(ctx, "kubeadm-config", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return
	}
	if err != nil {
		unavailable(f, check.SourceKubeadm, err)
		return
	}
	k, err := check.ParseClusterConfiguration([]byte(cm.Data["ClusterConfiguration"]), "ConfigMap kube-system/kubeadm-config ClusterConfiguration")
	if err != nil {
		f.MarkUnavailable(check.SourceKubeadm, "ConfigMap kube-system/kubeadm-config: "+err.Error())
		return
	}
	f.Kubeadm = k
}

// kubeProxy reads kube-proxy's configuration file from its ConfigMap.
func (g Gatherer) kubeProxy(ctx context.Context, f *check.Facts) {
	cm, err := g.Client.CoreV1().ConfigMaps(metav1.NamespaceSystem).Get(ctx, "kube-proxy", metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			f.MarkUnavailable(check.SourceKubeProxy, "no ConfigMap kube-system/kube-proxy (another proxy, or kube-proxy configured by flags on the nodes)")
			return
		}
		unavailable(f, check.SourceKubeProxy, err)
		return
	}
	where := "ConfigMap kube-system/kube-proxy config.conf"
	c, err := check.ParseKubeProxyConfiguration([]byte(cm.Data["config.conf"]), where)
	if err != nil {
		f.MarkUnavailable(check.SourceKubeProxy, where+": "+err.Error())
		return
	}
	f.Components = append(f.Components, c)
}

// kubelet reads the base KubeletConfiguration kubeadm shares with every
// node. (Per-node configz goes through nodes/proxy to each kubelet's port;
// it is not read: the plugin talks to the API server only.)
func (g Gatherer) kubelet(ctx context.Context, f *check.Facts) {
	cm, err := g.Client.CoreV1().ConfigMaps(metav1.NamespaceSystem).Get(ctx, "kubelet-config", metav1.GetOptions{})
	if err != nil {
		if !apierrors.IsNotFound(err) {
			unavailable(f, check.SourceKubelet, err)
		}
		return
	}
	where := "ConfigMap kube-system/kubelet-config kubelet"
	c, err := check.ParseKubeletConfiguration([]byte(cm.Data["kubelet"]), where)
	if err != nil {
		f.MarkUnavailable(check.SourceKubelet, "ConfigMap kube-system/kubelet-config: "+err.Error())
		return
	}
	c.Instance = "kubelet-config"
	f.Components = append(f.Components, c)
}

// serviceCIDRs reads networking.k8s.io/v1 ServiceCIDRs (Kubernetes 1.33+)
// and the apiserver's events about the default one.
func (g Gatherer) serviceCIDRs(ctx context.Context, f *check.Facts) {
	list, err := g.Client.NetworkingV1().ServiceCIDRs().List(ctx, metav1.ListOptions{})
	if err != nil {
		unavailable(f, check.SourceServiceCIDRs, err)
	} else {
		for _, sc := range list.Items {
			f.ServiceCIDRs = append(f.ServiceCIDRs, check.ServiceCIDR{Name: sc.Name, CIDRs: sc.Spec.CIDRs})
		}
	}
	for _, reason := range []string{"KubernetesDefaultServiceCIDRInconsistent", "KubernetesDefaultServiceCIDRError"} {
		events, err := g.Client.CoreV1().Events("").List(ctx, metav1.ListOptions{FieldSelector: "reason=" + reason})
		if err != nil {
			unavailable(f, check.SourceEvents, err)
			return
		}
		for _, e := range events.Items {
			f.ServiceCIDREvents = append(f.ServiceCIDREvents, e.Reason+": "+e.Message)
		}
	}
}

// probe asks the apiserver to allocate a RequireDualStack Service in a
// server-side dry run: nothing is stored.
func (g Gatherer) probe(ctx context.Context) *check.Probe {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "kubectl-dualstack-probe-"},
		Spec: corev1.ServiceSpec{
			IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicyRequireDualStack),
			Ports:          []corev1.ServicePort{{Port: 80}},
		},
	}
	created, err := g.Client.CoreV1().Services(g.ProbeNamespace).Create(ctx, svc, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	switch {
	case apierrors.IsForbidden(err):
		return &check.Probe{Skipped: "forbidden to create Services in " + g.ProbeNamespace + " (even as a dry run)"}
	case err != nil:
		return &check.Probe{Error: err.Error()}
	}
	return &check.Probe{ClusterIPs: created.Spec.ClusterIPs}
}
