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

	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/*/golden with the current output")

// goldenNow is the "now" of the fixtures in testdata/get: every AGE counts
// from it (describe's ages too, see runInGoldenTime).
var goldenNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// loadFixture decodes a multi-document YAML file of API objects.
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
