package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// command is one process the bench times.
type command struct {
	Label   string // as the table shows it
	Path    string
	Args    []string
	OKCodes []int // exit codes that are not failures (0 when empty)
}

// lineCounter is the stdout of every measured process: it counts what was
// printed and keeps none of it, so kubectl and the plugin write to the same
// kind of sink.
type lineCounter struct{ lines int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// runOnce runs c under `bench exec` and returns its wall time and peak RSS.
//
// The wrapper is there for the RSS: Linux carries a process's RSS high-water
// mark across fork and exec, so a child of the bench (which has held
// thousands of pods) would report the bench's peak as its own. The small
// wrapper's mark is what its child inherits instead; runOnce reports it too.
func runOnce(ctx context.Context, self string, c command, env []string) (sample, error) {
	report, w, err := os.Pipe()
	if err != nil {
		return sample{}, err
	}
	defer report.Close()
	cmd := exec.CommandContext(ctx, self, append([]string{"exec", c.Path}, c.Args...)...)
	cmd.Env = env
	cmd.ExtraFiles = []*os.File{w} // fd 3 of the wrapper
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	out := &lineCounter{}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	err = cmd.Start()
	w.Close()
	if err == nil {
		err = cmd.Wait()
	}
	var wallNs, rss int64
	var code int
	if err == nil {
		var line []byte
		if line, err = io.ReadAll(report); err == nil {
			_, err = fmt.Sscanf(string(line), "%d %d %d", &wallNs, &rss, &code)
		}
	}
	if err == nil && code != 0 && !slices.Contains(c.OKCodes, code) {
		err = fmt.Errorf("exit status %d", code)
	}
	if err != nil {
		line, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		return sample{}, fmt.Errorf("%s: %v: %s", c.Label, err, line)
	}
	return sample{wall: time.Duration(wallNs), rssKiB: rss, lines: out.lines}, nil
}

// runExec is the hidden `bench exec PATH ARGS...`: it runs the command with
// its own stdout and stderr and writes "wall-ns maxrss-KiB exit-code" to fd 3.
func runExec(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: bench exec PATH [ARGS...]")
	}
	report := os.NewFile(3, "report")
	if report == nil {
		return errors.New("bench exec: fd 3 is not open")
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	began := time.Now()
	err := cmd.Run()
	wall := time.Since(began)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return err
	}
	rusage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return errors.New("no rusage on this platform")
	}
	_, err = fmt.Fprintf(report, "%d %d %d\n", wall.Nanoseconds(), rusage.Maxrss, cmd.ProcessState.ExitCode()) // Maxrss is in KiB on Linux
	return err
}

// measure runs every command once to warm caches (not counted), then runs
// times round-robin (A, B, C, A, B, C...), so that drift in the machine's
// load hits every command alike.
func measure(ctx context.Context, self string, cmds []command, runs int, env []string, logf func(string, ...any)) (map[string]stats, error) {
	samples := map[string][]sample{}
	for round := 0; round <= runs; round++ {
		for _, c := range cmds {
			s, err := runOnce(ctx, self, c, env)
			if err != nil {
				return nil, err
			}
			if round > 0 {
				samples[c.Label] = append(samples[c.Label], s)
			}
		}
		if round > 0 {
			logf("  round %d/%d done", round, runs)
		}
	}
	out := map[string]stats{}
	for label, s := range samples {
		out[label] = summarize(s)
	}
	return out, nil
}

// benchEnv is the environment of the measured processes: a private
// discovery cache (warmed by the first round), nothing from the user's.
func benchEnv(cacheDir string) []string {
	env := []string{"KUBECACHEDIR=" + cacheDir, "HOME=" + cacheDir}
	for _, v := range []string{"PATH", "TMPDIR", "LANG"} {
		if val, ok := os.LookupEnv(v); ok {
			env = append(env, v+"="+val)
		}
	}
	return env
}
