package plan

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// cniSeen is the CNI the kube-system pods show: the first pod whose image
// names a known plugin.
type cniSeen struct {
	name, from string
}

// cniImages maps an image name fragment to the plugin it runs.
var cniImages = []struct{ fragment, name string }{
	{"cilium/cilium", "cilium"},
	{"calico/node", "calico"},
	{"flannel", "flannel"},
}

func (c *cniSeen) see(pod *corev1.Pod) {
	if c.name != "" {
		return
	}
	for _, ctr := range pod.Spec.Containers {
		for _, known := range cniImages {
			if strings.Contains(ctr.Image, known.fragment) {
				c.name, c.from = known.name, fmt.Sprintf("pod %s/%s runs %s", pod.Namespace, pod.Name, ctr.Image)
				return
			}
		}
	}
}

// cni plans the network plugin's side: what each known plugin needs to hand
// out addresses of the added family, and for any other what to look for.
// The plugin's own configuration (check's CNI facts) names it, its IPAM
// mode and its pools; without it, the kube-system pods' images name it.
func (p *planner) cni(seen cniSeen) {
	if len(p.plan.Families) == 2 && len(p.sections[secControlPlane]) == 0 {
		return // the control plane was dual-stack already: so is, presumably, the CNI
	}
	c := p.facts.CNI
	if c != nil {
		seen = cniSeen{name: c.Name, from: c.Source + ", IPAM " + c.IPAM.Value}
		if p.cniServes(c) {
			p.note("The CNI (%s) already hands out %s addresses (%s): it needs no change.", c.Describe(), p.adding, c.Families[p.adding].Source)
			return
		}
	}
	pods, fam := p.podRange.String(), string(p.adding)
	v6 := p.adding == corev1.IPv6Protocol
	step := Step{ID: "cni", Kind: KindCNI, Verify: "a pod created on a converted node gets an address of each family (kubectl dualstack get pods -o wide)"}
	switch seen.name {
	case "cilium":
		settings := map[string]string{"enable-ipv6": "true"}
		helm := "ipv6.enabled=true"
		if !v6 {
			settings, helm = map[string]string{"enable-ipv4": "true"}, "ipv4.enabled=true"
		}
		step.Target = "Cilium (" + seen.from + ")"
		pool := fmt.Sprintf("with ipam cluster-pool also give the %s pool (clusterPool%sPodCIDRList, e.g. %s); with ipam kubernetes it uses the nodes' podCIDRs", fam, fam, pods)
		switch {
		case c == nil:
		case c.IPAM.Value == check.IPAMClusterPool:
			key := "cluster-pool-ipv" + strings.TrimPrefix(fam, "IPv") + "-cidr"
			settings[key] = pods
			pool = fmt.Sprintf("its ipam is cluster-pool: give it the %s pool %s (Helm: clusterPool%sPodCIDRList)", fam, pods, fam)
		case c.IPAM.Value == check.IPAMKubernetes:
			pool = "its ipam is kubernetes: it takes the nodes' podCIDRs of the family"
		default:
			pool = "its ipam is " + c.IPAM.Value + ": give that IPAM " + fam + " addresses"
		}
		step.Change = fmt.Sprintf("set %s (Helm: --set %s); %s; then restart the cilium DaemonSet", keyValues(settings), helm, pool)
		step.Reason = "Cilium configures each family only when enabled, and allocates from its own pools in cluster-pool mode"
		step.Reference = "https://docs.cilium.io/en/stable/network/concepts/ipam/ ; https://docs.cilium.io/en/stable/helm-reference/ (ipv6.enabled)"
		step.CNI = &CNIChange{Name: "cilium", DetectedFrom: seen.from, Settings: settings}
	case "calico":
		settings := map[string]string{"IPPool cidr": pods, "FELIX_IPV6SUPPORT": "true", "IP6": "autodetect", "CNI ipam assign_ipv6": "true"}
		if !v6 {
			settings = map[string]string{"IPPool cidr": pods, "IP": "autodetect", "CNI ipam assign_ipv4": "true"}
		}
		step.Target = "Calico (" + seen.from + ")"
		step.Change = fmt.Sprintf("add an %s IPPool with cidr %s (operator: Installation spec.calicoNetwork.ipPools; manifests: an IPPool object), and on calico-node set %s", fam, pods, keyValues(settings))
		if c != nil && c.IPAM.Value == check.IPAMHostLocal {
			step.Change += fmt.Sprintf("; its IPAM is host-local, which takes the nodes' podCIDRs: the %s pool must hold them", fam)
		}
		step.Reason = "calico-ipam allocates pod addresses from its IPPools, not from the nodes' podCIDRs: a family without a pool gets no address"
		step.Reference = "https://docs.tigera.io/calico/latest/networking/ipam/ipv6 (Enable dual stack)"
		step.CNI = &CNIChange{Name: "calico", DetectedFrom: seen.from, Settings: settings}
	case "flannel":
		settings := map[string]string{"EnableIPv6": "true", "IPv6Network": pods}
		if !v6 {
			settings = map[string]string{"EnableIPv4": "true", "Network": pods}
		}
		step.Target = "flannel (" + seen.from + ")"
		step.Change = fmt.Sprintf("in ConfigMap kube-flannel-cfg net-conf.json set %s, then restart the flannel DaemonSet", keyValues(settings))
		step.Reason = "flannel sets up a family only when net-conf.json enables it, and takes each node's subnet of that family from its podCIDRs"
		step.Reference = "https://github.com/flannel-io/flannel/blob/master/Documentation/configuration.md (Dual-stack)"
		step.CNI = &CNIChange{Name: "flannel", DetectedFrom: seen.from, Settings: settings}
	default:
		step.Target = "your CNI (not detected from the kube-system pods)"
		step.Change = fmt.Sprintf("enable %s in your CNI and give it the pool %s (or have it use the nodes' podCIDRs), following its dual-stack documentation", fam, pods)
		step.Reason = "the CNI, not Kubernetes, gives pods their addresses: it must hand out both families"
		step.Reference = "https://kubernetes.io/docs/concepts/services-networking/dual-stack/#prerequisites"
		step.CNI = &CNIChange{Name: "unknown"}
	}
	if c != nil && step.CNI != nil {
		step.CNI.IPAM = c.IPAM.Value
		for _, pool := range c.Pools {
			step.CNI.Pools = append(step.CNI.Pools, pool.Name+" "+pool.CIDR.Value)
		}
	}
	p.add(secCNI, step)
}

// cniServes says whether the plugin already hands out addresses of the
// family being added, with a pool of it when it needs one.
func (p *planner) cniServes(c *check.CNI) bool {
	if !c.Serves(p.adding) {
		return false
	}
	if c.Name == check.CNICilium && c.IPAM.Value == check.IPAMClusterPool || c.Name == check.CNIFlannel {
		role := check.PoolPods
		if c.Name == check.CNIFlannel {
			role = check.PoolNetwork
		}
		for _, pool := range c.PoolsOf(role) {
			if n := pool.Net(); n != nil && (n.IP.To4() == nil) == (p.adding == corev1.IPv6Protocol) {
				return true
			}
		}
		return false
	}
	return true
}

func keyValues(m map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ", ")
}
