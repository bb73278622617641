package source

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// The network plugins' configurations, read alike from a live cluster's
// objects and from files: each reader takes a Document (for a ConfigMap,
// its data mapping; for an object, the whole object).

// CiliumConfig reads Cilium's ConfigMap cilium-config (d.Root is its data
// mapping), with the agent's defaults for what it leaves out
// (daemon/cmd/daemon_main.go: ipam cluster-pool; pkg/defaults/defaults.go:
// EnableIPv4 true, EnableIPv6 false).
func CiliumConfig(d *Document) *check.CNI {
	at := d.At(d.Root)
	at.Source = d.Where
	c := &check.CNI{Name: check.CNICilium, Source: d.Where, At: at, Settings: map[string]check.Setting{}}
	for _, key := range []string{"ipam", "routing-mode", "tunnel", "enable-ipv4-masquerade", "enable-ipv6-masquerade", "enable-ip-masq-agent", "cni-chaining-mode"} {
		if s, ok := d.FieldUnder(d.Root, "", key); ok {
			c.Settings[key] = s
		}
	}
	c.IPAM = c.Settings["ipam"]
	if c.IPAM.Value == "" {
		c.IPAM = unset(at, "ipam", check.IPAMClusterPool, "the agent's default")
	}
	c.Families = map[corev1.IPFamily]check.Setting{
		corev1.IPv4Protocol: ciliumBool(d, at, "enable-ipv4", true),
		corev1.IPv6Protocol: ciliumBool(d, at, "enable-ipv6", false),
	}
	// Helm writes the lists of ipam.operator.clusterPoolIPv4PodCIDRList
	// joined with spaces; a hand-written value may use commas.
	for _, key := range []string{"cluster-pool-ipv4-cidr", "cluster-pool-ipv6-cidr", "ipv4-native-routing-cidr", "ipv6-native-routing-cidr"} {
		s, ok := d.FieldUnder(d.Root, "", key)
		if !ok {
			continue
		}
		role := check.PoolPods
		if strings.HasSuffix(key, "native-routing-cidr") {
			role = check.PoolNativeRouting
		}
		for _, cidr := range strings.FieldsFunc(s.Value, func(r rune) bool { return r == ' ' || r == ',' }) {
			entry := s
			entry.Value = cidr
			c.Pools = append(c.Pools, check.CNIPool{Name: key, CIDR: entry, Role: role})
		}
	}
	return c
}

// ciliumBool is a boolean key of cilium-config, as "true" or "false"; def
// when unset. Viper reads it with strconv.ParseBool.
func ciliumBool(d *Document, at check.Setting, key string, def bool) check.Setting {
	s, ok := d.FieldUnder(d.Root, "", key)
	if !ok {
		return unset(at, key, strconv.FormatBool(def), "the agent's default")
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s.Value))
	if err != nil {
		s.Source += fmt.Sprintf(" (%q is not a boolean: read as false)", s.Value)
	}
	s.Value = strconv.FormatBool(b)
	return s
}

// unset is the default of a key left out, at the configuration.
func unset(at check.Setting, key, value, whose string) check.Setting {
	at.Value = value
	at.Source += fmt.Sprintf(" %s (unset: %s, %s)", key, whose, value)
	return at
}

// FlannelNetConf reads flannel's net-conf.json (d.Root is its JSON
// object) as flanneld does (pkg/subnet/config.go ParseConfig): keys match
// case-insensitively, EnableIPv4 is true unless set, the backend udp
// unless given. With --kube-subnet-mgr, as kube-flannel.yml runs it,
// flannel takes each node's subnets from its spec.podCIDRs and its CNI
// plugin hands pod addresses out of them with host-local IPAM.
func FlannelNetConf(d *Document) *check.CNI {
	at := d.At(d.Root)
	at.Source = d.Where
	c := &check.CNI{Name: check.CNIFlannel, Source: d.Where, At: at, Settings: map[string]check.Setting{}}
	c.IPAM = at
	c.IPAM.Value = check.IPAMHostLocal
	c.IPAM.Source += " (flannel's kube subnet manager: host-local IPAM with each node's spec.podCIDRs)"
	c.Families = map[corev1.IPFamily]check.Setting{
		corev1.IPv4Protocol: flannelBool(d, at, "EnableIPv4", true),
		corev1.IPv6Protocol: flannelBool(d, at, "EnableIPv6", false),
	}
	for _, key := range []string{"Network", "IPv6Network"} {
		if n, field := lookupFold(d.Root, key); n != nil {
			if v, ok := d.Str(n, field); ok {
				c.Pools = append(c.Pools, check.CNIPool{Name: key, CIDR: d.Setting(n, v, field), Role: check.PoolNetwork})
			}
		}
	}
	backend := unset(at, "Backend.Type", "udp", "flannel's default")
	if b, field := lookupFold(d.Root, "Backend"); b != nil && b.Kind == yaml.MappingNode {
		if n, f := lookupFold(b, "Type"); n != nil {
			if v, ok := d.Str(n, field+"."+f); ok {
				backend = d.Setting(n, v, field+"."+f)
			}
		}
	}
	c.Settings["Backend.Type"] = backend
	return c
}

