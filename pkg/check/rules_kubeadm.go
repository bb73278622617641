package check

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/version"
	netutils "k8s.io/utils/net"
)

// kubeadmRules are the kubeadm rules, in report order.
var kubeadmRules = []Rule{kubeadmServiceSubnet, kubeadmPodSubnet, kubeadmMatchesControlPlane, kubeadmDNSServiceIP, kubeadmAPIVersion, kubeadmIPv6DualStackGate}

var kubeadmServiceSubnet = Rule{
	ID:        "kubeadm-service-subnet",
	Area:      AreaKubeadm,
	Title:     "kubeadm networking.serviceSubnet is valid",
	Severity:  Error,
	Reference: "cmd/kubeadm/app/apis/kubeadm/validation/validation.go ValidateIPNetFromString, ValidateServiceSubnetSize; https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/dual-stack-support/",
	Why:       "kubeadm rejects a configuration whose `serviceSubnet` does not parse (\"couldn't parse subnet\"), is not one CIDR or a dual-stack pair (\"expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking\"), has an entry of fewer than 10 addresses (the DNS Service takes the 10th) or of more than 20 host bits (\"specified service subnet is too large; for 128-bit addresses, the mask must be >= 108\"), whatever kube-apiserver itself would accept. A subnet touching the deprecated site-local range fec0::/10 only draws a warning.",
	Fix:       "set serviceSubnet to one CIDR or a dual-stack pair, each with at least 10 addresses and at most 20 host bits",
	Needs:     []Source{SourceKubeadm},
	Scope:     kubeadmConfig,
	Check:     checkKubeadmServiceSubnet,
}

func checkKubeadmServiceSubnet(f *Facts, r *Reporter) {
	k := f.Kubeadm
	const subject = "kubeadm networking.serviceSubnet"
	if k.ServiceSubnet == nil || k.ServiceSubnet.Value == "" {
		r.Pass(subject, kubeadmAt(k, ""), "networking.serviceSubnet unset: kubeadm uses its default %s", kubeadmDefaultServices)
		return
	}
	at := *k.ServiceSubnet
	path := field.NewPath("networking", "serviceSubnet")
	errs, warnings, subnets := kubeadmValidateIPNet(at.Value, kubeadmMinServiceAddresses, path)
	// ValidateServiceSubnetSize.
	for _, s := range subnets {
		if ones, bits := s.Mask.Size(); bits-ones > kubeadmMaxServiceBits {
			errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("specified service subnet is too large; for %d-bit addresses, the mask must be >= %d", bits, bits-kubeadmMaxServiceBits)).Error())
		}
	}
	reportKubeadm(r, subject, at, errs, warnings)
}

var kubeadmPodSubnet = Rule{
	ID:        "kubeadm-pod-subnet",
	Area:      AreaKubeadm,
	Title:     "kubeadm networking.podSubnet is valid and fits the node masks",
	Severity:  Error,
	Reference: "cmd/kubeadm/app/apis/kubeadm/validation/validation.go ValidateIPNetFromString, ValidatePodSubnetNodeMask; https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/dual-stack-support/",
	Why:       "kubeadm rejects a `podSubnet` that does not parse, is not one CIDR or a dual-stack pair, or has fewer than 14 addresses, and, unless the controllerManager extraArg `allocate-node-cidrs` is false, one whose masks do not fit the node masks (extraArgs `node-cidr-mask-size-ipv4` and `node-cidr-mask-size-ipv6`, else 24 and 64): \"the size of pod subnet with mask 26 is smaller than the size of node subnet with mask 24\", \"pod subnet mask (8) and node-mask (24) difference is greater than 16\". kubeadm applies the 16-bit limit to both families (kube-controller-manager only to IPv6) and ignores the legacy `node-cidr-mask-size` extraArg.",
	Fix:       "set podSubnet to one CIDR or a dual-stack pair whose masks are at most 16 bits shorter than the node masks (24/64 by default)",
	Needs:     []Source{SourceKubeadm},
	Scope:     kubeadmConfig,
	Check:     checkKubeadmPodSubnet,
}

