// Package localcluster runs a real Kubernetes control plane on 127.0.0.1:
// etcd, kube-apiserver, kube-controller-manager and kube-scheduler built from
// the pinned tools module, plus a node agent that stands in for kubelet and
// CNI. The demo, the `localcluster` command and the end-to-end tests use it.
package localcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Component names, as used for log files and extra flags.
const (
	Etcd              = "etcd"
	APIServer         = "kube-apiserver"
	ControllerManager = "kube-controller-manager"
	Scheduler         = "kube-scheduler"
)

// Controllers are the kube-controller-manager controllers the local cluster
// runs: what dual-stack Services, Deployments and node IPAM need.
var Controllers = []string{
	"endpointslice-controller",
	"endpoints-controller",
	"node-ipam-controller",
	"node-lifecycle-controller", // lifts the not-ready taint admission puts on new nodes
	"replicaset-controller",
	"deployment-controller",
	"serviceaccount-controller",
	"serviceaccount-token-controller",
	"root-ca-certificate-publisher-controller",
	"namespace-controller",
	"garbage-collector-controller",
	"service-cidr-controller",
}

// Config describes the cluster to start. The zero value (plus BinDir) is a
// dual-stack, IPv4-primary cluster with three nodes that looks, to a
// read-only client, like one kubeadm made (see kubeadm.go).
type Config struct {
	Layout Layout
	Nodes  int
	// BinDir holds etcd, kube-apiserver, kube-controller-manager, kube-scheduler.
	BinDir string
	// StateDir receives certificates, data, logs and the kubeconfig; a new
	// temporary directory when empty.
	StateDir string
	// ExtraArgs are appended to a component's flags (keyed by component name);
	// a later flag wins, so this can override any default. The mirror pods
	// show them too, so a misconfigured cluster looks misconfigured.
	ExtraArgs map[string][]string
	// NodeIPFamilies gives a node (by name, e.g. "node-2") InternalIPs of
	// these families only, in this order, as kubelet's --node-ip would: a
	// node without its IPv6 address, or with the families swapped. Nodes not
	// listed get one address per layout family, primary first.
	NodeIPFamilies map[string][]corev1.IPFamily
	// PodIPPools are, per family, the pool the node agent hands pod
	// addresses of that family out of, on every node, instead of the
	// node's podCIDR of that family: as CNI plugins with IPAM of their
	// own do (Calico's calico-ipam, Cilium's cluster-pool). At most one
	// per family; a family without one still comes from the podCIDRs.
	PodIPPools []string
	// KubeProxyClusterCIDR, when set, replaces clusterCIDR in the kube-proxy
	// ConfigMap (which otherwise agrees with --cluster-cidr); "" leaves it
	// out, as kubeadm does without a pod subnet.
	KubeProxyClusterCIDR *string
	// SkipKubeadmLook leaves out the kube-system objects a kubeadm cluster
	// has (kubeadm.go): no mirror pods, ConfigMaps, kube-proxy or kube-dns,
	// like a managed control plane that hides its flags.
	SkipKubeadmLook bool
	// PodCIDRsOptional makes Start return without waiting for every node to
	// get pod CIDRs: for a cluster whose --cluster-cidr (ExtraArgs) holds
	// fewer node ranges than Nodes, where node IPAM gives the nodes left
	// over a CIDRNotAvailable event instead.
	PodCIDRsOptional bool
	// AuditLog turns on kube-apiserver's audit log: every request at the
	// Metadata level (who, verb, resource, URI, response code; no bodies),
	// as JSON lines in Cluster.AuditLogPath().
	AuditLog bool
	// Log receives one line per start-up step; nil discards them.
	Log func(format string, args ...any)
}

// Cluster is a running local control plane.
type Cluster struct {
	Layout     Layout
	StateDir   string
	Kubeconfig string // the admin user's kubeconfig
	// RESTConfig is the admin user's client configuration.
	RESTConfig *rest.Config
	// Ports the components listen on, all on 127.0.0.1.
	Ports map[string]int

	procs     []*process          // in start order
	args      map[string][]string // each component's flags, as started
	defaults  map[string][]string // each component's flags before ExtraArgs
	health    map[string]healthCheck
	binDir    string
	client    kubernetes.Interface
	auditLog  string     // the audit log's path, "" when off
	kubeadm   bool       // the kube-system objects of kubeadm.go exist
	version   string     // the server's GitVersion, which they name
	agent     *nodeAgent // for ReregisterNode
	stopAgent context.CancelFunc
	agentDone chan struct{}
	failed    chan error
	stopping  atomic.Bool
	stopOnce  sync.Once
	removeDir bool
}

