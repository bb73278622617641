package check

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/version"
	netutils "k8s.io/utils/net"
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

// strictValue is a flag that holds IPs or CIDRs, and what its component
// does with a value strict validation refuses: parses it sloppily
// (netutils.ParseIPSloppy, ParseCIDRSloppy: leading zeros read as
// decimal, host bits masked, IPv4-mapped read as IPv4), or, through
// pflag's IPVar (Go's net.ParseIP), refuses leading zeros and does not
// start.
type strictValue struct {
	kind, flag string
	cidr       bool
	// refusesLeadingZeros: the component's flag parser refuses them.
	refusesLeadingZeros bool
}

// strictValues are the component flags strictIPCIDRValues reads. kube-
// apiserver's --service-cluster-ip-range is apiserver-service-range-
// syntax's, and the values k3s, k0s, Talos and the installers parse before
// any component are their rules'.
var strictValues = []strictValue{
	{kind: APIServer, flag: "advertise-address", refusesLeadingZeros: true}, // server_run_options.go: fs.IPVar
	{kind: ControllerManager, flag: "cluster-cidr", cidr: true},             // netutils.ParseCIDRs
	{kind: ControllerManager, flag: "service-cluster-ip-range", cidr: true}, // netutils.ParseCIDRs
	{kind: KubeProxy, flag: "cluster-cidr", cidr: true},                     // ParseCIDRSloppy
	{kind: KubeProxy, flag: "nodeport-addresses", cidr: true},               // ParseCIDRSloppy (keywords aside)
	{kind: KubeProxy, flag: "bind-address"},                                 // ParseIPSloppy
	{kind: Kubelet, flag: "node-ip"},                                        // nodeutil.ParseNodeIPArgument: ParseIPSloppy
	{kind: Kubelet, flag: "cluster-dns"},                                    // ParseIPSloppy
}

// kubeadmComponents maps kubeadm's extraArgs sections to the components.
var kubeadmComponents = map[string]string{"apiServer": APIServer, "controllerManager": ControllerManager}

// strictProblem is what strict validation says of one entry of a value
// that sloppy parsing accepts, and how it is read; ok is false for an
// entry in strict form, or one that does not parse at all (other rules
// report those).
func strictProblem(entry string, cidr bool) (detail, readAs string, leadingZeros, ok bool) {
	var errs field.ErrorList
	if cidr {
		_, n, err := netutils.ParseCIDRSloppy(entry)
		if err != nil {
			return "", "", false, false
		}
		readAs, errs = n.String(), validation.IsValidCIDRForLegacyField(field.NewPath("value"), entry, true, nil)
	} else {
		ip := netutils.ParseIPSloppy(entry)
		if ip == nil {
			return "", "", false, false
		}
		readAs, errs = ip.String(), validation.IsValidIPForLegacyField(field.NewPath("value"), entry, true, nil)
	}
	if len(errs) == 0 {
		return "", "", false, false
	}
	var details []string
	for _, e := range errs {
		details = append(details, e.Detail)
		leadingZeros = leadingZeros || strings.Contains(e.Detail, "leading 0s")
	}
	return strings.Join(details, "; "), readAs, leadingZeros, true
}
