package plan

import (
	"encoding/json"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/dualstack"
)

const refServices = "https://kubernetes.io/docs/concepts/services-networking/dual-stack/#switching-services-between-single-stack-and-dual-stack; k8s.io/kubernetes pkg/registry/core/service/storage/alloc.go (PreferDualStack Services are not upgraded by themselves)"

// services plans every Service that stays single-stack: the API server
// gives it the second family only when its spec asks for it.
func (p *planner) services() {
	if p.opts.FilesOnly {
		return
	}
	if why := p.unavailable(check.SourceServices); why != "" {
		p.gap("Services", why)
		return
	}
	externalName := 0
	for i := range p.facts.Services {
		svc := &p.facts.Services[i]
		switch {
		case svc.Spec.Type == corev1.ServiceTypeExternalName:
			externalName++
			continue
		case svc.Namespace == "default" && svc.Name == "kubernetes":
			continue // noted below
		case len(svc.Spec.IPFamilies) >= 2:
			continue
		}
		p.add(secServices, p.serviceStep(svc))
	}
	if len(p.sections[secServices]) > 0 || len(p.plan.Families) == 1 {
		p.note("Service default/kubernetes stays single-stack: kube-apiserver maintains it with the first address of its primary range only.")
		if externalName > 0 {
			p.note("%s of type ExternalName %s no cluster IPs: DNS answers for them with the external name's records.", plural(externalName, "Service", "Services"), map[bool]string{true: "has", false: "have"}[externalName == 1])
		}
	}
}

func (p *planner) serviceStep(svc *corev1.Service) Step {
	families := []string{string(p.primary), string(p.adding)}
	if len(svc.Spec.IPFamilies) == 1 {
		families = []string{string(svc.Spec.IPFamilies[0]), string(dualstack.OtherFamily(svc.Spec.IPFamilies[0]))}
	}
	headless := svc.Spec.ClusterIP == corev1.ClusterIPNone
	policy := corev1.IPFamilyPolicySingleStack
	if svc.Spec.IPFamilyPolicy != nil {
		policy = *svc.Spec.IPFamilyPolicy
	}
	kind := string(svc.Spec.Type)
	if kind == "" {
		kind = string(corev1.ServiceTypeClusterIP)
	}
	if headless {
		kind = "headless " + kind
	}
	spec := map[string]any{"ipFamilies": families}
	sc := &ServiceChange{Namespace: svc.Namespace, Name: svc.Name, Type: string(svc.Spec.Type), Headless: headless, Owner: serviceOwner(svc)}
	var change string
	if policy == corev1.IPFamilyPolicyPreferDualStack {
		sc.Case = CasePreferDualSingle
		change = fmt.Sprintf("set spec.ipFamilies to [%s]: a PreferDualStack Service created before the cluster was dual-stack keeps one family until its ipFamilies change", strings.Join(families, ", "))
	} else {
		sc.Case = CaseSingleStack
		spec["ipFamilyPolicy"] = string(corev1.IPFamilyPolicyPreferDualStack)
		change = fmt.Sprintf("set spec.ipFamilyPolicy to PreferDualStack and spec.ipFamilies to [%s]", strings.Join(families, ", "))
	}
	sc.Patch, _ = json.Marshal(map[string]any{"spec": spec})
	change += fmt.Sprintf(": kubectl -n %s patch service %s --type=merge -p '%s'", svc.Namespace, svc.Name, sc.Patch)
	switch {
	case headless:
		change += fmt.Sprintf(" (headless: its DNS records gain the %s addresses of its pods)", p.adding)
	case svc.Spec.Type == corev1.ServiceTypeNodePort:
		change += fmt.Sprintf(" (its NodePort then also answers on the nodes' %s addresses)", p.adding)
	case svc.Spec.Type == corev1.ServiceTypeLoadBalancer:
		change += fmt.Sprintf(" (whether the load balancer gets an %s address is up to its controller)", p.adding)
	}
	if sc.Owner != "" {
		change += "; " + sc.Owner + " manages it: make the same change there (a chart's values often have service.ipFamilyPolicy), or its next sync may revert it"
	}
	verify := fmt.Sprintf("kubectl -n %s get service %s -o jsonpath='{.spec.clusterIPs}' shows two IPs", svc.Namespace, svc.Name)
	if headless {
		verify = fmt.Sprintf("kubectl -n %s get service %s -o jsonpath='{.spec.ipFamilies}' shows both families", svc.Namespace, svc.Name)
	}
	return Step{
		ID: "service-" + svc.Namespace + "-" + svc.Name, Kind: KindService,
		Target: fmt.Sprintf("Service %s/%s (%s, %s)", svc.Namespace, svc.Name, kind, policy),
		Change: change, Reason: "the API server never adds a family to an existing Service by itself: its ipFamilyPolicy and ipFamilies must ask for both",
		Reference: refServices, Verify: verify, Service: sc,
	}
}

// serviceOwner names what manages a Service, as far as its metadata says:
// a Helm release, a controller, a manager label.
func serviceOwner(svc *corev1.Service) string {
	if release := svc.Annotations["meta.helm.sh/release-name"]; release != "" {
		ns := svc.Annotations["meta.helm.sh/release-namespace"]
		if ns == "" {
			ns = svc.Namespace
		}
		return fmt.Sprintf("Helm release %s/%s", ns, release)
	}
	for _, ref := range svc.OwnerReferences {
		if ref.Controller != nil && *ref.Controller {
			return ref.Kind + " " + ref.Name
		}
	}
	if m := svc.Labels["app.kubernetes.io/managed-by"]; m != "" {
		return m + " (app.kubernetes.io/managed-by)"
	}
	return ""
}
