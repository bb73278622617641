package check

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// kubeadmRules are the kubeadm rules, in report order.
var kubeadmRules = []Rule{kubeadmServiceSubnet, kubeadmPodSubnet, kubeadmMatchesControlPlane, kubeadmDNSServiceIP}

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
	svcWant, svcAt := kubeadmDefaultServices, kubeadmAt(k, " (networking.serviceSubnet unset: default "+kubeadmDefaultServices+")")
	if k.ServiceSubnet != nil && k.ServiceSubnet.Value != "" {
		svcWant, svcAt = k.ServiceSubnet.Value, *k.ServiceSubnet
	}
	if s, ok := k.ExtraArgs["apiServer"]["service-cluster-ip-range"]; ok {
		svcWant, svcAt = s.Value, s
	}
	for _, c := range servers {
		rg := apiserverRangesOf(c)
		if want := normalizeCIDRs(strings.Split(svcWant, ",")); !slices.Equal(rg.effective, want) {
			r.Fail(flagSubject(c, "service-cluster-ip-range"), rg.at, "%s runs with service range %s but kubeadm's ClusterConfiguration says %s (%s): kubeadm upgrade regenerates the manifest from the ClusterConfiguration and would change the range", componentName(c), strings.Join(rg.effective, ","), svcWant, svcAt.Source)
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
	k := f.Kubeadm
	list, at := kubeadmDefaultServices, kubeadmAt(k, " (networking.serviceSubnet unset: default "+kubeadmDefaultServices+")")
	if k.ServiceSubnet != nil && k.ServiceSubnet.Value != "" {
		list, at = k.ServiceSubnet.Value, *k.ServiceSubnet
	}
	// GetDNSIP / GetKubernetesServiceCIDR: the first serviceSubnet entry.
	subnets, err := netutils.ParseCIDRs(strings.Split(list, ","))
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
