package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// Time budgets. faultTimeout is the --request-timeout the fault runs pass;
// faultMargin is what a run may take beyond it: process start, reading the
// kubeconfig, the last attempt's TLS handshake (measured: well under 1s).
const (
	faultTimeout   = 3 * time.Second
	faultMargin    = 2 * time.Second
	defaultTimeout = 30 * time.Second // the plugin's --request-timeout default
)

// faultNeeds is what a command must send for a fault to show.
type faultNeeds int

const (
	anyRequest     faultNeeds = iota
	aPaginatedList            // a second page
	anEventList               // describe's events, check's event sources
)

// TestFaults runs get, describe and check against servers that fail in the
// ways of issue 8: each ends within --request-timeout plus a small margin,
// with the documented exit code and exactly one line on stderr. The rows it
// logs are the fault table of the README.
func TestFaults(t *testing.T) {
	requireE2E(t, "kubectl-dualstack")
	c := startCluster(t, localcluster.Config{Nodes: 1})
	client := kubernetes.NewForConfigOrDie(c.RESTConfig)
	// Two pods: --chunk-size=1 lists them in two pages.
	createPod(t, client, "default", "a", nil)
	createPod(t, client, "default", "b", nil)
	waitForPodIPs(t, client, "default", 2)
	revoked := revokedToken(t, c, client)

	admin := []string{"--kubeconfig", c.Kubeconfig}
	server := func(url string) []string { return append(slices.Clone(admin), "--server", url) }
	proxied := func(p *faultProxy) []string { return append(server(p.URL), "--certificate-authority", p.CAFile) }
	faults := []struct {
		name    string
		flags   func(t *testing.T) []string
		want    string // in the stderr line
		timeout time.Duration
		needs   faultNeeds // what a command must send for the fault to show
	}{
		{"connection refused", func(t *testing.T) []string { return server(refusedServer(t)) }, "was refused", faultTimeout, anyRequest},
		{"accepts, never answers (TCP)", func(t *testing.T) []string { return server(hangingTCPServer(t)) }, "did not answer within 3s", faultTimeout, anyRequest},
		{"accepts, never answers (HTTP)", func(t *testing.T) []string { return proxied(startFaultProxy(t, c.RESTConfig, hangHTTP)) }, "did not answer within 3s", faultTimeout, anyRequest},
		// With the default timeout: the transport's TLS handshake timeout
		// (10 s) comes first for a server that never starts TLS.
		{"accepts, never answers (TCP), default timeout", func(t *testing.T) []string { return server(hangingTCPServer(t)) }, "Unable to connect to the server: net/http: TLS handshake timeout", 0, anyRequest},
		{"accepts, never answers (HTTP), default timeout", func(t *testing.T) []string {
			return proxied(startFaultProxy(t, c.RESTConfig, hangHTTP))
		}, "did not answer within 30s", 0, anyRequest},
		{"dies during a paginated list", func(t *testing.T) []string {
			return proxied(startFaultProxy(t, c.RESTConfig, dieOnSecondPage))
		}, "was lost in the middle of an answer", faultTimeout, aPaginatedList},
		{"TLS: untrusted certificate", func(t *testing.T) []string { return server(untrustedTLSServer(t)) }, "x509: certificate signed by unknown authority", faultTimeout, anyRequest},
		{"401: revoked ServiceAccount token", func(t *testing.T) []string { return append(slices.Clone(admin), "--token", revoked) },
			"error: You must be logged in to the server", faultTimeout, anyRequest},
		{"429 with Retry-After: 1", func(t *testing.T) []string { return proxied(startFaultProxy(t, c.RESTConfig, throttle)) }, "its last answer: 429 Too Many Requests", faultTimeout, anyRequest},
		// client-go's 10 retries, a second apart, end before 30 s: kubectl's words.
		{"429 with Retry-After: 1, default timeout", func(t *testing.T) []string { return proxied(startFaultProxy(t, c.RESTConfig, throttle)) },
			"Error from server (TooManyRequests): the server has received too many requests", 0, anyRequest},
		// The objects answer, their events do not: describe's event lists
		// are kubectl's describers', which would wait past the timeout or
		// leave the events out silently; check lists events too.
		{"answers, never answers event lists", func(t *testing.T) []string { return proxied(startFaultProxy(t, c.RESTConfig, onEventLists(hangHTTP))) },
			"did not answer within 3s", faultTimeout, anEventList},
		{"answers, 429 with Retry-After: 1 on event lists", func(t *testing.T) []string { return proxied(startFaultProxy(t, c.RESTConfig, onEventLists(throttle))) },
			"its last answer: 429 Too Many Requests", faultTimeout, anEventList},
	}
	commands := []struct {
		args  []string
		exit  int
		sends []faultNeeds
	}{
		{[]string{"get", "pods", "--chunk-size=1"}, 1, []faultNeeds{anyRequest, aPaginatedList}},
		{[]string{"describe", "pods", "--chunk-size=1"}, 1, []faultNeeds{anyRequest, aPaginatedList, anEventList}},
		{[]string{"describe", "pod", "a"}, 1, []faultNeeds{anyRequest, anEventList}},
		{[]string{"check", "--chunk-size=1"}, 2, []faultNeeds{anyRequest, aPaginatedList, anEventList}},
	}

	var mu sync.Mutex
	var rows []string
	t.Run("group", func(t *testing.T) {
		for i, f := range faults {
			t.Run(f.name, func(t *testing.T) {
				t.Parallel() // the runs mostly wait: in parallel the test takes one default timeout
				cmds := commands
				if f.timeout == 0 {
					cmds = commands[:1] // the default timeout once, for get
				}
				for _, cmd := range cmds {
					if !slices.Contains(cmd.sends, f.needs) {
						continue
					}
					args := append(slices.Clone(cmd.args), f.flags(t)...)
					budget := defaultTimeout + faultMargin
					if f.timeout > 0 {
						args = append(args, "--request-timeout", f.timeout.String())
						budget = f.timeout + faultMargin
					}
					r := runPlugin(t, args...)
					line := strings.TrimSuffix(r.stderr, "\n")
					shown := strings.Join(cmd.args, " ")
					if f.timeout > 0 {
						shown += " --request-timeout=" + f.timeout.String()
					}
					mu.Lock()
					rows = append(rows, fmt.Sprintf("%02d %s | %s | %d | %.1f | %s", i, f.name, shown, r.exit, r.elapsed.Seconds(), line))
					mu.Unlock()
					if r.exit != cmd.exit {
						t.Errorf("%v: exit %d, want %d; stderr %q", cmd.args, r.exit, cmd.exit, r.stderr)
					}
					if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
						t.Errorf("%v: want exactly one line on stderr, got %q", cmd.args, r.stderr)
					}
					if !strings.Contains(line, f.want) {
						t.Errorf("%v: stderr %q does not say %q", cmd.args, line, f.want)
					}
					if out := r.stdout + r.stderr; strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
						t.Errorf("%v: a stack trace in the output:\n%s", cmd.args, out)
					}
					if r.elapsed > budget {
						t.Errorf("%v: took %.1fs, more than the %.0fs budget (timeout + %.0fs)", cmd.args, r.elapsed.Seconds(), budget.Seconds(), faultMargin.Seconds())
					}
				}
			})
		}
	})
	slices.Sort(rows)
	t.Log("fault | command | exit | seconds | stderr")
	for _, row := range rows {
		_, row, _ = strings.Cut(row, " ")
		t.Log(row)
	}

	t.Run("get -w across an apiserver restart", func(t *testing.T) {
		testWatchAcrossRestart(t, c, client)
	})
}

