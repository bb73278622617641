package edit

import (
	"strings"
	"testing"
)

// testTarget is the target of the unit tests.
var testTarget = Target{
	ServiceCIDRs: []string{"10.96.0.0/16", "fd00:10:96::/112"},
	PodCIDRs:     []string{"10.244.0.0/16", "fd00:10:244::/56"},
	NodeMasks:    map[string]int{IPv4: 24, IPv6: 64},
}

// editFirst parses src as the file name, runs fn on its first document
// and returns the edited text and its notes.
func editFirst(t *testing.T, name, src string, fn func(d *doc)) (string, []Note) {
	t.Helper()
	e := parse(name, []byte(src), testTarget)
	if len(e.docs) == 0 {
		t.Fatalf("no document in %q", src)
	}
	fn(e.docs[0])
	out, notes, err := e.t.apply()
	if err != nil {
		t.Fatal(err)
	}
	return string(out), notes
}

// yamlLines joins lines with newlines, one at the end.
func yamlLines(l ...string) string { return strings.Join(l, "\n") + "\n" }

func TestSplices(t *testing.T) {
	for _, tt := range []struct {
		name, src, want string
		fn              func(d *doc)
	}{{
		name: "a scalar keeps its quotes and comment",
		src:  yamlLines(`a: "x"   # why`, `b: 'y'`, `c: z`),
		fn: func(d *doc) {
			d.set(d.root, "a", str("10.0.0.0/8,fd00::/56"))
			d.set(d.root, "b", str("it's"))
			d.set(d.root, "c", str("24"))
		},
		want: yamlLines(`a: "10.0.0.0/8,fd00::/56"   # why`, `b: 'it''s'`, `c: "24"`),
	}, {
		name: "an equal value is left as written",
		src:  yamlLines(`a: "x"`, `b: true`),
		fn: func(d *doc) {
			d.set(d.root, "a", str("x"))
			d.set(d.root, "b", lit("true"))
		},
		want: yamlLines(`a: "x"`, `b: true`),
	}, {
		name: "a missing key goes at the end of its mapping, at its indentation",
		src:  yamlLines("top:", "    b: 1", "    c:", "        d: 2", "    # about next", "next: 3"),
		fn:   func(d *doc) { d.setPath(d.root, "top.e", str("v")) },
		want: yamlLines("top:", "    b: 1", "    c:", "        d: 2", "    e: v", "    # about next", "next: 3"),
	}, {
		name: "after a key given",
		src:  yamlLines("a: 1", "b: 2", "c: 3"),
		fn:   func(d *doc) { d.set(d.root, "x", lit("true"), "missing", "a") },
		want: yamlLines("a: 1", "x: true", "b: 2", "c: 3"),
	}, {
		name: "after a key given, at the end of a path",
		src:  yamlLines("networking:", "  podSubnet: x", "  dnsDomain: cluster.local", "  other: y"),
		fn:   func(d *doc) { d.setPath(d.root, "networking.serviceSubnet", str("z"), "dnsDomain") },
		want: yamlLines("networking:", "  podSubnet: x", "  dnsDomain: cluster.local", "  serviceSubnet: z", "  other: y"),
	}, {
		name: "missing mappings on the way are inserted with the value",
		src:  yamlLines("spec:", "  a: 1", "other: 2"),
		fn: func(d *doc) {
			d.setPath(d.root, "spec.network.dualStack", mapping{{"enabled", lit("true")}, {"cidrs", strs([]string{"x", "y"})}})
		},
		// Without a list in the file, a list's dashes are indented as a
		// mapping's keys.
		want: yamlLines("spec:", "  a: 1", "  network:", "    dualStack:", "      enabled: true", "      cidrs:", "        - x", "        - y", "other: 2"),
	}, {
		name: "{} and a null value are filled under their key",
		src:  yamlLines("a: {}", "b:", "c: ~ # none", "d: 1"),
		fn: func(d *doc) {
			d.setPath(d.root, "a.x", str("1"))
			d.setPath(d.root, "b.y", str("2"))
			d.set(d.root, "c", str("3"))
		},
		want: yamlLines("a:", `  x: "1"`, "b:", `  y: "2"`, `c: "3" # none`, "d: 1"),
	}, {
		name: "an empty null scalar is set after its colon",
		src:  yamlLines("a:", "b: 1"),
		fn:   func(d *doc) { d.set(d.root, "a", str("v")) },
		want: yamlLines("a: v", "b: 1"),
	}, {
		name: "block lists grow at their own indentation, before a trailing comment",
		src:  yamlLines("l:", "- a", "m:", "    - b", "    # more later", "n: 1"),
		fn: func(d *doc) {
			d.set(d.root, "l", strs([]string{"a", "a2"}))
			d.set(d.root, "m", strs([]string{"b", "b2"}))
		},
		want: yamlLines("l:", "- a", "- a2", "m:", "    - b", "    - b2", "    # more later", "n: 1"),
	}, {
		name: "new items are quoted as the item before them",
		src:  yamlLines(`l:`, `- "a"`, `f: ['x']`),
		fn: func(d *doc) {
			d.set(d.root, "l", strs([]string{"a", "b"}))
			d.set(d.root, "f", strs([]string{"x", "y"}))
		},
		want: yamlLines(`l:`, `- "a"`, `- "b"`, `f: ['x', 'y']`),
	}, {
		name: "flow lists grow in place; [] is filled in flow",
		src:  yamlLines(`f: [a, "b"]  # c`, "e: []"),
		fn: func(d *doc) {
			d.set(d.root, "f", strs([]string{"a", "b", "c,d"}))
			d.set(d.root, "e", strs([]string{"x", "y"}))
		},
		want: yamlLines(`f: [a, "b", "c,d"]  # c`, "e: [x, y]"),
	}, {
		name: "extra items go, block and flow; comments between them stay",
		src:  yamlLines("l:", "- a", "- b # b's", "# about c", "- c", "f: [x, y, z]", "end: 1"),
		fn: func(d *doc) {
			d.set(d.root, "l", strs([]string{"a"}))
			d.set(d.root, "f", strs([]string{"x"}))
		},
		want: yamlLines("l:", "- a", "# about c", "f: [x]", "end: 1"),
	}, {
		name: "a key goes with its value",
		src:  yamlLines("a: 1", "b:", "  c: |", "    text", "", "d: 2"),
		fn:   func(d *doc) { d.removeKey(d.root, "b") },
		want: yamlLines("a: 1", "", "d: 2"),
	}, {
		name: "the file's own indentation of nested mappings and lists",
		src:  yamlLines("x:", "    y:", "        - 1", "z: {}"),
		fn:   func(d *doc) { d.set(d.root, "z", mapping{{"l", strs([]string{"a"})}}) },
		want: yamlLines("x:", "    y:", "        - 1", "z:", "    l:", "        - a"),
	}, {
		name: "a last line without a newline",
		src:  "a: 1",
		fn:   func(d *doc) { d.set(d.root, "b", lit("2")) },
		want: "a: 1\nb: 2\n",
	}, {
		name: "CRLF line ends are kept",
		src:  "a:\r\n  b: 1\r\nc: {}\r\n",
		fn: func(d *doc) {
			d.setPath(d.root, "a.x", lit("2"))
			d.setPath(d.root, "c.y", lit("3"))
		},
		want: "a:\r\n  b: 1\r\n  x: 2\r\nc:\r\n  y: 3\r\n",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := editFirst(t, "f.yaml", tt.src, tt.fn)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if len(notes) > 0 {
				t.Errorf("notes %v", notes)
			}
		})
	}
}

