package shopify

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/shopify/shopifytest"
)

// result is everything a full read returns, in a comparable form.
type result struct {
	products map[string]core.StoreProduct
	orders   map[string]core.StoreOrder
	levels   map[string]string
}

func readAll(e *env, st *Store) result {
	if st == nil {
		st = e.store
	}
	r := result{products: map[string]core.StoreProduct{}, orders: map[string]core.StoreOrder{}, levels: map[string]string{}}
	for _, p := range e.products(st, time.Time{}) {
		p.UpdatedAt = time.Time{}
		r.products[p.ExternalID] = p
	}
	for id, o := range latest(e.orders(st, time.Time{})) {
		o.UpdatedAt = time.Time{} // a change between pages moves it
		r.orders[id] = o
	}
	for _, pg := range e.stock(st, time.Time{}) {
		for _, l := range pg.Levels {
			r.levels[l.ExternalID] = l.Quantity.String()
		}
	}
	return r
}

var faultSeed = &shopifytest.SeedOptions{Products: 45, Orders: 70, Seed: 11}

func TestFaultsGiveTheCleanResult(t *testing.T) {
	clean := readAll(newEnv(t, envConfig{seed: faultSeed}), nil)
	tests := []struct {
		name   string
		server shopifytest.Options
		faults []shopifytest.Fault
	}{
		{name: "throttled in 200", faults: []shopifytest.Fault{{Kind: shopifytest.FaultThrottled, Match: "orders", Times: 2}, {Kind: shopifytest.FaultThrottled, Match: "products"}}},
		{name: "429 with Retry-After", faults: []shopifytest.Fault{{Kind: shopifytest.FaultHTTP429, Match: "orders", RetryAfter: 3}, {Kind: shopifytest.FaultHTTP429, Match: "location"}}},
		{name: "500", faults: []shopifytest.Fault{{Kind: shopifytest.FaultHTTP500, Times: 3}}},
		{name: "502 html", faults: []shopifytest.Fault{{Kind: shopifytest.FaultHTTP502, Match: "orders"}, {Kind: shopifytest.FaultHTTP502, Match: "products"}}},
		{name: "503", faults: []shopifytest.Fault{{Kind: shopifytest.FaultHTTP503, Match: "location", Times: 2}}},
		{name: "slow", faults: []shopifytest.Fault{{Kind: shopifytest.FaultSlow, Match: "orders", Delay: 2 * time.Second}}},
		{name: "truncated body", faults: []shopifytest.Fault{{Kind: shopifytest.FaultTruncated, Match: "orders"}, {Kind: shopifytest.FaultTruncated, Match: "products"}, {Kind: shopifytest.FaultTruncated, Match: "location"}}},
		{name: "internal error in a 200", faults: []shopifytest.Fault{{Kind: shopifytest.FaultInternalError, Match: "products", Times: 2}, {Kind: shopifytest.FaultInternalError, Match: "orders"}, {Kind: shopifytest.FaultInternalError, Match: "location"}}},
		{name: "data null in a 200", faults: []shopifytest.Fault{{Kind: shopifytest.FaultDataNull, Match: "products"}, {Kind: shopifytest.FaultDataNull, Match: "orders", Times: 2}}},
		{name: "web page in a 200", faults: []shopifytest.Fault{{Kind: shopifytest.FaultNotJSON, Match: "products"}, {Kind: shopifytest.FaultNotJSON, Match: "orders"}, {Kind: shopifytest.FaultNotJSON, Match: "location"}}},
		{name: "order changes between pages", faults: []shopifytest.Fault{{Kind: shopifytest.FaultOrderChangesBetweenPages, AfterPage: 2}, {Kind: shopifytest.FaultOrderChangesBetweenPages, AfterPage: 5}}},
		{name: "real throttling answered with 429", server: shopifytest.Options{ThrottleHTTPStatus: 429, Bucket: shopifytest.BucketOptions{MaximumAvailable: 1000, RestoreRate: 50}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{seed: faultSeed, server: tc.server, timeout: 300 * time.Millisecond})
			if tc.name == "real throttling answered with 429" {
				e.srv.InjectFaults() // the bucket itself throttles: drain it first
				e.drainBucket()
			}
			e.srv.InjectFaults(tc.faults...)
			got := readAll(e, e.store)
			if !reflect.DeepEqual(got, clean) {
				t.Errorf("result differs from a clean run (%d/%d products, %d/%d orders, %d/%d levels)",
					len(got.products), len(clean.products), len(got.orders), len(clean.orders), len(got.levels), len(clean.levels))
				for id, o := range clean.orders {
					if !reflect.DeepEqual(got.orders[id], o) {
						t.Logf("order %s:\n got %+v\nwant %+v", o.Name, got.orders[id], o)
						break
					}
				}
			}
			if n := e.srv.PendingFaults(); n > 0 && len(tc.faults) > 0 {
				t.Errorf("%d faults never fired", n)
			}
			st := e.srv.Stats()
			t.Logf("%d requests, %d faults, %d throttled", st.GraphQL, st.Faults, st.Throttled)
		})
	}
}

