package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/plan"
)

// runPlan runs the built plugin's plan with -o json.
func runPlan(t *testing.T, kubeconfig string, args ...string) (*plan.Plan, int) {
	t.Helper()
	out, stderr, code := runSplit(t, filepath.Join(binDir(t), "kubectl-dualstack"), append([]string{"plan", "-o", "json", "--kubeconfig", kubeconfig}, args...)...)
	var p plan.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan printed no JSON (exit %d): %v\nstdout:\n%s\nstderr:\n%s", code, err, out, stderr)
	}
	return &p, code
}

// workload is what the conversion tests run: one Service of every kind
// the plan handles, behind a Deployment, plus a bare pod.
func createWorkload(t *testing.T, client kubernetes.Interface, ns string) {
	t.Helper()
	ctx := context.Background()
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"app": "web"}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptrTo[int32](3),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}
	if _, err := client.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "lonely"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.k8s.io/pause:3.10"}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	port := []corev1.ServicePort{{Port: 80}}
	prefer, single := corev1.IPFamilyPolicyPreferDualStack, corev1.IPFamilyPolicySingleStack
	for _, svc := range []corev1.Service{
		{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.ServiceSpec{Selector: labels, Ports: port}},
		{ObjectMeta: metav1.ObjectMeta{Name: "single"}, Spec: corev1.ServiceSpec{Selector: labels, Ports: port, IPFamilyPolicy: &single}},
		{ObjectMeta: metav1.ObjectMeta{Name: "prefer"}, Spec: corev1.ServiceSpec{Selector: labels, Ports: port, IPFamilyPolicy: &prefer}},
		{ObjectMeta: metav1.ObjectMeta{Name: "headless"}, Spec: corev1.ServiceSpec{Selector: labels, Ports: port, ClusterIP: corev1.ClusterIPNone}},
		{ObjectMeta: metav1.ObjectMeta{Name: "nodeport"}, Spec: corev1.ServiceSpec{Selector: labels, Ports: port, Type: corev1.ServiceTypeNodePort}},
		{ObjectMeta: metav1.ObjectMeta{Name: "lb"}, Spec: corev1.ServiceSpec{Selector: labels, Ports: port, Type: corev1.ServiceTypeLoadBalancer}},
		{ObjectMeta: metav1.ObjectMeta{Name: "chart", Labels: map[string]string{"app.kubernetes.io/managed-by": "Helm"},
			Annotations: map[string]string{"meta.helm.sh/release-name": "shop", "meta.helm.sh/release-namespace": ns}},
			Spec: corev1.ServiceSpec{Selector: labels, Ports: port}},
		{ObjectMeta: metav1.ObjectMeta{Name: "external"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "db.example.com"}},
	} {
		if _, err := client.CoreV1().Services(ns).Create(ctx, &svc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitForPodIPs(t, client, ns, 4)
}

// stepsOf returns the plan's steps of one kind.
func stepsOf(p *plan.Plan, kind plan.Kind) []plan.Step {
	var out []plan.Step
	for _, s := range p.Steps {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// serviceNames lists "namespace/name" of the plan's service steps.
func serviceNames(p *plan.Plan) []string {
	var out []string
	for _, s := range stepsOf(p, plan.KindService) {
		out = append(out, s.Service.Namespace+"/"+s.Service.Name)
	}
	sort.Strings(out)
	return out
}

// nodeIPFor fills a plan's placeholder for a node's IPv6 address, as an
// operator would with the address the node's interface has.
func nodeIPFor(t *testing.T, c *localcluster.Cluster, ip plan.NodeIP, node string) string {
	t.Helper()
	if ip.Address != "" {
		return ip.Address
	}
	var n int
	if _, err := fmt.Sscanf(node, "node-%d", &n); err != nil || ip.Family != string(corev1.IPv6Protocol) {
		t.Fatalf("placeholder %q for node %s: the test only fills IPv6 addresses of node-N", ip.Placeholder, node)
	}
	return localcluster.DualStackIPv4Primary.NodeIPs(n)[1]
}

// applyPlan does, mechanically, what the plan's machine-applicable parts
// say, in its order, as an operator would: restart components with its
// flags, drain and re-register its nodes, recreate its pods, patch its
// Services, apply its admission policy. It returns the Services it patched.
func applyPlan(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface, p *plan.Plan) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var kubeProxyCIDR *string
	for _, s := range p.Steps {
		switch s.Kind {
		case plan.KindComponentFlags:
			switch s.Flags.Component {
			case localcluster.APIServer, localcluster.ControllerManager:
				if len(s.Flags.Remove) > 0 {
					t.Fatalf("step %s removes flags %v: the local cluster's defaults have none of them", s.ID, s.Flags.Remove)
				}
				var args []string
				for _, k := range sortedKeys(s.Flags.Set) {
					args = append(args, "--"+k+"="+s.Flags.Set[k])
				}
				if err := c.Restart(ctx, s.Flags.Component, args...); err != nil {
					t.Fatalf("restarting %s with %v: %v", s.Flags.Component, args, err)
				}
			case "kube-proxy":
				v := s.Flags.Set["cluster-cidr"]
				kubeProxyCIDR = &v
			case "kubeadm":
				// Rewritten below from the components' new flags, as
				// `kubeadm upgrade` would; compared with the plan there.
			default:
				t.Fatalf("step %s: unexpected component %q", s.ID, s.Flags.Component)
			}
		case plan.KindNode:
			drain(t, client, s.Node.Name)
			var ips []string
			for _, ip := range s.Node.NodeIPs {
				ips = append(ips, nodeIPFor(t, c, ip, s.Node.Name))
			}
			if err := c.ReregisterNode(ctx, s.Node.Name, ips); err != nil {
				t.Fatalf("re-registering %s with %v: %v", s.Node.Name, ips, err)
			}
		case plan.KindPods:
			for _, w := range s.Pods {
				recreate(t, c, client, w)
			}
		case plan.KindService:
			_, err := client.CoreV1().Services(s.Service.Namespace).Patch(ctx, s.Service.Name, types.MergePatchType, s.Service.Patch, metav1.PatchOptions{})
			if err != nil {
				t.Fatalf("step %s: patch %s: %v", s.ID, s.Service.Patch, err)
			}
		case plan.KindAdmission:
			if s.Admission.Manifest == "" {
				t.Fatalf("step %s gives no manifest on a server that serves MutatingAdmissionPolicy", s.ID)
			}
			kubectlStdin(t, c.Kubeconfig, s.Admission.Manifest, "apply", "-f", "-")
		}
	}
	if err := c.SyncKubeadmConfig(ctx, kubeProxyCIDR); err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Flags != nil && s.Flags.Component == "kubeadm" {
			cm, err := client.CoreV1().ConfigMaps("kube-system").Get(ctx, "kubeadm-config", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for key, want := range s.Flags.Set {
				if !strings.Contains(cm.Data["ClusterConfiguration"], strings.TrimPrefix(key, "networking.")+": "+want) {
					t.Errorf("kubeadm-config after the flags changed lacks the plan's %s: %s:\n%s", key, want, cm.Data["ClusterConfiguration"])
				}
			}
		}
	}
}

// drain deletes the pods bound to a node that a controller recreates, as
// `kubectl drain --ignore-daemonsets` evicts them.
func drain(t *testing.T, client kubernetes.Interface, node string) {
	t.Helper()
	ctx := context.Background()
	pods, err := client.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=" + node})
	if err != nil {
		t.Fatal(err)
	}
	for _, pod := range pods.Items {
		if ref := metav1.GetControllerOf(&pod); ref != nil && ref.Kind == "ReplicaSet" {
			if err := client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptrTo[int64](0)}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// recreate does what a pods step's workload says: its command for a
// Deployment, delete and create again for a bare pod.
func recreate(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface, w plan.Workload) {
	t.Helper()
	ctx := context.Background()
	switch w.Kind {
	case "Deployment":
		kubectl(t, c.Kubeconfig, strings.Fields(strings.TrimPrefix(w.Command, "kubectl "))...)
	case "Pod":
		pod, err := client.CoreV1().Pods(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := client.CoreV1().Pods(w.Namespace).Delete(ctx, w.Name, metav1.DeleteOptions{GracePeriodSeconds: ptrTo[int64](0)}); err != nil {
			t.Fatal(err)
		}
		if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			_, err := client.CoreV1().Pods(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{})
			return err != nil, nil
		}); err != nil {
			t.Fatalf("pod %s/%s not gone: %v", w.Namespace, w.Name, err)
		}
		again := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, Labels: pod.Labels, Annotations: pod.Annotations}, Spec: pod.Spec}
		again.Spec.NodeName = ""
		if _, err := client.CoreV1().Pods(w.Namespace).Create(ctx, again, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("workload %s %s/%s: the test recreates Deployments and bare pods only", w.Kind, w.Namespace, w.Name)
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// waitDualPods waits until every pod of ns runs with an address of each
// family. The node agent's informers may take up to a minute to reconnect
// after the apiserver restarted (client-go's reflector backoff reaches 30 s,
// with as much jitter): the wait allows for that.
func waitDualPods(t *testing.T, client kubernetes.Interface, ns string, n int) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil || len(list.Items) != n {
			return false, err
		}
		for _, p := range list.Items {
			if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning || len(p.Status.PodIPs) != 2 {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("pods of %s never all ran with two IPs: %v\n%s", ns, err, podsAndNodes(client, ns))
	}
}

// podsAndNodes describes the pods of ns and the nodes, for a failure.
func podsAndNodes(client kubernetes.Interface, ns string) string {
	ctx := context.Background()
	var b strings.Builder
	if pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{}); err == nil {
		for _, p := range pods.Items {
			fmt.Fprintf(&b, "  pod %s node=%s phase=%s ips=%v deleting=%v\n", p.Name, p.Spec.NodeName, p.Status.Phase, p.Status.PodIPs, p.DeletionTimestamp != nil)
		}
	}
	if nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{}); err == nil {
		for _, n := range nodes.Items {
			fmt.Fprintf(&b, "  node %s uid=%s podCIDRs=%v addresses=%v taints=%v\n", n.Name, n.UID, n.Spec.PodCIDRs, n.Status.Addresses, n.Spec.Taints)
		}
	}
	return b.String()
}

// assertServicesDual checks that every named Service has both families.
func assertServicesDual(t *testing.T, client kubernetes.Interface, names []string) {
	t.Helper()
	for _, name := range names {
		ns, n, _ := strings.Cut(name, "/")
		svc := getService(t, client, ns, n)
		if len(svc.Spec.IPFamilies) != 2 {
			t.Errorf("Service %s has families %v after the plan", name, svc.Spec.IPFamilies)
		}
		if svc.Spec.ClusterIP != corev1.ClusterIPNone && len(svc.Spec.ClusterIPs) != 2 {
			t.Errorf("Service %s has cluster IPs %v after the plan", name, svc.Spec.ClusterIPs)
		}
	}
}

// The dual-stack flags of the local layouts, as an operator who converted
// part of the cluster by hand would have set them.
var (
	dualServiceRange = "--service-cluster-ip-range=" + localcluster.DualStackIPv4Primary.ServiceCIDRs()
	dualKCMArgs      = []string{"--cluster-cidr=" + localcluster.DualStackIPv4Primary.ClusterCIDRs(), dualServiceRange, "--node-cidr-mask-size-ipv4=24", "--node-cidr-mask-size-ipv6=64"}
)

// convertControlPlane restarts both components dual-stack and syncs
// kubeadm's ConfigMaps, by hand.
func convertControlPlane(t *testing.T, c *localcluster.Cluster) {
	t.Helper()
	ctx := context.Background()
	if err := c.Restart(ctx, localcluster.APIServer, dualServiceRange); err != nil {
		t.Fatal(err)
	}
	if err := c.Restart(ctx, localcluster.ControllerManager, dualKCMArgs...); err != nil {
		t.Fatal(err)
	}
	proxy := localcluster.DualStackIPv4Primary.ClusterCIDRs()
	if err := c.SyncKubeadmConfig(ctx, &proxy); err != nil {
		t.Fatal(err)
	}
}

// convertNodes re-registers every node dual-stack and recreates the
// workload's pods, by hand.
func convertNodes(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
	t.Helper()
	for n := 1; n <= 3; n++ {
		name := fmt.Sprintf("node-%d", n)
		drain(t, client, name)
		if err := c.ReregisterNode(context.Background(), name, localcluster.DualStackIPv4Primary.NodeIPs(n)); err != nil {
			t.Fatal(err)
		}
	}
	kubectl(t, c.Kubeconfig, "-n", "shop", "rollout", "restart", "deployment", "web")
	recreate(t, c, client, plan.Workload{Namespace: "shop", Kind: "Pod", Name: "lonely"})
	waitDualPods(t, client, "shop", 4)
}

// TestPlanConversions: from a single-stack IPv4 cluster, and from three
// half-converted ones, with nodes, pods and Services of every kind, the
// plan holds only the steps still missing; applying its machine-applicable
// parts mechanically, and nothing else, makes check --expect=dual pass,
// gives every Service it named two families and new Services both, and
// leaves nothing to do.
func TestPlanConversions(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	allServices := []string{"kube-system/kube-dns", "shop/chart", "shop/headless", "shop/lb", "shop/nodeport", "shop/prefer", "shop/single", "shop/web"}
	nodes := []string{"node-node-1", "node-node-2", "node-node-3"}
	for _, tt := range []struct {
		name  string
		extra map[string][]string
		// setup converts part of the cluster by hand, after the workload.
		setup        func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface)
		wantSteps    []string // step IDs, services and verify aside
		wantServices []string
		wantOrigin   string // of the service range
	}{{
		name:         "single-stack IPv4",
		wantSteps:    slices.Concat([]string{"kube-apiserver", "kube-controller-manager", "kubeadm", "kube-proxy", "cni"}, nodes, []string{"pods-shop", "admission"}),
		wantServices: allServices,
		wantOrigin:   plan.OriginProposed,
	}, {
		// Services created while only the apiserver was dual-stack:
		// PreferDualStack ones got both families already.
		name:         "apiserver dual, controller-manager single",
		extra:        map[string][]string{localcluster.APIServer: {dualServiceRange}},
		wantSteps:    slices.Concat([]string{"kube-controller-manager", "kubeadm", "kube-proxy", "cni"}, nodes, []string{"pods-shop", "admission"}),
		wantServices: []string{"kube-system/kube-dns", "shop/chart", "shop/headless", "shop/lb", "shop/nodeport", "shop/single", "shop/web"},
		wantOrigin:   plan.OriginCluster,
	}, {
		name:         "nodes with one pod range",
		setup:        func(t *testing.T, c *localcluster.Cluster, _ kubernetes.Interface) { convertControlPlane(t, c) },
		wantSteps:    slices.Concat(nodes, []string{"pods-shop", "admission"}),
		wantServices: allServices,
		wantOrigin:   plan.OriginCluster,
	}, {
		name: "Services left single-stack",
		setup: func(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
			convertControlPlane(t, c)
			convertNodes(t, c, client)
		},
		wantSteps:    []string{"admission"},
		wantServices: allServices,
		wantOrigin:   plan.OriginCluster,
	}} {
		t.Run(tt.name, func(t *testing.T) {
			c := startCluster(t, localcluster.Config{Layout: localcluster.SingleStackIPv4, ExtraArgs: tt.extra})
			client := kubernetes.NewForConfigOrDie(c.RESTConfig)
			createWorkload(t, client, "shop")
			if tt.setup != nil {
				tt.setup(t, c, client)
			}

			p, code := runPlan(t, c.Kubeconfig)
			if code != 0 {
				t.Fatalf("plan: exit %d: %+v", code, p)
			}
			var got []string
			for _, s := range p.Steps {
				if s.Kind != plan.KindService && s.Kind != plan.KindVerify {
					got = append(got, s.ID)
				}
			}
			if !slices.Equal(got, tt.wantSteps) {
				t.Errorf("plan's steps = %v, want %v", got, tt.wantSteps)
			}
			if got := serviceNames(p); !slices.Equal(got, tt.wantServices) {
				t.Errorf("plan's Services = %v, want %v (not ExternalName, not default/kubernetes)", got, tt.wantServices)
			}
			if r := p.RangeOf("services", "IPv6"); r.Origin != tt.wantOrigin {
				t.Errorf("service range %+v: want origin %s", r, tt.wantOrigin)
			}
			applyPlan(t, c, client, p)

			waitDualPods(t, client, "shop", 4)
			assertServicesDual(t, client, tt.wantServices)
			waitSlicesOfBothFamilies(t, client, tt.wantServices)
			if r, code := runCheck(t, c.Kubeconfig, "--expect=dual"); code != 0 {
				t.Fatalf("check --expect=dual after the plan: exit %d\n%s", code, describeFindings(r))
			}
			assertNewServicesDual(t, client)
			if again, code := runPlan(t, c.Kubeconfig); code != 0 || len(again.Steps) != 0 {
				t.Errorf("plan on the converted cluster: exit %d, steps %v, want 0 and none", code, again.Steps)
			}
		})
	}
}

// waitSlicesOfBothFamilies waits until the EndpointSlice controller has
// caught up with the patched Services: a slice of each address type.
func waitSlicesOfBothFamilies(t *testing.T, client kubernetes.Interface, names []string) {
	t.Helper()
	for _, name := range names {
		ns, n, _ := strings.Cut(name, "/")
		err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
			list, err := client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + n})
			if err != nil {
				return false, err
			}
			types := map[discoveryv1.AddressType]bool{}
			for _, s := range list.Items {
				types[s.AddressType] = true
			}
			return types[discoveryv1.AddressTypeIPv4] && types[discoveryv1.AddressTypeIPv6], nil
		})
		if err != nil {
			t.Fatalf("Service %s never got an EndpointSlice of each family: %v", name, err)
		}
	}
}