func checkKubeadmPodSubnet(f *Facts, r *Reporter) {
	k := f.Kubeadm
	const subject = "kubeadm networking.podSubnet"
	if k.PodSubnet == nil || k.PodSubnet.Value == "" {
		r.Pass(subject, kubeadmAt(k, ""), "networking.podSubnet unset: kubeadm does not turn on node IPAM; nothing to check")
		return
	}
	at := *k.PodSubnet
	path := field.NewPath("networking", "podSubnet")
	errs, warnings, subnets := kubeadmValidateIPNet(at.Value, kubeadmMinPodAddresses, path)
	args := k.ExtraArgs["controllerManager"]
	if args["allocate-node-cidrs"].Value != "false" {
		// ValidatePodSubnetNodeMask with getClusterNodeMask (the legacy
		// node-cidr-mask-size extraArg is ignored).
		for _, s := range subnets {
			maskSize, _ := s.Mask.Size()
			arg, nodeMask := "node-cidr-mask-size-ipv4", 24
			if netutils.IsIPv6(s.IP) {
				arg, nodeMask = "node-cidr-mask-size-ipv6", 64
			}
			if v := args[arg].Value; v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("could not parse the value of the kube-controller-manager flag %s as an integer: %v", arg, err)).Error())
					continue
				}
				nodeMask = n
			}
			if maskSize > nodeMask {
				errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("the size of pod subnet with mask %d is smaller than the size of node subnet with mask %d", maskSize, nodeMask)).Error())
			} else if nodeMask-maskSize > kubeadmNodeMaskMaxDiff {
				errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("pod subnet mask (%d) and node-mask (%d) difference is greater than %d", maskSize, nodeMask, kubeadmNodeMaskMaxDiff)).Error())
			}
		}
	}
	reportKubeadm(r, subject, at, errs, warnings)
}

var kubeadmMatchesControlPlane = Rule{
	ID:        "kubeadm-matches-control-plane",
	Area:      AreaKubeadm,
	Title:     "kubeadm's serviceSubnet and podSubnet match the running control plane",
	Severity:  Warning,
	Reference: "cmd/kubeadm/app/phases/controlplane/manifests.go getAPIServerCommand, getControllerManagerCommand",
	Why:       "kubeadm writes kube-apiserver's `--service-cluster-ip-range` from `serviceSubnet` and kube-controller-manager's `--cluster-cidr` from `podSubnet` (unless extraArgs override them), and kubeadm upgrade regenerates the static pod manifests from the ClusterConfiguration stored in ConfigMap kube-system/kubeadm-config. A manifest edited by hand is therefore reverted on the next upgrade, and kubeadm does not support changing these subnets on an existing cluster.",
	Fix:       "make the kubeadm-config ClusterConfiguration and the static pod manifests agree (kubeadm upgrade regenerates the manifests from it)",
	Needs:     []Source{SourceKubeadm, SourceControlPlane},
	Scope:     kubeadmConfig,
	Check:     checkKubeadmMatchesControlPlane,
}

