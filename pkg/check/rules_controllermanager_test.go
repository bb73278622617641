package check

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestControllerManagerCIDRAllocatorType(t *testing.T) {
	subj := cpKCM1 + " --cidr-allocator-type"
	typ := func(v, allocate string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "cidr-allocator-type", v)
			cpSet(f, ControllerManager, "allocate-node-cidrs", allocate)
		})
	}
	cpRunCases(t, "controller-manager-cidr-allocator-type", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"RangeAllocator", typ("RangeAllocator", "true"), []cpWant{cpOK("controller-manager")}},
		{"K1 CloudAllocator", typ("CloudAllocator", "true"), []cpWant{
			cpFail(Error, subj, "--cidr-allocator-type is set to 'CloudAllocator' but cloud provider is not configured"),
		}},
		{"CloudAllocator without node IPAM", typ("CloudAllocator", "false"), []cpWant{cpOK("controller-manager")}},
		{"unknown type", typ("Foo", "true"), []cpWant{cpFail(Error, subj, "invalid CIDR allocator type: Foo")}},
		{"no controller-manager", cpMut("dual4", func(f *Facts) { cpWithout(f, ControllerManager) }), []cpWant{cpPass(ControllerManager, "nothing to check")}},
	})
}

func TestControllerManagerClusterCIDR(t *testing.T) {
	subj := cpKCM1 + " --cluster-cidr"
	cidr := func(v string) *Facts {
		return cpMut("dual4", func(f *Facts) { cpSet(f, ControllerManager, "cluster-cidr", v) })
	}
	cpRunCases(t, "controller-manager-cluster-cidr", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"K3 two IPv4", cidr("10.244.0.0/16,10.245.0.0/16"), []cpWant{
			cpFail(Error, subj, "len of ClusterCIDRs==2 and they are not configured as dual stack (at least one from each IPFamily"),
		}},
		{"K3 three IPv4", cidr("10.244.0.0/16,10.245.0.0/16,10.246.0.0/16"), []cpWant{
			cpFail(Error, subj, "len of ClusterCIDRs==3 and they are not configured as dual stack"),
		}},
		{"K4 three with both families", cidr("10.244.0.0/16,fd00::/56,10.245.0.0/16"), []cpWant{
			cpFail(Error, subj, "length of clusterCIDRs is:3 more than max allowed of 2"),
		}},
		{"K2 unparsable", cidr("10.244.0.0/16,bogus"), []cpWant{
			cpFail(Error, subj, "invalid CIDR[1]: <nil> (invalid CIDR address: bogus)"),
		}},
		{"K10 unset", cidr(""), []cpWant{
			cpFail(Error, subj, "invalid CIDR[0]: <nil> (invalid CIDR address: ); Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set"),
		}},
		{"node IPAM off", cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "allocate-node-cidrs", "")
			cpSet(f, ControllerManager, "cluster-cidr", "bogus")
		}), []cpWant{cpPass(cpKCM1+" --allocate-node-cidrs", "node IPAM is off")}},
		{"invalid bool", cpMut("dual4", func(f *Facts) { cpSet(f, ControllerManager, "allocate-node-cidrs", "yes") }), []cpWant{
			cpFail(Error, cpKCM1+" --allocate-node-cidrs", `invalid argument "yes" for "--allocate-node-cidrs" flag`),
		}},
	})
}

func TestControllerManagerServiceRange(t *testing.T) {
	subj := cpKCM1 + " --service-cluster-ip-range"
	svc := func(v, allocate string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "service-cluster-ip-range", v)
			cpSet(f, ControllerManager, "allocate-node-cidrs", allocate)
		})
	}
	cpRunCases(t, "controller-manager-service-range", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"three entries", svc("10.96.0.0/16,fd00::/112,10.97.0.0/16", "false"), []cpWant{
			cpFail(Error, subj, "--service-cluster-ip-range can not contain more than two entries"),
		}},
		{"K5 same family", svc("10.96.0.0/16,10.97.0.0/16", "true"), []cpWant{
			cpFail(Error, subj, "serviceCIDR and secondaryServiceCIDR are not dualstack (from different IPfamiles)"),
		}},
		{"K5 not checked without node IPAM", svc("10.96.0.0/16,10.97.0.0/16", "false"), []cpWant{cpOK("controller-manager")}},
		{"parse failure is only logged", svc("10.96.0.0/16,bogus", "true"), []cpWant{
			cpFail(Warning, subj, `Warning: unsuccessful parsing of service CIDR "bogus"`),
		}},
	})
}

