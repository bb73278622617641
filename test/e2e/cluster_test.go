package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// TestDualStackCluster proves, on the real control plane, what the rest of
// the project stands on: in both dual-stack layouts a PreferDualStack Service
// gets a cluster IP of each family, each node a podCIDR of each family, each
// pod an IP of each family from its node's podCIDRs (primary first), and a
// dual-stack Service an EndpointSlice per address type.
func TestDualStackCluster(t *testing.T) {
	for _, layout := range []localcluster.Layout{localcluster.DualStackIPv4Primary, localcluster.DualStackIPv6Primary} {
		t.Run(string(layout), func(t *testing.T) {
			c := startCluster(t, localcluster.Config{Layout: layout})
			client := kubernetes.NewForConfigOrDie(c.RESTConfig)
			ctx := context.Background()
			families := layout.IPFamilies()

			kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "testdata", "demo"))
			pods := waitForPodIPs(t, client, "demo", 4)

			nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(nodes.Items) != 3 {
				t.Fatalf("want 3 nodes, got %d", len(nodes.Items))
			}
			nodeByName := map[string]corev1.Node{}
			clusterCIDRs := prefixes(t, strings.Split(layout.ClusterCIDRs(), ","))
			for _, n := range nodes.Items {
				nodeByName[n.Name] = n
				cidrs := prefixes(t, n.Spec.PodCIDRs)
				assertFamilies(t, "node "+n.Name+" podCIDRs", prefixAddrs(cidrs), families)
				for i, cidr := range cidrs {
					if !clusterCIDRs[i].Contains(cidr.Addr()) || cidr.Bits() != map[bool]int{true: 24, false: 64}[cidr.Addr().Is4()] {
						t.Errorf("node %s podCIDR %s is not a node-sized block of %s", n.Name, cidr, clusterCIDRs[i])
					}
				}
				assertFamilies(t, "node "+n.Name+" InternalIPs", addrs(t, internalIPs(n)), families)
			}

			serviceCIDRs := prefixes(t, strings.Split(layout.ServiceCIDRs(), ","))
			web := getService(t, client, "demo", "web")
			assertFamilies(t, "Service web clusterIPs", addrs(t, web.Spec.ClusterIPs), families)
			for i, ip := range addrs(t, web.Spec.ClusterIPs) {
				if !serviceCIDRs[i].Contains(ip) {
					t.Errorf("Service web clusterIP %s is outside %s", ip, serviceCIDRs[i])
				}
			}
			if !slices.Equal(web.Spec.IPFamilies, families) {
				t.Errorf("Service web ipFamilies = %v, want %v", web.Spec.IPFamilies, families)
			}
			assertFamilies(t, "Service web-single clusterIPs", addrs(t, getService(t, client, "demo", "web-single").Spec.ClusterIPs), families[:1])
			assertFamilies(t, "Service web-ipv6 clusterIPs", addrs(t, getService(t, client, "demo", "web-ipv6").Spec.ClusterIPs), []corev1.IPFamily{corev1.IPv6Protocol})
			if headless := getService(t, client, "demo", "web-headless"); headless.Spec.ClusterIP != corev1.ClusterIPNone || !slices.Equal(headless.Spec.IPFamilies, families) {
				t.Errorf("Service web-headless: clusterIP %q, ipFamilies %v; want None, %v", headless.Spec.ClusterIP, headless.Spec.IPFamilies, families)
			}

			webIPs := map[corev1.IPFamily][]string{}
			for _, pod := range pods {
				node := nodeByName[pod.Spec.NodeName]
				ips := podIPs(pod)
				if pod.Status.PodIP != ips[0] {
					t.Errorf("pod %s: podIP %s != podIPs[0] %s", pod.Name, pod.Status.PodIP, ips[0])
				}
				if pod.Spec.HostNetwork {
					if !slices.Equal(ips, internalIPs(node)) {
						t.Errorf("hostNetwork pod %s has IPs %v, want its node's %v", pod.Name, ips, internalIPs(node))
					}
					continue
				}
				assertFamilies(t, "pod "+pod.Name+" podIPs", addrs(t, ips), families)
				for i, ip := range addrs(t, ips) {
					if cidr := prefixes(t, node.Spec.PodCIDRs)[i]; !cidr.Contains(ip) {
						t.Errorf("pod %s IP %s is outside its node %s podCIDR %s", pod.Name, ip, node.Name, cidr)
					}
				}
				if pod.Labels["app"] == "web" {
					for i, ip := range ips {
						webIPs[families[i]] = append(webIPs[families[i]], ip)
					}
				}
			}
			if len(webIPs[families[0]]) != 3 {
				t.Fatalf("want 3 web pods, got IPs %v", webIPs)
			}

			// The real EndpointSlice controller writes one slice per address
			// type, each with exactly the ready pods' IPs of its family.
			err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
				got, err := sliceAddresses(ctx, client, "demo", "web")
				if err != nil {
					return false, err
				}
				for _, f := range families {
					if !sameSet(got[discoveryv1.AddressType(f)], webIPs[f]) {
						return false, nil
					}
				}
				return len(got) == len(families), nil
			})
			if err != nil {
				got, _ := sliceAddresses(ctx, client, "demo", "web")
				t.Fatalf("EndpointSlices of Service web: got %v, want %v (%v)", got, webIPs, err)
			}
		})
	}
}

