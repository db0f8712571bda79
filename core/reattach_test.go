package core_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/storage"
)

// invoiceCounts is the number of invoices per store order (sales and returns alike).
func (e *env) invoiceCounts() map[string]int {
	e.t.Helper()
	invs, err := e.db.FullInvoices(ctx, storage.InvoiceFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]int{}
	for _, inv := range invs {
		out[string(inv.Type)+" "+inv.Source.OrderName]++
	}
	return out
}

// storeWrites counts the calls that change the store.
func storeWrites(st *memstore.Store) int {
	c := st.Calls()
	return c["AdjustStock"] + c["UpdateProduct"] + c["CreateProduct"]
}

func TestReaddingAStoreReattachesItsHistory(t *testing.T) {
	for _, again := range []string{"Test shop", "The same shop again"} {
		t.Run(again, func(t *testing.T) {
			e := newEnv(t)
			small, large, tea := e.catalogue()
			e.store.PlaceOrder(orderOf(nil, "", nil, line(tea, "2")))
			e.store.PlaceOrder(orderOf(nil, "10.00", nil, line(small, "1"), line(large, "1")))
			e.sync()
			first := e.invoiceCounts()
			stockBefore := map[string]string{"COF-250": e.qty("COF-250"), "COF-1000": e.qty("COF-1000"), "TEA-100": e.qty("TEA-100")}
			writes, moves := storeWrites(e.store), e.count("stock_movements")

			if err := e.eng.RemoveConnection(ctx, e.conn.ID); err != nil {
				t.Fatal(err)
			}
			if cs, _ := e.eng.Connections(ctx); len(cs) != 0 {
				t.Fatalf("a removed connection is still listed: %+v", cs)
			}
			c, err := e.eng.AddConnection(ctx, core.ConnectionInput{Name: again, Platform: "memory", StoreURL: "https://shop.example",
				Credentials: map[string]string{"token": "tok_secret_456"}})
			if err != nil {
				t.Fatal(err)
			}
			if !c.Reattached || c.PreviousName != "Test shop" || c.ID != e.conn.ID {
				t.Errorf("re-added: reattached %v, previous name %q, id %d (was %d)", c.Reattached, c.PreviousName, c.ID, e.conn.ID)
			}
			e.conn = c
			sum := e.sync()
			if got := e.invoiceCounts(); fmt.Sprint(got) != fmt.Sprint(first) {
				t.Errorf("invoices after re-adding: %v, before: %v", got, first)
			}
			for code, want := range stockBefore {
				if got := e.qty(code); got != want {
					t.Errorf("%s: %s in the books after re-adding, %s before", code, got, want)
				}
			}
			if n := e.count("stock_movements"); n != moves {
				t.Errorf("%d stock movements after re-adding, %d before", n, moves)
			}
			if n := storeWrites(e.store); n != writes {
				t.Errorf("re-adding wrote to the store %d times", n-writes)
			}
			if sum.Counts.Invoices+sum.Counts.ProductsCreated+sum.Counts.StockPushed+sum.Counts.Adjustments > 0 {
				t.Errorf("the sync after re-adding did something: %+v", sum.Counts)
			}

			// What the store did while it was away comes in once.
			e.store.PlaceOrder(orderOf(nil, "", nil, line(tea, "1")))
			e.sync()
			var sales int
			for k, n := range e.invoiceCounts() {
				if n != 1 {
					t.Errorf("%s: %d invoices", k, n)
				}
				sales++
			}
			if sales != 3 {
				t.Errorf("%d invoices for 3 orders", sales)
			}
		})
	}
}

func TestASecondLiveConnectionToAStoreIsRefused(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	e.sync()
	for _, url := range []string{"https://shop.example", "https://another-address.example"} {
		_, err := e.eng.AddConnection(ctx, core.ConnectionInput{Name: "Second", Platform: "memory", StoreURL: url,
			Credentials: map[string]string{"token": "tok_secret_456"}})
		if err == nil || !strings.Contains(err.Error(), `already connected as "Test shop"`) {
			t.Errorf("%s: a second connection to the store: %v", url, err)
		}
	}
	if cs, _ := e.eng.Connections(ctx); len(cs) != 1 {
		t.Errorf("%d connections", len(cs))
	}
}

// routed is a platform whose stores are reached by address; an address can be pointed at
// another store, as a domain moved to another shop would be.
type routed struct {
	mu     sync.Mutex
	stores map[string]*memstore.Store
}

func (r *routed) point(url string, st *memstore.Store) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stores[url] = st
}

func (r *routed) platform() core.Platform {
	p := memstore.Platform(nil)
	p.Open = func(cfg core.StoreConfig) (core.Store, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		st, ok := r.stores[cfg.StoreURL]
		if !ok {
			return nil, fmt.Errorf("no store at this address")
		}
		return st, nil
	}
	return p
}

