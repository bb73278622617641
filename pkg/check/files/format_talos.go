package files

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// Talos's defaults: siderolabs/talos pkg/machinery/constants/constants.go
// DefaultIPv4PodCIDR, DefaultIPv4ServiceCIDR (for a v1alpha1 cluster.network
// without subnets), DefaultNodeCIDRMaskSizeIPv4 and IPv6.
const (
	talosDefaultPodSubnet     = "10.244.0.0/16"
	talosDefaultServiceSubnet = "10.96.0.0/12"
	talosDefaultNodeMaskIPv4  = "24"
	talosDefaultNodeMaskIPv6  = "64"
)

// talosFile is the Talos documents of one file, one machine's
// configuration: its documents configure the machine together
// (pkg/machinery/config/container), so they are mapped at the file's end.
type talosFile struct {
	machine *doc // the v1alpha1 machine configuration
	network *doc // the first KubeNetworkConfig, which takes precedence
	pods    []check.Setting
	podsAt  check.Setting
	svcs    []check.Setting
	svcsAt  check.Setting
	masks   map[string]check.Setting // node-cidr-mask-size-ipv4/6
}

// isTalosMachineConfig recognises Talos's v1alpha1 machine configuration,
// which has `version: v1alpha1` and no kind.
func isTalosMachineConfig(_ string, root *yaml.Node) bool {
	v, _ := source.Scalar(source.Lookup(root, "version"))
	return v == "v1alpha1" && source.Lookup(root, "kind") == nil &&
		(source.Lookup(root, "machine") != nil || source.Lookup(root, "cluster") != nil)
}

// talosFor is the file's Talos state, created with the mapping it leaves
// to the file's end.
func (d *doc) talosFor() *talosFile {
	r := d.r
	if r.talos == nil {
		r.talos = &talosFile{}
		r.atEnd = append(r.atEnd, r.talos.components)
		if r.g.f.Talos == nil {
			r.g.f.Talos = &check.Talos{}
		}
		r.g.distribution("talos", d.Where)
	}
	return r.talos
}

// talosMachineConfig reads a Talos v1alpha1 machine configuration: what
// Talos validates of it, its cluster network, and its components' extra
// arguments.
func (d *doc) talosMachineConfig() {
	t := d.talosFor()
	if t.machine != nil {
		d.Note(d.Root, check.Info, "a second Talos machine configuration in the file (the first: %s): not read", t.machine.Where)
		return
	}
	t.machine = d
	at := d.At(d.Root)
	m := check.TalosMachine{Source: d.Where, File: at.File, Line: at.Line}
	if n := d.mapping("cluster.network"); n != nil {
		s := d.Setting(n, "", "cluster.network")
		m.ClusterNetwork = &s
		if t.network == nil {
			t.pods, t.podsAt = d.talosSubnets("cluster.network.podSubnets", n)
			t.svcs, t.svcsAt = d.talosSubnets("cluster.network.serviceSubnets", n)
			// ClusterConfig.PodCIDRs and ServiceCIDRs
			// (v1alpha1_clusterconfig.go): Talos's defaults for empty lists.
			if len(t.pods) == 0 {
				t.pods = []check.Setting{d.Setting(n, talosDefaultPodSubnet, "cluster.network.podSubnets (unset: Talos's default)")}
			}
			if len(t.svcs) == 0 {
				t.svcs = []check.Setting{d.Setting(n, talosDefaultServiceSubnet, "cluster.network.serviceSubnets (unset: Talos's default)")}
			}
		}
	}
	const valid = "machine.kubelet.nodeIP.validSubnets"
	m.ValidSubnets = d.strItems(d.Get(valid), valid)
	d.r.g.f.Talos.Machines = append(d.r.g.f.Talos.Machines, m)
	if image, ok := d.Field("cluster.apiServer.image"); ok {
		d.r.g.version(rankKubeadm, source.ImageTag(image.Value), fmt.Sprintf("image %s (%s cluster.apiServer.image)", image.Value, d.Where))
	}
}

// talosKubeNetworkConfig reads a KubeNetworkConfig document, which
// replaces the machine configuration's cluster.network.
func (d *doc) talosKubeNetworkConfig() {
	t := d.talosFor()
	at := d.At(d.Root)
	n := check.TalosNetwork{Source: d.Where, File: at.File, Line: at.Line}
	n.PodSubnets, n.PodSubnetsAt = d.talosSubnets("podSubnets", d.Root)
	n.ServiceSubnets, n.ServiceSubnetsAt = d.talosSubnets("serviceSubnets", d.Root)
	n.NodeCIDRMaskSizeIPv4 = d.intField("nodeCIDRMaskSizeIPv4")
	n.NodeCIDRMaskSizeIPv6 = d.intField("nodeCIDRMaskSizeIPv6")
	d.r.g.f.Talos.Networks = append(d.r.g.f.Talos.Networks, n)
	if t.network != nil {
		d.Note(d.Root, check.Info, "a second KubeNetworkConfig in the file (the first: %s): Talos uses the first", t.network.Where)
		return
	}
	t.network = d
	t.pods, t.podsAt, t.svcs, t.svcsAt = n.PodSubnets, n.PodSubnetsAt, n.ServiceSubnets, n.ServiceSubnetsAt
	t.masks = map[string]check.Setting{}
	for flag, s := range map[string]*check.Setting{"node-cidr-mask-size-ipv4": n.NodeCIDRMaskSizeIPv4, "node-cidr-mask-size-ipv6": n.NodeCIDRMaskSizeIPv6} {
		if s != nil {
			t.masks[flag] = *s
		}
	}
}

