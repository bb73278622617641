package e2e

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/report"
)

// fastClient is the admin's client without client-go's 5 requests a
// second: the tests create Services by the hundred.
func fastClient(t *testing.T, c *localcluster.Cluster) kubernetes.Interface {
	t.Helper()
	config := rest.CopyConfig(c.RESTConfig)
	config.QPS, config.Burst = 500, 1000
	return kubernetes.NewForConfigOrDie(config)
}

// createServices creates the Services mk makes for 0..n-1, concurrently.
func createServices(t *testing.T, client kubernetes.Interface, n int, mk func(i int) *corev1.Service) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := make(chan int)
	for range 32 {
		wg.Go(func() {
			for i := range next {
				svc := mk(i)
				if _, err := client.CoreV1().Services(svc.Namespace).Create(context.Background(), svc, metav1.CreateOptions{}); err != nil {
					errs <- fmt.Errorf("service %s/%s: %w", svc.Namespace, svc.Name, err)
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// service is a Service of one port, of the given policy and families,
// with the given ClusterIPs (none: allocated).
func service(ns, name string, policy corev1.IPFamilyPolicy, families []corev1.IPFamily, clusterIPs ...string) *corev1.Service {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{
			IPFamilyPolicy: ptr.To(policy), IPFamilies: families,
			Ports: []corev1.ServicePort{{Port: 80}},
		},
	}
	if len(clusterIPs) > 0 {
		svc.Spec.ClusterIP, svc.Spec.ClusterIPs = clusterIPs[0], clusterIPs
	}
	return svc
}

func createNamespace(t *testing.T, client kubernetes.Interface, name string) {
	t.Helper()
	if _, err := client.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// ipAddressesByFamily counts the IPAddress objects, as kubectl lists them.
func ipAddressesByFamily(t *testing.T, c *localcluster.Cluster) map[corev1.IPFamily][]netip.Addr {
	t.Helper()
	out := map[corev1.IPFamily][]netip.Addr{}
	for _, name := range strings.Fields(kubectl(t, c.Kubeconfig, "get", "ipaddresses", "-o", `jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}`)) {
		addr := netip.MustParseAddr(name)
		fam := corev1.IPv4Protocol
		if addr.Is6() {
			fam = corev1.IPv6Protocol
		}
		out[fam] = append(out[fam], addr)
	}
	return out
}

// serviceCIDRRange is one line of `get servicecidrs`.
type serviceCIDRRange struct {
	name, family         string
	size, used, free     uint64
	percent, byNamespace string
}

// getServiceCIDRs runs `get servicecidrs` with args and returns its lines
// by CIDR, each with the name of its ServiceCIDR (continuation lines leave
// it empty), and its stderr.
func getServiceCIDRs(t *testing.T, c *localcluster.Cluster, args ...string) (map[string]serviceCIDRRange, string) {
	t.Helper()
	out, stderr, code := runSplit(t, filepath.Join(binDir(t), "kubectl-dualstack"), append([]string{"get", "servicecidrs", "--kubeconfig", c.Kubeconfig}, args...)...)
	if code != 0 {
		t.Fatalf("get servicecidrs %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	t.Logf("get servicecidrs %s:\n%s", strings.Join(args, " "), out)
	ranges := map[string]serviceCIDRRange{}
	name := ""
	for _, row := range columns(t, out) {
		name = cmp.Or(row["NAME"], name)
		number := func(col string) uint64 {
			n, err := strconv.ParseUint(row[col], 10, 64)
			if err != nil {
				t.Fatalf("column %s of %v: %v", col, row, err)
			}
			return n
		}
		ranges[row["CIDR"]] = serviceCIDRRange{name: name, family: row["FAMILY"], size: number("SIZE"), used: number("USED"), free: number("FREE"),
			percent: row["USED%"], byNamespace: row["SERVICES-BY-NAMESPACE"]}
	}
	return ranges, stderr
}

// TestGetServiceCIDRsCounts: on a cluster of 1,000 dual-stack Services,
// the addresses `get servicecidrs` counts in use, read page by page, are
// those `kubectl get ipaddresses` lists, family by family; the sizes are
// the allocator's; -o wide names the namespace that holds them; and check
// finds the ranges far from full.
func TestGetServiceCIDRsCounts(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	requireServiceCIDRsV1(t, c)
	client := fastClient(t, c)
	createNamespace(t, client, "capacity")
	began := time.Now()
	createServices(t, client, 1000, func(i int) *corev1.Service {
		return service("capacity", fmt.Sprintf("svc-%04d", i), corev1.IPFamilyPolicyRequireDualStack, nil)
	})
	t.Logf("1000 dual-stack Services created in %.1fs", time.Since(began).Seconds())

	ips := ipAddressesByFamily(t, c)
	began = time.Now()
	// -v=6 logs each request: the IPAddresses come in pages of 100.
	ranges, stderr := getServiceCIDRs(t, c, "--chunk-size=100", "-o", "wide", "-v=6")
	pages := strings.Count(stderr, "/apis/networking.k8s.io/v1/ipaddresses?")
	t.Logf("get servicecidrs over %d IPAddresses, in %d pages of 100: %.2fs", len(ips[corev1.IPv4Protocol])+len(ips[corev1.IPv6Protocol]), pages, time.Since(began).Seconds())
	if pages < 21 {
		t.Errorf("%d requests for IPAddresses, want one per 100 of them", pages)
	}
	for cidr, want := range map[string]struct {
		family      corev1.IPFamily
		size        uint64
		byNamespace string // on the ServiceCIDR's first line only
	}{
		"10.96.0.0/16":     {corev1.IPv4Protocol, 1<<16 - 2, "capacity:1000,default:1,kube-system:1"}, // network and broadcast addresses reserved
		"fd00:10:96::/112": {corev1.IPv6Protocol, 1<<16 - 1, ""},                                      // the network address reserved
	} {
		got, ok := ranges[cidr]
		n := uint64(len(ips[want.family]))
		switch {
		case !ok:
			t.Errorf("no line for %s", cidr)
		case got.name != "kubernetes" || got.family != string(want.family) || got.size != want.size:
			t.Errorf("%s: %+v, want ServiceCIDR kubernetes, %s, size %d", cidr, got, want.family, want.size)
		case got.used != n || got.free != want.size-n || n < 1000:
			t.Errorf("%s: %d used, %d free; kubectl get ipaddresses lists %d %s addresses", cidr, got.used, got.free, n, want.family)
		case got.byNamespace != want.byNamespace:
			t.Errorf("%s: services by namespace %q, want %q", cidr, got.byNamespace, want.byNamespace)
		}
	}
	r, code := runCheck(t, c.Kubeconfig)
	if f := findingsOf(r, "capacity-service-addresses"); code != 0 || len(f) != 1 || f[0].Result != check.Pass {
		t.Errorf("check: exit %d, capacity-service-addresses %+v; want a pass\n%s", code, f, describeFindings(r))
	}
}

// TestCheckCapacitySmallServiceCIDR: a cluster whose default ranges are a
// /28 and a /124, and a ServiceCIDR of a /28 and a /124 more, filled by
// Services pinned into it and by allocated ones: past 80% of a family's
// addresses check warns, past 95% it fails, and when they are all taken
// the apiserver refuses the next Service with the message the rule
// quotes.
func TestCheckCapacitySmallServiceCIDR(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	small := "--service-cluster-ip-range=10.96.0.0/28,fd00:10:96::/124"
	c := startCluster(t, localcluster.Config{Nodes: 1, ExtraArgs: map[string][]string{
		localcluster.APIServer: {small}, localcluster.ControllerManager: {small},
	}})
	requireServiceCIDRsV1(t, c)
	client := fastClient(t, c)
	ctx := context.Background()
	_, err := client.NetworkingV1().ServiceCIDRs().Create(ctx, &networkingv1.ServiceCIDR{
		ObjectMeta: metav1.ObjectMeta{Name: "extra"},
		Spec:       networkingv1.ServiceCIDRSpec{CIDRs: []string{"10.97.0.0/28", "fd00:10:97::/124"}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	createNamespace(t, client, "pinned")
	createNamespace(t, client, "allocated")
	dual := []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}
	pinned := func(i int) *corev1.Service {
		return service("pinned", fmt.Sprintf("pinned-%d", i), corev1.IPFamilyPolicyRequireDualStack, dual, fmt.Sprintf("10.97.0.%d", i), fmt.Sprintf("fd00:10:97::%x", i))
	}
	// The apiserver allocates from a new ServiceCIDR once its informer
	// has it: the first pinned Service waits for that.
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := client.CoreV1().Services("pinned").Create(ctx, pinned(1), metav1.CreateOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("no Service could be pinned into ServiceCIDR extra: %v", err)
	}
	createServices(t, client, 11, func(i int) *corev1.Service { return pinned(i + 2) }) // 10.97.0.1-12
	allocated := 0
	allocate := func(n int, policy corev1.IPFamilyPolicy, families ...corev1.IPFamily) {
		createServices(t, client, n, func(i int) *corev1.Service {
			return service("allocated", fmt.Sprintf("svc-%d", allocated+i), policy, families)
		})
		allocated += n
	}
	// 28 IPv4 addresses, 30 IPv6 ones; kubernetes and kube-dns hold 2 IPv4.
	allocate(10, corev1.IPFamilyPolicyRequireDualStack)
	allocate(2, corev1.IPFamilyPolicySingleStack, corev1.IPv6Protocol)
	stage := func(name string, wantV4, wantV6 int, wantSev map[string]check.Severity, wantCode int) report.Report {
		t.Helper()
		ips := ipAddressesByFamily(t, c)
		if len(ips[corev1.IPv4Protocol]) != wantV4 || len(ips[corev1.IPv6Protocol]) != wantV6 {
			t.Fatalf("%s: kubectl lists %d IPv4 and %d IPv6 addresses, want %d and %d", name, len(ips[corev1.IPv4Protocol]), len(ips[corev1.IPv6Protocol]), wantV4, wantV6)
		}
		r, code := runCheck(t, c.Kubeconfig)
		t.Logf("%s: summary %+v\n%s", name, r.Summary, describeFindings(r))
		got := map[string]check.Severity{}
		for _, f := range findingsOf(r, "capacity-service-addresses") {
			if f.Result == check.Fail {
				got[f.Subject] = f.Severity
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(wantSev) || !slices.Equal(failing(r), []string{"capacity-service-addresses"}) || code != wantCode {
			t.Errorf("%s: capacity-service-addresses %v, failing %v, exit %d; want %v, only that rule, exit %d", name, got, failing(r), code, wantSev, wantCode)
		}
		return r
	}

	// 24 of 28 IPv4 (85.7%), 24 of 30 IPv6 (80.0%).
	stage("past 80%", 24, 24, map[string]check.Severity{"servicecidrs IPv4": check.Warning, "servicecidrs IPv6": check.Warning}, 0)
	ranges, _ := getServiceCIDRs(t, c, "extra")
	for _, cidr := range []string{"10.97.0.0/28", "fd00:10:97::/124"} {
		got := ranges[cidr]
		if percent, err := strconv.ParseFloat(strings.TrimSuffix(got.percent, "%"), 64); err != nil || percent < 80 || got.used < 12 {
			t.Errorf("ServiceCIDR extra %s: %+v, want 12 pinned addresses or more, 80%% used or more", cidr, got)
		}
	}

	// 27 of 28 IPv4 (96.4%), 27 of 30 IPv6 (90.0%).
	allocate(3, corev1.IPFamilyPolicyRequireDualStack)
	stage("past 95%", 27, 27, map[string]check.Severity{"servicecidrs IPv4": check.Error, "servicecidrs IPv6": check.Warning}, 1)

	// Every IPv4 address taken: the next IPv4 Service is refused.
	allocate(1, corev1.IPFamilyPolicySingleStack, corev1.IPv4Protocol)
	_, err = client.CoreV1().Services("allocated").Create(ctx, service("allocated", "one-too-many", corev1.IPFamilyPolicySingleStack, []corev1.IPFamily{corev1.IPv4Protocol}), metav1.CreateOptions{})
	// Older allocators (1.34's, say) do not name the Service.
	refusals := []string{`Internal error occurred: failed to allocate a serviceIP for Service "one-too-many": range is full`, `Internal error occurred: failed to allocate a serviceIP: range is full`}
	if err == nil || !slices.Contains(refusals, err.Error()) {
		t.Errorf("a Service past the last IPv4 address: %v, want one of %q", err, refusals)
	}
	r := stage("full", 28, 27, map[string]check.Severity{"servicecidrs IPv4": check.Error, "servicecidrs IPv6": check.Warning}, 1)
	for _, f := range findingsOf(r, "capacity-service-addresses") {
		if f.Subject == "servicecidrs IPv4" && !strings.Contains(f.Message, `28 of 28 IPv4 service addresses in use (100.0%; error from 95%): the next Service of this family fails with "range is full"`) {
			t.Errorf("IPv4 full: %q", f.Message)
		}
	}
}

// TestCheckCapacityNodePodCIDRs: six nodes on a cluster CIDR that holds
// four node ranges (a /28 at node mask /30). The real controller-manager
// gives four nodes a range and the other two a CIDRNotAvailable event;
// check names those two in an error, quoting the event, and warns that
// the cluster CIDR is full. Nothing else fails.
func TestCheckCapacityNodePodCIDRs(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{
		Layout: localcluster.SingleStackIPv4, Nodes: 6, PodCIDRsOptional: true,
		ExtraArgs: map[string][]string{localcluster.ControllerManager: {"--cluster-cidr=10.244.0.0/28", "--node-cidr-mask-size-ipv4=30"}},
	})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	var without []string
	// Node IPAM retries a node it could not serve with a growing delay, and
	// records the event on each try: on a loaded machine the second node's
	// first try can come late.
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		without = nil
		for _, n := range nodes.Items {
			if len(n.Spec.PodCIDRs) == 0 {
				without = append(without, n.Name)
			}
		}
		events, err := client.CoreV1().Events(metav1.NamespaceDefault).List(ctx, metav1.ListOptions{FieldSelector: "reason=CIDRNotAvailable"})
		if err != nil {
			return false, err
		}
		noted := map[string]bool{}
		for _, e := range events.Items {
			noted[e.InvolvedObject.Name] = true
		}
		return len(without) == 2 && noted[without[0]] && noted[without[1]], nil
	})
	if err != nil {
		events, _ := client.CoreV1().Events("").List(context.Background(), metav1.ListOptions{FieldSelector: "reason=CIDRNotAvailable"})
		var seen []string
		if events != nil {
			for _, e := range events.Items {
				seen = append(seen, e.Namespace+"/"+e.InvolvedObject.Name)
			}
		}
		t.Fatalf("waiting for two nodes without podCIDRs, each with a CIDRNotAvailable event (without: %v; events on %v): %v", without, seen, err)
	}
	waitForServiceSlices(t, client) // the cluster is only just up
	r, code := runCheck(t, c.Kubeconfig)
	t.Logf("summary %+v\n%s", r.Summary, describeFindings(r))
	if got := failing(r); !slices.Equal(got, []string{"capacity-node-pod-cidrs", "capacity-node-pod-cidrs-allocated"}) || code != 1 {
		t.Errorf("failing rules %v, exit %d; want the two capacity rules, exit 1", got, code)
	}
	var subjects []string
	for _, f := range findingsOf(r, "capacity-node-pod-cidrs-allocated") {
		// A node that got the event and then a range (node IPAM races
		// itself while nodes register at once) is an info, "resolved since".
		if f.Result != check.Fail || f.Severity == check.Info && strings.Contains(f.Message, "resolved since") {
			continue
		}
		subjects = append(subjects, f.Subject)
		node := strings.TrimSuffix(strings.TrimPrefix(f.Subject, "node/"), " spec.podCIDRs")
		want := fmt.Sprintf(`event CIDRNotAvailable "Node %s status is now: CIDRNotAvailable"`, node)
		if f.Severity != check.Error || !strings.Contains(f.Message, want) || !strings.Contains(f.Message, "--cluster-cidr 10.244.0.0/28 holds 4 node ranges at mask /30, all taken") {
			t.Errorf("%s: %s %q, want an error quoting %s", f.Subject, f.Severity, f.Message, want)
		}
	}
	if !sameSet(subjects, []string{"node/" + without[0] + " spec.podCIDRs", "node/" + without[1] + " spec.podCIDRs"}) {
		t.Errorf("capacity-node-pod-cidrs-allocated names %v, want the nodes without podCIDRs %v", subjects, without)
	}
	if f := findingOf(t, r, "capacity-node-pod-cidrs"); !strings.Contains(f.Message, "holds 4 node ranges: 4 taken (100.0%), the next node gets none (CIDRNotAvailable); 2 nodes have no IPv4 podCIDR") {
		t.Errorf("capacity-node-pod-cidrs: %q", f.Message)
	}
}
