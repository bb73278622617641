package summary

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	metadatafake "k8s.io/client-go/metadata/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// ownersClient serves, as metadata, a Deployment's ReplicaSet, a Helm
// chart's ReplicaSet and a CronJob's Job in shop.
func ownersClient(t *testing.T) *metadatafake.FakeMetadataClient {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := metav1.AddMetaToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	client := metadatafake.NewSimpleMetadataClient(scheme)
	owned := func(gvr schema.GroupVersionResource, name string, annotations map[string]string, owner *Owner) {
		m := &metav1.PartialObjectMetadata{ObjectMeta: meta("shop", name, nil, annotations)}
		if owner != nil {
			m.OwnerReferences = []metav1.OwnerReference{{Kind: owner.Kind, Name: owner.Name, Controller: ptr.To(true)}}
		}
		if err := client.Tracker().Create(gvr, m, "shop"); err != nil {
			t.Fatal(err)
		}
	}
	owned(followed[0].resource, "web-abc", nil, &Owner{Kind: "Deployment", Name: "web"})
	owned(followed[0].resource, "chart-abc", map[string]string{HelmReleaseAnnotation: "shop-chart"}, &Owner{Kind: "Deployment", Name: "chart"})
	owned(followed[1].resource, "nightly-1", nil, &Owner{Kind: "CronJob", Name: "nightly"})
	return client
}

// --by owner: a Deployment's pods under the Deployment, a CronJob's under
// the CronJob, a Helm release's objects under the release, other
// controllers' under them, objects without an owner under the namespace.
func TestByOwner(t *testing.T) {
	owners, err := ReadOwners(context.Background(), ownersClient(t), "", metav1.ListOptions{Limit: 1})
	if err != nil || owners.Unavailable != nil {
		t.Fatalf("ReadOwners: %v, unavailable %v", err, owners.Unavailable)
	}
	f := dualCluster()
	f.Pods = streamed(
		pod(meta("shop", "web-abc-1", nil, nil), &Owner{Kind: "ReplicaSet", Name: "web-abc"}, "10.244.1.2", "fd00:10:244:1::2"),
		pod(meta("shop", "web-abc-2", nil, nil), &Owner{Kind: "ReplicaSet", Name: "web-abc"}, "10.244.1.3"),
		pod(meta("shop", "chart-abc-1", nil, nil), &Owner{Kind: "ReplicaSet", Name: "chart-abc"}, "10.244.1.4", "fd00:10:244:1::4"),
		pod(meta("shop", "nightly-1-x", nil, nil), &Owner{Kind: "Job", Name: "nightly-1"}, "10.244.1.5", "fd00:10:244:1::5"),
		pod(meta("shop", "db-0", nil, nil), &Owner{Kind: "StatefulSet", Name: "db"}, "10.244.1.6", "fd00:10:244:1::6"),
		pod(meta("shop", "debug", nil, nil), nil, "10.244.1.7"),
	)
	f.Services = []corev1.Service{
		service(meta("shop", "chart", nil, map[string]string{HelmReleaseAnnotation: "shop-chart"}), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicySingleStack, false, v4),
		service(meta("shop", "web", nil, nil), corev1.ServiceTypeClusterIP, corev1.IPFamilyPolicySingleStack, false, v4),
	}
	s, err := Compute(f, Options{By: ByOwner, Owners: owners})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, g := range s.Groups {
		got[ownerName(g.Owner)] = dump(Counts{Pods: g.Pods, Services: g.Services})
	}
	pods := func(running, dual int, services int) string {
		return dump(Counts{Pods: &Pods{Running: running, Dual: dual}, Services: &Services{Single: services, BackendsMissingFamily: ptr.To(0)}})
	}
	want := map[string]string{
		"Deployment/web":          pods(2, 1, 0),
		"HelmRelease/shop-chart":  pods(1, 1, 1),
		"CronJob/nightly":         pods(1, 1, 0),
		"StatefulSet/db":          pods(1, 1, 0),
		"" /* the namespace's */ : pods(1, 0, 1),
	}
	if !reflect.DeepEqual(got, want) || s.Scope.By != ByOwner {
		t.Errorf("groups:\n got %v\nwant %v", got, want)
	}

	// Without the ReplicaSets and Jobs, pods group under their direct
	// controller.
	f.Pods = streamed(pod(meta("shop", "web-abc-1", nil, nil), &Owner{Kind: "ReplicaSet", Name: "web-abc"}, "10.244.1.2"))
	if s, err = Compute(f, Options{By: ByOwner}); err != nil {
		t.Fatal(err)
	}
	if names := groupNames(s); !slices.Contains(names, "shop/ReplicaSet/web-abc") {
		t.Errorf("groups without owners read: %v", names)
	}
}

// ReplicaSets or Jobs that may not be listed: their kind is recorded
// unreadable (the summary is incomplete); a server that cannot be talked
// to ends it.
func TestReadOwnersErrors(t *testing.T) {
	client := ownersClient(t)
	client.PrependReactor("list", "jobs", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "batch", Resource: "jobs"}, "", errors.New("RBAC says no"))
	})
	owners, err := ReadOwners(context.Background(), client, "shop", metav1.ListOptions{})
	if err != nil || len(owners.Unavailable) != 1 || owners.Unavailable[check.SourceJobs] == "" || owners.byRef["ReplicaSet/shop/web-abc"].controller == nil {
		t.Fatalf("jobs forbidden: %v, %+v", err, owners)
	}
	f := dualCluster()
	s, err := Compute(f, Options{By: ByOwner, Owners: owners})
	if err != nil || s.Complete || len(s.Unknown) != 1 || s.Unknown[0].Source != string(check.SourceJobs) {
		t.Errorf("summary with jobs forbidden: %v, complete %v, unknown %+v", err, s.Complete, s.Unknown)
	}

	client.PrependReactor("list", "replicasets", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New("dial tcp 127.0.0.1:6443: connect: connection refused")
	})
	if _, err := ReadOwners(context.Background(), client, "", metav1.ListOptions{}); err == nil {
		t.Error("an unreachable server: no error")
	}
}
