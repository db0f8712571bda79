package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mizan/core"
)

// step is one scripted answer of a test server.
type step func(w http.ResponseWriter, r *http.Request)

func status(code int, body string, hdr ...string) step {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

var ok = status(200, `{"ok":true}`)

func truncated(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "100")
	w.WriteHeader(200)
	_, _ = io.WriteString(w, `{"ok":`)
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}

func slow(d time.Duration) step {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		ok(w, r)
	}
}

// scripted serves steps in order, repeating the last one.
type scripted struct {
	mu    sync.Mutex
	steps []step
	n     int
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := min(s.n, len(s.steps)-1)
	s.n++
	st := s.steps[i]
	s.mu.Unlock()
	st(w, r)
}

type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func TestDo(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	type want struct {
		status      int
		attempts    int
		unreachable bool
		waits       []time.Duration // nil: do not check
	}
	tests := []struct {
		name   string
		steps  []step
		req    func(*Request)
		policy Policy
		want   want
	}{
		{name: "first try", steps: []step{ok}, want: want{status: 200, attempts: 1, waits: []time.Duration{}}},
		{name: "500 then ok", steps: []step{status(500, `{"errors":"Internal"}`), ok}, want: want{status: 200, attempts: 2, waits: []time.Duration{250 * time.Millisecond}}},
		{name: "502 html then ok", steps: []step{status(502, "<html>Bad Gateway</html>", "Content-Type", "text/html"), ok}, want: want{status: 200, attempts: 2}},
		{name: "two 503 backoff doubles", steps: []step{status(503, ""), status(503, ""), ok}, want: want{status: 200, attempts: 3, waits: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}}},
		{name: "429 retry-after seconds", steps: []step{status(429, "slow down", "Retry-After", "3"), ok}, want: want{status: 200, attempts: 2, waits: []time.Duration{3 * time.Second}}},
		{name: "429 retry-after date", steps: []step{status(429, "", "Retry-After", now.Add(7*time.Second).Format(http.TimeFormat)), ok}, want: want{status: 200, attempts: 2, waits: []time.Duration{7 * time.Second}}},
		{name: "429 retry-after capped", steps: []step{status(429, "", "Retry-After", "3600"), ok}, want: want{status: 200, attempts: 2, waits: []time.Duration{60 * time.Second}}},
		{name: "truncated body", steps: []step{truncated, ok}, want: want{status: 200, attempts: 2}},
		{name: "invalid json", steps: []step{status(200, `{"data":`), ok}, req: func(r *Request) { r.ExpectJSON = true }, want: want{status: 200, attempts: 2}},
		{name: "invalid json not checked", steps: []step{status(200, `{"data":`)}, want: want{status: 200, attempts: 1}},
		{name: "404 is returned", steps: []step{status(404, "nope")}, want: want{status: 404, attempts: 1}},
		{name: "401 is returned", steps: []step{status(401, "nope")}, want: want{status: 401, attempts: 1}},
		{name: "always 503", steps: []step{status(503, "")}, want: want{unreachable: true, status: 503, waits: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}}},
		{name: "max delay caps", steps: []step{status(500, "")}, policy: Policy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 2 * time.Second}, want: want{unreachable: true, status: 500, waits: []time.Duration{500 * time.Millisecond, time.Second, time.Second, time.Second}}},
		{name: "wait budget", steps: []step{status(429, "", "Retry-After", "50")}, policy: Policy{MaxWait: 2 * time.Minute}, want: want{unreachable: true, status: 429, waits: []time.Duration{50 * time.Second, 50 * time.Second}}},
		{name: "slow attempt times out", steps: []step{slow(2 * time.Second), ok}, want: want{status: 200, attempts: 2}},
		{name: "inspect asks again", steps: []step{status(200, `{"throttled":true}`), ok},
			req: func(r *Request) {
				r.Inspect = func(resp *Response) *Retry {
					if bytes.Contains(resp.Body, []byte("throttled")) {
						return &Retry{Reason: "throttled", Wait: 1500 * time.Millisecond}
					}
					return nil
				}
			},
			want: want{status: 200, attempts: 2, waits: []time.Duration{1500 * time.Millisecond}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(&scripted{steps: tc.steps})
			defer hs.Close()
			sl := &sleeper{waits: []time.Duration{}}
			c := &Client{Timeout: 300 * time.Millisecond, Policy: tc.policy, Sleep: sl.Sleep,
				Now: func() time.Time { return now }, Jitter: func() float64 { return 0.5 }}
			req := Request{Op: "test op", URL: hs.URL + "/x", Body: []byte(`{}`)}
			if tc.req != nil {
				tc.req(&req)
			}
			resp, err := c.Do(context.Background(), req)
			if tc.want.unreachable {
				var se *core.StoreError
				if !errors.Is(err, core.ErrUnreachable) || !errors.As(err, &se) {
					t.Fatalf("err = %v, want a StoreError wrapping ErrUnreachable", err)
				}
				if se.Status != tc.want.status || se.Op != "test op" {
					t.Errorf("StoreError = %+v", se)
				}
			} else {
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				if resp.Status != tc.want.status || resp.Attempts != tc.want.attempts {
					t.Errorf("status %d attempts %d, want %d and %d", resp.Status, resp.Attempts, tc.want.status, tc.want.attempts)
				}
			}
			if tc.want.waits != nil && !equalDurations(sl.waits, tc.want.waits) {
				t.Errorf("waits = %v, want %v", sl.waits, tc.want.waits)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNetworkErrorIsUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	sl := &sleeper{}
	c := &Client{Sleep: sl.Sleep, Policy: Policy{MaxAttempts: 3}}
	_, err = c.Do(context.Background(), Request{Op: "ping", URL: "http://" + addr + "/p?key=sekret123"})
	if !errors.Is(err, core.ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
	if len(sl.waits) != 2 {
		t.Errorf("waited %d times, want 2", len(sl.waits))
	}
	if strings.Contains(err.Error(), "sekret123") {
		t.Errorf("error shows the query string: %v", err)
	}
}

// TestCancelDuringWait: wherever Do waits (a server's Retry-After, the backoff, a wait an
// Inspect hook asks for, an attempt the server does not answer), cancelling the context ends it
// at once with the context's error, not a give-up after the budget.
func TestCancelDuringWait(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		client  Client
		inspect func(*Response) *Retry
	}{
		{name: "Retry-After", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(503)
		}},
		{name: "backoff", client: Client{Policy: Policy{BaseDelay: 30 * time.Second, MaxDelay: time.Minute}, Jitter: func() float64 { return 0.9 }},
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }},
		{name: "inspect wait", handler: func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"throttled":true}`) },
			inspect: func(*Response) *Retry { return &Retry{Reason: "throttled", Wait: 30 * time.Second} }},
		{name: "unanswered attempt", handler: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				tc.handler(w, r)
			}))
			defer hs.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := &tc.client // real sleep
			go func() {
				for hits.Load() == 0 {
					time.Sleep(5 * time.Millisecond)
				}
				time.Sleep(20 * time.Millisecond)
				cancel()
			}()
			start := time.Now()
			_, err := c.Do(ctx, Request{Op: "wait", URL: hs.URL, Inspect: tc.inspect})
			if !errors.Is(err, context.Canceled) || errors.Is(err, core.ErrUnreachable) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("cancellation was not honoured: Do returned after %s", took)
			}
		})
	}
}

func TestLogsAreRedacted(t *testing.T) {
	hs := httptest.NewServer(&scripted{steps: []step{status(500, "token shpat_SECRET in body"), status(429, "", "Retry-After", "1"), ok}})
	defer hs.Close()
	var buf bytes.Buffer
	c := &Client{Log: slog.New(slog.NewTextHandler(&buf, nil)), Platform: "test", Sleep: (&sleeper{}).Sleep}
	hdr := http.Header{"X-Shopify-Access-Token": {"shpat_SECRET"}, "Authorization": {"Bearer SECRET2"}}
	_, err := c.Do(context.Background(), Request{Op: "list", URL: hs.URL + "/api?consumer_secret=SECRET3", Header: hdr})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "retrying after") != 2 {
		t.Errorf("want two retry lines, got:\n%s", out)
	}
	for _, s := range []string{"SECRET", "consumer_secret"} {
		if strings.Contains(out, s) {
			t.Errorf("log shows %q:\n%s", s, out)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://shop.example/wp-json/wc/v3/orders?consumer_key=ck&consumer_secret=cs": "https://shop.example/wp-json/wc/v3/orders?…",
		"https://user:pass@shop.example/a":                                             "https://shop.example/a",
		"http://127.0.0.1:8080/admin/api/2026-10/graphql.json":                         "http://127.0.0.1:8080/admin/api/2026-10/graphql.json",
		"::bad": "(url)",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