// flannelBool is a JSON boolean of net-conf.json, def when unset.
func flannelBool(d *Document, at check.Setting, key string, def bool) check.Setting {
	n, field := lookupFold(d.Root, key)
	if n == nil || IsNull(n) {
		return unset(at, key, strconv.FormatBool(def), "flannel's default")
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.WrongType(n, field, "a boolean")
		return unset(at, key, strconv.FormatBool(def), "not a boolean, flannel refuses the file")
	}
	return d.Setting(n, strings.ToLower(n.Value), field)
}

// lookupFold is the value of key in mapping n matched as encoding/json
// matches a struct field (case-insensitively), and the key as written.
func lookupFold(n *yaml.Node, key string) (*yaml.Node, string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, ""
	}
	for i := len(n.Content) - 2; i >= 0; i -= 2 { // the last one wins, as in encoding/json
		if strings.EqualFold(n.Content[i].Value, key) {
			return Resolve(n.Content[i+1]), n.Content[i].Value
		}
	}
	return nil, ""
}

// CalicoIPPool reads an IPPool (crd.projectcalico.org/v1 or
// projectcalico.org/v3). ok is false for a pool pods get no address from:
// one whose allowedUses leave out Workload (a LoadBalancer or Tunnel
// pool).
func CalicoIPPool(d *Document) (pool check.CNIPool, ok bool) {
	pool.Name, _ = Scalar(d.Under(d.Root, "", "metadata.name"))
	pool.Role = check.PoolPods
	if uses := d.List(d.Get("spec.allowedUses"), "spec.allowedUses"); len(uses) > 0 &&
		!slices.ContainsFunc(uses, func(n *yaml.Node) bool { v, _ := Scalar(n); return v == "Workload" }) {
		return pool, false
	}
	cidr, ok := d.Field("spec.cidr")
	if !ok {
		return pool, false
	}
	pool.CIDR = cidr
	mode, _ := d.Field("spec.assignmentMode")
	pool.Disabled = yamlBool(d.Get("spec.disabled")) || mode.Value == "Manual"
	return pool, true
}

// yamlBool is a YAML boolean's value; false when absent or not one.
func yamlBool(n *yaml.Node) bool {
	b := false
	if n = Resolve(n); n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		_ = n.Decode(&b)
	}
	return b
}

// CalicoInstallation is what the Tigera operator's Installation
// (operator.tigera.io/v1) says about pod addresses.
type CalicoInstallation struct {
	Where string
	At    check.Setting
	// CNI is spec.cni.type; IPAM spec.cni.ipam.type as Calico's IPAM mode
	// (IPAMCalico for Calico, IPAMHostLocal for HostLocal).
	CNI, IPAM check.Setting
	// Pools are spec.calicoNetwork.ipPools, from which the operator makes
	// the IPPool objects.
	Pools []check.CNIPool
}

