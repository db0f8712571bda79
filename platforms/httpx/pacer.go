package httpx

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pacer spaces a client's requests by the rate-limit headers the store sends with every answer
// (X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset) and by a 429's Retry-After, so a
// long import meets few or no 429s. It is shared by every request of one store (one Pacer per
// Client); it is safe for concurrent use.
//
// While more than a tenth of the limit remains, requests go out at once. Below that, the
// remaining requests are spread evenly over the time left until the reset, and with none left
// the next request waits for the reset. A 429 stops every request until its Retry-After has
// passed. A store that sends no rate-limit headers is never slowed.
//
// X-RateLimit-Reset is read as a Unix time in seconds; a small value (below a day's seconds) is
// read as seconds from now, as some stores send it.
//
// A store that documents its limit but sends no headers for it (Zid: 60 requests a minute on its
// product endpoints) is paced by Limit and Window as well.
type Pacer struct {
	// Limit and Window, when both set, are a limit the store documents: at most Limit requests
	// in any Window. Requests go out at once while the last Window holds fewer, and otherwise
	// wait until the oldest of them leaves it, so a long run of requests meets no 429.
	Limit  int
	Window time.Duration
	// MaxWait caps one wait (default 60s): a reset announced further ahead is not believed.
	MaxWait time.Duration
	// LowWater is the remaining count below which requests are spread out (default a tenth of
	// the limit, at least 1).
	LowWater int

	mu        sync.Mutex
	known     bool // a rate-limit header has been seen
	limit     int
	remaining int
	reset     time.Time // when the remaining count is full again
	blocked   time.Time // a 429 asked for no request before this
	next      time.Time // the earliest time the next spread-out request may go
	waits     int
	waited    time.Duration
	sent      []time.Time // when the last Limit requests went (or will go), oldest first
}

// PacerStats says how much a pacer slowed its client.
type PacerStats struct {
	Waits  int           // requests that waited
	Waited time.Duration // their total wait
	Limit  int           // the last limit the store announced (0 when unknown)
}

// Stats reports the pacer's waits so far.
func (p *Pacer) Stats() PacerStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return PacerStats{Waits: p.waits, Waited: p.waited, Limit: p.limit}
}

// delay is how long a request about to go out at now must wait, reserving its place: it counts
// itself out of the remaining requests so that concurrent callers spread out too.
func (p *Pacer) delay(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	maxWait := p.MaxWait
	if maxWait <= 0 {
		maxWait = 60 * time.Second
	}
	var wait time.Duration
	if now.Before(p.blocked) {
		wait = p.blocked.Sub(now)
	}
	if p.known && now.Before(p.reset) {
		low := p.LowWater
		if low <= 0 {
			low = max(1, p.limit/10)
		}
		switch {
		case p.remaining <= 0:
			wait = max(wait, p.reset.Sub(now))
		case p.remaining <= low:
			at := now
			if p.next.After(at) {
				at = p.next
			}
			at = at.Add(p.reset.Sub(at) / time.Duration(p.remaining+1))
			p.next = at
			wait = max(wait, at.Sub(now))
		}
		if p.remaining > 0 {
			p.remaining--
		}
	}
	wait = max(wait, p.bucket(now))
	wait = min(wait, maxWait)
	if wait > 0 {
		p.waits++
		p.waited += wait
	}
	return wait
}

// bucket is how long a request at now waits so that no Window holds more than Limit requests,
// and reserves its place: the time it will go. Counting every window, not only the store's own
// (a leaky bucket, or fixed minutes), keeps to the limit whichever the store measures.
func (p *Pacer) bucket(now time.Time) time.Duration {
	if p.Limit <= 0 || p.Window <= 0 {
		return 0
	}
	at := now
	if len(p.sent) >= p.Limit {
		if free := p.sent[0].Add(p.Window); free.After(at) {
			at = free
		}
		p.sent = p.sent[1:]
	}
	if n := len(p.sent); n > 0 && p.sent[n-1].After(at) {
		at = p.sent[n-1] // keep the reservations in order
	}
	p.sent = append(p.sent, at)
	return at.Sub(now)
}

