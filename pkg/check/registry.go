package check

import "slices"

// Rules is the registry: every rule, in report order. --only, --skip,
// --list-rules, the README's tables and docs/rules.md all come from it.
// A new rule joins its area's list, in its area's file.
func Rules() []Rule {
	return slices.Concat(filesRules, apiserverRules, controllerManagerRules, kubeProxyRules, kubeadmRules, kubeletRules,
		clusterRules, serviceCIDRRules, nodeRules, podRules, serviceRules, endpointSliceRules,
		openshiftRules, kubesprayRules, eksRules,
		k0sRules, talosRules, capiRules,
		k3sRules,
		cniRules, networkPolicyRules, loadBalancerRules, capacityRules,
		probeRules)
}
