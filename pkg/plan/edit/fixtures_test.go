package edit_test

// The edit against the real files gatherer and rules (files.Gather,
// check.Run), on the fixture sets of testdata/files:
//
//   - TestSingleStackSetsBecomeDual: each testdata/files/single/<name> set,
//     the files of a single-stack cluster, audits without a failing
//     finding; edited to a dual-stack target, it audits with --expect=dual
//     without one either, but where the edit noted what it could not do;
//     and editing it again changes nothing.
//   - TestHealthySetsUnchanged: each testdata/files/healthy/<name> set,
//     already dual-stack, edited to its own ranges, does not change.

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/plan/edit"
)

// fixtures is testdata/files, from this package's directory.
const fixtures = "../../../testdata/files"

// The ranges the single-stack sets get of the family they lack.
const (
	newServiceIPv6 = "fd00:10:96::/112"
	newPodIPv6     = "fd00:10:244::/56"
	newServiceIPv4 = "10.96.0.0/16"
	newPodIPv4     = "10.244.0.0/16"
)

// sets are the directories of testdata/files/<group>.
func sets(t *testing.T, group string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(fixtures, group))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, filepath.Join(fixtures, group, e.Name()))
		}
	}
	return out
}

// entries are the paths of a set, as the acceptance tests pass them.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, filepath.Join(dir, e.Name()))
	}
	return out
}

// audit gathers paths and runs every rule, as `check --from-file
// --expect=expect` does.
func audit(t *testing.T, paths []string, expect string) (*check.Facts, []check.Finding) {
	t.Helper()
	f := &check.Facts{}
	if err := files.Gather(f, paths, files.Options{}); err != nil {
		t.Fatalf("files.Gather: %v", err)
	}
	f.Expect = expect
	findings, err := check.Run(f, check.Rules(), check.Options{})
	if err != nil {
		t.Fatalf("check.Run: %v", err)
	}
	return f, findings
}

// failing are the failures at severity warning or error.
func failing(findings []check.Finding) []check.Finding {
	var out []check.Finding
	for _, f := range findings {
		if f.Result == check.Fail && (f.Severity == check.Error || f.Severity == check.Warning) {
			out = append(out, f)
		}
	}
	return out
}

func show(dir string, findings []check.Finding) string {
	var b strings.Builder
	for _, f := range findings {
		file, _ := filepath.Rel(dir, f.File)
		fmt.Fprintf(&b, "\n  %s %s/%s at %s:%d (%s) %q", f.ID, f.Result, f.Severity, file, f.Line, f.Subject, f.Message)
	}
	return b.String()
}

// targetFor is a dual-stack target for the cluster the facts describe:
// its own ranges and node masks, and for a single-stack cluster those of
// the family it lacks (IPv6 node mask 64).
func targetFor(t *testing.T, f *check.Facts) edit.Target {
	t.Helper()
	_, svc, ok := f.ServiceRanges()
	if !ok {
		t.Fatal("no service range read")
	}
	var pods check.Setting
	if kcm := f.ComponentsOf(check.ControllerManager); len(kcm) > 0 {
		pods, _ = kcm[0].Setting("cluster-cidr")
	}
	if pods.Value == "" && f.Kubeadm != nil && f.Kubeadm.PodSubnet != nil {
		pods = *f.Kubeadm.PodSubnet
	}
	if pods.Value == "" {
		t.Fatal("no pod range read")
	}
	target := edit.Target{ServiceCIDRs: split(svc.Value), PodCIDRs: split(pods.Value), NodeMasks: map[string]int{}}
	if len(target.ServiceCIDRs) == 1 {
		if strings.Contains(target.ServiceCIDRs[0], ":") {
			target.ServiceCIDRs = append(target.ServiceCIDRs, newServiceIPv4)
			target.PodCIDRs = append(target.PodCIDRs, newPodIPv4)
		} else {
			target.ServiceCIDRs = append(target.ServiceCIDRs, newServiceIPv6)
			target.PodCIDRs = append(target.PodCIDRs, newPodIPv6)
		}
		target.NodeMasks[edit.IPv6] = 64
	}
	for _, fam := range []string{edit.IPv4, edit.IPv6} {
		if _, ok := target.NodeMasks[fam]; !ok {
			target.NodeMasks[fam] = maskOf(f, fam)
		}
	}
	return target
}