// Start brings up the control plane and the node agent, and returns once
// nodes have pod CIDRs and the default namespace can take pods.
func Start(ctx context.Context, cfg Config) (_ *Cluster, err error) {
	if cfg.Layout == "" {
		cfg.Layout = DualStackIPv4Primary
	}
	if cfg.Nodes == 0 {
		cfg.Nodes = 3
	}
	logf := cfg.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	for _, name := range []string{Etcd, APIServer, ControllerManager, Scheduler} {
		if _, err := os.Stat(filepath.Join(cfg.BinDir, name)); err != nil {
			return nil, fmt.Errorf("%s not found in %s: run `make tools` first", name, cfg.BinDir)
		}
	}
	pools, err := parsePodIPPools(cfg.PodIPPools)
	if err != nil {
		return nil, err
	}
	if err := validateNodeIPFamilies(cfg.NodeIPFamilies, cfg.Nodes); err != nil {
		return nil, err
	}
	c := &Cluster{
		Layout: cfg.Layout, StateDir: cfg.StateDir, binDir: cfg.BinDir, failed: make(chan error, 1),
		args: map[string][]string{}, defaults: map[string][]string{}, health: map[string]healthCheck{},
	}
	if c.StateDir == "" {
		if c.StateDir, err = os.MkdirTemp("", "localcluster-"); err != nil {
			return nil, err
		}
		c.removeDir = true
	} else if err := os.MkdirAll(c.StateDir, 0o700); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()

	creds, err := writeCredentials(c.StateDir)
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(5)
	if err != nil {
		return nil, err
	}
	c.Ports = map[string]int{Etcd: ports[0], "etcd-peer": ports[1], APIServer: ports[2], ControllerManager: ports[3], Scheduler: ports[4]}
	apiURL := fmt.Sprintf("https://127.0.0.1:%d", c.Ports[APIServer])
	c.Kubeconfig = filepath.Join(c.StateDir, "kubeconfig")
	c.RESTConfig = creds.restConfig(apiURL, creds.admin)
	for path, id := range map[string]identity{
		c.Kubeconfig:                            creds.admin,
		c.path("controller-manager.kubeconfig"): creds.controllerManager,
		c.path("scheduler.kubeconfig"):          creds.scheduler,
	} {
		if err := creds.writeKubeconfig(path, apiURL, id); err != nil {
			return nil, err
		}
	}

	start := func(name string, defaults []string) (*process, error) {
		c.defaults[name] = defaults
		return c.startComponent(name, cfg.ExtraArgs[name])
	}

	logf("starting etcd on 127.0.0.1:%d", c.Ports[Etcd])
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", c.Ports[Etcd])
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", c.Ports["etcd-peer"])
	etcd, err := start(Etcd, []string{
		"--name=localcluster",
		"--data-dir=" + c.path("etcd"),
		"--listen-client-urls=" + etcdURL, "--advertise-client-urls=" + etcdURL,
		"--listen-peer-urls=" + peerURL, "--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=localcluster=" + peerURL,
		"--unsafe-no-fsync", // a throw-away cluster: speed over durability
		"--log-level=warn",
	})
	if err != nil {
		return nil, err
	}
	c.health[Etcd] = healthCheck{etcdURL + "/health", "", 30 * time.Second, ""}
	if err := c.waitHealthy(ctx, etcd); err != nil {
		return nil, err
	}

	var auditArgs []string
	if cfg.AuditLog {
		if auditArgs, err = c.writeAuditPolicy(); err != nil {
			return nil, err
		}
	}
	logf("starting kube-apiserver on %s (service ranges %s)", apiURL, cfg.Layout.ServiceCIDRs())
	apiserver, err := start(APIServer, append([]string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", c.Ports[APIServer]),
		"--advertise-address=" + cfg.Layout.AdvertiseAddress(),
		"--cert-dir=" + c.path("apiserver-certs"),
		"--tls-cert-file=" + creds.servingCert,
		"--tls-private-key-file=" + creds.servingKey,
		"--token-auth-file=" + creds.tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + creds.serviceAccountKey,
		"--service-account-signing-key-file=" + creds.serviceAccountKey,
		"--service-cluster-ip-range=" + cfg.Layout.ServiceCIDRs(),
		"--allow-privileged=true",
		"--profiling=false",
	}, auditArgs...))
	if err != nil {
		return nil, err
	}
	c.health[APIServer] = healthCheck{apiURL + "/readyz", creds.admin.token, 60 * time.Second, ""}
	if err := c.waitHealthy(ctx, apiserver); err != nil {
		return nil, err
	}

	logf("starting kube-controller-manager and kube-scheduler (pod ranges %s)", cfg.Layout.ClusterCIDRs())
	cm, err := start(ControllerManager, append([]string{
		"--kubeconfig=" + c.path("controller-manager.kubeconfig"),
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", c.Ports[ControllerManager]),
		"--leader-elect=false",
		"--controllers=" + strings.Join(Controllers, ","),
		"--use-service-account-credentials=true",
		"--service-account-private-key-file=" + creds.serviceAccountKey,
		"--root-ca-file=" + creds.servingCert,
		"--node-monitor-period=1s",
		"--allocate-node-cidrs=true",
		"--cluster-cidr=" + cfg.Layout.ClusterCIDRs(),
		"--service-cluster-ip-range=" + cfg.Layout.ServiceCIDRs(),
		"--profiling=false",
	}, cfg.Layout.nodeMaskArgs()...))
	if err != nil {
		return nil, err
	}
	scheduler, err := start(Scheduler, []string{
		"--kubeconfig=" + c.path("scheduler.kubeconfig"),
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", c.Ports[Scheduler]),
		"--leader-elect=false",
		"--profiling=false",
	})
	if err != nil {
		return nil, err
	}
	// The controller-manager serves /healthz before it starts its
	// controllers (and may then exit on a flag node IPAM refuses): it is up
	// once the verbose check lists node IPAM.
	c.health[ControllerManager] = healthCheck{fmt.Sprintf("https://127.0.0.1:%d/healthz?verbose", c.Ports[ControllerManager]), "", 60 * time.Second, "[+]node-ipam-controller ok"}
	c.health[Scheduler] = healthCheck{fmt.Sprintf("https://127.0.0.1:%d/healthz", c.Ports[Scheduler]), "", 60 * time.Second, ""}
	for _, p := range []*process{cm, scheduler} {
		if err := c.waitHealthy(ctx, p); err != nil {
			return nil, err
		}
	}
	for _, p := range c.procs {
		c.watch(p)
	}

	client, err := kubernetes.NewForConfig(c.RESTConfig)
	if err != nil {
		return nil, err
	}
	c.client = client
	// The agent writes one status per pod, as every kubelet of a real
	// cluster does in parallel: client-go's default 5 QPS would take half an
	// hour for the 10,000 pods of `make bench`.
	agentConfig := rest.CopyConfig(c.RESTConfig)
	agentConfig.QPS, agentConfig.Burst = 500, 1000
	agentClient, err := kubernetes.NewForConfig(agentConfig)
	if err != nil {
		return nil, err
	}
	logf("registering %d nodes", cfg.Nodes)
	agentCtx, stopAgent := context.WithCancel(context.Background())
	c.stopAgent, c.agentDone = stopAgent, make(chan struct{})
	// Lease renewals have a rate limit of their own, so that thousands of
	// nodes' renewals neither starve the pods' status writes nor load the
	// apiserver under a benchmark: up to 1,000 nodes renew every 10 s as
	// kubelets do; 5,000 take 50 s a round, longer than the node lifecycle
	// controller's default grace period (50 s): `make bench` raises it.
	leaseConfig := rest.CopyConfig(c.RESTConfig)
	leaseConfig.QPS, leaseConfig.Burst = 100, 100
	leaseClient, err := kubernetes.NewForConfig(leaseConfig)
	if err != nil {
		return nil, err
	}
	agent := &nodeAgent{client: agentClient, leases: leaseClient.CoordinationV1().Leases(corev1.NamespaceNodeLease),
		layout: cfg.Layout, nodes: cfg.Nodes, ipFamilies: cfg.NodeIPFamilies, pools: pools}
	c.agent = agent
	if err := agent.registerNodes(ctx); err != nil {
		close(c.agentDone)
		return nil, fmt.Errorf("node agent: %w", err)
	}
	go func() {
		defer close(c.agentDone)
		if err := agent.run(agentCtx); err != nil {
			c.fail(fmt.Errorf("node agent: %w", err))
		}
	}()
	var systemPods []string
	if !cfg.SkipKubeadmLook {
		logf("creating kubeadm's kube-system objects (mirror pods, kube-proxy, kube-dns, ConfigMaps)")
		if systemPods, err = c.createKubeadmLook(ctx, client, cfg, agent.nodeNames()); err != nil {
			return nil, fmt.Errorf("kubeadm look: %w", err)
		}
		c.kubeadm = true
	}
	if err := c.waitUsable(ctx, client, agent, systemPods, cfg.PodCIDRsOptional); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Cluster) path(name string) string { return filepath.Join(c.StateDir, name) }

