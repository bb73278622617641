package check

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// serviceAddressFacts has the given ServiceCIDRs ("name=cidr,cidr") and
// IPAddresses.
func serviceAddressFacts(serviceCIDRs []string, ips ...string) *Facts {
	f := &Facts{}
	for _, sc := range serviceCIDRs {
		name, cidrs, _ := strings.Cut(sc, "=")
		f.ServiceCIDRs = append(f.ServiceCIDRs, ServiceCIDR{Name: name, CIDRs: splitList(cidrs)})
	}
	for _, ip := range ips {
		f.IPAddresses = append(f.IPAddresses, netip.MustParseAddr(ip))
	}
	return f
}

// hosts lists n addresses of a range, from its first usable one.
func hosts(cidr string, n int) []string {
	a := netip.MustParsePrefix(cidr).Addr()
	var out []string
	for range n {
		a = a.Next()
		out = append(out, a.String())
	}
	return out
}

func TestCapacityServiceAddresses(t *testing.T) {
	small := []string{"kubernetes=10.96.0.0/28,fd00:10:96::/124", "extra=10.97.0.0/28,fd00:10:97::/124"} // 28 IPv4, 30 IPv6
	fill := func(v4, v6 int) []string {
		ips := append(hosts("10.96.0.0/28", min(v4, 14)), hosts("10.97.0.0/28", max(v4-14, 0))...)
		ips = append(ips, hosts("fd00:10:96::/124", min(v6, 15))...)
		return append(ips, hosts("fd00:10:97::/124", max(v6-15, 0))...)
	}
	unread := serviceAddressFacts(small)
	unread.MarkUnavailable(SourceIPAddresses, "forbidden: ipaddresses.networking.k8s.io is forbidden")
	cpRunCases(t, "capacity-service-addresses", []cpCase{
		{"a thousand Services in the default ranges", serviceAddressFacts([]string{"kubernetes=10.96.0.0/16,fd00:10:96::/112"}, append(hosts("10.96.0.0/16", 1000), hosts("fd00:10:96::/112", 1000)...)...),
			[]cpWant{cpOK("capacity")}},
		{"79% of IPv4", serviceAddressFacts(small, fill(22, 0)...), []cpWant{cpOK("capacity")}},
		{"80% of IPv4 over both ServiceCIDRs", serviceAddressFacts(small, fill(23, 3)...),
			[]cpWant{cpFail(Warning, "servicecidrs IPv4", "23 of 28 IPv4 service addresses in use (82.1%; warning from 80%); by range: 10.96.0.0/28 (kubernetes): 14 of 14, 10.97.0.0/28 (extra): 9 of 14")}},
		{"95% of IPv6", serviceAddressFacts(small, fill(3, 29)...),
			[]cpWant{cpFail(Error, "servicecidrs IPv6", "29 of 30 IPv6 service addresses in use (96.6%; error from 95%)")}},
		{"both families full", serviceAddressFacts(small, fill(28, 30)...), []cpWant{
			cpFail(Error, "servicecidrs IPv4", `the next Service of this family fails with "range is full"`),
			cpFail(Error, "servicecidrs IPv6", "30 of 30"),
		}},
		// A full /28 alone is no shortage: the allocator takes the next
		// range of the family.
		{"one small ServiceCIDR full", serviceAddressFacts([]string{"kubernetes=10.96.0.0/16", "extra=10.97.0.0/28"}, hosts("10.97.0.0/28", 14)...),
			[]cpWant{cpOK("capacity")}},
		// A range inside another adds no address; its addresses count once.
		{"nested ranges", serviceAddressFacts([]string{"kubernetes=10.96.0.0/28", "inner=10.96.0.0/29"}, hosts("10.96.0.0/28", 12)...),
			[]cpWant{cpFail(Warning, "servicecidrs IPv4", "12 of 14 IPv4 service addresses in use (85.7%")}},
		// Network and broadcast addresses, and addresses outside every
		// range, are not the allocator's.
		{"addresses outside the ranges", serviceAddressFacts([]string{"kubernetes=10.96.0.0/29"}, "10.96.0.0", "10.96.0.7", "10.98.0.1", "10.96.0.1", "10.96.0.2", "10.96.0.3", "10.96.0.4", "10.96.0.5"),
			[]cpWant{cpFail(Warning, "servicecidrs IPv4", "5 of 6")}},
		// A /64 holds 2^64-1 addresses; a /48 the allocator refuses
		// (servicecidr-ipv6-prefix-length says so).
		{"huge and refused IPv6 ranges", serviceAddressFacts([]string{"big=fd00:1::/64", "refused=fd00:2::/48"}, hosts("fd00:2::/48", 40)...),
			[]cpWant{cpOK("capacity")}},
		// The /124 inside the refused /48 is the family's one range.
		{"a range inside a refused one", serviceAddressFacts([]string{"refused=fd00:2::/48", "inner=fd00:2::/124"}, hosts("fd00:2::/124", 13)...),
			[]cpWant{cpFail(Warning, "servicecidrs IPv6", "13 of 15 IPv6 service addresses in use (86.6%; warning from 80%); by range: fd00:2::/124 (inner): 13 of 15")}},
		{"IPAddresses forbidden", unread, []cpWant{cpSkip("capacity", "IPAddress objects: forbidden")}},
	})
}

