package live

import (
	"context"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ServiceCIDRs and IPAddresses are networking.k8s.io/v1 from Kubernetes
// 1.33; in 1.31 and 1.32 they are v1beta1, served only when the
// MultiCIDRServiceAllocator feature gate and that API version are on
// (https://kubernetes.io/docs/reference/networking/virtual-ips/#ip-address-objects).
// The lists below read v1 and fall back to v1beta1, whose fields are the
// same, where v1 is not served.

// notServedError is a 404 for both versions: it says which exist where
// and unwraps to the 404, so that Unreadable says "not served".
type notServedError struct{ err error }

func (e notServedError) Error() string {
	return "networking.k8s.io/v1 is Kubernetes 1.33+, v1beta1 is 1.31 and 1.32 with the MultiCIDRServiceAllocator feature gate"
}

func (e notServedError) Unwrap() error { return e.err }

// listServiceCIDRs lists the ServiceCIDRs as v1 objects.
func listServiceCIDRs(ctx context.Context, c kubernetes.Interface, opts metav1.ListOptions) (*networkingv1.ServiceCIDRList, error) {
	l, err := c.NetworkingV1().ServiceCIDRs().List(ctx, opts)
	if !apierrors.IsNotFound(err) {
		return l, err
	}
	beta, err := c.NetworkingV1beta1().ServiceCIDRs().List(ctx, opts)
	if err != nil {
		if apierrors.IsNotFound(err) {
			err = notServedError{err}
		}
		return nil, err
	}
	out := &networkingv1.ServiceCIDRList{ListMeta: beta.ListMeta, Items: make([]networkingv1.ServiceCIDR, len(beta.Items))}
	for i, sc := range beta.Items {
		out.Items[i] = networkingv1.ServiceCIDR{ObjectMeta: sc.ObjectMeta, Spec: networkingv1.ServiceCIDRSpec{CIDRs: sc.Spec.CIDRs}}
	}
	return out, nil
}

// ipAddressLister returns a list function for IPAddresses as v1 objects,
// page by page: once the first page came from v1beta1, so do the others.
func ipAddressLister(c kubernetes.Interface) func(context.Context, metav1.ListOptions) (*networkingv1.IPAddressList, error) {
	beta := false
	return func(ctx context.Context, opts metav1.ListOptions) (*networkingv1.IPAddressList, error) {
		if !beta {
			l, err := c.NetworkingV1().IPAddresses().List(ctx, opts)
			if !apierrors.IsNotFound(err) || opts.Continue != "" {
				return l, err
			}
			beta = true
		}
		l, err := c.NetworkingV1beta1().IPAddresses().List(ctx, opts)
		if err != nil {
			if apierrors.IsNotFound(err) {
				err = notServedError{err}
			}
			return nil, err
		}
		out := &networkingv1.IPAddressList{ListMeta: l.ListMeta, Items: make([]networkingv1.IPAddress, len(l.Items))}
		for i, ip := range l.Items {
			out.Items[i] = networkingv1.IPAddress{ObjectMeta: ip.ObjectMeta, Spec: networkingv1.IPAddressSpec{ParentRef: (*networkingv1.ParentReference)(ip.Spec.ParentRef)}}
		}
		return out, nil
	}
}
