package check

import "testing"

func TestAPIServerServiceRangeSyntax(t *testing.T) {
	subj := cpAPI1 + " --service-cluster-ip-range"
	set := func(v string) *Facts {
		return cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", v) })
	}
	unavailable := &Facts{}
	unavailable.MarkUnavailable(SourceControlPlane, "no static control-plane pods")
	cpRunCases(t, "apiserver-service-range-syntax", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"A2 three entries", set("10.96.0.0/16,fd00::/112,10.97.0.0/16"), []cpWant{
			cpFail(Error, subj, "--service-cluster-ip-range must not contain more than two entries"),
		}},
		{"A1 primary unparsable", set("10.96.0.0/33"), []cpWant{
			cpFail(Error, subj, "service-cluster-ip-range[0] is not a valid cidr"),
		}},
		{"A1 message", set("bogus,fd00::/112"), []cpWant{
			cpFail(Error, subj, "--service-cluster-ip-range must contain at least one valid cidr"),
		}},
		{"secondary unparsable", set("10.96.0.0/16,bogus"), []cpWant{
			cpFail(Error, subj, `service-cluster-ip-range[1] is not an ip net ("bogus")`),
		}},
		{"space after comma is not trimmed upstream", set("10.96.0.0/16, fd00::/112"), []cpWant{
			cpFail(Error, subj, "service-cluster-ip-range[1] is not an ip net"),
		}},
		{"trailing comma", set("10.96.0.0/16,"), []cpWant{
			cpFail(Error, subj, "service-cluster-ip-range[1] is not an ip net"),
		}},
		{"host bits are masked, sloppily", set("10.96.0.1/16,fd00::/112"), []cpWant{
			cpFail(Info, subj, `service-cluster-ip-range[0] "10.96.0.1/16" is read as 10.96.0.0/16`),
		}},
		{"unset is another rule's", cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", "") }), []cpWant{cpOK("apiserver")}},
		{"no apiserver", cpMut("dual4", func(f *Facts) { cpWithout(f, APIServer) }), []cpWant{cpPass(APIServer, "nothing to check")}},
		{"control plane unavailable", unavailable, []cpWant{cpSkip("apiserver", "no static control-plane pods")}},
	})
}

func TestAPIServerServiceRangeFamilies(t *testing.T) {
	subj := cpAPI1 + " --service-cluster-ip-range"
	set := func(v string) *Facts {
		return cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", v) })
	}
	const a4 = "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family"
	cpRunCases(t, "apiserver-service-range-families", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"A4 two IPv4", set("10.96.0.0/16,10.97.0.0/16"), []cpWant{cpFail(Error, subj, a4)}},
		{"A4 two IPv6", set("fd00::/112,fd01::/112"), []cpWant{cpFail(Error, subj, a4)}},
		{"IPv4-mapped counts as IPv4", set("10.96.0.0/16,::ffff:10.97.0.0/112"), []cpWant{cpFail(Error, subj, a4)}},
	})
}