func checkKubeadmMatchesControlPlane(f *Facts, r *Reporter) {
	k := f.Kubeadm
	servers, kcms := f.ComponentsOf(APIServer), f.ComponentsOf(ControllerManager)
	if len(servers) == 0 && len(kcms) == 0 {
		r.Pass("kubeadm", Setting{}, "no control-plane instance found: nothing to compare")
		return
	}
	// getAPIServerCommand: --service-cluster-ip-range=serviceSubnet unless
	// apiServer.extraArgs override it.
	svc := kubeadmServices(k)
	if s, ok := k.ExtraArgs["apiServer"]["service-cluster-ip-range"]; ok {
		svc = s
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if want := normalizeCIDRs(strings.Split(svc.Value, ",")); !slices.Equal(rg.effective, want) {
			r.Fail(flagSubject(c, "service-cluster-ip-range"), rg.at, "%s runs with service range %s but kubeadm's ClusterConfiguration says %s (%s): kubeadm upgrade regenerates the manifest from the ClusterConfiguration and would change the range", componentName(c), strings.Join(rg.effective, ","), svc.Value, svc.Source)
		}
	}
	// getControllerManagerCommand: --cluster-cidr=podSubnet when set,
	// unless controllerManager.extraArgs override it.
	podWant, podAt := "", kubeadmAt(k, " (networking.podSubnet unset)")
	if k.PodSubnet != nil {
		podWant, podAt = k.PodSubnet.Value, *k.PodSubnet
	}
	if s, ok := k.ExtraArgs["controllerManager"]["cluster-cidr"]; ok {
		podWant, podAt = s.Value, s
	}
	for _, c := range kcms {
		got := normalizeCIDRs(splitUntrimmed(flagValue(c, "cluster-cidr")))
		if want := normalizeCIDRs(splitUntrimmed(podWant)); !slices.Equal(got, want) {
			shownGot, shownWant := strings.Join(got, ","), podWant
			if shownGot == "" {
				shownGot = "no --cluster-cidr"
			}
			if shownWant == "" {
				shownWant = "no podSubnet"
			}
			r.Fail(flagSubject(c, "cluster-cidr"), flagAt(c, "cluster-cidr", ""), "%s runs with %s but kubeadm's ClusterConfiguration says %s (%s): kubeadm upgrade regenerates the manifest from the ClusterConfiguration and would change it", componentName(c), shownGot, shownWant, podAt.Source)
		}
	}
}

var kubeadmDNSServiceIP = Rule{
	ID:        "kubeadm-dns-service-ip",
	Area:      AreaKubeadm,
	Title:     "Service kube-system/kube-dns has the 10th IP of kubeadm's serviceSubnet",
	Severity:  Warning,
	Reference: "cmd/kubeadm/app/constants/constants.go GetDNSIP",
	Why:       "kubeadm gives the cluster DNS Service (kube-system/kube-dns) the 10th address of the first `serviceSubnet` entry and writes the same address into every kubelet's `clusterDNS`. When the Service has another clusterIP, pods send their DNS queries to an address no Service answers on.",
	Fix:       "recreate Service kube-system/kube-dns with the 10th IP of the first serviceSubnet (what kubelet clusterDNS uses)",
	Needs:     []Source{SourceKubeadm, SourceServices},
	Scope:     kubeadmConfig,
	Check:     checkKubeadmDNSServiceIP,
}

func checkKubeadmDNSServiceIP(f *Facts, r *Reporter) {
	const subject = "service/kube-system/kube-dns"
	at := kubeadmServices(f.Kubeadm)
	// GetDNSIP / GetKubernetesServiceCIDR: the first serviceSubnet entry.
	subnets, err := netutils.ParseCIDRs(strings.Split(at.Value, ","))
	if err != nil || len(subnets) == 0 {
		r.Pass(subject, Setting{}, "kubeadm serviceSubnet does not parse (kubeadm-service-subnet): nothing to check")
		return
	}
	want, err := netutils.GetIndexedIP(subnets[0], 10)
	if err != nil {
		r.Pass(subject, Setting{}, "kubeadm serviceSubnet %s has no 10th address (kubeadm-service-subnet): nothing to check", subnets[0])
		return
	}
	svc := findService(f, "kube-system", "kube-dns")
	if svc == nil {
		r.Pass(subject, Setting{}, "Service kube-system/kube-dns not among the %d Services read (another DNS add-on?): nothing to check", len(f.Services))
		return
	}
	if got := netutils.ParseIPSloppy(svc.Spec.ClusterIP); got == nil || !got.Equal(want) {
		r.Fail(subject, Setting{Source: "Service kube-system/kube-dns spec.clusterIP"}, "Service kube-system/kube-dns has clusterIP %q but kubeadm's DNS address, the 10th IP of %s (%s), is %s: kubelets configured by kubeadm send DNS queries there", svc.Spec.ClusterIP, subnets[0], at.Source, want)
	}
}