// maskOf is the node mask of a family the files give: the
// controller-manager's flags, kubeadm's extraArgs, kubespray's
// variables, else kube-controller-manager's default.
func maskOf(f *check.Facts, fam string) int {
	flag, def, kubespray := "node-cidr-mask-size-ipv4", 24, "kube_network_node_prefix"
	if fam == edit.IPv6 {
		flag, def, kubespray = "node-cidr-mask-size-ipv6", 64, "kube_network_node_prefix_ipv6"
	}
	var settings []map[string]check.Setting
	for _, c := range f.ComponentsOf(check.ControllerManager) {
		settings = append(settings, c.Settings)
	}
	if f.Kubeadm != nil {
		settings = append(settings, f.Kubeadm.ExtraArgs["controllerManager"])
	}
	for _, s := range settings {
		for _, name := range []string{flag, "node-cidr-mask-size"} {
			if v, err := strconv.Atoi(s[name].Value); err == nil && (name == flag || fam == edit.IPv4) {
				return v
			}
		}
	}
	if f.Kubespray != nil {
		if s, _ := f.Kubespray.Var(kubespray); s.Value != "" {
			if v, err := strconv.Atoi(s.Value); err == nil {
				return v
			}
		}
	}
	return def
}

func split(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// copyTree copies the set dir to a new temporary directory.
func copyTree(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(out, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// noted are the notes of the edit by file (relative to dir) and line.
func noted(t *testing.T, dir string, edited []edit.File) map[string][]edit.Note {
	out := map[string][]edit.Note{}
	for _, f := range edited {
		rel, err := filepath.Rel(dir, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.ToSlash(rel)] = f.Notes
	}
	return out
}

func TestSingleStackSetsBecomeDual(t *testing.T) {
	all := sets(t, "single")
	for _, dir := range all {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			f, findings := audit(t, entries(t, dir), "")
			if bad := failing(findings); len(bad) > 0 {
				t.Fatalf("the single-stack set fails check:%s", show(dir, bad))
			}
			if fams := f.Families(); len(fams) != 1 {
				t.Fatalf("families %v: want a single-stack set", fams)
			}
			target := targetFor(t, f)
			edited, err := edit.Files(entries(t, dir), target)
			if err != nil {
				t.Fatal(err)
			}
			out := copyTree(t, dir)
			changed := 0
			for _, e := range edited {
				for _, n := range e.Notes {
					t.Logf("note %s: %s", e.Path, n)
				}
				if !e.Changed() {
					continue
				}
				changed++
				rel, _ := filepath.Rel(dir, e.Path)
				if err := os.WriteFile(filepath.Join(out, rel), e.Edited, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if changed == 0 {
				t.Fatalf("edit.Files changed nothing (target %+v)", target)
			}

			// What still fails must be at a note: what the edit could not
			// do (an installer's machine network, say).
			notes := noted(t, dir, edited)
			_, after := audit(t, entries(t, out), "dual")
			var unexplained []check.Finding
			for _, fd := range failing(after) {
				rel, _ := filepath.Rel(out, fd.File)
				if !slices.ContainsFunc(notes[filepath.ToSlash(rel)], func(n edit.Note) bool { return n.Line == fd.Line }) {
					unexplained = append(unexplained, fd)
				} else {
					t.Logf("noted, so still failing: %s", show(out, []check.Finding{fd}))
				}
			}
			if len(unexplained) > 0 {
				t.Errorf("target %+v: the edited set still fails check --expect=dual:%s", target, show(out, unexplained))
			}

			// Editing the edited set again changes nothing.
			again, err := edit.Files(entries(t, out), target)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range again {
				if e.Changed() {
					t.Errorf("a second edit changes %s:\n%s", e.Path, e.Diff)
				}
			}
		})
	}
	if len(all) < 10 {
		t.Errorf("%d single-stack sets, want one per format edited", len(all))
	}
}

func TestHealthySetsUnchanged(t *testing.T) {
	for _, dir := range sets(t, "healthy") {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			f, _ := audit(t, entries(t, dir), "")
			if len(f.Families()) != 2 {
				t.Skipf("families %v: not a dual-stack set", f.Families())
			}
			target := targetFor(t, f)
			edited, err := edit.Files(entries(t, dir), target)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range edited {
				if e.Changed() {
					t.Errorf("target %+v changes %s:\n%s", target, e.Path, e.Diff)
				}
				for _, n := range e.Notes {
					t.Logf("note %s: %s", e.Path, n)
				}
			}
		})
	}
}
