package check

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	netutils "k8s.io/utils/net"
)

// kubeletRules are the kubelet rules, in report order.
var kubeletRules = []Rule{kubeletNodeIP, kubeletNodeIPFamilies, kubeletClusterDNS}

var kubeletNodeIP = Rule{
	ID:        "kubelet-node-ip",
	Area:      AreaKubelet,
	Title:     "kubelet --node-ip is one IP or a dual-stack pair",
	Severity:  Error,
	Reference: "staging/src/k8s.io/component-helpers/node/util/ips.go ParseNodeIPArgument; cmd/kubelet/app/server.go; pkg/kubelet/kubelet_node_status.go validateNodeIP",
	Why:       "kubelet refuses to start (\"bad --node-ip\") when `--node-ip` holds more than two IPs or two of one family (\"must contain either a single IP or a dual-stack pair of IPs\"), a pair with an in-tree cloud provider (\"dual-stack not supported in this configuration\"), or a pair including an unspecified address (\"dual-stack node IP cannot include '0.0.0.0' or '::'\"); entries that do not parse are dropped with only a log line (\"Could not parse some node IP(s), ignoring them\"). A loopback, multicast or link-local node IP fails validation (\"failed to validate nodeIP\"), and kubelet cannot set the Node's addresses.",
	Fix:       "set --node-ip to the node's IP, or to its IPv4 and IPv6 addresses separated by a comma (no '::' or '0.0.0.0' in a pair)",
	Needs:     []Source{SourceKubelet},
	Check:     checkKubeletNodeIP,
}

func checkKubeletNodeIP(f *Facts, r *Reporter) {
	kubelets := kubeletsWith(f, "node-ip")
	if len(kubelets) == 0 {
		r.Pass(Kubelet, Setting{}, "no kubelet --node-ip known: nothing to check")
		return
	}
	for _, c := range kubelets {
		s, _ := c.Setting("node-ip")
		subject := flagSubject(c, "node-ip")
		ips, invalid, err := kubeletParseNodeIP(s.Value, flagValue(c, "cloud-provider"))
		if len(invalid) > 0 {
			r.FailWith(Warning, subject, s, "Could not parse some node IP(s), ignoring them: %s", strings.Join(invalid, ", "))
		}
		if err != nil {
			r.Fail(subject, s, "bad --node-ip %q: %v", s.Value, err)
			continue
		}
		for i, ip := range ips {
			if ip.IsUnspecified() {
				continue // "prefer this family": not validated
			}
			if err := kubeletValidateNodeIP(ip); err != nil {
				name := "nodeIP"
				if i == 1 {
					name = "secondaryNodeIP"
				}
				r.Fail(subject, s, "failed to validate %s: %v (%s)", name, err, ip)
			}
		}
	}
}

// kubeletParseNodeIP is ParseNodeIPArgument
// (staging/src/k8s.io/component-helpers/node/util/ips.go): entries
// trimmed, unparsable ones ignored and returned.
func kubeletParseNodeIP(nodeIP, cloudProvider string) ([]net.IP, []string, error) {
	allowDual := cloudProvider == "" || cloudProvider == "external"
	var ips []net.IP
	var invalid []string
	if nodeIP != "" {
		for _, s := range strings.Split(nodeIP, ",") {
			s = strings.TrimSpace(s)
			if ip := netutils.ParseIPSloppy(s); ip != nil {
				ips = append(ips, ip)
			} else {
				invalid = append(invalid, s)
			}
		}
	}
	switch {
	case len(ips) > 2 || (len(ips) == 2 && netutils.IsIPv6(ips[0]) == netutils.IsIPv6(ips[1])):
		return nil, invalid, errors.New("must contain either a single IP or a dual-stack pair of IPs")
	case len(ips) == 2 && !allowDual:
		return nil, invalid, errors.New("dual-stack not supported in this configuration")
	case len(ips) == 2 && (ips[0].IsUnspecified() || ips[1].IsUnspecified()):
		return nil, invalid, errors.New("dual-stack node IP cannot include '0.0.0.0' or '::'")
	}
	return ips, invalid, nil
}

// kubeletValidateNodeIP is the part of validateNodeIP
// (pkg/kubelet/kubelet_node_status.go) that does not need the host.
func kubeletValidateNodeIP(ip net.IP) error {
	switch {
	case ip.IsLoopback():
		return errors.New("nodeIP can't be loopback address")
	case ip.IsMulticast():
		return errors.New("nodeIP can't be a multicast address")
	case ip.IsLinkLocalUnicast():
		return errors.New("nodeIP can't be a link-local unicast address")
	}
	return nil
}

// kubeletsWith is the kubelet instances that have a setting.
func kubeletsWith(f *Facts, flag string) []Component {
	var out []Component
	for _, c := range f.ComponentsOf(Kubelet) {
		if _, ok := c.Setting(flag); ok {
			out = append(out, c)
		}
	}
	return out
}