// Constants of cmd/kubeadm/app/constants/constants.go.
const (
	kubeadmMinServiceAddresses = 10 // MinimumAddressesInServiceSubnet
	kubeadmMaxServiceBits      = 20 // MaximumBitsForServiceSubnet
	kubeadmMinPodAddresses     = 14 // MinimumAddressesInPodSubnet
	kubeadmNodeMaskMaxDiff     = 16 // PodSubnetNodeMaskMaxDiff
	kubeadmDefaultServices     = "10.96.0.0/12"
)

// kubeadmServices is networking.serviceSubnet, else kubeadm's
// default at the ClusterConfiguration.
func kubeadmServices(k *Kubeadm) Setting {
	if k.ServiceSubnet != nil && k.ServiceSubnet.Value != "" {
		return *k.ServiceSubnet
	}
	s := kubeadmAt(k, " (networking.serviceSubnet unset: default "+kubeadmDefaultServices+")")
	s.Value = kubeadmDefaultServices
	return s
}

// kubeadmValidateIPNet is ValidateIPNetFromString: errors, site-local
// warnings, and the subnets when they parsed.
func kubeadmValidateIPNet(subnetStr string, minAddrs int64, path *field.Path) (errs, warnings []string, subnets []*net.IPNet) {
	subnets, err := netutils.ParseCIDRs(strings.Split(subnetStr, ","))
	if err != nil {
		return []string{field.Invalid(path, subnetStr, "couldn't parse subnet").Error()}, nil, nil
	}
	switch {
	case len(subnets) > 2:
		errs = append(errs, field.Invalid(path, subnetStr, "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking").Error())
	case len(subnets) == 2:
		if dual, err := netutils.IsDualStackCIDRs(subnets); err != nil {
			errs = append(errs, field.Invalid(path, subnetStr, err.Error()).Error())
		} else if !dual {
			errs = append(errs, field.Invalid(path, subnetStr, "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking").Error())
		}
	}
	_, siteLocal, _ := netutils.ParseCIDRSloppy("fec0::/10")
	for _, s := range subnets {
		if n := netutils.RangeSize(s); n < minAddrs {
			errs = append(errs, field.Invalid(path, s.String(), fmt.Sprintf("subnet with %d address(es) is too small, the minimum is %d", n, minAddrs)).Error())
		}
		if siteLocal.Contains(s.IP) || s.Contains(siteLocal.IP) {
			warnings = append(warnings, fmt.Sprintf("the subnet %v contains IPv6 site-local addresses that belong to fec0::/10 which has been deprecated by rfc3879", s))
		}
	}
	return errs, warnings, subnets
}

// reportKubeadm reports what kubeadm's validation says: its errors stop
// kubeadm, its warnings are printed.
func reportKubeadm(r *Reporter, subject string, at Setting, errs, warnings []string) {
	for _, e := range errs {
		r.Fail(subject, at, "%s", e)
	}
	for _, w := range warnings {
		r.FailWith(Warning, subject, at, "%s", w)
	}
}

var kubeadmAPIVersion = Rule{
	ID:        "kubeadm-api-version",
	Area:      AreaKubeadm,
	Title:     "kubeadm of the targeted release reads the configuration's API version",
	Severity:  Error,
	Reference: "cmd/kubeadm/app/util/config/common.go validateSupportedVersion; cmd/kubeadm/app/apis/kubeadm/v1/doc.go (migration); https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/",
	Why:       "kubeadm keeps a table of the configuration API versions it no longer reads and refuses a file written in one: \"your configuration file uses an old API spec: \"kubeadm.k8s.io/v1beta3\" (kind: \"ClusterConfiguration\"). Please use kubeadm v1.36 instead and run 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.\" kubeadm v1.22 refuses v1beta1, v1.27 v1beta2 and v1.37 v1beta3; the releases before warn (\"uses a deprecated API spec\"), from v1.22 for v1beta2 and v1.31 for v1beta3. kubeadm.k8s.io/v1 is experimental in v1.37 and read only with --allow-experimental-api. The kubeadm release is taken to be that of the Kubernetes version the files name (kubernetesVersion, image tags, --kubernetes-version); when none does, the newest is assumed and a refusal is a warning.",
	Fix:       "migrate the file with 'kubeadm config migrate' of a kubeadm release that still reads it (the message names one), or write it as kubeadm.k8s.io/v1beta4",
	Check:     checkKubeadmAPIVersion,
}

