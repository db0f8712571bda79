package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
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
