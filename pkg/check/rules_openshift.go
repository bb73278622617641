package check

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// openshiftRules are the OpenShift installer's own checks of an
// install-config.yaml, in report order.
var openshiftRules = []Rule{openshiftNetworks, openshiftNetworkType, openshiftServiceNetworks, openshiftDualStackNetworks, openshiftIPv4Primary, openshiftPlatform, openshiftHostPrefix}

// openshiftValidation is where the installer's checks live.
const openshiftValidation = "openshift/installer pkg/types/validation/installconfig.go"

// openshiftDocs is the documentation of install-config's networking.
const openshiftDocs = "https://docs.okd.io/latest/installing/installing_bare_metal/installing-bare-metal-network-customizations.html; openshift/openshift-docs modules/ipi-install-modifying-install-config-for-dual-stack-network.adoc"

// openshiftInstallConfig scopes the rules to an install-config.yaml.
var openshiftInstallConfig = scopeOf("openshift", "no OpenShift install-config.yaml (not an OpenShift installation)", func(f *Facts) bool { return f.OpenShift != nil })

var openshiftNetworks = Rule{
	ID:        "openshift-networks",
	Area:      AreaOpenShift,
	Title:     "install-config's machine, service and cluster networks are network addresses that do not overlap",
	Severity:  Error,
	Reference: openshiftValidation + " validateMachineNetwork, validateServiceNetwork, validateClusterNetwork; pkg/validate/validate.go SubnetCIDR, ServiceSubnetCIDR, DoCIDRsOverlap; " + openshiftDocs,
	Why:       "openshift-install refuses an install-config whose networking CIDRs do not parse (\"invalid CIDR address\"), are not network addresses (\"invalid network address. got 10.0.0.1/16, expecting 10.0.0.0/16\"), whose service networks are wider than /12 or, for IPv6, /108 (\"subnet size for IPv6 service network should be /112\"), or whose networks overlap each other (\"service network must not overlap with any of the machine networks\", \"cluster network must not overlap with service network 0\", …). Two networks overlap when either contains the other's address.",
	Fix:       "write each networking CIDR as its network address, keep service networks at /12 to /16 (IPv4) and /112 (IPv6), and choose machine, service and cluster networks that do not overlap",
	Scope:     openshiftInstallConfig,
	Check:     checkOpenShiftNetworks,
}

func checkOpenShiftNetworks(f *Facts, r *Reporter) {
	o := f.OpenShift
	machines := openshiftParse(r, o.MachineNetwork.CIDRs, "networking.machineNetwork", "networking.machineNetwork[%d]")
	services := openshiftParse(r, o.ServiceNetwork.CIDRs, "networking.serviceNetwork", "networking.serviceNetwork[%d]")
	clusters := openshiftParse(r, openshiftClusterCIDRs(o), "networking.clusterNetwork", "networking.clusterNetwork[%d].cidr")
	fail := func(c openshiftCIDR, detail string) {
		r.Fail("openshift "+c.path, c.at, "%s", field.Invalid(field.NewPath(c.path), c.ipnet.String(), detail).Error())
	}
	// valid says whether c parsed and is a network the installer takes,
	// reporting one it refuses: the installer stops at an invalid CIDR.
	valid := func(c openshiftCIDR, check func(*net.IPNet) error) bool {
		if c.ipnet == nil {
			return false
		}
		if err := check(c.ipnet); err != nil {
			fail(c, err.Error())
			return false
		}
		return true
	}
	// overlapsEach reports c's overlap with each of others, numbered as
	// the installer numbers them in format.
	overlapsEach := func(c openshiftCIDR, others []openshiftCIDR, format string) {
		for j, other := range others {
			if other.ipnet != nil && openshiftOverlap(c.ipnet, other.ipnet) {
				fail(c, fmt.Sprintf(format, j))
			}
		}
	}
	overlapsMachines := func(c openshiftCIDR) bool {
		return slices.ContainsFunc(machines, func(m openshiftCIDR) bool { return m.ipnet != nil && openshiftOverlap(c.ipnet, m.ipnet) })
	}
	for i, m := range machines {
		if valid(m, openshiftSubnetCIDR) {
			overlapsEach(m, machines[:i], "machine network must not overlap with machine network %d")
		}
	}
	for i, s := range services {
		if !valid(s, openshiftServiceSubnetCIDR) {
			continue
		}
		if overlapsMachines(s) {
			fail(s, "service network must not overlap with any of the machine networks")
		}
		overlapsEach(s, services[:i], "service network must not overlap with service network %d")
	}
	for i, c := range clusters {
		if !valid(c, openshiftSubnetCIDR) {
			continue
		}
		if overlapsMachines(c) {
			fail(c, "cluster network must not overlap with any of the machine networks")
		}
		overlapsEach(c, services, "cluster network must not overlap with service network %d")
		overlapsEach(c, clusters[:i], "cluster network must not overlap with cluster network %d")
	}
}