// testWatchAcrossRestart: `get pods -w` goes on through its own request
// timeouts (the client cuts the stream; the watch resumes silently) and
// through an apiserver restart (one line on stderr while the server is
// away), printing pods created after each.
func testWatchAcrossRestart(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) {
	w := startWatchProcess(t, "get", "pods", "-w", "--request-timeout=1s", "--kubeconfig", c.Kubeconfig)
	w.waitForRow(t, "a", 10*time.Second)
	time.Sleep(2500 * time.Millisecond) // two request timeouts cut the watch stream
	createPod(t, client, "default", "after-timeouts", nil)
	w.waitForRow(t, "after-timeouts", 10*time.Second)
	if s := w.stderrText(); s != "" {
		t.Errorf("the watch printed on stderr across request timeouts: %q", s)
	}

	began := time.Now()
	if err := c.Restart(context.Background(), localcluster.APIServer); err != nil {
		t.Fatal(err)
	}
	restarted := time.Since(began)
	createPod(t, client, "default", "after-restart", nil)
	printed := w.waitForRow(t, "after-restart", 30*time.Second)
	resumed := time.Since(began)
	t.Logf("rows printed after the restart:\n%s", strings.Join(printed, "\n"))
	code := w.stop(t)
	stderr := w.stderrText()
	t.Logf("apiserver restart | get pods -w --request-timeout=1s | %d after Ctrl-C | restart %.1fs, row of a pod created after it printed at %.1fs | %s",
		code, restarted.Seconds(), resumed.Seconds(), strings.TrimSuffix(stderr, "\n"))
	if code != 0 {
		t.Errorf("the watch exited %d after SIGINT, want 0", code)
	}
	if strings.Count(stderr, "\n") > 1 {
		t.Errorf("want at most one line on stderr while the apiserver restarts, got:\n%s", stderr)
	}
	if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
		t.Errorf("a stack trace on stderr:\n%s", stderr)
	}
}

