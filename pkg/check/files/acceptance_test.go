package files_test

// Acceptance tests of `check --from-file`: the files gatherer and the
// rules together, through the public API only (files.Gather, check.Run,
// check.Rules).
//
//   - TestAcceptanceHealthy: each testdata/files/healthy/<name> set, the
//     files of a healthy dual-stack cluster, yields no failing finding; its
//     <name>.expect.yaml beside it lists what the audit must read from it, and where.
//   - TestAcceptanceBroken: each testdata/files/broken/<name> set holds one
//     deliberate mistake; <name>.expect.yaml beside it lists exactly the failing findings
//     (rule, severity, file:line[:column]) the audit must report.
//   - TestAcceptanceUpstreamCases: the error cases of the upstream validation
//     (kube-apiserver service ranges, controller-manager CIDRs and masks,
//     kubeadm subnets and masks, kube-proxy, kubelet --node-ip), each as a
//     real manifest or configuration file, with the verdict and the upstream
//     error text expected.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
)

// fixtures is testdata/files, from this package's directory.
const fixtures = "../../../testdata/files"

// expectSuffix names a set's expectation, beside the set
// (<group>/<name>.expect.yaml), so that the set holds a cluster's files and
// nothing more.
const expectSuffix = ".expect.yaml"

// audit gathers paths with the files gatherer and runs every rule.
func audit(t *testing.T, paths []string, opts files.Options) (*check.Facts, []check.Finding) {
	t.Helper()
	f := &check.Facts{}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("files.Gather panicked: %v", r)
			}
		}()
		return files.Gather(f, paths, opts)
	}()
	if err != nil {
		t.Fatalf("files.Gather(%v): %v", paths, err)
	}
	findings, err := check.Run(f, check.Rules(), check.Options{})
	if err != nil {
		t.Fatalf("check.Run: %v", err)
	}
	return f, findings
}

// auditSet gathers a fixture set: every entry of dir (directories are
// passed as such, so that Gather walks them).
func auditSet(t *testing.T, dir string) (*check.Facts, []check.Finding) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		paths = append(paths, filepath.Join(dir, e.Name()))
	}
	if len(paths) == 0 {
		t.Fatalf("%s: no input files", dir)
	}
	return audit(t, paths, files.Options{})
}

// rel names file relative to dir, with slashes, when it lies inside dir;
// otherwise it returns file unchanged.
func rel(dir, file string) string {
	if file == "" {
		return ""
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return file
	}
	absFile := file
	if !filepath.IsAbs(absFile) {
		if absFile, err = filepath.Abs(absFile); err != nil {
			return file
		}
	}
	r, err := filepath.Rel(absDir, absFile)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return file
	}
	return filepath.ToSlash(r)
}

// failing keeps failures at warning or error.
func failing(findings []check.Finding) []check.Finding {
	var out []check.Finding
	for _, f := range findings {
		if f.Result == check.Fail && (f.Severity == check.Error || f.Severity == check.Warning) {
			out = append(out, f)
		}
	}
	return out
}

// show prints a finding for failure messages, its file relative to dir.
func show(dir string, f check.Finding) string {
	return fmt.Sprintf("%s %s/%s at %s:%d:%d (%s) %q", f.ID, f.Result, f.Severity, rel(dir, f.File), f.Line, f.Column, f.Subject, f.Message)
}

func showAll(dir string, findings []check.Finding) string {
	if len(findings) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, f := range findings {
		b.WriteString("\n  " + show(dir, f))
	}
	return b.String()
}

