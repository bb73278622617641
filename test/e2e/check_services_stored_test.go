package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check"
)

// TestCheckServicesStoredWithoutFamilies: a Service as a cluster upgraded
// from before dual-stack stores it (no ipFamilies, no ipFamilyPolicy, no
// clusterIPs), written into etcd as such. The API server fills its
// families in on GET and LIST, but the watch event of a change to its
// status carries none (what breaks controllers); check finds the Service
// by its metadata, and the rule's fix (a patch that stores the families)
// makes the finding go away.
func TestCheckServicesStoredWithoutFamilies(t *testing.T) {
	requireE2E(t, "kubectl-dualstack", "kubectl")
	c := startCluster(t, localcluster.Config{Layout: localcluster.DualStackIPv4Primary})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	ctx := context.Background()
	waitForServiceSlices(t, client)

	// Two Services created in 2020 on a single-stack cluster: one with
	// managedFields (created on 1.16 or later), one from before them.
	tracked := map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "legacy-tracked", "namespace": "default", "uid": "6d3c5b1e-0000-4000-8000-000000000002", "creationTimestamp": "2020-03-01T00:00:00Z",
			"managedFields": []any{map[string]any{"manager": "kubectl", "operation": "Update", "apiVersion": "v1", "time": "2020-03-01T00:00:00Z", "fieldsType": "FieldsV1",
				"fieldsV1": map[string]any{"f:spec": map[string]any{"f:ports": map[string]any{}, "f:selector": map[string]any{}, "f:type": map[string]any{}}}}}},
		"spec": map[string]any{
			"type": "ClusterIP", "clusterIP": "10.96.0.78", "selector": map[string]any{"app": "legacy"}, "sessionAffinity": "None",
			"ports": []any{map[string]any{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}},
		},
	}
	etcdPut(t, c.Ports[localcluster.Etcd], "/registry/services/specs/default/legacy-tracked", tracked)
	legacy := map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "legacy", "namespace": "default", "uid": "6d3c5b1e-0000-4000-8000-000000000001", "creationTimestamp": "2020-03-01T00:00:00Z"},
		"spec": map[string]any{
			"type": "ClusterIP", "clusterIP": "10.96.0.77", "selector": map[string]any{"app": "legacy"}, "sessionAffinity": "None",
			"ports": []any{map[string]any{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}},
		},
	}
	etcdPut(t, c.Ports[localcluster.Etcd], "/registry/services/specs/default/legacy", legacy)

	// A GET shows families: the API server fills them in on read.
	var got *corev1.Service
	if err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		s, err := client.CoreV1().Services("default").Get(ctx, "legacy", metav1.GetOptions{})
		got = s
		return err == nil, nil
	}); err != nil {
		t.Fatalf("the Service written into etcd is not served: %v", err)
	}
	if !slices.Equal(got.Spec.IPFamilies, []corev1.IPFamily{corev1.IPv4Protocol}) || len(got.Spec.ClusterIPs) != 1 {
		t.Fatalf("GET shows ipFamilies %v, clusterIPs %v; want both filled in on read", got.Spec.IPFamilies, got.Spec.ClusterIPs)
	}

	// The watch event of a status update carries no family: what an
	// informer keeps.
	w, err := client.CoreV1().Services("default").Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=legacy", ResourceVersion: got.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	status := `{"status":{"conditions":[{"type":"Probed","status":"True","reason":"E2E","message":"status only","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`
	if _, err := client.CoreV1().Services("default").Patch(ctx, "legacy", types.MergePatchType, []byte(status), metav1.PatchOptions{}, "status"); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-w.ResultChan():
		if s, ok := ev.Object.(*corev1.Service); !ok || ev.Type != watch.Modified || len(s.Spec.IPFamilies) != 0 {
			t.Fatalf("watch event %s %T: want a Service without ipFamilies", ev.Type, ev.Object)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no watch event for the status update")
	}

	report, code := runCheck(t, c.Kubeconfig, "--fail-on=warning")
	t.Logf("summary %+v\n%s", report.Summary, describeFindings(report))
	if failed := failing(report); !slices.Equal(failed, []string{"services-ip-families-stored"}) || code != 1 {
		t.Fatalf("exit %d, failing %v; want exit 1 and [services-ip-families-stored]", code, failed)
	}
	// The Endpoints controller of v1.33.0 until these patches panics on a
	// Service stored without families (kubernetes/kubernetes pull request
	// 138736): there the rule makes the one certainly so an error.
	trackedSeverity := check.Warning
	server, err := version.ParseGeneric(serverVersion(t, client))
	if err != nil {
		t.Fatal(err)
	}
	if fixed, ok := map[uint]uint{33: 13, 34: 9, 35: 6, 36: 2}[server.Minor()]; ok && server.Patch() < fixed {
		trackedSeverity = check.Error
	}
	found := map[string]string{}
	for _, f := range report.Findings {
		want := check.Warning
		if strings.HasPrefix(f.Subject, "service/default/legacy-tracked ") {
			want = trackedSeverity
		}
		if f.ID == "services-ip-families-stored" && f.Result == check.Fail && f.Severity == want {
			found[f.Subject] = f.Message
		}
	}
	if m := found["service/default/legacy-tracked spec.ipFamilies"]; !strings.Contains(m, "last updated 2020-03-01 (managedFields): stored without ipFamilies") {
		t.Errorf("legacy-tracked: %q", m)
	}
	if m := found["service/default/legacy spec.ipFamilies"]; !strings.Contains(m, "probably stored without ipFamilies") {
		t.Errorf("legacy: %q", m)
	}
	if len(found) != 2 {
		t.Errorf("findings %v, want the two legacy Services", found)
	}

	// The fix the rule gives stores the families, and says so in
	// managedFields.
	for _, name := range []string{"legacy", "legacy-tracked"} {
		manifest := filepath.Join(t.TempDir(), name+".yaml")
		if err := os.WriteFile(manifest, []byte("apiVersion: v1\nkind: Service\nmetadata: {name: "+name+", namespace: default}\nspec: {ipFamilyPolicy: SingleStack, ipFamilies: [IPv4]}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		kubectl(t, c.Kubeconfig, "apply", "--server-side", "--field-manager=ip-families", "-f", manifest)
	}
	report, code = runCheck(t, c.Kubeconfig, "--fail-on=warning")
	if failed := failing(report); len(failed) > 0 || code != 0 {
		t.Errorf("after the fix: exit %d, failing %v\n%s", code, failed, describeFindings(report))
	}
}

// etcdPut writes obj as JSON at key, through etcd's HTTP gateway (the
// API server reads JSON from its storage as well as protobuf).
func etcdPut(t *testing.T, port int, key string, obj any) {
	t.Helper()
	value, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{
		"key":   base64.StdEncoding.EncodeToString([]byte(key)),
		"value": base64.StdEncoding.EncodeToString(value),
	})
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/v3/kv/put", port), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK {
		t.Fatalf("etcd put %s: %s: %s", key, resp.Status, out)
	}
}
