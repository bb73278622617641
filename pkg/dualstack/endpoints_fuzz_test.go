package dualstack

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	netutils "k8s.io/utils/net"
	"k8s.io/utils/ptr"
)

// FuzzPairEndpoints pairs EndpointSlices written in a small text format
// (see parseSlices; seeds in testdata/fuzz/FuzzPairEndpoints) and checks
// what PairEndpoints promises: every address of an endpoint it keeps lands
// in exactly one group per port, grouped by targetRef, ordered as
// documented, and (for slices the API server would accept) the same
// output whatever the order of the slices and their endpoints.
func FuzzPairEndpoints(f *testing.F) {
	f.Fuzz(func(t *testing.T, families, portOrder, spec string, includeNotReady bool) {
		fams := []corev1.IPFamily{}
		for _, s := range strings.Split(families, ",") {
			fams = append(fams, corev1.IPFamily(s))
		}
		opts := PairOptions{IncludeNotReady: includeNotReady, PortOrder: strings.Split(portOrder, ",")}
		input := parseSlices(spec)
		groups := PairEndpoints(input, fams, opts)

		if got, want := canonicalGroups(groups), expectedGroups(input, includeNotReady); !slices.Equal(got, want) {
			t.Fatalf("groups\n %s\nwant\n %s", strings.Join(got, "\n "), strings.Join(want, "\n "))
		}
		rank := familyRank(fams)
		portRank := func(name string) int {
			if i := slices.Index(opts.PortOrder, name); i >= 0 {
				return i
			}
			return len(opts.PortOrder)
		}
		for i, g := range groups {
			if !includeNotReady && !g.Ready {
				t.Errorf("group %d is not ready without IncludeNotReady: %+v", i, g)
			}
			if !slices.IsSortedFunc(g.Addresses, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) }) {
				t.Errorf("group %d: addresses %q not in families order %q", i, g.Addresses, fams)
			}
			if i == 0 {
				continue
			}
			prev := groups[i-1]
			if c := cmp.Compare(portRank(prev.Port.Name), portRank(g.Port.Name)); c > 0 {
				t.Errorf("group %d: port %q sorts before %q, against the Service's order %q", i, g.Port.Name, prev.Port.Name, opts.PortOrder)
			}
			if portKeyOf(prev.Port) == portKeyOf(g.Port) {
				switch {
				case prev.Backend == "" && g.Backend != "":
					t.Errorf("group %d: backend %q after an endpoint without targetRef", i, g.Backend)
				case g.Backend != "" && prev.Backend >= g.Backend:
					t.Errorf("group %d: backend %q after %q on the same port", i, g.Backend, prev.Backend)
				}
			}
		}

		// The v1 Endpoints fallback: the same endpoints as subsets come back
		// as slices of one family each, no IP lost.
		legacy := SlicesFromEndpoints(asEndpoints(input))
		n := 0
		for _, s := range legacy {
			for _, ep := range s.Endpoints {
				for _, a := range ep.Addresses {
					n++
					if FamilyOf(a) != corev1.IPFamily(s.AddressType) {
						t.Errorf("v1 fallback: %s in an %q slice", a, s.AddressType)
					}
				}
			}
		}
		if want := countIPs(input); n != want {
			t.Errorf("v1 fallback: %d addresses, want %d", n, want)
		}

		if !wellFormed(input) {
			return
		}
		for i, g := range groups {
			seen := map[corev1.IPFamily]bool{}
			for _, a := range g.Addresses {
				if seen[FamilyOf(a)] {
					t.Errorf("group %d holds two %s addresses: %q", i, FamilyOf(a), g.Addresses)
				}
				seen[FamilyOf(a)] = true
			}
		}
		h := fnv.New64a()
		h.Write([]byte(spec))
		shuffled := shuffle(input, rand.New(rand.NewPCG(h.Sum64(), 0)))
		if again := PairEndpoints(shuffled, fams, opts); !reflect.DeepEqual(again, groups) {
			t.Errorf("input order changed the output:\n%s\nafter shuffling:\n%s", dump(groups), dump(again))
		}
	})
}