func TestControllerManagerNodeCIDRMask(t *testing.T) {
	cidrSubj := cpKCM1 + " --cluster-cidr"
	with := func(stack string, flags map[string]string) *Facts {
		return cpMut(stack, func(f *Facts) {
			for k, v := range flags {
				cpSet(f, ControllerManager, k, v)
			}
		})
	}
	single6 := map[string]string{"cluster-cidr": "fd00:10:244::/56"}
	cpRunCases(t, "controller-manager-node-cidr-mask", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"K6 legacy flag on dual-stack", with("dual4", map[string]string{"node-cidr-mask-size": "24"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size", "usage of --node-cidr-mask-size is not allowed with dual-stack clusters"),
		}},
		{"K7 legacy and family flags", with("single4", map[string]string{"node-cidr-mask-size": "24", "node-cidr-mask-size-ipv4": "25"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size", "usage of --node-cidr-mask-size-ipv4 and --node-cidr-mask-size-ipv6 is not allowed if --node-cidr-mask-size is set. For dual-stack clusters please unset it and use IPFamily specific flags"),
		}},
		{"K8 IPv4 flag on single-stack IPv6", with("single4", map[string]string{"cluster-cidr": "fd00:10:244::/56", "node-cidr-mask-size-ipv4": "25"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size-ipv4", "usage of --node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster"),
		}},
		{"K9 IPv6 flag on single-stack IPv4", with("single4", map[string]string{"node-cidr-mask-size-ipv6": "64"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size-ipv6", "usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster"),
		}},
		{"legacy flag on single-stack IPv6", with("single4", map[string]string{"cluster-cidr": "fd00::/40", "node-cidr-mask-size": "56"}), []cpWant{cpOK("controller-manager")}},
		{"single-stack IPv6 default mask", with("single4", single6), []cpWant{cpOK("controller-manager")}},
		{"K11 cluster CIDR smaller than a node CIDR", with("single4", map[string]string{"cluster-cidr": "10.244.0.0/25"}), []cpWant{
			cpFail(Error, cidrSubj, "Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family"),
		}},
		{"K11 IPv6 node mask shorter than the cluster CIDR", with("dual4", map[string]string{"node-cidr-mask-size-ipv6": "48"}), []cpWant{
			cpFail(Error, cidrSubj, "mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size"),
		}},
		{"K12 IPv6 more than 16 bits apart", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16,fd00::/40"}), []cpWant{
			cpFail(Error, cidrSubj, "New CIDR set failed; the node CIDR size is too big"),
		}},
		{"K12 IPv6 primary", with("dual6", map[string]string{"cluster-cidr": "fd00::/32,10.244.0.0/16"}), []cpWant{
			cpFail(Error, cidrSubj, "New CIDR set failed; the node CIDR size is too big"),
		}},
		{"IPv6 16 bits apart", with("dual4", map[string]string{"cluster-cidr": "10.244.0.0/16,fd00::/40", "node-cidr-mask-size-ipv6": "56"}), []cpWant{cpOK("controller-manager")}},
		{"K13 no IPv4 limit", with("single4", map[string]string{"cluster-cidr": "10.0.0.0/4"}), []cpWant{cpOK("controller-manager")}},
		{"unparsable mask", with("dual4", map[string]string{"node-cidr-mask-size-ipv4": "abc"}), []cpWant{
			cpFail(Error, cpKCM1+" --node-cidr-mask-size-ipv4", `invalid argument "abc" for "--node-cidr-mask-size-ipv4" flag`),
		}},
		{"node IPAM off", with("dual4", map[string]string{"allocate-node-cidrs": "false", "node-cidr-mask-size": "24"}), []cpWant{
			cpPass(cpKCM1+" --allocate-node-cidrs", "node IPAM is off"),
		}},
	})
}

func TestControllerManagerServiceRangeMatchesAPIServer(t *testing.T) {
	subj := cpKCM1 + " --service-cluster-ip-range"
	kcm := func(stack, v string) *Facts {
		return cpMut(stack, func(f *Facts) { cpSet(f, ControllerManager, "service-cluster-ip-range", v) })
	}
	cpRunCases(t, "controller-manager-service-range-matches-apiserver", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"k0s #1319", kcm("single4", "10.96.0.0/12,fd01::/108"), []cpWant{
			cpFail(Warning, subj, "kube-controller-manager --service-cluster-ip-range 10.96.0.0/12,fd01::/108 differs from kube-apiserver's 10.96.0.0/12"),
		}},
		{"other order", kcm("dual4", "fd00:10:96::/112,10.96.0.0/16"), []cpWant{cpFail(Warning, subj, "same order")}},
		{"host bits", kcm("dual4", "10.96.0.1/16,fd00:10:96::/112"), []cpWant{cpOK("controller-manager")}},
		{"unset", kcm("dual4", ""), []cpWant{cpOK("controller-manager")}},
	})
}

func TestControllerManagerPodServiceOverlap(t *testing.T) {
	nothing := &Facts{}
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceControlPlane, "forbidden")
	cpRunCases(t, "controller-manager-pod-service-overlap", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"pods contain services", cpMut("single4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "10.0.0.0/8")
		}), []cpWant{cpFail(Warning, cpKCM1+" --cluster-cidr", "pod CIDR 10.0.0.0/8 overlaps service CIDR 10.96.0.0/12")}},
		{"services cover pods", cpMut("dual4", func(f *Facts) {
			cpSet(f, APIServer, "service-cluster-ip-range", "10.240.0.0/12,fd00:10:96::/112")
		}), []cpWant{cpFail(Error, cpKCM1+" --cluster-cidr", "pod CIDR 10.244.0.0/16 lies inside service CIDR 10.240.0.0/12")}},
		{"IPv6 overlap from kube-proxy", cpMut("dual6", func(f *Facts) {
			cpSet(f, KubeProxy, "cluster-cidr", "fd00:10::/32,10.244.0.0/16")
		}), []cpWant{cpFail(Warning, cpProxy+" --cluster-cidr", "pod CIDR fd00:10::/32 overlaps service CIDR fd00:10:96::/112")}},
		{"nothing known", nothing, []cpWant{cpPass("cluster", "nothing to compare")}},
		{"sources unavailable", unavailable, []cpWant{cpSkip("cluster", "forbidden")}},
	})
}

