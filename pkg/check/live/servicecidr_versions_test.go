package live

import (
	"context"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	networkingv1beta1 "k8s.io/api/networking/v1beta1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// serving is a fake clientset with the objects given that answers 404 for
// the resources of the versions not served, as an API server of that
// Kubernetes version does; calls counts the list calls per version.
func serving(served map[string]bool, calls map[string]int, objs ...runtime.Object) *fake.Clientset {
	c := fake.NewClientset(objs...)
	c.PrependReactor("list", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		gv := a.GetResource().GroupVersion().String()
		calls[gv]++
		if !served[gv] {
			return true, nil, apierrors.NewNotFound(a.GetResource().GroupResource(), "")
		}
		return false, nil, nil
	})
	return c
}

func TestServiceCIDRVersions(t *testing.T) {
	v1 := &networkingv1.ServiceCIDR{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes"}, Spec: networkingv1.ServiceCIDRSpec{CIDRs: []string{"10.96.0.0/16"}}}
	beta := &networkingv1beta1.ServiceCIDR{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes"}, Spec: networkingv1beta1.ServiceCIDRSpec{CIDRs: []string{"10.96.0.0/16", "fd00:10:96::/112"}}}
	betaIP := &networkingv1beta1.IPAddress{ObjectMeta: metav1.ObjectMeta{Name: "10.96.0.1"},
		Spec: networkingv1beta1.IPAddressSpec{ParentRef: &networkingv1beta1.ParentReference{Resource: "services", Namespace: "default", Name: "kubernetes"}}}
	const v1GV, betaGV = "networking.k8s.io/v1", "networking.k8s.io/v1beta1"
	ctx := context.Background()

	t.Run("v1 served", func(t *testing.T) {
		calls := map[string]int{}
		c := serving(map[string]bool{v1GV: true, betaGV: true}, calls, v1, beta)
		l, err := listServiceCIDRs(ctx, c, metav1.ListOptions{})
		if err != nil || len(l.Items) != 1 || len(l.Items[0].Spec.CIDRs) != 1 {
			t.Fatalf("got %+v, %v; want the v1 object", l, err)
		}
		if calls[betaGV] != 0 {
			t.Errorf("v1beta1 was listed %d times although v1 is served", calls[betaGV])
		}
	})

	t.Run("v1beta1 only", func(t *testing.T) {
		calls := map[string]int{}
		c := serving(map[string]bool{betaGV: true}, calls, beta, betaIP)
		l, err := listServiceCIDRs(ctx, c, metav1.ListOptions{})
		if err != nil || len(l.Items) != 1 || strings.Join(l.Items[0].Spec.CIDRs, ",") != "10.96.0.0/16,fd00:10:96::/112" {
			t.Fatalf("got %+v, %v; want the v1beta1 object", l, err)
		}
		list := ipAddressLister(c)
		ips, err := list(ctx, metav1.ListOptions{})
		if err != nil || len(ips.Items) != 1 || ips.Items[0].Name != "10.96.0.1" || ips.Items[0].Spec.ParentRef.Name != "kubernetes" {
			t.Fatalf("got %+v, %v; want the v1beta1 IPAddress with its parent", ips, err)
		}
		v1Calls := calls[v1GV]
		if _, err := list(ctx, metav1.ListOptions{Continue: "next"}); err != nil {
			t.Fatal(err)
		}
		if calls[v1GV] != v1Calls {
			t.Error("the next page asked v1 again: a listing must stay on the version its first page came from")
		}
	})

	t.Run("neither served", func(t *testing.T) {
		c := serving(map[string]bool{}, map[string]int{})
		_, err := listServiceCIDRs(ctx, c, metav1.ListOptions{})
		_, ipErr := ipAddressLister(c)(ctx, metav1.ListOptions{})
		for _, err := range []error{err, ipErr} {
			why := Unreadable(err)
			if !apierrors.IsNotFound(err) || !strings.HasPrefix(why, "not served by this cluster: ") || !strings.Contains(why, "v1beta1 is 1.31 and 1.32") {
				t.Errorf("Unreadable = %q (NotFound %v); want the versions tried, as not served", why, apierrors.IsNotFound(err))
			}
		}
	})
}
