package localcluster

// The kubeadm look: a read-only checker (`kubectl dualstack check`) reads a
// cluster's dual-stack configuration where a kubeadm cluster keeps it, all
// in kube-system: the mirror pods of the static control-plane pods (their
// command lines are the live flags), the kubeadm-config, kube-proxy and
// kubelet-config ConfigMaps, and the kube-dns Service. The local cluster
// creates the same objects through its real apiserver. Their values come
// from the flags the components were really started with (ExtraArgs
// included), so what a checker reads is what runs.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	netutils "k8s.io/utils/net"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"
)

const (
	kubeSystem = metav1.NamespaceSystem
	// controlPlaneNode is where kubeadm's static pods run here.
	controlPlaneNode = "node-1"
	// kubeadm's static pods and kube-proxy use it. The apiserver creates it
	// in a post-start hook that /readyz waits for, so it always exists.
	nodeCritical = "system-node-critical"
)

// kubeadmValues are the values kubeadm's objects hold, derived from the
// components' flags.
type kubeadmValues struct {
	version       string      // the server's, e.g. v1.37.0: image tags, kubernetesVersion
	serviceSubnet string      // apiserver --service-cluster-ip-range
	podSubnet     string      // controller-manager --cluster-cidr
	maskArgs      []nameValue // controller-manager --node-cidr-mask-size*
	dnsIP         string      // kube-dns's ClusterIP and kubelet's clusterDNS
	proxyBind     string      // kube-proxy's bindAddress
}

// nameValue is one v1beta4 extraArgs entry.
type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func newKubeadmValues(args map[string][]string, version string) (kubeadmValues, error) {
	v := kubeadmValues{version: version, proxyBind: "0.0.0.0"}
	v.serviceSubnet, _ = flagValue(args[APIServer], "service-cluster-ip-range")
	v.podSubnet, _ = flagValue(args[ControllerManager], "cluster-cidr")
	v.maskArgs = flagsWithPrefix(args[ControllerManager], "node-cidr-mask-size")
	// kubeadm's DNS address is the 10th of the first service range
	// (constants.GetDNSIP).
	primary, _, _ := strings.Cut(v.serviceSubnet, ",")
	_, cidr, err := netutils.ParseCIDRSloppy(primary)
	if err != nil {
		return v, fmt.Errorf("--service-cluster-ip-range %q: %w", v.serviceSubnet, err)
	}
	ip, err := netutils.GetIndexedIP(cidr, 10)
	if err != nil {
		return v, err
	}
	v.dnsIP = ip.String()
	// kubeadm defaults kube-proxy's bindAddress by the advertise address's family.
	if addr, _ := flagValue(args[APIServer], "advertise-address"); netutils.IsIPv6String(addr) {
		v.proxyBind = "::"
	}
	return v, nil
}

// flagValue is the value a component sees for --name: the last of
// --name=value or --name value wins, as with pflag.
func flagValue(args []string, name string) (value string, ok bool) {
	for i, arg := range args {
		if v, found := strings.CutPrefix(arg, "--"+name+"="); found {
			value, ok = v, true
		} else if arg == "--"+name && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			value, ok = args[i+1], true
		}
	}
	return value, ok
}

// flagsWithPrefix lists the flags whose names start with prefix, once each
// in order of first use, with the value that wins.
func flagsWithPrefix(args []string, prefix string) []nameValue {
	var out []nameValue
	for _, arg := range args {
		name, _, _ := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
		if !strings.HasPrefix(arg, "--"+prefix) || containsName(out, name) {
			continue
		}
		value, _ := flagValue(args, name)
		out = append(out, nameValue{name, value})
	}
	return out
}

func containsName(list []nameValue, name string) bool {
	for _, nv := range list {
		if nv.Name == name {
			return true
		}
	}
	return false
}