var openshiftNetworkType = Rule{
	ID:        "openshift-network-type",
	Area:      AreaOpenShift,
	Title:     "install-config's networkType is one the installer accepts (OVNKubernetes for dual-stack)",
	Severity:  Error,
	Reference: openshiftValidation + " validateNetworking; " + openshiftDocs,
	Why:       "openshift-install refuses the retired network plugins: \"networkType OpenShiftSDN is not supported, please use OVNKubernetes\" and \"networkType Kuryr is not supported on OpenShift later than 4.14\". OVN-Kubernetes, the default, is the plugin OpenShift documents dual-stack and single-stack IPv6 with; the installer accepts a third-party plugin on any stack and leaves those families to it.",
	Fix:       "set networking.networkType to OVNKubernetes (or leave it unset: it is the default)",
	Scope:     openshiftInstallConfig,
	Check:     checkOpenShiftNetworkType,
}

func checkOpenShiftNetworkType(f *Facts, r *Reporter) {
	o := f.OpenShift
	t := o.NetworkType
	const subject = "openshift networking.networkType"
	path := field.NewPath("networking", "networkType")
	switch {
	case strings.EqualFold(t.Value, "OpenShiftSDN"):
		r.Fail(subject, t, "%s", field.Invalid(path, t.Value, "networkType OpenShiftSDN is not supported, please use OVNKubernetes").Error())
	case strings.EqualFold(t.Value, "Kuryr"):
		r.Fail(subject, t, "%s", field.Invalid(path, t.Value, "networkType Kuryr is not supported on OpenShift later than 4.14").Error())
	case t.Value != "OVNKubernetes":
		if v4, v6 := openshiftServiceFamilies(o); v6 {
			stack := "single-stack IPv6"
			if v4 {
				stack = "dual-stack"
			}
			r.FailWith(Info, subject, t, "networkType %s with %s service networks: the installer accepts it and leaves the IPv6 family to that plugin (OpenShift documents %s with OVNKubernetes)", t.Value, stack, stack)
		}
	}
}

var openshiftServiceNetworks = Rule{
	ID:        "openshift-service-networks",
	Area:      AreaOpenShift,
	Title:     "install-config has two service networks for dual-stack, one for single-stack IPv4",
	Severity:  Error,
	Reference: openshiftValidation + " validateNetworkingIPVersion; " + openshiftDocs,
	Why:       "The families of `networking.serviceNetwork` decide the cluster's stack. openshift-install refuses a dual-stack install-config without exactly two service networks (\"when installing dual-stack IPv4/IPv6 you must provide two service networks, one for each IP address type\") and an IPv4 one with more than one (\"only one service network can be specified\").",
	Fix:       "list one service network per family: one IPv4 CIDR, or an IPv4 and an IPv6 CIDR for dual-stack",
	Scope:     openshiftInstallConfig,
	Check:     checkOpenShiftServiceNetworks,
}