// TestSingleStackClusters checks the two single-stack layouts and the node
// agent's test annotations (one family only; never ready).
func TestSingleStackClusters(t *testing.T) {
	for _, layout := range []localcluster.Layout{localcluster.SingleStackIPv4, localcluster.SingleStackIPv6} {
		t.Run(string(layout), func(t *testing.T) {
			c := startCluster(t, localcluster.Config{Layout: layout, Nodes: 1})
			client := kubernetes.NewForConfigOrDie(c.RESTConfig)
			family := layout.IPFamilies()
			createPod(t, client, "default", "one", nil)
			svc, err := client.CoreV1().Services("default").Create(context.Background(), &corev1.Service{
				ObjectMeta: metav1.ObjectMeta{Name: "prefer"},
				Spec: corev1.ServiceSpec{
					IPFamilyPolicy: ptrTo(corev1.IPFamilyPolicyPreferDualStack),
					Selector:       map[string]string{"app": "one"},
					Ports:          []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}},
				},
			}, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// On a single-stack cluster PreferDualStack behaves like SingleStack.
			assertFamilies(t, "Service prefer clusterIPs", addrs(t, svc.Spec.ClusterIPs), family)
			pods := waitForPodIPs(t, client, "default", 1)
			assertFamilies(t, "pod one podIPs", addrs(t, podIPs(pods[0])), family)
			node, err := client.CoreV1().Nodes().Get(context.Background(), "node-1", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			assertFamilies(t, "node-1 podCIDRs", prefixAddrs(prefixes(t, node.Spec.PodCIDRs)), family)
		})
	}
}

// TestNodeAgentAnnotations checks the pods tests of later features need: a
// backend with one family only, and a pod that never becomes ready.
func TestNodeAgentAnnotations(t *testing.T) {
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	createPod(t, client, "default", "v6-only", map[string]string{localcluster.AnnotationIPFamilies: "IPv6"})
	createPod(t, client, "default", "unready", map[string]string{localcluster.AnnotationReady: "false"})
	pods := waitForPodIPs(t, client, "default", 2)
	for _, pod := range pods {
		switch pod.Name {
		case "v6-only":
			assertFamilies(t, "pod v6-only podIPs", addrs(t, podIPs(pod)), []corev1.IPFamily{corev1.IPv6Protocol})
		case "unready":
			assertFamilies(t, "pod unready podIPs", addrs(t, podIPs(pod)), []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol})
			for _, cond := range pod.Status.Conditions {
				if cond.Type == corev1.PodReady && cond.Status != corev1.ConditionFalse {
					t.Errorf("pod unready has Ready=%s", cond.Status)
				}
			}
		}
	}
	// Deleting a pod frees its addresses, as a CNI plugin's DEL does: the
	// next pod on the node gets them again.
	released := podIPs(pods[slices.IndexFunc(pods, func(p corev1.Pod) bool { return p.Name == "unready" })])
	if err := client.CoreV1().Pods("default").Delete(context.Background(), "unready", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitForPodIPs(t, client, "default", 1)
	createPod(t, client, "default", "next", nil)
	for _, pod := range waitForPodIPs(t, client, "default", 2) {
		if pod.Name == "next" && !slices.Equal(podIPs(pod), released) {
			t.Errorf("pod next got %v, want the released %v", podIPs(pod), released)
		}
	}
}

