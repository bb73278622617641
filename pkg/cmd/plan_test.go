package cmd

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// A single-stack IPv4 cluster as the live gatherer sees it: the
// apiserver's mirror pod, one node, one Service.
func singleStackObjects() []runtime.Object {
	return []runtime.Object{
		&corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "kube-apiserver-cp1", Namespace: "kube-system",
				Labels: map[string]string{"tier": "control-plane", "component": "kube-apiserver"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "kube-apiserver", Image: "registry.k8s.io/kube-apiserver:v1.37.0",
				Command: []string{"kube-apiserver", "--service-cluster-ip-range=10.96.0.0/16"}}}},
		},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "cp1"}, Spec: corev1.NodeSpec{PodCIDRs: []string{"10.244.0.0/24"}},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "172.18.0.2"}}}},
	}
}

func runPlanOptions(t *testing.T, o *PlanOptions, objs []runtime.Object, forbid ...string) (string, int) {
	t.Helper()
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	client := fake.NewClientset(objs...)
	for _, resource := range forbid {
		client.PrependReactor("list", resource, func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: resource}, "", errors.New("RBAC says no"))
		})
	}
	o.Client, o.Color, o.ChunkSize, o.configFlags, o.IOStreams = client, "never", 500, genericclioptions.NewConfigFlags(true), streams
	code := ExitOK
	if err := o.Run(context.Background()); err != nil {
		code = PrintError(errOut, err)
	}
	return out.String() + errOut.String(), code
}

// A source the plan may not read: the steps it needed are listed as not
// computed, with why, and the exit code says the plan is incomplete.
func TestPlanForbiddenSourceIncomplete(t *testing.T) {
	useGoldenKubeconfig(t)
	out, code := runPlanOptions(t, &PlanOptions{}, singleStackObjects(), "services")
	if code != ExitPlanIncomplete || !strings.Contains(out, "Not computed (the plan is incomplete):\n  Services: services: ") || !strings.Contains(out, "forbidden") {
		t.Errorf("exit %d, want %d and the Services step not computed:\n%s", code, ExitPlanIncomplete, out)
	}
	if !strings.Contains(out, "1. kube-apiserver (kube-apiserver-cp1)") {
		t.Errorf("the steps it could compute are missing:\n%s", out)
	}
}

// Bad input is one line and exit 2; nothing is planned.
func TestPlanBadInput(t *testing.T) {
	useGoldenKubeconfig(t)
	for _, tt := range []struct {
		opts PlanOptions
		want string
	}{
		{PlanOptions{ServiceCIDR: "10.97.0.0/16"}, "error: --service-cidr 10.97.0.0/16 is IPv4, but the family being added is IPv6\n"},
		{PlanOptions{PodCIDR: "fd00:1::/56", ServiceCIDR: "fd00:1::/112"}, "error: the service range fd00:1::/112 and the pod range fd00:1::/56 overlap\n"},
		{PlanOptions{PodCIDR: "fd00::/40"}, "error: --pod-cidr fd00::/40 is too large for node mask /64: node IPAM allows at most 16 bits between them (/48 or longer)\n"},
	} {
		out, code := runPlanOptions(t, &tt.opts, singleStackObjects())
		if code != ExitPlanError || out != tt.want {
			t.Errorf("%+v: exit %d, output %q; want %d and %q", tt.opts, code, out, ExitPlanError, tt.want)
		}
	}
	// The cluster's families unknown: no plan.
	out, code := runPlanOptions(t, &PlanOptions{}, nil)
	if code != ExitPlanError || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "error: cannot plan: the cluster's IP families are unknown") {
		t.Errorf("no control plane: exit %d, %q", code, out)
	}
	for _, args := range [][]string{
		{"plan", "-o", "table"},
		{"plan", "--live"},
		{"plan", "--kubernetes-version", "one"},
		{"plan", "--server", "https://127.0.0.1:1", "--request-timeout", "2s"},
	} {
		_, stderr, code := execute(t, args...)
		if code != ExitPlanError || !strings.HasPrefix(stderr, "error: ") && !strings.HasPrefix(stderr, "The connection") {
			t.Errorf("%v: exit %d, stderr %q; want %d and one error", args, code, stderr, ExitPlanError)
		}
	}
}
