package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDescribeEventFaultsOneLine: describe against a server that answers
// the pod but not its events (they hang, or are throttled for good). The
// event list is kubectl's describer's, which would wait past
// --request-timeout and then leave the events out silently: the plugin ends
// within the timeout, with one line and exit 1, as for any list of its own.
// (test/e2e TestFaults does the same in front of a real apiserver.)
func TestDescribeEventFaultsOneLine(t *testing.T) {
	const pod = `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","namespace":"default","uid":"u1"}}`
	server := func(events http.HandlerFunc) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path == "/api/v1/namespaces/default/pods/a":
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, pod)
			case strings.HasSuffix(r.URL.Path, "/events"):
				events(w, r)
			default:
				http.NotFound(w, r)
			}
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	hang := server(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	throttle := server(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		server, timeout, want string
	}{
		{hang, "300ms", "error: the server " + hang + " did not answer within 300ms (--request-timeout)\n"},
		{throttle, "500ms", "error: no request to the server " + throttle + " succeeded within 500ms (--request-timeout); its last answer: 429 Too Many Requests, retry later\n"},
	} {
		args := []string{"describe", "pod", "a", "-n", "default", "--kubeconfig", kubeconfig, "--server", tt.server, "--request-timeout", tt.timeout}
		timeout, _ := time.ParseDuration(tt.timeout)
		began := time.Now()
		out, errOut, code := execute(t, args...)
		if elapsed := time.Since(began); elapsed > timeout+time.Second {
			t.Errorf("%v: took %s", args, elapsed)
		}
		if errOut != tt.want || code != ExitError || out != "" {
			t.Errorf("%v:\n got %q, exit %d, stdout %q\nwant %q, exit 1", args, errOut, code, out, tt.want)
		}
	}
}
