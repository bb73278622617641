package cmd

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
)

// primaryFamily is the cluster's primary IP family, which the ingress and
// gateway tables list first: that of the `kubernetes` Service's first
// cluster IP (the first service range's, KEP-563). Only the tables need
// it; when the Service cannot be read, "" leaves each object's first IP
// in the lead.
func (o *GetOptions) primaryFamily(ctx context.Context) corev1.IPFamily {
	if !o.humanReadable() {
		return ""
	}
	svc, err := o.Client.CoreV1().Services(metav1.NamespaceDefault).Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil || len(svc.Spec.IPFamilies) == 0 {
		return ""
	}
	return svc.Spec.IPFamilies[0]
}

// runGateways is `get gateways`: the Gateway API's Gateways, a CRD read
// through the dynamic client, when the cluster serves them.
func (o *GetOptions) runGateways(ctx context.Context) error {
	gvr := live.GatewaysResource
	resources, err := o.Client.Discovery().ServerResourcesForGroupVersion(gvr.GroupVersion().String())
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	if err != nil || !slices.ContainsFunc(resources.APIResources, func(r metav1.APIResource) bool { return r.Name == gvr.Resource }) {
		return fmt.Errorf("the server doesn't have a resource type %q (no Gateway API CRD serving %s)", o.Type.Name, gvr.GroupVersion())
	}
	o.Tables.PrimaryFamily = o.primaryFamily(ctx)
	gateways := dynamicClient{o.Dynamic.Resource(gvr).Namespace(o.namespace())}
	return runTyped(ctx, o, gateways, func(l *unstructured.UnstructuredList) []unstructured.Unstructured { return l.Items }, o.Tables.Gateways)
}

// dynamicClient gives a dynamic client's resource the Get of the typed
// clients runTyped takes.
type dynamicClient struct{ dynamic.ResourceInterface }

func (c dynamicClient) Get(ctx context.Context, name string, opts metav1.GetOptions) (*unstructured.Unstructured, error) {
	return c.ResourceInterface.Get(ctx, name, opts)
}
