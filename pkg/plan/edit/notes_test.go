package edit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/files"
)

// writeTree writes files (path: content) under a new directory.
func writeTree(t *testing.T, tree map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range tree {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// What the edit cannot do is noted where it is, in the file.
func TestNotes(t *testing.T) {
	for _, tt := range []struct {
		name    string
		tree    map[string]string
		file    string // the file noted, relative to the tree
		line    int
		note    string // what the note says
		changed bool   // the file is edited too
	}{{
		name: "k3s: a node-ip of one family",
		tree: map[string]string{"etc/rancher/k3s/config.yaml": yamlLines("cluster-cidr: 10.42.0.0/16", "node-ip: 192.168.1.10")},
		// service-cidr is inserted after cluster-cidr: the note is on the edited line.
		file: "etc/rancher/k3s/config.yaml", line: 3, note: "node-ip 192.168.1.10 has no IPv6 address", changed: true,
	}, {
		name: "k3s: an agent without node-ip",
		tree: map[string]string{"agent/config.yaml": yamlLines("server: https://k3s:6443", "token: x", "node-name: a1")},
		file: "agent/config.yaml", line: 1, note: "node-ip is unset",
	}, {
		name: "k3s: a drop-in that appends to cluster-cidr",
		tree: map[string]string{
			"etc/rancher/rke2/config.yaml":                yamlLines("cluster-cidr: 10.42.0.0/16", "node-ip: 10.0.0.1,fd00::1"),
			"etc/rancher/rke2/config.yaml.d/50-more.yaml": yamlLines("cluster-cidr+: 10.44.0.0/16"),
		},
		file: "etc/rancher/rke2/config.yaml.d/50-more.yaml", line: 1, note: "cluster-cidr+ appends to the cluster-cidr before it",
	}, {
		name: "kubelet flags: a --node-ip of one family",
		tree: map[string]string{"kubeadm-flags.env": `KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=10.0.0.5"` + "\n"},
		file: "kubeadm-flags.env", line: 1, note: "kubelet --node-ip 10.0.0.5 has no IPv6 address",
	}, {
		name: "kubeadm: kubeletExtraArgs node-ip of one family",
		tree: map[string]string{"join.yaml": yamlLines("apiVersion: kubeadm.k8s.io/v1beta4", "kind: JoinConfiguration", "nodeRegistration:", "  kubeletExtraArgs:", "  - name: node-ip", "    value: 10.0.0.6")},
		file: "join.yaml", line: 6, note: "kubelet --node-ip 10.0.0.6 has no IPv6 address",
	}, {
		name: "kubeadm: no podSubnet, no node IPAM",
		tree: map[string]string{"kubeadm.yaml": yamlLines("apiVersion: kubeadm.k8s.io/v1beta4", "kind: ClusterConfiguration", "networking:", "  serviceSubnet: 10.96.0.0/16")},
		file: "kubeadm.yaml", line: 1, note: "networking.podSubnet is unset", changed: true,
	}, {
		name: "kube-proxy reads a configuration file",
		tree: map[string]string{"kube-proxy.yaml": yamlLines("apiVersion: v1", "kind: Pod", "spec:", "  containers:", "  - name: kube-proxy", "    command: [kube-proxy, --config=/var/lib/kube-proxy/config.conf]")},
		file: "kube-proxy.yaml", line: 5, note: "kube-proxy reads its configuration from --config",
	}, {
		name: "kind: a kubeadmConfigPatches entry that sets the pod subnet",
		tree: map[string]string{"kind.yaml": yamlLines("kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4", "kubeadmConfigPatches:", "- |", "  kind: ClusterConfiguration", "  networking:", "    podSubnet: 10.1.0.0/16")},
		file: "kind.yaml", line: 4, note: "this kubeadmConfigPatches entry sets networking.podSubnet", changed: true,
	}, {
		name: "k0s: Calico in vxlan mode",
		tree: map[string]string{"k0s.yaml": yamlLines("apiVersion: k0s.k0sproject.io/v1beta1", "kind: ClusterConfig", "spec:", "  network:", "    provider: calico", "    calico:", "      mode: vxlan")},
		file: "k0s.yaml", line: 5, note: "k0s allows dual-stack with Calico only in mode bird", changed: true,
	}, {
		name: "Talos: validSubnets of one family",
		tree: map[string]string{"worker.yaml": yamlLines("version: v1alpha1", "machine:", "  type: worker", "  kubelet:", "    nodeIP:", "      validSubnets:", "      - 10.0.0.0/24", `      - "!10.0.0.1"`, "cluster:", "  clusterName: c")},
		file: "worker.yaml", line: 7, note: "machine.kubelet.nodeIP.validSubnets has no IPv6 subnet",
	}, {
		name: "OpenShift: the machine network, and OpenShiftSDN",
		tree: map[string]string{"install-config.yaml": yamlLines("apiVersion: v1", "metadata:", "  name: c", "networking:", "  networkType: OpenShiftSDN", "  machineNetwork:", "  - cidr: 10.0.0.0/16", "platform:", "  none: {}")},
		file: "install-config.yaml", line: 7, note: "networking.machineNetwork needs the hosts' own IPv6 subnet", changed: true,
	}, {
		name: "OpenShift: OpenShiftSDN",
		tree: map[string]string{"install-config.yaml": yamlLines("apiVersion: v1", "metadata:", "  name: c", "networking:", "  networkType: OpenShiftSDN", "  machineNetwork:", "  - cidr: 10.0.0.0/16", "platform:", "  none: {}")},
		file: "install-config.yaml", line: 5, note: "dual-stack needs networkType OVNKubernetes, not OpenShiftSDN", changed: true,
	}, {
		name: "eksctl: EKS has no dual-stack",
		tree: map[string]string{"cluster.yaml": yamlLines("apiVersion: eksctl.io/v1alpha5", "kind: ClusterConfig", "metadata:", "  name: c", "  region: eu-west-1", "kubernetesNetworkConfig:", "  ipFamily: IPv4")},
		file: "cluster.yaml", line: 7, note: "not edited: EKS does not support dual-stack",
	}, {
		name: "a file the gatherer would read, but invalid YAML",
		tree: map[string]string{"bad.yaml": "a: [\n"},
		file: "bad.yaml", line: 0, note: "invalid YAML",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.tree)
			got, err := Files([]string{dir}, testTarget)
			if err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(dir, tt.file)
			for _, f := range got {
				if f.Path != want {
					continue
				}
				if f.Changed() != tt.changed {
					t.Errorf("changed %v, want %v:\n%s", f.Changed(), tt.changed, f.Diff)
				}
				for _, n := range f.Notes {
					if n.Line == tt.line && strings.HasPrefix(n.Message, tt.note) {
						return
					}
				}
				t.Fatalf("notes %v, want one at line %d starting %q", f.Notes, tt.line, tt.note)
			}
			t.Fatalf("no file %s among %v", tt.file, got)
		})
	}
}