// TestErrorsIn200AfterTheBudget: a 200 whose body is a transient error, every time, ends like a
// 5xx every time (ErrUnreachable once the retries are spent); an error Shopify would give again
// (a query it refuses) is not retried.
func TestErrorsIn200AfterTheBudget(t *testing.T) {
	tests := []struct {
		kind     shopifytest.FaultKind
		want     string
		attempts int
		is       error
	}{
		{shopifytest.FaultInternalError, "gave up after 6 attempts: the store reported an internal error (INTERNAL_SERVER_ERROR)", 6, core.ErrUnreachable},
		{shopifytest.FaultDataNull, "gave up after 6 attempts: the store answered with errors and no data", 6, core.ErrUnreachable},
		{shopifytest.FaultNotJSON, "gave up after 6 attempts: the body is not valid JSON", 6, core.ErrUnreachable},
		{shopifytest.FaultHTTP500, "gave up after 6 attempts: Internal Server Error", 6, core.ErrUnreachable},
		{shopifytest.FaultQueryError, "doesn't exist on type", 1, nil},
	}
	for _, tc := range tests {
		e := newEnv(t, envConfig{seed: &shopifytest.SeedOptions{Products: 5, Orders: 0, Seed: 1}})
		e.srv.InjectFaults(shopifytest.Fault{Kind: tc.kind, Match: "products", Times: -1})
		before := e.srv.Stats().ByRootField["products"]
		err := e.store.Products(context.Background(), time.Time{}, func([]core.StoreProduct) error { return nil })
		n := e.srv.Stats().ByRootField["products"] - before
		if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) ||
			(tc.is == nil && errors.Is(err, core.ErrUnreachable)) {
			t.Errorf("fault %q: err = %v, want %q", tc.kind, err, tc.want)
		}
		if n != tc.attempts {
			t.Errorf("fault %q: %d requests, want %d", tc.kind, n, tc.attempts)
		}
	}
}

// drainBucket empties the server's cost bucket so that the next queries are throttled.
func (e *env) drainBucket() { e.srv.SetBucketAvailable(0) }

func TestNoChangeFetchCalls(t *testing.T) {
	e := newEnv(t, envConfig{seed: &shopifytest.SeedOptions{Products: 30, Orders: 40, Seed: 2}})
	readAll(e, e.store)
	since := e.clock.Now().Add(time.Second)
	e.clock.Advance(time.Minute)
	tests := []struct {
		name string
		run  func()
		max  int
	}{
		{"products", func() { e.products(e.store, since) }, 1},
		{"stock", func() { e.stock(e.store, since) }, 1},
		{"orders", func() { e.orders(e.store, since) }, 1},
	}
	total := 0
	for _, tc := range tests {
		before := e.srv.Stats().Requests
		tc.run()
		n := e.srv.Stats().Requests - before
		total += n
		if n > tc.max {
			t.Errorf("%s: %d requests for no change, want %d", tc.name, n, tc.max)
		}
	}
	t.Logf("no-change incremental fetch: %d requests (products, stock, orders)", total)

	// A fresh connection with the primary location finds it once, on its first products read.
	st := e.open(map[string]string{CredAccessToken: testToken}, nil, 0)
	before := e.srv.Stats().Requests
	e.products(st, since)
	e.products(st, since)
	if n := e.srv.Stats().Requests - before; n != 3 {
		t.Errorf("cold products twice: %d requests, want 3", n)
	}
}

