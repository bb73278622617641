package edit

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// flags are a component's flags as a file holds them, by name without
// dashes: a command line, extra arguments as a map or as a list of
// {name, value}.
type flags interface {
	has(name string) bool
	// set gives the flag value where it is set; where it is not, adds
	// it when add is true.
	set(name, value string, add bool)
	// remove removes the flag, saying whether it was set.
	remove(name string) bool
	// done writes what could only be written whole (extra arguments
	// that did not exist).
	done()
}

// kcmMasks are kube-controller-manager's default node masks
// (cmd/kube-controller-manager/app/core.go defaultNodeMaskCIDRIPv4, IPv6).
var kcmMasks = map[string]int{IPv4: 24, IPv6: 64}

// editMasks gives a kube-controller-manager the target's node masks.
// --node-cidr-mask-size goes: kube-controller-manager refuses it with
// dual-stack ("usage of --node-cidr-mask-size is not allowed with
// dual-stack clusters", cmd/kube-controller-manager/app/core.go). A
// per-family flag is set where it is set already, where the legacy flag
// was, and where the default that applies (defaults) is not the target's.
func editMasks(f flags, t Target, defaults map[string]int) {
	removed := f.remove("node-cidr-mask-size")
	for _, fam := range []string{IPv4, IPv6} {
		if m, ok := t.NodeMasks[fam]; ok {
			f.set(maskFlag(fam), strconv.Itoa(m), removed || defaults[fam] != m)
		}
	}
}

// cmdLine is a container's command and args, one command line as the
// reader joins them.
type cmdLine struct {
	d     *doc
	lists []*yaml.Node // command, args: the sequences present
	// removed is the last flag removed, where flags added go.
	removed *arg
}

// arg is one flag of a command line.
type arg struct {
	list   *yaml.Node
	i      int // the flag's index in list
	name   string
	dashes string
	inline bool // --name=value
	value  int  // the index in list of a separate value, -1 when none
}

// args are the command line's flags, parsed as source.ParseFlags does:
// --name=value, --name value, or a lone --name.
func (c *cmdLine) args() []arg {
	type item struct {
		list *yaml.Node
		i    int
		text string
	}
	var items []item
	for _, l := range c.lists {
		for i, n := range l.Content {
			items = append(items, item{l, i, scalar(n)})
		}
	}
	var out []arg
	for j := 0; j < len(items); j++ {
		it := items[j]
		if !strings.HasPrefix(it.text, "-") {
			continue
		}
		rest := strings.TrimLeft(it.text, "-")
		a := arg{list: it.list, i: it.i, dashes: it.text[:len(it.text)-len(rest)], value: -1}
		a.name, _, a.inline = strings.Cut(rest, "=")
		if !a.inline && j+1 < len(items) && !strings.HasPrefix(items[j+1].text, "-") && items[j+1].list == it.list {
			a.value = items[j+1].i
			j++
		}
		out = append(out, a)
	}
	return out
}

func (c *cmdLine) named(name string) []arg {
	var out []arg
	for _, a := range c.args() {
		if a.name == name {
			out = append(out, a)
		}
	}
	return out
}

func (c *cmdLine) has(name string) bool { return len(c.named(name)) > 0 }

func (c *cmdLine) set(name, value string, add bool) {
	found := c.named(name)
	for _, a := range found {
		if a.value >= 0 {
			c.d.setScalar(a.list.Content[a.value], str(value))
		} else {
			c.d.setScalar(a.list.Content[a.i], str(a.dashes+name+"="+value))
		}
	}
	if len(found) > 0 || !add || len(c.lists) == 0 {
		return
	}
	item := list{str("--" + name + "=" + value)}
	if r := c.removed; r != nil {
		c.d.insertItems(r.list, max(r.i, r.value), item)
		return
	}
	// At the end of the list that holds the flags (args, else command).
	l := c.lists[len(c.lists)-1]
	if all := c.args(); len(all) > 0 {
		l = all[len(all)-1].list
	}
	c.d.appendItems(l, item)
}

