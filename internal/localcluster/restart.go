package localcluster

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// Restart stops a control-plane component and starts it again with its
// default flags followed by extraArgs, which replace the ExtraArgs it had,
// as an operator edits a static pod manifest. The kubelet would then
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
	return started
}

// recreateMirrorPod replaces the component's mirror pod with one showing
// its new command line.
func (c *Cluster) recreateMirrorPod(ctx context.Context, component string) error {
	node, err := c.client.CoreV1().Nodes().Get(ctx, controlPlaneNode, metav1.GetOptions{})
	if err != nil {
		return err
	}
	pod := mirrorPod(component, node, c.version, c.args[component])
	pods := c.client.CoreV1().Pods(kubeSystem)
	err = pods.Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	_, err = pods.Create(ctx, pod, metav1.CreateOptions{})
	return err
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
