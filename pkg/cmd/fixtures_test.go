package cmd

// Helpers shared by the golden tests of get and describe: the fixtures of
// testdata/get, the golden files, a kubeconfig of our own.

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/*/golden with the current output")

// goldenNow is the "now" of the fixtures in testdata/get: every AGE counts
// from it (describe's ages too, see runInGoldenTime).
var goldenNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// loadFixture decodes a multi-document YAML file of API objects: built-in
// kinds as typed objects, others (CRDs: Gateway API Gateways) as
// unstructured ones.
func loadFixture(t *testing.T, path string) []runtime.Object {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
	decoder := scheme.Codecs.UniversalDeserializer()
	var objs []runtime.Object
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		obj, _, err := decoder.Decode(doc, nil, nil)
		if runtime.IsNotRegisteredError(err) {
			var data []byte
			if data, err = utilyaml.ToJSON(doc); err == nil {
				obj, _, err = unstructured.UnstructuredJSONScheme.Decode(data, nil, nil)
			}
		}
		if err != nil {
			t.Fatalf("%s: document %d: %v", path, len(objs)+1, err)
		}
		objs = append(objs, obj)
	}
	if len(objs) == 0 {
		t.Fatalf("%s: no objects", path)
	}
	return objs
}

// splitCRDs separates the objects a fake clientset holds (built-in kinds)
// from those a fake dynamic client holds (unstructured: CRDs).
func splitCRDs(objs []runtime.Object) (typed []runtime.Object, crds []*unstructured.Unstructured) {
	for _, obj := range objs {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			crds = append(crds, u)
		} else {
			typed = append(typed, obj)
		}
	}
	return typed, crds
}

// fakeClients are a fake clientset holding the built-in objects of objs
// and a fake dynamic client holding its Gateways; discovery serves the
// Gateway API when there are Gateways.
func fakeClients(t *testing.T, objs []runtime.Object) (*fake.Clientset, *dynamicfake.FakeDynamicClient) {
	t.Helper()
	typed, crds := splitCRDs(objs)
	client := fake.NewClientset(typed...)
	gvr := live.GatewaysResource
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), live.ListKinds)
	for _, u := range crds {
		// Through the tracker: the constructor would need the kind in a scheme.
		if err := dyn.Tracker().Create(gvr, u, u.GetNamespace()); err != nil {
			t.Fatal(err)
		}
	}
	if len(crds) > 0 {
		client.Resources = append(client.Resources, &metav1.APIResourceList{
			GroupVersion: gvr.GroupVersion().String(),
			APIResources: []metav1.APIResource{{Name: gvr.Resource, SingularName: "gateway", Namespaced: true, Kind: "Gateway", ShortNames: []string{"gtw"}, Verbs: []string{"get", "list", "watch"}}},
		})
	}
	return client, dyn
}

// stripComments drops the comment lines of a YAML document, to tell a
// document of comments only from one with an object.
func stripComments(doc []byte) []byte {
	var out []byte
	for line := range bytes.Lines(doc) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			out = append(out, line...)
		}
	}
	return out
}

// compareGolden compares got with the golden file, or rewrites it under
// -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/cmd -run 'Test(Get|Describe)Golden' -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (-want +got):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff is a minimal line diff: the lines from the first difference on.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	b.WriteString("  (first " + strconv.Itoa(i) + " lines equal)\n")
	for _, l := range w[i:] {
		b.WriteString("-" + l + "\n")
	}
	for _, l := range g[i:] {
		b.WriteString("+" + l + "\n")
	}
	return b.String()
}

const goldenKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: golden
  cluster:
    server: https://golden.invalid:6443
contexts:
- name: golden
  context:
    cluster: golden
    namespace: default
current-context: golden
`

// useGoldenKubeconfig points KUBECONFIG at a kubeconfig of our own: the
// current namespace is "default" whatever the machine running the tests has
// configured.
func useGoldenKubeconfig(t *testing.T) {
	t.Helper()
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(goldenKubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kubeconfig)
}

// goldenText is what a golden file holds: stdout, then stderr after a
// `--- stderr ---` line if there is any.
func goldenText(stdout, stderr string) string {
	got := stdout
	if stderr != "" {
		if got != "" && !strings.HasSuffix(got, "\n") { // e.g. -o jsonpath
			got += "\n"
		}
		got += "--- stderr ---\n" + stderr
	}
	return got
}
