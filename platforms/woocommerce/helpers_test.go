package woocommerce_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/woocommerce"
	"mizan/platforms/woocommerce/wootest"
)

var ctx = context.Background()

type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type env struct {
	t     *testing.T
	srv   *wootest.Server
	hs    *httptest.Server
	store *woocommerce.Store
	logs  *logBuf
}

func newEnv(t *testing.T, o wootest.Options, opts map[string]string) *env {
	t.Helper()
	srv := wootest.NewServer(o)
	hs := srv.Start()
	t.Cleanup(hs.Close)
	e := &env{t: t, srv: srv, hs: hs, logs: &logBuf{}}
	e.store = e.open(srv.Key(), srv.Secret(), opts)
	return e
}

func (e *env) open(key, secret string, opts map[string]string) *woocommerce.Store {
	e.t.Helper()
	st, err := woocommerce.New(core.StoreConfig{StoreURL: e.hs.URL,
		Credentials: map[string]string{woocommerce.CredConsumerKey: key, woocommerce.CredConsumerSecret: secret},
		Options:     opts, HTTPClient: e.hs.Client(),
		Log: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
		woocommerce.Options{Tuning: httpx.Tuning{Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() },
			Retry: httpx.Policy{MaxAttempts: 4}, Timeout: 2 * time.Second, Jitter: func() float64 { return 0 }}})
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func (e *env) products() []core.StoreProduct {
	e.t.Helper()
	var out []core.StoreProduct
	if err := e.store.Products(ctx, time.Time{}, func(p []core.StoreProduct) error { out = append(out, p...); return nil }); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) orders(since time.Time) []core.StoreOrder {
	e.t.Helper()
	var out []core.StoreOrder
	if err := e.store.Orders(ctx, since, func(p []core.StoreOrder) error { out = append(out, p...); return nil }); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) order(id int64) core.StoreOrder {
	e.t.Helper()
	got, err := e.store.OrdersByNumber(ctx, []string{"#" + decimal.NewFromInt(id).String()})
	if err != nil || len(got) != 1 {
		e.t.Fatalf("order %d: %v (%d found)", id, err, len(got))
	}
	return got[0]
}

// parts adds an order up the way the engine builds its invoice.
func parts(o core.StoreOrder) decimal.Decimal {
	t := decimal.Zero.Sub(o.Discount)
	for _, l := range o.Lines {
		t = t.Add(l.Quantity.Mul(l.UnitPrice)).Sub(l.Discount)
		if !o.TaxesIncluded {
			t = t.Add(l.Tax)
		}
	}
	for _, c := range o.Charges {
		t = t.Add(c.Amount)
		if !o.TaxesIncluded {
			t = t.Add(c.Tax)
		}
	}
	return t
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ptr[T any](v T) *T { return &v }
