package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/shopify/shopifytest"
	"mizan/storage"
)

var bulkSeed = &shopifytest.SeedOptions{Products: 60, Orders: 260, Seed: 5}

// readSets reads every product and order, the update times left out (an order read twice keeps
// its last version).
func readSets(e *env, st *Store, since time.Time) (map[string]core.StoreProduct, map[string]core.StoreOrder) {
	e.t.Helper()
	products := map[string]core.StoreProduct{}
	for _, p := range e.products(st, since) {
		p.UpdatedAt = time.Time{}
		products[p.ExternalID] = p
	}
	orders := map[string]core.StoreOrder{}
	for id, o := range latest(e.orders(st, since)) {
		o.UpdatedAt = time.Time{}
		orders[id] = o
	}
	return products, orders
}

func pagedStore(e *env) *Store {
	return e.open(map[string]string{CredAccessToken: testToken}, map[string]string{OptBulkThreshold: "off"}, 0)
}

func compareSets(t *testing.T, what string, gotP, wantP map[string]core.StoreProduct, gotO, wantO map[string]core.StoreOrder) {
	t.Helper()
	if len(wantO) == 0 || len(wantP) == 0 {
		t.Fatalf("%s: nothing to compare", what)
	}
	if !reflect.DeepEqual(gotP, wantP) {
		t.Errorf("%s: %d products, %d by pages", what, len(gotP), len(wantP))
		for id, p := range wantP {
			if !reflect.DeepEqual(gotP[id], p) {
				t.Logf("variant %s:\n got %+v\nwant %+v", id, gotP[id], p)
				break
			}
		}
	}
	if !reflect.DeepEqual(gotO, wantO) {
		t.Errorf("%s: %d orders, %d by pages", what, len(gotO), len(wantO))
		for id, o := range wantO {
			if !reflect.DeepEqual(gotO[id], o) {
				t.Logf("order %s:\n got %+v\nwant %+v", o.Name, gotO[id], o)
				break
			}
		}
	}
}

// TestBulkReadsMatchPages: a read of everything by bulk operation gives exactly what pages give
// (lines, shipping, discounts, taxes, refunds with their lines, payments; variants with their
// stock and cost), spending under 1 % of the cost: the refunds' lines come by a bulk operation
// of their own, not in batches.
func TestBulkReadsMatchPages(t *testing.T) {
	e := newEnv(t, envConfig{seed: bulkSeed, bulk: true})
	e.srv.ResetStats()
	wantP, wantO := readSets(e, pagedStore(e), time.Time{})
	paged := e.srv.Stats()
	refunds := 0
	for _, o := range wantO {
		refunds += len(o.Refunds)
	}
	if refunds == 0 {
		t.Fatal("the seeded store has no refunds")
	}
	e.srv.ResetStats()
	gotP, gotO := readSets(e, e.store, time.Time{})
	bulk := e.srv.Stats()
	compareSets(t, "bulk", gotP, wantP, gotO, wantO)
	if n := bulk.ByRootField["bulkOperationRunQuery"]; n != 3 {
		t.Errorf("%d bulk operations started, want 3 (products, refunds, orders)", n)
	}
	if n := bulk.ByRootField["orders"] + bulk.ByRootField["products"] + bulk.ByRootField["nodes"]; n != 0 {
		t.Errorf("%d paged requests in a bulk read (%v)", n, bulk.ByRootField)
	}
	if bulk.BulkDownloads != 3 || bulk.BulkDownloadsWithToken != 0 {
		t.Errorf("%d downloads, %d with the token; want 3 and 0", bulk.BulkDownloads, bulk.BulkDownloadsWithToken)
	}
	if bulk.CostSpent*100 > paged.CostSpent {
		t.Errorf("bulk read cost %d points, pages %d", bulk.CostSpent, paged.CostSpent)
	}
	t.Logf("%d products, %d orders (%d refunds): pages %d requests %d points; bulk %d requests %d points",
		len(wantP), len(wantO), refunds, paged.GraphQL, paged.CostSpent, bulk.GraphQL, bulk.CostSpent)
}