// TestComponentFailure: a component that cannot start is named, with its log
// file, in one line, and nothing is left running.
func TestComponentFailure(t *testing.T) {
	requireE2E(t, localcluster.Etcd, localcluster.APIServer)
	stateDir := t.TempDir()
	_, err := localcluster.Start(context.Background(), localcluster.Config{
		BinDir:   binDir(t),
		StateDir: stateDir,
		// Two ranges of one family: the apiserver refuses to start (cmd/kube-apiserver/app/options/validation.go validateClusterIPFlags).
		ExtraArgs: map[string][]string{localcluster.APIServer: {"--service-cluster-ip-range=10.96.0.0/16,10.97.0.0/16"}},
	})
	if err == nil {
		t.Fatal("Start succeeded with an invalid --service-cluster-ip-range")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "kube-apiserver exited during start-up") || !strings.HasSuffix(msg, filepath.Join(stateDir, "kube-apiserver.log")) || strings.Contains(msg, "\n") {
		t.Errorf("error should be one line naming kube-apiserver and its log file, got %q", msg)
	}
	if left := processesMentioning(stateDir); len(left) > 0 {
		t.Errorf("processes left after a failed start: %v", left)
	}
}

// TestLauncherUpDown runs `localcluster up` and `down` as `make cluster-up`
// and `make cluster-down` do.
func TestLauncherUpDown(t *testing.T) {
	requireE2E(t, "localcluster", "kubectl", localcluster.APIServer)
	stateDir := filepath.Join(t.TempDir(), "cluster")
	launcher := filepath.Join(binDir(t), "localcluster")
	began := time.Now()
	up := exec.Command(launcher, "up", "--state-dir", stateDir, "--nodes", "1")
	var progress strings.Builder
	up.Stderr = &progress
	out, err := up.Output()
	if err != nil {
		t.Fatalf("localcluster up: %v\n%s", err, progress.String())
	}
	t.Logf("localcluster up returned after %.1fs", time.Since(began).Seconds())
	kubeconfig := filepath.Join(stateDir, "kubeconfig")
	// stdout is exactly the line a shell can eval; progress goes to stderr.
	if string(out) != "export KUBECONFIG="+kubeconfig+"\n" {
		t.Errorf("up printed %q on stdout, want only the export line", out)
	}
	if !strings.Contains(progress.String(), "control plane up and serving in") {
		t.Errorf("up's progress on stderr: %q", progress.String())
	}
	t.Cleanup(func() {
		if left := processesMentioning(stateDir); len(left) > 0 {
			t.Errorf("processes left after down: %v", left)
			exec.Command(launcher, "down", "--state-dir", stateDir).Run()
		}
	})
	if got := kubectl(t, kubeconfig, "get", "nodes", "-o", "name"); strings.TrimSpace(got) != "node/node-1" {
		t.Errorf("kubectl get nodes: %q", got)
	}
	// A second up finds the running cluster.
	if again := run(t, launcher, "up", "--state-dir", stateDir); !strings.Contains(again, "already running") {
		t.Errorf("second up: %q", again)
	}
	run(t, launcher, "down", "--state-dir", stateDir)
	if _, err := os.Stat(stateDir); !os.IsNotExist(err) {
		t.Errorf("state dir %s still exists after down (%v)", stateDir, err)
	}
	if left := processesMentioning(stateDir); len(left) > 0 {
		t.Errorf("processes left after down: %v", left)
	}
}
