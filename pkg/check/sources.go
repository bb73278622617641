package check

import "strings"

// Source is something a gatherer reads, and may fail to read.
type Source string

// Sources a gatherer may fail to read; a rule that needs one is skipped,
// with the reason, when it is in Facts.Unavailable.
const (
	SourceControlPlane  Source = "control-plane pods"       // static pods' command lines in kube-system (or k3s and RKE2 node-args)
	SourceKubeadm       Source = "kubeadm-config ConfigMap" // kube-system/kubeadm-config
	SourceKubeProxy     Source = "kube-proxy configuration" // kube-system/kube-proxy ConfigMap, else a kube-proxy DaemonSet's flags
	SourceKubelet       Source = "kubelet configuration"    // kubelet-config ConfigMap, configz
	SourceServiceCIDRs  Source = "ServiceCIDR objects"      // networking.k8s.io/v1 servicecidrs
	SourceIPAddresses   Source = "IPAddress objects"        // networking.k8s.io/v1 ipaddresses: the ClusterIPs in use
	SourceEvents        Source = "events"                   // events of chosen reasons, in every namespace
	SourceNodes         Source = "nodes"                    // core/v1 nodes
	SourcePods          Source = "pods"                     // core/v1 pods (streamed)
	SourceServices      Source = "services"                 // core/v1 services
	SourceNamespaces    Source = "namespaces"               // core/v1 namespaces, for their exemption annotations
	SourceSlices        Source = "EndpointSlices"           // discovery.k8s.io/v1
	SourceIngresses     Source = "Ingresses"                // networking.k8s.io/v1
	SourceGateways      Source = "Gateways"                 // gateway.networking.k8s.io/v1 (a CRD), through the dynamic client
	SourceServerVersion Source = "server version"
	SourceProbe         Source = "dual-stack allocation probe" // --probe
	SourceCNI           Source = "CNI configuration"           // cilium-config, kube-flannel-cfg, Calico IPPools and Installation
)

// SourcePolicies are a cluster's NetworkPolicies (networking.k8s.io/v1),
// or those of NetworkPolicy manifests given to --from-file.
const SourcePolicies Source = "NetworkPolicies"

// The owners summary --by owner follows from a pod to its workload,
// listed as metadata only: a ReplicaSet's Deployment, a Job's CronJob.
// No rule needs them.
const (
	SourceReplicaSets Source = "ReplicaSets" // apps/v1 replicasets
	SourceJobs        Source = "Jobs"        // batch/v1 jobs
)

// SourcePermission is what a live check needs to read a source: the RBAC
// permission, and the role of deploy/rbac.yaml that grants it.
type SourcePermission struct {
	Source     Source
	Permission string
	Role       string
}

// SourcePermissions has one entry per Source*, in the README's order: its
// permissions table is generated from it and the rules' Needs (make readme).
var SourcePermissions = []SourcePermission{
	{SourceControlPlane, "list pods in kube-system; on k3s and RKE2, list nodes (node-args annotations)", "dualstack-viewer"},
	{SourceKubeadm, "get ConfigMap kube-system/kubeadm-config", "dualstack-viewer (Role in kube-system)"},
	{SourceKubeProxy, "get ConfigMap kube-system/kube-proxy; without it, list daemonsets.apps in kube-system", "dualstack-viewer (Role in kube-system)"},
	{SourceKubelet, "get ConfigMap kube-system/kubelet-config", "dualstack-viewer (Role in kube-system)"},
	{SourceServiceCIDRs, "list servicecidrs.networking.k8s.io", "dualstack-viewer"},
	{SourceIPAddresses, "list ipaddresses.networking.k8s.io", "dualstack-viewer"},
	{SourceEvents, "list events in all namespaces", "dualstack-viewer"},
	{SourceNodes, "list nodes", "dualstack-viewer"},
	{SourcePods, "list pods in all namespaces", "dualstack-viewer"},
	{SourceServices, "list services in all namespaces", "dualstack-viewer"},
	{SourceNamespaces, "list namespaces", "dualstack-viewer"},
	{SourceSlices, "list endpointslices.discovery.k8s.io in all namespaces", "dualstack-viewer"},
	{SourceIngresses, "list ingresses.networking.k8s.io in all namespaces", "dualstack-viewer"},
	{SourceGateways, "list gateways.gateway.networking.k8s.io in all namespaces (when the Gateway API is installed)", "dualstack-viewer"},
	{SourcePolicies, "list networkpolicies.networking.k8s.io in all namespaces", "dualstack-viewer"},
	{SourceReplicaSets, "list replicasets.apps in all namespaces (metadata only; summary --by owner)", "dualstack-viewer"},
	{SourceJobs, "list jobs.batch in all namespaces (metadata only; summary --by owner)", "dualstack-viewer"},
	{SourceServerVersion, "get /version", "every user (system:public-info-viewer)"},
	{SourceProbe, "create services in the current namespace, only ever as a server-side dry run", "dualstack-probe, bound in that namespace"},
	{SourceCNI, "get ConfigMaps kube-system/cilium-config, calico-config, canal-config and rke2-canal-config, and kube-flannel-cfg (in kube-flannel or kube-system); list ippools.crd.projectcalico.org, ippools.projectcalico.org and installations.operator.tigera.io", "dualstack-viewer (kube-system ConfigMaps: its Role in kube-system)"},
}

// Sources lists every source, in the order of SourcePermissions.
func Sources() []Source {
	out := make([]Source, len(SourcePermissions))
	for i, p := range SourcePermissions {
		out[i] = p.Source
	}
	return out
}

// unavailable joins why the given sources could not be read, "" when all
// were.
func (f *Facts) unavailable(sources ...Source) string {
	var reasons []string
	for _, s := range sources {
		if reason, ok := f.Unavailable[s]; ok {
			reasons = append(reasons, string(s)+": "+reason)
		}
	}
	return strings.Join(reasons, "; ")
}

// WhyUnavailable joins why the given sources could not be read, "" when
// all were.
func (f *Facts) WhyUnavailable(sources ...Source) string { return f.unavailable(sources...) }
