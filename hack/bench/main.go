// Command bench is `make bench`: it starts the local control plane, fills
// it through the API with a dual-stack population, and times kubectl and
// the plugin side by side on the same data, against the least a client can
// do (a protobuf LIST), at one size and then over a sweep of sizes. It
// prints markdown: the tables, and which goals of issues 9, 16 and 17 hold.
//
//	bench [-nodes 100] [-pods 10000] [-services 1000] [-runs 5] [-sweep 1000,10000,30000] [-report FILE]
//	bench floor pods|check --kubeconfig FILE   (the floors, run by the bench as their own processes)
//	bench exec PATH ARGS...                    (runs one measured command; see runOnce)
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

var logOut io.Writer = os.Stderr

func logf(format string, args ...any) { fmt.Fprintf(logOut, "bench: "+format+"\n", args...) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "floor":
		err = runFloor(ctx, os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "exec":
		err = runExec(ctx, os.Args[2:])
	default:
		err = run(ctx, os.Args[1:])
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	nodes, pods, services, runs int
	sweep                       []int
	binDir, toolsDir, report    string
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&o.nodes, "nodes", 100, "nodes the node agent registers")
	fs.IntVar(&o.pods, "pods", 10000, "pods of the main table (each with an IPv4 and an IPv6 address)")
	fs.IntVar(&o.services, "services", 1000, "Services, of mixed IP family policies; each selects pods/services pods")
	fs.IntVar(&o.runs, "runs", 5, "timed runs of each command (after one warm-up run)")
	sweep := fs.String("sweep", "1000,10000,30000", "pod counts of the size sweep, comma-separated; empty skips it")
	fs.StringVar(&o.binDir, "bin-dir", "bin", "directory of kubectl-dualstack")
	fs.StringVar(&o.toolsDir, "tools-dir", "", "directory of kubectl and the control plane (default: -bin-dir)")
	fs.StringVar(&o.report, "report", "", "also write the markdown report to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.toolsDir == "" {
		o.toolsDir = o.binDir
	}
	var err error
	if o.sweep, err = parseSizes(*sweep); err != nil {
		return o, err
	}
	if o.nodes <= 0 || o.pods <= 0 || o.services <= 0 || o.runs <= 0 {
		return o, errors.New("-nodes, -pods, -services and -runs must be positive")
	}
	return o, nil
}

// clusterArgs are the controller-manager's pod range flags for nodes
// holding maxPods in all: each node's IPv4 range widens when more pods
// than a /24 holds land on a node, and the cluster ranges widen (as on the
// clusters of the scalability tests) when the layout's /16 and /56 cannot
// hold every node's range.
func clusterArgs(nodes, maxPods int) ([]string, error) {
	perNode := (maxPods+nodes-1)/nodes + 10       // and kube-system's pods
	mask := min(24, 32-bits.Len(uint(perNode+2))) // host-local skips .0 and .1
	var args []string
	if mask < 24 {
		args = append(args, fmt.Sprintf("--node-cidr-mask-size-ipv4=%d", mask))
	}
	const v6NodeMask = 64
	if nodes <= 1<<(mask-16) && nodes <= 1<<(v6NodeMask-56) {
		return args, nil
	}
	nodeBits := bits.Len(uint(nodes - 1))
	v4 := netip.PrefixFrom(netip.MustParseAddr("10.244.0.0"), mask-nodeBits).Masked()
	v6 := netip.PrefixFrom(netip.MustParseAddr("fd00:10:244::"), v6NodeMask-nodeBits).Masked()
	if nodeBits > 16 || v4.Overlaps(netip.MustParsePrefix("10.96.0.0/16")) {
		return nil, fmt.Errorf("%d pods on %d nodes need a /%d IPv4 range per node: a cluster range for them would overlap the service range; use fewer nodes or pods", maxPods, nodes, mask)
	}
	return append(args, "--cluster-cidr="+v4.String()+","+v6.String()), nil
}