// TestBulkAfterThreshold: an incremental read that pages past the threshold reads the rest by
// bulk operation, and gets what pages get.
func TestBulkAfterThreshold(t *testing.T) {
	e := newEnv(t, envConfig{seed: bulkSeed, bulk: true, options: map[string]string{OptBulkThreshold: "30"}})
	since := t0.Add(-400 * 24 * time.Hour)
	wantP, wantO := readSets(e, pagedStore(e), since)
	e.srv.ResetStats()
	st := e.open(map[string]string{CredAccessToken: testToken}, map[string]string{OptBulkThreshold: "30"}, 0)
	gotP, gotO := readSets(e, st, since)
	compareSets(t, "paged then bulk", gotP, wantP, gotO, wantO)
	s := e.srv.Stats()
	if s.ByRootField["bulkOperationRunQuery"] != 3 || s.ByRootField["orders"] == 0 || s.ByRootField["products"] == 0 {
		t.Errorf("requests %v: want pages first, then a bulk operation for products, for refunds and for orders", s.ByRootField)
	}
}

// TestBulkDownloadCarriesNoToken: the result is fetched from the storage host (another port
// here) without the access token or any other credential.
func TestBulkDownloadCarriesNoToken(t *testing.T) {
	e := newEnv(t, envConfig{seed: bulkSeed, bulk: true})
	var mu sync.Mutex
	var seen []http.Header
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		e.srv.FilesHandler().ServeHTTP(w, r)
	}))
	defer files.Close()
	e.srv.SetBulkFilesBase(files.URL)
	_, orders := readSets(e, e.store, time.Time{})
	if len(orders) == 0 {
		t.Fatal("no orders")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 3 {
		t.Fatalf("%d requests to the storage host, want 3", len(seen))
	}
	for _, h := range seen {
		for k, vs := range h {
			for _, v := range vs {
				if strings.Contains(v, testToken) || strings.EqualFold(k, "X-Shopify-Access-Token") || strings.EqualFold(k, "Authorization") {
					t.Errorf("the download carried %s: %s", k, v)
				}
			}
		}
	}
	if s := e.srv.Stats(); s.BulkDownloadsWithToken != 0 {
		t.Errorf("%d downloads with the token", s.BulkDownloadsWithToken)
	}
	if strings.Contains(e.logs.String(), "signature=") {
		t.Error("the result's signed address was logged whole")
	}
}

// startBulk starts a bulk query on the test store as another client (or a crashed run) would.
func (e *env) startBulk(query string) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": documents[docBulkRun], "variables": map[string]any{"query": query}})
	req, _ := http.NewRequest(http.MethodPost, e.hs.URL+"/admin/api/"+DefaultAPIVersion+"/graphql.json", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Shopify-Access-Token", testToken)
	resp, err := e.hs.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(b, []byte(`"status":"CREATED"`)) {
		e.t.Fatalf("starting a bulk query: %s", b)
	}
}

