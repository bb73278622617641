package edit

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// k3sArgs are the extra arguments a node's files give one component
// (kube-controller-manager-arg: [node-cidr-mask-size=24]), each
// name=value as k3s reads them (pkg/util/args.go GetArgs: a leading --
// optional, name+= and name-= to append and prepend).
type k3sArgs struct {
	n     *k3sNode
	keys  []string
	added []string
	// removed is the last argument removed, where those added go.
	removed *k3sArg
}

// k3sArg is one argument, a string of a key's list or its only value.
type k3sArg struct {
	d          *doc
	key        *yaml.Node
	list       *yaml.Node // nil: the key's only value
	i          int
	node       *yaml.Node
	name       string
	dashes, op string
}

func (n *k3sNode) args(keys ...string) *k3sArgs { return &k3sArgs{n: n, keys: keys} }

func (a *k3sArgs) items() []k3sArg {
	var out []k3sArg
	for _, key := range a.keys {
		for _, k := range a.n.keys(key) {
			values, list := []*yaml.Node{k.val}, (*yaml.Node)(nil)
			if k.val.Kind == yaml.SequenceNode {
				values, list = k.val.Content, k.val
			}
			for i, v := range values {
				text := scalar(v)
				body := strings.TrimPrefix(text, "--")
				arg, _, _ := strings.Cut(body, "=")
				name := strings.TrimRight(arg, "+-")
				out = append(out, k3sArg{d: k.d, key: k.key, list: list, i: i, node: v, name: name,
					dashes: text[:len(text)-len(body)], op: arg[len(name):]})
			}
		}
	}
	return out
}

func (a *k3sArgs) named(name string) []k3sArg {
	var out []k3sArg
	for _, it := range a.items() {
		if it.name == name {
			out = append(out, it)
		}
	}
	return out
}

func (a *k3sArgs) has(name string) bool { return len(a.named(name)) > 0 }

func (a *k3sArgs) set(name, value string, add bool) {
	found := a.named(name)
	for _, it := range found {
		it.d.setScalar(it.node, str(it.dashes+name+it.op+"="+value))
	}
	if len(found) == 0 && add {
		a.added = append(a.added, name+"="+value)
	}
}

func (a *k3sArgs) remove(name string) bool {
	found := a.named(name)
	for _, it := range found {
		if it.list != nil {
			it.d.removeItem(it.list, it.i)
		} else {
			it.d.removeKey(it.d.root, it.key.Value)
		}
		a.removed = &it
	}
	return len(found) > 0
}

// done adds what was added where an argument was removed, else at the
// end of the last list of arguments, else under the first key in the
// node's config.yaml.
func (a *k3sArgs) done() {
	if len(a.added) == 0 {
		return
	}
	if r := a.removed; r != nil && r.list != nil {
		r.d.insertItems(r.list, r.i, strs(a.added))
		return
	}
	items := a.items()
	for i := len(items) - 1; i >= 0; i-- {
		if items[i].list != nil {
			items[i].d.appendItems(items[i].list, strs(a.added))
			return
		}
	}
	main := a.n.docs[0]
	main.set(main.root, a.keys[0], strs(a.added))
}
