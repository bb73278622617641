package files

import (
	"slices"
	"strings"
	"testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// A document no format reads is a warning that says what it looks like
// when that is guessable; a Kubernetes API object is only an info. A case
// that a format of the registry reads (once one is added for it) must get
// no such note: the lookalikes only speak when the registry declined.
func TestUnknownDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                note
	}{
		{"k3s config.yaml (k3s issue #5491)", "config.yaml", "cluster-cidr: 10.42.0.0/16\nservice-cidr: 2001:cafe:43:1::/112\n",
			note{"config.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like a k3s or RKE2 config.yaml"}},
		{"RKE2 config.yaml", "rke2.yaml", "write-kubeconfig-mode: \"0644\"\ncni: calico\n",
			note{"rke2.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like a k3s or RKE2 config.yaml"}},
		{"kubeadm v1beta2", "kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n",
			note{"kubeadm.yaml", 1, 1, check.Warning, "kind ClusterConfiguration apiVersion kubeadm.k8s.io/v1beta2 is not a configuration check reads (it reads " + versionsOf("ClusterConfiguration") + "); it is a kubeadm v1beta2 configuration, which kubeadm removed in v1.27"}},
		{"kubeadm v1alpha3", "kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1alpha3\nkind: InitConfiguration\n",
			note{"kubeadm.yaml", 1, 1, check.Warning, "kind InitConfiguration apiVersion kubeadm.k8s.io/v1alpha3 is not a configuration check reads (it reads " + versionsOf("InitConfiguration") + "); it is a kubeadm v1alpha3 configuration, which kubeadm removed in v1.15"}},
		{"kubeadm's ConfigMap", "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubeadm-config\n  namespace: kube-system\ndata:\n  ClusterConfiguration: |\n    kind: ClusterConfiguration\n",
			note{"cm.yaml", 1, 1, check.Warning, "kind ConfigMap apiVersion v1 is not a configuration check reads; it looks like the ConfigMap kube-system/kubeadm-config, which a live check reads: save its data key ClusterConfiguration to a file to audit it"}},
		{"k0s", "k0s.yaml", "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nmetadata: {name: k0s}\n",
			note{"k0s.yaml", 1, 1, check.Warning, "kind ClusterConfig apiVersion k0s.k0sproject.io/v1beta1 is not a configuration check reads; it looks like a k0s configuration"}},
		{"Cluster API", "cluster.yaml", "apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c}\n",
			note{"cluster.yaml", 1, 1, check.Warning, "kind Cluster apiVersion cluster.x-k8s.io/v1beta1 is not a configuration check reads (it reads " + versionsOf("Cluster") + "); it looks like a Cluster API object"}},
		{"eksctl", "eksctl.yaml", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n",
			note{"eksctl.yaml", 1, 1, check.Warning, "kind ClusterConfig apiVersion eksctl.io/v1alpha5 is not a configuration check reads; it looks like an eksctl configuration"}},
		{"Talos", "controlplane.yaml", "version: v1alpha1\nmachine:\n  type: controlplane\ncluster:\n  network: {}\n",
			note{"controlplane.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like a Talos machine configuration"}},
		{"OpenShift install-config.yaml", "install-config.yaml", "apiVersion: v1\nbaseDomain: example.com\nnetworking: {}\nplatform: {none: {}}\n",
			note{"install-config.yaml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like an OpenShift install-config.yaml"}},
		{"kubespray group_vars", "k8s-cluster.yml", "kube_pods_subnet: 10.233.64.0/18\nkube_service_addresses: 10.233.0.0/18\n",
			note{"k8s-cluster.yml", 1, 1, check.Warning, "document 1 has no kind: not a configuration check reads; it looks like kubespray inventory group_vars"}},
		{"a custom resource", "x.yaml", "apiVersion: example.com/v1\nkind: Widget\n",
			note{"x.yaml", 1, 1, check.Warning, "kind Widget apiVersion example.com/v1 is not a configuration check reads"}},
		{"a Service", "x.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n",
			note{"x.yaml", 1, 1, check.Info, "kind Service apiVersion v1 is a Kubernetes API object, not configuration: not read"}},
		{"a ServiceCIDR", "x.yaml", "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: kubernetes}\n",
			note{"x.yaml", 1, 1, check.Info, "kind ServiceCIDR apiVersion networking.k8s.io/v1 is a Kubernetes API object, not configuration: not read"}},
		{"another ConfigMap", "x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns}\n",
			note{"x.yaml", 1, 1, check.Info, "kind ConfigMap apiVersion v1 is a Kubernetes API object, not configuration: not read"}},
		{"a list of values", "x.yaml", "- cluster-cidr\n",
			note{"x.yaml", 1, 1, check.Warning, "document 1 is not a mapping: not a configuration check reads"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &check.Facts{}
			AddFile(f, tc.file, []byte(tc.content))
			if format := f.Inputs[0].Format; format != check.UnknownFormat {
				// A format of the registry reads it: nothing may guess.
				for _, n := range f.FileNotes {
					if n.Message == tc.want.message || strings.Contains(n.Message, "not a configuration check reads") {
						t.Errorf("read as %s, yet noted %+v", format, n)
					}
				}
				return
			}
			wantNotes(t, f, tc.want)
		})
	}
}

