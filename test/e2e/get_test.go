package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// TestGet checks `kubectl dualstack get` against the real API objects and
// against the kubectl binary, in both dual-stack layouts.
func TestGet(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	for _, layout := range []localcluster.Layout{localcluster.DualStackIPv4Primary, localcluster.DualStackIPv6Primary} {
		t.Run(string(layout), func(t *testing.T) {
			c := startCluster(t, localcluster.Config{Layout: layout})
			client := kubernetes.NewForConfigOrDie(c.RESTConfig)
			kubectl(t, c.Kubeconfig, "apply", "-f", filepath.Join(repoDir, "testdata", "demo"))
			// Backends the demo lacks: one with an IPv4 address only, one never ready.
			createWebPod(t, client, "web-v4-only", map[string]string{localcluster.AnnotationIPFamilies: "IPv4"})
			createWebPod(t, client, "web-unready", map[string]string{localcluster.AnnotationReady: "false"})
			waitForPodIPs(t, client, "demo", 6)
			waitForSlices(t, client, "demo", "web", 4) // 3 replicas + the IPv4-only pod are ready

			plugin := func(args ...string) string {
				return run(t, filepath.Join(binDir(t), "kubectl-dualstack"), append(args, "--kubeconfig", c.Kubeconfig)...)
			}
			t.Run("pods", func(t *testing.T) {
				checkPodIPs(t, client, plugin("get", "pods", "-A", "-o", "wide"))
				// Pages of two pods, printed as they arrive, line up as one table
				// (same header, same cells; AGE may tick between the calls).
				paged, whole := plugin("get", "pods", "-A", "-o", "wide", "--chunk-size", "2"), plugin("get", "pods", "-A", "-o", "wide")
				if strings.SplitN(paged, "\n", 2)[0] != strings.SplitN(whole, "\n", 2)[0] {
					t.Errorf("--chunk-size=2 header differs:\n%s\nunpaged:\n%s", paged, whole)
				}
				assertSharedColumns(t, paged, whole, "NAMESPACE", "NAME", "READY", "STATUS", "IP", "NODE", "AGE")
			})
			t.Run("services", func(t *testing.T) { checkServiceIPs(t, client, plugin("get", "svc", "-A", "-o", "wide")) })
			t.Run("nodes", func(t *testing.T) { checkNodes(t, client, plugin("get", "nodes", "-o", "wide")) })
			t.Run("endpoints", func(t *testing.T) {
				checkEndpointGroups(t, client, plugin("get", "endpoints", "-A", "--all-endpoints"))
			})
			t.Run("json and name equal kubectl's", func(t *testing.T) {
				for _, pair := range [][2][]string{
					{{"get", "pods", "-n", "demo"}, {"get", "pods", "-n", "demo"}},
					{{"get", "svc", "-A"}, {"get", "svc", "-A"}},
					{{"get", "nodes"}, {"get", "nodes"}},
					{{"get", "pod", "host-agent", "-n", "demo"}, {"get", "pod", "host-agent", "-n", "demo"}},
					// The endpoints view prints the EndpointSlices it is built from.
					{{"get", "endpoints", "-n", "demo"}, {"get", "endpointslices", "-n", "demo", "-l", discoveryv1.LabelServiceName}},
				} {
					for _, format := range []string{"json", "name"} {
						ours := plugin(append(pair[0], "-o", format)...)
						theirs := kubectl(t, c.Kubeconfig, append(pair[1], "-o", format)...)
						if format == "json" {
							assertSameJSON(t, strings.Join(pair[0], " "), ours, theirs)
						} else if ours != theirs {
							t.Errorf("%v -o name:\n%s\nkubectl:\n%s", pair[0], ours, theirs)
						}
					}
				}
			})
			t.Run("parity with kubectl", func(t *testing.T) {
				assertSharedColumns(t, plugin("get", "pods", "-A", "-o", "wide"), kubectl(t, c.Kubeconfig, "get", "pods", "-A", "-o", "wide"),
					"NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "NODE", "NOMINATED NODE", "READINESS GATES")
				assertSharedColumns(t, plugin("get", "svc", "-A", "-o", "wide"), kubectl(t, c.Kubeconfig, "get", "svc", "-A", "-o", "wide"),
					"NAMESPACE", "NAME", "TYPE", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR")
				assertSharedColumns(t, plugin("get", "nodes", "-o", "wide"), kubectl(t, c.Kubeconfig, "get", "nodes", "-o", "wide"),
					"NAME", "STATUS", "ROLES", "AGE", "VERSION", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME")
			})
		})
	}
}

// TestGetErrorsAndWatch checks kubectl's error wording and the watch.
func TestGetErrorsAndWatch(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	bin := filepath.Join(binDir(t), "kubectl-dualstack")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"get", "pods", "nope"}, "Error from server (NotFound): pods \"nope\" not found\n"},
		{[]string{"get", "endpoints", "nope"}, "Error from server (NotFound): endpoints \"nope\" not found\n"},
		{[]string{"get", "pods", "-n", "empty"}, "No resources found in empty namespace.\n"},
	} {
		cmd := exec.Command(bin, append(tt.args, "--kubeconfig", c.Kubeconfig)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if stderr.String() != tt.want {
			t.Errorf("%v: stderr %q, want %q", tt.args, stderr.String(), tt.want)
		}
		if wantFail := strings.HasPrefix(tt.want, "Error"); (err != nil) != wantFail {
			t.Errorf("%v: exit error %v, want failure=%v", tt.args, err, wantFail)
		}
	}

	// -w prints the pod again once the node agent gave it its IPs.
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	podWatch := startWatch(t, bin, "get", "pods", "-w", "--kubeconfig", c.Kubeconfig)
	createPod(t, client, "default", "watched", nil)
	pod := waitForPodIPs(t, client, "default", 1)[0]
	ips := strings.Join(podIPs(pod), ",")
	podWatch.waitFor(t, func(f []string) bool { return len(f) >= 6 && f[0] == "watched" && f[5] == ips })

	// -w on endpoints prints a Service's row again when its slices change.
	epWatch := startWatch(t, bin, "get", "endpoints", "-w", "--kubeconfig", c.Kubeconfig)
	_, err := client.CoreV1().Services("default").Create(context.Background(), &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "watched"},
		Spec: corev1.ServiceSpec{
			IPFamilyPolicy: ptrTo(corev1.IPFamilyPolicyRequireDualStack),
			Selector:       map[string]string{"app": "watched"},
			Ports:          []corev1.ServicePort{{Port: 80}},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	group := "{" + pod.Status.PodIPs[0].IP + ":80,[" + pod.Status.PodIPs[1].IP + "]:80}"
	epWatch.waitFor(t, func(f []string) bool { return len(f) >= 2 && f[0] == "watched" && f[1] == group })
}

// createWebPod adds a backend of the demo's web Service, with annotations
// for the node agent.
func createWebPod(t *testing.T, client kubernetes.Interface, name string, annotations map[string]string) {
	t.Helper()
	_, err := client.CoreV1().Pods("demo").Create(context.Background(), &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}, Annotations: annotations},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "web", Image: "registry.k8s.io/e2e-test-images/agnhost:2.53",
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
		}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}

