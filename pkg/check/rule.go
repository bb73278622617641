package check

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Severity of a rule's failures.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Result of one finding.
type Result string

const (
	Pass Result = "pass"
	Fail Result = "fail"
	Skip Result = "skip"
	// Exempt is a failure about an object exempted from the rule, with
	// the reason (Finding.Exemption); it counts as no failure.
	Exempt Result = "exempt"
)

// Area groups the rules about one component or kind of object. A rule's ID
// starts with its area, and an area's rules live in rules_<area>.go.
type Area string

const (
	AreaFiles             Area = "files"
	AreaAPIServer         Area = "apiserver"
	AreaControllerManager Area = "controller-manager"
	AreaKubeProxy         Area = "kube-proxy"
	AreaKubeadm           Area = "kubeadm"
	AreaKubelet           Area = "kubelet"
	AreaCluster           Area = "cluster"
	AreaServiceCIDR       Area = "servicecidr"
	AreaNodes             Area = "nodes"
	AreaPods              Area = "pods"
	AreaServices          Area = "services"
	AreaEndpointSlices    Area = "endpointslices"
	AreaOpenShift         Area = "openshift"
	AreaKubespray         Area = "kubespray"
	AreaEKS               Area = "eks"
	AreaK0s               Area = "k0s"
	AreaTalos             Area = "talos"
	AreaCAPI              Area = "capi"
	AreaK3s               Area = "k3s"
	AreaCNI               Area = "cni"
	AreaNetworkPolicies   Area = "networkpolicies"
	AreaLoadBalancers     Area = "loadbalancers"
	AreaCapacity          Area = "capacity"
)

// Areas lists every area, in report order.
func Areas() []Area {
	return []Area{AreaFiles, AreaAPIServer, AreaControllerManager, AreaKubeProxy, AreaKubeadm, AreaKubelet,
		AreaCluster, AreaServiceCIDR, AreaNodes, AreaPods, AreaServices, AreaEndpointSlices,
		AreaOpenShift, AreaKubespray, AreaEKS,
		AreaK0s, AreaTalos, AreaCAPI,
		AreaK3s,
		AreaCNI, AreaNetworkPolicies, AreaLoadBalancers, AreaCapacity}
}

// Rule is one check, a plain value in the registry (Rules). Its ID is
// stable: CI configurations name it in --only and --skip.
type Rule struct {
	ID       string
	Area     Area
	Title    string
	Severity Severity
	// Reference names the upstream sources the rule follows: paths in
	// kubernetes/kubernetes (at the version the rules were read in), docs
	// pages, KEP-563.
	Reference string
	// Why is the upstream behaviour behind the rule, in a few sentences,
	// quoting the upstream error text where there is one (docs/rules.md).
	Why string
	Fix string
	// Needs lists the sources the rule reads; when one is unavailable the
	// engine skips the rule with the reason.
	Needs []Source
	// Scope, when set, is what the rule inspects: when the facts hold
	// none of it, the engine passes (or skips) the rule without running it.
	Scope *Scope
	// Check inspects the whole cluster.
	Check func(f *Facts, r *Reporter)
	// CheckPod inspects one pod; pods are streamed once for all rules.
	CheckPod func(f *Facts, pod *corev1.Pod, r *Reporter)
}

// Scope is what a rule inspects (the kube-apiserver instances, say).
type Scope struct {
	// Subject is the finding's subject when there is nothing to inspect;
	// "" is the rule's area.
	Subject string
	// Empty says why there is nothing to inspect, "" when there is.
	Empty func(f *Facts) string
	// Skip: the facts could not tell (rather than there being nothing),
	// so the rule is skipped instead of passed.
	Skip bool
	// Then is a further scope, asked once this one holds (the CNI rules
	// need a known plugin, then the cluster's families).
	Then *Scope
}

// Finding is one result of one rule about one subject.
type Finding struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Severity  Severity `json:"severity"`
	Result    Result   `json:"result"`
	Area      string   `json:"area"`
	Subject   string   `json:"subject"` // the object, flag or field concerned
	Source    string   `json:"source"`  // where the value was read
	Message   string   `json:"message"`
	Reference string   `json:"reference"`
	Fix       string   `json:"fix,omitempty"`
	File      string   `json:"file,omitempty"`
	Line      int      `json:"line,omitempty"`
	Column    int      `json:"column,omitempty"`
	// Exemption is why an Exempt finding's object is exempt, and
	// ExemptBy where that was declared: ExemptByAnnotation or
	// ExemptByConfig.
	Exemption string `json:"exemption,omitempty"`
	ExemptBy  string `json:"exemptBy,omitempty"`
}

// Reporter collects one rule's findings during one run.
type Reporter struct {
	rule     *Rule
	run      *run
	findings []Finding
}

func (r *Reporter) add(result Result, sev Severity, subject string, at Setting, format string, args ...any) {
	message := fmt.Sprintf(format, args...)
	var exemption, exemptBy string
	if result == Fail {
		at = objectAt(r.rule.Area, subject, at)
		if override, ok := r.run.severities[r.rule.ID]; ok {
			sev = override
		}
		result, exemption, exemptBy, message = r.run.exempt(r.rule.ID, subject, message)
	}
	r.findings = append(r.findings, Finding{
		ID: r.rule.ID, Title: r.rule.Title, Severity: sev, Result: result, Area: string(r.rule.Area),
		Subject: subject, Source: at.Source, Message: message,
		Reference: r.rule.Reference, Fix: r.rule.Fix, File: at.File, Line: at.Line, Column: at.Column,
		Exemption: exemption, ExemptBy: exemptBy,
	})
}

// Fail reports a violation about subject, read at `at` (its Source, and
// file position when from a file).
func (r *Reporter) Fail(subject string, at Setting, format string, args ...any) {
	r.add(Fail, r.rule.Severity, subject, at, format, args...)
}

// FailWith is Fail with a severity other than the rule's (an info about a
// cluster that is single-stack on purpose, say).
func (r *Reporter) FailWith(sev Severity, subject string, at Setting, format string, args ...any) {
	r.add(Fail, sev, subject, at, format, args...)
}

// FailAll reports problems, when there are any, as one failure about
// subject, joined as the API server joins an object's validation errors.
func (r *Reporter) FailAll(subject string, at Setting, problems []string) {
	if len(problems) > 0 {
		r.Fail(subject, at, "%s", strings.Join(problems, "; "))
	}
}

// Skip reports that subject could not be checked, and why.
func (r *Reporter) Skip(subject, reason string) {
	r.add(Skip, r.rule.Severity, subject, Setting{}, "%s", reason)
}

// Pass reports an explicit success with a message (most rules let the
// engine report their pass).
func (r *Reporter) Pass(subject string, at Setting, format string, args ...any) {
	r.add(Pass, r.rule.Severity, subject, at, format, args...)
}