// ReadCalicoInstallation reads an Installation, with the operator's
// defaults (spec.cni.type Calico; spec.cni.ipam.type Calico for it).
func ReadCalicoInstallation(d *Document) CalicoInstallation {
	at := d.At(d.Root)
	at.Source = d.Where
	inst := CalicoInstallation{Where: d.Where, At: at}
	var ok bool
	if inst.CNI, ok = d.Field("spec.cni.type"); !ok {
		// The operator's default follows the provider (AKS, EKS and GKE
		// bring their own CNI plugin).
		provider, _ := d.Field("spec.kubernetesProvider")
		def := map[string]string{"AKS": "AzureVNET", "EKS": "AmazonVPC", "GKE": "GKE"}[provider.Value]
		inst.CNI = unset(at, "spec.cni.type", cmpOr(def, "Calico"), "the operator's default")
	}
	ipam, ok := d.Field("spec.cni.ipam.type")
	if !ok {
		ipam = unset(at, "spec.cni.ipam.type", "Calico", "the operator's default for CNI Calico")
	}
	inst.IPAM = ipam
	switch ipam.Value {
	case "Calico":
		inst.IPAM.Value = check.IPAMCalico
	case "HostLocal":
		inst.IPAM.Value = check.IPAMHostLocal
	}
	for i, p := range d.List(d.Get("spec.calicoNetwork.ipPools"), "spec.calicoNetwork.ipPools") {
		base := fmt.Sprintf("spec.calicoNetwork.ipPools[%d]", i)
		if p.Kind != yaml.MappingNode {
			d.WrongType(p, base, "a mapping")
			continue
		}
		if uses := d.List(Lookup(p, "allowedUses"), base+".allowedUses"); len(uses) > 0 &&
			!slices.ContainsFunc(uses, func(n *yaml.Node) bool { v, _ := Scalar(n); return v == "Workload" }) {
			continue
		}
		cidr, ok := d.FieldUnder(p, base, "cidr")
		if !ok {
			continue
		}
		name, _ := Scalar(Lookup(p, "name"))
		mode, _ := Scalar(Lookup(p, "assignmentMode"))
		disabled := yamlBool(Lookup(p, "disableNewAllocations")) || mode == "Manual"
		inst.Pools = append(inst.Pools, check.CNIPool{Name: cmpOr(name, base), CIDR: cidr, Role: check.PoolPods, Disabled: disabled})
	}
	return inst
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// CalicoParts are what a gatherer found of Calico.
type CalicoParts struct {
	// Pools are the IPPool objects, read from PoolsFrom ("IPPool objects
	// (crd.projectcalico.org/v1)"), the first at PoolsAt.
	Pools     []check.CNIPool
	PoolsAt   check.Setting
	PoolsFrom string
	// Installation is the Tigera operator's, nil when none was read.
	Installation *CalicoInstallation
	// ManifestIPAM is the IPAM of the CNI configuration Calico's manifests
	// install (ConfigMap kube-system/calico-config), nil when not read.
	ManifestIPAM *check.Setting
}

// Calico is the network plugin Calico's IPPool objects and Installation
// describe: the IPPools when there are any, else the Installation's. Its
// IPAM is the Installation's, else the manifests' CNI configuration's,
// else assumed calico-ipam (CNI.IPAMAssumed). Nil when nothing was found,
// or when the Installation makes another plugin the CNI (Calico then only
// enforces policy).
func Calico(parts CalicoParts) *check.CNI {
	inst := parts.Installation
	if inst == nil && parts.PoolsFrom == "" {
		return nil
	}
	if inst != nil && inst.CNI.Value != "Calico" {
		return nil
	}
	c := &check.CNI{Name: check.CNICalico, Source: parts.PoolsFrom, At: parts.PoolsAt, Pools: parts.Pools}
	switch {
	case inst != nil:
		c.Source = strings.TrimPrefix(c.Source+"; "+inst.Where, "; ")
		if parts.PoolsFrom == "" {
			c.At, c.Pools = inst.At, inst.Pools
		}
		c.IPAM = inst.IPAM
	case parts.ManifestIPAM != nil:
		c.IPAM = *parts.ManifestIPAM
	default:
		c.IPAM = parts.PoolsAt
		c.IPAM.Value, c.IPAMAssumed = check.IPAMCalico, true
		c.IPAM.Source = "assumed: no operator Installation or ConfigMap kube-system/calico-config read, and calico-ipam is the IPAM of Calico's manifests"
	}
	c.SetPoolFamilies()
	return c
}

// cniConfigIPAM finds the IPAM plugin's type in a CNI configuration
// template, which is not JSON until installed ("mtu": __CNI_MTU__).
var cniConfigIPAM = regexp.MustCompile(`"ipam"\s*:\s*\{[^{}]*?"type"\s*:\s*"([^"]+)"`)

// CalicoManifestIPAM is the IPAM type of the cni_network_config of
// Calico's manifests (ConfigMap calico-config, at), false when it names
// none.
func CalicoManifestIPAM(cniNetworkConfig string, at check.Setting) (check.Setting, bool) {
	m := cniConfigIPAM.FindStringSubmatch(cniNetworkConfig)
	if m == nil {
		return check.Setting{}, false
	}
	at.Value = m[1]
	at.Source += " ipam.type"
	return at, true
}

// MapDocument is a ConfigMap's data as a Document whose root maps each
// key to its string, for the readers above: where names it; it has no
// file, so its settings have no position.
func MapDocument(data map[string]string, where string, onNote func(check.FileNote)) *Document {
	root := &yaml.Node{Kind: yaml.MappingNode}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		root.Content = append(root.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: data[k]})
	}
	return &Document{Root: root, Where: where, OnNote: onNote}
}

// TextDocument is a document written in a string (net-conf.json), read as
// YAML (JSON is YAML); where names it.
func TextDocument(text, where string, onNote func(check.FileNote)) (*Document, error) {
	root, err := firstMapping([]byte(text))
	if err != nil {
		return nil, err
	}
	return &Document{Root: root, Where: where, OnNote: onNote}, nil
}

// ObjectDocument is an API object read through the dynamic client as a
// Document; where names it.
func ObjectDocument(obj map[string]any, where string, onNote func(check.FileNote)) (*Document, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	d, err := TextDocument(string(data), where, onNote)
	if err != nil {
		return nil, err
	}
	d.APIVersion, _ = Scalar(Lookup(d.Root, "apiVersion"))
	return d, nil
}