// revokedToken returns a bound token of a ServiceAccount that was deleted
// after: the apiserver rejects it with 401 as it does an expired token
// (a truly expired one needs at least the 10 minutes TokenRequest allows).
func revokedToken(t *testing.T, c *localcluster.Cluster, client kubernetes.Interface) string {
	t.Helper()
	ctx := context.Background()
	sas := client.CoreV1().ServiceAccounts("default")
	if _, err := sas.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "revoked"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tr, err := sas.CreateToken(ctx, "revoked", &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](600)}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sas.Delete(ctx, "revoked", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitUnauthorized(t, c.RESTConfig, tr.Status.Token)
	return tr.Status.Token
}

type pluginRun struct {
	exit           int
	stdout, stderr string
	elapsed        time.Duration
}

// runPlugin runs the plugin and measures how long it took to end.
func runPlugin(t *testing.T, args ...string) pluginRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hung run fails, not the suite
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binDir(t), "kubectl-dualstack"), args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	return pluginRun{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(began), exit: exitCode(t, err)}
}

// watchProc is a long-running plugin process whose stdout lines and stderr
// the test reads.
type watchProc struct {
	cmd    *exec.Cmd
	lines  chan string
	mu     sync.Mutex
	stderr strings.Builder
}

func (w *watchProc) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stderr.Write(p)
}

func (w *watchProc) stderrText() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stderr.String()
}

func startWatchProcess(t *testing.T, args ...string) *watchProc {
	t.Helper()
	w := &watchProc{lines: make(chan string, 100)}
	w.cmd = exec.Command(filepath.Join(binDir(t), "kubectl-dualstack"), args...)
	w.cmd.Stderr = w
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w.cmd.ProcessState == nil {
			_ = w.cmd.Process.Kill()
			_ = w.cmd.Wait()
		}
	})
	go func() {
		defer close(w.lines)
		for s := bufio.NewScanner(stdout); s.Scan(); {
			w.lines <- s.Text()
		}
	}()
	return w
}

// waitForRow waits for a table row whose first field is name, and returns
// the lines read.
func (w *watchProc) waitForRow(t *testing.T, name string, within time.Duration) []string {
	t.Helper()
	var seen []string
	deadline := time.After(within)
	for {
		select {
		case line, ok := <-w.lines:
			if !ok {
				t.Fatalf("the watch ended before printing %s; stdout:\n%s\nstderr:\n%s", name, strings.Join(seen, "\n"), w.stderrText())
			}
			seen = append(seen, line)
			if f := strings.Fields(line); len(f) > 0 && f[0] == name {
				return seen
			}
		case <-deadline:
			t.Fatalf("no row for %s within %s; stdout:\n%s\nstderr:\n%s", name, within, strings.Join(seen, "\n"), w.stderrText())
		}
	}
}

// stop interrupts the process as Ctrl-C does and returns its exit code.
func (w *watchProc) stop(t *testing.T) int {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for range w.lines {
	}
	return exitCode(t, w.cmd.Wait())
}

// waitUnauthorized waits until the apiserver rejects token (its
// authenticator sees the ServiceAccount's deletion through an informer).
func waitUnauthorized(t *testing.T, admin *rest.Config, token string) {
	t.Helper()
	cfg := rest.AnonymousClientConfig(admin)
	cfg.BearerToken = token
	client := kubernetes.NewForConfigOrDie(cfg)
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := client.CoreV1().Pods("default").List(ctx, metav1.ListOptions{Limit: 1})
		return apierrors.IsUnauthorized(err), nil
	})
	if err != nil {
		t.Fatalf("the token of the deleted ServiceAccount is still accepted: %v", err)
	}
}
