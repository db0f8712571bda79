package zid

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/httpx"
)

// wire is a small scripted Zid: a ServeMux of the routes a test answers ("GET /v1/locations/"),
// in front of which every request is kept, headers and all, and dated by the wall clock.
type wire struct {
	mux  *http.ServeMux
	mu   sync.Mutex
	seen []*http.Request
	srv  *httptest.Server
}

func newWire(t *testing.T) *wire {
	wr := &wire{mux: http.NewServeMux()}
	wr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wr.mu.Lock()
		wr.seen = append(wr.seen, r.Clone(context.Background()))
		wr.mu.Unlock()
		w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
		wr.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(wr.srv.Close)
	return wr
}

// on answers method+path with body.
func (wr *wire) on(route, body string) {
	wr.handle(route, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) })
}

// handle answers method+path (exactly that path) with h.
func (wr *wire) handle(route string, h func(w http.ResponseWriter, r *http.Request)) {
	if strings.HasSuffix(route, "/") {
		route += "{$}"
	}
	wr.mux.HandleFunc(route, h)
}

func (wr *wire) requests() []*http.Request {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	return append([]*http.Request(nil), wr.seen...)
}

func (wr *wire) count(prefix string) int {
	n := 0
	for _, r := range wr.requests() {
		if strings.HasPrefix(r.Method+" "+r.URL.Path, prefix) {
			n++
		}
	}
	return n
}

// The docs' examples: the profile and a location list.
const (
	profileJSON   = `{"status":"object","user":{"id":1,"name":"Owner","store":{"id":1,"title":"Test Store","url":"https://teststore.zidtest.com/","currency":{"id":4,"code":"SAR"}}}}`
	locationsJSON = `{"count":2,"next":null,"previous":null,"results":[{"id":"59be4f1d-3b59-4b34-ba47-9f7293894b47","name":{"ar":"الدمام","en":"Dammam"},"type":"PHYSICAL"},{"id":"8ee590fe-d02d-4c50-9184-f628bb8b115a","name":{"ar":"الرياض"},"type":"PHYSICAL"}]}`
)

var testCreds = map[string]string{CredAuthorization: "auth-token-aaaa", CredAccessToken: "manager-token-bbbb",
	CredRefreshToken: "refresh-token-cccc", CredClientID: "4127", CredClientSecret: "client-secret-dddd", CredRedirect: "http://127.0.0.1:8765/callback"}

// open connects to the wire with the test credentials (plus extra) and options.
func open(t *testing.T, wr *wire, rotate core.RotateFunc, opts map[string]string, extra map[string]string) *Store {
	t.Helper()
	creds := map[string]string{}
	for k, v := range testCreds {
		creds[k] = v
	}
	for k, v := range extra {
		creds[k] = v
	}
	s, err := New(core.StoreConfig{StoreURL: wr.srv.URL, Credentials: creds, Options: opts, Rotate: rotate}, Options{Tuning: httpx.Tuning{
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }, Jitter: func() float64 { return 0 }}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
