package live

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// addNodeArgs adds the components k3s and RKE2 nodes describe in their
// node-args annotations (source.NodeArgsAnnotations), read from the nodes
// already listed. They stand for the control-plane pods k3s does not have
// (RKE2 has both: both are kept), so the control-plane and kube-proxy
// sources are no longer missing when the annotations describe them; an
// annotation that does not parse is added to the reason they are.
func addNodeArgs(f *check.Facts) {
	var comps []check.Component
	var problems []string
	for i := range f.Nodes {
		node := &f.Nodes[i]
		for _, a := range source.NodeArgsAnnotations {
			value, ok := node.Annotations[a.Annotation]
			if !ok {
				continue
			}
			args, err := source.ParseNodeArgs(a.Program, value, fmt.Sprintf("node %s annotation %s", node.Name, a.Annotation))
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			for _, c := range args.Components(node.Name, firstInternalIP(node)) {
				c.Version = node.Status.NodeInfo.KubeletVersion // k3s runs every component at its own version
				comps = append(comps, c)
			}
		}
	}
	handAgentsClusterCIDR(comps)
	f.Components = append(f.Components, comps...)

	has := func(kinds ...string) bool {
		return slices.ContainsFunc(comps, func(c check.Component) bool { return slices.Contains(kinds, c.Kind) })
	}
	if has(check.APIServer, check.ControllerManager) && f.Unavailable[check.SourceControlPlane] == noControlPlanePods {
		delete(f.Unavailable, check.SourceControlPlane)
	}
	if has(check.KubeProxy) && f.Unavailable[check.SourceKubeProxy] == noKubeProxyConfig {
		delete(f.Unavailable, check.SourceKubeProxy)
	}
	if reason, ok := f.Unavailable[check.SourceControlPlane]; ok && len(problems) > 0 {
		f.Unavailable[check.SourceControlPlane] = reason + "; " + strings.Join(problems, "; ")
	}
}

// handAgentsClusterCIDR gives the kube-proxy of an agent, whose command
// line has no --cluster-cidr, the one its servers hand it.
func handAgentsClusterCIDR(comps []check.Component) {
	i := slices.IndexFunc(comps, func(c check.Component) bool { return c.Kind == check.ControllerManager })
	if i < 0 {
		return
	}
	servers := comps[i].Settings["cluster-cidr"]
	servers.Source += " (the servers hand it to every agent's kube-proxy)"
	for _, c := range comps {
		if _, set := c.Settings["cluster-cidr"]; c.Kind == check.KubeProxy && !set {
			c.Settings["cluster-cidr"] = servers
		}
	}
}

// firstInternalIP is a node's first InternalIP, "" when it has none.
func firstInternalIP(node *corev1.Node) string {
	for _, a := range node.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}