// TestBulkLeftRunning: an operation a crash left running is reused when it is the same read
// (then what changed since it began is read by pages), cancelled when it is another read of
// ours of the same kind (or, before API 2026-01, of any kind: it holds the one place), and left
// alone when it is not ours (before 2026-01 the read then goes by pages); never a second one
// beside it, whichever of the reads started together the crash left.
func TestBulkLeftRunning(t *testing.T) {
	inline := func(doc string, vars map[string]any) string {
		q, err := inlineVariables(documents[doc], vars)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	ordersQuery := inline(docBulkOrders, map[string]any{"query": nil})
	refundsQuery := inline(docBulkRefunds, map[string]any{"query": nil})
	otherOrders := inline(docBulkOrders, map[string]any{"query": "updated_at:>='2020-01-01T00:00:00Z'"})
	productsQuery := inline(docBulkProducts, map[string]any{"query": nil, "location": "gid://shopify/Location/1"})
	notOurs := "{ products { edges { node { id variants { edges { node { id } } } } } } }"
	const before, from = "2025-10", DefaultAPIVersion // one at a time; five at once
	tests := []struct {
		name     string
		version  string
		running  []string
		statuses []string // the store's operations afterwards, oldest first
		paged    bool     // orders were read by pages (all, or what changed since)
	}{
		{name: "the same read is reused", version: before, running: []string{ordersQuery}, statuses: []string{"COMPLETED"}, paged: true},
		{name: "another read of ours is cancelled", version: before, running: []string{productsQuery}, statuses: []string{"CANCELED", "COMPLETED", "COMPLETED"}},
		{name: "a read not ours is left alone", version: before, running: []string{notOurs}, statuses: []string{"RUNNING"}, paged: true},
		{name: "both reads are reused", version: from, running: []string{refundsQuery, ordersQuery}, statuses: []string{"COMPLETED", "COMPLETED"}, paged: true},
		{name: "the orders' read is reused", version: from, running: []string{ordersQuery}, statuses: []string{"COMPLETED", "COMPLETED"}, paged: true},
		{name: "the refunds' read is reused", version: from, running: []string{refundsQuery}, statuses: []string{"COMPLETED", "COMPLETED"}},
		{name: "another search of the same kind is cancelled", version: from, running: []string{otherOrders}, statuses: []string{"CANCELED", "COMPLETED", "COMPLETED"}},
		{name: "a read of ours of another kind is left to run", version: from, running: []string{productsQuery}, statuses: []string{"COMPLETED", "COMPLETED", "COMPLETED"}},
		{name: "a read not ours runs beside", version: from, running: []string{notOurs}, statuses: []string{"COMPLETED", "COMPLETED", "COMPLETED"}},
	}
	for _, tc := range tests {
		t.Run(tc.version+" "+tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{seed: bulkSeed, bulk: true, options: map[string]string{OptAPIVersion: tc.version},
				server: shopifytest.Options{Bulk: shopifytest.BulkOptions{ObjectsPerSecond: 1}}})
			_, want := readSets(e, pagedStore(e), time.Time{})
			for _, q := range tc.running {
				e.startBulk(q)
			}
			e.clock.Advance(3 * time.Second) // running, at one object a second
			if strings.Contains(tc.name, "reused") {
				e.srv.SetBulkSpeed(500) // the crashed run's operations go on at the usual pace
			}
			e.srv.ResetStats()
			var got []core.StoreOrder
			if err := e.store.Orders(context.Background(), time.Time{}, func(p []core.StoreOrder) error {
				got = append(got, p...)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			gotO := map[string]core.StoreOrder{}
			for id, o := range latest(got) {
				o.UpdatedAt = time.Time{}
				gotO[id] = o
			}
			if !reflect.DeepEqual(gotO, want) {
				t.Errorf("%d orders, want %d as by pages", len(gotO), len(want))
			}
			var statuses []string
			for _, op := range e.srv.BulkOperations() {
				statuses = append(statuses, op.Status)
			}
			if !reflect.DeepEqual(statuses, tc.statuses) {
				t.Errorf("operations %v, want %v", statuses, tc.statuses)
			}
			if paged := e.srv.Stats().ByRootField["orders"] > 0; paged != tc.paged {
				t.Errorf("orders read by pages: %v, want %v", paged, tc.paged)
			}
		})
	}
}

// TestBulkFaults: a bulk read that fails, a cut download, an expired address and a storage host
// that errs: each is logged, and the read ends with what pages give (resumed, or by pages).
func TestBulkFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults []shopifytest.Fault
		log    string // what the log must say
		paged  bool   // the read fell back to pages
		files  int    // downloads made
	}{
		{name: "operation fails", faults: []shopifytest.Fault{{Kind: shopifytest.FaultBulkFails, Match: "bulkOperationRunQuery", ErrorCode: "TIMEOUT"}},
			log: "ended failed (TIMEOUT)", paged: true, files: 2},
		{name: "download cut short", faults: []shopifytest.Fault{{Kind: shopifytest.FaultTruncated, Match: shopifytest.MatchBulkDownload}},
			log: "body cut short", files: 4},
		{name: "address expired", faults: []shopifytest.Fault{{Kind: shopifytest.FaultURLExpired, Match: shopifytest.MatchBulkDownload}},
			log: "it may have expired", paged: true, files: 3},
		{name: "storage errs", faults: []shopifytest.Fault{{Kind: shopifytest.FaultHTTP503, Match: shopifytest.MatchBulkDownload, Times: 2}},
			log: "Service Unavailable", files: 5},
		{name: "storage drops the connection", faults: []shopifytest.Fault{{Kind: shopifytest.FaultReset, Match: shopifytest.MatchBulkDownload}},
			files: 4}, // net/http sends a GET again by itself on a dropped kept-alive connection
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{seed: bulkSeed, bulk: true})
			wantP, wantO := readSets(e, pagedStore(e), time.Time{})
			e.srv.InjectFaults(tc.faults...)
			e.srv.ResetStats()
			gotP, gotO := readSets(e, e.store, time.Time{})
			compareSets(t, tc.name, gotP, wantP, gotO, wantO)
			s := e.srv.Stats()
			if n := e.srv.PendingFaults(); n > 0 {
				t.Errorf("%d faults never fired", n)
			}
			if !strings.Contains(e.logs.String(), tc.log) {
				t.Errorf("the log does not say %q:\n%s", tc.log, e.logs.String())
			}
			if paged := s.ByRootField["orders"]+s.ByRootField["products"] > 0; paged != tc.paged {
				t.Errorf("fell back to pages: %v, want %v", paged, tc.paged)
			}
			if s.BulkDownloads != tc.files {
				t.Errorf("%d downloads, want %d", s.BulkDownloads, tc.files)
			}
		})
	}
}

