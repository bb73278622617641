package check

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/version"
)

// strictIPCIDRGate is KEP-4858's feature gate: the API server validates
// the IPs and CIDRs of new objects strictly (no leading zeros, no
// IPv4-mapped IPv6, no host bits in a CIDR). Alpha in 1.33, beta and on
// by default from 1.36 (pkg/features/kube_features.go).
const strictIPCIDRGate = "StrictIPCIDRValidation"

// strictIPCIDR says whether the API server validates new objects'
// IPs and CIDRs strictly, and why: the first kube-apiserver's
// --feature-gates, else its version (its image tag, else the version the
// rules assume).
func strictIPCIDR(f *Facts) (bool, string) {
	var apiserver Component
	if servers := f.ComponentsOf(APIServer); len(servers) > 0 {
		apiserver = servers[0]
		if on, set := featureGates(apiserver)[strictIPCIDRGate]; set {
			return on, fmt.Sprintf("%s sets --feature-gates %s=%t", componentName(apiserver), strictIPCIDRGate, on)
		}
	}
	v := componentVersion(apiserver, f.ServerVersion)
	if v == nil {
		v = version.MustParseGeneric(NewestVersion)
	}
	if v.AtLeast(version.MajorMinor(1, 36)) {
		return true, fmt.Sprintf("Kubernetes v%s: %s is on by default from 1.36", v, strictIPCIDRGate)
	}
	return false, fmt.Sprintf("Kubernetes v%s: %s is off by default before 1.36", v, strictIPCIDRGate)
}