func checkOpenShiftServiceNetworks(f *Facts, r *Reporter) {
	o := f.OpenShift
	v4, v6 := openshiftServiceFamilies(o)
	n := len(o.ServiceNetwork.CIDRs)
	path := field.NewPath("networking", "serviceNetwork")
	value := openshiftJoin(o.ServiceNetwork.CIDRs)
	switch {
	case v4 && v6 && n != 2:
		r.Fail("openshift networking.serviceNetwork", o.ServiceNetwork.At, "%s", field.Invalid(path, value, "when installing dual-stack IPv4/IPv6 you must provide two service networks, one for each IP address type").Error())
	case v4 && !v6 && n > 1:
		r.Fail("openshift networking.serviceNetwork", o.ServiceNetwork.At, "%s", field.Invalid(path, value, "only one service network can be specified").Error())
	}
}

var openshiftDualStackNetworks = Rule{
	ID:        "openshift-dual-stack-networks",
	Area:      AreaOpenShift,
	Title:     "A dual-stack install-config has networks of both families in machineNetwork, serviceNetwork and clusterNetwork",
	Severity:  Error,
	Reference: openshiftValidation + " validateNetworkingIPVersion; " + openshiftDocs,
	Why:       "When the service networks are dual-stack, openshift-install requires each networking list to hold both families: \"dual-stack IPv4/IPv6 requires an IPv6 network in this list\" (or \"an IPv4 network\"). The machine networks are the nodes' addresses, so a single-stack `machineNetwork` is the classic mistake of enabling dual-stack on hosts that have no IPv6 address in the install-config.",
	Fix:       "add the missing family's CIDR to each of machineNetwork, serviceNetwork and clusterNetwork",
	Scope:     openshiftInstallConfig,
	Check:     checkOpenShiftDualStackNetworks,
}

func checkOpenShiftDualStackNetworks(f *Facts, r *Reporter) {
	o := f.OpenShift
	if v4, v6 := openshiftServiceFamilies(o); !v4 || !v6 {
		return // single-stack: nothing to pair
	}
	for _, l := range openshiftLists(o) {
		v4, v6 := openshiftFamilies(l.cidrs)
		missing := ""
		switch {
		case v4 && !v6:
			missing = "dual-stack IPv4/IPv6 requires an IPv6 network in this list"
		case v6 && !v4:
			missing = "dual-stack IPv4/IPv6 requires an IPv4 network in this list"
		default:
			continue
		}
		r.Fail("openshift networking."+l.name, l.at, "%s", field.Invalid(field.NewPath("networking", l.name), openshiftJoin(l.cidrs), missing).Error())
	}
}

var openshiftIPv4Primary = Rule{
	ID:        "openshift-ipv4-primary",
	Area:      AreaOpenShift,
	Title:     "A dual-stack install-config lists IPv4 first, except on bare metal, vSphere and OpenStack",
	Severity:  Error,
	Reference: openshiftValidation + " validateNetworkingIPVersion (allowV6Primary); " + openshiftDocs,
	Why:       "openshift-install takes the first entry of each networking list as the cluster's primary family and, on every platform but baremetal, vsphere and openstack, refuses IPv6 first: \"IPv4 addresses must be listed before IPv6 addresses\" (its source says IPv6-primary \"currently causes confusing install failures, so block it\"). Kubernetes itself accepts either order.",
	Fix:       "list the IPv4 CIDR before the IPv6 one in machineNetwork, serviceNetwork and clusterNetwork (IPv6 first only on baremetal, vsphere or openstack)",
	Scope:     openshiftInstallConfig,
	Check:     checkOpenShiftIPv4Primary,
}