func TestClusterCIDRFamilies(t *testing.T) {
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceControlPlane, "forbidden")
	kubeadmOnly := func(pods, services string) *Facts {
		return &Facts{Kubeadm: cpKubeadmConfig(pods, services, nil)}
	}
	cpRunCases(t, "controller-manager-cluster-cidr-families", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("controller-manager")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("controller-manager")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("controller-manager")}},
		{"pods IPv6-first, services IPv4-first", cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "fd00:10:244::/56,10.244.0.0/16")
		}), []cpWant{cpFail(Warning, cpKCM1+" --cluster-cidr", "lists IPv6 first but the primary service family")}},
		{"single-stack pods, dual-stack services", cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.0/16")
		}), []cpWant{cpFail(Error, cpKCM1+" --cluster-cidr", "10.244.0.0/16 has no IPv6 CIDR but the service ranges")}},
		{"pods of the other family only", cpMut("single4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "fd00:10:244::/56")
		}), []cpWant{cpFail(Error, cpKCM1+" --cluster-cidr", "has no IPv4 CIDR")}},
		{"kubeadm alone (files): single-stack podSubnet", kubeadmOnly("10.244.0.0/16", "10.96.0.0/16,fd00:10:96::/112"),
			[]cpWant{cpFail(Error, "kubeadm networking.podSubnet", "has no IPv6 CIDR")}},
		{"kubeadm alone (files): consistent", kubeadmOnly("fd00:10:244::/56,10.244.0.0/16", "fd00:10:96::/112,10.96.0.0/16"),
			[]cpWant{cpOK("controller-manager")}},
		{"unparsable cluster CIDR is another rule's", cpMut("dual4", func(f *Facts) {
			cpSet(f, ControllerManager, "cluster-cidr", "10.244.0.0/33")
		}), []cpWant{cpOK("controller-manager")}},
		{"sources unavailable", unavailable, []cpWant{cpSkip("cluster", "forbidden")}},
		// A managed control plane: the families of the pod ranges are
		// inferred from the nodes' podCIDRs, and the findings say so.
		{"managed, dual-stack", managedCluster("10.96.0.0/16,fd00:10:96::/112", "10.244.1.0/24,fd00:10:244:1::/64", "10.244.2.0/24,fd00:10:244:2::/64"),
			[]cpWant{cpPass("cluster pod ranges", "the pod ranges are IPv4,IPv6 (inferred from 2 nodes' spec.podCIDRs; the cluster CIDR itself is hidden)")}},
		{"managed, single-stack pods, dual-stack services", managedCluster("10.96.0.0/16,fd00:10:96::/112", "10.244.1.0/24"),
			[]cpWant{cpFail(Warning, "cluster pod ranges", "the nodes' podCIDRs are IPv4 (inferred from 1 node's spec.podCIDRs; the cluster CIDR is hidden) but the service ranges")}},
		{"managed, pods IPv6-first", managedCluster("10.96.0.0/16,fd00:10:96::/112", "fd00:10:244:1::/64,10.244.1.0/24"),
			[]cpWant{cpFail(Warning, "cluster pod ranges", "the nodes' podCIDRs list IPv6 first")}},
		{"managed, nodes disagree: nothing inferred", managedCluster("10.96.0.0/16,fd00:10:96::/112", "10.244.1.0/24,fd00:10:244:1::/64", "10.244.2.0/24"),
			[]cpWant{cpSkip("cluster", "no static control-plane pods")}},
		{"managed, no podCIDRs: nothing inferred", managedCluster("10.96.0.0/16,fd00:10:96::/112", ""),
			[]cpWant{cpSkip("cluster", "no static control-plane pods")}},
	})
}

// managedCluster is what a managed control plane shows: the ServiceCIDR
// kubernetes, nodes with these podCIDRs (one comma-separated list per
// node), and no control-plane flags.
func managedCluster(services string, nodePodCIDRs ...string) *Facts {
	f := &Facts{ServiceCIDRs: []ServiceCIDR{{Name: "kubernetes", CIDRs: strings.Split(services, ",")}}}
	f.MarkUnavailable(SourceControlPlane, "no static control-plane pods")
	for i, cidrs := range nodePodCIDRs {
		node := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%d", i+1)}}
		if cidrs != "" {
			node.Spec.PodCIDRs = strings.Split(cidrs, ",")
		}
		f.Nodes = append(f.Nodes, node)
	}
	return f
}
