package contract

import (
	"testing"
	"time"

	"mizan/core"
)

// Import is the timed part of a platform's import benchmark: one sync of books just connected
// to the harness's (seeded) store. It returns the sync's summary, its wall time and the API
// requests it made. An import that logged errors fails the benchmark, with the first twenty of
// them.
func Import(b *testing.B, h Harness, bk *Books) (core.RunSummary, time.Duration, int) {
	b.Helper()
	b.StopTimer()
	req0 := h.Requests()
	b.StartTimer()
	start := time.Now()
	sum, err := bk.Engine.SyncNow(ctx, bk.Conn.ID, core.SyncRequest{})
	if err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	calls := h.Requests() - req0
	if sum.Counts.Errors > 0 {
		entries, _ := bk.Engine.Log(ctx, core.LogFilter{ConnectionID: bk.Conn.ID, Level: core.Error})
		for i, e := range entries {
			if i < 20 {
				b.Logf("%s %s: %s", e.Kind, e.StoreRef, e.Message)
			}
		}
		b.Fatalf("import logged %d errors", sum.Counts.Errors)
	}
	return sum, elapsed, calls
}
