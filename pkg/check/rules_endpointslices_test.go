package check

import (
	"testing"

	discoveryv1 "k8s.io/api/discovery/v1"
)

func TestEndpointSliceRulesBroken(t *testing.T) {
	runBrokenCases(t, []brokenCase{
		{"missing IPv6 EndpointSlice", dual4, func(w *world) { w.dropSlice("web-ipv6") },
			"endpointslices-address-types", Error, "no IPv6 EndpointSlice"},
		{"EndpointSlice of a family the Service lacks", single4, func(w *world) {
			w.f.EndpointSlices = append(w.f.EndpointSlices, slice("demo", "web-ipv6", "web", discoveryv1.AddressTypeIPv6, "fd00:10:244:1::5"))
		}, "endpointslices-address-types", Error, "IPv6 EndpointSlice web-ipv6 though the Service has no IPv6 family"},
		{"IPv6 address in an IPv4 slice", dual4, func(w *world) {
			w.f.EndpointSlices[0].Endpoints[0].Addresses = []string{"fd00:10:244:1::5"}
		}, "endpointslices-address-family", Error, "must be an IPv4 address"},
	})
}
