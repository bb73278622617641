package files

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// inDir writes files (name -> content; a name may have directories) to a
// fresh directory and makes it the working directory, so that findings
// name them as written here.
func inDir(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// gather reads paths into fresh facts; it fails the test on an error.
func gather(t *testing.T, opts Options, paths ...string) *check.Facts {
	t.Helper()
	f := &check.Facts{}
	if err := Gather(f, paths, opts); err != nil {
		t.Fatalf("Gather(%q): %v", paths, err)
	}
	return f
}

// gatherNothingToAudit reads paths that hold no configuration check
// reads: Gather says so, and the facts keep the notes about them.
func gatherNothingToAudit(t *testing.T, opts Options, paths ...string) *check.Facts {
	t.Helper()
	f := &check.Facts{}
	if err := Gather(f, paths, opts); err == nil || !strings.HasPrefix(err.Error(), "nothing to audit: ") {
		t.Fatalf("Gather(%q): %v, want nothing to audit", paths, err)
	}
	return f
}

// component is the only component of kind, failing the test otherwise.
func component(t *testing.T, f *check.Facts, kind string) check.Component {
	t.Helper()
	cs := f.ComponentsOf(kind)
	if len(cs) != 1 {
		t.Fatalf("%d %s components, want 1: %+v", len(cs), kind, f.Components)
	}
	return cs[0]
}

// at is a setting's expected value and position.
func at(value, source, file string, line, col int) check.Setting {
	return check.Setting{Value: value, Source: source, File: file, Line: line, Column: col}
}

func wantSetting(t *testing.T, what string, got check.Setting, ok bool, want check.Setting) {
	t.Helper()
	if !ok {
		t.Errorf("%s: not set, want %+v", what, want)
	} else if got != want {
		t.Errorf("%s:\n  got  %+v\n  want %+v", what, got, want)
	}
}

func wantSettings(t *testing.T, c check.Component, want map[string]check.Setting) {
	t.Helper()
	for flag, w := range want {
		s, ok := c.Setting(flag)
		wantSetting(t, c.Kind+" --"+flag, s, ok, w)
	}
	if len(c.Settings) != len(want) {
		t.Errorf("%s has %d settings, want %d: %+v", c.Kind, len(c.Settings), len(want), c.Settings)
	}
}

// note is an expected FileNote, compactly.
type note struct {
	file      string
	line, col int
	sev       check.Severity
	message   string
}

func notesOf(f *check.Facts) []note {
	var out []note
	for _, n := range f.FileNotes {
		out = append(out, note{n.At.File, n.At.Line, n.At.Column, n.Severity, n.Message})
	}
	return out
}

func wantNotes(t *testing.T, f *check.Facts, want ...note) {
	t.Helper()
	got := notesOf(f)
	if !slices.Equal(got, want) {
		t.Errorf("notes:\n  got  %s\n  want %s", fmtNotes(got), fmtNotes(want))
	}
}

func fmtNotes(ns []note) string {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, "\n    %s:%d:%d %s: %s", n.file, n.line, n.col, n.sev, n.message)
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// Static pod manifests

const apiserverManifest = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.30.2
    command:
    - kube-apiserver
    - --advertise-address=192.168.0.10
    - --service-cluster-ip-range
    - "10.96.0.0/16,fd00:10:96::/112"
    args: [--allow-privileged, --secure-port, "6443"]
`

func TestStaticPodManifest(t *testing.T) {
	inDir(t, map[string]string{"manifests/kube-apiserver.yaml": apiserverManifest})
	f := gather(t, Options{}, "manifests/kube-apiserver.yaml")
	wantNotes(t, f)
	c := component(t, f, check.APIServer)
	const file, where = "manifests/kube-apiserver.yaml", "file manifests/kube-apiserver.yaml, container kube-apiserver"
	if c.Instance != file || c.Source != where || c.File != file || c.Line != 8 || c.Version != "v1.30.2" {
		t.Errorf("component %+v", c)
	}
	wantSettings(t, c, map[string]check.Setting{
		// --flag=value: the item itself.
		"advertise-address": at("192.168.0.10", where+", arg --advertise-address", file, 12, 7),
		// --flag value: the next item, quoted.
		"service-cluster-ip-range": at("10.96.0.0/16,fd00:10:96::/112", where+", arg --service-cluster-ip-range", file, 14, 7),
		// args follow command; a flow list has a column per item.
		"allow-privileged": at("true", where+", arg --allow-privileged", file, 15, 12),
		"secure-port":      at("6443", where+", arg --secure-port", file, 15, 47),
	})
}

func TestStaticPodPrograms(t *testing.T) {
	for _, tc := range []struct {
		name, manifest string
		kind           string // "" when nothing is read
		flags          map[string]string
		notes          []note
	}{
		{
			name: "program by command, container named otherwise",
			manifest: `apiVersion: v1
kind: Pod
metadata: {name: kcm}
spec:
  containers:
  - name: manager
    command: [/usr/local/bin/kube-controller-manager, --allocate-node-cidrs=true, --cluster-cidr=10.244.0.0/16]
`,
			kind:  check.ControllerManager,
			flags: map[string]string{"allocate-node-cidrs": "true", "cluster-cidr": "10.244.0.0/16"},
		},
		{
			name: "a sidecar is not read",
			manifest: `apiVersion: v1
kind: Pod
metadata: {name: kube-scheduler}
spec:
  containers:
  - name: log-shipper
    command: [fluent-bit, --verbose]
  - name: kube-scheduler
    command: [kube-scheduler, --bind-address=::1]
`,
			kind:  check.Scheduler,
			flags: map[string]string{"bind-address": "::1"},
		},
		{
			name: "kube-proxy by flags",
			manifest: `apiVersion: v1
kind: Pod
metadata: {name: kube-proxy}
spec:
  containers:
  - name: kube-proxy
    command: [kube-proxy, --cluster-cidr=10.244.0.0/16, --proxy-mode, nftables]
`,
			kind:  check.KubeProxy,
			flags: map[string]string{"cluster-cidr": "10.244.0.0/16", "proxy-mode": "nftables"},
		},
		{
			name: "kube-proxy with --config ignores its flags",
			manifest: `apiVersion: v1
kind: Pod
metadata: {name: kube-proxy}
spec:
  containers:
  - name: kube-proxy
    command: [kube-proxy, --config=/var/lib/kube-proxy/config.conf, --cluster-cidr=10.244.0.0/16]
`,
			notes: []note{{"pod.yaml", 6, 5, check.Info, "kube-proxy container kube-proxy reads its configuration from --config=/var/lib/kube-proxy/config.conf, which its flags do not override: give that file to read it"}},
		},
		{
			name: "etcd",
			manifest: `apiVersion: v1
kind: Pod
metadata: {name: etcd}
spec:
  containers:
  - name: etcd
    command: [etcd, --listen-client-urls=https://127.0.0.1:2379]
`,
			notes: []note{{"pod.yaml", 1, 1, check.Info, "Pod etcd runs no kube-apiserver, kube-controller-manager, kube-scheduler or kube-proxy container: not read"}},
		},
		{
			name: "an item of the wrong type is left out",
			manifest: `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver}
spec:
  containers:
  - name: kube-apiserver
    command: [kube-apiserver, --secure-port, 6443, --advertise-address=10.0.0.1]
`,
			kind:  check.APIServer,
			flags: map[string]string{"secure-port": "true", "advertise-address": "10.0.0.1"},
			notes: []note{{"pod.yaml", 7, 46, check.Error, "wrong type: spec.containers[0].command[2] must be a string, not an integer"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inDir(t, map[string]string{"pod.yaml": tc.manifest})
			if tc.kind == "" {
				f := gatherNothingToAudit(t, Options{}, "pod.yaml")
				wantNotes(t, f, tc.notes...)
				if len(f.Components) != 0 {
					t.Errorf("components %+v", f.Components)
				}
				return
			}
			f := gather(t, Options{}, "pod.yaml")
			wantNotes(t, f, tc.notes...)
			c := component(t, f, tc.kind)
			got := map[string]string{}
			for name, s := range c.Settings {
				got[name] = s.Value
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.flags) {
				t.Errorf("flags %v, want %v", got, tc.flags)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// kubeadm

func TestKubeadmClusterConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		argAt     check.Setting // controllerManager.extraArgs node-cidr-mask-size-ipv6
		notes     []note
	}{
		{
			name: "v1beta3: extraArgs is a map",
			doc: `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.31.1
networking:
  podSubnet: 10.244.0.0/16,fd00:10:244::/56
  serviceSubnet: "10.96.0.0/16,fd00:10:96::/112"
controllerManager:
  extraArgs:
    node-cidr-mask-size-ipv6: "64"
`,
			argAt: at("64", "file kubeadm.yaml, ClusterConfiguration controllerManager.extraArgs node-cidr-mask-size-ipv6", "kubeadm.yaml", 9, 31),
		},
		{
			name: "v1beta4: extraArgs is a list of name and value",
			doc: `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.1
networking:
  podSubnet: 10.244.0.0/16,fd00:10:244::/56
  serviceSubnet: "10.96.0.0/16,fd00:10:96::/112"
controllerManager:
  extraArgs:
  - name: node-cidr-mask-size-ipv6
    value: "64"
`,
			argAt: at("64", "file kubeadm.yaml, ClusterConfiguration controllerManager.extraArgs node-cidr-mask-size-ipv6", "kubeadm.yaml", 10, 12),
		},
		{
			name: "v1beta4 with v1beta3's map",
			doc: `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.1
networking:
  podSubnet: 10.244.0.0/16,fd00:10:244::/56
  serviceSubnet: "10.96.0.0/16,fd00:10:96::/112"
controllerManager:
  extraArgs:
    node-cidr-mask-size-ipv6: "64"
`,
			argAt: at("64", "file kubeadm.yaml, ClusterConfiguration controllerManager.extraArgs node-cidr-mask-size-ipv6", "kubeadm.yaml", 9, 31),
			notes: []note{{"kubeadm.yaml", 9, 5, check.Error, "controllerManager.extraArgs is a map (the form of kubeadm.k8s.io/v1beta3): kubeadm.k8s.io/v1beta4 wants a list of {name, value}"}},
		},
		{
			name: "v1beta3 with v1beta4's list",
			doc: `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.31.1
networking:
  podSubnet: 10.244.0.0/16,fd00:10:244::/56
  serviceSubnet: "10.96.0.0/16,fd00:10:96::/112"
controllerManager:
  extraArgs:
  - name: node-cidr-mask-size-ipv6
    value: "64"
`,
			argAt: at("64", "file kubeadm.yaml, ClusterConfiguration controllerManager.extraArgs node-cidr-mask-size-ipv6", "kubeadm.yaml", 10, 12),
			notes: []note{{"kubeadm.yaml", 9, 3, check.Error, "controllerManager.extraArgs is a list (the form of kubeadm.k8s.io/v1beta4): kubeadm.k8s.io/v1beta3 wants a map"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inDir(t, map[string]string{"kubeadm.yaml": tc.doc})
			f := gather(t, Options{}, "kubeadm.yaml")
			wantNotes(t, f, tc.notes...)
			k := f.Kubeadm
			if k == nil {
				t.Fatal("no Kubeadm")
			}
			if k.Source != "file kubeadm.yaml, ClusterConfiguration" || k.File != "kubeadm.yaml" || k.Line != 1 || k.AdvertiseAddress != nil {
				t.Errorf("kubeadm %+v", k)
			}
			wantSetting(t, "podSubnet", *k.PodSubnet, true, at("10.244.0.0/16,fd00:10:244::/56", "file kubeadm.yaml, ClusterConfiguration networking.podSubnet", "kubeadm.yaml", 5, 14))
			wantSetting(t, "serviceSubnet", *k.ServiceSubnet, true, at("10.96.0.0/16,fd00:10:96::/112", "file kubeadm.yaml, ClusterConfiguration networking.serviceSubnet", "kubeadm.yaml", 6, 18))
			arg, ok := k.ExtraArgs["controllerManager"]["node-cidr-mask-size-ipv6"]
			wantSetting(t, "extraArgs", arg, ok, tc.argAt)
			if len(k.ExtraArgs) != 1 || len(k.ExtraArgs["controllerManager"]) != 1 {
				t.Errorf("extraArgs %+v", k.ExtraArgs)
			}
			if f.ServerVersion != "v1.31.1" || f.VersionSource != "kubernetesVersion v1.31.1 (file kubeadm.yaml, ClusterConfiguration)" {
				t.Errorf("version %q from %q", f.ServerVersion, f.VersionSource)
			}
			if len(f.Components) != 0 {
				t.Errorf("components %+v", f.Components)
			}
		})
	}
}

// An init configuration file: InitConfiguration then ClusterConfiguration
// (the order does not matter), with the kubelet's extra flags.
const kubeadmInit = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: fd00:1::10
nodeRegistration:
  kubeletExtraArgs:
  - name: node-ip
    value: fd00:1::10,192.168.0.10
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking:
  serviceSubnet: 10.96.0.0/16,fd00:10:96::/112
`

func TestKubeadmInitConfiguration(t *testing.T) {
	inDir(t, map[string]string{"init.yaml": kubeadmInit})
	f := gather(t, Options{}, "init.yaml")
	wantNotes(t, f)
	k := f.Kubeadm
	if k.Source != "file init.yaml, ClusterConfiguration" || k.Line != 10 || k.PodSubnet != nil {
		t.Errorf("kubeadm %+v", k)
	}
	wantSetting(t, "advertiseAddress", *k.AdvertiseAddress, true, at("fd00:1::10", "file init.yaml, InitConfiguration localAPIEndpoint.advertiseAddress", "init.yaml", 4, 21))
	c := component(t, f, check.Kubelet)
	if c.Instance != "init.yaml" || c.Source != "file init.yaml, InitConfiguration nodeRegistration.kubeletExtraArgs" || c.File != "init.yaml" || c.Line != 1 {
		t.Errorf("kubelet %+v", c)
	}
	wantSettings(t, c, map[string]check.Setting{
		"node-ip": at("fd00:1::10,192.168.0.10", "file init.yaml, InitConfiguration nodeRegistration.kubeletExtraArgs node-ip", "init.yaml", 8, 12),
	})
	// The rule sees kubeadm's advertise address against its serviceSubnet.
	findings, _ := check.Run(f, check.Rules(), check.Options{Only: []string{"apiserver-advertise-address-family"}})
	if len(findings) != 1 || findings[0].Result != check.Fail || findings[0].File != "init.yaml" || findings[0].Line != 4 || findings[0].Column != 21 {
		t.Errorf("findings %+v", findings)
	}
}

func TestKubeadmDocumentsAlone(t *testing.T) {
	t.Run("an InitConfiguration alone: kubeadm's defaults", func(t *testing.T) {
		inDir(t, map[string]string{"init.yaml": strings.SplitAfter(kubeadmInit, "---\n")[0]})
		f := gather(t, Options{}, "init.yaml")
		k := f.Kubeadm
		if k.Source != "file init.yaml, InitConfiguration (no ClusterConfiguration: kubeadm's defaults)" || k.Line != 1 || k.ServiceSubnet != nil || k.AdvertiseAddress.Value != "fd00:1::10" {
			t.Errorf("kubeadm %+v", k)
		}
		findings, _ := check.Run(f, check.Rules(), check.Options{Only: []string{"apiserver-advertise-address-family"}})
		if len(findings) != 1 || !strings.Contains(findings[0].Message, `service IP family "10.96.0.0/12" must match public address family "fd00:1::10"`) {
			t.Errorf("findings %+v", findings)
		}
	})
	t.Run("a JoinConfiguration: the kubelet's flags only", func(t *testing.T) {
		inDir(t, map[string]string{"join.yaml": `apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
controlPlane:
  localAPIEndpoint:
    advertiseAddress: 192.168.0.11
nodeRegistration:
  kubeletExtraArgs:
    node-ip: 192.168.0.11,fd00:1::11
`})
		f := gather(t, Options{}, "join.yaml")
		wantNotes(t, f)
		if f.Kubeadm != nil {
			t.Errorf("a join configuration made a Kubeadm: %+v", f.Kubeadm)
		}
		wantSettings(t, component(t, f, check.Kubelet), map[string]check.Setting{
			"node-ip": at("192.168.0.11,fd00:1::11", "file join.yaml, JoinConfiguration nodeRegistration.kubeletExtraArgs node-ip", "join.yaml", 8, 14),
		})
	})
	t.Run("a second ClusterConfiguration", func(t *testing.T) {
		inDir(t, map[string]string{
			"a.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n  serviceSubnet: 10.96.0.0/16\n",
			"b.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.245.0.0/16\n",
		})
		f := gather(t, Options{}, ".")
		wantNotes(t, f, note{"b.yaml", 1, 1, check.Info, "a second kubeadm cluster configuration (the first: file a.yaml, ClusterConfiguration): the values it sets replace the first's"})
		if k := f.Kubeadm; k.Source != "file b.yaml, ClusterConfiguration" || k.PodSubnet.Value != "10.245.0.0/16" || k.ServiceSubnet.File != "a.yaml" {
			t.Errorf("kubeadm %+v", k)
		}
	})
	t.Run("an older kubeadm version: read, and its version recorded", func(t *testing.T) {
		inDir(t, map[string]string{"old.yaml": "apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n"})
		f := gather(t, Options{}, "old.yaml")
		wantNotes(t, f)
		if k := f.Kubeadm; k == nil || k.PodSubnet == nil || k.PodSubnet.Value != "10.244.0.0/16" {
			t.Errorf("kubeadm %+v", k)
		}
		want := []check.KubeadmDocument{{APIVersion: "kubeadm.k8s.io/v1beta2", Kind: "ClusterConfiguration", At: at("", "file old.yaml, ClusterConfiguration apiVersion", "old.yaml", 1, 13)}}
		if !reflect.DeepEqual(f.KubeadmDocuments, want) {
			t.Errorf("kubeadm documents %+v, want %+v", f.KubeadmDocuments, want)
		}
	})
	t.Run("a kind patch's version is kind's", func(t *testing.T) {
		inDir(t, map[string]string{"kind.yaml": "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches:\n- |\n  kind: ClusterConfiguration\n  apiVersion: kubeadm.k8s.io/v1beta3\n"})
		if f := gather(t, Options{}, "kind.yaml"); len(f.KubeadmDocuments) != 0 {
			t.Errorf("kubeadm documents %+v", f.KubeadmDocuments)
		}
	})
}

// ---------------------------------------------------------------------------
// kube-proxy and kubelet configuration files

func TestComponentConfigurations(t *testing.T) {
	inDir(t, map[string]string{
		"kube-proxy.conf": `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clusterCIDR: 10.244.0.0/16,fd00:10:244::/56
bindAddress: "::"
detectLocalMode: ClusterCIDR
nodePortAddresses:
- 192.168.0.0/24
- fd00:1::/64
`,
		"kubelet.yaml": `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
clusterDNS: [10.96.0.10, "fd00:10:96::a"]
`,
	})
	f := gather(t, Options{}, "kube-proxy.conf", "kubelet.yaml")
	wantNotes(t, f)
	proxy := component(t, f, check.KubeProxy)
	const pw = "file kube-proxy.conf, KubeProxyConfiguration"
	if proxy.Instance != "kube-proxy.conf" || proxy.Source != pw || proxy.File != "kube-proxy.conf" || proxy.Line != 1 {
		t.Errorf("kube-proxy %+v", proxy)
	}
	wantSettings(t, proxy, map[string]check.Setting{
		"proxy-mode":         at("nftables", pw+" mode", "kube-proxy.conf", 3, 7),
		"cluster-cidr":       at("10.244.0.0/16,fd00:10:244::/56", pw+" clusterCIDR", "kube-proxy.conf", 4, 14),
		"bind-address":       at("::", pw+" bindAddress", "kube-proxy.conf", 5, 14),
		"detect-local-mode":  at("ClusterCIDR", pw+" detectLocalMode", "kube-proxy.conf", 6, 18),
		"nodeport-addresses": at("192.168.0.0/24,fd00:1::/64", pw+" nodePortAddresses", "kube-proxy.conf", 8, 1),
	})
	wantSettings(t, component(t, f, check.Kubelet), map[string]check.Setting{
		"cluster-dns": at("10.96.0.10,fd00:10:96::a", "file kubelet.yaml, KubeletConfiguration clusterDNS", "kubelet.yaml", 3, 13),
	})
}

// JSON is YAML: kubectl -o json output and JSON configuration files are
// read alike, positions included.
func TestJSON(t *testing.T) {
	inDir(t, map[string]string{"dir/kubelet.json": `{
	"apiVersion": "kubelet.config.k8s.io/v1beta1",
	"kind": "KubeletConfiguration",
	"clusterDNS": ["10.96.0.10", "fd00:10:96::a"]
}
`})
	f := gather(t, Options{}, "dir")
	wantNotes(t, f)
	wantSettings(t, component(t, f, check.Kubelet), map[string]check.Setting{
		"cluster-dns": at("10.96.0.10,fd00:10:96::a", "file dir/kubelet.json, KubeletConfiguration clusterDNS", "dir/kubelet.json", 4, 16),
	})
}

// kubeadm gives a KubeProxyConfiguration of its own configuration file
// its podSubnet as clusterCIDR; a file of its own is taken as written.
func TestKubeProxyClusterCIDRFromKubeadm(t *testing.T) {
	const proxy = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n"
	const cluster = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n"
	inDir(t, map[string]string{"kubeadm.yaml": proxy + "---\n" + cluster, "cluster.yaml": cluster, "proxy.yaml": proxy})

	f := gather(t, Options{}, "kubeadm.yaml")
	s, ok := component(t, f, check.KubeProxy).Setting("cluster-cidr")
	wantSetting(t, "cluster-cidr", s, ok, at("10.244.0.0/16", "file kubeadm.yaml, ClusterConfiguration networking.podSubnet (kube-proxy clusterCIDR unset: kubeadm sets it to the pod subnet)", "kubeadm.yaml", 8, 14))

	f = gather(t, Options{}, "cluster.yaml", "proxy.yaml")
	if s, ok := component(t, f, check.KubeProxy).Setting("cluster-cidr"); ok {
		t.Errorf("a separate kube-proxy file got clusterCIDR %+v", s)
	}
}

// ---------------------------------------------------------------------------
// kind

func TestKindDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, networking string
		pods, services   string
		line, col        int // where the default is said to come from
		source           string
	}{
		{"nothing set: ipv4", "", "10.244.0.0/16", "10.96.0.0/16", 1, 1, "ipv4"},
		{"ipv4", "networking:\n  ipFamily: ipv4\n", "10.244.0.0/16", "10.96.0.0/16", 4, 13, "ipv4"},
		{"ipv6", "networking:\n  ipFamily: ipv6\n", "fd00:10:244::/56", "fd00:10:96::/112", 4, 13, "ipv6"},
		{"dual", "networking:\n  ipFamily: dual\n", "10.244.0.0/16,fd00:10:244::/56", "10.96.0.0/16,fd00:10:96::/112", 4, 13, "dual"},
		{"networking without ipFamily", "networking:\n  apiServerPort: 6443\n", "10.244.0.0/16", "10.96.0.0/16", 4, 3, "ipv4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inDir(t, map[string]string{"kind.yaml": "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n" + tc.networking})
			f := gather(t, Options{}, "kind.yaml")
			wantNotes(t, f)
			k := f.Kubeadm
			if k.Source != "file kind.yaml, kind Cluster" || k.File != "kind.yaml" || k.Line != 1 {
				t.Errorf("kubeadm %+v", k)
			}
			const where = "file kind.yaml, kind Cluster networking."
			wantSetting(t, "podSubnet", *k.PodSubnet, true, at(tc.pods, where+"podSubnet (unset: kind's default for ipFamily "+tc.source+")", "kind.yaml", tc.line, tc.col))
			wantSetting(t, "serviceSubnet", *k.ServiceSubnet, true, at(tc.services, where+"serviceSubnet (unset: kind's default for ipFamily "+tc.source+")", "kind.yaml", tc.line, tc.col))
		})
	}
}

