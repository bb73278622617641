package localcluster

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// process is one running control-plane component.
type process struct {
	name    string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has exited
	err     error         // its exit status, valid once exited is closed
	// replaced is set when Restart or StopComponent stops the process on
	// purpose.
	replaced atomic.Bool
}

// healthCheck is how to tell that a component is up: url answers 200 and,
// when want is set, its body contains want.
type healthCheck struct {
	url, bearer string
	timeout     time.Duration
	want        string
}

// startProcess starts bin with args, its output appended to logPath.
func startProcess(name, bin string, args []string, logPath string) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("%s failed to start: %w", name, err)
	}
	p := &process{name: name, logPath: logPath, cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	return p, nil
}

// failure is the one-line error for a component that died or never came
// up, with the last line it logged (usually why).
func (p *process) failure(what error) error {
	if last := p.lastLogLine(); last != "" {
		return fmt.Errorf("%s %v: %s; see %s", p.name, what, last, p.logPath)
	}
	return fmt.Errorf("%s %v; see %s", p.name, what, p.logPath)
}

func (p *process) lastLogLine() string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	return reasonLine(string(data))
}

// reasonLine is the log's last error line (klog's E or F severity, e.g.
// `E1207 12:21:08.488331 13869 run.go:72] "command failed" ...`), else its
// last line: other goroutines may still log after the error that ends a
// component.
func reasonLine(log string) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		line := strings.TrimSpace(lines[i])
		if len(line) > 1 && (line[0] == 'E' || line[0] == 'F') && line[1] >= '0' && line[1] <= '9' {
			return line
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

// stop asks the process to exit, and kills it after grace.
func (p *process) stop(grace time.Duration) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// waitHealthy polls the health check until it passes, the process exits,
// or the deadline passes.
func (p *process) waitHealthy(ctx context.Context, h healthCheck) error {
	url, bearer, timeout := h.url, h.bearer, h.timeout
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{
		Timeout: 2 * time.Second,
		// Only the component's own local endpoint is polled; its certificate
		// is self-signed by the component itself.
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec
	}
	defer client.CloseIdleConnections()
	var last error
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(string(body), h.want) {
				return nil
			}
			err = fmt.Errorf("%s answered %s", url, resp.Status)
		}
		last = err
		select {
		case <-p.exited:
			return p.failure(fmt.Errorf("exited during start-up (%v)", p.err))
		case <-ctx.Done():
			if errors.Is(context.Cause(ctx), context.Canceled) {
				return ctx.Err()
			}
			return p.failure(fmt.Errorf("was not healthy after %s (%v)", timeout, last))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freePorts returns n distinct TCP ports that are free on 127.0.0.1 right now.
func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
