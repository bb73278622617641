// Package dualstack is the dependency-light core of kubectl-dualstack: IP
// families and the pairing of a backend's addresses across families. It
// knows API types but no clients.
package dualstack

import (
	"cmp"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/utils/ptr"
)

// Port is an endpoint port; Number is nil when the slice names no port
// (all ports of the backend).
type Port struct {
	Name     string
	Number   *int32
	Protocol corev1.Protocol
}

// Group is one backend's addresses on one port, across address families: the
// KEP's `{[fd00:db8:1::2]:80,192.168.1.3:80}`.
type Group struct {
	Port Port
	// Backend is the namespace/name of the endpoints' targetRef; empty for an
	// endpoint without one, which then forms a group of its own.
	Backend string
	// Addresses are ordered by the Service's IP families.
	Addresses []string
	// Ready is false when any member endpoint is not ready.
	Ready bool
}

// PairOptions tune PairEndpoints.
type PairOptions struct {
	// IncludeNotReady keeps endpoints that are not ready; by default only
	// ready ones count, as kubectl's endpoints view shows them.
	IncludeNotReady bool
	// PortOrder lists the Service's port names in spec order; groups follow
	// it (ports it lacks sort after, by name).
	PortOrder []string
}

// Slice is what pairing reads of an EndpointSlice: its address type, ports,
// and each endpoint's addresses, backend and readiness. It is a fraction
// of the decoded object (no zone, node name, hints, other conditions, or
// target UID), for the views and audits that hold every slice of a big
// cluster: a dual-stack pod is two endpoints.
type Slice struct {
	AddressType discoveryv1.AddressType
	// Ports are the slice's ports; one Port with no number when the slice
	// names none ("all ports").
	Ports     []Port
	Endpoints []Endpoint
}

// Endpoint is an endpoint of a Slice.
type Endpoint struct {
	Addresses []string
	// Backend is the namespace/name of the endpoint's targetRef, prefixed
	// with its kind when that is not Pod ("Node:ns/name"); empty without
	// a targetRef.
	Backend string
	// Ready is the ready condition; unset counts as ready, as the
	// EndpointSlice API says.
	Ready bool
}

// NewSlice keeps of an EndpointSlice what pairing reads.
func NewSlice(s *discoveryv1.EndpointSlice) Slice {
	out := Slice{AddressType: s.AddressType, Ports: slicePorts(s.Ports), Endpoints: make([]Endpoint, len(s.Endpoints))}
	for i, ep := range s.Endpoints {
		out.Endpoints[i] = Endpoint{Addresses: ep.Addresses, Ready: ep.Conditions.Ready == nil || *ep.Conditions.Ready}
		if ref := ep.TargetRef; ref != nil {
			out.Endpoints[i].Backend = backendOf(ref)
		}
	}
	return out
}

// backendOf names the backend a targetRef points at, as Endpoint.Backend.
func backendOf(ref *corev1.ObjectReference) string {
	if ref.Kind != "" && ref.Kind != "Pod" {
		return ref.Kind + ":" + ref.Namespace + "/" + ref.Name
	}
	return ref.Namespace + "/" + ref.Name
}

// PairEndpoints is Pair over the EndpointSlices themselves.
func PairEndpoints(endpointSlices []discoveryv1.EndpointSlice, families []corev1.IPFamily, opts PairOptions) []Group {
	slices := make([]Slice, len(endpointSlices))
	for i := range endpointSlices {
		slices[i] = NewSlice(&endpointSlices[i])
	}
	return Pair(slices, families, opts)
}

// Pair groups one Service's IPv4 and IPv6 EndpointSlices by backend and
// port (FQDN slices, deprecated and ignored by kube-proxy, are skipped).
// Endpoints are joined by their targetRef (the same pod), so a dual-stack
// pod yields one group with an address per family, ordered as families
// lists them (families the list lacks sort after, IPv4 first). Groups are
// sorted by port (the Service's order), then backend (endpoints without a
// targetRef last), then address (in families order, then numerically).
//
// Pairing is linear in the number of endpoints: one map lookup each.
func Pair(endpointSlices []Slice, families []corev1.IPFamily, opts PairOptions) []Group {
	type key struct {
		port    Port
		portNum int32
		backend string
	}
	index := map[key]int{}
	var groups []Group
	for _, slice := range endpointSlices {
		if slice.AddressType == discoveryv1.AddressTypeFQDN {
			continue
		}
		for _, ep := range slice.Endpoints {
			if !ep.Ready && !opts.IncludeNotReady {
				continue
			}
			for _, port := range slice.Ports {
				k := key{port: Port{Name: port.Name, Protocol: port.Protocol}, portNum: ptr.Deref(port.Number, 0), backend: ep.Backend}
				i, found := index[k]
				if !found || ep.Backend == "" {
					i = len(groups)
					groups = append(groups, Group{Port: port, Backend: ep.Backend, Ready: true})
					if ep.Backend != "" {
						index[k] = i
					}
				}
				groups[i].Addresses = append(groups[i].Addresses, ep.Addresses...)
				groups[i].Ready = groups[i].Ready && ep.Ready
			}
		}
	}
	return sortGroups(groups, familyRank(families), opts.PortOrder)
}

