package cmd

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
)

// The typed clients ask for protobuf, with JSON as a fallback.
func TestClientProtobuf(t *testing.T) {
	var mu sync.Mutex
	accepts := map[string]string{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		accepts[r.URL.Path] = r.Header.Get("Accept")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json") // allowed by the fallback
		_, _ = w.Write([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}`))
	}))
	t.Cleanup(server.Close)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := execute(t, "get", "pods", "-n", "demo", "--kubeconfig", kubeconfig, "--server", server.URL)
	if code != ExitOK || errOut != "No resources found in demo namespace.\n" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := "application/vnd.kubernetes.protobuf,application/json"
	if got := accepts["/api/v1/namespaces/demo/pods"]; got != want {
		t.Errorf("Accept %q, want %q", got, want)
	}
}

// --qps and --burst become the client's rate limits; 0 turns them off.
func TestClientLimits(t *testing.T) {
	for _, tt := range []struct {
		limits    clientLimits
		qps       float32
		burst     int
		rejection string
	}{
		{clientLimits{DefaultQPS, DefaultBurst}, 50, 100, ""},
		{clientLimits{0, 100}, -1, 100, ""}, // client-go's "no rate limiter"
		{clientLimits{5, 1}, 5, 1, ""},
		{clientLimits{-1, 100}, 0, 0, "--qps must be 0 (no client-side throttling) or greater"},
		{clientLimits{5, 0}, 0, 0, "--burst must be 1 or greater"},
	} {
		if err := tt.limits.validate(nil); err != nil || tt.rejection != "" {
			if err == nil || err.Error() != tt.rejection {
				t.Errorf("%+v: error %v, want %q", tt.limits, err, tt.rejection)
			}
			continue
		}
		c := tt.limits.apply(&rest.Config{})
		if c.QPS != tt.qps || c.Burst != tt.burst {
			t.Errorf("%+v: QPS %v burst %d, want %v and %d", tt.limits, c.QPS, c.Burst, tt.qps, tt.burst)
		}
	}
	// Through the flags: a usage error before anything is sent.
	_, errOut, code := execute(t, "get", "pods", "--qps", "-1", "--server", "https://127.0.0.1:1")
	if want := "error: --qps must be 0 (no client-side throttling) or greater\nSee 'kubectl dualstack get -h' for help and examples.\n"; code != ExitError || errOut != want {
		t.Errorf("--qps -1: exit %d, stderr %q, want %q", code, errOut, want)
	}
}