// books imports the test store into new books through the engine with the given options and
// exports them as JSON: invoices with lines, charges and returns, products, stock, movements and
// clients.
func (e *env) books(options map[string]string) []byte {
	e.t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, e.t.TempDir(), storage.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	p := Platform()
	p.Open = func(cfg core.StoreConfig) (core.Store, error) {
		return New(cfg, Options{Now: e.clock.Now, Sleep: e.sleep})
	}
	eng := core.New(db, core.NewMemorySecrets(), core.NewPlatforms(p), core.Options{Now: e.clock.Now, HTTPClient: e.hs.Client(),
		Log: slog.New(slog.NewTextHandler(e.logs, nil))})
	conn, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "Shop", Platform: "shopify", StoreURL: e.hs.URL,
		Credentials: map[string]string{CredAccessToken: testToken}, Options: options})
	if err != nil {
		e.t.Fatal(err)
	}
	sum, err := eng.SyncNow(ctx, conn.ID, core.SyncRequest{})
	if err != nil {
		e.t.Fatal(err)
	}
	if sum.Counts.Errors > 0 || sum.Counts.Invoices == 0 || sum.Counts.Returns == 0 {
		e.t.Fatalf("import: %+v", sum.Counts)
	}
	var out bytes.Buffer
	add := func(name string, v any, err error) {
		if err != nil {
			e.t.Fatalf("%s: %v", name, err)
		}
		b, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			e.t.Fatal(err)
		}
		out.WriteString(name + "\n")
		out.Write(b)
		out.WriteString("\n")
	}
	inv, err := db.FullInvoices(ctx, storage.InvoiceFilter{})
	add("invoices", inv, err)
	products, err := db.Products(ctx)
	add("products", products, err)
	stock, err := db.Stock(ctx)
	add("stock", stock, err)
	moves, err := db.AllMovements(ctx)
	add("movements", moves, err)
	clients, err := db.Clients(ctx)
	add("clients", clients, err)
	// The books stamp their own records with the computer's clock: those stamps are left out.
	today := []byte(`": "` + time.Now().UTC().Format("2006-01-02"))
	var kept bytes.Buffer
	for _, line := range bytes.SplitAfter(out.Bytes(), []byte("\n")) {
		if !bytes.Contains(line, today) {
			kept.Write(line)
		}
	}
	return kept.Bytes()
}

