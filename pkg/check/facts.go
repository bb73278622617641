// Package check audits a cluster's dual-stack configuration against the
// rules Kubernetes itself enforces (shared/design/RULES.md). A gatherer
// (live cluster or files) fills Facts; rules read Facts and report
// Findings; a report renders them. Rules never know where facts came from.
package check

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
)

// Component kinds.
const (
	APIServer         = "kube-apiserver"
	ControllerManager = "kube-controller-manager"
	Scheduler         = "kube-scheduler"
	KubeProxy         = "kube-proxy"
	Kubelet           = "kubelet"
)

// Sources a gatherer may fail to read; a rule that needs one is skipped,
// with the reason, when it is in Facts.Unavailable.
const (
	SourceControlPlane  = "control-plane pods"       // static pods' command lines in kube-system
	SourceKubeadm       = "kubeadm-config ConfigMap" // kube-system/kubeadm-config
	SourceKubeProxy     = "kube-proxy configuration" // kube-system/kube-proxy ConfigMap or pods
	SourceKubelet       = "kubelet configuration"    // kubelet-config ConfigMap, configz
	SourceServiceCIDRs  = "ServiceCIDR objects"      // networking.k8s.io/v1 servicecidrs
	SourceEvents        = "events"                   // kube-system/default events
	SourceNodes         = "nodes"                    // core/v1 nodes
	SourcePods          = "pods"                     // core/v1 pods (streamed)
	SourceServices      = "services"                 // core/v1 services
	SourceSlices        = "EndpointSlices"           // discovery.k8s.io/v1
	SourceServerVersion = "server version"
	SourceProbe         = "dual-stack allocation probe" // --probe
)

// SourcePermission is what a live check needs to read a source: the RBAC
// permission, and the role of deploy/rbac.yaml that grants it.
type SourcePermission struct {
	Source     string
	Permission string
	Role       string
}

// SourcePermissions has one entry per Source*, in the README's order: its
// permissions table is generated from it and the rules' Needs (make readme).
var SourcePermissions = []SourcePermission{
	{SourceControlPlane, "list pods in kube-system", "dualstack-viewer"},
	{SourceKubeadm, "get ConfigMap kube-system/kubeadm-config", "dualstack-viewer (Role in kube-system)"},
	{SourceKubeProxy, "get ConfigMap kube-system/kube-proxy", "dualstack-viewer (Role in kube-system)"},
	{SourceKubelet, "get ConfigMap kube-system/kubelet-config", "dualstack-viewer (Role in kube-system)"},
	{SourceServiceCIDRs, "list servicecidrs.networking.k8s.io", "dualstack-viewer"},
	{SourceEvents, "list events in all namespaces", "dualstack-viewer"},
	{SourceNodes, "list nodes", "dualstack-viewer"},
	{SourcePods, "list pods in all namespaces", "dualstack-viewer"},
	{SourceServices, "list services in all namespaces", "dualstack-viewer"},
	{SourceSlices, "list endpointslices.discovery.k8s.io in all namespaces", "dualstack-viewer"},
	{SourceServerVersion, "get /version", "every user (system:public-info-viewer)"},
	{SourceProbe, "create services in the current namespace, only ever as a server-side dry run", "dualstack-probe, bound in that namespace"},
}

// Setting is one configuration value and where it was read.
type Setting struct {
	Value string
	// Source says where, for people: `pod kube-system/kube-apiserver-cp1,
	// arg --service-cluster-ip-range` or `ConfigMap kube-system/kube-proxy
	// config.conf clusterCIDR`.
	Source string
	// File, Line and Column locate the value in a configuration file, when
	// it came from one.
	File         string
	Line, Column int
}

