package live

import (
	"context"
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// The sources are read at once; when several fail fatally, the error is
// that of the first source in the gatherer's order (the control-plane pods
// before the nodes), whichever answer comes first.
func TestGatherFirstFatalErrorInSourceOrder(t *testing.T) {
	controlPlaneErr, nodesErr := errors.New("control plane: connection reset"), errors.New("nodes: connection reset")
	for range 20 { // the reads' order varies from run to run
		client := fake.NewClientset()
		client.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, controlPlaneErr
		})
		client.PrependReactor("list", "nodes", func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, nodesErr
		})
		_, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
		if !errors.Is(err, controlPlaneErr) {
			t.Fatalf("got %v, want the control-plane pods' error", err)
		}
	}
}

// What each source found is merged in the sources' order; a source that
// cannot be read is recorded, not fatal.
func TestGatherMergesSources(t *testing.T) {
	kubeProxy := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy"},
		Data: map[string]string{"config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16,fd00:10:244::/56\n"}}
	kubelet := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kubelet-config"},
		Data: map[string]string{"kubelet": "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"}}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}}
	client := fake.NewClientset(kubeProxy, kubelet, node)
	client.PrependReactor("list", "services", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "services"}, "", errors.New("no"))
	})
	f, err := Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range f.Components {
		kinds = append(kinds, c.Kind)
	}
	if len(kinds) != 2 || kinds[0] != check.KubeProxy || kinds[1] != check.Kubelet {
		t.Errorf("components %v, want kube-proxy then kubelet", kinds)
	}
	if len(f.Nodes) != 1 || f.Nodes[0].Name != "node-1" {
		t.Errorf("nodes %v", f.Nodes)
	}
	if _, ok := f.Unavailable[check.SourceServices]; !ok {
		t.Errorf("services not marked unavailable: %v", f.Unavailable)
	}
	if _, ok := f.Unavailable[check.SourceControlPlane]; !ok {
		t.Errorf("control-plane pods not marked unavailable: %v", f.Unavailable)
	}
	if f.Pods == nil {
		t.Error("no pod visitor")
	}
}
