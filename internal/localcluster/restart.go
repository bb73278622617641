package localcluster

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
)

// Restart stops a control-plane component and starts it again with its
// default flags followed by extraArgs, which replace the ExtraArgs it had,
// as an operator edits a static pod manifest. After kube-apiserver, it
// returns once pods are scheduled and started again. The kubelet would then
// recreate the mirror pod, so Restart does too. A component that exits
// during start-up (a flag it rejects) stays down, as a crash-looping static
// pod would, and Restart returns its error; the cluster goes on without it.
func (c *Cluster) Restart(ctx context.Context, component string, extraArgs ...string) error {
	i := slices.IndexFunc(c.procs, func(p *process) bool { return p.name == component && !p.replaced.Load() })
	if i < 0 || component == Etcd {
		return fmt.Errorf("no restartable component %q", component)
	}
	old := c.procs[i]
	old.replaced.Store(true)
	old.stop(10 * time.Second)
	c.procs = slices.Delete(c.procs, i, i+1)
	p, err := c.startComponent(component, extraArgs)
	if err != nil {
		return err
	}
	started := c.waitHealthy(ctx, p)
	if started == nil {
		c.watch(p)
	} else {
		p.replaced.Store(true) // down on purpose from now on: not a cluster failure
	}
	if c.kubeadm {
		if err := c.recreateMirrorPod(ctx, component); err != nil {
			return err
		}
	}
	if started == nil && component == APIServer {
		return c.waitReconnected(ctx)
	}
	return started
}

// StopComponent stops a control-plane component for good, as when its
// static pod's process dies and stays down: its mirror pod stays, flags and
// all, so the cluster looks configured as before while nothing does the
// component's work (with kube-controller-manager down, node IPAM allocates
// no podCIDRs to a node that registers). Etcd and kube-apiserver are the
// cluster itself: they cannot be stopped alone.
func (c *Cluster) StopComponent(component string) error {
	i := slices.IndexFunc(c.procs, func(p *process) bool { return p.name == component && !p.replaced.Load() })
	if i < 0 || component == Etcd || component == APIServer {
		return fmt.Errorf("no stoppable component %q", component)
	}
	p := c.procs[i]
	p.replaced.Store(true) // down on purpose: not a cluster failure
	p.stop(10 * time.Second)
	c.procs = slices.Delete(c.procs, i, i+1)
	return nil
}

// waitReconnected returns once a pod created after an apiserver restart has
// been scheduled and started: the scheduler and the node agent watch pods
// again. Until then their informers may be between two connections, and a
// pod deleted and created again under the same name in that gap reaches the
// scheduler as an update to another node, on which it exits
// (pkg/scheduler/backend/cache/cache.go UpdatePod: "Scheduler cache is
// corrupted"), where a kubelet would restart it.
func (c *Cluster) waitReconnected(ctx context.Context) error {
	pods := c.client.CoreV1().Pods(metav1.NamespaceDefault)
	probe := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "localcluster-reconnect-"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "pause", Image: "registry.k8s.io/pause:3.10"}}},
	}
	var err error
	if probe, err = pods.Create(ctx, probe, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("after restarting kube-apiserver: %w", err)
	}
	defer pods.Delete(context.Background(), probe.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		p, err := pods.Get(ctx, probe.Name, metav1.GetOptions{})
		return err == nil && p.Status.Phase == corev1.PodRunning, nil
	})
	if err != nil {
		return fmt.Errorf("after restarting kube-apiserver, pod %s never ran (scheduler or node agent not watching again): %w; see logs in %s", probe.Name, err, c.StateDir)
	}
	return nil
}

// recreateMirrorPod replaces the component's mirror pod with one showing
// its new command line.
func (c *Cluster) recreateMirrorPod(ctx context.Context, component string) error {
	node, err := c.client.CoreV1().Nodes().Get(ctx, controlPlaneNode, metav1.GetOptions{})
	if err != nil {
		return err
	}
	return c.replacePod(ctx, mirrorPod(component, node, c.version, c.args[component]))
}