// checkKubeadmAPIVersion needs no source: a JoinConfiguration alone is
// no kubeadm-config, and is refused all the same.
func checkKubeadmAPIVersion(f *Facts, r *Reporter) {
	if len(f.KubeadmDocuments) == 0 {
		if why := f.unavailable(SourceKubeadm); why != "" {
			r.Skip("kubeadm", why)
		} else {
			r.Pass("kubeadm", Setting{}, "no kubeadm configuration file read: nothing to check")
		}
		return
	}
	v, err := version.ParseGeneric(f.ServerVersion)
	if err != nil {
		r.Pass("kubeadm", Setting{}, "the Kubernetes version is unknown: nothing to check")
		return
	}
	for _, doc := range f.KubeadmDocuments {
		sev, since, says := kubeadmSaysOf(doc, v)
		verb := map[Severity]string{Error: "refuses", Warning: "warns about", Info: "reads only with --allow-experimental-api"}[sev]
		if verb == "" {
			continue
		}
		if sev == Error && f.VersionAssumed() {
			sev = Warning
		}
		r.FailWith(sev, "kubeadm "+doc.Kind+" apiVersion", doc.At, "kubeadm %s %s from %s, and the files target Kubernetes %s (%s); kubeadm v1.37 says: %s", verb, doc.APIVersion, since, f.ServerVersion, f.VersionSource, says)
	}
}

var kubeadmIPv6DualStackGate = Rule{
	ID:        "kubeadm-ipv6dualstack-gate",
	Area:      AreaKubeadm,
	Title:     "kubeadm featureGates do not name the removed IPv6DualStack gate",
	Severity:  Error,
	Reference: "cmd/kubeadm/app/apis/kubeadm/validation/validation.go ValidateFeatureGates; cmd/kubeadm/app/features/features.go; kubernetes/kubernetes pull request 106648 (kubeadm v1.24)",
	Why:       "Old dual-stack guides set `featureGates: {IPv6DualStack: true}` in kubeadm's ClusterConfiguration. The gate went GA, locked on, in v1.23 and kubeadm v1.24 removed it; from then kubeadm refuses the configuration: \"featureGates: Invalid value: {\"IPv6DualStack\":true}: IPv6DualStack is not a valid feature name.\" Dual-stack needs no gate: a podSubnet and a serviceSubnet of each family turn it on.",
	Fix:       "remove IPv6DualStack from featureGates",
	Needs:     []Source{SourceKubeadm},
	Scope:     kubeadmConfig,
	Check:     checkKubeadmIPv6DualStackGate,
}

func checkKubeadmIPv6DualStackGate(f *Facts, r *Reporter) {
	at, ok := f.Kubeadm.FeatureGates[ipv6DualStackGate]
	if !ok {
		return
	}
	v, err := version.ParseGeneric(f.ServerVersion)
	if err != nil || !v.AtLeast(version.MajorMinor(1, 24)) {
		r.Pass("kubeadm featureGates", at, "kubeadm before v1.24 takes the IPv6DualStack gate (Kubernetes %s)", f.ServerVersion)
		return
	}
	gates := map[string]bool{}
	for name, s := range f.Kubeadm.FeatureGates {
		if b, err := strconv.ParseBool(s.Value); err == nil {
			gates[name] = b
		}
	}
	says := field.Invalid(field.NewPath("featureGates"), gates, ipv6DualStackGate+" is not a valid feature name.").Error()
	sev := Error
	if f.VersionAssumed() {
		sev = Warning
	}
	r.FailWith(sev, "kubeadm featureGates "+ipv6DualStackGate, at, "kubeadm refuses the gate from v1.24, and the files target Kubernetes %s (%s); kubeadm says: %s", f.ServerVersion, f.VersionSource, says)
}