func TestKindCluster(t *testing.T) {
	inDir(t, map[string]string{"kind.yaml": `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  ipFamily: dual
  serviceSubnet: fd00:10:96::/112,10.96.0.0/16
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  controllerManager:
    extraArgs:
      node-cidr-mask-size-ipv6: "64"
nodes:
- role: control-plane
  image: kindest/node:v1.31.0@sha256:0123456789abcdef
  kubeadmConfigPatches:
  - |
    kind: InitConfiguration
    localAPIEndpoint:
      advertiseAddress: fd00:1::10
    nodeRegistration:
      kubeletExtraArgs:
        node-ip: "fd00:1::10,192.168.0.10"
  - "kind: KubeProxyConfiguration\nbindAddress: '::'\n"
- role: worker
  kubeadmConfigPatches:
  - >
    kind: JoinConfiguration
`})
	f := gather(t, Options{}, "kind.yaml")
	wantNotes(t, f)
	k := f.Kubeadm
	const where = "file kind.yaml, kind Cluster"
	if k.Source != where || k.Line != 1 {
		t.Errorf("kubeadm %+v", k)
	}
	wantSetting(t, "serviceSubnet", *k.ServiceSubnet, true, at("fd00:10:96::/112,10.96.0.0/16", where+" networking.serviceSubnet", "kind.yaml", 5, 18))
	wantSetting(t, "podSubnet", *k.PodSubnet, true, at("10.244.0.0/16,fd00:10:244::/56", where+" networking.podSubnet (unset: kind's default for ipFamily dual)", "kind.yaml", 4, 13))
	// A literal patch keeps its lines and columns in the file.
	arg, ok := k.ExtraArgs["controllerManager"]["node-cidr-mask-size-ipv6"]
	wantSetting(t, "extraArgs", arg, ok, at("64", where+" kubeadmConfigPatches[0] ClusterConfiguration controllerManager.extraArgs node-cidr-mask-size-ipv6", "kind.yaml", 11, 33))
	wantSetting(t, "advertiseAddress", *k.AdvertiseAddress, true, at("fd00:1::10", where+" nodes[0].kubeadmConfigPatches[0] InitConfiguration localAPIEndpoint.advertiseAddress", "kind.yaml", 19, 25))
	wantSettings(t, component(t, f, check.Kubelet), map[string]check.Setting{
		"node-ip": at("fd00:1::10,192.168.0.10", where+" nodes[0].kubeadmConfigPatches[0] InitConfiguration nodeRegistration.kubeletExtraArgs node-ip", "kind.yaml", 22, 18),
	})
	// A quoted patch has no lines of its own: it points at the string.
	// kubeadm gives kube-proxy kind's pod subnet.
	wantSettings(t, component(t, f, check.KubeProxy), map[string]check.Setting{
		"bind-address": at("::", where+" nodes[0].kubeadmConfigPatches[1] KubeProxyConfiguration bindAddress", "kind.yaml", 23, 5),
		"cluster-cidr": at("10.244.0.0/16,fd00:10:244::/56", where+" networking.podSubnet (unset: kind's default for ipFamily dual) (kube-proxy clusterCIDR unset: kubeadm sets it to the pod subnet)", "kind.yaml", 4, 13),
	})
	if f.ServerVersion != "v1.31.0" || f.VersionSource != "node image kindest/node:v1.31.0@sha256:0123456789abcdef (file kind.yaml, kind Cluster nodes[0])" {
		t.Errorf("version %q from %q", f.ServerVersion, f.VersionSource)
	}
	// The advertise address is not of the primary service family.
	findings, _ := check.Run(f, check.Rules(), check.Options{Only: []string{"apiserver-advertise-address-family"}})
	if len(findings) != 1 || findings[0].Result != check.Pass {
		t.Errorf("findings %+v", findings)
	}
}

