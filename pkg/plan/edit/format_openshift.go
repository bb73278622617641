package edit

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// openshiftDocs configures dual-stack in an install-config, and converts
// an installed cluster.
const (
	openshiftDocs    = "openshift/openshift-docs modules/ipi-install-modifying-install-config-for-dual-stack-network.adoc"
	openshiftConvert = "openshift/openshift-docs modules/nw-dual-stack-convert.adoc"
)

// openshiftInstallConfig edits an install-config.yaml's networking as
// openshiftDocs shows it: an entry of each family in clusterNetwork (with
// its hostPrefix, the node mask) and serviceNetwork. machineNetwork is
// the hosts' own subnets, which the plan cannot know: noted.
func (d *doc) openshiftInstallConfig() {
	t := d.target
	before := len(d.t.splices)
	nw := lookup(d.root, "networking")
	if nw == nil || nw.Kind != yaml.MappingNode || empty(nw) {
		d.set(d.root, "networking", mapping{{"clusterNetwork", d.openshiftEntries(t.PodCIDRs)}, {"serviceNetwork", strs(t.ServiceCIDRs)}})
	} else {
		d.openshiftClusterNetwork(nw)
		d.set(nw, "serviceNetwork", strs(t.ServiceCIDRs), "clusterNetwork")
	}
	var machines []string
	at := nw
	if m := lookup(nw, "machineNetwork"); m != nil && m.Kind == yaml.SequenceNode {
		at = m
		for _, item := range m.Content {
			machines = append(machines, scalar(lookup(item, "cidr")))
		}
	} else if c := lookup(nw, "machineCIDR"); c != nil {
		at, machines = c, []string{scalar(c)}
	}
	if missing := t.missingFamilies(strings.Join(machines, ",")); len(missing) > 0 {
		if at == nil {
			at = d.root
		}
		d.note(at, "networking.machineNetwork needs the hosts' own %s subnet ({cidr: <subnet>}), which the plan does not know: openshift-install refuses a dual-stack install-config without it", strings.Join(missing, " or "))
	}
	if typ := scalar(lookup(nw, "networkType")); typ != "" && typ != "OVNKubernetes" {
		d.note(lookup(nw, "networkType"), "dual-stack needs networkType OVNKubernetes, not %s: a network plugin migration", typ)
	}
	if len(d.t.splices) > before {
		d.note(d.root, "openshift-install reads install-config.yaml once, to install: an installed cluster is converted by patching network.config.openshift.io cluster (%s)", openshiftConvert)
	}
}

// openshiftClusterNetwork gives clusterNetwork an entry of each family:
// one of the family has its cidr set, a missing one is appended.
func (d *doc) openshiftClusterNetwork(nw *yaml.Node) {
	cn := lookup(nw, "clusterNetwork")
	if cn == nil || empty(cn) {
		d.set(nw, "clusterNetwork", d.openshiftEntries(d.target.PodCIDRs), "machineNetwork")
		return
	}
	if cn.Kind != yaml.SequenceNode {
		d.note(cn, "networking.clusterNetwork is not a list: not edited")
		return
	}
	for _, cidr := range d.target.PodCIDRs {
		found := false
		for _, entry := range cn.Content {
			if c := lookup(entry, "cidr"); family(scalar(c)) == family(cidr) {
				d.setScalar(c, str(cidr))
				found = true
				break
			}
		}
		if !found {
			d.appendItems(cn, list{d.openshiftEntry(cidr)})
		}
	}
}

// openshiftEntries are clusterNetwork entries of cidrs.
func (d *doc) openshiftEntries(cidrs []string) list {
	out := make(list, len(cidrs))
	for i, c := range cidrs {
		out[i] = d.openshiftEntry(c)
	}
	return out
}

// openshiftEntry is one clusterNetwork entry: hostPrefix is the node
// mask of its family (64 for IPv6, the installer's validateClusterNetwork
// says).
func (d *doc) openshiftEntry(cidr string) mapping {
	e := mapping{{"cidr", str(cidr)}}
	if m, ok := d.target.NodeMasks[family(cidr)]; ok {
		e = append(e, pair{"hostPrefix", lit(strconv.Itoa(m))})
	}
	return e
}