func TestAPIServerServiceRangeSize(t *testing.T) {
	subj := cpAPI1 + " --service-cluster-ip-range"
	at := func(ver, ranges, gates string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.ServerVersion = ver
			cpSet(f, APIServer, "service-cluster-ip-range", ranges)
			cpSet(f, APIServer, "feature-gates", gates)
		})
	}
	imageTag := at("v1.37.0", "10.0.0.0/8", "")
	imageTag.Components[0].Version = "v1.33.2"
	cpRunCases(t, "apiserver-service-range-size", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4 /12", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"A3 1.33 IPv4 /8", at("v1.33.0", "10.0.0.0/8", ""), []cpWant{
			cpFail(Error, subj, "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"),
		}},
		{"A5 1.33 IPv6 /96", at("v1.33.0", "10.96.0.0/16,fd00::/96", ""), []cpWant{
			cpFail(Error, subj, "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108"),
		}},
		{"A3 IPv6 primary 1.32", at("v1.32.4", "fd00::/64,10.96.0.0/16", ""), []cpWant{
			cpFail(Error, subj, "specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be >= 108"),
		}},
		{"1.33 with DisableAllocatorDualWrite on", at("v1.33.0", "10.0.0.0/8", "DisableAllocatorDualWrite=true"), []cpWant{cpOK("apiserver")}},
		{"1.34 default: no limit", at("v1.34.1", "10.0.0.0/8,fd00::/64", ""), []cpWant{cpOK("apiserver")}},
		{"1.34 dual write re-enabled", at("v1.34.1", "10.0.0.0/8", "DisableAllocatorDualWrite=false"), []cpWant{
			cpFail(Error, subj, "the mask must be >= 12"),
		}},
		{"1.35 gate locked", at("v1.35.0", "10.0.0.0/8", "DisableAllocatorDualWrite=false"), []cpWant{cpOK("apiserver")}},
		{"1.29 MultiCIDRServiceAllocator: 64 bits", at("v1.29.3", "fd00::/64", "MultiCIDRServiceAllocator=true"), []cpWant{cpOK("apiserver")}},
		{"1.29 MultiCIDRServiceAllocator: /60", at("v1.29.3", "fd00::/60", "MultiCIDRServiceAllocator=true"), []cpWant{
			cpFail(Error, subj, "specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be >= 64"),
		}},
		{"IPv6 shorter than /64 on 1.37", at("v1.37.0", "10.96.0.0/16,fd00::/56", ""), []cpWant{
			cpFail(Error, subj, "shortest allowed prefix length for service CIDR is 64, got 56"),
		}},
		{"IPv6 /64 on 1.37", at("v1.37.0", "fd00::/64,10.96.0.0/16", ""), []cpWant{cpOK("apiserver")}},
		{"version unknown", at("", "10.0.0.0/8", ""), []cpWant{
			cpFail(Warning, subj, "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"),
		}},
		{"the image tag wins over the server version", imageTag, []cpWant{cpFail(Error, subj, "kube-apiserver v1.33.2")}},
		{"fewer than 8 addresses", at("v1.37.0", "10.96.0.0/30", ""), []cpWant{
			cpFail(Error, subj, "error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses"),
		}},
	})
}

func TestAPIServerServiceRangeDefault(t *testing.T) {
	cpRunCases(t, "apiserver-service-range-default", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"unset", cpMut("dual4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", "") }), []cpWant{
			cpFail(Warning, cpAPI1+" --service-cluster-ip-range", "No CIDR for service cluster IPs specified. Default value which was 10.0.0.0/24 is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver."),
		}},
	})
}

func TestAPIServerAdvertiseAddressFamily(t *testing.T) {
	subj := cpAPI1 + " --advertise-address"
	adv := func(stack, addr string) *Facts {
		return cpMut(stack, func(f *Facts) { cpSet(f, APIServer, "advertise-address", addr) })
	}
	cpRunCases(t, "apiserver-advertise-address-family", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"IPv6 address, IPv4 primary", adv("dual4", "fd00:1::10"), []cpWant{
			cpFail(Error, subj, `service IP family "10.96.0.0/16" must match public address family "fd00:1::10"`),
		}},
		{"IPv4 address, IPv6 primary", adv("dual6", "192.168.0.10"), []cpWant{
			cpFail(Error, subj, `service IP family "fd00:10:96::/112" must match public address family "192.168.0.10"`),
		}},
		{"IPv4-mapped counts as IPv4", adv("dual4", "::ffff:192.168.0.10"), []cpWant{cpOK("apiserver")}},
		{"IPv4-mapped on IPv6 primary", adv("dual6", "::ffff:192.168.0.10"), []cpWant{
			cpFail(Error, subj, "must match public address family"),
		}},
		{"default range", cpMut("single4", func(f *Facts) {
			cpSet(f, APIServer, "service-cluster-ip-range", "")
			cpSet(f, APIServer, "advertise-address", "fd00:1::10")
		}), []cpWant{cpFail(Error, subj, `service IP family "10.0.0.0/24" must match public address family "fd00:1::10"`)}},
		{"reconciler none", cpMut("dual4", func(f *Facts) {
			cpSet(f, APIServer, "advertise-address", "fd00:1::10")
			cpSet(f, APIServer, "endpoint-reconciler-type", "none")
		}), []cpWant{cpPass(subj, "--endpoint-reconciler-type=none")}},
		{"bind address stands in", cpMut("dual4", func(f *Facts) {
			cpSet(f, APIServer, "advertise-address", "")
			cpSet(f, APIServer, "bind-address", "fd00:1::10")
		}), []cpWant{cpFail(Error, subj, `must match public address family "fd00:1::10"`)}},
		{"unset", adv("dual4", ""), []cpWant{cpPass(subj, "cannot be checked")}},
		{"unspecified", adv("dual6", "0.0.0.0"), []cpWant{cpPass(subj, "cannot be checked")}},
		{"unspecified, with a bind address", cpMut("dual6", func(f *Facts) {
			cpSet(f, APIServer, "advertise-address", "::")
			cpSet(f, APIServer, "bind-address", "192.168.0.10")
		}), []cpWant{cpFail(Error, subj, `must match public address family "192.168.0.10"`)}},
		{"unparsable", adv("dual4", "cp1.example"), []cpWant{cpFail(Error, subj, `invalid argument "cp1.example" for "--advertise-address" flag`)}},
	})
}