func TestKindBadInput(t *testing.T) {
	inDir(t, map[string]string{"kind.yaml": `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  ipFamily: both
  podSubnet: 10.244.0.0/16
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  networking:
    serviceSubnet: [10.96.0.0/16]
- |
  kind: ClusterConfiguration
  networking: {
- |
  kind: Deployment
`})
	f := gather(t, Options{}, "kind.yaml")
	wantNotes(t, f,
		note{"kind.yaml", 4, 13, check.Error, `networking.ipFamily "both" is not one kind accepts (ipv4, ipv6 or dual)`},
		note{"kind.yaml", 10, 20, check.Error, "wrong type: networking.serviceSubnet must be a string, not a list"},
		note{"kind.yaml", 13, 0, check.Error, "invalid YAML: did not find expected node content"},
		note{"kind.yaml", 15, 3, check.Warning, "kind Deployment without apiVersion is not a configuration check reads"},
	)
	k := f.Kubeadm
	if k.PodSubnet.Value != "10.244.0.0/16" || k.ServiceSubnet != nil {
		t.Errorf("kubeadm %+v", k)
	}
}

// ---------------------------------------------------------------------------
// kubelet flag files

func TestKubeletFlagFiles(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                map[string]check.Setting
		notes               []note
	}{
		{
			name:    "kubeadm-flags.env",
			file:    "kubeadm-flags.env",
			content: "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=10.0.0.1,fd00::1 --cloud-provider external\"\n",
			want: map[string]check.Setting{
				"container-runtime-endpoint": at("unix:///run/containerd/containerd.sock", "file kubeadm-flags.env, KUBELET_KUBEADM_ARGS, arg --container-runtime-endpoint", "kubeadm-flags.env", 1, 23),
				"node-ip":                    at("10.0.0.1,fd00::1", "file kubeadm-flags.env, KUBELET_KUBEADM_ARGS, arg --node-ip", "kubeadm-flags.env", 1, 91),
				"cloud-provider":             at("external", "file kubeadm-flags.env, KUBELET_KUBEADM_ARGS, arg --cloud-provider", "kubeadm-flags.env", 1, 135),
			},
		},
		{
			name:    "/etc/default/kubelet: by its content, later variables win",
			file:    "kubelet",
			content: "# set by the installer\nKUBELET_KUBEADM_ARGS='--node-ip=10.0.0.1'\nexport KUBELET_EXTRA_ARGS=--node-ip=10.0.0.1,fd00::1\nOTHER=x\n",
			want: map[string]check.Setting{
				"node-ip": at("10.0.0.1,fd00::1", "file kubelet, KUBELET_EXTRA_ARGS, arg --node-ip", "kubelet", 3, 27),
			},
		},
		{
			name:    "no kubelet variable",
			file:    "proxy.env",
			content: "HTTP_PROXY=http://proxy:3128\n",
			notes:   []note{{"proxy.env", 0, 0, check.Info, "no KUBELET_KUBEADM_ARGS or KUBELET_EXTRA_ARGS variable: not a kubelet flag file check reads"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inDir(t, map[string]string{tc.file: tc.content})
			if tc.want == nil {
				f := gatherNothingToAudit(t, Options{}, tc.file)
				wantNotes(t, f, tc.notes...)
				if len(f.Components) != 0 {
					t.Errorf("components %+v", f.Components)
				}
				return
			}
			f := gather(t, Options{}, tc.file)
			wantNotes(t, f, tc.notes...)
			c := component(t, f, check.Kubelet)
			if c.Instance != tc.file || c.File != tc.file || c.Line == 0 {
				t.Errorf("kubelet %+v", c)
			}
			wantSettings(t, c, tc.want)
		})
	}
}

