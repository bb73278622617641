package files

import (
	"fmt"
	"path"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/source"
)

// podPrograms are the programs whose static pod manifests are read.
var podPrograms = []string{check.APIServer, check.ControllerManager, check.Scheduler, check.KubeProxy}

// staticPod reads a static pod manifest: each container that runs one of
// podPrograms is a component whose settings are its flags.
func (d *doc) staticPod() {
	name, _ := d.Str(d.Get("metadata.name"), "metadata.name")
	read := false
	for i, c := range d.List(d.Get("spec.containers"), "spec.containers") {
		field := fmt.Sprintf("spec.containers[%d]", i)
		if c.Kind != yaml.MappingNode {
			d.WrongType(c, field, "a mapping")
			continue
		}
		if d.container(c, field) {
			read = true
		}
	}
	if !read {
		d.Note(d.Root, check.Info, "Pod %s runs no kube-apiserver, kube-controller-manager, kube-scheduler or kube-proxy container: not read", name)
	}
}

// container reads one container, if it runs one of podPrograms.
func (d *doc) container(c *yaml.Node, field string) bool {
	name, _ := d.Str(d.Under(c, field, "name"), field+".name")
	// The command line, and the node of each item: a setting points at
	// the item that holds its value.
	var args []string
	var nodes []*yaml.Node
	for _, key := range []string{"command", "args"} {
		for j, item := range d.List(d.Under(c, field, key), field+"."+key) {
			if s, ok := d.Str(item, fmt.Sprintf("%s.%s[%d]", field, key, j)); ok {
				args, nodes = append(args, s), append(nodes, item)
			}
		}
	}
	kind := programOf(name, args)
	if kind == "" {
		return false
	}
	where := fmt.Sprintf("file %s, container %s", d.r.name, name)
	settings := source.ParseFlagsAt(args, where, func(i int) check.Setting { return d.At(nodes[i]) })
	if cfg, ok := settings["config"]; ok && kind == check.KubeProxy {
		// cmd/kube-proxy/app/options.go: with --config the flags that
		// matter here are ignored.
		d.Note(c, check.Info, "kube-proxy container %s reads its configuration from --config=%s, which its flags do not override: give that file to read it", name, cfg.Value)
		return true
	}
	image, _ := d.Str(d.Under(c, field, "image"), field+".image")
	at := d.At(c)
	comp := check.Component{Kind: kind, Instance: d.r.name, Source: where, Settings: settings, Version: source.ImageTag(image), File: at.File, Line: at.Line}
	rank := rankImage
	if kind == check.APIServer {
		rank = rankAPIServerImage
	}
	d.r.g.version(rank, comp.Version, fmt.Sprintf("image %s (%s)", image, where))
	d.r.g.component(comp)
	return true
}

// programOf is the program a container runs: its name, or its command's.
func programOf(name string, args []string) string {
	if slices.Contains(podPrograms, name) {
		return name
	}
	if len(args) > 0 && slices.Contains(podPrograms, path.Base(args[0])) {
		return path.Base(args[0])
	}
	return ""
}
