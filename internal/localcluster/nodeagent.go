package localcluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	coordinationv1client "k8s.io/client-go/kubernetes/typed/coordination/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
)

// Pod annotations the node agent honours, so that tests can make the odd
// pods a real cluster has: one that never becomes ready, one that got an
// address of one family only (a CNI plugin configured for one family).
const (
	AnnotationReady      = "localcluster.kubectl-dualstack.dev/ready"       // "false": Running but not Ready
	AnnotationIPFamilies = "localcluster.kubectl-dualstack.dev/ip-families" // e.g. "IPv4": only these families
)

const leaseDuration = 40 * time.Second

// agentWorkers is how many pods the agent starts at once (a pod's key is
// never handled by two workers at a time: the workqueue sees to that).
const agentWorkers = 8

// byNodeName indexes the agent's pod cache by spec.nodeName.
const byNodeName = "nodeName"

// nodeAgent stands in for the kubelet and CNI plugin of every node: it
// registers the nodes, renews their leases, and gives each pod bound to them
// the status a kubelet would write, with pod IPs from the node's podCIDRs
// (or from Config.PodIPPools).
type nodeAgent struct {
	client     kubernetes.Interface
	leases     coordinationv1client.LeaseInterface // renewals, with their own rate limit
	layout     Layout
	nodes      int
	ipFamilies map[string][]corev1.IPFamily // Config.NodeIPFamilies
	pools      []netip.Prefix               // Config.PodIPPools
	// kubeletVersion is what nodes report: the server's GitVersion.
	kubeletVersion string

	mu    sync.Mutex
	used  map[netip.Addr]bool        // pod IPs handed out
	byPod map[types.UID][]netip.Addr // to release them again
	// registered is the Node each node name was last registered as. Pods
	// start only against that one: the agent's cache can hold an earlier
	// Node for a while (the informers back off while the apiserver restarts).
	registered map[string]types.UID
}

// nodeName is the name of the agent's i-th node, counting from 1.
func nodeName(i int) string { return fmt.Sprintf("node-%d", i) }

func (a *nodeAgent) nodeNames() []string {
	names := make([]string, a.nodes)
	for i := range names {
		names[i] = nodeName(i + 1)
	}
	return names
}

// ours reports whether name is one of the agent's nodes, without building
// their list: it runs for every pod, and clusters have thousands of nodes.
func (a *nodeAgent) ours(name string) bool {
	i, err := strconv.Atoi(strings.TrimPrefix(name, "node-"))
	return err == nil && i >= 1 && i <= a.nodes && nodeName(i) == name
}

// registerNodes creates the Node objects and their status, as a kubelet does
// at start-up, and their first lease.
func (a *nodeAgent) registerNodes(ctx context.Context) error {
	version, err := a.client.Discovery().ServerVersion()
	if err != nil {
		return err
	}
	a.kubeletVersion = version.GitVersion
	for i, name := range a.nodeNames() {
		if err := a.registerNode(ctx, name, a.layout.nodeIPsOf(i+1, a.ipFamilies[name])); err != nil {
			return err
		}
	}
	return nil
}

// registerNode creates one Node with InternalIPs nodeIPs (in that order, as
// kubelet's --node-ip gives them), its status and its lease. Pods read the
// addresses back from the Node, so nothing else has to remember them.
func (a *nodeAgent) registerNode(ctx context.Context, name string, nodeIPs []string) error {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		corev1.LabelHostname:   name,
		corev1.LabelOSStable:   "linux",
		corev1.LabelArchStable: runtime.GOARCH,
	}}}
	node, err := a.client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	a.setRegistered(name, node.UID)
	// A merge patch, not a strategic one: the strategic merge key of
	// status.addresses is "type", which would fold two InternalIPs into one.
	// Node IPAM writes spec.podCIDRs concurrently, so never Update.
	status := corev1.NodeStatus{
		Addresses:   nodeAddresses(name, nodeIPs),
		Capacity:    nodeResources(),
		Allocatable: nodeResources(),
		Conditions:  nodeConditions(),
		NodeInfo: corev1.NodeSystemInfo{
			KubeletVersion:          a.kubeletVersion,
			OperatingSystem:         "linux",
			Architecture:            runtime.GOARCH,
			OSImage:                 "localcluster node agent",
			KernelVersion:           kernelVersion(),
			ContainerRuntimeVersion: "localcluster://1.0.0",
		},
	}
	if err := a.patchStatus(ctx, "", "nodes", name, status); err != nil {
		return err
	}
	return a.replaceLease(ctx, node)
}

func (a *nodeAgent) setRegistered(name string, uid types.UID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.registered == nil {
		a.registered = map[string]types.UID{}
	}
	a.registered[name] = uid
}

