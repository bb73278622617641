// Package summary answers "how far along to dual-stack are we?": per
// namespace (or per owner), the pods, Services, load balancers, Ingresses
// and NetworkPolicies that have both IP families, and a readiness
// percentage, under a line about the cluster (stack, CNI, address
// capacity). It counts check's Facts and streams the pods once: memory
// holds one set of counters per group, never the pods.
//
// The JSON and YAML of Summary are a contract, documented field by field
// in docs/summary.md: fields are only ever added. A count that could not
// be made (its source unreadable) is null, never 0.
package summary

import corev1 "k8s.io/api/core/v1"

// How groups are formed (--by).
const (
	ByNamespace = "namespace"
	ByOwner     = "owner"
)

// Groupings lists the values of --by.
var Groupings = []string{ByNamespace, ByOwner}

// Summary is what `kubectl dualstack summary` prints.
type Summary struct {
	Cluster Cluster `json:"cluster"`
	Scope   Scope   `json:"scope"`
	// Groups are the namespaces (or owners), worst readiness first.
	Groups []Group `json:"groups"`
	Total  Counts  `json:"total"`
	// Complete is false when a source could not be read: Unknown says
	// which, and which counts it leaves null.
	Complete bool      `json:"complete"`
	Unknown  []Unknown `json:"unknown"`
}

// Scope is what was counted.
type Scope struct {
	Namespace string `json:"namespace"` // "" for every namespace
	Selector  string `json:"selector"`  // the -l label selector, "" for none
	By        string `json:"by"`        // ByNamespace or ByOwner
	// Config is the configuration file whose exemptions were counted
	// (docs/config.md), "" when none.
	Config string `json:"config,omitempty"`
}

// Unknown is a source that could not be read, and the fields it leaves
// null.
type Unknown struct {
	Source  string   `json:"source"`
	Reason  string   `json:"reason"`
	Affects []string `json:"affects"`
}

// Group is one namespace or one owner and its counts.
type Group struct {
	Namespace string `json:"namespace"`
	// Owner is the group's owner with --by owner; nil for the objects of
	// the namespace that have none.
	Owner *Owner `json:"owner,omitempty"`
	Counts
	// NotDual names what lacks a family (not exempt), at most MaxNames.
	NotDual Names `json:"notDual"`
}

// Owner is what objects are grouped by with --by owner: a Helm release
// (Kind HelmRelease) or the top owner reference (Deployment, CronJob,
// StatefulSet, DaemonSet, ...).
type Owner struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Names are the first names of a list and how many more there are.
type Names struct {
	Names []string `json:"names"`
	More  int      `json:"more"`
}

// MaxNames bounds Group.NotDual: the names of a big namespace would grow
// with its pods.
const MaxNames = 5

// Counts are a group's (or the total's) counts; nil is unknown.
type Counts struct {
	Pods     *Pods     `json:"pods"`
	Services *Services `json:"services"`
	// LoadBalancers are the LoadBalancer Services; Dual those whose
	// status publishes an IP address of each family.
	LoadBalancers *Ratio `json:"loadBalancers"`
	// Ingresses: Dual those whose status publishes an IP address of each
	// family.
	Ingresses       *Ratio           `json:"ingresses"`
	NetworkPolicies *NetworkPolicies `json:"networkPolicies"`
	// Exempt are the objects without both families that an exemption
	// covers: left out of Readiness.
	Exempt    *Exempt    `json:"exempt"`
	Readiness *Readiness `json:"readiness"`
}

// Pods counts the Running pods.
type Pods struct {
	Running int `json:"running"`
	Dual    int `json:"dual"` // with an IP address of each family
}

