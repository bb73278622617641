package cmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// ipAddress is what the servicecidrs view keeps of an IPAddress object:
// the address and the Service it belongs to.
type ipAddress struct {
	addr            netip.Addr
	namespace, name string // the parentRef's, "" unless a Service
}

// runServiceCIDRs is `get servicecidrs`: the ServiceCIDRs, as runTyped
// gets and lists them, and for the tables the IPAddresses in use in each
// range, listed first with the same --chunk-size. -o json|yaml|name print
// the ServiceCIDRs alone and read no IPAddress.
func (o *GetOptions) runServiceCIDRs(ctx context.Context) error {
	var ips []ipAddress
	if o.humanReadable() {
		var err error
		if ips, err = o.listIPAddresses(ctx); err != nil {
			return o.notServed(err)
		}
	}
	client := o.Client.NetworkingV1().ServiceCIDRs()
	return o.notServed(runTyped(ctx, o, client, func(l *networkingv1.ServiceCIDRList) []networkingv1.ServiceCIDR { return l.Items },
		func(scs []networkingv1.ServiceCIDR) *metav1.Table {
			return o.Tables.ServiceCIDRs(serviceCIDRUsage(scs, ips))
		}))
}

// notServed turns the 404 of a resource the server does not serve (a 404
// naming no object) into kubectl's error for an unknown resource type,
// saying which servers have it: `check` reads v1beta1 from older ones, the
// view shows v1 objects only.
func (o *GetOptions) notServed(err error) error {
	var status apierrors.APIStatus
	if !apierrors.IsNotFound(err) || !errors.As(err, &status) {
		return err
	}
	if d := status.Status().Details; d != nil && d.Name != "" {
		return err
	}
	return fmt.Errorf("the server doesn't have a resource type %q (networking.k8s.io/v1 ServiceCIDRs and IPAddresses are Kubernetes 1.33+)", o.Type.Name)
}

// listIPAddresses lists every IPAddress, page by page.
func (o *GetOptions) listIPAddresses(ctx context.Context) ([]ipAddress, error) {
	var out []ipAddress
	_, err := listPages(ctx, requestTimeout(o.configFlags), metav1.ListOptions{Limit: o.ChunkSize}, o.Client.NetworkingV1().IPAddresses().List, func(l *networkingv1.IPAddressList) error {
		for _, ip := range l.Items {
			addr, err := netip.ParseAddr(ip.Name) // the apiserver validates the name
			if err != nil {
				continue
			}
			a := ipAddress{addr: addr}
			if ref := ip.Spec.ParentRef; ref != nil && ref.Group == "" && ref.Resource == "services" {
				a.namespace, a.name = ref.Namespace, ref.Name
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// serviceCIDRUsage counts, in each range of each ServiceCIDR, the
// addresses the allocator counts as its own (dualstack.InServiceRange):
// a range inside another counts its addresses too, as each allocator does.
func serviceCIDRUsage(scs []networkingv1.ServiceCIDR, ips []ipAddress) []printers.ServiceCIDRUsage {
	rows := make([]printers.ServiceCIDRUsage, len(scs))
	for i := range scs {
		row := printers.ServiceCIDRUsage{ServiceCIDR: &scs[i]}
		services := map[string]map[string]bool{} // namespace -> names
		for _, cidr := range scs[i].Spec.CIDRs {
			r := printers.RangeUsage{CIDR: cidr}
			if p, err := netip.ParsePrefix(cidr); err == nil {
				r.Family = dualstack.FamilyOf(p.Addr().String())
				r.Size = dualstack.ServiceRangeSize(p)
				for _, ip := range ips {
					if !dualstack.InServiceRange(p, ip.addr) {
						continue
					}
					r.Used++
					if ip.namespace != "" {
						if services[ip.namespace] == nil {
							services[ip.namespace] = map[string]bool{}
						}
						services[ip.namespace][ip.name] = true
					}
				}
			}
			row.Ranges = append(row.Ranges, r)
		}
		for ns, names := range services {
			row.Namespaces = append(row.Namespaces, printers.NamespaceServices{Namespace: ns, Services: len(names)})
		}
		slices.SortFunc(row.Namespaces, func(a, b printers.NamespaceServices) int {
			return cmp.Or(cmp.Compare(b.Services, a.Services), cmp.Compare(a.Namespace, b.Namespace))
		})
		rows[i] = row
	}
	return rows
}
