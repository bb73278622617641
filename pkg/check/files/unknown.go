package files

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// unknown notes a document that no format of the registry reads; what
// says so. The audit then says nothing about what the document
// configures: a warning, which says what the document looks like when
// that is guessable (lookalike). A Kubernetes API object (a Service, a
// Deployment) is no configuration: skipping it is only an info.
func (d *doc) unknown(what string) {
	switch like := lookalike(d); {
	case like != "":
		d.Note(d.Root, check.Warning, "%s; %s", what, like)
	case d.apiObject():
		d.Note(d.Root, check.Info, "%s is a Kubernetes API object, not configuration: not read", d.kindName())
	default:
		d.Note(d.Root, check.Warning, "%s", what)
	}
}

// apiObject says whether the document is an object of the Kubernetes API:
// client-go knows its kind and apiVersion, or it is one of a network
// plugin's other objects (the APIServer next to Calico's Installation in
// custom-resources.yaml, say).
func (d *doc) apiObject() bool {
	gv, err := schema.ParseGroupVersion(d.APIVersion)
	return err == nil && d.APIVersion != "" && (scheme.Scheme.Recognizes(gv.WithKind(d.kind)) || slices.Contains(cniAPIGroups, gv.Group))
}

// cniAPIGroups are the API groups of the network plugins whose
// configuration check reads.
var cniAPIGroups = []string{"operator.tigera.io", "projectcalico.org", "crd.projectcalico.org", "cilium.io"}
