package files

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// apiObjectsReason is why an audit of files alone has no API objects.
const apiObjectsReason = "not in configuration files (--from-file audits configuration, not API objects)"

// noPoliciesReason is why an audit of files alone, none of them a
// NetworkPolicy, has no NetworkPolicies: like API objects, they come from
// a live cluster otherwise.
const noPoliciesReason = "no NetworkPolicy manifest in the files, and no live cluster"

// component adds a component the files define, and the source it
// supplies.
func (g *gatherer) component(c check.Component) int {
	switch c.Kind {
	case check.APIServer, check.ControllerManager, check.Scheduler:
		g.found[check.SourceControlPlane] = true
	case check.KubeProxy:
		g.found[check.SourceKubeProxy] = true
	case check.Kubelet:
		g.found[check.SourceKubelet] = true
	}
	g.f.Components = append(g.f.Components, c)
	return len(g.f.Components) - 1
}

// fileSources are the sources files may supply, and what a files-only
// audit lacks when they do not.
var fileSources = []struct {
	source check.Source
	what   string
}{
	{check.SourceControlPlane, "kube-apiserver, kube-controller-manager or kube-scheduler manifest"},
	{check.SourceKubeadm, "kubeadm configuration or kind Cluster"},
	{check.SourceKubeProxy, "kube-proxy configuration or manifest"},
	{check.SourceKubelet, "kubelet configuration or flags"},
	{check.SourceCNI, "CNI configuration (ConfigMap cilium-config or kube-flannel-cfg, Calico IPPool or Installation)"},
}

// apiObjectSources are what only a live cluster has: a files-only audit
// marks them unavailable, with apiObjectsReason.
var apiObjectSources = []check.Source{check.SourceNodes, check.SourcePods, check.SourceServices, check.SourceSlices, check.SourceServiceCIDRs, check.SourceIPAddresses, check.SourceEvents,
	check.SourceIngresses, check.SourceGateways}

// NeedsLiveCluster says whether a rule that needs these sources is
// skipped only for want of a live cluster: some of them are unavailable,
// all because an audit of files alone has no API objects (and, without
// NetworkPolicy manifests, no NetworkPolicies).
func NeedsLiveCluster(f *check.Facts, needs []check.Source) bool {
	missing := false
	for _, s := range needs {
		reason, unavailable := f.Unavailable[s]
		if unavailable && reason != apiObjectsReason && reason != noPoliciesReason {
			return false
		}
		missing = missing || unavailable
	}
	return missing
}

// finish says which sources the audit lacks and which version it assumes.
func (g *gatherer) finish(live bool) {
	f := g.f
	if !live {
		for _, s := range apiObjectSources {
			f.MarkUnavailable(s, apiObjectsReason)
		}
		if !g.found[check.SourcePolicies] {
			f.MarkUnavailable(check.SourcePolicies, noPoliciesReason)
		}
		if f.Pods == nil {
			f.Pods = func(func(*corev1.Pod) error) error { return nil }
		}
		for _, s := range fileSources {
			if !g.found[s.source] {
				f.MarkUnavailable(s.source, "no "+s.what+" in the files")
			}
		}
	}
	for s := range g.found { // the files supply what the cluster did not
		delete(f.Unavailable, s)
	}
	g.setVersion(live)
}
