package shopify

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"mizan/core"
	"mizan/platforms/shopify/shopifytest"
)

var t0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

const testToken = "shpat_test"

var (
	schemaOnce sync.Once
	schemaVal  *ast.Schema
)

// optionalSchema is the published schema when it is available (the test server then checks
// every request against it too), else nil.
func optionalSchema() *ast.Schema {
	schemaOnce.Do(func() {
		f, err := os.Open(filepath.FromSlash(publishedSchema))
		if err != nil {
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			return
		}
		schemaVal, _ = gqlparser.LoadSchema(&ast.Source{Name: "admin.graphql", Input: string(b)})
	})
	return schemaVal
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	t     *testing.T
	srv   *shopifytest.Server
	hs    *httptest.Server
	clock *shopifytest.FakeClock
	logs  *syncBuffer
	store *Store
	seed  shopifytest.SeedResult
	costs *costRecorder
	bulk  bool // stores opened read large sets by bulk operation (else by pages, as the tests of paging need)
}

type envConfig struct {
	server  shopifytest.Options
	seed    *shopifytest.SeedOptions
	creds   map[string]string
	options map[string]string
	timeout time.Duration
	bulk    bool // read large sets by bulk operation (the production default); else pages only
}

func newEnv(t *testing.T, c envConfig) *env {
	t.Helper()
	clock := shopifytest.NewFakeClock(t0)
	c.server.Now = clock.Now
	if c.server.Schema == nil {
		c.server.Schema = optionalSchema()
	}
	srv := shopifytest.NewServer(c.server)
	e := &env{t: t, srv: srv, clock: clock, logs: &syncBuffer{}, costs: &costRecorder{byOp: map[string]int{}}, bulk: c.bulk}
	if c.seed != nil {
		res, err := srv.Seed(*c.seed)
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
		e.seed = res
	}
	e.hs = httptest.NewServer(e.costs.wrap(srv))
	t.Cleanup(e.hs.Close)
	if c.creds == nil {
		c.creds = map[string]string{CredAccessToken: testToken}
	}
	e.store = e.open(c.creds, c.options, c.timeout)
	return e
}

// open makes another Store on the same server.
func (e *env) open(creds, options map[string]string, timeout time.Duration) *Store {
	e.t.Helper()
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	if !e.bulk && options[OptBulkThreshold] == "" {
		o := map[string]string{OptBulkThreshold: "off"}
		for k, v := range options {
			o[k] = v
		}
		options = o
	}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := New(core.StoreConfig{StoreURL: e.hs.URL, Credentials: creds, Options: options, HTTPClient: e.hs.Client(), Log: log},
		Options{Now: e.clock.Now, Sleep: e.sleep, Timeout: timeout, Jitter: func() float64 { return 0.5 }})
	if err != nil {
		e.t.Fatalf("New: %v", err)
	}
	return st
}

// sleep moves the fake clock instead of waiting (the server's rate-limit bucket refills by it).
func (e *env) sleep(ctx context.Context, d time.Duration) error {
	e.clock.Advance(d)
	return ctx.Err()
}

func (e *env) products(st *Store, since time.Time) []core.StoreProduct {
	e.t.Helper()
	var out []core.StoreProduct
	if err := st.Products(context.Background(), since, func(p []core.StoreProduct) error {
		out = append(out, p...)
		return nil
	}); err != nil {
		e.t.Fatalf("Products: %v", err)
	}
	return out
}

func (e *env) orders(st *Store, since time.Time) []core.StoreOrder {
	e.t.Helper()
	var out []core.StoreOrder
	if err := st.Orders(context.Background(), since, func(p []core.StoreOrder) error {
		out = append(out, p...)
		return nil
	}); err != nil {
		e.t.Fatalf("Orders: %v", err)
	}
	return out
}

func (e *env) stock(st *Store, since time.Time) []core.StockPage {
	e.t.Helper()
	var out []core.StockPage
	if err := st.Stock(context.Background(), since, func(p core.StockPage) error {
		out = append(out, p)
		return nil
	}); err != nil {
		e.t.Fatalf("Stock: %v", err)
	}
	return out
}

// latest keeps the last version of each order (an order changed while paging comes twice).
func latest(orders []core.StoreOrder) map[string]core.StoreOrder {
	out := map[string]core.StoreOrder{}
	for _, o := range orders {
		out[o.ExternalID] = o
	}
	return out
}

// costRecorder wraps the test server and keeps the highest requested cost of each operation.
type costRecorder struct {
	mu   sync.Mutex
	byOp map[string]int
}

func (c *costRecorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recordingWriter{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		name := operationName(body)
		cost := requestedCost(rec.buf.Bytes())
		if name != "" && cost > 0 {
			c.mu.Lock()
			c.byOp[name] = max(c.byOp[name], cost)
			c.mu.Unlock()
		}
	})
}

func (c *costRecorder) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.byOp {
		out[k] = v
	}
	return out
}

type recordingWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	r.buf.Write(p)
	return r.ResponseWriter.Write(p)
}

func (r *recordingWriter) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// checkTotal verifies the invoice identity of core.StoreOrder.
func checkTotal(o core.StoreOrder) error {
	sum, tax := decimal.Zero, decimal.Zero
	for _, l := range o.Lines {
		sum = sum.Add(l.Quantity.Mul(l.UnitPrice).Sub(l.Discount))
		tax = tax.Add(l.Tax)
	}
	for _, c := range o.Charges {
		sum = sum.Add(c.Amount)
		tax = tax.Add(c.Tax)
	}
	sum = sum.Sub(o.Discount)
	if !o.TaxesIncluded {
		sum = sum.Add(tax)
	}
	if !sum.Equal(o.Total) {
		return fmt.Errorf("order %s: parts add up to %s, total is %s", o.Name, sum, o.Total)
	}
	return nil
}

// refundRest is what a refund returned beyond its lines and shipping (and their taxes unless
// included): the amount-only part.
func refundRest(o core.StoreOrder, r core.StoreRefund) decimal.Decimal {
	parts := r.Shipping
	tax := r.ShippingTax
	for _, l := range r.Lines {
		parts = parts.Add(l.Subtotal)
		tax = tax.Add(l.Tax)
	}
	if !o.TaxesIncluded {
		parts = parts.Add(tax)
	}
	return r.Total.Sub(parts)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var reOperation = regexp.MustCompile(`(?:query|mutation)\s+(\w+)`)

func operationName(body []byte) string {
	var req struct {
		Query string `json:"query"`
	}
	if json.Unmarshal(body, &req) != nil {
		return ""
	}
	if m := reOperation.FindStringSubmatch(req.Query); m != nil {
		return m[1]
	}
	return ""
}

func requestedCost(body []byte) int {
	var resp struct {
		Extensions struct {
			Cost struct {
				RequestedQueryCost int `json:"requestedQueryCost"`
			} `json:"cost"`
		} `json:"extensions"`
	}
	if json.Unmarshal(body, &resp) != nil {
		return 0
	}
	return resp.Extensions.Cost.RequestedQueryCost
}