// assertNewServicesDual creates a Service without a policy once the
// apiserver has loaded the plan's admission policy (within seconds: the
// plan's verify step, a server-side dry run, tells when) and checks that
// it is dual-stack.
func assertNewServicesDual(t *testing.T, client kubernetes.Interface) {
	t.Helper()
	after := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "after"},
		Spec:       corev1.ServiceSpec{Selector: map[string]string{"app": "web"}, Ports: []corev1.ServicePort{{Port: 80}}},
	}
	if err := wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		dry, err := client.CoreV1().Services("shop").Create(ctx, after, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err == nil && len(dry.Spec.ClusterIPs) == 2, err
	}); err != nil {
		t.Fatalf("the plan's admission policy never made a new Service dual-stack: %v", err)
	}
	fresh, err := client.CoreV1().Services("shop").Create(context.Background(), after, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.Spec.ClusterIPs) != 2 || *fresh.Spec.IPFamilyPolicy != corev1.IPFamilyPolicyPreferDualStack {
		t.Errorf("a Service created after the plan without a policy got %v (policy %v), want two cluster IPs", fresh.Spec.ClusterIPs, *fresh.Spec.IPFamilyPolicy)
	}
}

// kubectlStdin runs kubectl with input on stdin.
func kubectlStdin(t *testing.T, kubeconfig, input string, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir(t), "kubectl"), append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Stdin = strings.NewReader(input)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
