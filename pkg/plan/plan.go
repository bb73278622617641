// Package plan computes the steps that take a single-stack (or
// half-converted) cluster to dual-stack, from the facts `check` gathers. It
// never changes the cluster: its output is for people (text) and for tools
// (JSON and YAML, a documented contract in docs/plan.md).
package plan

import "encoding/json"

// Kind says what a step changes.
type Kind string

const (
	KindComponentFlags Kind = "component-flags" // a control-plane or node component's flags or configuration
	KindNode           Kind = "node"            // one node: kubelet --node-ip, re-registration
	KindCNI            Kind = "cni"             // the network plugin
	KindPods           Kind = "pods"            // pods to recreate, by namespace
	KindService        Kind = "service"         // one Service that stays single-stack
	KindAdmission      Kind = "admission"       // new Services' default policy
	KindVerify         Kind = "verify"          // the final check
)

// Plan is the way from the cluster's stack to dual-stack.
type Plan struct {
	// Stack is the cluster's stack now, for people: "single-stack IPv4",
	// "dual-stack IPv4-primary", "unknown".
	Stack string `json:"stack"`
	// Families are the cluster's IP families now, primary first; Target
	// those after the plan.
	Families []string `json:"families"`
	Target   []string `json:"target"`
	// Adding is the family the plan adds ("" when the cluster has both).
	Adding            string `json:"adding,omitempty"`
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	Distribution      string `json:"distribution,omitempty"`
	// Ranges are the cluster's service and pod ranges after the plan: the
	// primary family's as the cluster has them (when known), and the new
	// family's, given on the command line, already configured, or
	// proposed by the plan.
	Ranges []Range `json:"ranges,omitempty"`
	Steps  []Step  `json:"steps"`
	// NotComputed names the steps the plan could not compute and why (a
	// source it could not read); the plan is then incomplete.
	NotComputed []Gap `json:"notComputed,omitempty"`
	// Notes are remarks that are not steps: what is not supported, what
	// was assumed.
	Notes []string `json:"notes,omitempty"`
}

// Range origins.
const (
	OriginGiven    = "given"    // --service-cidr / --pod-cidr
	OriginCluster  = "cluster"  // a component already has it
	OriginProposed = "proposed" // chosen by the plan to overlap nothing the cluster uses
)

// Range is one range of the family being added.
type Range struct {
	Purpose string `json:"purpose"` // "services" or "pods"
	Family  string `json:"family"`
	CIDR    string `json:"cidr"`
	Origin  string `json:"origin"`
	// NodeMask is the pod range's node mask size; Nodes how many node
	// ranges of that size it holds.
	NodeMask int    `json:"nodeMask,omitempty"`
	Nodes    uint64 `json:"nodes,omitempty"`
	// Addresses is how many Service IPs a service range holds.
	Addresses uint64 `json:"addresses,omitempty"`
	// Arithmetic shows the sums, for people.
	Arithmetic string `json:"arithmetic"`
}

// RangeOf returns the range of a purpose ("services", "pods") and family,
// nil when the plan has none.
func (p *Plan) RangeOf(purpose, family string) *Range {
	for i := range p.Ranges {
		if p.Ranges[i].Purpose == purpose && p.Ranges[i].Family == family {
			return &p.Ranges[i]
		}
	}
	return nil
}

// Gap is a step the plan could not compute.
type Gap struct {
	Step   string `json:"step"`
	Reason string `json:"reason"`
}

// Step is one thing to do.
type Step struct {
	ID        string `json:"id"`
	Kind      Kind   `json:"kind"`
	Target    string `json:"target"`
	Change    string `json:"change"`
	Reason    string `json:"reason"`
	Reference string `json:"reference"`
	Verify    string `json:"verify,omitempty"`

	// The machine-applicable part, by kind.
	Flags     *FlagsChange   `json:"flags,omitempty"`
	Node      *NodeChange    `json:"node,omitempty"`
	CNI       *CNIChange     `json:"cni,omitempty"`
	Pods      []Workload     `json:"pods,omitempty"`
	Service   *ServiceChange `json:"service,omitempty"`
	Admission *Admission     `json:"admission,omitempty"`
}

// FlagsChange is a component-flags step's change: every flag to set, by
// name without dashes, to its full new value, and the flags to remove.
// Component is kube-apiserver, kube-controller-manager, kube-proxy,
// kubelet or kubeadm (whose "flags" are ClusterConfiguration fields).
type FlagsChange struct {
	Component string            `json:"component"`
	Instances []string          `json:"instances,omitempty"`
	Set       map[string]string `json:"set"`
	Remove    []string          `json:"remove,omitempty"`
}

// Node actions.
const (
	ActionReregister = "re-register" // drain, delete the Node, restart kubelet with --node-ip
	ActionNodeIP     = "set-node-ip" // restart kubelet with --node-ip
)

// NodeChange is a node step's change.
type NodeChange struct {
	Name   string `json:"name"`
	Action string `json:"action"`
	// NodeIPs is kubelet's new --node-ip, primary first; an address the
	// node does not show yet has Address "" and a Placeholder.
	NodeIPs []NodeIP `json:"nodeIPs"`
	// PodCIDRs are the node's spec.podCIDRs now.
	PodCIDRs []string `json:"podCIDRs,omitempty"`
}

// NodeIP is one address of a node.
type NodeIP struct {
	Family      string `json:"family"`
	Address     string `json:"address,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
}

// CNIChange is a cni step's change: the plugin detected (or "unknown"),
// how it was told, and the settings it needs; when its configuration was
// read, its IPAM mode and the pools it has ("name cidr").
type CNIChange struct {
	Name         string            `json:"name"`
	DetectedFrom string            `json:"detectedFrom,omitempty"`
	Settings     map[string]string `json:"settings,omitempty"`
	IPAM         string            `json:"ipam,omitempty"`
	Pools        []string          `json:"pools,omitempty"`
}

// Workload is a set of pods to recreate: those of one owner.
type Workload struct {
	Namespace string   `json:"namespace"`
	Kind      string   `json:"kind"` // Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Pod, …
	Name      string   `json:"name"`
	Pods      []string `json:"pods"`
	Command   string   `json:"command"`
}

// Service cases.
const (
	CaseSingleStack      = "SingleStack"
	CasePreferDualSingle = "PreferDualStack-single"
)

// ServiceChange is a service step's change: a JSON merge patch that gives
// the Service both families on the API server.
type ServiceChange struct {
	Namespace string          `json:"namespace"`
	Name      string          `json:"name"`
	Type      string          `json:"type"`
	Headless  bool            `json:"headless,omitempty"`
	Case      string          `json:"case"`
	Owner     string          `json:"owner,omitempty"`
	Patch     json.RawMessage `json:"patch"`
}

// Admission is an admission step's change: the manifest to apply, when
// the server serves the API it uses.
type Admission struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Manifest   string `json:"manifest,omitempty"`
}