// Without kube-apiserver instances (a kubeadm configuration checked before
// the cluster exists) the rule checks the kube-apiserver kubeadm would
// generate: localAPIEndpoint.advertiseAddress against serviceSubnet.
func TestAPIServerAdvertiseAddressFamilyKubeadm(t *testing.T) {
	const subj = "kube-apiserver kubeadm --advertise-address"
	kubeadm := func(stack, addr string, fn func(k *Kubeadm)) *Facts {
		return cpMut(stack, func(f *Facts) {
			cpWithout(f, APIServer)
			f.Kubeadm.AdvertiseAddress = &Setting{Value: addr, Source: "file kubeadm.yaml, InitConfiguration localAPIEndpoint.advertiseAddress", File: "kubeadm.yaml", Line: 7, Column: 21}
			if fn != nil {
				fn(f.Kubeadm)
			}
		})
	}
	noControlPlane := func(f *Facts) *Facts {
		f.MarkUnavailable(SourceControlPlane, "no kube-apiserver manifest in the files")
		return f
	}
	cpRunCases(t, "apiserver-advertise-address-family", []cpCase{
		{"dual4", kubeadm("dual4", "192.168.0.10", nil), []cpWant{cpOK("apiserver")}},
		{"dual6", kubeadm("dual6", "fd00:1::10", nil), []cpWant{cpOK("apiserver")}},
		{"IPv6 address, IPv4 serviceSubnet", kubeadm("dual4", "fd00:1::10", nil), []cpWant{
			cpFail(Error, subj, `service IP family "10.96.0.0/16" must match public address family "fd00:1::10"`),
		}},
		{"serviceSubnet unset: kubeadm's default", kubeadm("dual6", "fd00:1::10", func(k *Kubeadm) { k.ServiceSubnet = nil }), []cpWant{
			cpFail(Error, subj, `service IP family "10.96.0.0/12" must match public address family "fd00:1::10"`),
		}},
		{"apiServer.extraArgs win", kubeadm("dual4", "fd00:1::10", func(k *Kubeadm) {
			k.ExtraArgs["apiServer"] = map[string]Setting{"advertise-address": {Value: "192.168.0.10", Source: "extraArgs"}}
		}), []cpWant{cpOK("apiserver")}},
		{"control plane unavailable, kubeadm known", noControlPlane(kubeadm("dual4", "fd00:1::10", nil)), []cpWant{
			cpFail(Error, subj, "must match public address family"),
		}},
		{"control plane unavailable, no kubeadm address", noControlPlane(cpMut("dual4", func(f *Facts) { cpWithout(f, APIServer) })), []cpWant{
			cpSkip("apiserver", "no kube-apiserver manifest in the files"),
		}},
		{"no kubeadm address", cpMut("dual4", func(f *Facts) { cpWithout(f, APIServer) }), []cpWant{cpPass(APIServer, "nothing to check")}},
		{"a kube-apiserver instance wins over kubeadm", cpMut("dual4", func(f *Facts) {
			f.Kubeadm.AdvertiseAddress = &Setting{Value: "fd00:1::10", Source: "kubeadm"}
		}), []cpWant{cpOK("apiserver")}},
	})
	// The finding points at the advertiseAddress in the file.
	findings := runRules(t, kubeadm("dual4", "fd00:1::10", nil), []Rule{cpRule(t, "apiserver-advertise-address-family")})
	if len(findings) != 1 || findings[0].File != "kubeadm.yaml" || findings[0].Line != 7 || findings[0].Column != 21 {
		t.Errorf("findings %+v", findings)
	}
}

