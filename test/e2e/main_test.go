// Package e2e tests the plugin and its local control plane against real
// kube-apiserver, etcd, kube-controller-manager and kube-scheduler processes
// (built by `make tools`). `go test -short` skips them.
package e2e

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

// repoDir is the repository root, relative to this package.
const repoDir = "../.."

// binDir holds the control-plane binaries, kubectl and the built plugin.
func binDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LOCALCLUSTER_BIN_DIR")
	if dir == "" {
		dir = filepath.Join(repoDir, "bin")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// requireE2E skips in -short mode and fails (never skips) when the binaries
// are missing, so that a CI run without them cannot pass silently.
func requireE2E(t *testing.T, binaries ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: runs real control-plane processes")
	}
	for _, b := range binaries {
		if _, err := os.Stat(filepath.Join(binDir(t), b)); err != nil {
			t.Fatalf("%s is missing from %s: run `make build tools` (make test does)", b, binDir(t))
		}
	}
}

// startCluster starts a local cluster for one test and stops it afterwards,
// checking that the stop left no process and no bound port behind.
func startCluster(t *testing.T, cfg localcluster.Config) *localcluster.Cluster {
	t.Helper()
	requireE2E(t, localcluster.Etcd, localcluster.APIServer, localcluster.ControllerManager, localcluster.Scheduler)
	cfg.BinDir = binDir(t)
	cfg.Log = t.Logf
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	began := time.Now()
	c, err := localcluster.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("starting the local cluster: %v", err)
	}
	t.Logf("%s control plane up and serving in %.1fs", c.Layout, time.Since(began).Seconds())
	t.Cleanup(func() {
		c.Stop()
		assertStopped(t, c)
	})
	return c
}

// assertStopped checks that every component process is gone and every port
// it listened on can be bound again.
func assertStopped(t *testing.T, c *localcluster.Cluster) {
	t.Helper()
	for name, pid := range c.PIDs() {
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
			t.Errorf("%s (pid %d) still exists after Stop", name, pid)
		}
	}
	for name, port := range c.Ports {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			t.Errorf("port %d of %s still bound after Stop: %v", port, name, err)
			continue
		}
		l.Close()
	}
}

// processesMentioning lists the PIDs of processes whose command line
// contains s (a state directory), to find orphans of a failed start.
func processesMentioning(s string) []string {
	var pids []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cmdline), s) && e.Name() != strconv.Itoa(os.Getpid()) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

// kubectl runs the pinned kubectl from bin/ against kubeconfig.
func kubectl(t *testing.T, kubeconfig string, args ...string) string {
	t.Helper()
	return run(t, filepath.Join(binDir(t), "kubectl"), append([]string{"--kubeconfig", kubeconfig}, args...)...)
}

func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// runSplit runs bin and returns its stdout, stderr and exit code; only a
// program that could not run at all fails the test.
func runSplit(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	code = exitCode(t, cmd.Run())
	return out.String(), errOut.String(), code
}

// exitCode is the exit code of a command that ended with err.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// kubectlMayFail runs kubectl and returns its output whatever the exit
// code (`kubectl auth can-i` exits 1 for "no").
func kubectlMayFail(t *testing.T, kubeconfig string, args ...string) string {
	t.Helper()
	out, _ := exec.Command(filepath.Join(binDir(t), "kubectl"), append([]string{"--kubeconfig", kubeconfig}, args...)...).CombinedOutput()
	return string(out)
}