func TestRequestedCosts(t *testing.T) {
	e := newEnv(t, envConfig{seed: &shopifytest.SeedOptions{Products: 60, Orders: 60, Seed: 9}})
	// An order and a product large enough for every follow-up query.
	var variants []shopifytest.VariantInput
	for i := 0; i < 12; i++ {
		variants = append(variants, shopifytest.VariantInput{OptionValues: []string{string(rune('A' + i))}, Price: decimalInt(10 + i), Quantity: 30})
	}
	p, err := e.srv.AddProduct(shopifytest.ProductInput{Title: "طقم", Options: []string{"اللون"}, Variants: variants})
	if err != nil {
		t.Fatal(err)
	}
	var lines []shopifytest.OrderLine
	for _, v := range p.Variants[:10] {
		lines = append(lines, shopifytest.OrderLine{VariantID: v.ID, Quantity: 1})
	}
	o, err := e.srv.PlaceOrder(shopifytest.OrderInput{Lines: lines, Gateway: "mada"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.CancelOrder(o.ID, shopifytest.CancelInput{}); err != nil {
		t.Fatal(err)
	}
	readAll(e, e.store)
	ctx := context.Background()
	if _, err := e.store.Info(ctx); err != nil {
		t.Fatal(err)
	}
	cp, err := e.store.CreateProduct(ctx, core.ProductFields{Name: "جديد", Code: "NEW-1", SalePrice: decimalInt(5)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.UpdateProduct(ctx, cp, core.ProductFields{Name: "جديد ٢", SalePrice: decimalInt(6)}, core.FieldSet{core.FieldName: true, core.FieldSalePrice: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AdjustStock(ctx, []core.StockChange{{ExternalID: cp.ExternalID, Delta: decimalInt(3), Key: "c1"}}); err != nil {
		t.Fatal(err)
	}
	// The sizes documented in pagesize.go.
	want := map[string]int{"Products": 862, "ProductVariants": 503, "Orders": 848, "OrderMore": 805, "RefundMore": 555, "Stock": 803}
	got := e.costs.snapshot()
	for _, op := range sortedKeys(got) {
		t.Logf("%-18s requested cost %d", op, got[op])
		if got[op] > 1000 {
			t.Errorf("%s requests %d, above the single-query maximum", op, got[op])
		}
	}
	for op, c := range want {
		// Follow-ups ask only for what is missing (@include), so they may cost less than the
		// figure for both parts.
		if got[op] > c || got[op] == 0 {
			t.Errorf("%s requested %d, documented %d", op, got[op], c)
		}
	}
	for _, op := range []string{"Products", "Orders", "Stock", "ProductVariants"} {
		if got[op] != want[op] {
			t.Errorf("%s requested %d, documented %d", op, got[op], want[op])
		}
	}
}

func TestShrinksPagesWhenTooExpensive(t *testing.T) {
	e := newEnv(t, envConfig{seed: faultSeed, server: shopifytest.Options{Bucket: shopifytest.BucketOptions{SingleQueryMax: 300}}})
	clean := readAll(newEnv(t, envConfig{seed: faultSeed}), nil)
	got := readAll(e, e.store)
	if !reflect.DeepEqual(got, clean) {
		t.Errorf("result differs with a lower cost limit")
	}
	st := e.srv.Stats()
	sz := e.store.pageSizes()
	if st.MaxCost == 0 || sz.Orders >= defaultPageSizes.Orders || sz.Products >= defaultPageSizes.Products {
		t.Errorf("max-cost answers %d, sizes %+v", st.MaxCost, sz)
	}
	t.Logf("%d MAX_COST_EXCEEDED answers; sizes now %+v", st.MaxCost, sz)
}

func TestClientCredentials(t *testing.T) {
	const id, secret = "client-id-123", "shpss_topsecret_value"
	e := newEnv(t, envConfig{
		server: shopifytest.Options{ClientID: id, ClientSecret: secret, TokenTTL: time.Hour},
		creds:  map[string]string{CredClientID: id, CredClientSecret: secret},
	})
	ctx := context.Background()
	step := func(name string, advance time.Duration, wantGrants int) {
		t.Helper()
		e.clock.Advance(advance)
		if _, err := e.store.Info(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if g := e.srv.Stats().TokenGrants; g != wantGrants {
			t.Errorf("%s: %d grants, want %d", name, g, wantGrants)
		}
	}
	step("first call", 0, 1)
	step("still fresh", 50*time.Minute, 1)
	step("past 90% of its life", 5*time.Minute, 2)
	e.srv.RevokeTokens()
	step("revoked: renewed once on 401", time.Second, 3)
	if u := e.srv.Stats().Unauthorized; u != 1 {
		t.Errorf("%d unauthorized answers, want 1", u)
	}

	bad := e.open(map[string]string{CredClientID: id, CredClientSecret: "wrong_secret_value"}, nil, 0)
	_, err := bad.Info(ctx)
	if !errors.Is(err, core.ErrUnauthorized) {
		t.Fatalf("wrong secret: %v", err)
	}
	var se *core.StoreError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "client ID or client secret") {
		t.Errorf("message: %v", err)
	}
	checkNoSecrets(t, err.Error()+e.logs.String(), secret, "wrong_secret_value", id, "shpat_")
}

func TestUnauthorized(t *testing.T) {
	e := newEnv(t, envConfig{creds: map[string]string{CredAccessToken: "shpat_revoked_token_value"}})
	ctx := context.Background()
	var err error
	calls := []func() error{
		func() error { _, err := e.store.Info(ctx); return err },
		func() error {
			return e.store.Products(ctx, time.Time{}, func([]core.StoreProduct) error { return nil })
		},
		func() error { return e.store.Orders(ctx, time.Time{}, func([]core.StoreOrder) error { return nil }) },
		func() error { return e.store.Stock(ctx, time.Time{}, func(core.StockPage) error { return nil }) },
	}
	for _, call := range calls {
		err = call()
		var se *core.StoreError
		if !errors.Is(err, core.ErrUnauthorized) || !errors.As(err, &se) || se.Status != 401 || !strings.Contains(se.Message, "revoked") {
			t.Errorf("err = %v", err)
		}
		checkNoSecrets(t, err.Error(), "shpat_revoked_token_value")
	}
	if u := e.srv.Stats().Unauthorized; u != len(calls) {
		t.Errorf("%d unauthorized requests for %d calls: a static token must not be retried", u, len(calls))
	}
}

func TestNoCredentialsInErrorsOrLogs(t *testing.T) {
	const token = "shpat_0123456789abcdef"
	e := newEnv(t, envConfig{server: shopifytest.Options{AccessTokens: []string{token}}, seed: faultSeed,
		creds: map[string]string{CredAccessToken: token}, timeout: 300 * time.Millisecond})
	e.srv.InjectFaults(
		shopifytest.Fault{Kind: shopifytest.FaultHTTP500, Times: 2},
		shopifytest.Fault{Kind: shopifytest.FaultHTTP429, Match: "products"},
		shopifytest.Fault{Kind: shopifytest.FaultThrottled, Match: "orders"},
		shopifytest.Fault{Kind: shopifytest.FaultTruncated, Match: "products"},
		shopifytest.Fault{Kind: shopifytest.FaultSlow, Match: "orders", Delay: time.Second},
	)
	readAll(e, e.store)
	// Keep failing until the budget is spent.
	e.srv.InjectFaults(shopifytest.Fault{Kind: shopifytest.FaultHTTP502, Times: -1})
	_, err := e.store.Info(context.Background())
	if !errors.Is(err, core.ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
	e.srv.ClearFaults()
	logs := e.logs.String()
	if !strings.Contains(logs, "retrying after") {
		t.Errorf("no retry was logged:\n%s", logs)
	}
	checkNoSecrets(t, err.Error()+logs, token)
}

func decimalInt(n int) decimal.Decimal { return decimal.NewFromInt(int64(n)) }

func checkNoSecrets(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%q appears in errors or logs:\n%s", s, text)
		}
	}
}
