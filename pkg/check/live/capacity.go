package live

import (
	"context"
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// ipAddresses lists the IPAddress objects (servicecidr_versions.go), page
// by page, keeping only their names: the ClusterIPs in use.
func (s *gathering) ipAddresses(ctx context.Context) {
	s.f.IPAddresses = listAll(ctx, s, check.SourceIPAddresses, ipAddressLister(s.Client), func(l *networkingv1.IPAddressList) []netip.Addr {
		out := make([]netip.Addr, 0, len(l.Items))
		for _, ip := range l.Items {
			if addr, err := netip.ParseAddr(ip.Name); err == nil { // the apiserver validates the name
				out = append(out, addr)
			}
		}
		return out
	})
}

// cidrNotAvailableReason is the reason of node IPAM's event on a node it
// found no free node range for (pkg/controller/nodeipam/ipam/range_allocator.go).
const cidrNotAvailableReason = "CIDRNotAvailable"

// cidrNotAvailable reads node IPAM's CIDRNotAvailable events. They are
// about Nodes, which have no namespace, so the event recorder writes them
// in the default namespace; they are listed in every namespace, as the
// other events are.
func (s *gathering) cidrNotAvailable(ctx context.Context) {
	opts := s.listOptions(s.ChunkSize)
	opts.FieldSelector = "reason=" + cidrNotAvailableReason + ",involvedObject.kind=Node"
	events := listAllWith(ctx, s, check.SourceEvents, opts, s.Client.CoreV1().Events("").List, func(l *corev1.EventList) []corev1.Event { return l.Items })
	for _, e := range events {
		if e.Reason == cidrNotAvailableReason && e.InvolvedObject.Kind == "Node" {
			s.f.CIDRNotAvailable = append(s.f.CIDRNotAvailable, check.NodeEvent{Node: e.InvolvedObject.Name, Message: e.Message, Count: e.Count})
		}
	}
}