// TestBulkBooksMatchPages: the first import by bulk operation and by pages make the same books
// from the same store: invoices with their lines, charges, discounts, taxes and returns,
// products, stock and its movements, clients. From API 2026-01 the orders' and refunds'
// operations are begun when the sync starts, before the products' and the stock's, and run
// while those are read and posted; before it, one runs after the other.
func TestBulkBooksMatchPages(t *testing.T) {
	for _, tc := range []struct {
		version string
		order   []string // the operations, oldest first
	}{
		{"2025-10", []string{"BulkProducts", "BulkStock", "BulkRefunds", "BulkOrders"}},
		{DefaultAPIVersion, []string{"BulkRefunds", "BulkOrders", "BulkProducts", "BulkStock"}},
	} {
		t.Run(tc.version, func(t *testing.T) {
			e := newEnv(t, envConfig{seed: bulkSeed, bulk: true})
			paged := e.books(map[string]string{OptBulkThreshold: "off", OptAPIVersion: tc.version})
			e.srv.ResetStats()
			bulk := e.books(map[string]string{OptAPIVersion: tc.version})
			// (the shop's document names the location too: a stock page is a location request alone)
			if s := e.srv.Stats(); s.ByRootField["bulkOperationRunQuery"] != 4 || s.CostByRootField["location"] != 0 || s.ByRootField["nodes"] != 0 {
				t.Fatalf("requests %v, want 4 bulk operations (products, stock, refunds, orders) and no stock or refunds by pages", s.ByRootField)
			}
			var order []string
			for _, op := range e.srv.BulkOperations() {
				order = append(order, operationOf(op.Query))
			}
			if !reflect.DeepEqual(order, tc.order) {
				t.Errorf("operations %v, want %v", order, tc.order)
			}
			if !bytes.Equal(paged, bulk) {
				a, b := strings.Split(string(paged), "\n"), strings.Split(string(bulk), "\n")
				for i := 0; i < min(len(a), len(b)); i++ {
					if a[i] != b[i] {
						t.Errorf("the books differ at line %d:\n pages: %s\n  bulk: %s", i+1, a[i], b[i])
						break
					}
				}
				t.Errorf("the books differ (%d and %d lines)", len(a), len(b))
			}
			t.Logf("%d bytes of books compared", len(paged))
		})
	}
}

