package plan

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
)

// AdmissionState is what the server says about defaulting new Services to
// dual-stack.
type AdmissionState struct {
	// Known says whether the server was asked; without a server (files),
	// the Kubernetes version decides.
	Known bool
	// Served says whether admissionregistration.k8s.io/v1
	// mutatingadmissionpolicies is served (GA in 1.36).
	Served bool
	// Policy names a bound MutatingAdmissionPolicy that sets Services'
	// ipFamilyPolicy, "" when there is none.
	Policy string
	// Unreadable says why the policies could not be listed.
	Unreadable string
}

const (
	policyAPIVersion = "admissionregistration.k8s.io/v1"
	policyName       = "dualstack-services"
	refAdmission     = "https://kubernetes.io/docs/reference/access-authn-authz/mutating-admission-policy/; https://github.com/kubernetes/kubernetes/issues/123810 (\"a webhook (or upcoming MutatingAdmissionPolicy) is the right-now fix\")"
)

// policyManifest makes a new Service that asks for no ipFamilyPolicy and
// no ipFamilies PreferDualStack: on a dual-stack cluster it gets both
// families, and it still works on one family. A Service that names its
// families keeps them; ExternalName Services take no policy. Mutating
// admission runs before the Service registry defaults the policy
// (pkg/registry/core/service/storage/alloc.go).
const policyManifest = `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicy
metadata:
  name: ` + policyName + `
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["services"]
  matchConditions:
  - name: no-ip-family-policy-or-families
    expression: "!has(object.spec.ipFamilyPolicy) && !has(object.spec.ipFamilies)"
  - name: not-external-name
    expression: "!has(object.spec.type) || object.spec.type != 'ExternalName'"
  failurePolicy: Fail
  reinvocationPolicy: Never
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: >
        Object{spec: Object.spec{ipFamilyPolicy: "PreferDualStack"}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicyBinding
metadata:
  name: ` + policyName + `
spec:
  policyName: ` + policyName + `
`

// DetectAdmission asks the server whether it serves MutatingAdmissionPolicy
// and whether a bound one already sets Services' ipFamilyPolicy. Each list
// ends within timeout (--request-timeout), its retries included.
func DetectAdmission(ctx context.Context, client kubernetes.Interface, timeout time.Duration) AdmissionState {
	st := AdmissionState{Known: true}
	resources, err := client.Discovery().ServerResourcesForGroupVersion(policyAPIVersion)
	if err == nil {
		for _, r := range resources.APIResources {
			st.Served = st.Served || r.Name == "mutatingadmissionpolicies"
		}
	}
	if !st.Served {
		return st
	}
	api := client.AdmissionregistrationV1()
	opts := metav1.ListOptions{TimeoutSeconds: live.TimeoutSeconds(timeout)}
	policies, err := api.MutatingAdmissionPolicies().List(ctx, opts)
	if err != nil {
		st.Unreadable = readError("mutatingadmissionpolicies", err)
		return st
	}
	bindings, err := api.MutatingAdmissionPolicyBindings().List(ctx, opts)
	if err != nil {
		st.Unreadable = readError("mutatingadmissionpolicybindings", err)
		return st
	}
	bound := map[string]bool{}
	for _, b := range bindings.Items {
		bound[b.Spec.PolicyName] = true
	}
	for _, pol := range policies.Items {
		if !bound[pol.Name] || pol.Spec.MatchConstraints == nil {
			continue
		}
		services := false
		for _, rule := range pol.Spec.MatchConstraints.ResourceRules {
			for _, r := range rule.Resources {
				services = services || r == "services" || r == "*"
			}
		}
		for _, m := range pol.Spec.Mutations {
			text := ""
			if m.ApplyConfiguration != nil {
				text = m.ApplyConfiguration.Expression
			}
			if m.JSONPatch != nil {
				text += m.JSONPatch.Expression
			}
			if services && strings.Contains(text, "ipFamilyPolicy") {
				st.Policy = pol.Name
				return st
			}
		}
	}
	return st
}

func readError(resource string, err error) string {
	if apierrors.IsForbidden(err) {
		return "list " + resource + " forbidden"
	}
	return fmt.Sprintf("list %s: %v", resource, err)
}

// admission plans how new Services become dual-stack: the API server gives
// a Service without ipFamilyPolicy one family (SingleStack).
func (p *planner) admission() {
	st := p.opts.Admission
	if st.Policy != "" {
		return
	}
	if st.Unreadable != "" {
		p.gap("default policy for new Services", st.Unreadable)
		return
	}
	served := st.Served
	if !st.Known {
		served = atLeast(p.facts.ServerVersion, 1, 36)
	}
	converting := len(p.sections[secControlPlane])+len(p.sections[secNodes])+len(p.sections[secServices]) > 0 || len(p.plan.Families) == 1
	step := Step{
		ID: "admission", Kind: KindAdmission, Target: "new Services",
		Reason:    "the API server makes a Service created without spec.ipFamilyPolicy SingleStack, however dual-stack the cluster is",
		Reference: refAdmission,
		Verify:    "kubectl create service clusterip dualstack-test --tcp=80 --dry-run=server -o jsonpath='{.spec.ipFamilyPolicy}' prints PreferDualStack",
	}
	if served {
		step.Change = "apply this MutatingAdmissionPolicy and its binding: it sets ipFamilyPolicy: PreferDualStack on new Services that set neither it nor ipFamilies (kubectl apply -f admission-policy.yaml); the API server loads it within seconds"
		step.Admission = &Admission{APIVersion: policyAPIVersion, Manifest: policyManifest}
	} else {
		step.Change = "this server does not serve MutatingAdmissionPolicy (GA in 1.36): set ipFamilyPolicy: PreferDualStack in each chart's values and manifests, or install a mutating webhook that sets it (Kyverno and Gatekeeper mutation policies can)"
		step.Admission = &Admission{}
	}
	if !converting {
		p.note("New Services without spec.ipFamilyPolicy are single-stack; to make them dual-stack by default: %s.", step.Change)
		return
	}
	p.add(secAdmission, step)
}