type watchProcess struct {
	lines chan string
}

// startWatch runs the plugin with -w until the test ends.
func startWatch(t *testing.T, bin string, args ...string) *watchProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	w := &watchProcess{lines: make(chan string, 100)}
	go func() {
		defer close(w.lines)
		for s := bufio.NewScanner(stdout); s.Scan(); {
			w.lines <- s.Text()
		}
	}()
	time.Sleep(500 * time.Millisecond) // let the watch start before the change
	return w
}

// waitFor reads lines until one's fields match, for at most 30 seconds.
func (w *watchProcess) waitFor(t *testing.T, match func(fields []string) bool) {
	t.Helper()
	var seen []string
	deadline := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-w.lines:
			if !ok {
				t.Fatalf("the watch ended; it printed:\n%s", strings.Join(seen, "\n"))
			}
			seen = append(seen, line)
			if match(strings.Fields(line)) {
				return
			}
		case <-deadline:
			t.Fatalf("no matching line in 30s; the watch printed:\n%s", strings.Join(seen, "\n"))
		}
	}
}

// columns splits kubectl-style table output into header -> cell maps. Cells
// are separated by at least three spaces (kubectl's padding); cells may hold
// single spaces ("3 (5m ago)").
func columns(t *testing.T, out string) []map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	header := lines[0]
	var starts []int
	var names []string
	for _, m := range regexp.MustCompile(`\S+( \S+)*`).FindAllStringIndex(header, -1) {
		starts = append(starts, m[0])
		names = append(names, header[m[0]:m[1]])
	}
	var rows []map[string]string
	for _, line := range lines[1:] {
		row := map[string]string{}
		for i, start := range starts {
			end := len(line)
			if i+1 < len(starts) && starts[i+1] < end {
				end = starts[i+1]
			}
			if start < len(line) {
				row[names[i]] = strings.TrimSpace(line[start:end])
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func checkPodIPs(t *testing.T, client kubernetes.Interface, out string) {
	pods, err := client.CoreV1().Pods("").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, p := range pods.Items {
		ips := strings.Join(podIPs(p), ",")
		if ips == "" {
			ips = "<none>"
		}
		want[p.Namespace+"/"+p.Name] = ips
	}
	got := map[string]string{}
	for _, row := range columns(t, out) {
		got[row["NAMESPACE"]+"/"+row["NAME"]] = row["IP"]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pod IPs: got %v, want status.podIPs %v\n%s", got, want, out)
	}
}

func checkServiceIPs(t *testing.T, client kubernetes.Interface, out string) {
	svcs, err := client.CoreV1().Services("").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, s := range svcs.Items {
		var fams []string
		for _, f := range s.Spec.IPFamilies {
			fams = append(fams, string(f))
		}
		want[s.Namespace+"/"+s.Name] = strings.Join(s.Spec.ClusterIPs, ",") + " " + strings.Join(fams, ",") + " " + string(*s.Spec.IPFamilyPolicy)
	}
	got := map[string]string{}
	for _, row := range columns(t, out) {
		got[row["NAMESPACE"]+"/"+row["NAME"]] = row["CLUSTER-IPS"] + " " + row["IP-FAMILIES"] + " " + row["IP-FAMILY-POLICY"]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("services: got %v, want spec.clusterIPs, ipFamilies, ipFamilyPolicy %v\n%s", got, want, out)
	}
}

func checkNodes(t *testing.T, client kubernetes.Interface, out string) {
	nodes, err := client.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, n := range nodes.Items {
		want[n.Name] = strings.Join(internalIPs(n), ",") + " " + strings.Join(n.Spec.PodCIDRs, ",")
	}
	got := map[string]string{}
	for _, row := range columns(t, out) {
		got[row["NAME"]] = row["INTERNAL-IPS"] + " " + row["POD-CIDRS"]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("nodes: got %v, want %v\n%s", got, want, out)
	}
}

// checkEndpointGroups: every ready address of every EndpointSlice appears
// exactly once, in the group of its pod, ordered by the Service's families.
func checkEndpointGroups(t *testing.T, client kubernetes.Interface, out string) {
	checkEndpointGroupsOf(t, client, "", "", out)
}

// checkEndpointGroupsOf checks the groups in out (NAMESPACE NAME ENDPOINTS
// AGE rows) against the slices of Service ns/service, or of all Services.
func checkEndpointGroupsOf(t *testing.T, client kubernetes.Interface, ns, service, out string) {
	t.Helper()
	ctx := context.Background()
	opts := metav1.ListOptions{}
	if service != "" {
		opts.LabelSelector = discoveryv1.LabelServiceName + "=" + service
	}
	sliceList, err := client.DiscoveryV1().EndpointSlices(ns).List(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	podOf := map[string]string{} // namespace/service/ip:port -> pod
	for _, s := range sliceList.Items {
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
				continue
			}
			ports := s.Ports
			if len(ports) == 0 { // a slice without ports: the addresses alone
				ports = []discoveryv1.EndpointPort{{}}
			}
			for _, p := range ports {
				for _, a := range ep.Addresses {
					addr := a
					if p.Port != nil {
						addr = net.JoinHostPort(a, strconv.Itoa(int(*p.Port)))
					}
					key := s.Namespace + "/" + s.Labels[discoveryv1.LabelServiceName] + "/" + addr
					podOf[key] = "" // the kubernetes Service's endpoint has no targetRef
					if ep.TargetRef != nil {
						podOf[key] = ep.TargetRef.Name
					}
				}
			}
		}
	}
	seen := map[string]int{}
	var rowNS, svc string
	group := regexp.MustCompile(`\{([^}]*)\}`)
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n")[1:] {
		if f := strings.Fields(line); len(f) == 4 { // NAMESPACE NAME ENDPOINTS AGE
			rowNS, svc = f[0], f[1]
		}
		for _, m := range group.FindAllStringSubmatch(line, -1) {
			members := strings.Split(m[1], ",")
			pods := map[string]bool{}
			for _, addr := range members {
				key := rowNS + "/" + svc + "/" + addr
				seen[key]++
				pods[podOf[key]] = true
			}
			if len(pods) != 1 {
				t.Errorf("group %s of %s/%s mixes backends %v", m[0], rowNS, svc, pods)
			}
			if len(members) == 2 {
				s, err := client.CoreV1().Services(rowNS).Get(ctx, svc, metav1.GetOptions{})
				if err == nil && familyOfHostPort(members[0]) != s.Spec.IPFamilies[0] {
					t.Errorf("group %s of %s/%s is not ordered by ipFamilies %v", m[0], rowNS, svc, s.Spec.IPFamilies)
				}
			}
		}
	}
	for key := range podOf {
		if seen[key] != 1 {
			t.Errorf("address %s shown %d times, want once", key, seen[key])
		}
	}
	for key, n := range seen {
		if _, ok := podOf[key]; !ok {
			t.Errorf("address %s shown %d times but is no ready endpoint", key, n)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

func waitForSlices(t *testing.T, client kubernetes.Interface, ns, service string, readyPerFamily int) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := sliceAddresses(ctx, client, ns, service)
		if err != nil {
			return false, err
		}
		return len(got[discoveryv1.AddressTypeIPv4]) >= readyPerFamily, nil
	})
	if err != nil {
		t.Fatalf("EndpointSlices of %s/%s: %v", ns, service, err)
	}
}

func assertSameJSON(t *testing.T, what, ours, theirs string) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal([]byte(ours), &a); err != nil {
		t.Fatalf("%s -o json: %v\n%s", what, err, ours)
	}
	if err := json.Unmarshal([]byte(theirs), &b); err != nil {
		t.Fatalf("kubectl -o json: %v", err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s -o json differs from kubectl's:\nours:\n%s\nkubectl:\n%s", what, ours, theirs)
	}
}

// assertSharedColumns compares the named columns row by row. AGE may tick
// between the two calls: it must match or differ by at most two seconds.
func assertSharedColumns(t *testing.T, ours, theirs string, names ...string) {
	t.Helper()
	a, b := columns(t, ours), columns(t, theirs)
	if len(a) != len(b) {
		t.Fatalf("%d rows, kubectl has %d\nours:\n%s\nkubectl:\n%s", len(a), len(b), ours, theirs)
	}
	for i := range a {
		for _, name := range names {
			x, y := a[i][name], b[i][name]
			if x != y && !(name == "AGE" && agesClose(x, y)) && !(name == "KERNEL-VERSION" && olderKernelCell(x, y)) {
				t.Errorf("row %d column %s: %q, kubectl %q", i, name, x, y)
			}
		}
	}
}

// olderKernelCell: the plugin prints the pinned version's node table, whose
// KERNEL-VERSION ends with the architecture (pkg/printers/internalversion
// printNode); kubectl shows the server's, which older servers print
// without it (make test-compat).
func olderKernelCell(ours, server string) bool {
	return !strings.Contains(server, " (") && strings.HasPrefix(ours, server+" (") && strings.HasSuffix(ours, ")")
}

func agesClose(a, b string) bool {
	da, errA := time.ParseDuration(a)
	db, errB := time.ParseDuration(b)
	return errA == nil && errB == nil && (da-db).Abs() <= 2*time.Second
}

func familyOfHostPort(hostPort string) corev1.IPFamily {
	host, _, _ := net.SplitHostPort(hostPort)
	if strings.Contains(host, ":") {
		return corev1.IPv6Protocol
	}
	return corev1.IPv4Protocol
}
