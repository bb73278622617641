package check

import (
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

// capacityRules lists the rules about address exhaustion: service and pod ranges.
var capacityRules = []Rule{capacityServiceAddresses, capacityNodePodCIDRs, capacityNodePodCIDRsAllocated}

// The shares of a range in use from which the capacity rules report.
const (
	warnPercent  = 80
	errorPercent = 95
)

var capacityServiceAddresses = Rule{
	ID:        "capacity-service-addresses",
	Area:      AreaCapacity,
	Title:     "Each family's service ranges have free addresses (warning from 80% in use, error from 95%)",
	Severity:  Error,
	Reference: "pkg/registry/core/service/ipallocator/cidrallocator.go AllocateNextService; pkg/registry/core/service/ipallocator/ipallocator.go hostsPerNetwork; pkg/registry/core/service/storage/alloc.go; https://kubernetes.io/docs/tasks/network/extend-service-ip-ranges/",
	Why:       "Since ServiceCIDRs (GA in 1.33) every ClusterIP in use is an IPAddress object, and a new Service gets its address of a family from any ServiceCIDR of that family; once every one of them is full its creation fails (\"Internal error occurred: failed to allocate a serviceIP for Service \\\"web\\\": range is full\"). No API object says how full a family's ranges are: the rule counts the IPAddresses inside every ServiceCIDR of the family. A range holds 2^h-2 IPv4 or 2^h-1 IPv6 addresses, h being its host bits (hostsPerNetwork).",
	Fix:       "add a ServiceCIDR with another range of that family (extend-service-ip-ranges), or delete Services no longer used; kubectl dualstack get servicecidrs shows how full each range is",
	Needs:     []Source{SourceServiceCIDRs, SourceIPAddresses},
	Check:     checkServiceAddresses,
}

func checkServiceAddresses(f *Facts, r *Reporter) {
	for _, u := range serviceAddressUsage(f) {
		if u.size == 0 {
			continue // no range the allocator uses: servicecidr-ipv6-prefix-length
		}
		sev := Warning
		switch {
		case dualstack.AtLeastPercent(u.used, u.size, errorPercent):
			sev = Error
		case !dualstack.AtLeastPercent(u.used, u.size, warnPercent):
			continue
		}
		permille, _ := dualstack.UsedPermille(u.used, u.size)
		full := ""
		if u.used >= u.size {
			full = ": the next Service of this family fails with \"range is full\""
		}
		r.FailWith(sev, "servicecidrs "+string(u.family), Setting{Source: "ServiceCIDR " + strings.Join(u.names, ", ") + "; IPAddress objects"},
			"%d of %d %s service addresses in use (%s; %s from %d%%)%s; by range: %s",
			u.used, u.size, u.family, dualstack.FormatPercent(permille), sev, map[Severity]int{Warning: warnPercent, Error: errorPercent}[sev], full, strings.Join(u.ranges, ", "))
	}
}

// familyAddresses is one family's service addresses over every ServiceCIDR.
type familyAddresses struct {
	family     corev1.IPFamily
	size, used uint64
	names      []string // the ServiceCIDRs of the family
	ranges     []string // "10.96.0.0/16 (kubernetes): 12 of 65534", each outermost range
}

// serviceAddressUsage counts each family's service addresses as the
// allocator does: the sizes of the outermost ranges (a range inside
// another adds no address: MetaAllocator.Free counts the same), and the
// IPAddresses inside any of them.
func serviceAddressUsage(f *Facts) []familyAddresses {
	type namedRange struct {
		prefix netip.Prefix
		names  []string
	}
	byFamily := map[corev1.IPFamily][]namedRange{}
	var out []familyAddresses
	for _, sc := range f.ServiceCIDRs {
		for _, c := range sc.CIDRs {
			p, err := netip.ParsePrefix(c)
			if err != nil || p != p.Masked() {
				continue // servicecidr-valid
			}
			fam := dualstack.FamilyOfPrefix(p)
			ranges := byFamily[fam]
			if i := slices.IndexFunc(ranges, func(r namedRange) bool { return r.prefix == p }); i >= 0 {
				ranges[i].names = append(ranges[i].names, sc.Name)
			} else {
				byFamily[fam] = append(ranges, namedRange{p, []string{sc.Name}})
			}
			if i := slices.IndexFunc(out, func(u familyAddresses) bool { return u.family == fam }); i < 0 {
				out = append(out, familyAddresses{family: fam, names: []string{sc.Name}})
			} else if !slices.Contains(out[i].names, sc.Name) {
				out[i].names = append(out[i].names, sc.Name)
			}
		}
	}
	for i := range out {
		u := &out[i]
		// A range the allocator refuses (IPv6 shorter than /64) holds no
		// address and contains none.
		ranges := slices.DeleteFunc(byFamily[u.family], func(r namedRange) bool { return dualstack.ServiceRangeSize(r.prefix) == 0 })
		for _, r := range ranges {
			if slices.ContainsFunc(ranges, func(o namedRange) bool {
				return o.prefix.Bits() < r.prefix.Bits() && o.prefix.Contains(r.prefix.Addr())
			}) {
				continue // inside another range
			}
			size := dualstack.ServiceRangeSize(r.prefix)
			var used uint64
			for _, ip := range f.IPAddresses {
				if dualstack.InServiceRange(r.prefix, ip) {
					used++
				}
			}
			u.size = addCapped(u.size, size)
			u.used += used
			u.ranges = append(u.ranges, fmt.Sprintf("%s (%s): %d of %d", r.prefix, strings.Join(r.names, ", "), used, size))
		}
	}
	return out
}

// addCapped adds sizes, saturating at the largest uint64 as the
// allocator's sizes do (two /64 ranges hold more than it counts).
func addCapped(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

var capacityNodePodCIDRs = Rule{
	ID:        "capacity-node-pod-cidrs",
	Area:      AreaCapacity,
	Title:     "Each cluster CIDR has node ranges to spare (warning from 80% taken)",
	Severity:  Warning,
	Reference: "pkg/controller/nodeipam/ipam/cidrset/cidr_set.go NewCIDRSet, AllocateNext; pkg/controller/nodeipam/ipam/range_allocator.go AllocateOrOccupyCIDR",
	Why:       "With `--allocate-node-cidrs`, node IPAM cuts each `--cluster-cidr` into 2^(node mask - cluster CIDR mask) node ranges (a /16 at the default /24 mask holds 256) and gives every node one per family. When a family's are all taken, the next node gets none (\"CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range\"): a `CIDRNotAvailable` event, no `spec.podCIDRs`, and no pod network on that node.",
	Fix:       "before the ranges run out: widen --cluster-cidr to a supernet of the current range (the nodes' podCIDRs stay inside it) and restart kube-controller-manager, or lengthen the family's --node-cidr-mask-size if nodes need fewer pod addresses",
	Needs:     []Source{SourceNodes},
	Check:     checkNodePodCIDRCapacity,
}

func checkNodePodCIDRCapacity(f *Facts, r *Reporter) {
	ipam, known := f.nodeIPAM()
	if !known {
		r.Skip("nodes", nodeIPAMUnknown(f))
		return
	}
	if !ipam.Allocate {
		r.Pass("nodes", ipam.AllocateAt, "--allocate-node-cidrs is not true: node IPAM hands out no node ranges")
		return
	}
	for _, c := range nodeRangeCapacity(f, ipam) {
		if !dualstack.AtLeastPercent(c.taken, c.total, warnPercent) {
			continue
		}
		permille, _ := dualstack.UsedPermille(c.taken, c.total)
		next := fmt.Sprintf("room for %d more nodes", c.total-min(c.taken, c.total))
		if c.taken >= c.total {
			next = "the next node gets none (CIDRNotAvailable)"
		}
		switch {
		case c.without == 1:
			next += fmt.Sprintf("; 1 node has no %s podCIDR", c.family)
		case c.without > 1:
			next += fmt.Sprintf("; %d nodes have no %s podCIDR", c.without, c.family)
		}
		r.Fail("cluster CIDR "+c.cidr.String(), ipam.ClusterCIDRsAt, "%s at node mask /%d holds %d node ranges: %d taken (%s), %s",
			c.cidr, c.mask, c.total, c.taken, dualstack.FormatPercent(permille), next)
	}
}

// nodeRanges is one cluster CIDR's node ranges.
type nodeRanges struct {
	cidr    netip.Prefix
	family  corev1.IPFamily
	mask    int
	total   uint64 // node ranges it holds at the mask
	taken   uint64 // held by the nodes' podCIDRs inside it
	without int    // nodes with no podCIDR of its family
}

// nodeRangeCapacity counts each cluster CIDR's node ranges and those the
// nodes hold, as node IPAM's CIDR sets do: a podCIDR occupies every node
// range it overlaps (CidrSet.Occupy), so one of an earlier, shorter mask
// holds several. A cluster CIDR whose mask kube-controller-manager refuses
// is left out (controller-manager-node-cidr-mask).
func nodeRangeCapacity(f *Facts, ipam nodeIPAM) []nodeRanges {
	var out []nodeRanges
	for _, cidr := range ipam.ClusterCIDRs {
		fam := familyOfCIDR(cidr)
		mask := ipam.Masks[fam]
		cluster, ok := prefixOf(cidr)
		if !ok {
			continue
		}
		total, ok := dualstack.NodeRanges(cluster, mask)
		if !ok {
			continue
		}
		c := nodeRanges{cidr: cluster, family: fam, mask: mask, total: total}
		for i := range f.Nodes {
			_, podCIDRs, valid := podCIDRFamilies(&f.Nodes[i])
			held := false
			for _, pc := range podCIDRs {
				p, ok := prefixOf(pc)
				if !ok || dualstack.FamilyOfPrefix(p) != dualstack.FamilyOfPrefix(cluster) {
					continue
				}
				held = true
				if p.Bits() >= cluster.Bits() && cluster.Contains(p.Addr()) {
					c.taken += uint64(1) << max(mask-p.Bits(), 0)
				}
			}
			if valid && !held {
				c.without++
			}
		}
		out = append(out, c)
	}
	return out
}

// prefixOf converts a parsed CIDR, IPv4 as 4 bytes.
func prefixOf(n *net.IPNet) (netip.Prefix, bool) {
	addr, ok := netip.AddrFromSlice(n.IP)
	ones, _ := n.Mask.Size()
	if !ok {
		return netip.Prefix{}, false
	}
	addr = addr.Unmap()
	if addr.Is4() && ones > 32 {
		ones -= 96
	}
	return netip.PrefixFrom(addr, ones).Masked(), true
}

// nodeIPAMUnknown says why node IPAM's configuration is not known.
func nodeIPAMUnknown(f *Facts) string {
	reason := "node IPAM configuration unknown: no kube-controller-manager flags or kubeadm podSubnet could be read"
	if why := f.unavailable(SourceControlPlane, SourceKubeadm); why != "" {
		reason += " (" + why + ")"
	}
	return reason
}

var capacityNodePodCIDRsAllocated = Rule{
	ID:        "capacity-node-pod-cidrs-allocated",
	Area:      AreaCapacity,
	Title:     "Node IPAM gave every node its pod ranges: no CIDRNotAvailable event, no node without podCIDRs",
	Severity:  Error,
	Reference: "pkg/controller/nodeipam/ipam/range_allocator.go AllocateOrOccupyCIDR; pkg/controller/util/node/controller_utils.go RecordNodeStatusChange",
	Why:       "When node IPAM finds no free node range for a node it records an event with reason `CIDRNotAvailable` on the Node (\"Node node-5 status is now: CIDRNotAvailable\", in the default namespace) and retries; until then the node has no `spec.podCIDRs`, so a network plugin that takes pod addresses from them (host-local IPAM, flannel, kubenet) starts no pod there. A node still without podCIDRs while `--allocate-node-cidrs` is on is in that state, whatever the cause: an exhausted cluster CIDR, or node IPAM not running. A node that has just registered has none for a moment: while it is not Ready, with no CIDRNotAvailable event and node ranges left, it is reported as pending (info); with the event, or the cluster CIDR full, it is an error, Ready or not.",
	Fix:       "free node ranges (delete Nodes that are gone) or widen --cluster-cidr to a supernet of the current range and restart kube-controller-manager; node IPAM then allocates to the waiting nodes. If node IPAM is not running, start kube-controller-manager with the node-ipam-controller",
	Needs:     []Source{SourceNodes},
	Check:     checkNodePodCIDRsAllocated,
}

func checkNodePodCIDRsAllocated(f *Facts, r *Reporter) {
	ipam, known := f.nodeIPAM()
	allocating := known && ipam.Allocate
	events := cidrNotAvailable(f)
	eventsUnread := f.unavailable(SourceEvents)
	if !allocating && eventsUnread != "" {
		if !known {
			r.Skip("nodes", nodeIPAMUnknown(f)+"; without it only node IPAM's CIDRNotAvailable events would tell, and "+eventsUnread)
		}
		return // node IPAM is off: nothing allocates podCIDRs
	}
	exhausted := ""
	if allocating {
		var full []string
		for _, c := range nodeRangeCapacity(f, ipam) {
			if c.taken >= c.total {
				full = append(full, fmt.Sprintf("--cluster-cidr %s holds %d node ranges at mask /%d, all taken", c.cidr, c.total, c.mask))
			}
		}
		exhausted = strings.Join(full, "; ")
	}
	seen := map[string]bool{}
	for i := range f.Nodes {
		node := &f.Nodes[i]
		seen[node.Name] = true
		evs := events[node.Name]
		if len(node.Spec.PodCIDRs) > 0 {
			if len(evs) > 0 {
				r.FailWith(Info, nodeSubject(node, "spec.podCIDRs"), Setting{Source: "events"}, "%s (resolved since: the node has podCIDRs %s)", describeEvents(evs), strings.Join(node.Spec.PodCIDRs, ","))
			}
			continue
		}
		if !allocating && len(evs) == 0 {
			continue // nodes-pod-cidr-per-family compares it with the other nodes
		}
		if len(evs) == 0 && exhausted == "" && !nodeReady(node) {
			// Not refused (no event, ranges left): node IPAM has not got to
			// a node that has just registered.
			msg := "pending: no podCIDRs yet, and the node is not Ready: node IPAM allocates them moments after a node registers, and no CIDRNotAvailable event says it refused (an error once it is Ready without them)"
			if eventsUnread != "" {
				msg += "; its events could not be read (" + eventsUnread + ")"
			}
			r.FailWith(Info, nodeSubject(node, "spec.podCIDRs"), ipam.AllocateAt, "%s", msg)
			continue
		}
		problems := []string{"no podCIDRs"}
		at := Setting{Source: "events"}
		if allocating {
			problems[0] += ": node IPAM (--allocate-node-cidrs) has not allocated any"
			at = ipam.AllocateAt
		}
		if len(evs) > 0 {
			problems = append(problems, describeEvents(evs))
		} else if eventsUnread != "" {
			problems = append(problems, "its events could not be read ("+eventsUnread+")")
		}
		if exhausted != "" {
			problems = append(problems, exhausted)
		}
		r.Fail(nodeSubject(node, "spec.podCIDRs"), at, "%s", strings.Join(problems, "; "))
	}
	for _, name := range slices.Sorted(maps.Keys(events)) {
		if !seen[name] {
			r.FailWith(Info, "node/"+name+" spec.podCIDRs", Setting{Source: "events"}, "%s (the node no longer exists)", describeEvents(events[name]))
		}
	}
}

// cidrNotAvailable groups node IPAM's CIDRNotAvailable events by node.
func cidrNotAvailable(f *Facts) map[string][]NodeEvent {
	out := map[string][]NodeEvent{}
	for _, e := range f.CIDRNotAvailable {
		out[e.Node] = append(out[e.Node], e)
	}
	return out
}

// describeEvents quotes a node's events: `event CIDRNotAvailable "Node
// node-5 status is now: CIDRNotAvailable" (3 times)`.
func describeEvents(evs []NodeEvent) string {
	var count int32
	var messages []string
	for _, e := range evs {
		count += max(e.Count, 1)
		if !slices.Contains(messages, e.Message) {
			messages = append(messages, e.Message)
		}
	}
	s := "event CIDRNotAvailable " + quoteJoin(messages)
	if count > 1 {
		s += fmt.Sprintf(" (%d times)", count)
	}
	return s
}

// quoteJoin quotes each message, comma-separated.
func quoteJoin(messages []string) string {
	q := make([]string, len(messages))
	for i, m := range messages {
		q[i] = fmt.Sprintf("%q", m)
	}
	return strings.Join(q, ", ")
}

// ServiceAddressUsage is one family's service addresses, as
// capacity-service-addresses counts them over every ServiceCIDR of the
// family: the allocator's size of its outermost ranges and the IPAddress
// objects inside them.
type ServiceAddressUsage struct {
	Family       corev1.IPFamily
	ServiceCIDRs []string // the ServiceCIDR objects of the family
	Size         uint64
	Used         uint64
}

// ServiceAddressUsage counts each family's service addresses; it needs
// SourceServiceCIDRs and SourceIPAddresses.
func (f *Facts) ServiceAddressUsage() []ServiceAddressUsage {
	var out []ServiceAddressUsage
	for _, u := range serviceAddressUsage(f) {
		out = append(out, ServiceAddressUsage{Family: u.family, ServiceCIDRs: u.names, Size: u.size, Used: u.used})
	}
	return out
}

// PodRangeUsage is one cluster CIDR's node pod ranges, as
// capacity-node-pod-cidrs counts them.
type PodRangeUsage struct {
	ClusterCIDR  string
	Family       corev1.IPFamily
	NodeMask     int
	Ranges       uint64 // node ranges the cluster CIDR holds at the mask
	Taken        uint64 // held by the nodes' podCIDRs
	NodesWithout int    // nodes with no podCIDR of the family
}

// PodRangeUsage counts each cluster CIDR's node ranges; why says, when
// there is nothing to count, why: node IPAM's configuration is not known
// (a managed control plane hides it), or node IPAM hands out no ranges.
func (f *Facts) PodRangeUsage() (usage []PodRangeUsage, why string) {
	ipam, known := f.nodeIPAM()
	switch {
	case !known:
		return nil, nodeIPAMUnknown(f)
	case !ipam.Allocate:
		return nil, "--allocate-node-cidrs is not true: node IPAM hands out no node ranges (" + ipam.AllocateAt.Source + ")"
	}
	for _, c := range nodeRangeCapacity(f, ipam) {
		usage = append(usage, PodRangeUsage{ClusterCIDR: c.cidr.String(), Family: c.family, NodeMask: c.mask, Ranges: c.total, Taken: c.taken, NodesWithout: c.without})
	}
	return usage, ""
}