// ---------------------------------------------------------------------------
// Version and sources

func TestVersion(t *testing.T) {
	const kubeadm = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.32.0\n"
	const kind = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- image: kindest/node:v1.29.4\n"
	const kcm = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: kube-controller-manager\n    image: registry.k8s.io/kube-controller-manager:v1.33.1\n"
	for _, tc := range []struct {
		name   string
		files  map[string]string
		opts   Options
		live   string // the server version a live gatherer set
		want   string
		source string
	}{
		{"--kubernetes-version wins", map[string]string{"a.yaml": apiserverManifest}, Options{KubernetesVersion: "v1.28.0"}, "", "v1.28.0", "--kubernetes-version"},
		{"--kubernetes-version wins over the cluster's", map[string]string{"a.yaml": apiserverManifest}, Options{KubernetesVersion: "v1.28.0"}, "v1.36.1", "v1.28.0", "--kubernetes-version"},
		{"the cluster's version stays", map[string]string{"a.yaml": apiserverManifest}, Options{}, "v1.36.1", "v1.36.1", "the API server's /version"},
		{"the apiserver's image first", map[string]string{"a.yaml": kubeadm, "b.yaml": kcm, "c.yaml": apiserverManifest}, Options{}, "", "v1.30.2", "image registry.k8s.io/kube-apiserver:v1.30.2 (file c.yaml, container kube-apiserver)"},
		{"another control-plane image", map[string]string{"a.yaml": kubeadm, "b.yaml": kcm}, Options{}, "", "v1.33.1", "image registry.k8s.io/kube-controller-manager:v1.33.1 (file b.yaml, container kube-controller-manager)"},
		{"kubeadm's kubernetesVersion", map[string]string{"a.yaml": kind, "b.yaml": kubeadm}, Options{}, "", "v1.32.0", "kubernetesVersion v1.32.0 (file b.yaml, ClusterConfiguration)"},
		{"kind's node image", map[string]string{"a.yaml": kind}, Options{}, "", "v1.29.4", "node image kindest/node:v1.29.4 (file a.yaml, kind Cluster nodes[0])"},
		{"not a version", map[string]string{"a.yaml": strings.Replace(kubeadm, "v1.32.0", "stable-1", 1)}, Options{}, "", NewestVersion, "assumed: v1.37.0, the newest version the checker knows (the files name none: no image tag, no kubeadm kubernetesVersion); set --kubernetes-version"},
		{"nothing named", map[string]string{"a.yaml": "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"}, Options{}, "", NewestVersion, "assumed: v1.37.0, the newest version the checker knows (the files name none: no image tag, no kubeadm kubernetesVersion); set --kubernetes-version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inDir(t, tc.files)
			f := &check.Facts{}
			if tc.live != "" {
				f.ServerVersion, f.VersionSource = tc.live, "the API server's /version"
			}
			if err := Gather(f, []string{"."}, tc.opts); err != nil {
				t.Fatal(err)
			}
			if f.ServerVersion != tc.want || f.VersionSource != tc.source {
				t.Errorf("version %q from %q, want %q from %q", f.ServerVersion, f.VersionSource, tc.want, tc.source)
			}
		})
	}
}

