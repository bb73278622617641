package live

import (
	"context"
	"errors"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// The NetworkPolicies of every namespace are read, each naming the API
// object; forbidden, they are unavailable with the reason.
func TestGatherNetworkPolicies(t *testing.T) {
	np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
		Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0"}}}}}}}
	other := np.DeepCopy()
	other.Namespace = "admin"
	f, err := Gatherer{Client: fake.NewClientset(np, other), ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.NetworkPolicies) != 2 {
		t.Fatalf("%d policies read, want 2", len(f.NetworkPolicies))
	}
	for _, p := range f.NetworkPolicies {
		if p.At.Source != "API object "+p.Name() || p.Fields != nil || len(p.Policy.Spec.Ingress) != 1 {
			t.Errorf("policy %s read as %+v", p.Name(), p)
		}
	}

	client := fake.NewClientset(np)
	client.PrependReactor("list", "networkpolicies", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "networking.k8s.io", Resource: "networkpolicies"}, "", errors.New("no"))
	})
	f, err = Gatherer{Client: client, ChunkSize: 500}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if why := f.Unavailable[check.SourcePolicies]; !strings.HasPrefix(why, "forbidden: ") || len(f.NetworkPolicies) != 0 {
		t.Errorf("unavailable %q, %d policies", why, len(f.NetworkPolicies))
	}
}
