package cmd

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
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
	msg, ok := cmdutil.StandardErrorMessage(err)
	if !ok {
		msg = err.Error()
		if !strings.HasPrefix(msg, "error: ") {
			msg = "error: " + msg
		}
	}
	fmt.Fprintln(w, strings.TrimRight(msg, "\n"))
}