// TestBulkRefunds: the refunds' lines come by a bulk operation of their own, before the orders';
// when it fails, or for a refund made after it ran, they are read in batches; either way the
// orders are what pages give.
func TestBulkRefunds(t *testing.T) {
	tests := []struct {
		name    string
		fault   func(e *env) shopifytest.Fault
		batches bool   // refund lines were read in batches (nodes)
		log     string // what the log must say
	}{
		{name: "by bulk operation"},
		{name: "the operation fails", fault: func(*env) shopifytest.Fault {
			return shopifytest.Fault{Kind: shopifytest.FaultBulkFails, Match: "bulkOperationRunQuery", ErrorCode: "TIMEOUT"}
		}, batches: true, log: "reading them in batches"},
		{name: "a refund made after it ran", fault: func(e *env) shopifytest.Fault {
			return shopifytest.Fault{Kind: shopifytest.FaultOrderChangesBetweenPages, Hook: func(s *shopifytest.Server, ids []int64) {
				for _, id := range ids {
					o, _ := s.Order(id)
					if len(o.Refunds) > 0 || o.CancelledAt != nil || len(o.Lines) == 0 || o.Lines[0].Quantity < 1 {
						continue
					}
					if _, err := s.RefundOrder(id, shopifytest.RefundInput{Lines: []shopifytest.RefundLine{{LineItemID: o.Lines[0].ID, Quantity: 1}},
						FullShipping: true, Note: "after the refunds' read"}); err != nil {
						e.t.Errorf("refund: %v", err)
					}
					return
				}
				e.t.Error("no order to refund")
			}}
		}, batches: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{seed: bulkSeed, bulk: true})
			if tc.fault != nil {
				e.srv.InjectFaults(tc.fault(e))
			}
			e.srv.ResetStats()
			got := map[string]core.StoreOrder{}
			for id, o := range latest(e.orders(e.store, time.Time{})) {
				o.UpdatedAt = time.Time{}
				got[id] = o
			}
			s := e.srv.Stats()
			_, want := readSets(e, pagedStore(e), time.Time{})
			compareSets(t, tc.name, map[string]core.StoreProduct{"": {}}, map[string]core.StoreProduct{"": {}}, got, want)
			if n := e.srv.PendingFaults(); n > 0 {
				t.Errorf("%d faults never fired", n)
			}
			if batches := s.ByRootField["nodes"] > 0; batches != tc.batches {
				t.Errorf("refund lines read in batches: %v, want %v (%v)", batches, tc.batches, s.ByRootField)
			}
			if s.ByRootField["orders"] > 0 {
				t.Errorf("orders read by pages: %v", s.ByRootField)
			}
			if !strings.Contains(e.logs.String(), tc.log) {
				t.Errorf("the log does not say %q:\n%s", tc.log, e.logs.String())
			}
		})
	}
}

// TestBulkStock: a read of all the stock is one bulk operation giving what pages give, each
// level dated when the operation was created; a failed operation falls back to pages, and a read
// of what changed since a time pages.
func TestBulkStock(t *testing.T) {
	read := func(e *env, st *Store, since time.Time) (map[string]core.StockLevel, []time.Time) {
		levels := map[string]core.StockLevel{}
		var at []time.Time
		if err := st.Stock(context.Background(), since, func(p core.StockPage) error {
			at = append(at, p.ReadAt)
			for _, l := range p.Levels {
				levels[l.ExternalID] = l
			}
			return nil
		}); err != nil {
			e.t.Fatal(err)
		}
		return levels, at
	}
	tests := []struct {
		name  string
		since time.Time
		fault *shopifytest.Fault
		bulk  bool // read by a bulk operation
	}{
		{name: "all by bulk operation", bulk: true},
		{name: "the operation fails", fault: &shopifytest.Fault{Kind: shopifytest.FaultBulkFails, Match: "bulkOperationRunQuery"}},
		{name: "changed since a time", since: t0.Add(-400 * 24 * time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envConfig{seed: bulkSeed, bulk: true})
			want, _ := read(e, pagedStore(e), tc.since)
			if len(want) == 0 {
				t.Fatal("no stock to compare")
			}
			if tc.fault != nil {
				e.srv.InjectFaults(*tc.fault)
			}
			e.srv.ResetStats()
			start := e.srv.Now()
			got, at := read(e, e.store, tc.since)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%d levels, %d by pages", len(got), len(want))
			}
			s := e.srv.Stats()
			if bulk := s.ByRootField["bulkOperationRunQuery"] > 0 && s.CostByRootField["location"] == 0; bulk != tc.bulk {
				t.Errorf("read by a bulk operation: %v, want %v (%v)", bulk, tc.bulk, s.ByRootField)
			}
			if ops := e.srv.BulkOperations(); tc.bulk && (len(ops) != 1 || len(at) == 0 || at[0].Before(start) || !at[0].Before(start.Add(2*time.Second))) {
				t.Errorf("pages read at %v, want when the operation was created (%v); operations %v", at, start, ops)
			}
		})
	}
}

