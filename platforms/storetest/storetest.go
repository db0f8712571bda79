// Package storetest holds what the platforms' test stores share: a settable clock that drives a
// store's timestamps, the vocabulary of faults a store can be told to commit, a queue of them,
// and the ways of misbehaving on the wire that look the same whichever platform is behind them
// (a slow answer, a body cut off half-way, a dropped connection).
//
// A store decides what each fault looks like in its platform's words (the body of a 429, the
// page a proxy shows for a 502); the kinds and when they fire are common.
//
//	Clock, NewClock                    a clock stopped at a time, moved by Advance or Set
//	Kind, the kinds below              what a fault does
//	Fault                              one programmed fault: kind, path prefix, times, details
//	Queue                              faults waiting for the requests they match
//	Wait, WriteTruncated, WriteCutJSON, DropConnection   the wire-level behaviours
//	WriteWireFault                     the faults that look alike on every platform (502, 503, …)
//	Bucket                             a leaky-bucket rate limit
//	Traffic                            a store's request counts and its queue of faults
//	Grants, Grant, RedirectAllowed     an OAuth server's grants, renewals and redirect rule
//	Seeded, Pick, EAN13, Spread, …     what a seeded Saudi store is made of
package storetest

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Clock is a manually moved clock. A store reads its time from it, so tests decide when things
// happen; it is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Kind is what a fault does.
type Kind string

// The kinds of fault a store can commit. Each store answers them in its platform's words.
const (
	// Throttle is the platform's own rate-limit answer (whatever form it takes there).
	Throttle Kind = "throttle"
	// TooManyRequests is HTTP 429 with a Retry-After header (Fault.RetryAfter seconds).
	TooManyRequests Kind = "429"
	// ServerError is HTTP 500 with the platform's error body.
	ServerError Kind = "500"
	// BadGateway is HTTP 502 with a web page, as a proxy in front of the store sends.
	BadGateway Kind = "502"
	// Unavailable is HTTP 503.
	Unavailable Kind = "503"
	// Slow waits Fault.Delay and then answers normally; a delay longer than the client's
	// timeout is a timeout.
	Slow Kind = "slow"
	// Truncated carries out the request, announces the whole body's length, sends half of it and
	// drops the connection.
	Truncated Kind = "truncated"
	// Reset reads the request and drops the connection without an answer.
	Reset Kind = "reset"
	// NotJSON answers 200 with a web page instead of JSON (a firewall or an error page).
	NotJSON Kind = "not json"
	// CutJSON answers 200 with JSON that stops half-way although the answer ends cleanly (its
	// length matches what is sent). The request is not carried out.
	CutJSON Kind = "cut json"
	// ChangesMidPaging changes an order on a page of orders just served (its status, and so its
	// update time), so the next page sees the list shifted.
	ChangesMidPaging Kind = "changes mid-paging"
	// TokenExpires makes the access tokens the store has issued expire now: the request it hits
	// and every later one with those tokens is refused until the client renews them.
	TokenExpires Kind = "token expires"
	// JobFails makes a long-running job the store accepted (an export, a bulk read) end in
	// failure instead of completing, with whatever partial result the platform gives.
	JobFails Kind = "job fails"
	// LinkExpired refuses a download from a link the store handed out (a signed address for a
	// job's result) as expired.
	LinkExpired Kind = "link expired"
)

// Fault is one programmed fault.
type Fault struct {
	Kind Kind
	// Path limits the fault to requests whose path (as the store names it, e.g. after its API
	// prefix) starts with it; empty matches every API request. A store says which paths outside
	// its API (a token endpoint) a fault can reach.
	Path string
	// Times is how many matching requests it hits: 0 means once, a negative value every one
	// until the queue is cleared.
	Times int
	// RetryAfter is the Retry-After seconds of the kinds that send one (default 1).
	RetryAfter int
	// Delay is how long Slow waits (a store gives a default).
	Delay time.Duration
}

// Queue holds faults until requests use them up, in the order they were injected. It is safe
// for concurrent use.
type Queue struct {
	mu     sync.Mutex
	faults []*Fault
	left   map[*Fault]int
}

// Inject queues faults.
func (q *Queue) Inject(faults ...Fault) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.left == nil {
		q.left = map[*Fault]int{}
	}
	for _, f := range faults {
		f := f
		if f.RetryAfter <= 0 {
			f.RetryAfter = 1
		}
		n := f.Times
		if n == 0 {
			n = 1
		}
		q.faults = append(q.faults, &f)
		q.left[&f] = n
	}
}

// Clear drops every fault still waiting.
func (q *Queue) Clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.faults, q.left = nil, nil
}

// Pending counts the faults still waiting.
func (q *Queue) Pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.faults)
}

// Take uses up and returns the first waiting fault that matches path and that accept takes
// (nil accepts every fault), or false. Faults accept refuses stay queued.
func (q *Queue) Take(path string, accept func(Fault) bool) (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, f := range q.faults {
		if !strings.HasPrefix(path, f.Path) || (accept != nil && !accept(*f)) {
			continue
		}
		if q.left[f] > 0 {
			q.left[f]--
			if q.left[f] == 0 {
				q.faults = append(q.faults[:i], q.faults[i+1:]...)
				delete(q.left, f)
			}
		}
		return *f, true
	}
	return Fault{}, false
}

// Wait waits d, or until the client gives up on the request; it reports whether the wait ran
// to its end (false: the client is gone and nothing should be written).
func Wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// WriteTruncated writes the head of an answer announcing body's whole length, sends only its first
// half and lets the server drop the connection (the handler wrote less than it announced).
func WriteTruncated(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body[:len(body)/2])
}

// WriteCutJSON answers 200 with the first half of body as the whole answer: its length is what is
// sent, so the answer ends cleanly and only the JSON inside is cut.
func WriteCutJSON(w http.ResponseWriter, body []byte) {
	half := body[:len(body)/2]
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(half)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(half)
}

// DropConnection drops the request's connection with a TCP reset and no answer.
func DropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// WriteWireFault answers the faults that look the same whichever platform is behind them: a
// proxy's 502 page, a 503 page with Retry-After, a web page with 200 instead of JSON, a dropped
// connection, and a slow answer (it waits f.Delay, or slow when that is 0). It reports whether
// the request has had its answer: false for a slow answer whose wait ran out (the request goes
// on) and for the kinds a store answers in its own words (429, 500, …).
func WriteWireFault(w http.ResponseWriter, r *http.Request, f Fault, slow time.Duration) bool {
	page := func(status int, title string) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte("<!DOCTYPE html><html><head><title>" + title + "</title></head><body><h1>" + title + "</h1></body></html>"))
	}
	switch f.Kind {
	case BadGateway:
		page(http.StatusBadGateway, "502 Bad Gateway")
	case Unavailable:
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		page(http.StatusServiceUnavailable, "503 Service Temporarily Unavailable")
	case NotJSON:
		page(http.StatusOK, "Just a moment...")
	case Reset:
		DropConnection(w)
	case Slow:
		d := f.Delay
		if d == 0 {
			d = slow
		}
		return !Wait(r, d)
	default:
		return false
	}
	return true
}