func TestSources(t *testing.T) {
	apiObjects := []check.Source{check.SourceNodes, check.SourcePods, check.SourceServices, check.SourceSlices, check.SourceServiceCIDRs, check.SourceIPAddresses, check.SourceEvents,
		check.SourceIngresses, check.SourceGateways}
	t.Run("files alone", func(t *testing.T) {
		inDir(t, map[string]string{"kube-apiserver.yaml": apiserverManifest, "kubeadm-flags.env": "KUBELET_KUBEADM_ARGS=--node-ip=10.0.0.1\n"})
		f := gather(t, Options{}, ".")
		want := map[check.Source]string{
			check.SourceKubeadm:   "no kubeadm configuration or kind Cluster in the files",
			check.SourceKubeProxy: "no kube-proxy configuration or manifest in the files",
			check.SourceCNI:       "no CNI configuration (ConfigMap cilium-config or kube-flannel-cfg, Calico IPPool or Installation) in the files",
			check.SourcePolicies:  "no NetworkPolicy manifest in the files, and no live cluster",
		}
		for _, s := range apiObjects {
			want[s] = "not in configuration files (--from-file audits configuration, not API objects)"
		}
		if fmt.Sprint(f.Unavailable) != fmt.Sprint(want) {
			t.Errorf("unavailable:\n  got  %v\n  want %v", f.Unavailable, want)
		}
		if f.Pods == nil {
			t.Fatal("no pod visitor")
		}
		findings, err := check.Run(f, check.Rules(), check.Options{})
		if err != nil || len(findings) == 0 {
			t.Fatalf("%d findings, %v", len(findings), err)
		}
		// Without policies, their rules skip only for want of a live
		// cluster (counted in one line of the report, not listed).
		if !NeedsLiveCluster(f, []check.Source{check.SourcePolicies}) {
			t.Error("the NetworkPolicy rules skip for another reason than the want of a live cluster")
		}
	})
	t.Run("NetworkPolicy manifests supply the policies", func(t *testing.T) {
		inDir(t, map[string]string{"policy.yaml": "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ns}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n"})
		f := gather(t, Options{}, ".")
		if _, missing := f.Unavailable[check.SourcePolicies]; missing || len(f.NetworkPolicies) != 1 {
			t.Fatalf("unavailable %v, %d policies", f.Unavailable, len(f.NetworkPolicies))
		}
		p := f.NetworkPolicies[0]
		if p.Name() != "networkpolicy/ns/p" || p.At.File != "policy.yaml" || p.At.Line != 1 {
			t.Errorf("policy %s at %+v", p.Name(), p.At)
		}
		for path, want := range map[string]check.Setting{
			"spec.ingress[0].from[0].ipBlock.cidr":      {Value: "10.0.0.0/8", File: "policy.yaml", Line: 8, Column: 23, Source: "file policy.yaml, NetworkPolicy spec.ingress[0].from[0].ipBlock.cidr"},
			"spec.ingress[0].from[0].ipBlock.except[0]": {Value: "10.1.0.0/16", File: "policy.yaml", Line: 8, Column: 44, Source: "file policy.yaml, NetworkPolicy spec.ingress[0].from[0].ipBlock.except[0]"},
			"spec.ingress[0].from":                      {File: "policy.yaml", Line: 7, Column: 5, Source: "file policy.yaml, NetworkPolicy spec.ingress[0].from"},
		} {
			if got := p.FieldAt(path); got != want {
				t.Errorf("FieldAt(%s) = %+v, want %+v", path, got, want)
			}
		}
	})
	t.Run("a NetworkPolicy that does not decode", func(t *testing.T) {
		inDir(t, map[string]string{"policy.yaml": "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10}\n"})
		f := gather(t, Options{}, ".")
		if len(f.NetworkPolicies) != 0 || len(f.FileNotes) != 1 || f.FileNotes[0].Severity != check.Error || !strings.Contains(f.FileNotes[0].Message, "cannot read the NetworkPolicy: json: cannot unmarshal number") {
			t.Errorf("policies %v, notes %+v", f.NetworkPolicies, f.FileNotes)
		}
	})
	t.Run("with a live cluster", func(t *testing.T) {
		inDir(t, map[string]string{"kube-apiserver.yaml": apiserverManifest})
		f := &check.Facts{ServerVersion: "v1.36.1"}
		f.MarkUnavailable(check.SourceControlPlane, "no static control-plane pods")
		f.MarkUnavailable(check.SourceKubeProxy, "forbidden")
		if err := Gather(f, []string{"kube-apiserver.yaml"}, Options{}); err != nil {
			t.Fatal(err)
		}
		// The files supply the control plane; the rest is the cluster's.
		if fmt.Sprint(f.Unavailable) != fmt.Sprint(map[check.Source]string{check.SourceKubeProxy: "forbidden"}) || f.Pods != nil {
			t.Errorf("unavailable %v", f.Unavailable)
		}
	})
}

