package fleet

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Results are emitted in index order whatever order they finish in, never
// more than parallel calls run at once, and a result is emitted while a
// later, slower call still runs.
func TestStreamOrderAndBound(t *testing.T) {
	const n, parallel = 7, 3
	var running, peak atomic.Int32
	release := make(chan struct{}) // holds the last call until index 0 is emitted
	var emitted []int
	var mu sync.Mutex
	do := func(_ context.Context, i int) int {
		now := running.Add(1)
		for {
			p := peak.Load()
			if now <= p || peak.CompareAndSwap(p, now) {
				break
			}
		}
		defer running.Add(-1)
		if i == n-1 {
			<-release
		}
		time.Sleep(time.Duration(n-i) * time.Millisecond) // later indexes finish first
		return i * 10
	}
	emit := func(i, v int) error {
		mu.Lock()
		defer mu.Unlock()
		if v != i*10 {
			t.Errorf("emit(%d, %d): another call's result", i, v)
		}
		emitted = append(emitted, i)
		if i == 0 {
			close(release)
		}
		return nil
	}
	if err := Stream(context.Background(), n, parallel, do, emit); err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6}; !slices.Equal(emitted, want) {
		t.Errorf("emitted %v, want %v", emitted, want)
	}
	if p := peak.Load(); p > parallel || p < 2 {
		t.Errorf("peak %d calls at once, want 2..%d", p, parallel)
	}
}

// An error from emit stops the run: no call starts after it, Stream
// returns it once the running calls have ended.
func TestStreamEmitErrorStops(t *testing.T) {
	boom := errors.New("stdout closed")
	var started, ended atomic.Int32
	do := func(ctx context.Context, i int) int {
		started.Add(1)
		defer ended.Add(1)
		if i > 0 {
			<-ctx.Done() // a slow cluster, cancelled
		}
		return i
	}
	err := Stream(context.Background(), 20, 2, do, func(int, int) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
	if s, e := started.Load(), ended.Load(); s != e || s > 3 {
		t.Errorf("%d calls started, %d ended: want every started one ended, at most 3", s, e)
	}
}

// The caller's context ending ends the run with its error.
func TestStreamContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	do := func(ctx context.Context, i int) int {
		if i == 1 {
			cancel()
		}
		<-ctx.Done()
		return i
	}
	if err := Stream(ctx, 5, 2, do, func(int, int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestStreamNone(t *testing.T) {
	called := false
	err := Stream(context.Background(), 0, 4, func(context.Context, int) int { called = true; return 0 }, func(int, int) error { called = true; return nil })
	if err != nil || called {
		t.Errorf("no cluster: err %v, called %v", err, called)
	}
}

// The worst exit code is the highest: 0 fine < 1 findings < 2 not audited.
func TestWorst(t *testing.T) {
	for _, tt := range []struct {
		codes []int
		want  int
	}{{nil, 0}, {[]int{0, 0}, 0}, {[]int{0, 1, 0}, 1}, {[]int{1, 2, 0}, 2}, {[]int{2, 1}, 2}} {
		if got := Worst(tt.codes...); got != tt.want {
			t.Errorf("Worst(%v) = %d, want %d", tt.codes, got, tt.want)
		}
	}
}