// observe reads the rate-limit headers of an answer received at now.
func (p *Pacer) observe(now time.Time, status int, h http.Header, retryAfter time.Duration, hasRetryAfter bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	limit, okL := headerInt(h, "X-RateLimit-Limit")
	remaining, okR := headerInt(h, "X-RateLimit-Remaining")
	reset, okS := headerInt(h, "X-RateLimit-Reset")
	if okL && limit > 0 {
		p.limit, p.known = int(limit), true
	}
	if okR {
		p.remaining, p.known = int(max(0, remaining)), true
	}
	if okS {
		p.reset = resetTime(now, reset)
		if p.next.After(p.reset) {
			p.next = time.Time{}
		}
	}
	if status == http.StatusTooManyRequests {
		p.remaining, p.known = 0, true
		until := now.Add(time.Second) // a 429 without Retry-After: the bucket leaks about one a second
		if hasRetryAfter {
			until = now.Add(retryAfter)
		}
		if until.After(p.blocked) {
			p.blocked = until
		}
		if !okS && until.After(p.reset) {
			p.reset = until
		}
	}
}

// resetTime reads X-RateLimit-Reset: Unix seconds, or seconds from now when small.
func resetTime(now time.Time, v int64) time.Time {
	if v < 86400 {
		return now.Add(time.Duration(v) * time.Second)
	}
	return time.Unix(v, 0)
}

func headerInt(h http.Header, key string) (int64, bool) {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || f < 0 || f > 1e12 {
			return 0, false
		}
		n = int64(f)
	}
	return n, true
}

// pace waits as the client's pacer asks before an attempt.
func (c *Client) pace(ctx context.Context) error {
	if c.Pacer == nil {
		return nil
	}
	if d := c.Pacer.delay(c.now()); d > 0 {
		return c.sleep(ctx, d)
	}
	return nil
}

// observe hands an answer's headers to the client's pacer.
func (c *Client) observe(resp *http.Response) {
	if c.Pacer == nil {
		return
	}
	d, ok := c.retryAfter(resp.Header.Get("Retry-After"))
	c.Pacer.observe(c.now(), resp.StatusCode, resp.Header, d, ok)
}

// room is how long from now until n requests could go one after the other without the
// documented limit (Limit in Window) holding any of them back: the Window before them must hold
// at most Limit−n others. It reserves nothing.
func (p *Pacer) room(now time.Time, n int) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Limit <= 0 || p.Window <= 0 || n <= 0 {
		return 0
	}
	n = min(n, p.Limit)
	var wait time.Duration
	if now.Before(p.blocked) {
		wait = p.blocked.Sub(now)
	}
	if k := len(p.sent); k > 0 && p.sent[k-1].After(now) {
		wait = max(wait, p.sent[k-1].Sub(now)) // a place another caller holds
	}
	if k := len(p.sent) - (p.Limit - n); k > 0 {
		wait = max(wait, p.sent[k-1].Add(p.Window).Sub(now))
	}
	maxWait := p.MaxWait
	if maxWait <= 0 {
		maxWait = 60 * time.Second
	}
	return min(wait, maxWait)
}

// Room waits until n requests can go one after the other without the client's pacer holding any
// of them back for the store's documented limit, for requests whose gap matters: a quantity read
// and the write computed from it, on a store that offers no conditional write. It reserves
// nothing; the requests are then paced as any other.
func (c *Client) Room(ctx context.Context, n int) error {
	if c.Pacer == nil {
		return ctx.Err()
	}
	if d := c.Pacer.room(c.now(), n); d > 0 {
		return c.sleep(ctx, d)
	}
	return ctx.Err()
}