func TestAPIServerServiceRangeConsistent(t *testing.T) {
	two := func(second string) *Facts {
		return cpMut("dual4", func(f *Facts) {
			f.Components = append(f.Components, cpComp(APIServer, cpAPI2, map[string]string{"service-cluster-ip-range": second}))
		})
	}
	cpRunCases(t, "apiserver-service-range-consistent", []cpCase{
		{"one instance", cpCluster("dual4"), []cpWant{cpPass(APIServer, "nothing to compare")}},
		{"same", two("10.96.0.0/16,fd00:10:96::/112"), []cpWant{cpOK("apiserver")}},
		{"same after masking host bits", two("10.96.1.0/16,fd00:10:96::/112"), []cpWant{cpOK("apiserver")}},
		{"single-stack second", two("10.96.0.0/16"), []cpWant{cpFail(Error, cpAPI2+" --service-cluster-ip-range", "kube-apiserver instances disagree")}},
		{"other order", two("fd00:10:96::/112,10.96.0.0/16"), []cpWant{cpFail(Error, cpAPI2+" --service-cluster-ip-range", "kube-apiserver instances disagree")}},
	})
}

func TestAPIServerSecondaryRangeFlag(t *testing.T) {
	cpRunCases(t, "apiserver-secondary-range-flag", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"set", cpMut("single4", func(f *Facts) { cpSet(f, APIServer, "secondary-service-cluster-ip-range", "fd00::/112") }), []cpWant{
			cpFail(Error, cpAPI1+" --secondary-service-cluster-ip-range", "unknown flag: --secondary-service-cluster-ip-range"),
		}},
	})
}

func TestAPIServerKubernetesServiceIP(t *testing.T) {
	const subj = "service/default/kubernetes"
	noServices := cpCluster("dual4")
	noServices.MarkUnavailable(SourceServices, "forbidden")
	fromServiceCIDR := cpMut("dual6", func(f *Facts) {
		cpWithout(f, APIServer)
		f.Kubeadm = nil
		f.ServiceCIDRs = []ServiceCIDR{{Name: "kubernetes", CIDRs: []string{"fd00:10:96::/112", "10.96.0.0/16"}}}
	})
	cpRunCases(t, "apiserver-kubernetes-service-ip", []cpCase{
		{"dual4", cpCluster("dual4"), []cpWant{cpOK("apiserver")}},
		{"dual6", cpCluster("dual6"), []cpWant{cpOK("apiserver")}},
		{"single4", cpCluster("single4"), []cpWant{cpOK("apiserver")}},
		{"from the ServiceCIDR", fromServiceCIDR, []cpWant{cpOK("apiserver")}},
		{"wrong IP", cpMut("dual4", func(f *Facts) { f.Services[0] = cpService("default", "kubernetes", "10.96.0.2") }), []cpWant{
			cpFail(Error, subj, `has clusterIP "10.96.0.2" but the first IP of the primary service range 10.96.0.0/16`),
		}},
		{"wrong family", cpMut("dual4", func(f *Facts) { f.Services[0] = cpService("default", "kubernetes", "fd00:10:96::1") }), []cpWant{
			cpFail(Error, subj, "is 10.96.0.1"),
		}},
		{"default range", cpMut("single4", func(f *Facts) { cpSet(f, APIServer, "service-cluster-ip-range", "") }), []cpWant{
			cpFail(Error, subj, "10.0.0.0/24"),
		}},
		{"no Service", cpMut("dual4", func(f *Facts) { f.Services = f.Services[1:] }), []cpWant{cpPass(subj, "nothing to check")}},
		{"services unavailable", noServices, []cpWant{cpSkip("apiserver", "forbidden")}},
	})
}