// ipamFacts is a cluster whose kube-controller-manager allocates node
// ranges of the masks from clusterCIDR, with nodes holding podCIDRs
// (a node of "" has none).
func ipamFacts(clusterCIDR string, masks map[string]string, podCIDRs ...string) *Facts {
	f := &Facts{Components: []Component{cpKCM(map[string]string{"allocate-node-cidrs": "true", "cluster-cidr": clusterCIDR})}}
	for flag, v := range masks {
		cpSet(f, ControllerManager, flag, v)
	}
	for i, cidrs := range podCIDRs {
		node := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%d", i+1)}}
		node.Spec.PodCIDRs = splitList(cidrs)
		setReady(&node, corev1.ConditionTrue)
		f.Nodes = append(f.Nodes, node)
	}
	return f
}

var mask30 = map[string]string{"node-cidr-mask-size-ipv4": "30"}

func TestCapacityNodePodCIDRs(t *testing.T) {
	off := ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30")
	cpSet(off, ControllerManager, "allocate-node-cidrs", "false")
	unknown := ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30")
	unknown.Components = nil
	unknown.MarkUnavailable(SourceControlPlane, "forbidden")
	cpRunCases(t, "capacity-node-pod-cidrs", []cpCase{
		{"3 of 4", ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30", "10.244.0.4/30", "10.244.0.8/30"), []cpWant{cpOK("capacity")}},
		{"4 of 4", ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30", "10.244.0.4/30", "10.244.0.8/30", "10.244.0.12/30", ""),
			[]cpWant{cpFail(Warning, "cluster CIDR 10.244.0.0/28", "10.244.0.0/28 at node mask /30 holds 4 node ranges: 4 taken (100.0%), the next node gets none (CIDRNotAvailable); 1 node has no IPv4 podCIDR")}},
		// 205 of 256 /24s of a /16; 205 of 65536 /64s of a /48.
		{"80% of a /16", ipamFacts("10.244.0.0/16,fd00:10:244::/48", nil, nodeCIDRs(205)...),
			[]cpWant{cpFail(Warning, "cluster CIDR 10.244.0.0/16", "256 node ranges: 205 taken (80.0%), room for 51 more nodes")}},
		// A podCIDR allocated under a shorter mask holds several ranges
		// (CidrSet.Occupy).
		{"a /29 under a /30 mask", ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/29", "10.244.0.8/30", "10.244.0.12/30"),
			[]cpWant{cpFail(Warning, "cluster CIDR 10.244.0.0/28", "4 taken")}},
		{"a mask kube-controller-manager refuses", ipamFacts("10.244.0.0/28", map[string]string{"node-cidr-mask-size-ipv4": "24"}, ""), []cpWant{cpOK("capacity")}},
		{"node IPAM off", off, []cpWant{cpPass("nodes", "hands out no node ranges")}},
		{"node IPAM unknown", unknown, []cpWant{cpSkip("nodes", "control-plane pods: forbidden")}},
	})
}

// nodeCIDRs are n nodes' dual-stack podCIDRs in 10.244.0.0/16 and
// fd00:10:244::/56 (inside fd00:10:244::/48 too).
func nodeCIDRs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("10.244.%d.0/24,fd00:10:244:%x::/64", i, i)
	}
	return out
}