func (a *nodeAgent) isRegistered(node *corev1.Node) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.registered[node.Name] == node.UID
}

func nodeAddresses(name string, nodeIPs []string) []corev1.NodeAddress {
	var out []corev1.NodeAddress
	for _, ip := range nodeIPs {
		out = append(out, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: ip})
	}
	return append(out, corev1.NodeAddress{Type: corev1.NodeHostName, Address: name})
}

// validateNodeIPFamilies refuses Config.NodeIPFamilies entries for nodes
// the agent does not register, or with other families than IPv4 and IPv6.
func validateNodeIPFamilies(m map[string][]corev1.IPFamily, nodes int) error {
	agent := &nodeAgent{nodes: nodes}
	for name, families := range m {
		if !agent.ours(name) {
			return fmt.Errorf("NodeIPFamilies names %q, which is not one of the nodes %v", name, agent.nodeNames())
		}
		for _, f := range families {
			if f != corev1.IPv4Protocol && f != corev1.IPv6Protocol {
				return fmt.Errorf("NodeIPFamilies[%q]: unknown IP family %q", name, f)
			}
		}
	}
	return nil
}

func nodeResources() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("4"),
		corev1.ResourceMemory:           resource.MustParse("8Gi"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
		corev1.ResourcePods:             resource.MustParse("110"),
	}
}

func nodeConditions() []corev1.NodeCondition {
	now := metav1.Now()
	cond := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return []corev1.NodeCondition{
		cond(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "node agent has sufficient memory available"),
		cond(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "node agent has no disk pressure"),
		cond(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "node agent has sufficient PID available"),
		cond(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "node agent is posting ready status"),
	}
}

// replaceLease creates the node's lease. A lease left by an earlier Node of
// that name is deleted first: it names the old Node as owner, so the garbage
// collector would delete it anyway (its delete is UID-conditional, so it
// leaves the new one alone).
func (a *nodeAgent) replaceLease(ctx context.Context, node *corev1.Node) error {
	leases := a.client.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	if err := leases.Delete(ctx, node.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{
			Name:            node.Name,
			Namespace:       corev1.NamespaceNodeLease,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}},
		},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity:       ptr.To(node.Name),
			LeaseDurationSeconds: ptr.To(int32(leaseDuration / time.Second)),
			RenewTime:            &metav1.MicroTime{Time: time.Now()},
		},
	}
	_, err := leases.Create(ctx, lease, metav1.CreateOptions{})
	return err
}

// run renews leases and serves pods until ctx ends.
func (a *nodeAgent) run(ctx context.Context) error {
	a.used, a.byPod = map[netip.Addr]bool{}, map[types.UID][]netip.Addr{}
	factory := informers.NewSharedInformerFactory(a.client, 0)
	pods := factory.Core().V1().Pods()
	nodes := factory.Core().V1().Nodes()
	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())
	defer queue.ShutDown()
	enqueue := func(obj any) {
		if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
			queue.Add(key)
		}
	}
	_, err := pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { a.reserve(obj.(*corev1.Pod)); enqueue(obj) },
		UpdateFunc: func(_, obj any) { enqueue(obj) },
		DeleteFunc: func(obj any) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			if pod, ok := obj.(*corev1.Pod); ok {
				a.release(pod.UID)
			}
		},
	})
	if err != nil {
		return err
	}
	// A pod that failed because the agent's cache did not have its Node, or
	// the Node's podCIDRs, yet (a re-registered node) waits in a back-off that
	// grows to minutes: retry a node's pods as soon as its Node or podCIDRs
	// change, as kubelet starts pods once its node has a podCIDR.
	err = pods.Informer().AddIndexers(cache.Indexers{byNodeName: func(obj any) ([]string, error) {
		return []string{obj.(*corev1.Pod).Spec.NodeName}, nil
	}})
	if err != nil {
		return err
	}
	enqueueNodePods := func(node *corev1.Node) {
		onNode, _ := pods.Informer().GetIndexer().ByIndex(byNodeName, node.Name)
		for _, pod := range onNode {
			enqueue(pod)
		}
	}
	_, err = nodes.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { enqueueNodePods(obj.(*corev1.Node)) },
		UpdateFunc: func(oldObj, obj any) {
			old, node := oldObj.(*corev1.Node), obj.(*corev1.Node)
			if old.UID != node.UID || !slices.Equal(old.Spec.PodCIDRs, node.Spec.PodCIDRs) {
				enqueueNodePods(node)
			}
		},
	})
	if err != nil {
		return err
	}
	factory.Start(ctx.Done())
	defer factory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), pods.Informer().HasSynced, nodes.Informer().HasSynced) {
		return ctx.Err()
	}
	go a.renewLeases(ctx)
	go func() {
		<-ctx.Done()
		queue.ShutDown()
	}()
	var workers sync.WaitGroup
	for range agentWorkers {
		workers.Go(func() {
			for {
				key, shutdown := queue.Get()
				if shutdown {
					return
				}
				if err := a.syncPod(ctx, key, pods.Lister(), nodes.Lister()); err != nil && ctx.Err() == nil {
					queue.AddRateLimited(key)
				} else {
					queue.Forget(key)
				}
				queue.Done(key)
			}
		})
	}
	workers.Wait()
	return nil
}