var kubeletNodeIPFamilies = Rule{
	ID:        "kubelet-node-ip-families",
	Area:      AreaKubelet,
	Title:     "kubelet --node-ip matches the cluster's families and primary family",
	Severity:  Warning,
	Reference: "pkg/kubelet/nodestatus/setters.go NodeAddress; pkg/kubelet/kubelet_pods.go sortPodIPs; https://kubernetes.io/docs/concepts/services-networking/dual-stack/",
	Why:       "kubelet publishes an InternalIP of each family only when `--node-ip` names a dual-stack pair (or a cloud provider reports both families); otherwise the Node gets one InternalIP. It also orders every pod's IPs by the family of its first node IP, so a `--node-ip` that lists the other family first makes pods' podIPs[0] differ from the cluster's primary Service family.",
	Fix:       "on a dual-stack cluster without a cloud provider set --node-ip=<primary-family IP>,<other-family IP>",
	Needs:     []Source{SourceKubelet},
	Check:     checkKubeletNodeIPFamilies,
}

func checkKubeletNodeIPFamilies(f *Facts, r *Reporter) {
	kubelets := kubeletsWith(f, "node-ip")
	fams := f.Families()
	if len(kubelets) == 0 || len(fams) == 0 {
		r.Pass(Kubelet, Setting{}, "no kubelet --node-ip or no service range known: nothing to check")
		return
	}
	dual := f.DualStack()
	for _, c := range kubelets {
		s, _ := c.Setting("node-ip")
		subject := flagSubject(c, "node-ip")
		cloud := flagValue(c, "cloud-provider")
		ips, _, err := kubeletParseNodeIP(s.Value, cloud)
		if err != nil || len(ips) == 0 {
			continue // kubelet-node-ip
		}
		if fam := familyOfNetIP(ips[0]); fam != fams[0] {
			r.Fail(subject, s, "--node-ip %s puts %s first but the cluster's primary family is %s: kubelet orders pod IPs by the node IP's family, so podIPs[0] will not match the primary service family", s.Value, fam, fams[0])
		}
		if dual && cloud == "" && (len(ips) < 2) {
			r.Fail(subject, s, "the cluster is %s but --node-ip %s names no dual-stack pair and there is no cloud provider: the Node gets an InternalIP of one family only", stackName(fams), s.Value)
		}
	}
}

var kubeletClusterDNS = Rule{
	ID:        "kubelet-cluster-dns",
	Area:      AreaKubelet,
	Title:     "kubelet clusterDNS service IPs belong to a Service",
	Severity:  Error,
	Reference: "cmd/kubeadm/app/constants/constants.go GetDNSIP",
	Why:       "kubelet writes its `clusterDNS` addresses as nameservers into the /etc/resolv.conf of every pod with `dnsPolicy: ClusterFirst`, without checking them. An address in the service range that no Service has answers no query, so name resolution fails in those pods; kubeadm sets `clusterDNS` to the 10th address of the first `serviceSubnet` entry.",
	Fix:       "set kubelet clusterDNS to the clusterIP of the DNS Service (kube-system/kube-dns)",
	Needs:     []Source{SourceKubelet, SourceServices},
	Check:     checkKubeletClusterDNS,
}

func checkKubeletClusterDNS(f *Facts, r *Reporter) {
	kubelets := kubeletsWith(f, "cluster-dns")
	if len(kubelets) == 0 {
		r.Pass(Kubelet, Setting{}, "no kubelet clusterDNS known: nothing to check")
		return
	}
	if len(f.Services) == 0 {
		r.Pass(Kubelet, Setting{}, "no Services read: nothing to compare clusterDNS with")
		return
	}
	ranges, _, ok := f.ServiceRanges()
	if primary, _, pok := primaryServiceRange(f); pok && !ok {
		ranges, ok = []*net.IPNet{primary}, true
	}
	if !ok {
		r.Pass(Kubelet, Setting{}, "the service range is unknown: nothing to check")
		return
	}
	isServiceIP := func(ip net.IP) bool {
		for _, svc := range f.Services {
			for _, s := range append([]string{svc.Spec.ClusterIP}, svc.Spec.ClusterIPs...) {
				if sip := netutils.ParseIPSloppy(s); sip != nil && sip.Equal(ip) {
					return true
				}
			}
		}
		return false
	}
	for _, c := range kubelets {
		s, _ := c.Setting("cluster-dns")
		for _, e := range strings.Split(s.Value, ",") {
			ip := netutils.ParseIPSloppy(strings.TrimSpace(e))
			if ip == nil {
				r.Fail(flagSubject(c, "cluster-dns"), s, "clusterDNS entry %q is not an IP address", e)
				continue
			}
			inRange := slices.ContainsFunc(ranges, func(n *net.IPNet) bool { return n.Contains(ip) })
			if inRange && !isServiceIP(ip) {
				want := ""
				if dns := findService(f, "kube-system", "kube-dns"); dns != nil {
					want = fmt.Sprintf(" (Service kube-system/kube-dns has %s)", dns.Spec.ClusterIP)
				}
				r.Fail(flagSubject(c, "cluster-dns"), s, "clusterDNS %s is in the service range but no Service has that clusterIP%s: pods cannot resolve names", ip, want)
			}
		}
	}
}