// Every format the files gatherer reads has an editor, or says why its
// values stay as they are.
func TestEveryFormatHasAnEditor(t *testing.T) {
	for _, f := range files.Formats() {
		_, doc := editors[f.Name]
		_, file := fileEditors[f.Name]
		if !doc && !file {
			t.Errorf("format %s: no entry in editors or fileEditors", f.Name)
		}
	}
}

func TestFiles(t *testing.T) {
	t.Run("a byte order mark is kept", func(t *testing.T) {
		dir := writeTree(t, map[string]string{"kp.yaml": bom + yamlLines("apiVersion: kubeproxy.config.k8s.io/v1alpha1", "kind: KubeProxyConfiguration", "clusterCIDR: 10.244.0.0/16")})
		got, err := Files([]string{dir}, testTarget)
		if err != nil || len(got) != 1 {
			t.Fatalf("%v, %v", got, err)
		}
		if want := bom + yamlLines("apiVersion: kubeproxy.config.k8s.io/v1alpha1", "kind: KubeProxyConfiguration", "clusterCIDR: 10.244.0.0/16,fd00:10:244::/56"); string(got[0].Edited) != want {
			t.Errorf("edited %q, want %q", got[0].Edited, want)
		}
		if !strings.HasPrefix(got[0].Diff, "--- a/") || !strings.Contains(got[0].Diff, "\n+++ b/") {
			t.Errorf("diff headers: %s", got[0].Diff)
		}
	})
	t.Run("an unreadable path is a note, nothing readable an error", func(t *testing.T) {
		dir := writeTree(t, map[string]string{"kp.yaml": yamlLines("apiVersion: kubeproxy.config.k8s.io/v1alpha1", "kind: KubeProxyConfiguration")})
		missing := filepath.Join(dir, "missing.yaml")
		got, err := Files([]string{dir, missing}, testTarget)
		if err != nil || len(got) != 1 || got[0].Path != missing || !strings.Contains(got[0].Notes[0].Message, "not edited") {
			t.Errorf("%+v, %v", got, err)
		}
		if _, err := Files([]string{missing}, testTarget); err == nil {
			t.Error("no error when nothing could be read")
		}
	})
	t.Run("a target without both families is refused", func(t *testing.T) {
		for _, bad := range []Target{
			{ServiceCIDRs: []string{"10.96.0.0/16"}, PodCIDRs: testTarget.PodCIDRs},
			{ServiceCIDRs: []string{"10.96.0.0/16", "10.97.0.0/16"}, PodCIDRs: testTarget.PodCIDRs},
			{ServiceCIDRs: []string{"fd00:10:96::/112", "10.96.0.0/16"}, PodCIDRs: testTarget.PodCIDRs},
			{ServiceCIDRs: testTarget.ServiceCIDRs, PodCIDRs: []string{"10.244.0.0/16", "nope"}},
			{ServiceCIDRs: testTarget.ServiceCIDRs, PodCIDRs: testTarget.PodCIDRs, NodeMasks: map[string]int{"ipv6": 64}},
		} {
			if _, err := Files([]string{"."}, bad); err == nil {
				t.Errorf("target %+v: no error", bad)
			}
		}
	})
}
