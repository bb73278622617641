// Package fleet runs one command on several clusters (the contexts of a
// kubeconfig): a bounded number at once, results written in the order the
// clusters were given as soon as each and those before it are done, and a
// matrix of one row per cluster at the end. What each cluster's result is
// and how it is written is the command's; this package only orders them.
package fleet

import (
	"context"
	"slices"
)

// Stream calls do for 0..n-1, at most parallel at once, and emit for each
// result in index order, as soon as it and every earlier one are done.
// emit runs on the caller's goroutine, so it may write without locking. A
// result waits in memory only until the results before it are emitted; do
// should return what emit writes (a rendered section, a report), not what
// it read to make it. An error from emit stops everything: no new call of
// do starts, running ones see their context cancelled, and Stream returns
// that error once they have ended.
func Stream[T any](ctx context.Context, n, parallel int, do func(ctx context.Context, i int) T, emit func(i int, v T) error) error {
	parallel = max(parallel, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan T, n)
	for i := range results {
		results[i] = make(chan T, 1) // a finished call never waits for emit
	}
	slots := make(chan struct{}, parallel)
	launched := make(chan int, 1) // how many calls started, once the launcher stops
	go func() {
		i := 0
		for ; i < n; i++ {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil { // a slot freed by a cancelled call: start nothing
				launched <- i
				return
			}
			go func(i int) {
				v := do(ctx, i)
				<-slots
				results[i] <- v
			}(i)
		}
		launched <- i
	}()
	for i := range n {
		select {
		case v := <-results[i]:
			if err := emit(i, v); err != nil {
				cancel()
				waitFor(results[i+1:], <-launched-i-1)
				return err
			}
			results[i] = nil // released: the channel's buffer held v
		case <-ctx.Done():
			// The caller's context ended: what is running ends too.
			waitFor(results[i:], <-launched-i)
			return ctx.Err()
		}
	}
	return nil
}

// waitFor waits for the first started of pending to deliver their result
// (which nobody emits), so that Stream never returns while do runs.
func waitFor[T any](pending []chan T, started int) {
	for _, ch := range slices.Clip(pending[:max(started, 0)]) {
		<-ch
	}
}

// Worst is the highest of exit codes: each command's codes rank their
// outcomes (0 fine, 1 findings or incomplete, 2 could not run), so the
// worst cluster's is the run's.
func Worst(codes ...int) int {
	worst := 0
	for _, c := range codes {
		worst = max(worst, c)
	}
	return worst
}
