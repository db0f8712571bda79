package salla

import (
	"context"
	"encoding/json"
	"fmt"
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

// wire is a small scripted Salla: routes by method and path answer fixed bodies, and every
// request is recorded with its Authorization header.
type wire struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]func(w http.ResponseWriter, r *http.Request)
	seen   []string
	auth   []string
	srv    *httptest.Server
}

func newWire(t *testing.T) *wire {
	w := &wire{t: t, routes: map[string]func(http.ResponseWriter, *http.Request){}}
	w.srv = httptest.NewServer(w)
	t.Cleanup(w.srv.Close)
	return w
}

func (wr *wire) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	wr.mu.Lock()
	wr.seen = append(wr.seen, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	wr.auth = append(wr.auth, r.Header.Get("Authorization"))
	h := wr.routes[r.Method+" "+r.URL.Path]
	wr.mu.Unlock()
	w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
	if h == nil {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"status":404,"success":false,"error":{"code":"not_found","message":"The content you are trying to access is no longer available"}}`)
		return
	}
	h(w, r)
}

// on answers method+path with data in Salla's envelope (pagination on one page).
func (wr *wire) on(route string, data string) {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	wr.routes[route] = func(w http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprintf(w, `{"status":200,"success":true,"data":%s,"pagination":{"count":1,"total":1,"perPage":60,"currentPage":1,"totalPages":1,"links":{}}}`, data)
	}
}

// handle answers method+path with h.
func (wr *wire) handle(route string, h func(w http.ResponseWriter, r *http.Request)) {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	wr.routes[route] = h
}

func (wr *wire) requests() []string {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	return append([]string(nil), wr.seen...)
}

func (wr *wire) count(prefix string) int {
	n := 0
	for _, s := range wr.requests() {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// open connects a Store to the wire with creds (defaults for the rest).
func (wr *wire) open(creds map[string]string, rotate core.RotateFunc) *Store {
	wr.t.Helper()
	c := map[string]string{CredAccessToken: "at-1", CredRefreshToken: "rt-1", CredClientID: "cid", CredClientSecret: "csecret",
		CredExpiresAt: fmt.Sprint(time.Now().Add(10 * 24 * time.Hour).Unix())}
	for k, v := range creds {
		if v == "" {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	s, err := New(core.StoreConfig{StoreURL: wr.srv.URL, Credentials: c, HTTPClient: wr.srv.Client(), Rotate: rotate},
		Options{Tuning: httpx.Tuning{Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }, Jitter: func() float64 { return 0 }}})
	if err != nil {
		wr.t.Fatal(err)
	}
	return s
}

// keyring is a RotateFunc over a map, as the engine's is over the keyring: one turn at a time.
type keyring struct {
	mu    sync.Mutex
	creds map[string]string
	turns int
	fail  error // an error saving the renewed values
}

func (k *keyring) rotate(ctx context.Context, renew func(map[string]string) (map[string]string, error)) (map[string]string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.turns++
	cur := map[string]string{}
	for key, v := range k.creds {
		cur[key] = v
	}
	changed, err := renew(cur)
	if err != nil {
		return nil, err
	}
	if k.fail != nil {
		return nil, k.fail
	}
	for key, v := range changed {
		k.creds[key] = v
	}
	out := map[string]string{}
	for key, v := range k.creds {
		out[key] = v
	}
	return out, nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// byOrder answers a list filtered by order_id: body for order id, else what prev answers (or an
// empty list).
func byOrder(id, body string, prev func(http.ResponseWriter, *http.Request)) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("order_id") != id {
			if prev != nil {
				prev(w, r)
				return
			}
			_, _ = fmt.Fprintf(w, `{"status":200,"success":true,"data":[],"pagination":{"count":0,"total":0,"perPage":60,"currentPage":1,"totalPages":1,"links":{}}}`)
			return
		}
		_, _ = fmt.Fprintf(w, `{"status":200,"success":true,"data":%s,"pagination":{"count":1,"total":1,"perPage":60,"currentPage":1,"totalPages":1,"links":{}}}`, body)
	}
}
