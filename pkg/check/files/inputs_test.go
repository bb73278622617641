package files

import (
	"slices"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// Facts.Inputs lists every file read: the format that read it (formats
// joined by + for a file of several), unknown when none did, and its
// documents.
func TestInputs(t *testing.T) {
	inDir(t, map[string]string{
		"cluster/kubeadm.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n---\n" +
			"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n---\n" +
			"apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n",
		"cluster/manifests/kube-apiserver.yaml": apiserverManifest,
		"cluster/kubeadm-flags.env":             "KUBELET_KUBEADM_ARGS=--node-ip=10.0.0.1\n",
		"cluster/widget.yaml":                   "apiVersion: example.com/v1\nkind: Widget\n---\n# nothing\n---\nkind: Gadget\n",
		"cluster/empty.yaml":                    "\n",
		"cluster/README.md":                     "not read\n",
	})
	f := gather(t, Options{}, "cluster")
	want := []check.Input{
		{File: "cluster/empty.yaml", Format: check.UnknownFormat, Documents: 0},
		{File: "cluster/kubeadm-flags.env", Format: "kubelet-flags-env", Documents: 1},
		{File: "cluster/kubeadm.yaml", Format: "kubeadm+kube-proxy-config", Documents: 3},
		{File: "cluster/manifests/kube-apiserver.yaml", Format: "static-pod", Documents: 1},
		{File: "cluster/widget.yaml", Format: check.UnknownFormat, Documents: 2},
	}
	if !slices.Equal(f.Inputs, want) {
		t.Errorf("inputs\n  got  %+v\n  want %+v", f.Inputs, want)
	}
}

// Without a live cluster, files of which none is a configuration check
// reads leave nothing to audit: Gather fails, naming the formats it reads.
// One such file among configurations is a warning of the audit.
func TestNothingToAudit(t *testing.T) {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	formats := "it reads " + strings.Join(names, ", ") + " (check --help describes them)"
	// Formats no reader is meant for: a custom resource, an ancient kubeadm.
	const widget, ancient = "apiVersion: example.com/v1\nkind: Widget\n", "apiVersion: kubeadm.k8s.io/v1alpha3\nkind: ClusterConfiguration\n"
	inDir(t, map[string]string{
		"unknown/widget.yaml":   widget,
		"unknown/service.yaml":  "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n",
		"unknown/etcd.yaml":     "apiVersion: v1\nkind: Pod\nmetadata: {name: etcd}\nspec:\n  containers:\n  - name: etcd\n",
		"mixed/old.yaml":        ancient,
		"mixed/kubeadm.yaml":    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n",
		"broken/kubeadm.yaml":   "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking: [\n",
		"broken/old.yaml":       ancient,
		"objects/objects.yaml":  "apiVersion: v1\nkind: Node\nmetadata: {name: n}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
		"single/old.yaml":       ancient,
		"single/not-read.conf2": "x",
	})
	for _, tc := range []struct {
		name  string
		paths []string
		err   string // "" for none
	}{
		{"unknown formats, an API object, an etcd manifest", []string{"unknown"}, "nothing to audit: none of the 3 files is a configuration check reads; " + formats},
		{"API objects only", []string{"objects"}, "nothing to audit: objects/objects.yaml is not a configuration check reads; " + formats},
		{"one file", []string{"single"}, "nothing to audit: single/old.yaml is not a configuration check reads; " + formats},
		{"mixed: the configuration is audited", []string{"mixed"}, ""},
		{"a configuration that does not parse is reported", []string{"broken"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &check.Facts{}
			err := Gather(f, tc.paths, Options{})
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || err.Error() != tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			warned := slices.ContainsFunc(f.FileNotes, func(n check.FileNote) bool {
				return n.Severity == check.Warning && strings.HasSuffix(n.At.File, "old.yaml")
			})
			if tc.err == "" && !warned {
				t.Errorf("no warning about the old kubeadm file: %+v", f.FileNotes)
			}
		})
	}

	// With a live cluster the files add to, there is always something to
	// audit: the unknown files are warnings.
	live := &check.Facts{ServerVersion: "v1.37.0", VersionSource: "the API server's /version"}
	if err := Gather(live, []string{"unknown"}, Options{}); err != nil {
		t.Errorf("with a live cluster: %v", err)
	}
}

// A rule is skipped only for want of a live cluster when every source it
// needs that is missing is an API object an audit of files has not.
func TestNeedsLiveCluster(t *testing.T) {
	inDir(t, map[string]string{"kube-apiserver.yaml": apiserverManifest})
	files := gather(t, Options{}, "kube-apiserver.yaml")
	live := &check.Facts{}
	live.MarkUnavailable(check.SourceNodes, "forbidden")
	for _, tc := range []struct {
		f     *check.Facts
		needs []check.Source
		want  bool
	}{
		{files, []check.Source{check.SourceNodes}, true},
		{files, []check.Source{check.SourceControlPlane, check.SourcePods, check.SourceNodes}, true},
		{files, []check.Source{check.SourceKubeProxy, check.SourceNodes}, false}, // no kube-proxy in the files
		{files, []check.Source{check.SourceControlPlane}, false},
		{files, nil, false},
		{live, []check.Source{check.SourceNodes}, false},
	} {
		if got := NeedsLiveCluster(tc.f, tc.needs); got != tc.want {
			t.Errorf("NeedsLiveCluster(%v) = %v, unavailable %v", tc.needs, got, tc.f.Unavailable)
		}
	}
}
