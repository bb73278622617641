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
// family.
func waitDualPods(t *testing.T, client kubernetes.Interface, ns string, n int) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 90*time.Second, true, func(ctx context.Context) (bool, error) {
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
		t.Fatalf("pods of %s never all ran with two IPs: %v", ns, err)
	}
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

// TestPlanSingleToDual: a single-stack IPv4 cluster with nodes, pods and
// Services of every kind becomes dual-stack by applying the plan's
// machine-applicable parts and nothing else; then check --expect=dual
// passes, new Services are dual-stack, and the plan has nothing left.
func TestPlanSingleToDual(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{Layout: localcluster.SingleStackIPv4})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	createWorkload(t, client, "shop")

	p, code := runPlan(t, c.Kubeconfig)
	if code != 0 || p.Adding != "IPv6" {
		t.Fatalf("plan: exit %d, adding %q, want 0 and IPv6: %+v", code, p.Adding, p)
	}
	wantServices := []string{"kube-system/kube-dns", "shop/chart", "shop/headless", "shop/lb", "shop/nodeport", "shop/prefer", "shop/single", "shop/web"}
	if got := serviceNames(p); !slices.Equal(got, wantServices) {
		t.Errorf("plan's Services = %v, want %v (not ExternalName, not default/kubernetes)", got, wantServices)
	}
	if got := len(stepsOf(p, plan.KindNode)); got != 3 {
		t.Errorf("plan has %d node steps, want 3 (every node has an IPv4 pod range only)", got)
	}
	for _, r := range p.Ranges {
		if r.Origin != plan.OriginProposed {
			t.Errorf("range %+v: want proposed", r)
		}
	}
	applyPlan(t, c, client, p)

	waitDualPods(t, client, "shop", 4)
	assertServicesDual(t, client, wantServices)
	if r, code := runCheck(t, c.Kubeconfig, "--expect=dual"); code != 0 {
		t.Fatalf("check --expect=dual after the plan: exit %d\n%s", code, describeFindings(r))
	}
	fresh, err := client.CoreV1().Services("shop").Create(context.Background(), &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "after"},
		Spec:       corev1.ServiceSpec{Selector: map[string]string{"app": "web"}, Ports: []corev1.ServicePort{{Port: 80}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.Spec.ClusterIPs) != 2 {
		t.Errorf("a Service created after the plan without a policy got %v (policy %v), want two cluster IPs", fresh.Spec.ClusterIPs, *fresh.Spec.IPFamilyPolicy)
	}
	if again, code := runPlan(t, c.Kubeconfig); code != 0 || len(again.Steps) != 0 {
		t.Errorf("plan on the converted cluster: exit %d, %d steps, want 0 and none:\n%+v", code, len(again.Steps), again.Steps)
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