// auditPolicy logs every request once, when it completes (and when a watch
// starts), with its metadata only.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
`

// writeAuditPolicy writes the audit policy and returns kube-apiserver's
// audit flags. In the log backend's default mode, blocking, a request waits
// for its events to be written.
func (c *Cluster) writeAuditPolicy() ([]string, error) {
	policy := c.path("audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	c.auditLog = c.path("audit.log")
	return []string{"--audit-policy-file=" + policy, "--audit-log-path=" + c.auditLog}, nil
}

// AuditLogPath is the apiserver's audit log (JSON lines of
// audit.k8s.io/v1 Events), or "" when Config.AuditLog was off.
func (c *Cluster) AuditLogPath() string { return c.auditLog }

// waitUsable waits for what a user's first `kubectl apply` needs: nodes with
// pod CIDRs from node IPAM (unless podCIDRsOptional) and without the
// not-ready taint, and the default ServiceAccount (pods are refused
// until the serviceaccount controller has made it). It also waits for the
// node agent to run systemPods (in kube-system), so that they do not change
// under a test that compares two listings.
func (c *Cluster) waitUsable(ctx context.Context, client kubernetes.Interface, agent *nodeAgent, systemPods []string, podCIDRsOptional bool) error {
	// One list of each per poll, not a GET per object: `make bench` runs
	// thousands of nodes, each with its kube-proxy pod, and node IPAM and
	// the node lifecycle controller take longer over more nodes.
	interval := max(100*time.Millisecond, time.Duration(agent.nodes)*200*time.Microsecond)
	timeout := 60*time.Second + time.Duration(agent.nodes)*50*time.Millisecond
	err := wait.PollUntilContextTimeout(ctx, interval, timeout, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-c.failed:
			c.failed <- err
			return false, err
		default:
		}
		nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		usable := 0
		for i := range nodes.Items {
			node := &nodes.Items[i]
			if agent.ours(node.Name) && (podCIDRsOptional || len(node.Spec.PodCIDRs) == c.clusterCIDRCount()) && len(node.Spec.Taints) == 0 {
				usable++
			}
		}
		if usable < agent.nodes {
			return false, nil
		}
		if len(systemPods) > 0 {
			pods, err := client.CoreV1().Pods(metav1.NamespaceSystem).List(ctx, metav1.ListOptions{})
			if err != nil {
				return false, nil
			}
			running := map[string]bool{}
			for i := range pods.Items {
				running[pods.Items[i].Name] = pods.Items[i].Status.Phase == corev1.PodRunning
			}
			for _, name := range systemPods {
				if !running[name] {
					return false, nil
				}
			}
		}
		_, err = client.CoreV1().ServiceAccounts(metav1.NamespaceDefault).Get(ctx, "default", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil, nil
	})
	if err != nil {
		return fmt.Errorf("cluster did not become usable (nodes with pod CIDRs, running kube-system pods, default ServiceAccount): %w; see logs in %s", err, c.StateDir)
	}
	return nil
}

// clusterCIDRCount is how many podCIDRs node IPAM gives each node: one per
// entry of the controller-manager's --cluster-cidr (ExtraArgs may make it
// single-stack on a dual-stack layout).
func (c *Cluster) clusterCIDRCount() int {
	cidrs, _ := flagValue(c.args[ControllerManager], "cluster-cidr")
	return len(strings.Split(cidrs, ","))
}

// startComponent runs a component with its defaults and then extraArgs (a
// later flag wins); the mirror pods show the very same slice (c.args).
func (c *Cluster) startComponent(name string, extraArgs []string) (*process, error) {
	c.args[name] = slices.Concat(c.defaults[name], extraArgs)
	p, err := startProcess(name, filepath.Join(c.binDir, name), c.args[name], c.path(name+".log"))
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, p)
	return p, nil
}

func (c *Cluster) waitHealthy(ctx context.Context, p *process) error {
	return p.waitHealthy(ctx, c.health[p.name])
}

// watch reports p's exit as the cluster's failure, unless p was replaced.
func (c *Cluster) watch(p *process) {
	go func() {
		<-p.exited
		if !p.replaced.Load() {
			c.fail(p.failure(fmt.Errorf("exited unexpectedly (%v)", p.err)))
		}
	}()
}

func (c *Cluster) fail(err error) {
	if c.stopping.Load() {
		return // exits during Stop are expected
	}
	select {
	case c.failed <- err:
	default:
	}
}

// Failed delivers the first failure of a running cluster: a component that
// exited or a node agent that stopped. Stop itself is not a failure.
func (c *Cluster) Failed() <-chan error { return c.failed }

// PIDs returns the component processes' IDs, for leak checks.
func (c *Cluster) PIDs() map[string]int {
	out := map[string]int{}
	for _, p := range c.procs {
		if p.replaced.Load() {
			continue
		}
		out[p.name] = p.cmd.Process.Pid
	}
	return out
}

// Stop stops the node agent and the components (newest first) and removes
// the state directory if Start created it. It is safe to call more than once.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		c.stopping.Store(true)
		if c.stopAgent != nil {
			c.stopAgent()
			<-c.agentDone
		}
		for i := len(c.procs) - 1; i >= 0; i-- {
			c.procs[i].stop(10 * time.Second)
		}
		if c.removeDir {
			os.RemoveAll(c.StateDir)
		}
	})
}