// talosSubnets is a list of subnets, each where it was read, and where the
// list is (anchor when absent).
func (d *doc) talosSubnets(path string, anchor *yaml.Node) ([]check.Setting, check.Setting) {
	n := d.Get(path)
	return d.strItems(n, path), d.Setting(cmp.Or(n, anchor), "", path)
}

// intField is the integer at path as a setting, nil when unset; another
// type is noted.
func (d *doc) intField(path string) *check.Setting {
	return source.Optional(d.integer(d.Get(path), path))
}

// talosArgs reads Talos extra arguments: a map of flag to a string or a
// list of strings (meta.Args), a list being the flag repeated, whose last
// value a single-valued flag keeps.
func (d *doc) talosArgs(path string) map[string]check.Setting {
	n := d.mapping(path)
	if n == nil {
		return nil
	}
	out := map[string]check.Setting{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, value := n.Content[i].Value, source.Resolve(n.Content[i+1])
		field := path + "." + name
		if value != nil && value.Kind == yaml.SequenceNode {
			items := d.List(value, field)
			if len(items) == 0 {
				continue
			}
			value, field = items[len(items)-1], fmt.Sprintf("%s[%d]", field, len(items)-1)
		}
		if v, ok := d.Str(value, field); ok {
			out[name] = d.Setting(value, source.Redact(name, v), path+" "+name)
		}
	}
	return out
}

// components are what the file's machine runs, as Talos builds them
// (internal/app/machined/pkg/controllers/k8s control_plane.go,
// control_plane_final.go): a control-plane node's kube-apiserver,
// kube-controller-manager and kube-proxy from the network configuration and
// the extraArgs, and the kubelet's extraArgs.
func (t *talosFile) components() {
	m := t.machine
	from := cmp.Or(t.network, m) // the KubeNetworkConfig, else the machine configuration
	r := from.r
	controlPlane := true
	if m != nil {
		typ, _ := m.Str(m.Get("machine.type"), "machine.type")
		controlPlane = typ == "controlplane" || typ == "init"
		if args := m.talosArgs("machine.kubelet.extraArgs"); len(args) > 0 {
			at := m.At(m.Root)
			r.g.component(check.Component{Kind: check.Kubelet, Instance: r.name, Source: m.Where + " machine.kubelet.extraArgs", Settings: args, File: at.File, Line: at.Line})
		}
	}
	if !controlPlane || len(t.pods) == 0 || len(t.svcs) == 0 {
		return // a worker, or no network (talos-network-subnets): no control plane
	}
	svc := derived(joinSettings(t.svcs), t.svcsAt, "Talos's --service-cluster-ip-range")
	pods := derived(joinSettings(t.pods), t.podsAt, "Talos's --cluster-cidr")
	args := func(path string) map[string]check.Setting {
		if m == nil {
			return nil
		}
		return m.talosArgs(path)
	}

	api := from.runs(check.APIServer, "Talos")
	api.Settings["service-cluster-ip-range"] = svc
	for name, s := range args("cluster.apiServer.extraArgs") {
		api.Settings[name] = s
	}
	r.g.component(api)

	kcm := from.runs(check.ControllerManager, "Talos")
	kcm.Settings["allocate-node-cidrs"] = derived("true", t.podsAt, "Talos runs kube-controller-manager with --allocate-node-cidrs=true")
	kcm.Settings["cluster-cidr"] = pods
	kcm.Settings["service-cluster-ip-range"] = svc
	// The node masks of the pod subnets' families.
	for _, p := range t.pods {
		prefix, err := netip.ParsePrefix(p.Value)
		if err != nil {
			continue
		}
		flag, def := "node-cidr-mask-size-ipv4", talosDefaultNodeMaskIPv4
		if prefix.Addr().Is6() {
			flag, def = "node-cidr-mask-size-ipv6", talosDefaultNodeMaskIPv6
		}
		if s, ok := t.masks[flag]; ok {
			kcm.Settings[flag] = s
		} else {
			kcm.Settings[flag] = derived(def, t.podsAt, "Talos's default --"+flag)
		}
	}
	for name, s := range args("cluster.controllerManager.extraArgs") {
		if name == "service-cluster-ip-range" { // MergeAdditive: appended
			s = derived(talosAppend(svc.Value, s.Value), s, "appended to "+svc.Value)
		}
		kcm.Settings[name] = s
	}
	r.g.component(kcm)

	if m != nil && m.boolField("cluster.proxy.disabled", false, "Talos", m.Root).Value == "true" {
		return
	}
	proxy := from.runs(check.KubeProxy, "Talos")
	proxy.Settings["cluster-cidr"] = pods
	if m != nil {
		if mode, ok := m.Field("cluster.proxy.mode"); ok && mode.Value != "" {
			proxy.Settings["proxy-mode"] = mode
		}
	}
	for name, s := range args("cluster.proxy.extraArgs") {
		proxy.Settings[name] = s
	}
	r.proxies = append(r.proxies, r.g.component(proxy))
}

// talosAppend is pkg/argsbuilder MergeAdditive: the extra values appended
// to Talos's, without repeats.
func talosAppend(base, extra string) string {
	var out []string
	for _, v := range strings.Split(base+","+extra, ",") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, ",")
}
