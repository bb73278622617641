package check

import "testing"

// k0sFacts is a k0s ClusterConfig's network: the dual-stack example of
// k0s's docs (docs/dual-stack.md), changed by fn.
func k0sFacts(fn func(k *K0s)) *Facts {
	const where = "file k0s.yaml, k0s ClusterConfig spec.network."
	at := func(fieldName, v string) Setting {
		return Setting{Value: v, Source: where + fieldName, File: "k0s.yaml", Line: 10}
	}
	k := &K0s{
		Source: "file k0s.yaml, k0s ClusterConfig", File: "k0s.yaml", Line: 1,
		PodCIDR: at("podCIDR", "10.244.0.0/16"), ServiceCIDR: at("serviceCIDR", "10.96.0.0/12"),
		DualStack:   at("dualStack.enabled", "true"),
		IPv6PodCIDR: at("dualStack.IPv6podCIDR", "fd00::/108"), IPv6ServiceCIDR: at("dualStack.IPv6serviceCIDR", "fd01::/108"),
		PrimaryAddressFamily: at("primaryAddressFamily", ""),
		Provider:             at("provider", "kuberouter"),
	}
	if fn != nil {
		fn(k)
	}
	return &Facts{K0s: k}
}

func TestK0sNetworkCIDRs(t *testing.T) {
	pod, svc := "k0s spec.network.podCIDR", "k0s spec.network.serviceCIDR"
	cpRunCases(t, "k0s-network-cidrs", []cpCase{
		{"docs' dual-stack", k0sFacts(nil), []cpWant{cpOK("k0s")}},
		{"defaults", k0sFacts(func(k *K0s) { k.DualStack.Value = "false" }), []cpWant{cpOK("k0s")}},
		{"single-stack IPv6", k0sFacts(func(k *K0s) {
			k.DualStack.Value, k.PodCIDR.Value, k.ServiceCIDR.Value = "false", "fd00::/108", "fd01::/108"
		}), []cpWant{cpOK("k0s")}},
		{"unparsable podCIDR", k0sFacts(func(k *K0s) { k.PodCIDR.Value = "foobar" }), []cpWant{
			cpFail(Error, pod, `spec: network: podCIDR: Invalid value: "foobar": invalid CIDR address`),
		}},
		{"leading zeros", k0sFacts(func(k *K0s) { k.ServiceCIDR.Value = "010.96.0.0/12" }), []cpWant{
			cpFail(Error, svc, `serviceCIDR: Invalid value: "010.96.0.0/12": invalid CIDR address`),
		}},
		{"families differ", k0sFacts(func(k *K0s) { k.DualStack.Value, k.ServiceCIDR.Value = "false", "fd01::/108" }), []cpWant{
			cpFail(Error, pod, "podCIDR and serviceCIDR must be both IPv4 or IPv6"),
		}},
		// k0s compares the prefix length: longer than /108 is refused
		// (its test invalid_ipv6_service_cidr_prefix_too_large).
		{"IPv6 service CIDR longer than /108", k0sFacts(func(k *K0s) {
			k.DualStack.Value, k.PodCIDR.Value, k.ServiceCIDR.Value = "false", "fd00::/108", "fd01::/120"
		}), []cpWant{cpFail(Error, svc, `serviceCIDR: Invalid value: "fd01::/120": IPv6 service CIDR prefix must be <= 108`)}},
		{"IPv6 service CIDR shorter than /108", k0sFacts(func(k *K0s) {
			k.DualStack.Value, k.PodCIDR.Value, k.ServiceCIDR.Value = "false", "fd00::/108", "fd01::/104"
		}), []cpWant{cpOK("k0s")}},
		{"not k0s", &Facts{}, []cpWant{cpPass("k0s", "nothing to check")}},
	})
}

func TestK0sIPv6SingleStack(t *testing.T) {
	pod := "k0s spec.network.podCIDR"
	ipv6 := func(gate *Setting) *Facts {
		return k0sFacts(func(k *K0s) {
			k.DualStack.Value, k.PodCIDR.Value, k.ServiceCIDR.Value = "false", "fd00::/108", "fd01::/108"
			k.IPv6SingleStack = gate
		})
	}
	const msg = `spec: network: podCIDR: Invalid value: "fd00::/108": feature gate IPv6SingleStack must be explicitly enabled to use IPv6 single stack`
	cpRunCases(t, "k0s-ipv6-single-stack", []cpCase{
		{"docs' dual-stack", k0sFacts(nil), []cpWant{cpOK("k0s")}},
		{"IPv6, gate unknown", ipv6(nil), []cpWant{cpFail(Warning, pod, msg)}},
		{"IPv6, gate off on a controller", ipv6(&Setting{Value: "false", Source: "file k0sctl.yaml, k0sctl Cluster spec.hosts[0].installFlags"}), []cpWant{cpFail(Error, pod, msg)}},
		{"IPv6, gate on", ipv6(&Setting{Value: "true"}), []cpWant{cpOK("k0s")}},
		{"IPv4", k0sFacts(func(k *K0s) { k.DualStack.Value = "false" }), []cpWant{cpOK("k0s")}},
	})
}

