package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that only moves when a wait passes.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	f.t = f.t.Add(d)
	return ctx.Err()
}

func (f *fakeClock) total() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var sum time.Duration
	for _, w := range f.waits {
		sum += w
	}
	return sum
}

// bucket is a store with a leaky-bucket limit on a fake clock: limit requests a window, the count
// filling again at the window's end; it sends the rate-limit headers and a 429 with Retry-After
// when empty.
type bucket struct {
	clock     *fakeClock
	limit     int
	window    time.Duration
	headers   bool
	mu        sync.Mutex
	used      int
	windowEnd time.Time
	served    int
	refused   int
}

func (b *bucket) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	if !now.Before(b.windowEnd) {
		b.used, b.windowEnd = 0, now.Add(b.window)
	}
	if b.headers {
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(b.windowEnd.Unix(), 10))
	}
	if b.used >= b.limit {
		b.refused++
		if b.headers {
			w.Header().Set("X-RateLimit-Remaining", "0")
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(b.windowEnd.Sub(now).Seconds()+0.999)))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	b.used++
	b.served++
	if b.headers {
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(b.limit-b.used))
	}
	w.WriteHeader(200)
	_, _ = w.Write([]byte(`{}`))
}

func TestPacerMeetsNo429AtTheLimit(t *testing.T) {
	cases := []struct {
		name     string
		headers  bool
		paced    bool
		want429  bool
		maxTotal time.Duration
	}{
		{name: "paced by the headers", headers: true, paced: true, want429: false, maxTotal: 2 * time.Minute},
		{name: "without a pacer the bucket runs dry", headers: true, paced: false, want429: true},
		{name: "a store without the headers is not slowed", headers: false, paced: true, want429: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
			b := &bucket{clock: clock, limit: 20, window: time.Minute, headers: tc.headers}
			srv := httptest.NewServer(b)
			defer srv.Close()
			c := &Client{HTTP: srv.Client(), Now: clock.Now, Sleep: clock.Sleep, Jitter: func() float64 { return 0.5 }}
			if tc.paced {
				c.Pacer = &Pacer{}
			}
			for i := 0; i < 50; i++ {
				if _, err := c.Do(context.Background(), Request{Op: "read", URL: srv.URL}); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
			}
			if got := b.refused > 0; got != tc.want429 {
				t.Errorf("429s: %d, want some: %v", b.refused, tc.want429)
			}
			if tc.maxTotal > 0 && clock.total() > tc.maxTotal {
				t.Errorf("waited %s in all, more than %s", clock.total(), tc.maxTotal)
			}
			if tc.paced && tc.headers {
				st := c.Pacer.Stats()
				if st.Waits == 0 || st.Limit != 20 {
					t.Errorf("stats %+v: want waits and limit 20", st)
				}
			}
		})
	}
}

