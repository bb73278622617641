package edit

import (
	"path"
	"slices"

	"go.yaml.in/yaml/v3"
)

// staticPod edits the flags of the containers the reader reads as
// components (pkg/check/files format_static_pod.go): those that run
// kube-apiserver, kube-controller-manager or kube-proxy. The flags are
// those https://kubernetes.io/docs/concepts/services-networking/dual-stack/
// ("Configure IPv4/IPv6 dual-stack") names.
func (d *doc) staticPod() {
	t := d.target
	containers := get(d.root, "spec.containers")
	if containers == nil || containers.Kind != yaml.SequenceNode {
		return
	}
	for _, c := range containers.Content {
		if c.Kind != yaml.MappingNode {
			continue
		}
		cl := &cmdLine{d: d}
		for _, key := range []string{"command", "args"} {
			if l := lookup(c, key); l != nil && l.Kind == yaml.SequenceNode {
				cl.lists = append(cl.lists, l)
			}
		}
		switch programOf(scalar(lookup(c, "name")), cl) {
		case "kube-apiserver":
			// Unset, it is 10.0.0.0/24, one family.
			cl.set("service-cluster-ip-range", t.services(), true)
		case "kube-controller-manager":
			cl.set("cluster-cidr", t.pods(), false)
			cl.set("service-cluster-ip-range", t.services(), false)
			editMasks(cl, t, kcmMasks)
		case "kube-proxy":
			if cl.has("config") {
				// cmd/kube-proxy/app/options.go: the file's settings win.
				d.note(c, "kube-proxy reads its configuration from --config: set clusterCIDR to %s in that file", t.pods())
				continue
			}
			cl.set("cluster-cidr", t.pods(), false)
		}
	}
}

// programOf is the program a container runs, as the reader tells it: its
// name, or its command's.
func programOf(name string, cl *cmdLine) string {
	programs := []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy"}
	if slices.Contains(programs, name) {
		return name
	}
	if len(cl.lists) > 0 && len(cl.lists[0].Content) > 0 {
		if p := path.Base(scalar(cl.lists[0].Content[0])); slices.Contains(programs, p) {
			return p
		}
	}
	return ""
}
