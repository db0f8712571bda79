package shopify

import (
	"math"
	"sync"
	"time"
)

// The Admin API limits calculated query cost with a leaky bucket per app and store: each query
// asks for its requested cost up front, and points come back at restoreRate per second up to
// maximumAvailable. Every response reports the bucket in extensions.cost.throttleStatus; the
// throttle keeps the latest report and, before a query whose last requested cost is known, waits
// until the bucket (as estimated from that report and the time since) can pay for it, so that
// THROTTLED answers stay rare.

// costReport is extensions.cost.
type costReport struct {
	RequestedQueryCost num `json:"requestedQueryCost"`
	ActualQueryCost    num `json:"actualQueryCost"`
	ThrottleStatus     struct {
		MaximumAvailable   num `json:"maximumAvailable"`
		CurrentlyAvailable num `json:"currentlyAvailable"`
		RestoreRate        num `json:"restoreRate"`
	} `json:"throttleStatus"`
}

type throttle struct {
	mu        sync.Mutex
	known     bool
	max       float64
	available float64
	restore   float64
	at        time.Time      // when available was reported (local clock)
	requested map[string]int // the last requested cost of each document
}

func newThrottle() *throttle { return &throttle{requested: map[string]int{}} }

// observe records a response's cost report for document doc.
func (t *throttle) observe(doc string, c *costReport, now time.Time) {
	if c == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if c.RequestedQueryCost.Valid {
		t.requested[doc] = int(c.RequestedQueryCost.IntPart())
	}
	ts := c.ThrottleStatus
	if !ts.CurrentlyAvailable.Valid || !ts.RestoreRate.Valid {
		return
	}
	t.known = true
	t.available, _ = ts.CurrentlyAvailable.Float64()
	t.max, _ = ts.MaximumAvailable.Float64()
	t.restore, _ = ts.RestoreRate.Float64()
	t.at = now
}

// forget drops what is known of doc's cost (its variables changed, e.g. a smaller page).
func (t *throttle) forget(doc string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.requested, doc)
}

// delay is how long to wait before sending doc so that the bucket can pay for it. A document
// not sent before is assumed to cost guess (the single-query maximum for a query).
func (t *throttle) delay(doc string, guess int, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	cost, ok := t.requested[doc]
	if !ok {
		cost = guess
	}
	if !t.known || t.restore <= 0 {
		return 0
	}
	return t.waitFor(float64(cost), now)
}

// waitFor is the time until the bucket holds need points. Called with t.mu held.
func (t *throttle) waitFor(need float64, now time.Time) time.Duration {
	avail := t.available
	if el := now.Sub(t.at).Seconds(); el > 0 {
		avail += el * t.restore
	}
	if t.max > 0 {
		avail = math.Min(avail, t.max)
		need = math.Min(need, t.max)
	}
	if avail >= need {
		return 0
	}
	secs := (need - avail) / t.restore
	return time.Duration(math.Ceil(secs*1000)) * time.Millisecond
}

// throttledWait is the wait after a THROTTLED answer: until the reported bucket can pay the
// requested cost, and at least a second (0 when the report says nothing useful, leaving the
// backoff policy to decide).
func throttledWait(c *costReport) time.Duration {
	if c == nil || !c.ThrottleStatus.RestoreRate.Valid || !c.RequestedQueryCost.Valid {
		return 0
	}
	restore, _ := c.ThrottleStatus.RestoreRate.Float64()
	avail, _ := c.ThrottleStatus.CurrentlyAvailable.Float64()
	need, _ := c.RequestedQueryCost.Float64()
	if restore <= 0 {
		return 0
	}
	secs := (need - avail) / restore
	if secs < 1 {
		secs = 1
	}
	return time.Duration(math.Ceil(secs*1000)) * time.Millisecond
}