// ofRule keeps one rule's findings.
func ofRule(findings []check.Finding, id string) []check.Finding {
	var out []check.Finding
	for _, f := range findings {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// lineOf is the 1-based number of the only line of file containing marker.
func lineOf(t *testing.T, file, marker string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, marker) {
			if line != 0 {
				t.Fatalf("%s: marker %q on lines %d and %d", file, marker, line, i+1)
			}
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("%s: marker %q not found", file, marker)
	}
	return line
}

// settings lists every setting the gatherer stored: components' and
// kubeadm's.
func settings(f *check.Facts) []check.Setting {
	var out []check.Setting
	for _, c := range f.Components {
		for _, s := range c.Settings {
			out = append(out, s)
		}
	}
	if k := f.Kubeadm; k != nil {
		if k.PodSubnet != nil {
			out = append(out, *k.PodSubnet)
		}
		if k.ServiceSubnet != nil {
			out = append(out, *k.ServiceSubnet)
		}
		for _, args := range k.ExtraArgs {
			for _, s := range args {
				out = append(out, s)
			}
		}
	}
	return out
}

// setting is the one setting of the only component of a kind.
func setting(t *testing.T, f *check.Facts, kind, name string) check.Setting {
	t.Helper()
	cs := f.ComponentsOf(kind)
	if len(cs) != 1 {
		t.Fatalf("%d %s components gathered, want 1", len(cs), kind)
	}
	s, ok := cs[0].Setting(name)
	if !ok {
		t.Fatalf("%s: setting %q not gathered (have %v)", kind, name, keys(cs[0].Settings))
	}
	return s
}

func keys(m map[string]check.Setting) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// wantAt checks a setting's value and position (column 0: any column but
// 0, as every value read from a file has one).
func wantAt(t *testing.T, dir, what string, s check.Setting, value, file string, line, column int) {
	t.Helper()
	if s.Value != value {
		t.Errorf("%s = %q, want %q", what, s.Value, value)
	}
	if got := rel(dir, s.File); got != file || s.Line != line {
		t.Errorf("%s read at %s:%d, want %s:%d", what, got, s.Line, file, line)
	}
	switch {
	case column == 0 && s.Column == 0:
		t.Errorf("%s at %s:%d has no column", what, rel(dir, s.File), s.Line)
	case column != 0 && s.Column != column:
		t.Errorf("%s at %s:%d: column %d, want %d", what, rel(dir, s.File), s.Line, s.Column, column)
	}
}

// liveSources are the API-object sources a files-only audit cannot read.
var liveSources = []check.Source{
	check.SourceNodes, check.SourcePods, check.SourceServices, check.SourceSlices,
	check.SourceServiceCIDRs, check.SourceIPAddresses, check.SourceEvents,
}

// healthyExpectation is a healthy set's <name>.expect.yaml: what the audit must
// read from the set, and where.
type healthyExpectation struct {
	// Cluster says, for people, what the set is.
	Cluster  string            `json:"cluster"`
	Families []corev1.IPFamily `json:"families"`
	// Stack is what the cluster-stack rule's pass says.
	Stack string `json:"stack"`
	// Version is the Kubernetes version the files name.
	Version string `json:"version"`
	// Distribution is the distribution the files configure, "" for none.
	Distribution string `json:"distribution,omitempty"`
	// CNI is the network plugin the files configure and its IPAM mode
	// ("calico, IPAM calico-ipam"), "" for none.
	CNI string `json:"cni,omitempty"`
	// Components counts the components of each kind the files define.
	Components map[string]int `json:"components"`
	// NetworkPolicies counts the NetworkPolicy documents read.
	NetworkPolicies int `json:"networkPolicies,omitempty"`
	// Run are the rules that must run, not skip.
	Run  []string          `json:"run"`
	Read []expectedSetting `json:"read"`
}

// expectedSetting is a value the audit must read once from File: the flag
// Setting of a Component kind, or, for the component "kubeadm", the field
// of its configuration (networking.podSubnet, networking.serviceSubnet,
// localAPIEndpoint.advertiseAddress, <component>.extraArgs <flag>), or,
// for the component "cni", the network plugin's ipam, "family IPv4" or
// "family IPv6", "pool <name>" or another of its settings by key.
// Column 0 means any.
type expectedSetting struct {
	Component string `json:"component"`
	Setting   string `json:"setting"`
	Value     string `json:"value"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column,omitempty"`
}

func readHealthyExpectation(t *testing.T, dir string) healthyExpectation {
	t.Helper()
	data, err := os.ReadFile(dir + expectSuffix)
	if err != nil {
		t.Fatal(err)
	}
	var e healthyExpectation
	if err := yaml.UnmarshalStrict(data, &e); err != nil {
		t.Fatalf("%s%s: %v", dir, expectSuffix, err)
	}
	if strings.TrimSpace(e.Cluster) == "" || len(e.Families) == 0 || e.Stack == "" || e.Version == "" || len(e.Read) == 0 {
		t.Fatalf("%s%s: needs a cluster, families, a stack, a version and values to read", dir, expectSuffix)
	}
	return e
}

// settingsNamed are the settings of a component kind (or kubeadm) named
// name, read from file (relative to dir).
func settingsNamed(f *check.Facts, dir, component, name, file string) []check.Setting {
	var all []check.Setting
	if component == "kubeadm" {
		if k := f.Kubeadm; k != nil {
			fields := map[string]*check.Setting{"networking.podSubnet": k.PodSubnet, "networking.serviceSubnet": k.ServiceSubnet, "localAPIEndpoint.advertiseAddress": k.AdvertiseAddress}
			if s := fields[name]; s != nil {
				all = append(all, *s)
			}
			if c, flag, ok := strings.Cut(name, ".extraArgs "); ok {
				if s, ok := k.ExtraArgs[c][flag]; ok {
					all = append(all, s)
				}
			}
		}
	}
	for _, c := range f.ComponentsOf(component) {
		if s, ok := c.Setting(name); ok {
			all = append(all, s)
		}
	}
	if c := f.CNI; component == "cni" && c != nil {
		all = append(all, cniSettings(c, name)...)
	}
	var out []check.Setting
	for _, s := range all {
		if rel(dir, s.File) == file {
			out = append(out, s)
		}
	}
	return out
}

// cniSettings are the network plugin's settings of a name (see
// expectedSetting).
func cniSettings(c *check.CNI, name string) []check.Setting {
	switch {
	case name == "ipam":
		return []check.Setting{c.IPAM}
	case strings.HasPrefix(name, "family "):
		return []check.Setting{c.Families[corev1.IPFamily(strings.TrimPrefix(name, "family "))]}
	case strings.HasPrefix(name, "pool "):
		var out []check.Setting
		for _, p := range c.Pools {
			if p.Name == strings.TrimPrefix(name, "pool ") {
				out = append(out, p.CIDR)
			}
		}
		return out
	}
	if s, ok := c.Settings[name]; ok {
		return []check.Setting{s}
	}
	return nil
}

// fixtureSets lists the sets of testdata/files/<group>: its directories.
func fixtureSets(t *testing.T, group string) []string {
	t.Helper()
	root := filepath.Join(fixtures, group)
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(root, e.Name()))
		}
	}
	return dirs
}

// Each testdata/files/healthy/<name> set, a healthy cluster's files, is
// audited without a failing finding; <name>.expect.yaml beside it says
// what must be read from it, and where.
func TestAcceptanceHealthy(t *testing.T) {
	sets := fixtureSets(t, "healthy")
	for _, dir := range sets {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := readHealthyExpectation(t, dir)
			f, findings := auditSet(t, dir)
			if bad := failing(findings); len(bad) > 0 {
				t.Errorf("a healthy file set fails:%s", showAll(dir, bad))
			}

			// What was read, and where.
			if got := f.Families(); !slices.Equal(got, want.Families) {
				t.Errorf("Families() = %v, want %v", got, want.Families)
			}
			for kind, n := range want.Components {
				if got := len(f.ComponentsOf(kind)); got != n {
					t.Errorf("%d %s components gathered, want %d", got, kind, n)
				}
			}
			if got := len(f.NetworkPolicies); got != want.NetworkPolicies {
				t.Errorf("%d NetworkPolicies gathered, want %d", got, want.NetworkPolicies)
			}
			if f.ServerVersion != want.Version {
				t.Errorf("ServerVersion = %q (from %q), want %s", f.ServerVersion, f.VersionSource, want.Version)
			}
			if f.Distribution != want.Distribution {
				t.Errorf("Distribution = %q (from %q), want %q", f.Distribution, f.DistributionSource, want.Distribution)
			}
			if got := ""; want.CNI != "" || f.CNI != nil {
				if f.CNI != nil {
					got = f.CNI.Describe()
				}
				if got != want.CNI {
					t.Errorf("CNI = %q, want %q", got, want.CNI)
				}
			}
			for _, x := range want.Read {
				what := x.Component + " " + x.Setting
				got := settingsNamed(f, dir, x.Component, x.Setting, x.File)
				if len(got) != 1 {
					t.Errorf("%s from %s gathered %d times, want once", what, x.File, len(got))
					continue
				}
				wantAt(t, dir, what, got[0], x.Value, x.File, x.Line, x.Column)
			}

			// The rules the files feed ran; the rules that need API
			// objects did not.
			for _, id := range want.Run {
				got := ofRule(findings, id)
				if len(got) == 0 {
					t.Errorf("rule %s: no finding", id)
				}
				for _, fd := range got {
					if fd.Result == check.Skip {
						t.Errorf("rule %s skipped: %s", id, show(dir, fd))
					}
				}
			}
			// A distribution that has no dual-stack (EKS) is healthy
			// single-stack: cluster-stack then only informs.
			stack := ofRule(findings, "cluster-stack")
			if len(stack) != 1 || (stack[0].Result != check.Pass && stack[0].Severity != check.Info) || !strings.Contains(stack[0].Message, want.Stack) {
				t.Errorf("cluster-stack: want a pass (or info) saying %q, got%s", want.Stack, showAll(dir, stack))
			}
			for _, r := range check.Rules() {
				if !slices.ContainsFunc(r.Needs, func(n check.Source) bool { return slices.Contains(liveSources, n) }) {
					continue
				}
				for _, fd := range ofRule(findings, r.ID) {
					if fd.Result != check.Skip {
						t.Errorf("rule %s needs %v, which files cannot give, but was not skipped: %s", r.ID, r.Needs, show(dir, fd))
					}
				}
			}
			if t.Failed() {
				t.Logf("the set: %s", want.Cluster)
			}
		})
	}
	if len(sets) < 2 {
		t.Errorf("%d healthy sets, want at least 2", len(sets))
	}
}