// clusterConfiguration is kubeadm's ClusterConfiguration, as `kubeadm init`
// stores it in kubeadm-config: its networking is what the flags say.
func (v kubeadmValues) clusterConfiguration() map[string]any {
	cm := map[string]any{}
	if len(v.maskArgs) > 0 {
		cm["extraArgs"] = v.maskArgs
	}
	return map[string]any{
		"apiVersion":        "kubeadm.k8s.io/v1beta4",
		"kind":              "ClusterConfiguration",
		"kubernetesVersion": v.version,
		"clusterName":       "kubernetes",
		"certificatesDir":   "/etc/kubernetes/pki",
		"imageRepository":   "registry.k8s.io",
		"etcd":              map[string]any{"local": map[string]any{"dataDir": "/var/lib/etcd"}},
		"networking": map[string]any{
			"dnsDomain":     "cluster.local",
			"serviceSubnet": v.serviceSubnet,
			"podSubnet":     v.podSubnet,
		},
		"apiServer":         map[string]any{},
		"controllerManager": cm,
		"scheduler":         map[string]any{},
	}
}

// kubeProxyConfiguration is the config.conf of the kube-proxy ConfigMap.
// kubeadm copies the pod subnet into clusterCIDR; override replaces it
// ("" leaves it out, as kubeadm does when there is no pod subnet).
func (v kubeadmValues) kubeProxyConfiguration(override *string) map[string]any {
	cfg := map[string]any{
		"apiVersion":       "kubeproxy.config.k8s.io/v1alpha1",
		"kind":             "KubeProxyConfiguration",
		"bindAddress":      v.proxyBind,
		"clientConnection": map[string]any{"kubeconfig": "/var/lib/kube-proxy/kubeconfig.conf"},
		"mode":             "iptables",
		"detectLocalMode":  "ClusterCIDR",
	}
	if clusterCIDR := ptr.Deref(override, v.podSubnet); clusterCIDR != "" {
		cfg["clusterCIDR"] = clusterCIDR
	}
	return cfg
}

// kubeletConfiguration is the base KubeletConfiguration kubeadm shares with
// every node (kubelet-config ConfigMap).
func (v kubeadmValues) kubeletConfiguration() map[string]any {
	return map[string]any{
		"apiVersion":    "kubelet.config.k8s.io/v1beta1",
		"kind":          "KubeletConfiguration",
		"clusterDNS":    []string{v.dnsIP},
		"clusterDomain": "cluster.local",
		"staticPodPath": "/etc/kubernetes/manifests",
	}
}

// configMaps are the data of kubeadm's three ConfigMaps, by name.
func (v kubeadmValues) configMaps(server string, kubeProxyClusterCIDR *string) map[string]map[string]string {
	return map[string]map[string]string{
		"kubeadm-config": {"ClusterConfiguration": mustYAML(v.clusterConfiguration())},
		"kube-proxy": {
			"config.conf":     mustYAML(v.kubeProxyConfiguration(kubeProxyClusterCIDR)),
			"kubeconfig.conf": kubeProxyKubeconfig(server),
		},
		"kubelet-config": {"kubelet": mustYAML(v.kubeletConfiguration())},
	}
}

// kubeProxyKubeconfig is kube-proxy's kubeconfig.conf: its service-account
// credentials against the apiserver.
func kubeProxyKubeconfig(server string) string {
	return `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: ` + server + `
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
`
}

// createKubeadmLook creates the kube-system objects and returns the names of
// the pods the node agent is to run.
func (c *Cluster) createKubeadmLook(ctx context.Context, client kubernetes.Interface, cfg Config, nodes []string) ([]string, error) {
	version, err := client.Discovery().ServerVersion()
	if err != nil {
		return nil, err
	}
	c.version = version.GitVersion
	v, err := newKubeadmValues(c.args, c.version)
	if err != nil {
		return nil, err
	}
	// A controller creates kube-system; /readyz waits only for its start.
	err = wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := client.CoreV1().Namespaces().Get(ctx, kubeSystem, metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("namespace %s: %w", kubeSystem, err)
	}

	for name, data := range v.configMaps(c.RESTConfig.Host, cfg.KubeProxyClusterCIDR) {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: kubeSystem}, Data: data}
		if _, err := client.CoreV1().ConfigMaps(kubeSystem).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
	}
	if _, err := client.CoreV1().Services(kubeSystem).Create(ctx, kubeDNSService(v.dnsIP), metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	// kube-proxy's pods run as its ServiceAccount, which kubeadm creates.
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "kube-proxy", Namespace: kubeSystem}}
	if _, err := client.CoreV1().ServiceAccounts(kubeSystem).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		return nil, err
	}

	node, err := client.CoreV1().Nodes().Get(ctx, controlPlaneNode, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	var pods []*corev1.Pod
	for _, component := range []string{APIServer, ControllerManager, Scheduler} {
		pods = append(pods, mirrorPod(component, node, v.version, c.args[component]))
	}
	for _, name := range nodes {
		pods = append(pods, kubeProxyPod(name, v.version))
	}
	var names []string
	for _, pod := range pods {
		if _, err := client.CoreV1().Pods(kubeSystem).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
		names = append(names, pod.Name)
	}
	return names, nil
}

