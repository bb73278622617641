package localcluster

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"
)

func TestFlagValue(t *testing.T) {
	args := []string{"--a=1", "--b", "2", "--flag", "--a=3", "--c="}
	for _, tt := range []struct {
		name, want string
		ok         bool
	}{
		{"a", "3", true}, // the last one wins, as with pflag
		{"b", "2", true},
		{"c", "", true},
		{"flag", "", false}, // a boolean flag has no value to read
		{"missing", "", false},
	} {
		if got, ok := flagValue(args, tt.name); got != tt.want || ok != tt.ok {
			t.Errorf("flagValue(%s) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	got := flagsWithPrefix([]string{"--node-cidr-mask-size-ipv6=64", "--x=1", "--node-cidr-mask-size-ipv4=24", "--node-cidr-mask-size-ipv6=120"}, "node-cidr-mask-size")
	want := []nameValue{{"node-cidr-mask-size-ipv6", "120"}, {"node-cidr-mask-size-ipv4", "24"}}
	if !slices.Equal(got, want) {
		t.Errorf("flagsWithPrefix = %v, want %v", got, want)
	}
}

// kubeadmArgs are the flags newKubeadmValues reads, as Start sets them.
func kubeadmArgs(l Layout) map[string][]string {
	return map[string][]string{
		APIServer:         {"--advertise-address=" + l.AdvertiseAddress(), "--service-cluster-ip-range=" + l.ServiceCIDRs()},
		ControllerManager: append([]string{"--cluster-cidr=" + l.ClusterCIDRs()}, l.nodeMaskArgs()...),
	}
}

func TestKubeadmValues(t *testing.T) {
	for _, tt := range []struct {
		layout           Layout
		dnsIP, proxyBind string
	}{
		{DualStackIPv4Primary, "10.96.0.10", "0.0.0.0"},
		{DualStackIPv6Primary, "fd00:10:96::a", "::"},
		{SingleStackIPv4, "10.96.0.10", "0.0.0.0"},
		{SingleStackIPv6, "fd00:10:96::a", "::"},
	} {
		t.Run(string(tt.layout), func(t *testing.T) {
			v, err := newKubeadmValues(kubeadmArgs(tt.layout), "v1.37.0")
			if err != nil {
				t.Fatal(err)
			}
			if v.dnsIP != tt.dnsIP || v.proxyBind != tt.proxyBind || v.serviceSubnet != tt.layout.ServiceCIDRs() || v.podSubnet != tt.layout.ClusterCIDRs() {
				t.Errorf("values %+v, want DNS %s, bind %s", v, tt.dnsIP, tt.proxyBind)
			}
			var masks []string
			for _, nv := range v.maskArgs {
				masks = append(masks, "--"+nv.Name+"="+nv.Value)
			}
			if !slices.Equal(masks, tt.layout.nodeMaskArgs()) {
				t.Errorf("extraArgs %v, want the controller-manager's %v", masks, tt.layout.nodeMaskArgs())
			}
		})
	}
	if _, err := newKubeadmValues(map[string][]string{}, "v1.37.0"); err == nil {
		t.Error("no --service-cluster-ip-range: want an error")
	}
}

func TestKubeadmDocuments(t *testing.T) {
	v, err := newKubeadmValues(kubeadmArgs(DualStackIPv4Primary), "v1.37.0")
	if err != nil {
		t.Fatal(err)
	}
	var cc map[string]any
	if err := yaml.Unmarshal([]byte(mustYAML(v.clusterConfiguration())), &cc); err != nil {
		t.Fatal(err)
	}
	wantArgs := []any{
		map[string]any{"name": "node-cidr-mask-size-ipv4", "value": "24"},
		map[string]any{"name": "node-cidr-mask-size-ipv6", "value": "64"},
	}
	if got := cc["controllerManager"].(map[string]any)["extraArgs"]; !reflect.DeepEqual(got, wantArgs) {
		t.Errorf("controllerManager.extraArgs = %#v, want the v1beta4 list %#v", got, wantArgs)
	}
	for _, tt := range []struct {
		override *string
		want     any
	}{
		{nil, "10.244.0.0/16,fd00:10:244::/56"},
		{ptr.To("10.244.0.0/16"), "10.244.0.0/16"},
		{ptr.To(""), nil},
	} {
		if got := v.kubeProxyConfiguration(tt.override)["clusterCIDR"]; got != tt.want {
			t.Errorf("kube-proxy clusterCIDR with override %v = %v, want %v", tt.override, got, tt.want)
		}
	}
	if dns := v.kubeletConfiguration()["clusterDNS"]; !reflect.DeepEqual(dns, []string{"10.96.0.10"}) {
		t.Errorf("clusterDNS = %v", dns)
	}
}

func TestMirrorPod(t *testing.T) {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1", UID: "uid-1"}}
	args := []string{"--a=1", "--b=2"}
	pod := mirrorPod(Scheduler, node, "v1.37.0", args)
	if got := pod.Spec.Containers[0].Command; !slices.Equal(got, []string{Scheduler, "--a=1", "--b=2"}) {
		t.Errorf("command = %v", got)
	}
	if pod.Name != "kube-scheduler-node-1" || pod.Spec.Containers[0].Image != "registry.k8s.io/kube-scheduler:v1.37.0" {
		t.Errorf("name %s, image %s", pod.Name, pod.Spec.Containers[0].Image)
	}
	// Another command line is another static pod file: another hash.
	if other := mirrorPod(Scheduler, node, "v1.37.0", args[:1]); other.Annotations[corev1.MirrorPodAnnotationKey] == pod.Annotations[corev1.MirrorPodAnnotationKey] {
		t.Error("the config hash does not depend on the command")
	}
}

func TestNodeIPFamilies(t *testing.T) {
	if got := DualStackIPv4Primary.nodeIPsOf(2, nil); !slices.Equal(got, DualStackIPv4Primary.NodeIPs(2)) {
		t.Errorf("no families: %v, want the layout's", got)
	}
	if got := DualStackIPv4Primary.nodeIPsOf(2, []corev1.IPFamily{corev1.IPv6Protocol, corev1.IPv4Protocol}); !slices.Equal(got, []string{"fc00:f853:ccd:e793::3", "172.18.0.3"}) {
		t.Errorf("swapped families: %v", got)
	}
	if err := validateNodeIPFamilies(map[string][]corev1.IPFamily{"node-2": {corev1.IPv4Protocol}}, 2); err != nil {
		t.Error(err)
	}
	if err := validateNodeIPFamilies(map[string][]corev1.IPFamily{"node-3": {corev1.IPv4Protocol}}, 2); err == nil || !strings.Contains(err.Error(), `"node-3"`) {
		t.Errorf("unknown node: %v", err)
	}
	if err := validateNodeIPFamilies(map[string][]corev1.IPFamily{"node-1": {"IPv5"}}, 2); err == nil {
		t.Error("unknown family: no error")
	}
}
