package check

import (
	"fmt"
	"strings"
	"testing"
)

// ocpWhere names the test install-config.
const ocpWhere = "file install-config.yaml, OpenShift install-config"

// ocpList is a networking list of the test install-config.
func ocpList(field string, cidrs ...string) OpenShiftNetworks {
	l := OpenShiftNetworks{At: Setting{Value: strings.Join(cidrs, ","), Source: ocpWhere + " " + field}}
	for i, c := range cidrs {
		l.CIDRs = append(l.CIDRs, Setting{Value: c, Source: fmt.Sprintf("%s %s[%d]", ocpWhere, field, i)})
	}
	return l
}

// ocpConfig is an install-config: the installer's dual-stack test
// networking (validDualStackNetworkingConfig) on a platform; cluster
// entries are "cidr/hostPrefix" pairs.
func ocpConfig(platform string, mutate func(o *OpenShift)) *Facts {
	o := &OpenShift{
		Source:         ocpWhere,
		Platform:       Setting{Value: platform, Source: ocpWhere + " platform." + platform},
		NetworkType:    Setting{Value: "OVNKubernetes", Source: ocpWhere + " networking.networkType"},
		MachineNetwork: ocpList("networking.machineNetwork", "10.0.0.0/16", "fc00::/48"),
		ServiceNetwork: ocpList("networking.serviceNetwork", "172.30.0.0/16", "ffd1::/112"),
	}
	ocpClusterNetwork(o, "192.168.1.0/24", "28", "ffd0::/48", "64")
	if mutate != nil {
		mutate(o)
	}
	return &Facts{OpenShift: o}
}

// ocpClusterNetwork sets clusterNetwork from cidr, hostPrefix pairs ("" is
// an unset hostPrefix).
func ocpClusterNetwork(o *OpenShift, pairs ...string) {
	o.ClusterNetwork = nil
	var cidrs []string
	for i := 0; i+1 < len(pairs); i += 2 {
		cn := OpenShiftClusterNetwork{CIDR: Setting{Value: pairs[i], Source: fmt.Sprintf("%s networking.clusterNetwork[%d].cidr", ocpWhere, i/2)}}
		if pairs[i+1] != "" {
			cn.HostPrefix = Setting{Value: pairs[i+1], Source: fmt.Sprintf("%s networking.clusterNetwork[%d].hostPrefix", ocpWhere, i/2)}
		}
		o.ClusterNetwork = append(o.ClusterNetwork, cn)
		cidrs = append(cidrs, pairs[i])
	}
	o.ClusterNetworkAt = Setting{Value: strings.Join(cidrs, ","), Source: ocpWhere + " networking.clusterNetwork"}
}

// ocpIPv4 is the installer's single-stack test networking.
func ocpIPv4(o *OpenShift) {
	o.MachineNetwork = ocpList("networking.machineNetwork", "10.0.0.0/16")
	o.ServiceNetwork = ocpList("networking.serviceNetwork", "172.30.0.0/16")
	ocpClusterNetwork(o, "192.168.1.0/24", "28")
}

// ocpIPv6 is the installer's single-stack IPv6 test networking
// (validIPv6NetworkingConfig).
func ocpIPv6(o *OpenShift) {
	o.MachineNetwork = ocpList("networking.machineNetwork", "fc00::/48")
	o.ServiceNetwork = ocpList("networking.serviceNetwork", "ffd1::/112")
	ocpClusterNetwork(o, "ffd0::/48", "64")
}

func TestOpenShiftScope(t *testing.T) {
	for _, r := range openshiftRules {
		cpRunCases(t, r.ID, []cpCase{
			{"not OpenShift", cpCluster("dual4"), []cpWant{cpPass("openshift", "no OpenShift install-config.yaml")}},
			{"dual-stack on none", ocpConfig("none", nil), []cpWant{cpOK("openshift")}},
		})
	}
}