// mirrorPod is the pod a kubelet creates in the API for a kubeadm static
// pod: owned by its node, marked as a mirror of a file, and running the
// component with exactly the flags it was started with.
func mirrorPod(component string, node *corev1.Node, version string, args []string) *corev1.Pod {
	command := append([]string{component}, args...)
	sum := sha256.Sum256([]byte(strings.Join(command, "\x00")))
	hash := hex.EncodeToString(sum[:16])
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      component + "-" + node.Name,
			Namespace: kubeSystem,
			Labels:    map[string]string{"component": component, "tier": "control-plane"},
			Annotations: map[string]string{
				corev1.MirrorPodAnnotationKey: hash,
				"kubernetes.io/config.hash":   hash,
				"kubernetes.io/config.source": "file",
				"kubernetes.io/config.seen":   time.Now().UTC().Format(time.RFC3339Nano),
			},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID, Controller: ptr.To(true)}},
		},
		Spec: corev1.PodSpec{
			NodeName:          node.Name,
			HostNetwork:       true,
			PriorityClassName: nodeCritical,
			SecurityContext:   &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			Tolerations:       []corev1.Toleration{{Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}},
			Containers: []corev1.Container{{
				Name:            component,
				Image:           "registry.k8s.io/" + component + ":" + version,
				ImagePullPolicy: corev1.PullIfNotPresent,
				Command:         command,
			}},
		},
	}
}

// kubeProxyPod stands for the pod kubeadm's kube-proxy DaemonSet runs on
// node: its configuration is the kube-proxy ConfigMap, mounted.
func kubeProxyPod(node, version string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-proxy-" + node, Namespace: kubeSystem, Labels: map[string]string{"k8s-app": "kube-proxy"}},
		Spec: corev1.PodSpec{
			NodeName:           node,
			HostNetwork:        true,
			PriorityClassName:  nodeCritical,
			ServiceAccountName: "kube-proxy",
			NodeSelector:       map[string]string{corev1.LabelOSStable: "linux"},
			Tolerations:        []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			Containers: []corev1.Container{{
				Name:    "kube-proxy",
				Image:   "registry.k8s.io/kube-proxy:" + version,
				Command: []string{"/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"},
				Env: []corev1.EnvVar{{Name: "NODE_NAME", ValueFrom: &corev1.EnvVarSource{
					FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"},
				}}},
				VolumeMounts: []corev1.VolumeMount{{Name: "kube-proxy", MountPath: "/var/lib/kube-proxy"}},
			}},
			Volumes: []corev1.Volume{{Name: "kube-proxy", VolumeSource: corev1.VolumeSource{
				ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-proxy"}},
			}}},
		},
	}
}

// kubeDNSService is kubeadm's CoreDNS Service: no ipFamilyPolicy, so the
// apiserver makes it SingleStack in the family of its fixed ClusterIP.
func kubeDNSService(ip string) *corev1.Service {
	port := func(name string, proto corev1.Protocol, p int32) corev1.ServicePort {
		return corev1.ServicePort{Name: name, Protocol: proto, Port: p, TargetPort: intstr.FromInt32(p)}
	}
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "kube-dns",
			Namespace: kubeSystem,
			Labels:    map[string]string{"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
		},
		Spec: corev1.ServiceSpec{
			ClusterIP: ip,
			Selector:  map[string]string{"k8s-app": "kube-dns"},
			Ports: []corev1.ServicePort{
				port("dns", corev1.ProtocolUDP, 53),
				port("dns-tcp", corev1.ProtocolTCP, 53),
				port("metrics", corev1.ProtocolTCP, 9153),
			},
		},
	}
}

// mustYAML marshals a document built from maps, slices and strings, which
// cannot fail.
func mustYAML(doc any) string {
	out, err := yaml.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return string(out)
}
