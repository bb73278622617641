package edit

import "testing"

func TestFlags(t *testing.T) {
	for _, tt := range []struct {
		name, src, want string
		masks           map[string]int // the target's, when not testTarget's
	}{{
		name: "a controller-manager: values replaced in both forms, the legacy mask replaced where it was",
		src: yamlLines(
			"apiVersion: v1",
			"kind: Pod",
			"spec:",
			"  containers:",
			"  - name: kube-controller-manager",
			"    command:",
			"    - kube-controller-manager",
			"    - --cluster-cidr",
			"    - 10.244.0.0/16   # pods",
			"    - --node-cidr-mask-size=24 # per node",
			"    - -service-cluster-ip-range=10.96.0.0/16",
			"    - --v=2",
		),
		want: yamlLines(
			"apiVersion: v1",
			"kind: Pod",
			"spec:",
			"  containers:",
			"  - name: kube-controller-manager",
			"    command:",
			"    - kube-controller-manager",
			"    - --cluster-cidr",
			"    - 10.244.0.0/16,fd00:10:244::/56   # pods",
			"    - --node-cidr-mask-size-ipv4=24",
			"    - --node-cidr-mask-size-ipv6=64",
			"    - -service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112",
			"    - --v=2",
		),
	}, {
		name: "a missing flag is appended to the list that holds the flags, at its indentation",
		src: yamlLines(
			"apiVersion: v1",
			"kind: Pod",
			"spec:",
			"  containers:",
			"    - name: apiserver",
			"      command: [kube-apiserver]",
			"      args:",
			"          - --secure-port=6443",
			"      image: registry.k8s.io/kube-apiserver:v1.37.0",
		),
		want: yamlLines(
			"apiVersion: v1",
			"kind: Pod",
			"spec:",
			"  containers:",
			"    - name: apiserver",
			"      command: [kube-apiserver]",
			"      args:",
			"          - --secure-port=6443",
			"          - --service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112",
			"      image: registry.k8s.io/kube-apiserver:v1.37.0",
		),
	}, {
		name: "kube-proxy: --cluster-cidr only where set; a flow list quotes what needs it",
		src: yamlLines(
			"apiVersion: v1",
			"kind: Pod",
			"spec:",
			"  containers:",
			"  - name: proxy",
			"    command: [/usr/local/bin/kube-proxy, --cluster-cidr=10.244.0.0/16, --v=2]",
		),
		want: yamlLines(
			"apiVersion: v1",
			"kind: Pod",
			"spec:",
			"  containers:",
			"  - name: proxy",
			`    command: [/usr/local/bin/kube-proxy, "--cluster-cidr=10.244.0.0/16,fd00:10:244::/56", --v=2]`,
		),
	}, {
		name: "kubeadm v1beta4: extraArgs as a list of {name, value}",
		src: yamlLines(
			"apiVersion: kubeadm.k8s.io/v1beta4",
			"kind: ClusterConfiguration",
			"networking:",
			"  podSubnet: 10.244.0.0/16",
			"controllerManager:",
			"  extraArgs:",
			"  - name: node-cidr-mask-size",
			`    value: "24"`,
			"  - name: cluster-cidr",
			"    value: 10.244.0.0/16",
			"apiServer:",
			"  extraArgs:",
			"  - name: service-cluster-ip-range",
			"    value: 10.96.0.0/16",
		),
		want: yamlLines(
			"apiVersion: kubeadm.k8s.io/v1beta4",
			"kind: ClusterConfiguration",
			"networking:",
			"  podSubnet: 10.244.0.0/16,fd00:10:244::/56",
			"  serviceSubnet: 10.96.0.0/16,fd00:10:96::/112",
			"controllerManager:",
			"  extraArgs:",
			"  - name: node-cidr-mask-size-ipv4",
			`    value: "24"`,
			"  - name: node-cidr-mask-size-ipv6",
			`    value: "64"`,
			"  - name: cluster-cidr",
			"    value: 10.244.0.0/16,fd00:10:244::/56",
			"apiServer:",
			"  extraArgs:",
			"  - name: service-cluster-ip-range",
			"    value: 10.96.0.0/16,fd00:10:96::/112",
		),
	}, {
		name: "kubeadm v1beta3: extraArgs as a map; a mask unlike kube-controller-manager's default is written",
		src: yamlLines(
			"apiVersion: kubeadm.k8s.io/v1beta3",
			"kind: ClusterConfiguration",
			"networking:",
			"  podSubnet: 10.244.0.0/16",
			"  serviceSubnet: 10.96.0.0/16",
			"controllerManager: {}",
		),
		want: yamlLines(
			"apiVersion: kubeadm.k8s.io/v1beta3",
			"kind: ClusterConfiguration",
			"networking:",
			"  podSubnet: 10.244.0.0/16,fd00:10:244::/56",
			"  serviceSubnet: 10.96.0.0/16,fd00:10:96::/112",
			"controllerManager:",
			"  extraArgs:",
			`    node-cidr-mask-size-ipv6: "80"`,
		),
		masks: map[string]int{IPv4: 24, IPv6: 80},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := editFirst(t, "f.yaml", tt.src, func(d *doc) {
				if tt.masks != nil {
					d.target.NodeMasks = tt.masks
				}
				editors[d.format](d)
			})
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