func TestOpenShiftNetworks(t *testing.T) {
	cpRunCases(t, "openshift-networks", []cpCase{
		{"IPv4", ocpConfig("aws", ocpIPv4), []cpWant{cpOK("openshift")}},
		{"unparsable", ocpConfig("none", func(o *OpenShift) { o.MachineNetwork.CIDRs[1].Value = "fc00::/129" }), []cpWant{
			cpFail(Error, "openshift networking.machineNetwork[1]", "invalid CIDR address: fc00::/129"),
		}},
		{"host bits", ocpConfig("none", func(o *OpenShift) { o.ClusterNetwork[0].CIDR.Value = "192.168.1.1/24" }), []cpWant{
			cpFail(Error, "openshift networking.clusterNetwork[0].cidr", `networking.clusterNetwork[0].cidr: Invalid value: "192.168.1.1/24": invalid network address. got 192.168.1.1/24, expecting 192.168.1.0/24`),
		}},
		{"unspecified", ocpConfig("none", func(o *OpenShift) { o.MachineNetwork.CIDRs[0].Value = "0.0.0.0/16" }), []cpWant{
			cpFail(Error, "openshift networking.machineNetwork[0]", "address must be specified"),
		}},
		{"IPv4 service network too large", ocpConfig("none", func(o *OpenShift) { o.ServiceNetwork.CIDRs[0].Value = "172.0.0.0/8" }), []cpWant{
			cpFail(Error, "openshift networking.serviceNetwork[0]", "subnet size for IPv4 service network must be /12 or greater (/16 is recommended)"),
		}},
		{"IPv6 service network too large", ocpConfig("none", func(o *OpenShift) { o.ServiceNetwork.CIDRs[1].Value = "ffd1::/64" }), []cpWant{
			cpFail(Error, "openshift networking.serviceNetwork[1]", "subnet size for IPv6 service network should be /112"),
		}},
		{"IPv6 service network /108", ocpConfig("none", func(o *OpenShift) { o.ServiceNetwork.CIDRs[1].Value = "ffd1::/108" }), []cpWant{cpOK("openshift")}},
		{"machine networks overlap", ocpConfig("none", func(o *OpenShift) {
			o.MachineNetwork = ocpList("networking.machineNetwork", "10.0.0.0/16", "fc00::/48", "10.0.1.0/24")
		}), []cpWant{cpFail(Error, "openshift networking.machineNetwork[2]", "machine network must not overlap with machine network 0")}},
		{"service overlaps machine", ocpConfig("none", func(o *OpenShift) { o.ServiceNetwork.CIDRs[0].Value = "10.0.0.0/16" }), []cpWant{
			cpFail(Error, "openshift networking.serviceNetwork[0]", "service network must not overlap with any of the machine networks"),
		}},
		{"cluster overlaps service", ocpConfig("none", func(o *OpenShift) { ocpClusterNetwork(o, "172.30.0.0/16", "23", "ffd0::/48", "64") }), []cpWant{
			cpFail(Error, "openshift networking.clusterNetwork[0].cidr", "cluster network must not overlap with service network 0"),
		}},
		{"cluster networks overlap", ocpConfig("none", func(o *OpenShift) {
			ocpClusterNetwork(o, "192.168.0.0/16", "23", "ffd0::/48", "64", "192.168.2.0/24", "23")
		}), []cpWant{cpFail(Error, "openshift networking.clusterNetwork[2].cidr", "cluster network must not overlap with cluster network 0")}},
	})
}

func TestOpenShiftNetworkType(t *testing.T) {
	const subj = "openshift networking.networkType"
	with := func(v string) *Facts { return ocpConfig("none", func(o *OpenShift) { o.NetworkType.Value = v }) }
	cpRunCases(t, "openshift-network-type", []cpCase{
		{"OpenShiftSDN", with("OpenShiftSDN"), []cpWant{cpFail(Error, subj, `networking.networkType: Invalid value: "OpenShiftSDN": networkType OpenShiftSDN is not supported, please use OVNKubernetes`)}},
		{"any case", with("openshiftsdn"), []cpWant{cpFail(Error, subj, "networkType OpenShiftSDN is not supported")}},
		{"Kuryr", with("Kuryr"), []cpWant{cpFail(Error, subj, "networkType Kuryr is not supported on OpenShift later than 4.14")}},
		{"third-party dual-stack", with("Cilium"), []cpWant{cpFail(Info, subj, "leaves the IPv6 family to that plugin")}},
		{"third-party IPv4", ocpConfig("aws", func(o *OpenShift) { ocpIPv4(o); o.NetworkType.Value = "Calico" }), []cpWant{cpOK("openshift")}},
	})
}

