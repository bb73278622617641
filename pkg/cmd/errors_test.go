package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestPrintErrorKubectlWording(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, "x"), "Error from server (NotFound): pods \"x\" not found\n"},
		{apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "", errors.New("no")), "Error from server (Forbidden): nodes is forbidden: no\n"},
		{errors.New("boom"), "error: boom\n"},
		{errors.New("error: already prefixed"), "error: already prefixed\n"},
		// A file name with an OSC 52 (clipboard) sequence stays inert.
		{errors.New("open /tmp/\x1b]52;c;eA==\a: no such file"), "error: open /tmp/^[]52;c;eA==^G: no such file\n"},
		// A right-to-left override that would show the name reversed.
		{errors.New("open /tmp/\u202egnp.exe: no such file"), "error: open /tmp/\\u202egnp.exe: no such file\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if code := PrintError(&buf, tt.err); code != ExitError || buf.String() != tt.want {
			t.Errorf("PrintError(%v) = %q, %d; want %q, 1", tt.err, buf.String(), code, tt.want)
		}
	}
}

func TestExplainTransportError(t *testing.T) {
	deadline := &url.Error{Op: "Get", URL: "https://h/api/v1/pods", Err: context.DeadlineExceeded}
	handshake := &url.Error{Op: "Get", URL: "https://h/api/v1/pods", Err: errors.New("net/http: TLS handshake timeout")}
	limiter := fmt.Errorf("client rate limiter Wait returned an error: %w", errors.New("rate: Wait(n=1) would exceed context deadline"))
	cutShort := fmt.Errorf("unexpected error when reading response body. Please retry. Original error: %w", io.ErrUnexpectedEOF)
	notFound := apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, "x")
	tests := []struct {
		err        error
		timeout    time.Duration
		retryAfter int
		want       string
	}{
		{deadline, 3 * time.Second, 0, "error: the server https://h did not answer within 3s (--request-timeout)\n"},
		{deadline, 3 * time.Second, 429, "error: no request to the server https://h succeeded within 3s (--request-timeout); its last answer: 429 Too Many Requests, retry later\n"},
		{limiter, 3 * time.Second, 429, "error: no request to the server https://h succeeded within 3s (--request-timeout); its last answer: 429 Too Many Requests, retry later\n"},
		{cutShort, 3 * time.Second, 0, "error: the connection to the server https://h was lost in the middle of an answer (unexpected EOF)\n"},
		// kubectl's words where they are clear: the handshake timeout is
		// the transport's 10 s, not --request-timeout.
		{handshake, 30 * time.Second, 0, "Unable to connect to the server: net/http: TLS handshake timeout\n"},
		{notFound, 3 * time.Second, 429, "Error from server (NotFound): pods \"x\" not found\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		PrintError(&buf, explainTransportError(tt.err, "https://h", tt.timeout, tt.retryAfter))
		if buf.String() != tt.want {
			t.Errorf("%v (timeout %s, retry-after status %d):\n got %q\nwant %q", tt.err, tt.timeout, tt.retryAfter, buf.String(), tt.want)
		}
	}
}

// TestServerFaultsOneLine runs the commands, in process, against servers
// that hang or keep throttling: one line each, within --request-timeout,
// with get's and check's exit codes. (test/e2e does the same through a
// proxy in front of a real apiserver.)
func TestServerFaultsOneLine(t *testing.T) {
	hang := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)
	throttle := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(throttle.Close)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	get, describe, check := []string{"get", "pods"}, []string{"describe", "pods"}, []string{"check"}
	tests := []struct {
		args    []string
		code    int
		server  string
		timeout string
		want    string
	}{
		{get, ExitError, hang.URL, "300ms", "error: the server " + hang.URL + " did not answer within 300ms (--request-timeout)\n"},
		{describe, ExitError, hang.URL, "300ms", "error: the server " + hang.URL + " did not answer within 300ms (--request-timeout)\n"},
		{check, ExitCheckError, hang.URL, "300ms", "error: the server " + hang.URL + " did not answer within 300ms (--request-timeout)\n"},
		// A List (get) and a discovery request (check's /version) retry
		// 429s differently in client-go.
		{get, ExitError, throttle.URL, "500ms", "error: no request to the server " + throttle.URL + " succeeded within 500ms (--request-timeout); its last answer: 429 Too Many Requests, retry later\n"},
		{check, ExitCheckError, throttle.URL, "500ms", "error: no request to the server " + throttle.URL + " succeeded within 500ms (--request-timeout); its last answer: 429 Too Many Requests, retry later\n"},
	}
	for _, tt := range tests {
		args := append(slices.Clone(tt.args), "--kubeconfig", kubeconfig, "--server", tt.server, "--request-timeout", tt.timeout)
		timeout, _ := time.ParseDuration(tt.timeout)
		began := time.Now()
		out, errOut, code := execute(t, args...)
		if elapsed := time.Since(began); elapsed > timeout+time.Second {
			t.Errorf("%v: took %s", args, elapsed)
		}
		if errOut != tt.want || code != tt.code || out != "" {
			t.Errorf("%v:\n got %q, exit %d, stdout %q\nwant %q, exit %d", args, errOut, code, out, tt.want, tt.code)
		}
	}
}

// TestMalformedKubeconfig: a kubeconfig that cannot be used is one line on
// stderr, exit 1 for get and describe, 2 for check.
func TestMalformedKubeconfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	garbage := write("garbage", "this is : not [ yaml\n\t garbage")
	wrongShape := write("wrong-shape", "apiVersion: v1\nkind: Config\nclusters: oops\n")
	missingContext := write("missing-context", "apiVersion: v1\nkind: Config\ncurrent-context: gone\n")
	valid := write("valid", "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: c\n  context: {cluster: c}\ncurrent-context: c\n")
	tests := []struct {
		flags []string
		want  string
	}{
		{[]string{"--kubeconfig", garbage}, `error: error loading config file "` + garbage + `": yaml: line 2: found a tab character that violates indentation`},
		{[]string{"--kubeconfig", wrongShape}, `error: error loading config file "` + wrongShape + `": json: cannot unmarshal string into Go struct field Config.clusters of type []v1.NamedCluster`},
		{[]string{"--kubeconfig", missingContext}, "error: context was not found for specified context: gone"},
		{[]string{"--kubeconfig", valid, "--context", "nope"}, "error: context was not found for specified context: nope"},
	}
	for _, tt := range tests {
		for _, cmd := range []struct {
			args []string
			code int
		}{{[]string{"get", "pods"}, ExitError}, {[]string{"describe", "pod", "x"}, ExitError}, {[]string{"check"}, ExitCheckError}} {
			args := append(slices.Clone(cmd.args), tt.flags...)
			out, errOut, code := execute(t, args...)
			if errOut != tt.want+"\n" || code != cmd.code || out != "" {
				t.Errorf("%v:\n got %q, exit %d, stdout %q\nwant %q, exit %d", args, errOut, code, out, tt.want+"\n", cmd.code)
			}
		}
	}
}