func TestK0sDualStack(t *testing.T) {
	const v6pod, v6svc, pod, svc = "k0s spec.network.dualStack.IPv6podCIDR", "k0s spec.network.dualStack.IPv6serviceCIDR", "k0s spec.network.podCIDR", "k0s spec.network.serviceCIDR"
	cpRunCases(t, "k0s-dual-stack", []cpCase{
		{"docs' dual-stack", k0sFacts(nil), []cpWant{cpOK("k0s")}},
		{"docs' calico in bird mode", k0sFacts(func(k *K0s) { k.Provider.Value, k.CalicoMode.Value = "calico", "bird" }), []cpWant{cpOK("k0s")}},
		{"calico in its default vxlan mode", k0sFacts(func(k *K0s) { k.Provider.Value, k.CalicoMode.Value = "calico", "vxlan" }), []cpWant{
			cpFail(Error, "k0s spec.network.calico.mode", "spec: network: calico.mode: Forbidden: dual-stack for calico is only supported for mode `bird`"),
		}},
		{"no IPv6 CIDRs", k0sFacts(func(k *K0s) { k.IPv6PodCIDR.Value, k.IPv6ServiceCIDR.Value = "", "" }), []cpWant{
			cpFail(Error, v6pod, `dualStack.IPv6podCIDR: Invalid value: "": invalid CIDR address`),
			cpFail(Error, v6svc, `dualStack.IPv6serviceCIDR: Invalid value: "": invalid CIDR address`),
		}},
		{"IPv4 IPv6podCIDR", k0sFacts(func(k *K0s) { k.IPv6PodCIDR.Value = "10.0.0.0/24" }), []cpWant{cpFail(Error, v6pod, "must be an IPv6 CIDR, not IPv4")}},
		{"IPv4 IPv6serviceCIDR", k0sFacts(func(k *K0s) { k.IPv6ServiceCIDR.Value = "10.96.0.0/12" }), []cpWant{cpFail(Error, v6svc, "must be an IPv6 CIDR, not IPv4")}},
		{"IPv6serviceCIDR too large", k0sFacts(func(k *K0s) { k.IPv6ServiceCIDR.Value = "fd01::/64" }), []cpWant{cpFail(Error, v6svc, "IPv6 service CIDR prefix must be <= 108")}},
		{"IPv6 podCIDR and serviceCIDR", k0sFacts(func(k *K0s) { k.PodCIDR.Value, k.ServiceCIDR.Value = "fd00::/108", "fd01::/108" }), []cpWant{
			cpFail(Error, pod, "if DualStack is enabled, podCIDR must be IPv4"),
			cpFail(Error, svc, "if DualStack is enabled, serviceCIDR must be IPv4"),
		}},
		{"disabled", k0sFacts(func(k *K0s) { k.DualStack.Value, k.IPv6PodCIDR.Value = "false", "" }), []cpWant{cpOK("k0s")}},
	})
}

func TestK0sDualStackDisabled(t *testing.T) {
	cpRunCases(t, "k0s-dual-stack-disabled", []cpCase{
		{"docs' dual-stack", k0sFacts(nil), []cpWant{cpOK("k0s")}},
		{"IPv6 CIDRs without enabled", k0sFacts(func(k *K0s) { k.DualStack.Value = "false" }), []cpWant{
			cpFail(Warning, "k0s spec.network.dualStack.IPv6podCIDR", "k0s ignores it and builds the cluster single-stack from podCIDR 10.244.0.0/16"),
			cpFail(Warning, "k0s spec.network.dualStack.IPv6serviceCIDR", "serviceCIDR 10.96.0.0/12"),
		}},
		{"single-stack", k0sFacts(func(k *K0s) { k.DualStack.Value, k.IPv6PodCIDR.Value, k.IPv6ServiceCIDR.Value = "false", "", "" }), []cpWant{cpOK("k0s")}},
	})
}

func TestK0sPrimaryAddressFamily(t *testing.T) {
	with := func(v string) *Facts { return k0sFacts(func(k *K0s) { k.PrimaryAddressFamily.Value = v }) }
	cpRunCases(t, "k0s-primary-address-family", []cpCase{
		{"unset", with(""), []cpWant{cpOK("k0s")}},
		{"IPv4", with("IPv4"), []cpWant{cpOK("k0s")}},
		{"IPv6", with("IPv6"), []cpWant{cpOK("k0s")}},
		{"IPv5", with("IPv5"), []cpWant{cpFail(Error, "k0s spec.network.primaryAddressFamily", `spec: network: addressFamily: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"`)}},
		{"lower case", with("ipv6"), []cpWant{cpFail(Error, "k0s spec.network.primaryAddressFamily", `Unsupported value: "ipv6"`)}},
	})
}
