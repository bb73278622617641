package live

import (
	"context"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// networkPolicies lists the NetworkPolicies of every namespace (of
// Namespace when set).
func (s *gathering) networkPolicies(ctx context.Context) {
	items := listAll(ctx, s, check.SourcePolicies, s.Client.NetworkingV1().NetworkPolicies(s.Namespace).List, func(l *networkingv1.NetworkPolicyList) []networkingv1.NetworkPolicy { return l.Items })
	for _, np := range items {
		p := check.NetworkPolicy{Policy: np}
		p.At = check.Setting{Source: "API object " + p.Name()}
		s.f.NetworkPolicies = append(s.f.NetworkPolicies, p)
	}
}