func checkOpenShiftIPv4Primary(f *Facts, r *Reporter) {
	o := f.OpenShift
	if v4, v6 := openshiftServiceFamilies(o); !v4 || !v6 {
		return
	}
	if slices.Contains(openshiftV6PrimaryPlatforms, o.Platform.Value) {
		return
	}
	if o.IPFamily != nil {
		return // the platform's own dual-stack setting: openshift-platform says so
	}
	for _, l := range openshiftLists(o) {
		v4, v6 := openshiftFamilies(l.cidrs)
		if v4 && v6 && !openshiftIsV4(l.cidrs[0]) {
			r.Fail("openshift networking."+l.name, l.at, "%s (platform %s)", field.Invalid(field.NewPath("networking", l.name), openshiftJoin(l.cidrs), "IPv4 addresses must be listed before IPv6 addresses").Error(), o.Platform.Value)
		}
	}
}

var openshiftPlatform = Rule{
	ID:        "openshift-platform",
	Area:      AreaOpenShift,
	Title:     "The install-config's platform supports its IP families",
	Severity:  Error,
	Reference: openshiftValidation + " validateNetworkingIPVersion; " + openshiftDocs,
	Why:       "openshift-install allows dual-stack only on baremetal, vsphere, openstack, ovirt, nutanix, none and external, and on azure when OPENSHIFT_INSTALL_EXPERIMENTAL_DUAL_STACK=true (\"dual-stack IPv4/IPv6 is not supported for this platform, specify only one type of address\"); single-stack IPv6 on the same list without azure (\"single-stack IPv6 is not supported for this platform\", and on Azure Stack \"Azure Stack does not support IPv6\"). Newer installers configure dual-stack on some clouds with `platform.<name>.ipFamily`, which the validation read here predates: such a file is only noted.",
	Fix:       "install dual-stack or IPv6 clusters on a platform that supports them, or give the networks one family (IPv4)",
	Scope:     openshiftInstallConfig,
	Check:     checkOpenShiftPlatform,
}

func checkOpenShiftPlatform(f *Facts, r *Reporter) {
	o := f.OpenShift
	v4, v6 := openshiftServiceFamilies(o)
	if !v6 {
		return
	}
	p := o.Platform
	subject := "openshift platform." + p.Value
	if o.IPFamily != nil {
		r.FailWith(Info, subject, *o.IPFamily, "platform.%s.ipFamily %s: a newer installer's %s dual-stack setting, which the installer validation this rule follows predates: not checked", p.Value, o.IPFamily.Value, p.Value)
		return
	}
	networking := field.NewPath("networking")
	switch {
	case v4 && p.Value == "azure":
		r.FailWith(Warning, subject, p, "%s unless openshift-install runs with OPENSHIFT_INSTALL_EXPERIMENTAL_DUAL_STACK=true (\"Using experimental Azure dual-stack support\")", field.Invalid(networking, "DualStack", "dual-stack IPv4/IPv6 is not supported for this platform, specify only one type of address").Error())
	case v4 && !slices.Contains(openshiftIPv6Platforms, p.Value):
		r.Fail(subject, p, "%s (platform %s)", field.Invalid(networking, "DualStack", "dual-stack IPv4/IPv6 is not supported for this platform, specify only one type of address").Error(), p.Value)
	case !v4 && p.Value == "azure" && o.CloudName.Value == "AzureStackCloud":
		r.Fail(subject, p, "%s", field.Invalid(networking, "IPv6", "Azure Stack does not support IPv6").Error())
	case !v4 && !slices.Contains(openshiftIPv6Platforms, p.Value):
		r.Fail(subject, p, "%s (platform %s)", field.Invalid(networking, "IPv6", "single-stack IPv6 is not supported for this platform").Error(), p.Value)
	}
}

var openshiftHostPrefix = Rule{
	ID:        "openshift-host-prefix",
	Area:      AreaOpenShift,
	Title:     "install-config's clusterNetwork hostPrefix fits its CIDR (64 for IPv6)",
	Severity:  Error,
	Reference: openshiftValidation + " validateClusterNetwork; " + openshiftDocs,
	Why:       "`hostPrefix` is the size of each node's pod subnet (kube-controller-manager's node CIDR mask, per family). With OVNKubernetes, or whenever it is set, openshift-install refuses a negative one (\"hostPrefix must be positive\"), one shorter than its CIDR's mask, as an unset one is (\"cluster network host subnetwork prefix must not be larger size than CIDR 10.128.0.0/14\"), IPv4 entries with different prefixes (\"cluster network host subnetwork prefix must be the same value for IPv4 networks\") and any IPv6 prefix but 64 (\"cluster network host subnetwork prefix must be 64 for IPv6 networks\").",
	Fix:       "give every IPv4 clusterNetwork entry the same hostPrefix, no shorter than its CIDR (23 by default), and every IPv6 entry hostPrefix 64",
	Scope:     openshiftInstallConfig,
	Check:     checkOpenShiftHostPrefix,
}

