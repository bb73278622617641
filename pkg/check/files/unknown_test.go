package files

import (
	"slices"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// A document no format reads is a warning that says what it looks like
// when that is guessable; a Kubernetes API object is only an info.
func TestUnknownDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		want          note
	}{
		{"k3s config.yaml (k3s issue #5491)", "cluster-cidr: 10.42.0.0/16\nservice-cidr: 2001:cafe:43:1::/112\n",
			note{"x.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like a k3s or RKE2 config.yaml"}},
		{"RKE2 config.yaml", "write-kubeconfig-mode: \"0644\"\ncni: calico\n",
			note{"x.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like a k3s or RKE2 config.yaml"}},
		{"kubeadm v1beta2", "apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n",
			note{"x.yaml", 1, 1, check.Warning, "kind ClusterConfiguration apiVersion kubeadm.k8s.io/v1beta2 is not a configuration check reads (it reads kubeadm.k8s.io/v1beta3, kubeadm.k8s.io/v1beta4); it is a kubeadm v1beta2 configuration, which kubeadm removed in v1.27"}},
		{"kubeadm v1alpha3", "apiVersion: kubeadm.k8s.io/v1alpha3\nkind: InitConfiguration\n",
			note{"x.yaml", 1, 1, check.Warning, "kind InitConfiguration apiVersion kubeadm.k8s.io/v1alpha3 is not a configuration check reads (it reads kubeadm.k8s.io/v1beta3, kubeadm.k8s.io/v1beta4); it is a kubeadm v1alpha3 configuration, which kubeadm removed in v1.15"}},
		{"kubeadm's ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\ndata:\n  ClusterConfiguration: |\n    kind: ClusterConfiguration\n",
			note{"x.yaml", 1, 1, check.Warning, "kind ConfigMap apiVersion v1 is not a configuration check reads; it looks like the ConfigMap kube-system/kubeadm-config, which a live check reads: save its data key ClusterConfiguration to a file to audit it"}},
		{"k0s", "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata: {name: k0s}\n",
			note{"x.yaml", 1, 1, check.Warning, "kind ClusterConfig apiVersion k0s.k0sproject.io/v1beta1 is not a configuration check reads; it looks like a k0s configuration"}},
		{"Cluster API", "apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c}\n",
			note{"x.yaml", 1, 1, check.Warning, "kind Cluster apiVersion cluster.x-k8s.io/v1beta1 is not a configuration check reads (it reads kind.x-k8s.io/v1alpha4); it looks like a Cluster API object"}},
		{"eksctl", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n",
			note{"x.yaml", 1, 1, check.Warning, "kind ClusterConfig apiVersion eksctl.io/v1alpha5 is not a configuration check reads; it looks like an eksctl configuration"}},
		{"Talos", "version: v1alpha1\nmachine:\n  type: controlplane\ncluster:\n  network: {}\n",
			note{"x.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like a Talos machine configuration"}},
		{"OpenShift install-config.yaml", "apiVersion: v1\nbaseDomain: example.com\nnetworking: {}\nplatform: {none: {}}\n",
			note{"x.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like an OpenShift install-config.yaml"}},
		{"kubespray group_vars", "kube_pods_subnet: 10.233.64.0/18\nkube_service_addresses: 10.233.0.0/18\n",
			note{"x.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like kubespray inventory group_vars"}},
		{"a custom resource", "apiVersion: example.com/v1\nkind: Widget\n",
			note{"x.yaml", 1, 1, check.Warning, "kind Widget apiVersion example.com/v1 is not a configuration check reads"}},
		{"a Service", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n",
			note{"x.yaml", 1, 1, check.Info, "kind Service apiVersion v1 is a Kubernetes API object, not configuration: not read"}},
		{"a ServiceCIDR", "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: kubernetes}\n",
			note{"x.yaml", 1, 1, check.Info, "kind ServiceCIDR apiVersion networking.k8s.io/v1 is a Kubernetes API object, not configuration: not read"}},
		{"another ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns}\n",
			note{"x.yaml", 1, 1, check.Info, "kind ConfigMap apiVersion v1 is a Kubernetes API object, not configuration: not read"}},
		{"a list of values", "- cluster-cidr\n",
			note{"x.yaml", 1, 1, check.Warning, "document 1 is not a mapping: not a configuration check reads"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inDir(t, map[string]string{"x.yaml": tc.content})
			wantNotes(t, gatherNothingToAudit(t, Options{}, "x.yaml"), tc.want)
		})
	}
}

// The lookalikes never speak about a document a format of the registry
// reads: every kind and apiVersion of Formats is read, not guessed at.
func TestLookalikesDeferToTheRegistry(t *testing.T) {
	for _, format := range Formats() {
		for _, kind := range format.Kinds {
			for _, apiVersion := range format.APIVersions {
				f := &check.Facts{}
				AddFile(f, "x.yaml", []byte("apiVersion: "+apiVersion+"\nkind: "+kind+"\n"))
				for _, n := range f.FileNotes {
					if strings.Contains(n.Message, "not a configuration check reads") || n.Severity == check.Warning {
						t.Errorf("%s %s (format %s): %+v", kind, apiVersion, format.Name, n)
					}
				}
				if in := f.Inputs; len(in) != 1 || in[0].Format != format.Name {
					t.Errorf("%s %s: inputs %+v, want format %s", kind, apiVersion, in, format.Name)
				}
			}
		}
	}

	// A registry that reads kubeadm v1beta2 (by kind) and k3s files (by
	// name and keys) reads them: no lookalike speaks.
	var read []string
	g := newGatherer(&check.Facts{}, Options{})
	g.formats = append(g.formats, Format{
		Name: "kubeadm-v1beta2", Kinds: []string{"ClusterConfiguration"}, APIVersions: []string{"kubeadm.k8s.io/v1beta2"},
		readDocument: func(d *doc) { read = append(read, d.r.name) },
	}, Format{
		Name:      "k3s-config",
		matchFile: func(name string, data []byte) bool { return strings.Contains(string(data), "cluster-cidr:") },
		readFile:  func(r *fileReader) { read = append(read, r.name) },
	})
	g.add("old.yaml", []byte("apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\n"))
	g.add("config.yaml", []byte("cluster-cidr: 10.42.0.0/16\n"))
	if len(g.f.FileNotes) != 0 || !slices.Equal(read, []string{"old.yaml", "config.yaml"}) {
		t.Errorf("read %q, notes %+v", read, g.f.FileNotes)
	}
	if in := g.f.Inputs; len(in) != 2 || in[0].Format != "kubeadm-v1beta2" || in[1].Format != "k3s-config" {
		t.Errorf("inputs %+v", in)
	}
}
