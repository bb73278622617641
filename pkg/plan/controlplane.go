package plan

import (
	"fmt"
	"strings"

	utilversion "k8s.io/apimachinery/pkg/util/version"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// References the control-plane steps cite.
const (
	refDualStack      = "https://kubernetes.io/docs/concepts/services-networking/dual-stack/#configure-ipv4-ipv6-dual-stack"
	refDefaultSvcCIDR = "https://kubernetes.io/docs/tasks/network/reconfigure-default-service-ip-ranges/; k8s.io/kubernetes pkg/controlplane/controller/defaultservicecidr/default_servicecidr_controller.go (sync: single to dual stack upgrade)"
	refKCMMasks       = "k8s.io/kubernetes cmd/kube-controller-manager/app/core.go (setNodeCIDRMaskSizes); https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/"
	refKubeadm        = "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-reconfigure/; https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/dual-stack-support/"
	refKubeProxy      = "k8s.io/kubernetes cmd/kube-proxy/app/options.go (--cluster-cidr: \"a comma-separated dual-stack pair\"); https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/ (clusterCIDR, nodePortAddresses)"
)

// hasFamily says whether a CIDR list names the added family.
func (p *planner) hasAdded(value string) bool {
	_, ok := ofFamily(splitCIDRs(value), p.adding)
	return ok
}

// controlPlane plans kube-apiserver, then kube-controller-manager, then
// kubeadm's record of them: the apiserver first, so that the controllers
// never see a range it does not serve.
func (p *planner) controlPlane() {
	servers := p.facts.ComponentsOf(check.APIServer)
	controllers := p.facts.ComponentsOf(check.ControllerManager)
	if len(servers) == 0 && len(controllers) == 0 && p.facts.Kubeadm == nil {
		if ranges, _, ok := p.facts.ServiceRanges(); ok && len(ranges) == 1 {
			why := "no kube-apiserver or kube-controller-manager was found (a managed control plane shows neither)"
			if r := p.unavailable(check.SourceControlPlane); r != "" {
				why = r
			}
			p.gap("control-plane flags", why+fmt.Sprintf(": add %s to kube-apiserver's --service-cluster-ip-range and %s to kube-controller-manager's --cluster-cidr where your control plane is configured", p.serviceRange, p.podRange))
		}
	}
	p.apiServers(servers)
	p.controllerManagers(controllers)
	p.kubeadm()
}

func (p *planner) apiServers(servers []check.Component) {
	byValue := map[string][]string{} // new value -> instances
	for _, c := range servers {
		s, ok := c.Setting("service-cluster-ip-range")
		value := s.Value
		if !ok || value == "" {
			value = "10.0.0.0/24" // kube-apiserver's default (DefaultServiceIPCIDR)
		}
		if p.hasAdded(value) {
			continue
		}
		next := withAdded(value, p.serviceRange)
		byValue[next] = append(byValue[next], c.Instance)
	}
	for _, value := range sortedKeys(byValue) {
		instances := byValue[value]
		change := fmt.Sprintf("set --service-cluster-ip-range=%s (the primary range stays first)", value)
		if len(servers) > 1 {
			change += "; one kube-apiserver at a time: until all run with it, Services created through the others stay single-stack"
		}
		if v := p.facts.ServerVersion; check.IsRelease(v) && atLeast(v, 1, 33) {
			change += fmt.Sprintf("; the apiserver then adds %s to the default ServiceCIDR kubernetes itself", p.serviceRange)
		}
		p.add(secControlPlane, Step{
			ID: "kube-apiserver", Kind: KindComponentFlags,
			Target:    "kube-apiserver (" + strings.Join(instances, ", ") + ")",
			Change:    change,
			Reason:    fmt.Sprintf("Services get %s cluster IPs only from an %s range in --service-cluster-ip-range, whose first range cannot change on a running cluster", p.adding, p.adding),
			Reference: refDualStack + "; " + refDefaultSvcCIDR,
			Verify:    "kubectl get servicecidr kubernetes -o jsonpath='{.spec.cidrs}' (1.33+), or kubectl dualstack check --probe",
			Flags:     &FlagsChange{Component: check.APIServer, Instances: instances, Set: map[string]string{"service-cluster-ip-range": value}},
		})
	}
}

func (p *planner) controllerManagers(controllers []check.Component) {
	for _, c := range controllers {
		set, remove := map[string]string{}, []string(nil)
		if s, ok := c.Setting("cluster-cidr"); ok && s.Value != "" && !p.hasAdded(s.Value) {
			set["cluster-cidr"] = withAdded(s.Value, p.podRange)
		}
		if s, ok := c.Setting("service-cluster-ip-range"); ok && s.Value != "" && !p.hasAdded(s.Value) {
			set["service-cluster-ip-range"] = withAdded(s.Value, p.serviceRange)
		}
		if len(set) == 0 {
			continue
		}
		// Dual-stack node IPAM refuses --node-cidr-mask-size: each family
		// has its own flag.
		if s, ok := c.Setting("node-cidr-mask-size"); ok {
			remove = append(remove, "node-cidr-mask-size")
			set["node-cidr-mask-size-"+strings.ToLower(string(p.primary))] = s.Value
		}
		maskFlag := "node-cidr-mask-size-" + strings.ToLower(string(p.adding))
		if s, ok := c.Setting(maskFlag); !ok || s.Value != fmt.Sprint(p.nodeMask) {
			set[maskFlag] = fmt.Sprint(p.nodeMask)
		}
		var parts []string
		for _, k := range sortedKeys(set) {
			parts = append(parts, "--"+k+"="+set[k])
		}
		change := "set " + strings.Join(parts, " ")
		if len(remove) > 0 {
			change += "; remove --" + strings.Join(remove, ", --") + " (dual-stack node IPAM refuses it)"
		}
		reason := "node IPAM gives each new node one pod range per --cluster-cidr entry, in order; its --service-cluster-ip-range must match kube-apiserver's"
		if allocate, ok := c.Setting("allocate-node-cidrs"); !ok || !strings.EqualFold(strings.TrimSpace(allocate.Value), "true") {
			reason = "node IPAM is off (--allocate-node-cidrs is not true): the CNI hands out pod addresses, but the controller-manager's ranges must still agree with the cluster's"
		}
		p.add(secControlPlane, Step{
			ID: "kube-controller-manager", Kind: KindComponentFlags,
			Target: "kube-controller-manager (" + c.Instance + ")", Change: change, Reason: reason,
			Reference: refDualStack + "; " + refKCMMasks,
			Verify:    "the component's health check passes and its log has no \"node IPAM\" error; new nodes get a pod range of each family",
			Flags:     &FlagsChange{Component: check.ControllerManager, Instances: []string{c.Instance}, Set: set, Remove: remove},
		})
	}
}

// kubeadm plans kubeadm's ClusterConfiguration, so that `kubeadm upgrade`
// and new control-plane nodes keep the new ranges.
func (p *planner) kubeadm() {
	k := p.facts.Kubeadm
	if k == nil {
		return
	}
	set := map[string]string{}
	if k.ServiceSubnet != nil && !p.hasAdded(k.ServiceSubnet.Value) {
		set["networking.serviceSubnet"] = withAdded(k.ServiceSubnet.Value, p.serviceRange)
	}
	if k.PodSubnet != nil && k.PodSubnet.Value != "" && !p.hasAdded(k.PodSubnet.Value) {
		set["networking.podSubnet"] = withAdded(k.PodSubnet.Value, p.podRange)
	}
	if len(set) == 0 {
		return
	}
	var parts []string
	for _, key := range sortedKeys(set) {
		parts = append(parts, key+": "+set[key])
	}
	where := "kubectl -n kube-system edit configmap kubeadm-config"
	if k.File != "" {
		where = "edit " + k.File
	}
	p.add(secControlPlane, Step{
		ID: "kubeadm", Kind: KindComponentFlags, Target: "kubeadm ClusterConfiguration (" + k.Source + ")",
		Change:    where + ": " + strings.Join(parts, ", "),
		Reason:    "kubeadm regenerates the control-plane manifests from it on upgrade and join: without it, the next kubeadm upgrade takes the second family away",
		Reference: refKubeadm,
		Verify:    "kubectl -n kube-system get configmap kubeadm-config -o yaml shows both ranges",
		Flags:     &FlagsChange{Component: "kubeadm", Instances: []string{k.Source}, Set: set},
	})
}

// kubeProxy plans kube-proxy's cluster CIDR and NodePort addresses.
func (p *planner) kubeProxy() {
	for _, c := range p.facts.ComponentsOf(check.KubeProxy) {
		set := map[string]string{}
		if s, ok := c.Setting("cluster-cidr"); ok && s.Value != "" && !p.hasAdded(s.Value) {
			set["cluster-cidr"] = withAdded(s.Value, p.podRange)
		}
		if s, ok := c.Setting("nodeport-addresses"); ok && s.Value != "" && s.Value != "primary" && !p.hasAdded(s.Value) {
			set["nodeport-addresses"] = s.Value + ",<" + string(p.adding) + " CIDR of the nodes' addresses>"
		}
		if len(set) == 0 {
			continue
		}
		fields := map[string]string{"cluster-cidr": "clusterCIDR", "nodeport-addresses": "nodePortAddresses"}
		var parts []string
		for _, k := range sortedKeys(set) {
			name := "--" + k
			if s := c.Settings[k]; !strings.Contains(s.Source, "--"+k) {
				name = fields[k] // read from a configuration file, not a flag
			}
			parts = append(parts, name+"="+set[k])
		}
		p.add(secNodeProxy, Step{
			ID: "kube-proxy", Kind: KindComponentFlags, Target: "kube-proxy (" + c.Source + ")",
			Change:    "set " + strings.Join(parts, " ") + ", then restart kube-proxy (kubectl -n kube-system rollout restart daemonset kube-proxy)",
			Reason:    "kube-proxy tells pod traffic from other traffic by clusterCIDR, per family; NodePorts listen only on nodePortAddresses",
			Reference: refKubeProxy + "; " + refDualStack,
			Verify:    "kubectl -n kube-system rollout status daemonset kube-proxy",
			Flags:     &FlagsChange{Component: check.KubeProxy, Instances: []string{c.Instance}, Set: set},
		})
	}
}

// atLeast says whether a version is at least major.minor.
func atLeast(v string, major, minor uint) bool {
	parsed, err := utilversion.ParseGeneric(v)
	return err == nil && parsed.AtLeast(utilversion.MajorMinor(major, minor))
}
