package cmd

import (
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/describe"
)

// describeCase is one run of `kubectl dualstack describe` against a fixture.
type describeCase struct {
	name string
	args []string
	// failed: the command fails (exit code 1).
	failed bool
}

// describeLayoutCases run in every layout. The fixtures hold the same
// objects in every layout, but for the pod with one family only.
var describeLayoutCases = []describeCase{
	{name: "pod-dual", args: []string{"describe", "pod", "web-7d4b9c6f8d-2xkqp", "--show-events=false"}},
	{name: "pod-no-ip-yet", args: []string{"describe", "pod", "cache-5f6b8d9c7-vn4hs", "--show-events=false"}},
	{name: "pod-unscheduled", args: []string{"describe", "pod", "report-29400000-kx2mz", "--show-events=false"}},
	{name: "pod-host-network", args: []string{"describe", "pod", "kube-proxy-4xk2p", "-n", "kube-system", "--show-events=false"}},
	{name: "pods-selector", args: []string{"describe", "pods", "-l", "app=web", "--show-events=false"}},
	{name: "svc-web", args: []string{"describe", "svc", "web", "--show-events=false"}},
	{name: "svc-db-multi-port", args: []string{"describe", "svc", "db", "--show-events=false"}},
	{name: "svc-headless", args: []string{"describe", "svc", "web-headless", "--show-events=false"}},
	{name: "svc-external-name", args: []string{"describe", "svc", "docs", "--show-events=false"}},
	{name: "svc-load-balancer", args: []string{"describe", "svc", "web-lb", "--show-events=false"}},
	{name: "svc-node-port-single-stack", args: []string{"describe", "svc", "web-nodeport", "--show-events=false"}},
	{name: "svc-no-ready-endpoint", args: []string{"describe", "svc", "api", "--show-events=false"}},
	{name: "svc-selectorless", args: []string{"describe", "svc", "legacy-db", "--show-events=false"}},
	{name: "node-ready", args: []string{"describe", "node", "worker-1", "--show-events=false"}},
	{name: "node-not-ready", args: []string{"describe", "node", "worker-3", "--show-events=false"}},
	{name: "endpoints-web", args: []string{"describe", "endpoints", "web", "--show-events=false"}},
	{name: "endpoints-db", args: []string{"describe", "ep", "db", "--show-events=false"}},
}

// describeLayoutOnlyCases run in one layout: the objects they name are
// that layout's.
var describeLayoutOnlyCases = map[string][]describeCase{
	"dual-ipv4": {
		{name: "pod-one-family", args: []string{"describe", "pod", "web-v4-only", "--show-events=false"}},
		// The events of testdata/describe/dual-ipv4.events.yaml.
		{name: "pod-events", args: []string{"describe", "pod", "cache-5f6b8d9c7-vn4hs"}},
		// Events: <none> after the rewritten block.
		{name: "endpoints-events-none", args: []string{"describe", "endpoints", "web"}},
		{name: "svc-events-none", args: []string{"describe", "svc", "web"}},
		{name: "empty-namespace", args: []string{"describe", "pods", "-n", "empty"}},
		{name: "error-pod-not-found", args: []string{"describe", "pod", "nope"}, failed: true},
		{name: "error-some-not-found", args: []string{"describe", "pods", "nope", "db-0", "--show-events=false"}, failed: true},
		{name: "error-unknown-type", args: []string{"describe", "foo"}, failed: true},
		{name: "error-no-type", args: []string{"describe"}, failed: true},
	},
	"dual-ipv6": {
		{name: "pod-one-family", args: []string{"describe", "pod", "web-v6-only", "--show-events=false"}},
	},
}

func TestDescribeGolden(t *testing.T) {
	useGoldenKubeconfig(t)
	leases := loadFixture(t, filepath.Join("..", "..", "testdata", "describe", "leases.yaml"))
	for _, layout := range goldenLayouts {
		objs := withNodeCapacity(loadFixture(t, filepath.Join("..", "..", "testdata", "get", layout+".yaml")))
		objs = append(objs, leases...)
		events := filepath.Join("..", "..", "testdata", "describe", layout+".events.yaml")
		if _, err := os.Stat(events); err == nil {
			objs = append(objs, loadFixture(t, events)...)
		}
		cases := append(describeLayoutCases[:len(describeLayoutCases):len(describeLayoutCases)], describeLayoutOnlyCases[layout]...)
		for _, tc := range cases {
			name := layout + "." + tc.name
			t.Run(name, func(t *testing.T) {
				stdout, stderr, code := executeDescribe(t, objs, tc.args...)
				wantCode := ExitOK
				if tc.failed {
					wantCode = ExitError
				}
				if code != wantCode {
					t.Errorf("exit code %d, want %d; stderr:\n%s", code, wantCode, stderr)
				}
				compareGolden(t, filepath.Join("..", "..", "testdata", "describe", "golden", name+".txt"), goldenText(stdout, stderr))
			})
		}
	}
}