// expectation is a broken set's <name>.expect.yaml.
type expectation struct {
	// Mistake says, for people, what is wrong in the set.
	Mistake  string            `json:"mistake"`
	Findings []expectedFinding `json:"findings"`
}

// expectedFinding is one failing finding the audit must report. Column 0
// means any column; Message is a fragment the message must contain.
type expectedFinding struct {
	ID       string         `json:"id"`
	Severity check.Severity `json:"severity"`
	File     string         `json:"file"`
	Line     int            `json:"line"`
	Column   int            `json:"column,omitempty"`
	Message  string         `json:"message,omitempty"`
}

func (e expectedFinding) String() string {
	pos := fmt.Sprintf("%s:%d", e.File, e.Line)
	if e.Column != 0 {
		pos += fmt.Sprintf(":%d", e.Column)
	}
	return fmt.Sprintf("%s %s at %s %q", e.ID, e.Severity, pos, e.Message)
}

func (e expectedFinding) matches(dir string, f check.Finding) bool {
	return f.ID == e.ID && f.Severity == e.Severity && f.Result == check.Fail &&
		rel(dir, f.File) == e.File && f.Line == e.Line &&
		(e.Column == 0 || f.Column == e.Column) && strings.Contains(f.Message, e.Message)
}

func readExpectation(t *testing.T, dir string) expectation {
	t.Helper()
	data, err := os.ReadFile(dir + expectSuffix)
	if err != nil {
		t.Fatal(err)
	}
	var e expectation
	if err := yaml.UnmarshalStrict(data, &e); err != nil {
		t.Fatalf("%s%s: %v", dir, expectSuffix, err)
	}
	if strings.TrimSpace(e.Mistake) == "" || len(e.Findings) == 0 {
		t.Fatalf("%s%s: needs a mistake and at least one finding", dir, expectSuffix)
	}
	known := map[string]bool{}
	for _, r := range check.Rules() {
		known[r.ID] = true
	}
	for _, x := range e.Findings {
		if !known[x.ID] || (x.Severity != check.Error && x.Severity != check.Warning) || x.Line < 1 {
			t.Fatalf("%s%s: bad expectation %v (unknown rule, severity not warning/error, or no line)", dir, expectSuffix, x)
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(x.File)))
		if err != nil {
			t.Fatalf("%s%s: %v: %v", dir, expectSuffix, x, err)
		}
		lines := strings.Split(string(data), "\n")
		if x.Line > len(lines) || x.Column > len(lines[x.Line-1]) {
			t.Fatalf("%s%s: %v points past the end of the file or line", dir, expectSuffix, x)
		}
	}
	return e
}

func TestAcceptanceBroken(t *testing.T) {
	sets := fixtureSets(t, "broken")
	for _, dir := range sets {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := readExpectation(t, dir)
			_, findings := auditSet(t, dir)
			got := failing(findings)
			used := make([]bool, len(got))
			for _, x := range want.Findings {
				i := slices.IndexFunc(got, func(f check.Finding) bool { return x.matches(dir, f) })
				for i >= 0 && used[i] {
					j := slices.IndexFunc(got[i+1:], func(f check.Finding) bool { return x.matches(dir, f) })
					if j < 0 {
						i = -1
						break
					}
					i += 1 + j
				}
				if i < 0 {
					t.Errorf("missing: %v\n  findings of %s:%s", x, x.ID, showAll(dir, ofRule(findings, x.ID)))
					continue
				}
				used[i] = true
			}
			for i, f := range got {
				if !used[i] {
					t.Errorf("unexpected: %s", show(dir, f))
				}
			}
			if t.Failed() {
				t.Logf("the mistake: %s", want.Mistake)
			}
		})
	}
	if len(sets) < 10 {
		t.Errorf("%d broken sets, want at least 10", len(sets))
	}
}

// Paths of the files of an upstream case, inside its directory.
const (
	apiPath     = "manifests/kube-apiserver.yaml"
	kcmPath     = "manifests/kube-controller-manager.yaml"
	kubeadmPath = "kubeadm.yaml"
	proxyPath   = "kube-proxy/config.conf"
	envPath     = "kubelet/kubeadm-flags.env"
)

// staticPod is a kubeadm-style static pod manifest of a control-plane
// component; tag "" leaves the image untagged.
func staticPod(component, tag string, flags ...string) string {
	image := "registry.k8s.io/" + component
	if tag != "" {
		image += ":" + tag
	}
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    component: %[1]s\n    tier: control-plane\n  name: %[1]s\n  namespace: kube-system\nspec:\n  containers:\n  - command:\n    - %[1]s\n", component)
	for _, fl := range flags {
		fmt.Fprintf(&b, "    - %s\n", fl)
	}
	fmt.Fprintf(&b, "    image: %s\n    imagePullPolicy: IfNotPresent\n    name: %s\n  hostNetwork: true\n  priorityClassName: system-node-critical\nstatus: {}\n", image, component)
	return b.String()
}

// apiserver is a kube-apiserver manifest with --advertise-address and the
// given flags.
func apiserver(tag string, flags ...string) string {
	return staticPod("kube-apiserver", tag, append([]string{"--advertise-address=192.168.10.11", "--allow-privileged=true", "--authorization-mode=Node,RBAC"}, flags...)...)
}

// kcm is a kube-controller-manager manifest with the given flags.
func kcm(flags ...string) string {
	return staticPod("kube-controller-manager", "v1.37.0", append([]string{"--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/controller-manager.conf", "--leader-elect=true"}, flags...)...)
}