func TestOpenShiftServiceNetworks(t *testing.T) {
	const subj = "openshift networking.serviceNetwork"
	cpRunCases(t, "openshift-service-networks", []cpCase{
		{"dual-stack with three", ocpConfig("none", func(o *OpenShift) {
			o.ServiceNetwork = ocpList("networking.serviceNetwork", "172.30.0.0/16", "ffd1::/112", "172.31.0.0/16")
		}), []cpWant{cpFail(Error, subj, `networking.serviceNetwork: Invalid value: "172.30.0.0/16, ffd1::/112, 172.31.0.0/16": when installing dual-stack IPv4/IPv6 you must provide two service networks, one for each IP address type`)}},
		{"IPv4 with two", ocpConfig("aws", func(o *OpenShift) {
			ocpIPv4(o)
			o.ServiceNetwork = ocpList("networking.serviceNetwork", "172.30.0.0/16", "172.31.0.0/16")
		}), []cpWant{cpFail(Error, subj, "only one service network can be specified")}},
		{"IPv6 with one", ocpConfig("none", ocpIPv6), []cpWant{cpOK("openshift")}},
	})
}

func TestOpenShiftDualStackNetworks(t *testing.T) {
	cpRunCases(t, "openshift-dual-stack-networks", []cpCase{
		{"machine has no IPv6", ocpConfig("none", func(o *OpenShift) { o.MachineNetwork = ocpList("networking.machineNetwork", "10.0.0.0/16") }), []cpWant{
			cpFail(Error, "openshift networking.machineNetwork", `networking.machineNetwork: Invalid value: "10.0.0.0/16": dual-stack IPv4/IPv6 requires an IPv6 network in this list`),
		}},
		{"cluster has no IPv4", ocpConfig("none", func(o *OpenShift) { ocpClusterNetwork(o, "ffd0::/48", "64") }), []cpWant{
			cpFail(Error, "openshift networking.clusterNetwork", "dual-stack IPv4/IPv6 requires an IPv4 network in this list"),
		}},
		{"mixed-order clusterNetwork", ocpConfig("none", func(o *OpenShift) {
			ocpClusterNetwork(o, "192.168.1.0/24", "28", "ffd0::/48", "64", "192.168.2.0/24", "28")
		}), []cpWant{cpOK("openshift")}},
		{"IPv4 services: single-stack", ocpConfig("aws", func(o *OpenShift) { o.ServiceNetwork = ocpList("networking.serviceNetwork", "172.30.0.0/16") }), []cpWant{cpOK("openshift")}},
	})
}

func TestOpenShiftIPv4Primary(t *testing.T) {
	v6First := func(o *OpenShift) {
		o.ServiceNetwork = ocpList("networking.serviceNetwork", "ffd1::/112", "172.30.0.0/16")
	}
	cpRunCases(t, "openshift-ipv4-primary", []cpCase{
		{"IPv6-primary on none", ocpConfig("none", v6First), []cpWant{
			cpFail(Error, "openshift networking.serviceNetwork", `networking.serviceNetwork: Invalid value: "ffd1::/112, 172.30.0.0/16": IPv4 addresses must be listed before IPv6 addresses`),
		}},
		{"IPv6-primary on gcp", ocpConfig("gcp", v6First), []cpWant{cpFail(Error, "openshift networking.serviceNetwork", "IPv4 addresses must be listed before IPv6 addresses")}},
		{"IPv6-primary on baremetal", ocpConfig("baremetal", v6First), []cpWant{cpOK("openshift")}},
		{"IPv6-primary on vsphere", ocpConfig("vsphere", v6First), []cpWant{cpOK("openshift")}},
		{"IPv6-primary on openstack", ocpConfig("openstack", v6First), []cpWant{cpOK("openshift")}},
		{"platform ipFamily", ocpConfig("aws", func(o *OpenShift) {
			v6First(o)
			o.IPFamily = &Setting{Value: "DualStackIPv6Primary", Source: ocpWhere + " platform.aws.ipFamily"}
		}), []cpWant{cpOK("openshift")}},
	})
}