// parseSlices reads one EndpointSlice per line:
//
//	ADDRESSTYPE [port=NAME[:NUMBER][/PROTOCOL]]... [ADDR[,ADDR...][@[[KIND/]NAMESPACE/]NAME][!|?]]...
//
// "!" marks an endpoint not ready, "?" one without a ready condition. Any
// text parses: the fuzzer mutates it freely. Reference names lose "/" and
// ":", as the API's names have none.
func parseSlices(spec string) []discoveryv1.EndpointSlice {
	var out []discoveryv1.EndpointSlice
	for _, line := range strings.Split(spec, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		s := discoveryv1.EndpointSlice{AddressType: discoveryv1.AddressType(fields[0])}
		for _, field := range fields[1:] {
			if p, ok := strings.CutPrefix(field, "port="); ok {
				rest, proto, hasProto := strings.Cut(p, "/")
				name, num, hasNum := strings.Cut(rest, ":")
				port := discoveryv1.EndpointPort{Name: ptr.To(name)}
				if n, err := strconv.ParseInt(num, 10, 32); hasNum && err == nil {
					port.Port = ptr.To(int32(n))
				}
				if hasProto {
					port.Protocol = ptr.To(corev1.Protocol(proto))
				}
				s.Ports = append(s.Ports, port)
				continue
			}
			ep := discoveryv1.Endpoint{Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}}
			switch {
			case strings.HasSuffix(field, "!"):
				ep.Conditions.Ready = ptr.To(false)
				field = field[:len(field)-1]
			case strings.HasSuffix(field, "?"):
				ep.Conditions.Ready = nil
				field = field[:len(field)-1]
			}
			if at := strings.LastIndex(field, "@"); at >= 0 {
				parts := strings.Split(field[at+1:], "/")
				for i := range parts {
					parts[i] = strings.ReplaceAll(parts[i], ":", "")
				}
				ref := &corev1.ObjectReference{Name: parts[len(parts)-1]}
				if len(parts) >= 2 {
					ref.Namespace = parts[len(parts)-2]
				}
				if len(parts) >= 3 {
					ref.Kind = strings.Join(parts[:len(parts)-2], "")
				}
				ep.TargetRef = ref
				field = field[:at]
			}
			ep.Addresses = strings.Split(field, ",")
			s.Endpoints = append(s.Endpoints, ep)
		}
		out = append(out, s)
	}
	return out
}

type portKey struct {
	name   string
	number int32
	proto  corev1.Protocol
}

func portKeyOf(p Port) portKey {
	return portKey{p.Name, ptr.Deref(p.Number, 0), p.Protocol}
}

// refKey identifies a backend: kind "" is a Pod, as PairEndpoints reads it.
func refKey(ref *corev1.ObjectReference) string {
	kind := ref.Kind
	if kind == "" {
		kind = "Pod"
	}
	return kind + "\x00" + ref.Namespace + "\x00" + ref.Name
}

// canonical writes a group independently of address order, for comparing
// partitions.
func canonical(port portKey, paired, ready bool, addrs []string) string {
	addrs = slices.Clone(addrs)
	slices.Sort(addrs)
	return fmt.Sprintf("%q:%d/%q paired=%v ready=%v %q", port.name, port.number, port.proto, paired, ready, addrs)
}

func canonicalGroups(groups []Group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = canonical(portKeyOf(g.Port), g.Backend != "", g.Ready, g.Addresses)
	}
	slices.Sort(out)
	return out
}

// expectedGroups is the partition PairEndpoints documents, computed
// naively: per port, one group per targetRef and one per endpoint without
// one; FQDN slices and (by default) not-ready endpoints left out.
func expectedGroups(input []discoveryv1.EndpointSlice, includeNotReady bool) []string {
	type member struct {
		port   portKey
		paired bool
		ready  bool
		addrs  []string
	}
	byKey := map[string]*member{}
	var order []string
	for si, s := range input {
		if s.AddressType == discoveryv1.AddressTypeFQDN {
			continue
		}
		ports := []portKey{{}}
		if len(s.Ports) > 0 {
			ports = ports[:0]
			for _, p := range s.Ports {
				ports = append(ports, portKey{ptr.Deref(p.Name, ""), ptr.Deref(p.Port, 0), ptr.Deref(p.Protocol, "")})
			}
		}
		for ei, ep := range s.Endpoints {
			ready := ptr.Deref(ep.Conditions.Ready, true)
			if !ready && !includeNotReady {
				continue
			}
			for pi, port := range ports {
				// (A port listed twice, which the API refuses, makes two
				// groups of an endpoint without targetRef.)
				key := fmt.Sprintf("%v unpaired %d/%d/%d", port, si, ei, pi)
				if ep.TargetRef != nil {
					key = fmt.Sprintf("%v %s", port, refKey(ep.TargetRef))
				}
				m, ok := byKey[key]
				if !ok {
					m = &member{port: port, paired: ep.TargetRef != nil, ready: true}
					byKey[key] = m
					order = append(order, key)
				}
				m.addrs = append(m.addrs, ep.Addresses...)
				m.ready = m.ready && ready
			}
		}
	}
	out := make([]string, 0, len(order))
	for _, key := range order {
		m := byKey[key]
		out = append(out, canonical(m.port, m.paired, m.ready, m.addrs))
	}
	slices.Sort(out)
	return out
}