func (a *nodeAgent) renewLeases(ctx context.Context) {
	ticker := time.NewTicker(leaseDuration / 4)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			for _, name := range a.nodeNames() {
				// The time of this renewal: a round over thousands of nodes takes a while.
				patch := fmt.Appendf(nil, `{"spec":{"renewTime":%q}}`, time.Now().UTC().Format(metav1.RFC3339Micro))
				_, _ = a.leases.Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{})
			}
		}
	}
}

// syncPod does what a kubelet does for one pod: finish its deletion, or
// start it (instantly) and report its status.
func (a *nodeAgent) syncPod(ctx context.Context, key string, pods corev1listers.PodLister, nodes corev1listers.NodeLister) error {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	pod, err := pods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil || !a.ours(pod.Spec.NodeName) {
		return err
	}
	if pod.DeletionTimestamp != nil {
		// The kubelet confirms graceful deletion once containers are gone.
		err := a.client.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: ptr.To(int64(0)),
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	if pod.Status.Phase == corev1.PodRunning {
		return nil
	}
	node, err := nodes.Get(pod.Spec.NodeName)
	if err != nil {
		return err
	}
	if !a.isRegistered(node) {
		return fmt.Errorf("node %s: not the Node the agent registered (an old one in its cache)", node.Name)
	}
	hostIPs := internalIPs(node)
	podIPs := hostIPs
	if !pod.Spec.HostNetwork {
		if podIPs, err = a.allocate(pod, node); err != nil {
			return err
		}
	}
	if err := a.patchStatus(ctx, ns, "pods", name, runningStatus(pod, hostIPs, podIPs)); err != nil {
		if !pod.Spec.HostNetwork {
			a.release(pod.UID)
		}
		return err
	}
	return nil
}

func internalIPs(node *corev1.Node) []string {
	var out []string
	for _, addr := range node.Status.Addresses {
		if addr.Type == corev1.NodeInternalIP {
			out = append(out, addr.Address)
		}
	}
	return out
}

// allocate hands the pod one free address from each of its node's podCIDRs
// (or, for a family of Config.PodIPPools, from that pool), skipping the
// network address and .1, as host-local IPAM does. Like kubelet
// (kubelet_pods.go sortPodIPs), it puts the family of the node's first
// InternalIP first, whatever the podCIDRs' order.
func (a *nodeAgent) allocate(pod *corev1.Pod, node *corev1.Node) ([]string, error) {
	if len(node.Spec.PodCIDRs) == 0 {
		return nil, fmt.Errorf("node %s has no podCIDRs yet", node.Name)
	}
	ranges, err := a.podRanges(node)
	if err != nil {
		return nil, err
	}
	wanted := pod.Annotations[AnnotationIPFamilies]
	a.mu.Lock()
	defer a.mu.Unlock()
	if ips, ok := a.byPod[pod.UID]; ok {
		return addrStrings(ips), nil
	}
	var ips []netip.Addr
	for _, prefix := range ranges {
		if wanted != "" && !strings.Contains(wanted, familyOf(prefix.Addr())) {
			continue
		}
		addr := prefix.Masked().Addr().Next().Next()
		for ; prefix.Contains(addr) && a.used[addr]; addr = addr.Next() {
		}
		if !prefix.Contains(addr) {
			return nil, fmt.Errorf("%s of node %s is full", prefix, node.Name)
		}
		ips = append(ips, addr)
	}
	sortByNodeFamily(ips, node)
	for _, ip := range ips {
		a.used[ip] = true
	}
	a.byPod[pod.UID] = ips
	return addrStrings(ips), nil
}

// podRanges are the ranges a node's pods get their addresses from: its
// podCIDRs, each replaced by the pool of its family when there is one.
func (a *nodeAgent) podRanges(node *corev1.Node) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, cidr := range node.Spec.PodCIDRs {
		prefix, err := netip.ParsePrefix(cidr)
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(a.pools, func(p netip.Prefix) bool { return p.Addr().Is4() == prefix.Addr().Is4() }); i >= 0 {
			prefix = a.pools[i]
		}
		out = append(out, prefix)
	}
	return out, nil
}

