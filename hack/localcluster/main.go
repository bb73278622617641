// Command localcluster starts and stops the project's local dual-stack
// control plane (see internal/localcluster) for the demo and for people.
//
//	localcluster run   [flags]  run in the foreground until Ctrl-C
//	localcluster up    [flags]  start in the background; print `export KUBECONFIG=...`
//	localcluster down  [flags]  stop a background cluster and remove its state
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-dualstack/kubectl-dualstack/internal/localcluster"
)

const usage = `usage: localcluster run|up|down [flags]

  run    start the control plane and node agent in the foreground; Ctrl-C stops it
  up     start it in the background and print the export KUBECONFIG=... line
  down   stop the background cluster and remove its state directory

flags:
`

type options struct {
	stateDir, binDir, layout string
	nodes                    int
	extra                    map[string]*multiFlag
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	o := options{extra: map[string]*multiFlag{}}
	fs := flag.NewFlagSet("localcluster", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVar(&o.stateDir, "state-dir", filepath.Join(os.TempDir(), "kubectl-dualstack-localcluster"), "directory for certificates, data, logs and the kubeconfig")
	fs.StringVar(&o.binDir, "bin-dir", defaultBinDir(), "directory holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler")
	fs.StringVar(&o.layout, "layout", string(localcluster.DualStackIPv4Primary), "IP layout: dual-ipv4, dual-ipv6, ipv4 or ipv6")
	fs.IntVar(&o.nodes, "nodes", 3, "number of nodes the node agent registers")
	for _, c := range []string{localcluster.APIServer, localcluster.ControllerManager, localcluster.Scheduler} {
		o.extra[c] = &multiFlag{}
		fs.Var(o.extra[c], strings.TrimPrefix(c, "kube-")+"-arg", "extra "+c+" flag (repeatable), e.g. --"+strings.TrimPrefix(c, "kube-")+"-arg=--v=2")
	}
	if len(args) == 0 {
		fs.Usage()
		return errors.New("missing command")
	}
	verb := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch verb {
	case "run":
		return o.run()
	case "up":
		return o.up(args[1:])
	case "down":
		return o.down()
	default:
		return fmt.Errorf("unknown command %q (want run, up or down)", verb)
	}
}

// defaultBinDir is the directory of this executable: `make tools` puts the
// launcher beside the control-plane binaries.
func defaultBinDir() string {
	exe, err := os.Executable()
	if err != nil {
		return "bin"
	}
	return filepath.Dir(exe)
}

func (o options) pidFile() string    { return filepath.Join(o.stateDir, "localcluster.pid") }
func (o options) readyFile() string  { return filepath.Join(o.stateDir, "ready") }
func (o options) logFile() string    { return filepath.Join(o.stateDir, "localcluster.log") }
func (o options) kubeconfig() string { return filepath.Join(o.stateDir, "kubeconfig") }

// run is the foreground cluster; `up` runs it as a background process.
func (o options) run() error {
	layout, err := localcluster.ParseLayout(o.layout)
	if err != nil {
		return err
	}
	if pid, alive := o.runningPID(); alive {
		return fmt.Errorf("a local cluster is already running (pid %d, state %s): stop it with `make cluster-down`", pid, o.stateDir)
	}
	if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(o.pidFile(), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	extra := map[string][]string{}
	for c, v := range o.extra {
		extra[c] = *v
	}
	began := time.Now()
	cluster, err := localcluster.Start(ctx, localcluster.Config{
		Layout: layout, Nodes: o.nodes, BinDir: o.binDir, StateDir: o.stateDir, ExtraArgs: extra,
		Log: func(format string, args ...any) { fmt.Fprintf(os.Stderr, "localcluster: "+format+"\n", args...) },
	})
	if err != nil {
		os.Remove(o.pidFile())
		return err
	}
	fmt.Fprintf(os.Stderr, "localcluster: %s control plane up and serving in %.1fs\n", layout, time.Since(began).Seconds())
	if err := os.WriteFile(o.readyFile(), nil, 0o600); err != nil {
		cluster.Stop()
		return err
	}
	fmt.Printf("export KUBECONFIG=%s\n", cluster.Kubeconfig)
	select {
	case <-ctx.Done():
		cluster.Stop()
		// A clean stop leaves nothing behind; a failure keeps the logs.
		return os.RemoveAll(o.stateDir)
	case err := <-cluster.Failed():
		cluster.Stop()
		os.Remove(o.pidFile())
		return err
	}
}

// up starts `run` as a detached background process, relays its progress and
// returns once the cluster serves (or has failed).
func (o options) up(args []string) error {
	if pid, alive := o.runningPID(); alive {
		fmt.Fprintf(os.Stderr, "localcluster: already running (pid %d)\n", pid)
		fmt.Printf("export KUBECONFIG=%s\n", o.kubeconfig())
		return nil
	}
	if err := os.RemoveAll(o.stateDir); err != nil { // a stale state dir from a failed run
		return err
	}
	if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
		return err
	}
	log, err := os.Create(o.logFile())
	if err != nil {
		return err
	}
	defer log.Close()
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, append([]string{"run"}, args...)...)
	cmd.Stderr = log                                     // its progress lines; its stdout (the export line) is printed below
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // outlives this shell
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(interrupted)
	relay := logRelay{path: o.logFile(), to: os.Stderr}
	deadline := time.After(3 * time.Minute)
	for {
		relay.flush()
		if _, err := os.Stat(o.readyFile()); err == nil {
			fmt.Printf("export KUBECONFIG=%s\n", o.kubeconfig())
			fmt.Fprintln(os.Stderr, "localcluster: stop it with `make cluster-down`")
			return nil
		}
		select {
		case <-exited:
			relay.flush()
			return fmt.Errorf("the cluster did not start; logs in %s", o.stateDir)
		case <-interrupted:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			<-exited
			return errors.New("interrupted; the cluster was stopped")
		case <-deadline:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			<-exited
			return fmt.Errorf("the cluster was not up after 3 minutes; logs in %s", o.stateDir)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// down stops the background cluster and waits until every process is gone.
func (o options) down() error {
	pid, alive := o.runningPID()
	if !alive {
		fmt.Fprintf(os.Stderr, "localcluster: no cluster running in %s\n", o.stateDir)
		return os.RemoveAll(o.stateDir)
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	for deadline := time.Now().Add(45 * time.Second); processAlive(pid); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			// The components die with it (they have a parent-death signal).
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	fmt.Fprintf(os.Stderr, "localcluster: stopped (pid %d) and removed %s\n", pid, o.stateDir)
	return os.RemoveAll(o.stateDir)
}

// runningPID reads the pid file and says whether that process still runs.
func (o options) runningPID() (int, bool) {
	data, err := os.ReadFile(o.pidFile())
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0, false
	}
	return pid, processAlive(pid)
}

func processAlive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	// A zombie is gone for our purposes.
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err != nil || !strings.Contains(string(stat), ") Z ")
}

// logRelay copies what the background process appends to its log.
type logRelay struct {
	path   string
	to     io.Writer
	offset int64
}

func (r *logRelay) flush() {
	f, err := os.Open(r.path)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(r.offset, io.SeekStart); err != nil {
		return
	}
	n, _ := io.Copy(r.to, f)
	r.offset += n
}