// withNodeCapacity gives the fixtures' nodes, which have no capacity (get
// does not show it), that of a small VM: kubectl's node describer divides
// each pod's requests by the node's allocatable, and 0/0 is a NaN whose
// conversion to int64 differs between amd64 and arm64.
func withNodeCapacity(objs []runtime.Object) []runtime.Object {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("4"),
		corev1.ResourceMemory:           resource.MustParse("16Gi"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
		corev1.ResourcePods:             resource.MustParse("110"),
	}
	out := make([]runtime.Object, len(objs))
	for i, obj := range objs {
		if node, ok := obj.(*corev1.Node); ok && len(node.Status.Capacity) == 0 {
			node = node.DeepCopy()
			node.Status.Capacity = capacity.DeepCopy()
			node.Status.Allocatable = capacity.DeepCopy()
			obj = node
		}
		out[i] = obj
	}
	return out
}

// executeDescribe runs the root command with args against a fake clientset
// holding objs, at goldenNow, and returns stdout, stderr and the exit code
// main would use.
func executeDescribe(t *testing.T, objs []runtime.Object, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	// kubectl's describers count ages (events, a node's pods) from
	// time.Now: in a synctest bubble the clock is fake, and a sleep moves
	// it to the fixtures' now at once.
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(goldenNow.Sub(time.Now()))
		typed, _ := splitCRDs(objs)
		client := fake.NewClientset(typed...)
		honourFieldSelectors(client)
		testDescribeOptions = func(o *DescribeOptions) {
			o.Describer = describe.Describer{Client: eventSelectingClientset{client}}
		}
		defer func() { testDescribeOptions = nil }()

		streams, _, out, errOut := genericiooptions.NewTestIOStreams()
		root := NewRootCmd(streams, BuildInfo{})
		root.SetArgs(args)
		code = ExitOK
		if err := root.Execute(); err != nil {
			code = PrintError(errOut, err)
		}
		stdout, stderr = out.String(), errOut.String()
	})
	return stdout, stderr, code
}

// fieldSetters give the fields a field selector may name, per resource, as
// the API server indexes them.
var fieldSetters = map[string]func(runtime.Object) fields.Set{
	"pods": func(obj runtime.Object) fields.Set {
		pod := obj.(*corev1.Pod)
		return fields.Set{
			"metadata.name":      pod.Name,
			"metadata.namespace": pod.Namespace,
			"spec.nodeName":      pod.Spec.NodeName,
			"status.phase":       string(pod.Status.Phase),
		}
	},
	"events": func(obj runtime.Object) fields.Set {
		e := obj.(*corev1.Event)
		return fields.Set{
			"metadata.name":                  e.Name,
			"metadata.namespace":             e.Namespace,
			"involvedObject.kind":            e.InvolvedObject.Kind,
			"involvedObject.namespace":       e.InvolvedObject.Namespace,
			"involvedObject.name":            e.InvolvedObject.Name,
			"involvedObject.uid":             string(e.InvolvedObject.UID),
			"involvedObject.apiVersion":      e.InvolvedObject.APIVersion,
			"involvedObject.resourceVersion": e.InvolvedObject.ResourceVersion,
			"involvedObject.fieldPath":       e.InvolvedObject.FieldPath,
			"reason":                         e.Reason,
			"reportingComponent":             e.ReportingController,
			"source":                         e.Source.Component,
			"type":                           e.Type,
		}
	},
}

// eventSelectingClientset is the fake clientset with events clients whose
// GetFieldSelector builds the selector the real one does: the fake's
// selects everything, so that every describer would show every event of its
// namespace (and a node every event of the cluster, twice).
type eventSelectingClientset struct{ *fake.Clientset }

func (c eventSelectingClientset) CoreV1() corev1client.CoreV1Interface {
	return eventSelectingCoreV1{c.Clientset.CoreV1()}
}

type eventSelectingCoreV1 struct{ corev1client.CoreV1Interface }

func (c eventSelectingCoreV1) Events(namespace string) corev1client.EventInterface {
	return eventSelectingEvents{c.CoreV1Interface.Events(namespace)}
}

type eventSelectingEvents struct{ corev1client.EventInterface }

// GetFieldSelector is client-go's own (typed/core/v1/event_expansion.go).
func (eventSelectingEvents) GetFieldSelector(name, namespace, kind, uid *string) fields.Selector {
	set := fields.Set{}
	for field, value := range map[string]*string{
		"involvedObject.name":      name,
		"involvedObject.namespace": namespace,
		"involvedObject.kind":      kind,
		"involvedObject.uid":       uid,
	} {
		if value != nil {
			set[field] = *value
		}
	}
	return set.AsSelector()
}

// honourFieldSelectors makes the fake clientset filter pods and events by
// field selector, as the API server does: kubectl's node describer lists
// the node's pods by spec.nodeName, and every describer its object's
// events by involvedObject. The fake ignores field selectors (label
// selectors it applies itself, after the reactor).
func honourFieldSelectors(client *fake.Clientset) {
	client.PrependReactor("list", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		list, ok := action.(k8stesting.ListActionImpl)
		if !ok {
			return false, nil, nil
		}
		fieldsOf, ok := fieldSetters[list.GetResource().Resource]
		sel := list.GetListRestrictions().Fields
		if !ok || sel == nil || sel.Empty() {
			return false, nil, nil
		}
		obj, err := client.Tracker().List(list.GetResource(), list.GetKind(), list.GetNamespace())
		if err != nil {
			return true, nil, err
		}
		items, err := meta.ExtractList(obj)
		if err != nil {
			return true, nil, err
		}
		var kept []runtime.Object
		for _, item := range items {
			if sel.Matches(fieldsOf(item)) {
				kept = append(kept, item)
			}
		}
		return true, obj, meta.SetList(obj, kept)
	})
}