// parsePodIPPools reads Config.PodIPPools: CIDRs, at most one per family.
func parsePodIPPools(pools []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range pools {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("PodIPPools: %w", err)
		}
		if slices.ContainsFunc(out, func(q netip.Prefix) bool { return q.Addr().Is4() == p.Addr().Is4() }) {
			return nil, fmt.Errorf("PodIPPools: %s is a second pool of its family", s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// reserve records the IPs of a pod that already has them.
func (a *nodeAgent) reserve(pod *corev1.Pod) {
	if pod.Spec.HostNetwork || len(pod.Status.PodIPs) == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var ips []netip.Addr
	for _, ip := range pod.Status.PodIPs {
		if addr, err := netip.ParseAddr(ip.IP); err == nil {
			ips = append(ips, addr)
			a.used[addr] = true
		}
	}
	a.byPod[pod.UID] = ips
}

func (a *nodeAgent) release(uid types.UID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ip := range a.byPod[uid] {
		delete(a.used, ip)
	}
	delete(a.byPod, uid)
}

// sortByNodeFamily puts the addresses of the family of the node's first
// InternalIP first, keeping the order otherwise.
func sortByNodeFamily(ips []netip.Addr, node *corev1.Node) {
	nodeIPs := internalIPs(node)
	if len(nodeIPs) == 0 {
		return
	}
	first, err := netip.ParseAddr(nodeIPs[0])
	if err != nil {
		return
	}
	rank := func(a netip.Addr) int {
		if a.Is4() == first.Is4() {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(ips, func(x, y netip.Addr) int { return rank(x) - rank(y) })
}

func familyOf(addr netip.Addr) string {
	if addr.Is4() {
		return string(corev1.IPv4Protocol)
	}
	return string(corev1.IPv6Protocol)
}

func addrStrings(addrs []netip.Addr) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = a.String()
	}
	return out
}

// runningStatus is the status a kubelet reports once all containers started.
func runningStatus(pod *corev1.Pod, hostIPs, podIPs []string) corev1.PodStatus {
	now := metav1.Now()
	ready := corev1.ConditionTrue
	if pod.Annotations[AnnotationReady] == "false" {
		ready = corev1.ConditionFalse
	}
	cond := func(t corev1.PodConditionType, s corev1.ConditionStatus) corev1.PodCondition {
		return corev1.PodCondition{Type: t, Status: s, LastTransitionTime: now}
	}
	status := corev1.PodStatus{
		Phase:     corev1.PodRunning,
		StartTime: &now,
		Conditions: []corev1.PodCondition{
			cond(corev1.PodReadyToStartContainers, corev1.ConditionTrue),
			cond(corev1.PodInitialized, corev1.ConditionTrue),
			cond(corev1.PodReady, ready),
			cond(corev1.ContainersReady, ready),
			cond(corev1.PodScheduled, corev1.ConditionTrue),
		},
	}
	for _, c := range pod.Spec.InitContainers {
		status.InitContainerStatuses = append(status.InitContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: c.Image, ContainerID: containerID(pod, c.Name),
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Completed", StartedAt: now, FinishedAt: now}},
			Ready: true,
		})
	}
	for _, c := range pod.Spec.Containers {
		status.ContainerStatuses = append(status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: c.Image, ContainerID: containerID(pod, c.Name),
			State:   corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
			Ready:   ready == corev1.ConditionTrue,
			Started: ptr.To(true),
		})
	}
	if len(hostIPs) > 0 {
		status.HostIP = hostIPs[0]
		for _, ip := range hostIPs {
			status.HostIPs = append(status.HostIPs, corev1.HostIP{IP: ip})
		}
	}
	if len(podIPs) > 0 {
		status.PodIP = podIPs[0]
		for _, ip := range podIPs {
			status.PodIPs = append(status.PodIPs, corev1.PodIP{IP: ip})
		}
	}
	return status
}

func containerID(pod *corev1.Pod, container string) string {
	return fmt.Sprintf("localcluster://%s-%s", pod.UID, container)
}

// patchStatus replaces the status lists of a pod or node with a JSON merge
// patch on the status subresource.
func (a *nodeAgent) patchStatus(ctx context.Context, ns, resource, name string, status any) error {
	data, err := json.Marshal(map[string]any{"status": status})
	if err != nil {
		return err
	}
	req := a.client.CoreV1().RESTClient().Patch(types.MergePatchType).Resource(resource).Name(name).SubResource("status").Body(data)
	if ns != "" {
		req = req.Namespace(ns)
	}
	return req.Do(ctx).Error()
}

// kernelVersion is the host's, which the agent's "containers" would share.
func kernelVersion() string {
	release, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(release))
}
