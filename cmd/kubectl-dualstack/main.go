// Command kubectl-dualstack is the kubectl plugin `kubectl dualstack`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/cmd"
)

// version is set at link time: -ldflags "-X main.version=$(git describe)".
var version string

func main() {
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	// API deprecation warnings once each, on stderr, as kubectl prints them.
	rest.SetDefaultWarningHandler(rest.NewWarningWriter(streams.ErrOut, rest.WarningWriterOptions{Deduplicate: true}))
	// Ctrl-C ends a watch cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cmd.NewRootCmd(streams, cmd.BuildInfo{Version: version}).ExecuteContext(ctx)
	stop()
	if err != nil {
		os.Exit(cmd.PrintError(streams.ErrOut, err))
	}
}
