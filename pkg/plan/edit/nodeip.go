package edit

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// missingFamilies are the target's families a list of addresses or CIDRs
// lacks.
func (t Target) missingFamilies(list string) []string {
	have := families(list)
	var out []string
	for _, c := range t.ServiceCIDRs {
		if f := family(c); !slices.Contains(have, f) {
			out = append(out, f)
		}
	}
	return out
}

// nodeIPNote notes a node's IP list (what names it) that lacks a family:
// only the node's own address will do, which the plan cannot know.
func (d *doc) nodeIPNote(n *yaml.Node, what, ips string) {
	if missing := d.target.missingFamilies(ips); len(missing) > 0 {
		d.note(n, "%s %s has no %s address: add the node's own (primary family first); the plan does not know the nodes' addresses", what, ips, strings.Join(missing, " or "))
	}
}

// kubeletNodeIP notes kubelet's --node-ip in kubeadm's
// nodeRegistration.kubeletExtraArgs of m (a map or a list of {name,
// value}), which kubeadm writes to kubeadm-flags.env.
func (d *doc) kubeletNodeIP(m *yaml.Node) {
	args := get(m, "nodeRegistration.kubeletExtraArgs")
	if args == nil {
		return
	}
	switch args.Kind {
	case yaml.MappingNode:
		if v := lookup(args, "node-ip"); scalar(v) != "" {
			d.nodeIPNote(v, "kubelet --node-ip", scalar(v))
		}
	case yaml.SequenceNode:
		for _, item := range args.Content {
			if scalar(lookup(item, "name")) == "node-ip" {
				if v := lookup(item, "value"); scalar(v) != "" {
					d.nodeIPNote(v, "kubelet --node-ip", scalar(v))
				}
			}
		}
	}
}

// nodeIPFlag is --node-ip in a kubelet flags file.
var nodeIPFlag = regexp.MustCompile(`--node-ip[= ]["']?([^\s"']+)`)

// kubeletFlagsEnv notes a single-family --node-ip in kubeadm-flags.env or
// /etc/default/kubelet: kubelet publishes an InternalIP of each family
// only when --node-ip names both (or a cloud provider reports them),
// https://kubernetes.io/docs/concepts/services-networking/dual-stack/.
func (e *fileEdit) kubeletFlagsEnv() {
	for l := 1; l <= e.t.lines(); l++ {
		line := e.t.line(l)
		for _, m := range nodeIPFlag.FindAllStringSubmatchIndex(line, -1) {
			ips := line[m[2]:m[3]]
			if missing := e.target.missingFamilies(ips); len(missing) > 0 {
				e.t.note(e.t.offset(l, 1)+m[0], "kubelet --node-ip %s has no %s address: add the node's own (primary family first); the plan does not know the nodes' addresses", ips, strings.Join(missing, " or "))
			}
		}
	}
}
