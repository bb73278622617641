package dualstack

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/utils/ptr"
)

// SlicesFromEndpoints restates a v1 Endpoints object as EndpointSlices, one
// per subset and address family, so that clusters that serve no
// discovery.k8s.io/v1 go through the same pairing. (v1 Endpoints carry only
// the Service's primary family, so the groups there have one member.)
func SlicesFromEndpoints(ep *corev1.Endpoints) []discoveryv1.EndpointSlice {
	var out []discoveryv1.EndpointSlice
	for _, subset := range ep.Subsets {
		var ports []discoveryv1.EndpointPort
		for _, p := range subset.Ports {
			ports = append(ports, discoveryv1.EndpointPort{Name: ptr.To(p.Name), Port: ptr.To(p.Port), Protocol: ptr.To(p.Protocol)})
		}
		byFamily := map[corev1.IPFamily]*discoveryv1.EndpointSlice{}
		add := func(addr corev1.EndpointAddress, ready bool) {
			family := FamilyOf(addr.IP)
			slice, ok := byFamily[family]
			if !ok {
				slice = &discoveryv1.EndpointSlice{ObjectMeta: ep.ObjectMeta, AddressType: discoveryv1.AddressType(family), Ports: ports}
				byFamily[family] = slice
			}
			slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{
				Addresses:  []string{addr.IP},
				Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(ready)},
				TargetRef:  addr.TargetRef,
				NodeName:   addr.NodeName,
			})
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
