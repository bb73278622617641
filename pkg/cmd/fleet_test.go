package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fleetKubeconfig has four contexts, listed out of order; those named
// *-gone name a server where nothing listens (127.0.0.1:1 refuses at
// once), "other" a second unreachable server.
func fleetKubeconfig(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	err := os.WriteFile(path, []byte(`apiVersion: v1
kind: Config
clusters:
- name: gone
  cluster: {server: "https://127.0.0.1:1"}
- name: other
  cluster: {server: "https://127.0.0.1:2"}
users:
- name: admin
contexts:
- name: c-gone
  context: {cluster: gone, user: admin}
- name: a-gone
  context: {cluster: gone, user: admin}
- name: other
  context: {cluster: other, user: admin}
- name: b-gone
  context: {cluster: gone, user: admin}
current-context: a-gone
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Each bad combination is one line and help's pointer on stderr, exit 2,
// before any cluster is read.
func TestFleetFlagErrors(t *testing.T) {
	kubeconfig := fleetKubeconfig(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--context", "a-gone", "--all-contexts"}, "error: --context and --all-contexts both choose the clusters: give --context (once or more) or --all-contexts (with --context-pattern to narrow it)"},
		{[]string{"summary", "--context-pattern", "a-*"}, "error: --context-pattern narrows --all-contexts: add --all-contexts"},
		{[]string{"plan", "--all-contexts", "--parallel", "0"}, "error: --parallel must be 1 or greater"},
		{[]string{"check", "--all-contexts", "--context-pattern", "[a-"}, `error: --context-pattern "[a-" is not a pattern: syntax error in pattern`},
		{[]string{"check", "--all-contexts", "--from-file", "x.yaml"}, "error: --from-file is for one cluster: give one --context (or none) with it"},
		{[]string{"check", "--context", "a-gone", "--context", "b-gone", "--list-rules"}, "error: --list-rules is for one cluster: give one --context (or none) with it"},
		{[]string{"plan", "--all-contexts", "--emit", "out"}, "error: --emit is for one cluster: give one --context (or none) with it"},
	} {
		args := append(slices.Clone(tt.args), "--kubeconfig", kubeconfig)
		out, errOut, code := execute(t, args...)
		want := tt.want + "\nSee 'kubectl dualstack " + tt.args[0] + " -h' for help and examples.\n"
		if errOut != want || code != 2 || out != "" {
			t.Errorf("%v:\n got %q, exit %d, stdout %q\nwant %q, exit 2", tt.args, errOut, code, out, want)
		}
	}
}

// --all-contexts without a match is the run's error, exit 2.
func TestFleetNoContext(t *testing.T) {
	out, errOut, code := execute(t, "check", "--kubeconfig", fleetKubeconfig(t), "--all-contexts", "--context-pattern", "prod-*")
	if want := "error: no context of the kubeconfig matches --context-pattern \"prod-*\"\n"; errOut != want || code != 2 || out != "" {
		t.Errorf("got %q, exit %d, stdout %q; want %q, exit 2", errOut, code, out, want)
	}
}

var sectionHeader = regexp.MustCompile(`(?m)^== Context (\S+) \(server (\S+)\)$`)

// Clusters that cannot be reached are each a section with the error and a
// matrix row, in the order given (--context) or sorted (--all-contexts),
// and make exit 2; none stops the others.
func TestFleetUnreachable(t *testing.T) {
	kubeconfig := fleetKubeconfig(t)
	for _, tt := range []struct {
		args   []string
		order  []string
		matrix bool
	}{
		{[]string{"check", "--all-contexts", "--context-pattern", "*-gone"}, []string{"a-gone", "b-gone", "c-gone"}, true},
		{[]string{"check", "--context", "other", "--context", "c-gone", "--context", "a-gone", "--parallel", "1"}, []string{"other", "c-gone", "a-gone"}, true},
		{[]string{"summary", "--all-contexts"}, []string{"a-gone", "b-gone", "c-gone", "other"}, true},
		{[]string{"plan", "--context", "c-gone", "--context", "other"}, []string{"c-gone", "other"}, false},
	} {
		out, errOut, code := execute(t, append(slices.Clone(tt.args), "--kubeconfig", kubeconfig, "--request-timeout", "5s")...)
		if code != 2 || errOut != "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and nothing", tt.args, code, errOut)
		}
		var got []string
		for _, m := range sectionHeader.FindAllStringSubmatch(out, -1) {
			got = append(got, m[1])
			if want := map[bool]string{true: "https://127.0.0.1:2", false: "https://127.0.0.1:1"}[m[1] == "other"]; m[2] != want {
				t.Errorf("%v: %s's server %s, want %s", tt.args, m[1], m[2], want)
			}
		}
		if !slices.Equal(got, tt.order) {
			t.Errorf("%v: sections %q, want %q\n%s", tt.args, got, tt.order, out)
		}
		if n := strings.Count(out, "was refused - did you specify the right host or port?"); n != len(tt.order)*map[bool]int{true: 2, false: 1}[tt.matrix] {
			t.Errorf("%v: %d refused connections (a section each, and a matrix row)\n%s", tt.args, n, out)
		}
		_, matrix, found := strings.Cut(out, "\n== "+strconv.Itoa(len(tt.order))+" clusters\n")
		if found != tt.matrix {
			t.Fatalf("%v: matrix %v, want %v\n%s", tt.args, found, tt.matrix, out)
		}
		if !found {
			continue
		}
		lines := strings.Split(strings.TrimSuffix(matrix, "\n"), "\n")
		if len(lines) != len(tt.order)+1 || !strings.HasPrefix(lines[0], "CONTEXT ") {
			t.Fatalf("%v: matrix\n%s", tt.args, matrix)
		}
		for i, name := range tt.order {
			if fields := strings.Fields(lines[i+1]); fields[0] != name || fields[1] != "2" || fields[2] != "-" {
				t.Errorf("%v: row %d %q, want %s, exit 2, no counts", tt.args, i, lines[i+1], name)
			}
		}
	}
}

// -o json: {"clusters": [...]}, an unreachable cluster's "error" where its
// report would be.
func TestFleetJSONUnreachable(t *testing.T) {
	for _, command := range []string{"check", "summary", "plan"} {
		out, _, code := execute(t, command, "--kubeconfig", fleetKubeconfig(t), "--context", "b-gone", "--context", "other", "-o", "json")
		var doc struct {
			Clusters []map[string]string `json:"clusters"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 2 {
			t.Fatalf("%s: exit %d, %v\n%s", command, code, err, out)
		}
		if len(doc.Clusters) != 2 || doc.Clusters[0]["context"] != "b-gone" || doc.Clusters[1]["server"] != "https://127.0.0.1:2" ||
			!strings.Contains(doc.Clusters[1]["error"], "127.0.0.1:2 was refused") {
			t.Errorf("%s: %q", command, doc.Clusters)
		}
	}
}

// --context completes the kubeconfig's contexts on these commands too,
// leaving out those already given.
func TestFleetContextCompletion(t *testing.T) {
	kubeconfig := fleetKubeconfig(t)
	for _, command := range []string{"check", "summary", "plan"} {
		comps, directive := complete(t, command, "--kubeconfig", kubeconfig, "--context", "a-gone", "--context", "")
		slices.Sort(comps)
		if want := []string{"b-gone", "c-gone", "other"}; !slices.Equal(comps, want) || directive != noFiles {
			t.Errorf("%s --context a-gone --context <TAB>: %q %s, want %q", command, comps, directive, want)
		}
	}
}