func checkOpenShiftHostPrefix(f *Facts, r *Reporter) {
	o := f.OpenShift
	usesHostPrefix := o.NetworkType.Value == "OVNKubernetes" // pluginsUsingHostPrefix
	prefixes := make([]int, len(o.ClusterNetwork))
	for i, cn := range o.ClusterNetwork {
		prefixes[i], _ = strconv.Atoi(cn.HostPrefix.Value) // unset: 0 (a non-integer is a file note)
	}
	for i, cn := range o.ClusterNetwork {
		n, err := openshiftIPNet(cn.CIDR.Value)
		if err != nil || openshiftSubnetCIDR(n) != nil {
			continue // openshift-networks: the installer stops at an invalid CIDR
		}
		prefix := prefixes[i]
		if !usesHostPrefix && prefix == 0 {
			continue
		}
		path := field.NewPath("networking", "clusterNetwork").Index(i).Child("hostPrefix")
		at := cn.HostPrefix
		if at.Source == "" {
			at = cn.CIDR // unset: the entry
		}
		subject := fmt.Sprintf("openshift networking.clusterNetwork[%d].hostPrefix", i)
		fail := func(detail string) { r.Fail(subject, at, "%s", field.Invalid(path, prefix, detail).Error()) }
		ones, bits := n.Mask.Size()
		switch {
		case prefix < 0:
			fail("hostPrefix must be positive")
		case prefix < ones:
			fail("cluster network host subnetwork prefix must not be larger size than CIDR " + n.String())
		case bits == 32:
			for j, earlier := range o.ClusterNetwork[:i] {
				if openshiftIsV4(earlier.CIDR) && prefixes[j] != prefix {
					fail("cluster network host subnetwork prefix must be the same value for IPv4 networks")
					break
				}
			}
		case bits == 128 && prefix != 64:
			fail("cluster network host subnetwork prefix must be 64 for IPv6 networks")
		}
	}
}

// The platforms of validateNetworkingIPVersion: where IPv6 may be listed
// first, and where dual-stack and single-stack IPv6 are allowed (azure
// allows dual-stack when experimental).
var (
	openshiftV6PrimaryPlatforms = []string{"baremetal", "vsphere", "openstack"}
	openshiftIPv6Platforms      = []string{"baremetal", "vsphere", "openstack", "ovirt", "nutanix", "none", "external"}
)

// openshiftCIDR is one networking CIDR: its field path, where it was
// read and, when it parses, the network as the installer holds it.
type openshiftCIDR struct {
	path  string
	at    Setting
	ipnet *net.IPNet
}

// openshiftParse parses a networking list (openshiftIPNet), each entry's
// path pathFormat with its index; an entry that does not parse is
// reported: the installer cannot read the file.
func openshiftParse(r *Reporter, cidrs []Setting, list, pathFormat string) []openshiftCIDR {
	out := make([]openshiftCIDR, len(cidrs))
	for i, s := range cidrs {
		out[i] = openshiftCIDR{path: fmt.Sprintf(pathFormat, i), at: s}
		n, err := openshiftIPNet(s.Value)
		if err != nil {
			r.Fail("openshift "+out[i].path, s, "%s: %v (openshift-install cannot read %s)", out[i].path, err, list)
			continue
		}
		out[i].ipnet = n
	}
	return out
}

