package check

import "slices"

// Temporary while the tests are split by area.
var (
	controlPlaneRules = slices.Concat(apiserverRules, controllerManagerRules, kubeProxyRules, kubeadmRules, kubeletRules)
	objectRules       = slices.Concat(clusterRules, serviceCIDRRules, nodeRules, podRules, serviceRules, endpointSliceRules)
)