// Component is one instance of a control-plane or node program, with its
// settings keyed by flag name without dashes. Settings from configuration
// files are stored under the equivalent flag's name (kube-proxy's
// clusterCIDR as "cluster-cidr").
type Component struct {
	Kind     string // APIServer, ControllerManager, ...
	Instance string // pod or node name, or ConfigMap
	Source   string // where its settings came from
	Settings map[string]Setting
	// Version is the component's Kubernetes version when known (image tag).
	Version string
	// File and Line locate the component's definition (a static pod
	// manifest's container, a configuration document) when it came from a
	// file: findings about unset flags point there.
	File string
	Line int
}

// Setting returns the named setting and whether it is set.
func (c Component) Setting(name string) (Setting, bool) {
	s, ok := c.Settings[name]
	return s, ok
}

// Kubeadm is what a kubeadm ClusterConfiguration says about networking.
type Kubeadm struct {
	Source string
	// File and Line locate the ClusterConfiguration document, when read
	// from a file.
	File          string
	Line          int
	PodSubnet     *Setting
	ServiceSubnet *Setting
	// ExtraArgs per component (apiServer, controllerManager, scheduler).
	ExtraArgs map[string]map[string]Setting
	// AdvertiseAddress is an InitConfiguration's
	// localAPIEndpoint.advertiseAddress, the kube-apiserver's
	// --advertise-address kubeadm generates (read from files only: the
	// kubeadm-config ConfigMap does not keep it).
	AdvertiseAddress *Setting
}

// FileNote is one remark about an input file: At locates it (File, Line,
// Column; Source names the document), Severity is Error for a file that
// could not be read or parsed, Info for one skipped on purpose.
type FileNote struct {
	At       Setting
	Severity Severity
	Message  string
}

// ServiceCIDR is a networking.k8s.io ServiceCIDR object.
type ServiceCIDR struct {
	Name  string
	CIDRs []string
}

// PodVisitor streams pods: it calls visit for each, page by page, so that
// rules over pods never need every pod in memory at once.
type PodVisitor func(visit func(*corev1.Pod) error) error

// Facts is a cluster's dual-stack configuration, normalised.
type Facts struct {
	// ServerVersion is the Kubernetes version version-dependent rules
	// assume, e.g. "v1.37.0"; VersionSource says where it came from.
	ServerVersion string
	VersionSource string

	Components []Component
	Kubeadm    *Kubeadm

	ServiceCIDRs []ServiceCIDR
	// ServiceCIDREvents are messages of KubernetesDefaultServiceCIDRInconsistent
	// and KubernetesDefaultServiceCIDRError events.
	ServiceCIDREvents []string

	Nodes          []corev1.Node
	Services       []corev1.Service
	EndpointSlices []discoveryv1.EndpointSlice
	Pods           PodVisitor

	// FileNotes are what a files gatherer has to say about its inputs: a
	// file it could not read or parse, a document of a kind it does not
	// know. The config-files rule reports them.
	FileNotes []FileNote

	// Probe is the outcome of --probe, nil when not asked for.
	Probe *Probe

	// Unavailable maps a Source* name to why it could not be read.
	Unavailable map[string]string

	// Expect is the stack the user expects ("dual", "ipv4", "ipv6"), or ""
	// to accept any stack the cluster is consistently configured for.
	Expect string

	// podIndex caches the node lookups of the pod rules (object_rules.go);
	// podIndexBuilds counts its builds, for tests.
	podIndex       *podIndex
	podIndexBuilds int
}

// ComponentsOf returns the instances of one component kind.
func (f *Facts) ComponentsOf(kind string) []Component {
	var out []Component
	for _, c := range f.Components {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// MarkUnavailable records that source could not be read and why.
func (f *Facts) MarkUnavailable(source, reason string) {
	if f.Unavailable == nil {
		f.Unavailable = map[string]string{}
	}
	if _, seen := f.Unavailable[source]; !seen {
		f.Unavailable[source] = reason
	}
}

// Probe is the outcome of a server-side dry-run creation of a
// RequireDualStack Service: what the apiserver would allocate.
type Probe struct {
	ClusterIPs []string // allocated, when the dry run succeeded
	Error      string   // the apiserver's refusal, when it failed
	Skipped    string   // why the probe could not run (forbidden, say)
}