// clusterConfig is a kubeadm ClusterConfiguration (apiVersion v1beta3 or
// v1beta4); kcmArgs are controllerManager.extraArgs as name, value pairs,
// written as a map (v1beta3) or a list of {name, value} (v1beta4).
func clusterConfig(apiVersion, podSubnet, serviceSubnet string, kcmArgs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: kubeadm.k8s.io/%s\nkind: ClusterConfiguration\nkubernetesVersion: v1.37.0\nclusterName: kubernetes\n", apiVersion)
	if len(kcmArgs) > 0 {
		b.WriteString("controllerManager:\n  extraArgs:\n")
		for i := 0; i+1 < len(kcmArgs); i += 2 {
			if apiVersion == "v1beta3" {
				fmt.Fprintf(&b, "    %s: %q\n", kcmArgs[i], kcmArgs[i+1])
			} else {
				fmt.Fprintf(&b, "  - name: %s\n    value: %q\n", kcmArgs[i], kcmArgs[i+1])
			}
		}
	}
	b.WriteString("networking:\n  dnsDomain: cluster.local\n")
	if podSubnet != "" {
		fmt.Fprintf(&b, "  podSubnet: %s\n", podSubnet)
	}
	if serviceSubnet != "" {
		fmt.Fprintf(&b, "  serviceSubnet: %s\n", serviceSubnet)
	}
	return b.String()
}

// proxyConfig is a KubeProxyConfiguration with the given top-level lines.
func proxyConfig(lines ...string) string {
	return "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n" + strings.Join(lines, "\n") + "\n"
}

// flagsEnv is a kubelet flags file as kubeadm writes it.
func flagsEnv(args ...string) string {
	return `KUBELET_KUBEADM_ARGS="` + strings.Join(append([]string{"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock"}, args...), " ") + "\"\n"
}

// fileSet is the files of a case: path, content, path, content...
func fileSet(pathContent ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(pathContent); i += 2 {
		m[pathContent[i]] = pathContent[i+1]
	}
	return m
}

// Dual-stack kubeadm configurations giving the cluster's families to the
// kube-proxy cases.
var (
	kubeadmDual4 = clusterConfig("v1beta4", "10.244.0.0/16,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112")
	kubeadmDual6 = clusterConfig("v1beta4", "fd00:10:244::/56,10.244.0.0/16", "fd00:10:96::/112,10.96.0.0/16")
)

// upstreamCase is one upstream validation case as a file set.
type upstreamCase struct {
	name  string
	files map[string]string
	// version is files.Options.KubernetesVersion.
	version string
	rule    string
	// fail: the rule must fail with severity sev and a message containing
	// message, pointing at file and at the line containing the marker at
	// (any line of file when at is ""). Otherwise the rule must not fail
	// at warning or error, and the setting on that line must have been
	// read.
	fail    bool
	sev     check.Severity
	message string
	file    string
	at      string
}

