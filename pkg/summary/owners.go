package summary

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
)

// HelmReleaseAnnotation names the Helm release that manages an object
// (Helm 3 sets it on every object it installs; the Deployment controller
// copies a Deployment's annotations to its ReplicaSets).
const HelmReleaseAnnotation = "meta.helm.sh/release-name"

// KindHelmRelease is the Owner kind of a group of a Helm release's objects.
const KindHelmRelease = "HelmRelease"

// Owners is what --by owner follows from a pod to its workload: each
// ReplicaSet's and Job's controller and Helm release, read as metadata.
type Owners struct {
	byRef map[string]ownerOf // "ReplicaSet/ns/name"
	// Unavailable says why a kind could not be read: its pods are grouped
	// under the ReplicaSet or Job itself.
	Unavailable map[check.Source]string
}

// ownerOf is what an intermediate owner says of its own owner.
type ownerOf struct {
	helmRelease string
	controller  *Owner
}

// The intermediate owners followed, and the source each is read as.
var followed = []struct {
	kind     string
	resource schema.GroupVersionResource
	source   check.Source
}{
	{"ReplicaSet", schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "replicasets"}, check.SourceReplicaSets},
	{"Job", schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}, check.SourceJobs},
}

// ReadOwners lists the ReplicaSets and Jobs of namespace ("" for all) as
// metadata only (PartialObjectMetadata: no spec, no status), page by page
// with opts. A kind that cannot be read is recorded in Unavailable; the
// error is for a server that cannot be talked to (live.Fatal).
func ReadOwners(ctx context.Context, client metadata.Interface, namespace string, opts metav1.ListOptions) (*Owners, error) {
	o := &Owners{byRef: map[string]ownerOf{}}
	for _, f := range followed {
		list := client.Resource(f.resource).Namespace(namespace)
		page := opts
		for {
			l, err := list.List(ctx, page)
			if live.Fatal(err) {
				return nil, err
			}
			if err != nil {
				if o.Unavailable == nil {
					o.Unavailable = map[check.Source]string{}
				}
				o.Unavailable[f.source] = live.Unreadable(err)
				break
			}
			for i := range l.Items {
				m := &l.Items[i].ObjectMeta
				o.byRef[f.kind+"/"+m.Namespace+"/"+m.Name] = ownerOf{helmRelease: m.Annotations[HelmReleaseAnnotation], controller: controllerOf(m)}
			}
			if l.Continue == "" {
				break
			}
			page.Continue = l.Continue
		}
	}
	return o, nil
}

// groupOf is the owner an object is grouped under: its Helm release, else
// its controller followed up through a ReplicaSet or Job to their own
// (a Deployment, a CronJob) and its Helm release, else none.
func (o *Owners) groupOf(m *metav1.ObjectMeta) *Owner {
	if release := m.Annotations[HelmReleaseAnnotation]; release != "" {
		return &Owner{Kind: KindHelmRelease, Name: release}
	}
	owner := controllerOf(m)
	if owner == nil || o == nil {
		return owner
	}
	up, ok := o.byRef[owner.Kind+"/"+m.Namespace+"/"+owner.Name]
	switch {
	case !ok:
		return owner
	case up.helmRelease != "":
		return &Owner{Kind: KindHelmRelease, Name: up.helmRelease}
	case up.controller != nil:
		return up.controller
	}
	return owner
}

// controllerOf is the owner reference marked controller, nil without one.
func controllerOf(m *metav1.ObjectMeta) *Owner {
	if ref := metav1.GetControllerOfNoCopy(m); ref != nil {
		return &Owner{Kind: ref.Kind, Name: ref.Name}
	}
	return nil
}
