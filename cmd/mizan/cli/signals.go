package cli

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// SignalContext returns a context that ends at the first SIGINT (Ctrl-C) or SIGTERM, so that a
// command stops cleanly: a sync stops between items and records its run as cancelled, and the
// books are closed, releasing the data directory. After that first signal the default action
// is back, so a second one ends the process at once. stop releases the signals.
func SignalContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	ctx, stop = signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// ExitIfStuck is the last resort after a signal: once ctx ends (the first SIGINT or SIGTERM), the
// process has grace to finish closing, which done says it has. If done is not closed by then,
// something is stuck (a store that does not answer a close, a window that does not quit): report
// says where every goroutine was, and exit ends the process with status 1. The books stay
// consistent: every write is a transaction, and one not committed is rolled back on the next
// open. It returns when done is closed or after exit.
func ExitIfStuck(ctx context.Context, done <-chan struct{}, grace time.Duration, report func(stacks string), exit func(int)) {
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return
	case <-t.C:
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	report(string(buf))
	exit(1)
}