// wellFormed says whether the API server would accept these slices and
// they describe each backend once: every address an IP of its slice's
// type, ports numbered 1-65535 when numbered, an address at most once per
// port (however written: 0:: is 0::0), and per port and backend at most one address of each family. On
// such input PairEndpoints' order is fully determined.
func wellFormed(input []discoveryv1.EndpointSlice) bool {
	type perPort struct {
		port portKey
		what string
	}
	seen := map[perPort]bool{}
	once := func(k perPort) bool {
		if seen[k] {
			return false
		}
		seen[k] = true
		return true
	}
	for si, s := range input {
		if s.AddressType != discoveryv1.AddressTypeIPv4 && s.AddressType != discoveryv1.AddressTypeIPv6 {
			if s.AddressType != discoveryv1.AddressTypeFQDN {
				return false
			}
			continue
		}
		ports := []portKey{{}}
		if len(s.Ports) > 0 {
			ports = ports[:0]
			for _, p := range s.Ports {
				if n := p.Port; n != nil && (*n < 1 || *n > 65535) {
					return false
				}
				ports = append(ports, portKey{ptr.Deref(p.Name, ""), ptr.Deref(p.Port, 0), ptr.Deref(p.Protocol, "")})
			}
		}
		for ei, ep := range s.Endpoints {
			backend := fmt.Sprintf("unpaired %d/%d", si, ei)
			if ep.TargetRef != nil {
				backend = refKey(ep.TargetRef)
			}
			for _, a := range ep.Addresses {
				if FamilyOf(a) != corev1.IPFamily(s.AddressType) {
					return false
				}
				for _, port := range ports {
					if !once(perPort{port, "address " + netutils.ParseIPSloppy(a).String()}) || !once(perPort{port, backend + " " + string(s.AddressType)}) {
						return false
					}
				}
			}
		}
	}
	return true
}

// shuffle reorders the slices and the endpoints within each.
func shuffle(input []discoveryv1.EndpointSlice, r *rand.Rand) []discoveryv1.EndpointSlice {
	out := make([]discoveryv1.EndpointSlice, len(input))
	for i, s := range input {
		s.Endpoints = slices.Clone(s.Endpoints)
		r.Shuffle(len(s.Endpoints), func(a, b int) { s.Endpoints[a], s.Endpoints[b] = s.Endpoints[b], s.Endpoints[a] })
		out[i] = s
	}
	r.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

// asEndpoints restates IP slices as a v1 Endpoints object, one subset per
// slice and one address per IP.
func asEndpoints(input []discoveryv1.EndpointSlice) *corev1.Endpoints {
	ep := &corev1.Endpoints{}
	for _, s := range input {
		if s.AddressType == discoveryv1.AddressTypeFQDN {
			continue
		}
		var subset corev1.EndpointSubset
		for _, p := range s.Ports {
			subset.Ports = append(subset.Ports, corev1.EndpointPort{Name: ptr.Deref(p.Name, ""), Port: ptr.Deref(p.Port, 0), Protocol: ptr.Deref(p.Protocol, "")})
		}
		for _, e := range s.Endpoints {
			for _, a := range e.Addresses {
				addr := corev1.EndpointAddress{IP: a, TargetRef: e.TargetRef}
				if ptr.Deref(e.Conditions.Ready, true) {
					subset.Addresses = append(subset.Addresses, addr)
				} else {
					subset.NotReadyAddresses = append(subset.NotReadyAddresses, addr)
				}
			}
		}
		ep.Subsets = append(ep.Subsets, subset)
	}
	return ep
}

// countIPs counts the addresses of IP slices that are IPs (v1 Endpoints
// hold nothing else).
func countIPs(input []discoveryv1.EndpointSlice) int {
	n := 0
	for _, s := range input {
		if s.AddressType == discoveryv1.AddressTypeFQDN {
			continue
		}
		for _, e := range s.Endpoints {
			for _, a := range e.Addresses {
				if FamilyOf(a) != "" {
					n++
				}
			}
		}
	}
	return n
}

func dump(groups []Group) string {
	var b strings.Builder
	for _, g := range groups {
		fmt.Fprintf(&b, "  %s:%d/%s %q %q ready=%v\n", g.Port.Name, ptr.Deref(g.Port.Number, 0), g.Port.Protocol, g.Backend, g.Addresses, g.Ready)
	}
	return b.String()
}