func run(ctx context.Context, args []string) (err error) {
	o, err := parseOptions(args)
	if err != nil {
		return err
	}
	sizes := slices.Sorted(slices.Values(append(slices.Clone(o.sweep), o.pods)))
	sizes = slices.Compact(sizes)
	rangeArgs, err := clusterArgs(o.nodes, sizes[len(sizes)-1])
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	kubectl, plugin := filepath.Join(o.toolsDir, "kubectl"), filepath.Join(o.binDir, "kubectl-dualstack")
	for _, f := range []string{kubectl, plugin} {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("%s not found: run `make build tools` first", f)
		}
	}
	began := time.Now()
	loadBefore := loadAvg()

	// The controller-manager's clients default to 20 QPS: 1,000 Services'
	// slices would trickle in. Slice updates are batched for a second while
	// pods keep coming, as large clusters do. The node agent renews at most
	// 100 leases a second (5,000 nodes: a round in 50 s), where 5,000
	// kubelets would write 500 a second on a control plane of many cores:
	// the grace period before a node is unreachable (and its pods evicted)
	// covers a round with room to spare.
	cmArgs := append([]string{
		"--kube-api-qps=300", "--kube-api-burst=600",
		"--concurrent-service-endpoint-syncs=10",
		"--endpointslice-updates-batch-period=1s",
		"--node-monitor-grace-period=5m",
	}, rangeArgs...)
	logf("starting the local control plane with %d nodes", o.nodes)
	cluster, err := localcluster.Start(ctx, localcluster.Config{
		Nodes: o.nodes, BinDir: o.toolsDir,
		ExtraArgs: map[string][]string{localcluster.ControllerManager: cmArgs},
		Log:       func(format string, args ...any) { logf("  "+format, args...) },
	})
	if err != nil {
		return err
	}
	defer cluster.Stop()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case err := <-cluster.Failed():
			cancel(err)
		case <-ctx.Done():
		}
	}()
	defer func() {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			err = cause
		}
	}()
	logf("control plane up in %.1fs", time.Since(began).Seconds())

	cfg, err := fastConfig(cluster.Kubeconfig)
	if err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	version, err := client.Discovery().ServerVersion()
	if err != nil {
		return err
	}
	nodeNames := make([]string, o.nodes)
	for i := range nodeNames {
		nodeNames[i] = fmt.Sprintf("node-%d", i+1) // as the node agent names them
	}
	pop := &population{client: client, nodes: nodeNames, services: o.services, logf: logf}
	if err := pop.createNamespaces(ctx); err != nil {
		return err
	}

	cacheDir, err := os.MkdirTemp("", "bench-cache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cacheDir)
	env := benchEnv(cacheDir)
	// What a measured process inherits from the wrapper: its RSS floor.
	baseline, err := runOnce(ctx, self, command{Label: "bench exec true", Path: "/bin/true"}, env)
	if err != nil {
		return err
	}
	kc := "--kubeconfig=" + cluster.Kubeconfig
	cmds := map[string]command{
		"kubectl pods":   {Label: "`kubectl get pods -A -o wide`", Path: kubectl, Args: []string{kc, "get", "pods", "-A", "-o", "wide"}},
		"plugin pods":    {Label: "`kubectl dualstack get pods -A -o wide`", Path: plugin, Args: []string{kc, "get", "pods", "-A", "-o", "wide"}},
		"floor pods":     {Label: "floor: one paginated protobuf LIST of all pods", Path: self, Args: []string{"floor", "pods", kc}},
		"kubectl slices": {Label: "`kubectl get endpointslices -A`", Path: kubectl, Args: []string{kc, "get", "endpointslices", "-A"}},
		"plugin slices":  {Label: "`kubectl dualstack get endpoints -A`", Path: plugin, Args: []string{kc, "get", "endpoints", "-A"}},
		"kubectl svc":    {Label: "`kubectl get svc -A -o wide`", Path: kubectl, Args: []string{kc, "get", "svc", "-A", "-o", "wide"}},
		"plugin svc":     {Label: "`kubectl dualstack get svc -A -o wide`", Path: plugin, Args: []string{kc, "get", "svc", "-A", "-o", "wide"}},
		"plugin check":   {Label: "`kubectl dualstack check` (live, all rules)", Path: plugin, Args: []string{kc, "check"}, OKCodes: []int{1}},
		"plugin summary": {Label: "`kubectl dualstack summary -A`", Path: plugin, Args: []string{kc, "summary", "-A"}},
		"floor check":    {Label: "floor: list check's objects once (protobuf)", Path: self, Args: []string{"floor", "check", kc}},
	}
	pick := func(keys ...string) []command {
		var out []command
		for _, k := range keys {
			out = append(out, cmds[k])
		}
		return out
	}
	mainKeys := []string{"kubectl pods", "plugin pods", "floor pods", "kubectl slices", "plugin slices", "kubectl svc", "plugin svc", "plugin check", "plugin summary", "floor check"}

	var (
		popNotes            []string
		mainStats           map[string]stats
		slicesN, mainSlices int
		sweep               []sweepPoint
	)
	for _, size := range sizes {
		step := time.Now()
		logf("populating: %d pods", size)
		if err := pop.growPods(ctx, size); err != nil {
			return err
		}
		if pop.families == nil {
			if err := pop.createServices(ctx); err != nil {
				return err
			}
			if err := pop.createNetworkObjects(ctx); err != nil {
				return err
			}
		}
		if slicesN, err = pop.waitSlices(ctx); err != nil {
			return err
		}
		popNotes = append(popNotes, fmt.Sprintf("%d pods: %.0fs (%d EndpointSlices)", size, time.Since(step).Seconds(), slicesN))
		logf("populated %d pods, %d Services, %d EndpointSlices in %.1fs", size, o.services, slicesN, time.Since(step).Seconds())

		var got map[string]stats
		if size == o.pods {
			mainSlices = slicesN
			logf("measuring %d commands, %d runs each", len(mainKeys), o.runs)
			if got, err = measure(ctx, self, pick(mainKeys...), o.runs, env, logf); err != nil {
				return err
			}
			mainStats = got
		} else {
			logf("measuring the sweep's commands at %d pods, %d runs each", size, o.runs)
			if got, err = measure(ctx, self, pick("kubectl pods", "plugin pods", "plugin check", "plugin summary"), o.runs, env, logf); err != nil {
				return err
			}
		}
		if slices.Contains(o.sweep, size) {
			at := func(k string) stats { return got[cmds[k].Label] }
			sweep = append(sweep, sweepPoint{Pods: size, KubectlPods: at("kubectl pods"), PluginPods: at("plugin pods"), Check: at("plugin check"), Summary: at("plugin summary")})
		}
	}

	at := func(k string) stats { return mainStats[cmds[k].Label] }
	var out bytes.Buffer
	fmt.Fprintf(&out, "### %d nodes, %d dual-stack pods, %d Services, %d EndpointSlices\n\n", o.nodes, o.pods, o.services, mainSlices)
	fmt.Fprintf(&out, "Kubernetes %s, %d CPUs, load average %s before and %s after; %d timed runs of each command, interleaved, after one warm-up run; peak RSS as rusage reports it (%s for /bin/true under the same wrapper). Population through the API: %s. Whole bench: %.0fs.\n\n",
		version.GitVersion, runtime.NumCPU(), loadBefore, loadAvg(), o.runs, mib(baseline.rssKiB), strings.Join(popNotes, "; "), time.Since(began).Seconds())
	kubectlRef := func(k string) ref { return ref{"kubectl", at(k)} }
	floorRef := func(k string) ref { return ref{"floor", at(k)} }
	writeTable(&out, []row{
		{Label: cmds["kubectl pods"].Label, Stats: at("kubectl pods")},
		{Label: cmds["plugin pods"].Label, Stats: at("plugin pods"), Refs: []ref{kubectlRef("kubectl pods"), floorRef("floor pods")}},
		{Label: cmds["floor pods"].Label, Stats: at("floor pods")},
		{Label: cmds["kubectl slices"].Label, Stats: at("kubectl slices")},
		{Label: cmds["plugin slices"].Label, Stats: at("plugin slices"), Refs: []ref{kubectlRef("kubectl slices")}},
		{Label: cmds["kubectl svc"].Label, Stats: at("kubectl svc")},
		{Label: cmds["plugin svc"].Label, Stats: at("plugin svc"), Refs: []ref{kubectlRef("kubectl svc")}},
		{Label: cmds["plugin check"].Label, Stats: at("plugin check"), Refs: []ref{{"kubectl get pods", at("kubectl pods")}, floorRef("floor check")}},
		{Label: cmds["plugin summary"].Label, Stats: at("plugin summary"), Refs: []ref{{"check", at("plugin check")}, floorRef("floor check")}},
		{Label: cmds["floor check"].Label, Stats: at("floor check")},
	})
	if len(sweep) > 0 {
		fmt.Fprintf(&out, "\nSize sweep (%d nodes and %d Services throughout; median time, median peak RSS):\n\n", o.nodes, o.services)
		writeSweep(&out, sweep)
	}
	figs := figures{
		KubectlPods: at("kubectl pods"), PluginPods: at("plugin pods"), FloorPods: at("floor pods"),
		KubectlSlices: at("kubectl slices"), PluginEndpoints: at("plugin slices"), Check: at("plugin check"),
		Summary: at("plugin summary"), FloorCheck: at("floor check"),
	}
	fmt.Fprintf(&out, "\nGoals of issues 9, 16 and 17:\n\n")
	for _, v := range goalVerdicts(figs, sweep) {
		fmt.Fprintf(&out, "- %s\n", v)
	}
	if o.nodes >= 5000 && o.pods >= 150000 {
		fmt.Fprintf(&out, "\nGoals of issue 18 at the scalability thresholds:\n\n")
		for _, v := range scaleVerdicts(figs) {
			fmt.Fprintf(&out, "- %s\n", v)
		}
	}
	os.Stdout.Write(out.Bytes())
	if o.report != "" {
		return os.WriteFile(o.report, out.Bytes(), 0o644)
	}
	return nil
}

// loadAvg is the 1-minute load average, the machine's business besides ours.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