func routedEnv(t *testing.T) (*core.Engine, *storage.DB, *routed, *memstore.Store, *memstore.Store) {
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	db, err := storage.Open(ctx, t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a, b := memstore.New(c.Now), memstore.New(c.Now)
	r := &routed{stores: map[string]*memstore.Store{"https://a.example": a, "https://b.example": b}}
	eng := core.New(db, core.NewMemorySecrets(), core.NewPlatforms(r.platform()), core.Options{Now: c.Now})
	return eng, db, r, a, b
}

func TestAConnectionThatReachesAnotherStoreIsRefused(t *testing.T) {
	eng, db, r, a, b := routedEnv(t)
	b.AddProduct(core.StoreProduct{Name: "Other shop's tea", SKU: "B-TEA", SalePrice: d("9"), Quantity: d("3"), TracksStock: true})
	token := map[string]string{"token": "tok"}
	c, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "A", Platform: "memory", StoreURL: "https://a.example", Credentials: token})
	if err != nil {
		t.Fatal(err)
	}
	if c.StoreID != a.ID {
		t.Fatalf("store id %q, want %q", c.StoreID, a.ID)
	}
	if _, err := eng.SyncNow(ctx, c.ID, core.SyncRequest{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(in *core.ConnectionInput)
	}{
		{"another address", func(in *core.ConnectionInput) { in.StoreURL = "https://b.example" }},
		{"the same address, another store behind it", func(in *core.ConnectionInput) {
			r.point("https://a.example", b)
			in.Credentials = map[string]string{"token": "tok-2"}
		}},
	}
	for _, tc := range tests {
		in := core.ConnectionInput{Name: "A", Platform: "memory", StoreURL: c.StoreURL}
		tc.edit(&in)
		if _, err := eng.UpdateConnection(ctx, c.ID, in); err == nil || !strings.Contains(err.Error(), "another store") {
			t.Errorf("%s: edit: %v", tc.name, err)
		}
		if got, _ := eng.Connection(ctx, c.ID); got.StoreURL != "https://a.example" || got.StoreID != a.ID {
			t.Errorf("%s: the refused edit was saved: %+v", tc.name, got)
		}
	}
	// The address now reaches store B: a test says so, and a sync refuses it and brings nothing
	// of B's in.
	if _, err := eng.TestConnection(ctx, c.ID); err == nil || !strings.Contains(err.Error(), "another store") {
		t.Errorf("testing a connection that reaches another store: %v", err)
	}
	_, err = eng.SyncNow(ctx, c.ID, core.SyncRequest{})
	if err == nil || !strings.Contains(err.Error(), "another store") {
		t.Errorf("sync against another store: %v", err)
	}
	if err := db.View(ctx, func(tx *storage.Tx) error { _, err := tx.ProductByCode("B-TEA"); return err }); err == nil {
		t.Errorf("the other store's product reached the books")
	}
	// Settings alone are edited without asking the store.
	r.point("https://a.example", a)
	calls := a.Calls()["Info"]
	if _, err := eng.UpdateConnection(ctx, c.ID, core.ConnectionInput{Name: "A renamed", Platform: "memory", StoreURL: "https://a.example"}); err != nil {
		t.Fatal(err)
	}
	if a.Calls()["Info"] != calls {
		t.Errorf("a settings edit asked the store who it is")
	}
}

func TestConnectionsFromBeforeStoreIDs(t *testing.T) {
	eng, db, r, a, _ := routedEnv(t)
	token := map[string]string{"token": "tok"}
	old, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "Old", Platform: "memory", StoreURL: "https://a.example", Credentials: token})
	if err != nil {
		t.Fatal(err)
	}
	other, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "Other", Platform: "memory", StoreURL: "https://b.example", Credentials: token})
	if err != nil {
		t.Fatal(err)
	}
	// Both as books made before stores said who they are; then b.example comes to reach store A.
	if _, err := db.SQL().Exec(`UPDATE connections SET store_id = ''`); err != nil {
		t.Fatal(err)
	}
	r.point("https://b.example", a)
	if _, err := eng.SyncNow(ctx, old.ID, core.SyncRequest{}); err != nil {
		t.Fatal(err)
	}
	if c, _ := eng.Connection(ctx, old.ID); c.StoreID != a.ID {
		t.Errorf("the first sync recorded store id %q, want %q", c.StoreID, a.ID)
	}
	_, err = eng.SyncNow(ctx, other.ID, core.SyncRequest{})
	if err == nil || !strings.Contains(err.Error(), `same store as the connection "Old"`) {
		t.Errorf("a second connection's first sync to the same store: %v", err)
	}
	if c, _ := eng.Connection(ctx, other.ID); c.StoreID != "" {
		t.Errorf("the refused connection recorded store id %q", c.StoreID)
	}
}

func TestAddingAnUnreachableStoreSaysSo(t *testing.T) {
	eng, _, _, a, _ := routedEnv(t)
	a.FailNext("Info", fmt.Errorf("dial: connection refused: %w", core.ErrUnreachable))
	_, err := eng.AddConnection(ctx, core.ConnectionInput{Name: "A", Platform: "memory", StoreURL: "https://a.example",
		Credentials: map[string]string{"token": "tok"}})
	if err == nil || !strings.Contains(err.Error(), "could not be asked which store it is") || !errors.Is(err, core.ErrUnreachable) {
		t.Errorf("unreachable store: %v", err)
	}
	a.FailNext("Info", &core.StoreError{Op: "read the shop", Status: 401, Message: "Invalid API key", Err: core.ErrUnauthorized})
	_, err = eng.AddConnection(ctx, core.ConnectionInput{Name: "A", Platform: "memory", StoreURL: "https://a.example",
		Credentials: map[string]string{"token": "tok"}})
	if err == nil || !strings.Contains(err.Error(), "refused the credentials") {
		t.Errorf("refused credentials: %v", err)
	}
	if cs, _ := eng.Connections(ctx); len(cs) != 0 {
		t.Errorf("a store that did not answer was connected: %+v", cs)
	}
}