// SyncKubeadmConfig rewrites the kubeadm-config, kube-proxy and
// kubelet-config ConfigMaps from the components' current flags, as an
// operator does with `kubeadm upgrade` after changing the cluster's
// networking.
func (c *Cluster) SyncKubeadmConfig(ctx context.Context, kubeProxyClusterCIDR *string) error {
	v, err := newKubeadmValues(c.args, c.version)
	if err != nil {
		return err
	}
	for name, data := range v.configMaps(c.RESTConfig.Host, kubeProxyClusterCIDR) {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: kubeSystem}, Data: data}
		if _, err := c.client.CoreV1().ConfigMaps(kubeSystem).Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// ReregisterNode does what a node's kubelet does when it restarts with
// --node-ip=<nodeIPs> after its Node object was deleted: it deletes the Node
// if it still exists (and waits until it is gone), creates it again with the
// same labels and a status with InternalIPs nodeIPs (in that order) and the
// Hostname, and replaces its lease. The agent goes on serving the node: pods
// bound to it start, with IPs from its new podCIDRs, once node IPAM has set
// them and the agent's cache has the new Node.
//
// The Node has to go because podCIDRs are write-once: node IPAM only
// allocates to nodes without any, and the apiserver refuses to change them
// ("node updates may not change podCIDR except from \"\" to valid",
// pkg/apis/core/validation/validation.go ValidateNodeUpdate). A node
// re-created after the controller-manager got a dual-stack --cluster-cidr
// thus gets two. ReregisterNode returns before node IPAM has run.
//
// The control-plane node's mirror pods are owned by the old Node, so the
// garbage collector deletes them; like kubelet, ReregisterNode creates them
// again, owned by the new Node. The node's kube-proxy pod is replaced too,
// as the pod garbage collector (orphaned pods of a deleted Node) and the
// kube-proxy DaemonSet would: a host-network pod takes its IPs from the
// node's addresses when it starts.
func (c *Cluster) ReregisterNode(ctx context.Context, name string, nodeIPs []string) error {
	if !c.agent.ours(name) {
		return fmt.Errorf("no node %q: the node agent runs %v", name, c.agent.nodeNames())
	}
	if err := validateNodeIPs(nodeIPs); err != nil {
		return fmt.Errorf("node %s: --node-ip=%s: %w", name, strings.Join(nodeIPs, ","), err)
	}
	c.agent.setRegistered(name, "") // kubelet is down: nothing starts on the node until it is back
	nodes := c.client.CoreV1().Nodes()
	if err := nodes.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := nodes.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil {
		return fmt.Errorf("waiting for Node %s to go: %w", name, err)
	}
	if err := c.agent.registerNode(ctx, name, nodeIPs); err != nil {
		return err
	}
	if !c.kubeadm {
		return nil
	}
	if name == controlPlaneNode {
		for _, component := range []string{APIServer, ControllerManager, Scheduler} {
			if err := c.recreateMirrorPod(ctx, component); err != nil {
				return err
			}
		}
	}
	return c.replacePod(ctx, kubeProxyPod(name, c.version))
}

// replacePod deletes pod's namesake and creates pod.
func (c *Cluster) replacePod(ctx context.Context, pod *corev1.Pod) error {
	pods := c.client.CoreV1().Pods(pod.Namespace)
	err := pods.Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	_, err = pods.Create(ctx, pod, metav1.CreateOptions{})
	return err
}

// validateNodeIPs accepts what kubelet's --node-ip does: one IP, or one of
// each family (k8s.io/component-helpers/node/util ParseNodeIPArgument).
func validateNodeIPs(ips []string) error {
	var addrs []netip.Addr
	for _, ip := range ips {
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			return fmt.Errorf("could not parse %q", ip)
		}
		addrs = append(addrs, addr)
	}
	if len(addrs) == 0 || len(addrs) > 2 || (len(addrs) == 2 && addrs[0].Is4() == addrs[1].Is4()) {
		return fmt.Errorf("must contain either a single IP or a dual-stack pair of IPs")
	}
	return nil
}
