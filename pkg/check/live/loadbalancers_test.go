package live

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// fakeGateways is a dynamic client serving Gateways (created through the
// tracker: the constructor's objects need their kind in a scheme).
func fakeGateways(t *testing.T, objs ...*unstructured.Unstructured) *dynamicfake.FakeDynamicClient {
	t.Helper()
	client := newDynamic(nil)
	for _, obj := range objs {
		if err := client.Tracker().Create(GatewaysResource, obj, obj.GetNamespace()); err != nil {
			t.Fatal(err)
		}
	}
	return client
}

func gatewayUnstructured(ns, name string, spec, status []any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
		"metadata": map[string]any{"namespace": ns, "name": name},
		"spec":     map[string]any{"gatewayClassName": "eg", "addresses": spec},
		"status":   map[string]any{"addresses": status},
	}}
}

// Ingresses and Gateways are read from every namespace, page by page; a
// Gateway's addresses keep their types.
func TestGatherIngressesAndGateways(t *testing.T) {
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
		Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{Ingress: []networkingv1.IngressLoadBalancerIngress{{IP: "203.0.113.10"}}}}}
	gw := gatewayUnstructured("shop", "gw", []any{map[string]any{"type": "IPAddress", "value": "203.0.113.20"}},
		[]any{map[string]any{"type": "IPAddress", "value": "203.0.113.20"}, map[string]any{"type": "Hostname", "value": "gw.example"}})
	f, err := Gatherer{Client: fake.NewClientset(ing), Dynamic: fakeGateways(t, gw), ChunkSize: 1}.Gather(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Ingresses) != 1 || f.Ingresses[0].Status.LoadBalancer.Ingress[0].IP != "203.0.113.10" {
		t.Errorf("ingresses %+v", f.Ingresses)
	}
	want := []check.Gateway{{Namespace: "shop", Name: "gw",
		SpecAddresses: []check.GatewayAddress{{Type: "IPAddress", Value: "203.0.113.20"}},
		Addresses:     []check.GatewayAddress{{Type: "IPAddress", Value: "203.0.113.20"}, {Type: "Hostname", Value: "gw.example"}}}}
	if !reflect.DeepEqual(f.Gateways, want) || f.GatewaysNotServed != "" {
		t.Errorf("gateways %+v (not served: %q), want %+v", f.Gateways, f.GatewaysNotServed, want)
	}
	for _, s := range []check.Source{check.SourceIngresses, check.SourceGateways} {
		if reason, ok := f.Unavailable[s]; ok {
			t.Errorf("%s unavailable: %s", s, reason)
		}
	}
}

// Without the Gateway API's CRD the collection is a 404: nothing to read,
// said in GatewaysNotServed, not a source that could not be read. A
// forbidden listing is (the rule skips), and no dynamic client leaves the
// Gateways unread, saying so.
func TestGatherGatewaysNotServedOrForbidden(t *testing.T) {
	for _, tc := range []struct {
		name        string
		err         error
		noDynamic   bool
		notServed   string
		unavailable string
	}{
		{name: "not served", err: apierrors.NewNotFound(schema.GroupResource{}, ""), notServed: "does not serve gateways.gateway.networking.k8s.io/v1"},
		{name: "forbidden", err: apierrors.NewForbidden(schema.GroupResource{Group: "gateway.networking.k8s.io", Resource: "gateways"}, "", errors.New("no")), unavailable: "forbidden: "},
		{name: "no dynamic client", noDynamic: true, unavailable: "no dynamic client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := Gatherer{Client: fake.NewClientset(), ChunkSize: 500}
			if !tc.noDynamic {
				dyn := fakeGateways(t)
				dyn.PrependReactor("list", "gateways", func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, tc.err })
				g.Dynamic = dyn
			}
			f, err := g.Gather(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			reason := f.Unavailable[check.SourceGateways]
			if !strings.Contains(f.GatewaysNotServed, tc.notServed) || (tc.notServed == "") != (f.GatewaysNotServed == "") ||
				!strings.Contains(reason, tc.unavailable) || (tc.unavailable == "") != (reason == "") {
				t.Errorf("not served %q, unavailable %q; want %q and %q", f.GatewaysNotServed, reason, tc.notServed, tc.unavailable)
			}
		})
	}
}