// Services counts the Services (ExternalName ones and default/kubernetes
// left out) by IP family policy; headless ones apart.
type Services struct {
	Dual            int `json:"dual"`            // RequireDualStack, or PreferDualStack with both families
	PreferButSingle int `json:"preferButSingle"` // PreferDualStack with one family
	Single          int `json:"single"`          // SingleStack (or no policy)
	// Headless: Dual those with both families.
	Headless Ratio `json:"headless"`
	// BackendsMissingFamily counts the Services with both families (headless
	// ones too) whose EndpointSlices lack a family for a backend, or lack
	// an address type; nil when EndpointSlices could not be read.
	BackendsMissingFamily *int `json:"backendsMissingFamily"`
}

// Ratio is how many of Total have both families.
type Ratio struct {
	Dual  int `json:"dual"`
	Total int `json:"total"`
}

// NetworkPolicies counts the NetworkPolicies.
type NetworkPolicies struct {
	Total        int `json:"total"`
	WithIPBlocks int `json:"withIPBlocks"`
	// OneFamily have a rule whose ipBlocks leave a family out
	// (networkpolicies-ipblock-families).
	OneFamily int `json:"oneFamily"`
}

// Exempt counts, by kind, the objects without both families that are
// exempt from the rule that would report them.
type Exempt struct {
	Pods            int `json:"pods"`
	Services        int `json:"services"`
	LoadBalancers   int `json:"loadBalancers"`
	Ingresses       int `json:"ingresses"`
	NetworkPolicies int `json:"networkPolicies"`
}

// Sum is the exempt objects of every kind.
func (e Exempt) Sum() int {
	return e.Pods + e.Services + e.LoadBalancers + e.Ingresses + e.NetworkPolicies
}

// Readiness is the share of the counted items that are dual-stack:
// Ready of Counted, exempt objects left out (readiness.go).
type Readiness struct {
	Ready   int  `json:"ready"`
	Counted int  `json:"counted"`
	Percent *int `json:"percent"` // rounded down; nil when nothing is counted
}

// Cluster is the line about the cluster above the groups.
type Cluster struct {
	Stack             string            `json:"stack"`    // "dual-stack IPv4-primary", "single-stack IPv4", "unknown"
	Families          []corev1.IPFamily `json:"families"` // primary first; nil when unknown
	PrimaryFamily     corev1.IPFamily   `json:"primaryFamily"`
	KubernetesVersion string            `json:"kubernetesVersion"`
	// Distribution is "k3s", "rke2", "openshift", ..., "" when nothing on
	// the nodes names one (kubeadm or an unknown distribution).
	Distribution string `json:"distribution"`
	CNI          *CNI   `json:"cni"` // nil: unknown (WhyUnknown["cni"] says why)
	// PodRanges are node IPAM's cluster CIDRs and the node ranges taken;
	// nil when unknown.
	PodRanges []PodRanges `json:"podRanges"`
	// ServiceAddresses are each family's service addresses in use; nil
	// when unknown.
	ServiceAddresses []ServiceAddresses `json:"serviceAddresses"`
	// WhyUnknown says, for each part that is unknown (stack, cni,
	// podRanges, serviceAddresses), why.
	WhyUnknown map[string]string `json:"whyUnknown,omitempty"`
}

// CNI is the network plugin and its IPAM, and what told them.
type CNI struct {
	Name   string `json:"name"`
	IPAM   string `json:"ipam"`
	Source string `json:"source"`
}

// PodRanges is one cluster CIDR's node pod ranges.
type PodRanges struct {
	Family       corev1.IPFamily `json:"family"`
	ClusterCIDR  string          `json:"clusterCIDR"`
	NodeMask     int             `json:"nodeMask"`
	Ranges       uint64          `json:"ranges"`
	Taken        uint64          `json:"taken"`
	NodesWithout int             `json:"nodesWithout"`
}

// ServiceAddresses is one family's service addresses over its
// ServiceCIDRs.
type ServiceAddresses struct {
	Family       corev1.IPFamily `json:"family"`
	ServiceCIDRs []string        `json:"serviceCIDRs"`
	Size         uint64          `json:"size"`
	Used         uint64          `json:"used"`
}