// What is not edited in place is noted, and left as it was.
func TestSplicesNoted(t *testing.T) {
	for _, tt := range []struct {
		name, src, note string
		fn              func(d *doc)
	}{
		{"a block scalar", yamlLines("a: |", "  x"), "line 1: written so that", func(d *doc) { d.set(d.root, "a", str("y")) }},
		{"an anchored scalar", yamlLines("a: &x v", "b: *x"), "line 1: written so that", func(d *doc) { d.set(d.root, "a", str("y")) }},
		{"an alias", yamlLines("a: &x v", "b: *x"), "line 2: b is an alias (*x)", func(d *doc) { d.set(d.root, "b", str("y")) }},
		{"a flow mapping", yamlLines("a: {b: 1}"), "line 1: cannot insert c here", func(d *doc) { d.setPath(d.root, "a.c", str("y")) }},
		{"a list for a scalar", yamlLines("a: x"), "line 1: a is not a list", func(d *doc) { d.set(d.root, "a", strs([]string{"x", "y"})) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := editFirst(t, "f.yaml", tt.src, tt.fn)
			if got != tt.src {
				t.Errorf("changed to\n%s", got)
			}
			if len(notes) != 1 || !strings.HasPrefix(notes[0].String(), tt.note) {
				t.Errorf("notes %v, want one starting %q", notes, tt.note)
			}
		})
	}
}