// openshiftIPNet parses a CIDR as the installer's ipnet does: net.ParseCIDR,
// keeping the address as written (10.0.0.1/16 stays so).
func openshiftIPNet(value string) (*net.IPNet, error) {
	ip, n, err := net.ParseCIDR(value)
	if err != nil {
		return nil, err
	}
	return &net.IPNet{IP: ip, Mask: n.Mask}, nil
}

// openshiftSubnetCIDR is pkg/validate SubnetCIDR.
func openshiftSubnetCIDR(cidr *net.IPNet) error {
	if cidr.IP.IsUnspecified() {
		return fmt.Errorf("address must be specified")
	}
	if nip := cidr.IP.Mask(cidr.Mask); nip.String() != cidr.IP.String() {
		return fmt.Errorf("invalid network address. got %s, expecting %s", cidr.String(), (&net.IPNet{IP: nip, Mask: cidr.Mask}).String())
	}
	return nil
}

// openshiftServiceSubnetCIDR is pkg/validate ServiceSubnetCIDR.
func openshiftServiceSubnetCIDR(cidr *net.IPNet) error {
	if err := openshiftSubnetCIDR(cidr); err != nil {
		return err
	}
	switch ones, bits := cidr.Mask.Size(); {
	case bits == 32 && ones < 12:
		return fmt.Errorf("subnet size for IPv4 service network must be /12 or greater (/16 is recommended)")
	case bits == 128 && ones < 108:
		return fmt.Errorf("subnet size for IPv6 service network should be /112")
	}
	return nil
}

// openshiftOverlap is pkg/validate DoCIDRsOverlap: either network
// contains the other's address.
func openshiftOverlap(a, b *net.IPNet) bool {
	return a.Contains(b.IP) || b.Contains(a.IP)
}

// openshiftClusterCIDRs are the clusterNetwork entries' CIDRs.
func openshiftClusterCIDRs(o *OpenShift) []Setting {
	out := make([]Setting, len(o.ClusterNetwork))
	for i, cn := range o.ClusterNetwork {
		out[i] = cn.CIDR
	}
	return out
}

// openshiftList is one networking list, for the family checks.
type openshiftList struct {
	name  string
	at    Setting
	cidrs []Setting
}

// openshiftLists are the three lists in the installer's field order.
func openshiftLists(o *OpenShift) []openshiftList {
	return []openshiftList{
		{"machineNetwork", o.MachineNetwork.At, o.MachineNetwork.CIDRs},
		{"serviceNetwork", o.ServiceNetwork.At, o.ServiceNetwork.CIDRs},
		{"clusterNetwork", o.ClusterNetworkAt, openshiftClusterCIDRs(o)},
	}
}

// openshiftServiceFamilies are the service networks' families: they
// decide the stack (inferIPVersionFromInstallConfig).
func openshiftServiceFamilies(o *OpenShift) (v4, v6 bool) {
	return openshiftFamilies(o.ServiceNetwork.CIDRs)
}

// openshiftFamilies says which families a list's parsable CIDRs have.
func openshiftFamilies(cidrs []Setting) (v4, v6 bool) {
	for _, s := range cidrs {
		if _, err := openshiftIPNet(s.Value); err == nil {
			v4 = v4 || openshiftIsV4(s)
			v6 = v6 || !openshiftIsV4(s)
		}
	}
	return v4, v6
}

// openshiftIsV4 says whether a CIDR parses with an IPv4 address (To4, as
// the installer tells).
func openshiftIsV4(s Setting) bool {
	n, err := openshiftIPNet(s.Value)
	return err == nil && n.IP.To4() != nil
}

// openshiftJoin is how the installer quotes a list (ipnetworksToStrings
// joined with ", ").
func openshiftJoin(cidrs []Setting) string {
	out := make([]string, len(cidrs))
	for i, s := range cidrs {
		out[i] = s.Value
		if n, err := openshiftIPNet(s.Value); err == nil {
			out[i] = n.String()
		}
	}
	return strings.Join(out, ", ")
}