// versionsOf lists the apiVersions the registry reads documents of kind in,
// as the note about another apiVersion says them.
func versionsOf(kind string) string {
	var versions []string
	for _, f := range ofKind(Formats(), kind, "", false) {
		versions = append(versions, f.APIVersions...)
	}
	return strings.Join(versions, ", ")
}

// Each lookalike, whatever the registry reads.
func TestLookalike(t *testing.T) {
	for content, want := range map[string]string{
		"apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\n": "it is a kubeadm v1beta2 configuration, which kubeadm removed in v1.27",
		"apiVersion: kubeadm.k8s.io/v1beta1\nkind: ClusterConfiguration\n": "it is a kubeadm v1beta1 configuration, which kubeadm removed in v1.22",
		"apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n": "",
		"cluster-cidr: 10.42.0.0/16\n":                                     "it looks like a k3s or RKE2 config.yaml",
		"kind: Widget\ncluster-cidr: 10.42.0.0/16\n":                       "",
		"machine: {}\n": "",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy}\n":                "it looks like the ConfigMap kube-system/kube-proxy, which a live check reads: save its data key config.conf to a file to audit it",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: [kube-proxy]\n":                      "",
		"apiVersion: controlplane.cluster.x-k8s.io/v1beta1\nkind: KubeadmControlPlane\n": "it looks like a Cluster API control plane",
	} {
		var got []string
		g := newGatherer(&check.Facts{}, Options{})
		g.formats = nil // no format reads anything: every document is asked
		g.add("x.yaml", []byte(content))
		for _, n := range g.f.FileNotes {
			if _, like, ok := strings.Cut(n.Message, "; "); ok {
				got = append(got, like)
			}
		}
		if want == "" && len(got) > 0 || want != "" && !slices.Equal(got, []string{want}) {
			t.Errorf("%q: lookalike %q, want %q", content, got, want)
		}
	}
}

// The lookalikes never speak about a document a format of the registry
// reads: every kind and apiVersion of Formats is read, not guessed at.
func TestLookalikesDeferToTheRegistry(t *testing.T) {
	for _, format := range Formats() {
		for _, kind := range format.Kinds {
			for _, apiVersion := range format.APIVersions {
				f := &check.Facts{}
				doc := "apiVersion: " + apiVersion + "\nkind: " + kind + "\n"
				if len(format.Names) > 0 { // a ConfigMap of the format's name
					doc += "metadata: {name: " + format.Names[0] + "}\n"
				}
				AddFile(f, "x.yaml", []byte(doc))
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

	// The registry reads kubeadm v1beta2 (by kind) and k3s files (by name
	// and keys), which lookalikes also describe: no lookalike speaks.
	g := newGatherer(&check.Facts{}, Options{})
	g.add("old.yaml", []byte("apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\n"))
	g.add("config.yaml", []byte("cluster-cidr: 10.42.0.0/16\n"))
	for _, n := range g.f.FileNotes {
		if strings.Contains(n.Message, "looks like") || strings.Contains(n.Message, "not a configuration check reads") {
			t.Errorf("a lookalike spoke about a file the registry reads: %+v", n)
		}
	}
	if in := g.f.Inputs; len(in) != 2 || in[0].Format != "kubeadm" || in[1].Format != "k3s-config" {
		t.Errorf("inputs %+v", in)
	}
}
