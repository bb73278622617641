package e2e

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
)

// refusedServer returns the address of a port nothing listens on: it was
// bound, then closed.
func refusedServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "https://" + addr
}

// hangingTCPServer accepts connections and never answers, not even the TLS
// handshake: a server stuck before its HTTP stack.
func hangingTCPServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "https://" + l.Addr().String()
}

// untrustedTLSServer speaks TLS with httptest's self-signed certificate,
// which the cluster's kubeconfig does not trust.
func untrustedTLSServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the client's TLS refusal is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

// faultProxy is an HTTPS server in front of the real apiserver that speaks
// HTTP, to inject faults a TCP proxy cannot: it terminates TLS with
// httptest's certificate (CAFile trusts it) and forwards to the apiserver
// with the admin's credentials, unless fault answers the request first.
type faultProxy struct {
	URL    string
	CAFile string
	srv    *httptest.Server
}

// faultFunc handles a request itself and returns true, or returns false to
// let it through to the apiserver.
type faultFunc func(p *faultProxy, w http.ResponseWriter, r *http.Request, upstream http.Handler) bool

func startFaultProxy(t *testing.T, apiserver *rest.Config, fault faultFunc) *faultProxy {
	t.Helper()
	target, err := url.Parse(apiserver.Host)
	if err != nil {
		t.Fatal(err)
	}
	transport, err := rest.TransportFor(apiserver)
	if err != nil {
		t.Fatal(err)
	}
	upstream := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: transport,
	}
	p := &faultProxy{}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fault(p, w, r, upstream) {
			upstream.ServeHTTP(w, r)
		}
	}))
	p.srv.StartTLS()
	t.Cleanup(func() {
		p.srv.CloseClientConnections()
		p.srv.Close()
	})
	p.URL = p.srv.URL
	p.CAFile = filepath.Join(t.TempDir(), "proxy-ca.pem")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.srv.Certificate().Raw})
	if err := os.WriteFile(p.CAFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// hangHTTP reads each request and never answers it (until the client
// gives up): an apiserver that is up but overloaded.
func hangHTTP(_ *faultProxy, _ http.ResponseWriter, r *http.Request, _ http.Handler) bool {
	<-r.Context().Done()
	return true
}

// onEventLists applies fault to the lists of events only: the server
// answers everything else.
func onEventLists(fault faultFunc) faultFunc {
	return func(p *faultProxy, w http.ResponseWriter, r *http.Request, upstream http.Handler) bool {
		return strings.HasSuffix(r.URL.Path, "/events") && fault(p, w, r, upstream)
	}
}

// throttle answers every request with 429 and Retry-After: 1, the Status
// body the apiserver sends when it sheds load.
func throttle(_ *faultProxy, w http.ResponseWriter, _ *http.Request, _ http.Handler) bool {
	status := apierrors.NewTooManyRequests("the server has received too many requests and has asked us to try again later", 1).ErrStatus
	status.Kind, status.APIVersion = "Status", "v1"
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(http.StatusTooManyRequests)
	_ = json.NewEncoder(w).Encode(status)
	return true
}

// dieOnSecondPage lets the first page of a pod list through; on the request
// for the next page it sends the headers and half the body of the real
// answer, then dies: the connection drops and nothing listens any more.
func dieOnSecondPage(p *faultProxy, w http.ResponseWriter, r *http.Request, upstream http.Handler) bool {
	if !strings.HasSuffix(r.URL.Path, "/pods") || r.URL.Query().Get("continue") == "" {
		return false
	}
	rec := httptest.NewRecorder()
	upstream.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	p.srv.Listener.Close()
	panic(http.ErrAbortHandler) // drops the connection without a log line
}