// ---------------------------------------------------------------------------
// Paths and bad input

func TestPaths(t *testing.T) {
	inDir(t, map[string]string{
		"cluster/manifests/kube-apiserver.yaml": apiserverManifest,
		"cluster/kubeadm-flags.env":             "KUBELET_KUBEADM_ARGS=--node-ip=10.0.0.1\n",
		"cluster/README.md":                     "# not configuration\n",
		"cluster/.git/config.yaml":              "kind: Secret\n",
		"apiserver.manifest":                    apiserverManifest,
	})
	if err := os.Symlink("..", "cluster/manifests/up"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("missing.yaml", "cluster/dangling.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("manifests/kube-apiserver.yaml", "cluster/again.yaml"); err != nil {
		t.Fatal(err)
	}
	stdin := strings.NewReader("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS: [10.96.0.10]\n")
	f := gather(t, Options{Stdin: stdin}, "cluster", "apiserver.manifest", "-", "nowhere.yaml")
	wantNotes(t, f,
		note{"cluster/.git", 0, 0, check.Info, "hidden directory: not read"},
		note{"cluster/README.md", 0, 0, check.Info, "not read: in directories only *.yaml, *.yml, *.json, *.conf, *.env and kubeadm-flags.env are read; name a file to read it"},
		note{"cluster/dangling.yaml", 0, 0, check.Error, "cannot read: no such file or directory"},
		note{"cluster/manifests/kube-apiserver.yaml", 0, 0, check.Info, "the same file as cluster/again.yaml: read once"},
		note{"cluster/manifests/up", 0, 0, check.Info, "the directory cluster again (a symbolic link loop or a second path to it): read once"},
		note{"nowhere.yaml", 0, 0, check.Error, "cannot read: no such file or directory"},
	)
	var names []string
	for _, c := range f.Components {
		names = append(names, c.Kind+" "+c.File)
	}
	want := []string{"kube-apiserver cluster/again.yaml", "kubelet cluster/kubeadm-flags.env", "kube-apiserver apiserver.manifest", "kubelet <stdin>"}
	if !slices.Equal(names, want) {
		t.Errorf("components %q, want %q", names, want)
	}
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		opts    Options
		notes   []note
	}{
		{"binary: NUL bytes", "kind: Pod\x00\x01", Options{}, []note{{"bad.yaml", 0, 0, check.Error, "binary file (NUL bytes or invalid UTF-8): not read"}}},
		{"binary: invalid UTF-8", "kind: \xff\xfe", Options{}, []note{{"bad.yaml", 0, 0, check.Error, "binary file (NUL bytes or invalid UTF-8): not read"}}},
		{"invalid YAML", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n", Options{}, []note{{"bad.yaml", 4, 0, check.Error, "invalid YAML: did not find expected node content"}}},
		{"invalid YAML in a later document", "kind: A\napiVersion: x/v1\n---\na: b\n  c: d\n", Options{}, []note{
			{"bad.yaml", 1, 1, check.Warning, "kind A apiVersion x/v1 is not a configuration check reads"},
			{"bad.yaml", 5, 0, check.Error, "invalid YAML: mapping values are not allowed in this context"},
		}},
		{"too large", apiserverManifest, Options{MaxFileSize: 100}, []note{{"bad.yaml", 0, 0, check.Error, "larger than 100 bytes (the limit of one file): not read"}}},
		{"wrong type", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 5\n  serviceSubnet: 10.96.0.0/16\n", Options{}, []note{
			{"bad.yaml", 4, 14, check.Error, "wrong type: networking.podSubnet must be a string, not an integer (5)"},
		}},
		{"wrong type of a mapping", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking: true\n", Options{}, []note{
			{"bad.yaml", 3, 13, check.Error, "wrong type: networking must be a mapping, not a boolean (true)"},
		}},
		{"empty", "\n  \n", Options{}, []note{{"bad.yaml", 0, 0, check.Info, "empty file"}}},
		{"only comments", "# nothing yet\n---\n", Options{}, []note{{"bad.yaml", 0, 0, check.Info, "no YAML document (only comments)"}}},
		{"unknown kind", "apiVersion: example.com/v1\nkind: Widget\n", Options{}, []note{{"bad.yaml", 1, 1, check.Warning, "kind Widget apiVersion example.com/v1 is not a configuration check reads"}}},
		{"an API object", "apiVersion: apps/v1\nkind: Deployment\n", Options{}, []note{{"bad.yaml", 1, 1, check.Info, "kind Deployment apiVersion apps/v1 is a Kubernetes API object, not configuration: not read"}}},
		{"no kind", "replicas: 3\n", Options{}, []note{{"bad.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads"}}},
		{"not a mapping", "- a\n- b\n", Options{}, []note{{"bad.yaml", 1, 1, check.Warning, "document 1 is not a mapping: not a configuration check reads"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inDir(t, map[string]string{"bad.yaml": tc.content, "good.yaml": "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"})
			f := gather(t, tc.opts, "bad.yaml", "good.yaml")
			wantNotes(t, f, tc.notes...)
			if len(f.ComponentsOf(check.Kubelet)) != 1 {
				t.Errorf("the good file was not read: %+v", f.Components)
			}
			// The config-files rule reports each note where it points.
			findings, _ := check.Run(f, check.Rules(), check.Options{Only: []string{"config-files"}})
			for i, n := range tc.notes {
				if fd := findings[i]; fd.Result != check.Fail || fd.Severity != n.sev || fd.File != n.file || fd.Line != n.line || fd.Message != n.message {
					t.Errorf("finding %+v for note %+v", fd, n)
				}
			}
		})
	}
}

