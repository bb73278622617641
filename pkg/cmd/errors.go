package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// Exit codes of kubectl-dualstack, documented in the README.
const (
	ExitOK    = 0
	ExitError = 1 // any error: bad flags, unreachable server, API errors
)

// usageExitCodeAnnotation on a command sets the exit code of its usage
// errors (check exits 2 when the audit could not run).
const usageExitCodeAnnotation = "kubectl-dualstack/usage-exit-code"

// exitError ends the process with code; err, if any, is printed first.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e exitError) Unwrap() error { return e.err }

// usageError is a mistake in how the command was called.
type usageError struct {
	cmd *cobra.Command
	err error
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// newUsageError reports a wrong argument of cmd, like a flag error.
func newUsageError(cmd *cobra.Command, format string, args ...any) error {
	return usageError{cmd: cmd, err: fmt.Errorf(format, args...)}
}

// PrintError writes err the way kubectl does (`error: ...`, or `Error from
// server (NotFound): ...` for API errors), with a pointer to the help for
// usage errors, and returns the process exit code.
func PrintError(w io.Writer, err error) int {
	var exit exitError
	if errors.As(err, &exit) {
		if exit.err != nil {
			PrintError(w, exit.err)
		}
		return exit.code
	}
	var agg utilerrors.Aggregate
	if errors.As(err, &agg) {
		for _, e := range agg.Errors() { // e.g. one NotFound per missing name
			printOne(w, e)
		}
	} else {
		printOne(w, err)
	}
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(w, "See '%s -h' for help and examples.\n", usage.cmd.CommandPath())
		if code, err := strconv.Atoi(usage.cmd.Annotations[usageExitCodeAnnotation]); err == nil {
			return code
		}
	}
	return ExitError
}

func printOne(w io.Writer, err error) {
	// A message may quote a file name or a server's words: no raw escapes.
	fmt.Fprintln(w, printers.EscapeTerminal(errorMessage(err)))
}

// errorMessage is err in kubectl's words ("error: ...", "Error from
// server (Forbidden): ..."), unescaped.
func errorMessage(err error) string {
	msg, ok := cmdutil.StandardErrorMessage(err)
	if !ok {
		msg = err.Error()
		if !strings.HasPrefix(msg, "error: ") {
			msg = "error: " + msg
		}
	}
	return strings.TrimRight(msg, "\n")
}

// transportErrors rewords the errors of a request that ran out of
// --request-timeout or lost its connection mid-answer, which client-go
// reports as "context deadline exceeded", "net/http: request canceled
// (Client.Timeout exceeded while awaiting headers)" or "unexpected error
// when reading response body. Please retry. Original error: unexpected EOF".
// Other errors keep kubectl's wording.
type transportErrors struct {
	configFlags *genericclioptions.ConfigFlags
	// retryAfter is the HTTP status of the server's last answer when it
	// said Retry-After (0 otherwise): client-go retries those (429, 5xx) up
	// to 10 times, so a request that timed out meanwhile was refused, not
	// unanswered.
	retryAfter atomic.Int32
}

// record makes the clients of config note each answer's Retry-After.
func (t *transportErrors) record(config *rest.Config) *rest.Config {
	config.Wrap(func(rt http.RoundTripper) http.RoundTripper { return retryAfterRecorder{rt, &t.retryAfter} })
	return config
}

type retryAfterRecorder struct {
	rt     http.RoundTripper
	status *atomic.Int32
}

func (r retryAfterRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rt.RoundTrip(req)
	if err == nil {
		code := 0
		if resp.Header.Get("Retry-After") != "" {
			code = resp.StatusCode
		}
		r.status.Store(int32(code))
	}
	return resp, err
}

// WrappedRoundTripper lets client-go cancel requests through the recorder.
func (r retryAfterRecorder) WrappedRoundTripper() http.RoundTripper { return r.rt }

func (t *transportErrors) explain(err error) error {
	var exit exitError
	var agg utilerrors.Aggregate
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit):
		exit.err = t.explain(exit.err)
		return exit
	case errors.As(err, &agg):
		errs := make([]error, len(agg.Errors()))
		for i, e := range agg.Errors() {
			errs[i] = t.explain(e)
		}
		return utilerrors.NewAggregate(errs)
	}
	config, configErr := t.configFlags.ToRESTConfig()
	if configErr != nil {
		return err
	}
	return explainTransportError(err, config.Host, config.Timeout, int(t.retryAfter.Load()))
}

// explainTransportError rewords err; retryAfter is the status of the
// server's last answer if it asked to retry.
func explainTransportError(err error, server string, timeout time.Duration, retryAfter int) error {
	switch {
	case timedOut(err) && timeout > 0:
		if retryAfter != 0 {
			return fmt.Errorf("no request to the server %s succeeded within %s (--request-timeout); its last answer: %d %s, retry later", server, timeout, retryAfter, http.StatusText(retryAfter))
		}
		return fmt.Errorf("the server %s did not answer within %s (--request-timeout)", server, timeout)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the connection to the server %s was lost in the middle of an answer (unexpected EOF)", server)
	}
	return err
}

// timedOut says whether a request's deadline passed, or client-go's rate
// limiter saw that it would before the next retry (its error, from
// x/time/rate, does not wrap context.DeadlineExceeded).
func timedOut(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "would exceed context deadline")
}