// sortGroups orders each group's addresses by family and the groups as
// PairEndpoints says. Every sort key that needs an address parsed is
// worked out once per address, not in each of the n log n comparisons.
func sortGroups(groups []Group, rank func(ip string) int, portOrder []string) []Group {
	type sortKey struct {
		port   int        // rank in the Service's port order
		family int        // rank of the first address's family
		addr   netip.Addr // the first address, invalid if it is none
	}
	keys := make([]sortKey, len(groups))
	for i := range groups {
		g := &groups[i]
		family := sortByFamily(g.Addresses, rank)
		if g.Backend == "" {
			// Only unpaired groups can tie up to the backend: a backend
			// has one group per port.
			keys[i].family = family
			keys[i].addr, _ = netip.ParseAddr(first(g.Addresses))
		}
		keys[i].port = len(portOrder)
		if j := slices.Index(portOrder, g.Port.Name); j >= 0 {
			keys[i].port = j
		}
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b, ka, kb := &groups[i], &groups[j], &keys[i], &keys[j]
		return cmp.Or(
			cmp.Compare(ka.port, kb.port),
			cmp.Compare(a.Port.Name, b.Port.Name),
			cmp.Compare(ptr.Deref(a.Port.Number, 0), ptr.Deref(b.Port.Number, 0)),
			cmp.Compare(a.Port.Protocol, b.Port.Protocol),
			compareBool(a.Backend == "", b.Backend == ""), // unpaired endpoints last
			cmp.Compare(a.Backend, b.Backend),
			// by family, then numerically (10.0.0.9 before 10.0.0.10),
			// then as strings
			cmp.Compare(ka.family, kb.family),
			compareAddrs(ka.addr, kb.addr),
			cmp.Compare(first(a.Addresses), first(b.Addresses)),
			cmp.Compare(i, j), // ties keep the slices' order
		)
	})
	sorted := make([]Group, len(groups))
	for i, j := range order {
		sorted[i] = groups[j]
	}
	return sorted
}

// sortByFamily orders addrs by family rank, keeping the order within a
// family, and returns the rank of the first.
func sortByFamily(addrs []string, rank func(ip string) int) int {
	switch len(addrs) {
	case 0:
		return rank("")
	case 1:
		return rank(addrs[0])
	case 2: // a dual-stack backend: no slice of ranks needed
		r0, r1 := rank(addrs[0]), rank(addrs[1])
		if r1 < r0 {
			addrs[0], addrs[1] = addrs[1], addrs[0]
			return r1
		}
		return r0
	}
	type ranked struct {
		rank int
		ip   string
	}
	r := make([]ranked, len(addrs))
	for i, ip := range addrs {
		r[i] = ranked{rank(ip), ip}
	}
	slices.SortStableFunc(r, func(a, b ranked) int { return cmp.Compare(a.rank, b.rank) })
	for i := range r {
		addrs[i] = r[i].ip
	}
	return r[0].rank
}

// compareAddrs orders two parsed addresses numerically; it says they are
// equal unless both are addresses.
func compareAddrs(a, b netip.Addr) int {
	if a.IsValid() && b.IsValid() {
		return a.Compare(b)
	}
	return 0
}

// slicePorts lists a slice's ports; a slice without ports stands for "all
// ports" and yields one port with no number.
func slicePorts(ports []discoveryv1.EndpointPort) []Port {
	if len(ports) == 0 {
		return []Port{{}}
	}
	out := make([]Port, len(ports))
	for i, p := range ports {
		out[i] = Port{Name: ptr.Deref(p.Name, ""), Number: p.Port, Protocol: ptr.Deref(p.Protocol, "")}
	}
	return out
}

// familyRank orders addresses by families; unknown families come after,
// IPv4 before IPv6.
func familyRank(families []corev1.IPFamily) func(ip string) int {
	return func(ip string) int {
		f := FamilyOf(ip)
		if i := slices.Index(families, f); i >= 0 {
			return i
		}
		if f == corev1.IPv4Protocol {
			return len(families)
		}
		return len(families) + 1
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