func (c *cmdLine) remove(name string) bool {
	found := c.named(name)
	for _, a := range found {
		c.d.removeItem(a.list, a.i)
		if a.value >= 0 {
			c.d.removeItem(a.list, a.value)
		}
		c.removed = &a
	}
	return len(found) > 0
}

func (*cmdLine) done() {}

// argsAt are the extra arguments at a dotted path below m: a map of flag
// to value, or (asList, kubeadm v1beta4) a list of {name, value}. When
// they are absent or empty what is added is written whole, by done.
func (d *doc) argsAt(m *yaml.Node, path string, asList bool) flags {
	n := get(m, path)
	switch {
	case n != nil && n.Kind == yaml.MappingNode && !empty(n):
		return &argMap{d: d, m: n}
	case n != nil && n.Kind == yaml.SequenceNode && !empty(n):
		return &argList{d: d, s: n, removed: -1}
	case empty(n):
		return &newArgs{d: d, m: m, path: path, asList: asList}
	}
	d.note(n, "%s is neither a map nor a list of flags: not edited", path)
	return &newArgs{d: d}
}

// argMap is extra arguments as a map (kubeadm v1beta3 and before, k0s,
// Talos).
type argMap struct {
	d       *doc
	m       *yaml.Node
	removed string // the last key removed, where keys added go
}

func (a *argMap) has(name string) bool { return keyIndex(a.m, name) >= 0 }

func (a *argMap) set(name, value string, add bool) {
	if add || a.has(name) {
		a.d.set(a.m, name, str(value), a.removed)
	}
}

func (a *argMap) remove(name string) bool {
	if !a.has(name) {
		return false
	}
	a.d.removeKey(a.m, name)
	a.removed = name
	return true
}

func (*argMap) done() {}

// argList is kubeadm v1beta4's list of {name, value}.
type argList struct {
	d       *doc
	s       *yaml.Node
	removed int // the last item removed, where items added go; -1 none
}

func (a *argList) index(name string) []int {
	var out []int
	for i, item := range a.s.Content {
		if scalar(lookup(item, "name")) == name {
			out = append(out, i)
		}
	}
	return out
}

func (a *argList) has(name string) bool { return len(a.index(name)) > 0 }

func (a *argList) set(name, value string, add bool) {
	found := a.index(name)
	for _, i := range found {
		a.d.set(a.s.Content[i], "value", str(value))
	}
	if len(found) > 0 || !add {
		return
	}
	item := list{mapping{{"name", str(name)}, {"value", str(value)}}}
	if a.removed >= 0 {
		a.d.insertItems(a.s, a.removed, item)
		return
	}
	a.d.appendItems(a.s, item)
}

func (a *argList) remove(name string) bool {
	found := a.index(name)
	for _, i := range found {
		a.d.removeItem(a.s, i)
		a.removed = i
	}
	return len(found) > 0
}

func (*argList) done() {}

// newArgs are extra arguments that do not exist yet.
type newArgs struct {
	d      *doc
	m      *yaml.Node // nil: nowhere to write them
	path   string
	asList bool
	added  []pair
}

func (*newArgs) has(string) bool    { return false }
func (*newArgs) remove(string) bool { return false }
func (a *newArgs) set(name, value string, add bool) {
	if add {
		a.added = append(a.added, pair{name, str(value)})
	}
}

func (a *newArgs) done() {
	if len(a.added) == 0 || a.m == nil {
		return
	}
	if !a.asList {
		a.d.setPath(a.m, a.path, mapping(a.added))
		return
	}
	items := make(list, len(a.added))
	for i, p := range a.added {
		items[i] = mapping{{"name", str(p.key)}, {"value", p.val}}
	}
	a.d.setPath(a.m, a.path, items)
}
