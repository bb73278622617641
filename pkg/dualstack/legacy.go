package dualstack

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
)

// SlicesFromEndpoints restates a v1 Endpoints object as Slices, one per
// subset and address family, so that clusters that serve no
// discovery.k8s.io/v1 go through the same pairing. (v1 Endpoints carry only
// the Service's primary family, so the groups there have one member.)
func SlicesFromEndpoints(ep *corev1.Endpoints) []Slice {
	var out []Slice
	for _, subset := range ep.Subsets {
		ports := []Port{{}}
		if len(subset.Ports) > 0 {
			ports = make([]Port, len(subset.Ports))
			for i, p := range subset.Ports {
				ports[i] = Port{Name: p.Name, Number: &p.Port, Protocol: p.Protocol}
			}
		}
		byFamily := map[corev1.IPFamily]*Slice{}
		add := func(addr corev1.EndpointAddress, ready bool) {
			family := FamilyOf(addr.IP)
			slice, ok := byFamily[family]
			if !ok {
				slice = &Slice{AddressType: discoveryv1.AddressType(family), Ports: ports}
				byFamily[family] = slice
			}
			e := Endpoint{Addresses: []string{addr.IP}, Ready: ready}
			if ref := addr.TargetRef; ref != nil {
				e.Backend = backendOf(ref)
			}
			slice.Endpoints = append(slice.Endpoints, e)
		}
		for _, addr := range subset.Addresses {
			add(addr, true)
		}
		for _, addr := range subset.NotReadyAddresses {
			add(addr, false)
		}
		for _, family := range []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol} {
			if slice, ok := byFamily[family]; ok {
				out = append(out, *slice)
			}
		}
	}
	return out
}