func TestOpenShiftPlatform(t *testing.T) {
	cpRunCases(t, "openshift-platform", []cpCase{
		{"dual-stack on gcp", ocpConfig("gcp", nil), []cpWant{
			cpFail(Error, "openshift platform.gcp", `networking: Invalid value: "DualStack": dual-stack IPv4/IPv6 is not supported for this platform, specify only one type of address`),
		}},
		{"dual-stack on azure", ocpConfig("azure", nil), []cpWant{cpFail(Warning, "openshift platform.azure", "OPENSHIFT_INSTALL_EXPERIMENTAL_DUAL_STACK=true")}},
		{"IPv6 on aws", ocpConfig("aws", ocpIPv6), []cpWant{cpFail(Error, "openshift platform.aws", `networking: Invalid value: "IPv6": single-stack IPv6 is not supported for this platform`)}},
		{"IPv6 on Azure Stack", ocpConfig("azure", func(o *OpenShift) {
			ocpIPv6(o)
			o.CloudName = Setting{Value: "AzureStackCloud"}
		}), []cpWant{cpFail(Error, "openshift platform.azure", "Azure Stack does not support IPv6")}},
		{"IPv6 on azure", ocpConfig("azure", ocpIPv6), []cpWant{cpFail(Error, "openshift platform.azure", "single-stack IPv6 is not supported for this platform")}},
		{"IPv4 on gcp", ocpConfig("gcp", ocpIPv4), []cpWant{cpOK("openshift")}},
		{"dual-stack on nutanix", ocpConfig("nutanix", nil), []cpWant{cpOK("openshift")}},
		{"IPv6 on external", ocpConfig("external", ocpIPv6), []cpWant{cpOK("openshift")}},
		{"aws ipFamily", ocpConfig("aws", func(o *OpenShift) {
			o.IPFamily = &Setting{Value: "DualStackIPv4Primary", Source: ocpWhere + " platform.aws.ipFamily"}
		}), []cpWant{cpFail(Info, "openshift platform.aws", "not checked")}},
	})
}

func TestOpenShiftHostPrefix(t *testing.T) {
	subj := func(i int) string { return fmt.Sprintf("openshift networking.clusterNetwork[%d].hostPrefix", i) }
	cn := func(pairs ...string) *Facts {
		return ocpConfig("none", func(o *OpenShift) { ocpClusterNetwork(o, pairs...) })
	}
	cpRunCases(t, "openshift-host-prefix", []cpCase{
		{"IPv6 72", cn("192.168.1.0/24", "28", "ffd0::/48", "72"), []cpWant{
			cpFail(Error, subj(1), "networking.clusterNetwork[1].hostPrefix: Invalid value: 72: cluster network host subnetwork prefix must be 64 for IPv6 networks"),
		}},
		{"negative", cn("192.168.1.0/24", "-1", "ffd0::/48", "64"), []cpWant{cpFail(Error, subj(0), "hostPrefix must be positive")}},
		{"shorter than the CIDR", cn("10.128.0.0/14", "12", "ffd0::/48", "64"), []cpWant{
			cpFail(Error, subj(0), "cluster network host subnetwork prefix must not be larger size than CIDR 10.128.0.0/14"),
		}},
		{"unset with OVN-Kubernetes", cn("10.128.0.0/14", "", "ffd0::/48", "64"), []cpWant{cpFail(Error, subj(0), "Invalid value: 0: cluster network host subnetwork prefix must not be larger size than CIDR")}},
		{"unset with another plugin", ocpConfig("none", func(o *OpenShift) {
			o.NetworkType.Value = "Cilium"
			ocpClusterNetwork(o, "10.128.0.0/14", "", "ffd0::/48", "")
		}), []cpWant{cpOK("openshift")}},
		{"IPv4 prefixes differ", cn("192.168.1.0/24", "28", "ffd0::/48", "64", "192.168.2.0/24", "27"), []cpWant{
			cpFail(Error, subj(2), "cluster network host subnetwork prefix must be the same value for IPv4 networks"),
		}},
	})
}