func TestUnreadable(t *testing.T) {
	t.Run("permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads any file")
		}
		inDir(t, map[string]string{"secret.yaml": apiserverManifest, "good.yaml": apiserverManifest})
		if err := os.Chmod("secret.yaml", 0); err != nil {
			t.Fatal(err)
		}
		f := gather(t, Options{}, "secret.yaml", "good.yaml")
		wantNotes(t, f, note{"secret.yaml", 0, 0, check.Error, "cannot read: permission denied"})
	})
	t.Run("read error", func(t *testing.T) {
		// Reading a process's memory at offset 0 fails (EIO) on Linux.
		const mem = "/proc/self/mem"
		if _, err := os.Stat(mem); err != nil {
			t.Skip(err)
		}
		inDir(t, map[string]string{"good.yaml": apiserverManifest})
		f := gather(t, Options{}, mem, "good.yaml")
		wantNotes(t, f, note{mem, 0, 0, check.Error, "cannot read: input/output error"})
	})
}

// Gather fails only when nothing could be read.
func TestNothingRead(t *testing.T) {
	inDir(t, map[string]string{"docs/README.md": "# notes\n"})
	for _, tc := range []struct {
		name  string
		paths []string
		opts  Options
		want  string
	}{
		{"missing paths", []string{"a.yaml", "b.yaml"}, Options{}, "no configuration could be read from a.yaml, b.yaml: a.yaml: cannot read: no such file or directory; b.yaml: cannot read: no such file or directory"},
		{"a directory without configuration", []string{"docs"}, Options{}, "no configuration could be read from docs: docs/README.md: not read: in directories only *.yaml, *.yml, *.json, *.conf, *.env and kubeadm-flags.env are read; name a file to read it; docs: no configuration file in the directory (in directories only *.yaml, *.yml, *.json, *.conf, *.env and kubeadm-flags.env are read; name a file to read it)"},
		{"stdin without a reader", []string{"-"}, Options{}, "no configuration could be read from -: <stdin>: cannot read: no standard input"},
		{"no path", nil, Options{}, "no configuration file given"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Gather(&check.Facts{}, tc.paths, tc.opts)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// AddFile

func TestAddFile(t *testing.T) {
	f := &check.Facts{}
	AddFile(f, "kube-apiserver.yaml", []byte(apiserverManifest))
	AddFile(f, "junk.yaml", []byte("{{{"))
	c := component(t, f, check.APIServer)
	if s, _ := c.Setting("advertise-address"); s.File != "kube-apiserver.yaml" || s.Line != 12 {
		t.Errorf("setting %+v", s)
	}
	wantNotes(t, f, note{"junk.yaml", 1, 0, check.Error, "invalid YAML: did not find expected node content"})
	// AddFile leaves sources and version to Gather.
	if f.Unavailable != nil || f.ServerVersion != "" {
		t.Errorf("unavailable %v, version %q", f.Unavailable, f.ServerVersion)
	}
}

// FuzzAddFile: any file content, read and then audited by every rule,
// neither panics nor hangs, and every note names the file (a panic in a
// parser becomes an "internal error" note: AddFile recovers, so that note
// fails the fuzzer). Seeds in testdata/fuzz/FuzzAddFile: fixture files of
// testdata/files (healthy and broken sets) and a few odd inputs.
func FuzzAddFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		facts := &check.Facts{}
		AddFile(facts, name, data)
		for _, n := range facts.FileNotes {
			if strings.Contains(n.Message, "internal error") || n.At.File != name {
				t.Errorf("note %+v", n)
			}
		}
		done := make(chan error, 1)
		go func() {
			_, err := check.Run(facts, check.Rules(), check.Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second): // a hang is a bug too
			t.Fatalf("rules still running after 5s on %q", data)
		}
	})
}