var upstreamCases = []upstreamCase{
	// kube-apiserver --service-cluster-ip-range.
	{name: "apiserver/A1 primary not a cidr", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/33,fd00:10:96::/112")),
		rule: "apiserver-service-range-syntax", fail: true, sev: check.Error, message: "service-cluster-ip-range[0] is not a valid cidr", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A1 at least one valid cidr", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=services")),
		rule: "apiserver-service-range-syntax", fail: true, sev: check.Error, message: "--service-cluster-ip-range must contain at least one valid cidr", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/secondary not an ip net", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/129")),
		rule: "apiserver-service-range-syntax", fail: true, sev: check.Error, message: "service-cluster-ip-range[1] is not an ip net", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A2 more than two entries", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112,10.97.0.0/16")),
		rule: "apiserver-service-range-syntax", fail: true, sev: check.Error, message: "--service-cluster-ip-range must not contain more than two entries", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/valid dual-stack pair", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112")),
		rule: "apiserver-service-range-syntax", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/primary smaller than 8 addresses", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/30")),
		rule: "apiserver-service-range-size", fail: true, sev: check.Error, message: "error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/primary of 8 addresses", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/29")),
		rule: "apiserver-service-range-size", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A3 IPv4 /8 on v1.30", files: fileSet(apiPath, apiserver("v1.30.0", "--service-cluster-ip-range=10.0.0.0/8")),
		rule: "apiserver-service-range-size", fail: true, sev: check.Error, message: "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A3 IPv4 /12 on v1.30", files: fileSet(apiPath, apiserver("v1.30.0", "--service-cluster-ip-range=10.96.0.0/12")),
		rule: "apiserver-service-range-size", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A3 IPv6 primary /64 on v1.32", files: fileSet(apiPath, apiserver("v1.32.4", "--service-cluster-ip-range=fd00:10:96::/64,10.96.0.0/16")),
		rule: "apiserver-service-range-size", fail: true, sev: check.Error, message: "specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be >= 108", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A5 IPv6 secondary /64 on v1.33", files: fileSet(apiPath, apiserver("v1.33.0", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/64")),
		rule: "apiserver-service-range-size", fail: true, sev: check.Error, message: "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A5 IPv6 secondary /64 on v1.34", files: fileSet(apiPath, apiserver("v1.34.1", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/64")),
		rule: "apiserver-service-range-size", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A5 v1.34 with DisableAllocatorDualWrite=false", files: fileSet(apiPath, apiserver("v1.34.1", "--feature-gates=DisableAllocatorDualWrite=false", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/100")),
		rule: "apiserver-service-range-size", fail: true, sev: check.Error, message: "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A5 version from KubernetesVersion", files: fileSet(apiPath, apiserver("", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/64")), version: "v1.30.0",
		rule: "apiserver-service-range-size", fail: true, sev: check.Error, message: "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/older v1.29 MultiCIDRServiceAllocator 64-bit limit", files: fileSet(apiPath, apiserver("v1.29.2", "--feature-gates=MultiCIDRServiceAllocator=true", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/56")),
		rule: "apiserver-service-range-size", fail: true, sev: check.Error, message: "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 64", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/IPv6 service CIDR shorter than /64", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/48")),
		rule: "apiserver-service-range-size", fail: true, sev: check.Error, message: "shortest allowed prefix length for service CIDR is 64, got 48", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/IPv6 /64 on v1.37", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/64")),
		rule: "apiserver-service-range-size", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A4 two IPv4 ranges", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=10.96.0.0/16,10.97.0.0/16")),
		rule: "apiserver-service-range-families", fail: true, sev: check.Error, message: "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A4 two IPv6 ranges", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=fd00:10:96::/112,fd00:10:97::/112")),
		rule: "apiserver-service-range-families", fail: true, sev: check.Error, message: "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/A4 IPv6 first", files: fileSet(apiPath, apiserver("v1.37.0", "--service-cluster-ip-range=fd00:10:96::/112,10.96.0.0/16")),
		rule: "apiserver-service-range-families", file: apiPath, at: "--service-cluster-ip-range="},
	{name: "apiserver/advertise address of the other family", files: fileSet(apiPath, staticPod("kube-apiserver", "v1.37.0", "--advertise-address=2001:db8:10::11", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112")),
		rule: "apiserver-advertise-address-family", fail: true, sev: check.Error, message: `service IP family "10.96.0.0/16" must match public address family "2001:db8:10::11"`, file: apiPath, at: "--advertise-address="},
	{name: "apiserver/bind address of the other family", files: fileSet(apiPath, staticPod("kube-apiserver", "v1.37.0", "--bind-address=2001:db8:10::11", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112")),
		rule: "apiserver-advertise-address-family", fail: true, sev: check.Error, message: "must match public address family", file: apiPath, at: "--bind-address="},
	{name: "apiserver/advertise family not checked with reconciler none", files: fileSet(apiPath, staticPod("kube-apiserver", "v1.37.0", "--advertise-address=2001:db8:10::11", "--endpoint-reconciler-type=none", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112")),
		rule: "apiserver-advertise-address-family", file: apiPath, at: "--advertise-address="},
	{name: "apiserver/advertise address of the primary family", files: fileSet(apiPath, staticPod("kube-apiserver", "v1.37.0", "--advertise-address=2001:db8:10::11", "--service-cluster-ip-range=fd00:10:96::/112,10.96.0.0/16")),
		rule: "apiserver-advertise-address-family", file: apiPath, at: "--advertise-address="},
	{name: "apiserver/default range", files: fileSet(apiPath, apiserver("v1.37.0")),
		rule: "apiserver-service-range-default", fail: true, sev: check.Warning, message: "No CIDR for service cluster IPs specified. Default value which was 10.0.0.0/24 is deprecated and will be removed in future releases. Please specify it using --service-cluster-ip-range on kube-apiserver.", file: apiPath},
	{name: "apiserver/obsolete secondary flag", files: fileSet(apiPath, apiserver("v1.37.0", "--secondary-service-cluster-ip-range=fd00:10:96::/112", "--service-cluster-ip-range=10.96.0.0/16")),
		rule: "apiserver-secondary-range-flag", fail: true, sev: check.Error, message: "--secondary-service-cluster-ip-range", file: apiPath, at: "--secondary-service-cluster-ip-range="},

	// kube-controller-manager.
	{name: "kcm/K1 CloudAllocator", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cidr-allocator-type=CloudAllocator", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56")),
		rule: "controller-manager-cidr-allocator-type", fail: true, sev: check.Error, message: "--cidr-allocator-type is set to 'CloudAllocator' but cloud provider is not configured", file: kcmPath, at: "--cidr-allocator-type="},
	{name: "kcm/K2 invalid CIDR", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/129")),
		rule: "controller-manager-cluster-cidr", fail: true, sev: check.Error, message: "invalid CIDR[1]: <nil> (invalid CIDR address: fd00:10:244::/129)", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K3 two IPv4", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,10.245.0.0/16")),
		rule: "controller-manager-cluster-cidr", fail: true, sev: check.Error, message: "len of ClusterCIDRs==2 and they are not configured as dual stack (at least one from each IPFamily", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K3 three IPv4", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,10.245.0.0/16,10.246.0.0/16")),
		rule: "controller-manager-cluster-cidr", fail: true, sev: check.Error, message: "len of ClusterCIDRs==3 and they are not configured as dual stack", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K4 three of both families", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56,10.245.0.0/16")),
		rule: "controller-manager-cluster-cidr", fail: true, sev: check.Error, message: "length of clusterCIDRs is:3 more than max allowed of 2", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K10 no cluster CIDR", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true")),
		rule: "controller-manager-cluster-cidr", fail: true, sev: check.Error, message: "Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set", file: kcmPath},
	{name: "kcm/node IPAM off: cluster CIDR not validated", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=false", "--cluster-cidr=10.244.0.0/16,10.245.0.0/16")),
		rule: "controller-manager-cluster-cidr", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/valid dual-stack cluster CIDR", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=fd00:10:244::/56,10.244.0.0/16")),
		rule: "controller-manager-cluster-cidr", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K5 service ranges of one family", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56", "--service-cluster-ip-range=10.96.0.0/16,10.97.0.0/16")),
		rule: "controller-manager-service-range", fail: true, sev: check.Error, message: "serviceCIDR and secondaryServiceCIDR are not dualstack (from different IPfamiles)", file: kcmPath, at: "--service-cluster-ip-range="},
	{name: "kcm/more than two service ranges", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56", "--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112,10.97.0.0/16")),
		rule: "controller-manager-service-range", fail: true, sev: check.Error, message: "--service-cluster-ip-range can not contain more than two entries", file: kcmPath, at: "--service-cluster-ip-range="},
	{name: "kcm/K6 node-cidr-mask-size on dual-stack", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56", "--node-cidr-mask-size=24")),
		rule: "controller-manager-node-cidr-mask", fail: true, sev: check.Error, message: "usage of --node-cidr-mask-size is not allowed with dual-stack clusters", file: kcmPath, at: "--node-cidr-mask-size="},
	{name: "kcm/K7 legacy and family mask flags", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16", "--node-cidr-mask-size=24", "--node-cidr-mask-size-ipv4=24")),
		rule: "controller-manager-node-cidr-mask", fail: true, sev: check.Error, message: "usage of --node-cidr-mask-size-ipv4 and --node-cidr-mask-size-ipv6 is not allowed if --node-cidr-mask-size is set. For dual-stack clusters please unset it and use IPFamily specific flags", file: kcmPath, at: "--node-cidr-mask-size="},
	{name: "kcm/K8 IPv4 mask on single-stack IPv6", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=fd00:10:244::/56", "--node-cidr-mask-size-ipv4=24")),
		rule: "controller-manager-node-cidr-mask", fail: true, sev: check.Error, message: "usage of --node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster", file: kcmPath, at: "--node-cidr-mask-size-ipv4="},
	{name: "kcm/K9 IPv6 mask on single-stack IPv4", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16", "--node-cidr-mask-size-ipv6=64")),
		rule: "controller-manager-node-cidr-mask", fail: true, sev: check.Error, message: "usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster", file: kcmPath, at: "--node-cidr-mask-size-ipv6="},
	{name: "kcm/K11 cluster CIDR smaller than the default node mask", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/25,fd00:10:244::/56")),
		rule: "controller-manager-node-cidr-mask", fail: true, sev: check.Error, message: "Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K11 IPv6 node mask shorter than the cluster CIDR", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56", "--node-cidr-mask-size-ipv6=48")),
		rule: "controller-manager-node-cidr-mask", fail: true, sev: check.Error, message: "Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K12 IPv6 node mask 24 bits longer", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/40")),
		rule: "controller-manager-node-cidr-mask", fail: true, sev: check.Error, message: "New CIDR set failed; the node CIDR size is too big", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K12 IPv6 /48 with the default /64", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16,fd00:10:244::/48")),
		rule: "controller-manager-node-cidr-mask", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/K13 no IPv4 difference limit", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.0.0.0/8,fd00:10:244::/56", "--node-cidr-mask-size-ipv4=28")),
		rule: "controller-manager-node-cidr-mask", file: kcmPath, at: "--cluster-cidr="},
	{name: "kcm/legacy mask on single-stack", files: fileSet(kcmPath, kcm("--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16", "--node-cidr-mask-size=26")),
		rule: "controller-manager-node-cidr-mask", file: kcmPath, at: "--node-cidr-mask-size="},

	// kubeadm ClusterConfiguration networking.
	{name: "kubeadm/pod subnet does not parse", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/16,fd00:10:244::/129", "10.96.0.0/16,fd00:10:96::/112")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "couldn't parse subnet", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/three service subnets", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "", "10.96.0.0/16,fd00:10:96::/112,10.97.0.0/16")),
		rule: "kubeadm-service-subnet", fail: true, sev: check.Error, message: "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking", file: kubeadmPath, at: "serviceSubnet:"},
	{name: "kubeadm/two IPv6 service subnets", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "", "fd00:10:96::/112,fd00:10:97::/112")),
		rule: "kubeadm-service-subnet", fail: true, sev: check.Error, message: "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking", file: kubeadmPath, at: "serviceSubnet:"},
	{name: "kubeadm/two IPv4 pod subnets", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/16,10.245.0.0/16", "10.96.0.0/16")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/service subnet below 10 addresses", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "", "10.96.0.0/29")),
		rule: "kubeadm-service-subnet", fail: true, sev: check.Error, message: "subnet with 8 address(es) is too small, the minimum is 10", file: kubeadmPath, at: "serviceSubnet:"},
	{name: "kubeadm/pod subnet below 14 addresses", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/29", "10.96.0.0/16")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "subnet with 8 address(es) is too small, the minimum is 14", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/site-local service subnet", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "", "10.96.0.0/16,fec0::/112")),
		rule: "kubeadm-service-subnet", fail: true, sev: check.Warning, message: "contains IPv6 site-local addresses that belong to fec0::/10 which has been deprecated by rfc3879", file: kubeadmPath, at: "serviceSubnet:"},
	{name: "kubeadm/IPv6 service subnet /64", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "", "10.96.0.0/16,fd00:10:96::/64")),
		rule: "kubeadm-service-subnet", fail: true, sev: check.Error, message: "specified service subnet is too large; for 128-bit addresses, the mask must be >= 108", file: kubeadmPath, at: "serviceSubnet:"},
	{name: "kubeadm/IPv4 service subnet /8", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "", "10.0.0.0/8,fd00:10:96::/112")),
		rule: "kubeadm-service-subnet", fail: true, sev: check.Error, message: "specified service subnet is too large; for 32-bit addresses, the mask must be >= 12", file: kubeadmPath, at: "serviceSubnet:"},
	{name: "kubeadm/docs example service subnet", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/16,2001:db8:42:0::/56", "10.96.0.0/16,2001:db8:42:1::/112")),
		rule: "kubeadm-service-subnet", file: kubeadmPath, at: "serviceSubnet:"},
	{name: "kubeadm/docs example pod subnet", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/16,2001:db8:42:0::/56", "10.96.0.0/16,2001:db8:42:1::/112")),
		rule: "kubeadm-pod-subnet", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/pod subnet smaller than the node subnet", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/25,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "the size of pod subnet with mask 25 is smaller than the size of node subnet with mask 24", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/IPv4 difference over 16 (v1beta4 list)", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.0.0.0/8,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112", "node-cidr-mask-size-ipv4", "28")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "pod subnet mask (8) and node-mask (28) difference is greater than 16", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/IPv4 difference over 16 (v1beta3 map)", files: fileSet(kubeadmPath, clusterConfig("v1beta3", "10.0.0.0/8,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112", "node-cidr-mask-size-ipv4", "28")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "pod subnet mask (8) and node-mask (28) difference is greater than 16", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/IPv6 difference over 16 with the default node mask", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/16,fd00:10:244::/40", "10.96.0.0/16,fd00:10:96::/112")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "pod subnet mask (40) and node-mask (64) difference is greater than 16", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/IPv6 node mask extraArg (v1beta3 map)", files: fileSet(kubeadmPath, clusterConfig("v1beta3", "10.244.0.0/16,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112", "node-cidr-mask-size-ipv6", "80")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "pod subnet mask (56) and node-mask (80) difference is greater than 16", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/unparsable node mask", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/16,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112", "node-cidr-mask-size-ipv6", "sixty-four")),
		rule: "kubeadm-pod-subnet", fail: true, sev: check.Error, message: "could not parse the value of the kube-controller-manager flag node-cidr-mask-size-ipv6 as an integer", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/legacy node-cidr-mask-size extraArg ignored", files: fileSet(kubeadmPath, clusterConfig("v1beta3", "10.244.0.0/16", "10.96.0.0/16", "node-cidr-mask-size", "30")),
		rule: "kubeadm-pod-subnet", file: kubeadmPath, at: "podSubnet:"},
	{name: "kubeadm/node masks not checked without node IPAM", files: fileSet(kubeadmPath, clusterConfig("v1beta4", "10.244.0.0/16,fd00:10:244::/40", "10.96.0.0/16,fd00:10:96::/112", "allocate-node-cidrs", "false")),
		rule: "kubeadm-pod-subnet", file: kubeadmPath, at: "podSubnet:"},

	// kube-proxy.
	{name: "kube-proxy/three cluster CIDRs", files: fileSet(proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16,fd00:10:244::/56,10.245.0.0/16")),
		rule: "kube-proxy-cluster-cidr", fail: true, sev: check.Error, message: "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/two IPv4 cluster CIDRs", files: fileSet(proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16,10.245.0.0/16")),
		rule: "kube-proxy-cluster-cidr", fail: true, sev: check.Error, message: "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/invalid cluster CIDR", files: fileSet(proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/33,fd00:10:244::/56")),
		rule: "kube-proxy-cluster-cidr", fail: true, sev: check.Error, message: "must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/cluster CIDR not validated in NodeCIDR mode", files: fileSet(proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16,10.245.0.0/16", "detectLocalMode: NodeCIDR")),
		rule: "kube-proxy-cluster-cidr", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/wrong-family cluster CIDR passes validation", files: fileSet(proxyPath, proxyConfig("bindAddress: 192.168.10.11", "clusterCIDR: fd00:10:244::/56")),
		rule: "kube-proxy-cluster-cidr", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/dual-stack pair", files: fileSet(proxyPath, proxyConfig("clusterCIDR: fd00:10:244::/56,10.244.0.0/16")),
		rule: "kube-proxy-cluster-cidr", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/bindAddress not an IP", files: fileSet(proxyPath, proxyConfig("bindAddress: node1", "clusterCIDR: 10.244.0.0/16")),
		rule: "kube-proxy-config-valid", fail: true, sev: check.Error, message: "not a valid textual representation of an IP address", file: proxyPath, at: "bindAddress:"},
	{name: "kube-proxy/nodePortAddresses not a CIDR", files: fileSet(proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16", "nodePortAddresses: [10.0.0.0/8, eth0]")),
		rule: "kube-proxy-config-valid", fail: true, sev: check.Error, message: "must be a valid CIDR", file: proxyPath, at: "nodePortAddresses:"},
	{name: "kube-proxy/primary with CIDRs before v1.37", files: fileSet(proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16", "nodePortAddresses: [primary, 10.0.0.0/8]")), version: "v1.36.3",
		rule: "kube-proxy-config-valid", fail: true, sev: check.Error, message: "can't use both 'primary' and CIDRs", file: proxyPath, at: "nodePortAddresses:"},
	{name: "kube-proxy/unknown detectLocalMode", files: fileSet(proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16", "detectLocalMode: PodCIDR")),
		rule: "kube-proxy-config-valid", fail: true, sev: check.Error, message: `Unsupported value: "PodCIDR": supported values: "ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", ""`, file: proxyPath, at: "detectLocalMode:"},
	{name: "kube-proxy/valid configuration", files: fileSet(proxyPath, proxyConfig(`bindAddress: "::"`, "clusterCIDR: fd00:10:244::/56,10.244.0.0/16", "detectLocalMode: ClusterCIDR", "nodePortAddresses: [primary]")),
		rule: "kube-proxy-config-valid", file: proxyPath, at: "detectLocalMode:"},
	{name: "kube-proxy/IPv6-only with IPv4 cluster CIDR", files: fileSet(proxyPath, proxyConfig("bindAddress: 2001:db8:10::11", "clusterCIDR: 10.244.0.0/16")),
		rule: "kube-proxy-cluster-cidr-family", fail: true, sev: check.Error, message: "kube-proxy configuration is incorrect: cluster is IPv6-only but clusterCIDRs contains only IPv4 addresses", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/IPv6-primary with IPv4 cluster CIDR", files: fileSet(kubeadmPath, kubeadmDual6, proxyPath, proxyConfig(`bindAddress: "::"`, "clusterCIDR: 10.244.0.0/16")),
		rule: "kube-proxy-cluster-cidr-family", fail: true, sev: check.Warning, message: "cluster is IPv6-primary but clusterCIDRs contains only IPv4 addresses", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/IPv4-primary with both cluster CIDRs", files: fileSet(kubeadmPath, kubeadmDual4, proxyPath, proxyConfig("bindAddress: 0.0.0.0", "clusterCIDR: 10.244.0.0/16,fd00:10:244::/56")),
		rule: "kube-proxy-cluster-cidr-family", file: proxyPath, at: "clusterCIDR:"},
	{name: "kube-proxy/dual-stack with IPv4 nodePortAddresses", files: fileSet(kubeadmPath, kubeadmDual4, proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16,fd00:10:244::/56", "nodePortAddresses: [192.168.10.0/24]")),
		rule: "kube-proxy-nodeport-addresses", fail: true, sev: check.Warning, message: "cluster appears to be dual-stack but nodePortAddresses contains only IPv4 addresses; NodePort connections will be accepted on all local IPv6 IPs", file: proxyPath, at: "nodePortAddresses:"},
	{name: "kube-proxy/IPv6-primary with IPv4 nodePortAddresses", files: fileSet(kubeadmPath, kubeadmDual6, proxyPath, proxyConfig("clusterCIDR: fd00:10:244::/56,10.244.0.0/16", "nodePortAddresses: [192.168.10.0/24]")),
		rule: "kube-proxy-nodeport-addresses", fail: true, sev: check.Warning, message: "cluster appears to be IPv6-primary but nodePortAddresses contains only IPv4 addresses", file: proxyPath, at: "nodePortAddresses:"},
	{name: "kube-proxy/nodePortAddresses unset", files: fileSet(kubeadmPath, kubeadmDual4, proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16,fd00:10:244::/56")),
		rule: "kube-proxy-nodeport-addresses", fail: true, sev: check.Info, message: "nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`", file: proxyPath},
	{name: "kube-proxy/nodePortAddresses primary", files: fileSet(kubeadmPath, kubeadmDual4, proxyPath, proxyConfig("clusterCIDR: 10.244.0.0/16,fd00:10:244::/56", "nodePortAddresses: [primary]")),
		rule: "kube-proxy-nodeport-addresses", file: proxyPath, at: "nodePortAddresses:"},

	// kubelet --node-ip.
	{name: "kubelet/two IPv4", files: fileSet(envPath, flagsEnv("--node-ip=192.168.10.11,192.168.20.11")),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: `bad --node-ip "192.168.10.11,192.168.20.11": must contain either a single IP or a dual-stack pair of IPs`, file: envPath, at: "--node-ip"},
	{name: "kubelet/three IPs", files: fileSet(envPath, flagsEnv("--node-ip=192.168.10.11,2001:db8:10::11,192.168.20.11")),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "must contain either a single IP or a dual-stack pair of IPs", file: envPath, at: "--node-ip"},
	{name: "kubelet/two IPv4, space-separated flag", files: fileSet(envPath, flagsEnv("--node-ip", "192.168.10.11,192.168.20.11")),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "must contain either a single IP or a dual-stack pair of IPs", file: envPath, at: "--node-ip"},
	{name: "kubelet/dual-stack with a legacy cloud provider", files: fileSet(envPath, flagsEnv("--cloud-provider=gce", "--node-ip=192.168.10.11,2001:db8:10::11")),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "dual-stack not supported in this configuration", file: envPath, at: "--node-ip"},
	{name: "kubelet/dual-stack with an external cloud provider", files: fileSet(envPath, flagsEnv("--cloud-provider=external", "--node-ip=192.168.10.11,2001:db8:10::11")),
		rule: "kubelet-node-ip", file: envPath, at: "--node-ip"},
	{name: "kubelet/unspecified address in a pair", files: fileSet(envPath, flagsEnv("--node-ip=0.0.0.0,2001:db8:10::11")),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "dual-stack node IP cannot include '0.0.0.0' or '::'", file: envPath, at: "--node-ip"},
	{name: "kubelet/prefer IPv6 with ::", files: fileSet(envPath, flagsEnv("--node-ip=::")),
		rule: "kubelet-node-ip", file: envPath, at: "--node-ip"},
	{name: "kubelet/loopback", files: fileSet(envPath, flagsEnv("--node-ip=127.0.0.1")),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "failed to validate nodeIP: nodeIP can't be loopback address", file: envPath, at: "--node-ip"},
	{name: "kubelet/link-local", files: fileSet(envPath, flagsEnv("--node-ip=fe80::1")),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "nodeIP can't be a link-local unicast address", file: envPath, at: "--node-ip"},
	{name: "kubelet/multicast secondary", files: fileSet(envPath, flagsEnv("--node-ip=192.168.10.11,ff02::1")),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "failed to validate secondaryNodeIP: nodeIP can't be a multicast address", file: envPath, at: "--node-ip"},
	{name: "kubelet/unparsable entry ignored", files: fileSet(envPath, flagsEnv("--node-ip=192.168.10.11,node1")),
		rule: "kubelet-node-ip", fail: true, sev: check.Warning, message: "Could not parse some node IP(s), ignoring them", file: envPath, at: "--node-ip"},
	{name: "kubelet/dual-stack pair", files: fileSet(envPath, flagsEnv("--node-ip=2001:db8:10::11,192.168.10.11")),
		rule: "kubelet-node-ip", file: envPath, at: "--node-ip"},
	{name: "kubelet/two IPv4 in InitConfiguration kubeletExtraArgs (v1beta4)", files: fileSet(kubeadmPath, "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 192.168.10.11\n  bindPort: 6443\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: node-ip\n    value: 192.168.10.11,192.168.20.11\n  name: cp1\n"),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "must contain either a single IP or a dual-stack pair of IPs", file: kubeadmPath, at: "value: 192.168.10.11,192.168.20.11"},
	{name: "kubelet/two IPv6 in JoinConfiguration kubeletExtraArgs (v1beta3)", files: fileSet(kubeadmPath, "apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    apiServerEndpoint: 192.168.10.11:6443\n    token: abcdef.0123456789abcdef\n    unsafeSkipCAVerification: true\nnodeRegistration:\n  kubeletExtraArgs:\n    node-ip: 2001:db8:10::12,2001:db8:20::12\n  name: node1\n"),
		rule: "kubelet-node-ip", fail: true, sev: check.Error, message: "must contain either a single IP or a dual-stack pair of IPs", file: kubeadmPath, at: "node-ip: 2001:db8:10::12,2001:db8:20::12"},
}

func TestAcceptanceUpstreamCases(t *testing.T) {
	known := map[string]bool{}
	for _, r := range check.Rules() {
		known[r.ID] = true
	}
	seen := map[string]bool{}
	for _, c := range upstreamCases {
		if seen[c.name] {
			t.Fatalf("duplicate case %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			if !known[c.rule] {
				t.Fatalf("unknown rule %s", c.rule)
			}
			dir := t.TempDir()
			for name, content := range c.files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if _, ok := c.files[c.file]; !ok {
				t.Fatalf("case file %s not among the case's files", c.file)
			}
			line := 0
			if c.at != "" {
				line = lineOf(t, filepath.Join(dir, filepath.FromSlash(c.file)), c.at)
			}
			f, findings := audit(t, []string{dir}, files.Options{KubernetesVersion: c.version})
			got := ofRule(findings, c.rule)
			for _, fd := range got {
				if fd.Result == check.Skip {
					t.Errorf("rule %s skipped: %s", c.rule, show(dir, fd))
				}
			}
			if notes := ofRule(failing(findings), "config-files"); len(notes) > 0 {
				t.Errorf("the case's files are not all readable:%s", showAll(dir, notes))
			}
			if c.fail {
				match := slices.IndexFunc(got, func(fd check.Finding) bool {
					return fd.Result == check.Fail && fd.Severity == c.sev && strings.Contains(fd.Message, c.message) &&
						rel(dir, fd.File) == c.file && (line == 0 || fd.Line == line)
				})
				if match < 0 {
					pos := c.file
					if line != 0 {
						pos = fmt.Sprintf("%s:%d", c.file, line)
					}
					t.Errorf("want %s to fail (%s) at %s with %q; its findings:%s", c.rule, c.sev, pos, c.message, showAll(dir, got))
				}
				return
			}
			if bad := failing(got); len(bad) > 0 {
				t.Errorf("want %s to pass; it fails:%s", c.rule, showAll(dir, bad))
			}
			// The value the rule passes must have been read, from its line.
			if !slices.ContainsFunc(settings(f), func(s check.Setting) bool {
				return rel(dir, s.File) == c.file && s.Line == line
			}) {
				t.Errorf("no setting gathered from %s:%d (%q): the rule passed without the value", c.file, line, c.at)
			}
		})
	}
}

// TestAcceptanceFixturesAreDistinct guards the fixtures themselves: every
// broken set differs from a healthy set, and no two broken sets are the
// same, so that each exercises its own mistake.
func TestAcceptanceFixturesAreDistinct(t *testing.T) {
	read := func(dir string) map[string]string {
		out := map[string]string{}
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			out[rel(dir, p)] = string(data)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	equal := func(a, b map[string]string) bool {
		if len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if w, ok := b[k]; !ok || w != v {
				return false
			}
		}
		return true
	}
	var sets []map[string]string
	var names []string
	for _, group := range []string{"healthy", "broken"} {
		entries, err := os.ReadDir(filepath.Join(fixtures, group))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				sets = append(sets, read(filepath.Join(fixtures, group, e.Name())))
				names = append(names, group+"/"+e.Name())
			}
		}
	}
	for i := range sets {
		for j := i + 1; j < len(sets); j++ {
			if equal(sets[i], sets[j]) {
				t.Errorf("%s and %s have the same files", names[i], names[j])
			}
		}
	}
	if len(sets) == 0 {
		t.Error(errors.New("no fixture sets"))
	}
}