func TestCapacityNodePodCIDRsAllocated(t *testing.T) {
	event := func(node string, count int32) NodeEvent {
		return NodeEvent{Node: node, Message: "Node " + node + " status is now: CIDRNotAvailable", Count: count}
	}
	full := ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30", "10.244.0.4/30", "10.244.0.8/30", "10.244.0.12/30", "", "")
	full.CIDRNotAvailable = []NodeEvent{event("node-5", 3), event("node-6", 1), event("node-6", 2)}
	waiting := ipamFacts("10.244.0.0/16", nil, "10.244.0.0/24", "")
	unreadEvents := ipamFacts("10.244.0.0/16", nil, "10.244.0.0/24", "")
	unreadEvents.MarkUnavailable(SourceEvents, "forbidden")
	// A managed control plane: node IPAM's flags are hidden, its events
	// are not.
	managed := ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30", "")
	managed.Components = nil
	managed.CIDRNotAvailable = []NodeEvent{event("node-2", 1)}
	managedUnread := ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30", "")
	managedUnread.Components = nil
	managedUnread.MarkUnavailable(SourceEvents, "forbidden")
	resolved := ipamFacts("10.244.0.0/16", nil, "10.244.0.0/24", "10.244.1.0/24")
	resolved.CIDRNotAvailable = []NodeEvent{event("node-2", 1), event("node-9", 1)}
	off := ipamFacts("10.244.0.0/16", nil, "")
	cpSet(off, ControllerManager, "allocate-node-cidrs", "false")
	// Nodes that are not Ready: one just registered (pending), the same
	// with its events unreadable, one node IPAM refused (its event), one
	// a full cluster CIDR will refuse (no event yet).
	justRegistered := notReady(ipamFacts("10.244.0.0/16", nil, "10.244.0.0/24", ""), "node-2")
	justRegisteredUnread := notReady(ipamFacts("10.244.0.0/16", nil, "10.244.0.0/24", ""), "node-2")
	justRegisteredUnread.MarkUnavailable(SourceEvents, "forbidden")
	refusedNotReady := notReady(ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30", "10.244.0.4/30", "10.244.0.8/30", "10.244.0.12/30", ""), "node-5")
	refusedNotReady.CIDRNotAvailable = []NodeEvent{event("node-5", 1)}
	fullNotReady := notReady(ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30", "10.244.0.4/30", "10.244.0.8/30", "10.244.0.12/30", ""), "node-5")
	cpRunCases(t, "capacity-node-pod-cidrs-allocated", []cpCase{
		{"every node allocated", ipamFacts("10.244.0.0/28", mask30, "10.244.0.0/30", "10.244.0.4/30"), []cpWant{cpOK("capacity")}},
		{"cluster CIDR exhausted", full, []cpWant{
			cpFail(Error, "node/node-5 spec.podCIDRs", `no podCIDRs: node IPAM (--allocate-node-cidrs) has not allocated any; event CIDRNotAvailable "Node node-5 status is now: CIDRNotAvailable" (3 times); --cluster-cidr 10.244.0.0/28 holds 4 node ranges at mask /30, all taken`),
			cpFail(Error, "node/node-6 spec.podCIDRs", "(3 times)"),
		}},
		{"a node waiting, no event", waiting, []cpWant{cpFail(Error, "node/node-2 spec.podCIDRs", "no podCIDRs: node IPAM (--allocate-node-cidrs) has not allocated any")}},
		{"a node waiting, events forbidden", unreadEvents, []cpWant{cpFail(Error, "node/node-2 spec.podCIDRs", "its events could not be read (events: forbidden)")}},
		{"node IPAM flags hidden, its event read", managed, []cpWant{cpFail(Error, "node/node-2 spec.podCIDRs", `no podCIDRs; event CIDRNotAvailable "Node node-2 status is now: CIDRNotAvailable"`)}},
		{"node IPAM flags hidden, events forbidden", managedUnread, []cpWant{cpSkip("nodes", "events: forbidden")}},
		{"events since resolved", resolved, []cpWant{
			cpFail(Info, "node/node-2 spec.podCIDRs", "resolved since: the node has podCIDRs 10.244.1.0/24"),
			cpFail(Info, "node/node-9 spec.podCIDRs", "the node no longer exists"),
		}},
		{"node IPAM off", off, []cpWant{cpOK("capacity")}},
		{"a node just registered, not Ready", justRegistered, []cpWant{cpFail(Info, "node/node-2 spec.podCIDRs", "pending: no podCIDRs yet, and the node is not Ready: node IPAM allocates them moments after a node registers")}},
		{"a node just registered, events forbidden", justRegisteredUnread, []cpWant{cpFail(Info, "node/node-2 spec.podCIDRs", "(an error once it is Ready without them); its events could not be read (events: forbidden)")}},
		{"not Ready, refused by node IPAM", refusedNotReady, []cpWant{cpFail(Error, "node/node-5 spec.podCIDRs", `event CIDRNotAvailable "Node node-5 status is now: CIDRNotAvailable"`)}},
		{"not Ready, the cluster CIDR full", fullNotReady, []cpWant{cpFail(Error, "node/node-5 spec.podCIDRs", "--cluster-cidr 10.244.0.0/28 holds 4 node ranges at mask /30, all taken")}},
	})
}

// notReady makes the named node of f one that has just registered.
func notReady(f *Facts, name string) *Facts {
	for i := range f.Nodes {
		if f.Nodes[i].Name == name {
			setReady(&f.Nodes[i], corev1.ConditionFalse)
		}
	}
	return f
}
