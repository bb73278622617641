package check

import (
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// Component kinds.
const (
	APIServer         = "kube-apiserver"
	ControllerManager = "kube-controller-manager"
	Scheduler         = "kube-scheduler"
	KubeProxy         = "kube-proxy"
	Kubelet           = "kubelet"
)

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
	// FeatureGates are kubeadm's own featureGates (ClusterConfiguration),
	// each at its key.
	FeatureGates map[string]Setting
}

// KubeadmDocument is one kubeadm configuration document: its apiVersion
// and kind, At its apiVersion field.
type KubeadmDocument struct {
	APIVersion, Kind string
	At               Setting
}

// FileNote is one remark about an input file: At locates it (File, Line,
// Column; Source names the document), Severity is Error for a file that
// could not be read or parsed, Warning for a document of a format check
// does not read, Info for one skipped on purpose (an API object, an empty
// file).
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

// NodeEvent is an event about a node.
type NodeEvent struct {
	Node    string // involvedObject.name
	Message string
	Count   int32 // how many times it happened (1 at least)
}

// EndpointSlice is an EndpointSlice as the rules read it: its metadata,
// without managed fields, and what pairing reads of the rest. A big
// cluster's slices are held for the whole audit, and their endpoints
// (two for each dual-stack pod) are most of what it holds.
type EndpointSlice struct {
	metav1.ObjectMeta
	dualstack.Slice
}

// NewEndpointSlice keeps of s what the rules read.
func NewEndpointSlice(s *discoveryv1.EndpointSlice) EndpointSlice {
	meta := s.ObjectMeta
	meta.ManagedFields = nil
	return EndpointSlice{ObjectMeta: meta, Slice: dualstack.NewSlice(s)}
}

// PodVisitor streams pods: it calls visit for each, page by page, so that
// rules over pods never need every pod in memory at once. An
// UnavailableError makes the pod rules skip; any other error ends the run.
type PodVisitor func(visit func(*corev1.Pod) error) error

// Facts is a cluster's dual-stack configuration, normalised.
type Facts struct {
	// ServerVersion is the Kubernetes version version-dependent rules
	// assume, e.g. "v1.37.0"; VersionSource says where it came from, and
	// starts with AssumedVersion when nothing named it.
	ServerVersion string
	VersionSource string

	Components []Component
	Kubeadm    *Kubeadm
	// KubeadmDocuments are the kubeadm configuration documents read from
	// files (any kind), with the API version each is written in: kubeadm
	// refuses old ones.
	KubeadmDocuments []KubeadmDocument

	ServiceCIDRs []ServiceCIDR
	// ServiceCIDREvents are messages of KubernetesDefaultServiceCIDRInconsistent
	// and KubernetesDefaultServiceCIDRError events.
	ServiceCIDREvents []string
	// IPAddresses are the names of the networking.k8s.io/v1 IPAddress
	// objects: the ClusterIPs in use, one object each (Kubernetes 1.33+).
	IPAddresses []netip.Addr
	// CIDRNotAvailable are node IPAM's events about nodes it found no pod
	// range for.
	CIDRNotAvailable []NodeEvent

	Nodes          []corev1.Node
	Services       []corev1.Service
	EndpointSlices []EndpointSlice
	Pods           PodVisitor
	// Namespaces are read for their ExemptAnnotation, which covers every
	// object in them (exempt.go).
	Namespaces []corev1.Namespace
	// NetworkPolicies are the cluster's and the files' (facts_networkpolicies.go).
	NetworkPolicies []NetworkPolicy

	Ingresses []networkingv1.Ingress
	// Gateways are the Gateway API's Gateways; GatewaysNotServed says why
	// there are none to read when the cluster does not serve the API (no
	// Gateway CRD of v1), "" when it does.
	Gateways          []Gateway
	GatewaysNotServed string

	// FileNotes are what a files gatherer has to say about its inputs: a
	// file it could not read or parse, a document of a kind it does not
	// know. The config-files rule reports them.
	FileNotes []FileNote
	// Inputs are the files a files gatherer read, in reading order.
	Inputs []Input

	// What a distribution's installer configuration says, nil when no
	// such file was read: its own validation rules read it.
	OpenShift *OpenShift
	Kubespray *Kubespray
	EKS       *EKS

	// Probe is the outcome of --probe, nil when not asked for.
	Probe *Probe

	// Unavailable maps a source to why it could not be read.
	Unavailable map[Source]string

	// Distribution names the Kubernetes distribution the facts come from
	// ("k3s", "rke2", "k0s", "talos", "openshift", "eks", "gke", …), and
	// DistributionSource says how it was told; "" when nothing said (a
	// kubeadm-shaped or unknown cluster).
	Distribution       string
	DistributionSource string
	// The distributions' own configurations (facts_<distribution>.go),
	// nil when the files hold none; what they set for kube-apiserver,
	// kube-controller-manager, kube-proxy and the kubelet is in Components
	// and Kubeadm, like any other cluster's.
	K0s   *K0s
	Talos *Talos
	CAPI  *CAPI

	// K3s are the k3s and RKE2 nodes' own configurations, as k3s reads
	// them before it starts any component (the components they start are
	// in Components).
	K3s []K3sConfig

	// CNI is what the network plugin's own configuration says
	// (facts_cni.go), nil when no known plugin's was found.
	CNI *CNI

	// Expect is the stack the user expects ("dual", "ipv4", "ipv6"), or ""
	// to accept any stack the cluster is consistently configured for.
	Expect string
}

// AssumedVersion starts a VersionSource when nothing named the version:
// the rules then assume one, and say so.
const AssumedVersion = "assumed: "

// VersionAssumed says whether ServerVersion is only assumed.
func (f *Facts) VersionAssumed() bool {
	return strings.HasPrefix(f.VersionSource, AssumedVersion)
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
func (f *Facts) MarkUnavailable(source Source, reason string) {
	if f.Unavailable == nil {
		f.Unavailable = map[Source]string{}
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