func TestPacerDelays(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	unix := func(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }
	cases := []struct {
		name   string
		status int
		h      http.Header
		retry  time.Duration
		want   time.Duration
	}{
		{name: "plenty left", status: 200, h: hdr("X-RateLimit-Limit", "120", "X-RateLimit-Remaining", "100", "X-RateLimit-Reset", unix(30*time.Second))},
		{name: "none left waits for the reset", status: 200, h: hdr("X-RateLimit-Limit", "120", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", unix(30*time.Second)), want: 30 * time.Second},
		{name: "few left are spread to the reset", status: 200, h: hdr("X-RateLimit-Limit", "120", "X-RateLimit-Remaining", "5", "X-RateLimit-Reset", unix(30*time.Second)), want: 5 * time.Second},
		{name: "reset as seconds from now", status: 200, h: hdr("X-RateLimit-Limit", "120", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "12"), want: 12 * time.Second},
		{name: "a reset far ahead is capped", status: 200, h: hdr("X-RateLimit-Limit", "120", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", unix(time.Hour)), want: time.Minute},
		{name: "a reset already past", status: 200, h: hdr("X-RateLimit-Limit", "120", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", unix(-time.Second))},
		{name: "429 holds every request for its Retry-After", status: 429, h: hdr(), retry: 7 * time.Second, want: 7 * time.Second},
		{name: "no headers", status: 200, h: hdr()},
		{name: "garbled headers", status: 200, h: hdr("X-RateLimit-Remaining", "lots", "X-RateLimit-Reset", "soon")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := &Pacer{}
			p.observe(t0, tc.status, tc.h, tc.retry, tc.retry > 0)
			if got := p.delay(t0); got != tc.want {
				t.Errorf("delay %s, want %s", got, tc.want)
			}
		})
	}
}

// Concurrent requests each take their own place when few are left: they do not all go at once.
func TestPacerSpreadsConcurrentCallers(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	p := &Pacer{}
	p.observe(t0, 200, http.Header{"X-Ratelimit-Limit": {"100"}, "X-Ratelimit-Remaining": {"3"},
		"X-Ratelimit-Reset": {strconv.FormatInt(t0.Add(40*time.Second).Unix(), 10)}}, 0, false)
	var got []time.Duration
	for i := 0; i < 4; i++ {
		got = append(got, p.delay(t0))
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 30 * time.Second, 40 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
}

func TestPacerWaitEndsWithContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", "50")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := &Client{HTTP: srv.Client(), Pacer: &Pacer{}}
	if _, err := c.Do(context.Background(), Request{Op: "first", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Do(ctx, Request{Op: "second", URL: srv.URL}); err == nil {
		t.Fatal("a request waiting for the reset went out")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelling took %s", d)
	}
}

// A store that documents its limit without headers (Zid: 60 a minute on product endpoints) is
// paced by Limit and Window: a burst of the limit, then no more than the limit in any window,
// whether the store counts by fixed windows or by a sliding one.
func TestPacerDocumentedLimit(t *testing.T) {
	cases := []struct {
		name      string
		requests  int
		wantTotal time.Duration
	}{
		{name: "within the limit nothing waits", requests: 20},
		{name: "beyond it, a window for each further limit", requests: 50, wantTotal: 2 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
			b := &bucket{clock: clock, limit: 20, window: time.Minute}
			srv := httptest.NewServer(b)
			defer srv.Close()
			c := &Client{HTTP: srv.Client(), Now: clock.Now, Sleep: clock.Sleep, Jitter: func() float64 { return 0.5 },
				Pacer: &Pacer{Limit: 20, Window: time.Minute}}
			for i := 0; i < tc.requests; i++ {
				if _, err := c.Do(context.Background(), Request{Op: "read", URL: srv.URL}); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
			}
			if b.refused > 0 {
				t.Errorf("%d requests refused with 429", b.refused)
			}
			if got := clock.total(); got != tc.wantTotal {
				t.Errorf("waited %s in all, want %s", got, tc.wantTotal)
			}
		})
	}
}

// TestPacerRoom: Room waits until two requests can go back to back under a documented limit, so
// the second of them (a write computed from the first's read) does not wait on the pacer.
func TestPacerRoom(t *testing.T) {
	for _, tc := range []struct {
		name     string
		room     bool
		wantGap  time.Duration // between the two requests
		wantRoom time.Duration // Room's wait
	}{
		{name: "without Room, the pair is split", wantGap: 20 * time.Second},
		{name: "with Room, it goes together", room: true, wantRoom: 40 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(1_800_000_000, 0)}
			b := &bucket{clock: clock, limit: 3, window: time.Minute}
			srv := httptest.NewServer(b)
			defer srv.Close()
			c := &Client{HTTP: srv.Client(), Now: clock.Now, Sleep: clock.Sleep, Pacer: &Pacer{Limit: 3, Window: time.Minute}}
			send := func() time.Time {
				t.Helper()
				if _, err := c.Do(context.Background(), Request{Op: "read", URL: srv.URL}); err != nil {
					t.Fatal(err)
				}
				return clock.Now()
			}
			for i := 0; i < 3; i++ { // three requests 20 s apart fill the limit
				if i > 0 {
					clock.mu.Lock()
					clock.t = clock.t.Add(20 * time.Second)
					clock.mu.Unlock()
				}
				send()
			}
			start := clock.Now()
			if tc.room {
				if err := c.Room(context.Background(), 2); err != nil {
					t.Fatal(err)
				}
			}
			waited := clock.Now().Sub(start)
			first := send()
			if gap := send().Sub(first); gap != tc.wantGap || waited != tc.wantRoom {
				t.Errorf("Room waited %s (want %s), the pair went %s apart (want %s)", waited, tc.wantRoom, gap, tc.wantGap)
			}
			if b.refused > 0 {
				t.Errorf("%d requests refused with 429", b.refused)
			}
		})
	}
}
