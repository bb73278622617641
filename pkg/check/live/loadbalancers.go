package live

import (
	"context"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// GatewaysResource is the Gateway API's Gateway, a CRD: it is read through
// the dynamic client.
var GatewaysResource = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "gateways"}

// gatewaysNotServed is Facts.GatewaysNotServed on a cluster without the
// Gateway API's v1 Gateways.
const gatewaysNotServed = "the cluster does not serve gateways.gateway.networking.k8s.io/v1 (no Gateway API CRD of v1.0 or later)"

// ingresses lists the networking.k8s.io/v1 Ingresses of every namespace
// (of Namespace when set).
func (s *gathering) ingresses(ctx context.Context) {
	s.f.Ingresses = listAll(ctx, s, check.SourceIngresses, s.Client.NetworkingV1().Ingresses(s.Namespace).List,
		func(l *networkingv1.IngressList) []networkingv1.Ingress { return l.Items })
}

// gateways lists the Gateway API's Gateways of every namespace (of
// Namespace when set), when the
// cluster serves them: without the CRD there is nothing to read (a 404
// for the collection), which is no failure.
func (s *gathering) gateways(ctx context.Context) {
	if s.Dynamic == nil {
		s.f.MarkUnavailable(check.SourceGateways, "not read: no dynamic client")
		return
	}
	resource := s.Dynamic.Resource(GatewaysResource).Namespace(s.Namespace)
	list := func(ctx context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
		l, err := resource.List(ctx, opts)
		if apierrors.IsNotFound(err) && opts.Continue == "" {
			s.f.GatewaysNotServed = gatewaysNotServed
			return &unstructured.UnstructuredList{}, nil
		}
		return l, err
	}
	s.f.Gateways = listAll(ctx, s, check.SourceGateways, list, func(l *unstructured.UnstructuredList) []check.Gateway {
		out := make([]check.Gateway, 0, len(l.Items))
		for i := range l.Items {
			gw, err := gatewayOf(&l.Items[i])
			if err != nil {
				s.f.MarkUnavailable(check.SourceGateways, err.Error())
				continue
			}
			out = append(out, gw)
		}
		return out
	})
}

// gatewayObject is the part of a Gateway the rules read.
type gatewayObject struct {
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     struct {
		Addresses []check.GatewayAddress `json:"addresses"`
	} `json:"spec"`
	Status struct {
		Addresses []check.GatewayAddress `json:"addresses"`
	} `json:"status"`
}

func gatewayOf(u *unstructured.Unstructured) (check.Gateway, error) {
	var obj gatewayObject
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &obj); err != nil {
		return check.Gateway{}, err
	}
	return check.Gateway{Namespace: obj.Metadata.Namespace, Name: obj.Metadata.Name, SpecAddresses: obj.Spec.Addresses, Addresses: obj.Status.Addresses}, nil
}