// TestReadBulkRefunds: the refunds' JSONL gives each refund its lines and shipping lines, whether
// their __parentId names the agreement they were read under or the refund itself; other
// agreements are passed over; a line whose agreement did not come before, or that cannot be
// read, makes the read fail (and the lines be read in batches).
func TestReadBulkRefunds(t *testing.T) {
	const (
		order = `{"id":"gid://shopify/Order/1"}` + "\n" +
			`{"__typename":"OrderAgreement","id":"gid://shopify/SalesAgreement/1","__parentId":"gid://shopify/Order/1"}` + "\n" +
			`{"__typename":"RefundAgreement","id":"gid://shopify/SalesAgreement/9","refund":{"id":"gid://shopify/Refund/9"},"__parentId":"gid://shopify/Order/1"}` + "\n"
		line     = `{"__typename":"RefundLineItem","quantity":2,"restockType":"RETURN","restocked":true,"lineItem":{"id":"gid://shopify/LineItem/5"},"subtotalSet":{"shopMoney":{"amount":"20.00"}},"totalTaxSet":{"shopMoney":{"amount":"3.00"}},"__parentId":"%s"}` + "\n"
		shipping = `{"__typename":"RefundShippingLine","subtotalAmountSet":{"shopMoney":{"amount":"10.00"}},"taxAmountSet":{"shopMoney":{"amount":"1.50"}},"__parentId":"%s"}` + "\n"
	)
	tests := []struct {
		name, jsonl string
		lines, ship int    // of refund 9
		fails       string // the error, if the read fails
	}{
		{name: "under the agreement", jsonl: order + fmt.Sprintf(line, "gid://shopify/SalesAgreement/9") + fmt.Sprintf(shipping, "gid://shopify/SalesAgreement/9"), lines: 1, ship: 1},
		{name: "under the refund", jsonl: order + fmt.Sprintf(line, "gid://shopify/Refund/9") + fmt.Sprintf(line, "gid://shopify/Refund/9"), lines: 2},
		{name: "no lines", jsonl: order},
		{name: "an agreement not before its lines", jsonl: fmt.Sprintf(line, "gid://shopify/SalesAgreement/9") + order, fails: "whose agreement is not before it"},
		{name: "a line cut short", jsonl: order + `{"__typename":"RefundLineItem","quantity":`, fails: "ends in the middle of a line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readBulkRefunds(strings.NewReader(tc.jsonl))
			if tc.fails != "" {
				if !errors.Is(err, errBulkUnavailable) || !strings.Contains(err.Error(), tc.fails) {
					t.Fatalf("error %v, want one saying %q", err, tc.fails)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := got["gid://shopify/Refund/9"]
			if len(got) != 1 || p == nil || len(p.lines) != tc.lines || len(p.shipping) != tc.ship {
				t.Fatalf("refunds %v, want refund 9 with %d lines and %d shipping lines", got, tc.lines, tc.ship)
			}
			if tc.lines > 0 {
				l := p.lines[0]
				if l.Quantity.String() != "2" || l.RestockType != "RETURN" || !l.Restocked || l.LineItem.ID != "gid://shopify/LineItem/5" ||
					l.SubtotalSet.amount().String() != "20" || l.TotalTaxSet.amount().String() != "3" {
					t.Errorf("line %+v", l)
				}
			}
			if tc.ship > 0 && (p.shipping[0].SubtotalAmountSet.amount().String() != "10" || p.shipping[0].TaxAmountSet.amount().String() != "1.5") {
				t.Errorf("shipping %+v", p.shipping[0])
			}
		})
	}
}

// TestBulkPollOvershoot: an operation's end is seen soon after it comes, by the store's clock:
// within 4 s, or 1/16 of a long operation's running time, whatever its length.
func TestBulkPollOvershoot(t *testing.T) {
	for _, rate := range []float64{500, 20, 2, 0.5} {
		t.Run(fmt.Sprintf("%v objects a second", rate), func(t *testing.T) {
			e := newEnv(t, envConfig{seed: bulkSeed, bulk: true,
				server: shopifytest.Options{Bulk: shopifytest.BulkOptions{ObjectsPerSecond: rate}}})
			start := e.clock.Now()
			if len(e.products(e.store, time.Time{})) == 0 {
				t.Fatal("no products")
			}
			ops := e.srv.BulkOperations()
			if len(ops) != 1 || ops[0].Status != "COMPLETED" {
				t.Fatalf("operations %v, want one completed", ops)
			}
			// CREATED for 2 s, then running at the configured pace
			running := 2*time.Second + time.Duration(float64(ops[0].Objects)/rate*float64(time.Second))
			waited := e.clock.Now().Sub(start)
			over := waited - running
			if over < 0 || over > max(4*time.Second, running/16) {
				t.Errorf("waited %v for an operation that ran %v: %v past its end", waited, running, over)
			}
			t.Logf("ran %v, waited %v", running, waited)
		})
	}
}

func TestBulkPollNext(t *testing.T) {
	tests := []struct{ last, waited, want time.Duration }{
		{time.Second, time.Second, 2 * time.Second},
		{2 * time.Second, 3 * time.Second, 4 * time.Second},
		{4 * time.Second, 7 * time.Second, 4 * time.Second},
		{4 * time.Second, 60 * time.Second, 4 * time.Second},
		{4 * time.Second, 160 * time.Second, 8 * time.Second},
		{8 * time.Second, 800 * time.Second, 16 * time.Second},
		{16 * time.Second, 800 * time.Second, 32 * time.Second},
		{32 * time.Second, 800 * time.Second, 50 * time.Second},
	}
	for _, tc := range tests {
		if got := bulkPollNext(tc.last, tc.waited); got != tc.want {
			t.Errorf("after %v (%v in all): %v, want %v", tc.last, tc.waited, got, tc.want)
		}
	}
}

// TestBulkReadsTogether: from API 2026-01 the refunds' and the orders' operations run at once,
// so a read of every order waits for the longer of the two, not for both one after the other
// (as before 2026-01, when one runs at a time); the orders come the same either way.
func TestBulkReadsTogether(t *testing.T) {
	const rate = 20 // objects a second
	for _, tc := range []struct {
		version  string
		together bool
	}{{"2025-10", false}, {DefaultAPIVersion, true}} {
		t.Run(tc.version, func(t *testing.T) {
			e := newEnv(t, envConfig{seed: bulkSeed, bulk: true, options: map[string]string{OptAPIVersion: tc.version},
				server: shopifytest.Options{Bulk: shopifytest.BulkOptions{ObjectsPerSecond: rate}}})
			_, want := readSets(e, pagedStore(e), time.Time{})
			start := e.clock.Now()
			got := map[string]core.StoreOrder{}
			for id, o := range latest(e.orders(e.store, time.Time{})) {
				o.UpdatedAt = time.Time{}
				got[id] = o
			}
			waited := e.clock.Now().Sub(start)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%d orders, want %d as by pages", len(got), len(want))
			}
			var runs []time.Duration
			for _, op := range e.srv.BulkOperations() {
				runs = append(runs, 2*time.Second+time.Duration(float64(op.Objects)/rate*float64(time.Second)))
			}
			if len(runs) != 2 {
				t.Fatalf("%d operations, want the refunds' and the orders'", len(runs))
			}
			longer, both := max(runs[0], runs[1]), runs[0]+runs[1]
			if tc.together && (waited < longer || waited > longer+4*time.Second) {
				t.Errorf("waited %v for operations of %v: want the longer one's time", waited, runs)
			}
			if !tc.together && waited < both {
				t.Errorf("waited %v for operations of %v, one at a time: want both", waited, runs)
			}
			t.Logf("operations ran %v; the read waited %v", runs, waited)
		})
	}
}
