package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/core/memstore"
	"mizan/storage"
)

var ctx = context.Background()

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

type env struct {
	t     *testing.T
	clock *clock
	db    *storage.DB
	store *memstore.Store
	eng   *core.Engine
	conn  core.Connection
	logs  *bytes.Buffer // the engine's log (one goroutine: the tests sync on their own)
}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith is newEnv with the memory platform changed by adapt before the engine is made.
func newEnvWith(t *testing.T, adapt func(e *env, p *core.Platform)) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	db, err := storage.Open(ctx, t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := memstore.New(c.Now)
	e := &env{t: t, clock: c, db: db, store: st, logs: &bytes.Buffer{}}
	p := memstore.Platform(st)
	if adapt != nil {
		adapt(e, &p)
	}
	e.eng = core.New(db, core.NewMemorySecrets(), core.NewPlatforms(p), core.Options{Now: c.Now,
		Log: slog.New(slog.NewTextHandler(e.logs, nil))})
	e.conn, err = e.eng.AddConnection(ctx, core.ConnectionInput{Name: "Test shop", Platform: "memory", StoreURL: "https://shop.example",
		Credentials: map[string]string{"token": "tok_secret_123"}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) sync() core.RunSummary {
	e.t.Helper()
	e.clock.Advance(time.Minute)
	sum, err := e.eng.SyncNow(ctx, e.conn.ID, core.SyncRequest{})
	if err != nil {
		e.t.Fatalf("sync: %v", err)
	}
	e.clock.Advance(time.Minute)
	return sum
}

func (e *env) product(code string) storage.Product {
	e.t.Helper()
	var p storage.Product
	if err := e.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		p, err = tx.ProductByCode(code)
		return err
	}); err != nil {
		e.t.Fatalf("product %s: %v", code, err)
	}
	return p
}

func (e *env) qty(code string) string {
	e.t.Helper()
	q, err := e.db.StockLevel(ctx, e.product(code).ID, e.conn.WarehouseID)
	if err != nil {
		e.t.Fatal(err)
	}
	return q.String()
}

func (e *env) count(table string) int {
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) logHas(level core.Level, part string) bool {
	entries, err := e.eng.Log(ctx, core.LogFilter{ConnectionID: e.conn.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, en := range entries {
		if en.Level == level && strings.Contains(en.Message, part) {
			return true
		}
	}
	return false
}

// catalogue puts three products in the store: coffee (Arabic name, 2 variants) and tea.
func (e *env) catalogue() (small, large, tea core.StoreProduct) {
	small = e.store.AddProduct(core.StoreProduct{ProductID: "Product/coffee", Name: "قهوة عربية - 250g", SKU: "COF-250", Barcode: "6281000000017",
		Category: "Coffee", SalePrice: d("32.00"), PurchasePrice: d("18.50"), HasCost: true, Quantity: d("20"), TracksStock: true})
	large = e.store.AddProduct(core.StoreProduct{ProductID: "Product/coffee", Name: "قهوة عربية - 1kg", SKU: "COF-1000",
		Category: "Coffee", SalePrice: d("110.00"), Quantity: d("5"), TracksStock: true})
	tea = e.store.AddProduct(core.StoreProduct{Name: "Green tea", SKU: "TEA-100", SalePrice: d("12.50"), Quantity: d("40"), TracksStock: true})
	return
}

// orderOf builds a tax-inclusive order with consistent money: each line price includes 15% VAT.
func orderOf(customer *core.StoreCustomer, shipping string, discounts []string, lines ...core.StoreLine) core.StoreOrder {
	o := core.StoreOrder{Status: "paid", Currency: "SAR", TaxesIncluded: true, Customer: customer, StockReduced: true}
	total := decimal.Zero
	for i, l := range lines {
		if i < len(discounts) {
			l.Discount = d(discounts[i])
		}
		net := l.Quantity.Mul(l.UnitPrice).Sub(l.Discount)
		l.Tax = net.Mul(d("0.15")).Div(d("1.15")).Round(2)
		total = total.Add(net)
		o.Lines = append(o.Lines, l)
	}
	if shipping != "" {
		amt := d(shipping)
		o.Charges = append(o.Charges, core.StoreCharge{Kind: "shipping", Title: "Aramex", Amount: amt, Tax: amt.Mul(d("0.15")).Div(d("1.15")).Round(2)})
		total = total.Add(amt)
	}
	o.Total = total
	return o
}

func line(p core.StoreProduct, qty string) core.StoreLine {
	return core.StoreLine{ProductID: p.ExternalID, SKU: p.SKU, Name: p.Name, Quantity: d(qty), UnitPrice: p.SalePrice}
}

func TestImportCatalogueOrdersAndReturns(t *testing.T) {
	e := newEnv(t)
	small, large, tea := e.catalogue()
	customer := &core.StoreCustomer{ExternalID: "Customer/1", Name: "محمد العتيبي", Email: "m@example.com", Phone: "0501234567"}
	guest := e.store.PlaceOrder(orderOf(nil, "", nil, line(tea, "2")))
	discounted := e.store.PlaceOrder(orderOf(customer, "25.00", []string{"6.40", "0"}, line(small, "2"), line(large, "1")))
	// The same person, by another phone format, with no store account id in common.
	sameByPhone := e.store.PlaceOrder(orderOf(&core.StoreCustomer{ExternalID: "Customer/2", Name: "Mohammed", Phone: "+966 50 123 4567"}, "", nil, line(tea, "1")))
	sum := e.sync()
	if sum.Outcome != core.OutcomeOK || sum.Counts.Invoices != 3 || sum.Counts.ProductsCreated != 3 || sum.Counts.Clients != 1 {
		t.Fatalf("first sync: %+v %s", sum.Counts, sum.Message)
	}
	// Stock: the books follow the store after the opening count (20 − 2 = 18 coffee, 5 − 1, 40 − 3).
	for code, want := range map[string]string{"COF-250": "18", "COF-1000": "4", "TEA-100": "37"} {
		if got := e.qty(code); got != want {
			t.Errorf("%s: books %s, want %s", code, got, want)
		}
	}
	invs, err := e.db.FullInvoices(ctx, storage.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byOrder := map[string]storage.Invoice{}
	for _, inv := range invs {
		byOrder[inv.Source.OrderName] = inv
	}
	for _, o := range []core.StoreOrder{guest, discounted, sameByPhone} {
		inv := byOrder[o.Name]
		if !inv.Total.Equal(o.Total) {
			t.Errorf("order %s: invoice total %s, store total %s", o.Name, inv.Total, o.Total)
		}
	}
	if byOrder[guest.Name].Client.Name != storage.DefaultClientName {
		t.Errorf("guest order went to %q", byOrder[guest.Name].Client.Name)
	}
	if a, b := byOrder[discounted.Name].ClientID, byOrder[sameByPhone.Name].ClientID; a != b {
		t.Errorf("same phone, two clients: %d and %d", a, b)
	}
	if inv := byOrder[discounted.Name]; inv.Shipping.String() != "25" || inv.Lines[0].Discount.String() != "6.4" || !inv.TaxInclusive {
		t.Errorf("discounted invoice: %+v", inv)
	}

	// Refunds: a partial refund with restock, an amount-only refund, then a cancellation.
	e.store.Refund(discounted.ExternalID, core.StoreRefund{Lines: []core.StoreRefundLine{{LineID: discounted.Lines[0].ExternalID,
		Quantity: d("1"), Subtotal: d("28.80"), Tax: d("3.76"), Restock: true}}, Total: d("28.80")})
	e.store.Refund(guest.ExternalID, core.StoreRefund{Total: d("5.00"), Note: "late delivery"})
	e.store.UpdateOrder(sameByPhone.ExternalID, func(o *core.StoreOrder) { o.Cancelled, o.CancelledAt = true, e.clock.Now() })
	sum = e.sync()
	if sum.Counts.Returns != 3 || sum.Counts.Invoices != 0 || sum.Counts.Errors != 0 {
		t.Fatalf("refund sync: %+v %s", sum.Counts, sum.Message)
	}
	if got := e.qty("COF-250"); got != "19" {
		t.Errorf("coffee after a restocked return: %s, want 19", got)
	}
	if got := e.qty("TEA-100"); got != "37" {
		t.Errorf("tea after an amount-only refund and a non-restocking cancellation: %s, want 37", got)
	}
	returns, err := e.db.Invoices(ctx, storage.InvoiceFilter{Type: storage.ReturnInvoice})
	if err != nil {
		t.Fatal(err)
	}
	totals := map[string]string{}
	for _, r := range returns {
		totals[r.Source.OrderName] = r.Total.String()
	}
	if totals[discounted.Name] != "28.8" || totals[guest.Name] != "5" || totals[sameByPhone.Name] != sameByPhone.Total.String() {
		t.Errorf("return totals: %v", totals)
	}

	// A third sync finds nothing and writes nothing.
	before := [4]int{e.count("invoices"), e.count("stock_movements"), e.count("clients"), e.count("products")}
	calls := e.store.Calls()
	e.clock.Advance(10 * time.Minute)
	sum = e.sync()
	after := [4]int{e.count("invoices"), e.count("stock_movements"), e.count("clients"), e.count("products")}
	if before != after || sum.Message != "nothing new" {
		t.Fatalf("idle sync changed the books: %v → %v (%s)", before, after, sum.Message)
	}
	now := e.store.Calls()
	for _, m := range []string{"UpdateProduct", "CreateProduct", "AdjustStock"} {
		if now[m] != calls[m] {
			t.Errorf("idle sync called %s", m)
		}
	}
}

func TestTotalMismatchPostsNothingAndRetries(t *testing.T) {
	e := newEnv(t)
	_, _, tea := e.catalogue()
	o := orderOf(nil, "", nil, line(tea, "1"))
	o.Total = o.Total.Add(d("0.01"))
	bad := e.store.PlaceOrder(o)
	e.sync()
	if n := e.count("invoices"); n != 0 {
		t.Fatalf("%d invoices from a mismatched order", n)
	}
	if !e.logHas(core.Error, "the store's total is 12.51 SAR (0.01 more)") {
		t.Fatal("the log does not say by how much")
	}
	// Fixed in the store without touching its update time: the retry list brings it back.
	e.store.UpdateOrder(bad.ExternalID, func(o *core.StoreOrder) { o.Total = d("12.50") })
	sum := e.sync()
	if sum.Counts.Invoices != 1 || e.count("sync_retries") != 0 {
		t.Fatalf("retry: %+v, %d retries left", sum.Counts, e.count("sync_retries"))
	}
}

func TestTwoWayProducts(t *testing.T) {
	e := newEnv(t)
	small, _, tea := e.catalogue()
	e.sync()

	// Store edits the name of tea; the books edit coffee's price; both edit the large coffee's name.
	e.store.EditProduct(tea.ExternalID, func(p *core.StoreProduct) { p.Name = "شاي أخضر" })
	coffee := e.product("COF-250")
	must(t, e.db.Update(ctx, func(tx *storage.Tx) error {
		coffee.SalePrice = d("35.00")
		_, err := tx.UpdateProduct(coffee)
		return err
	}))
	large := e.product("COF-1000")
	must(t, e.db.Update(ctx, func(tx *storage.Tx) error {
		large.Name = "Arabic coffee 1kg (books)"
		_, err := tx.UpdateProduct(large)
		return err
	}))
	e.store.EditProduct(e.mustSKU("COF-1000").ExternalID, func(p *core.StoreProduct) { p.Name = "Arabic coffee 1kg (store)" })
	// A product created on each side.
	dates := e.store.AddProduct(core.StoreProduct{Name: "تمر سكري", SKU: "DATES-1", SalePrice: d("45"), Quantity: d("7"), TracksStock: true})
	must(t, e.db.Update(ctx, func(tx *storage.Tx) error {
		p, err := tx.CreateProduct(storage.Product{Code: "HONEY-1", Name: "عسل سدر", SalePrice: d("120")})
		if err != nil {
			return err
		}
		_, err = tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: e.conn.WarehouseID,
			Lines: []storage.RequisitionLine{{ProductID: p.ID, Quantity: d("9")}}})
		return err
	}))
	// A quantity edited by hand in the store, and a local requisition.
	e.store.SetQuantity(small.ExternalID, d("25")) // was 20
	must(t, e.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: e.conn.WarehouseID,
			Lines: []storage.RequisitionLine{{ProductID: e.product("TEA-100").ID, Quantity: d("10")}}})
		return err
	}))
	sum := e.sync()
	if sum.Counts.Errors != 0 {
		t.Fatalf("errors: %s", sum.Message)
	}
	checks := []struct{ what, got, want string }{
		{"tea name in the books", e.product("TEA-100").Name, "شاي أخضر"},
		{"coffee price in the store", e.store.Product(small.ExternalID).SalePrice.String(), "35"},
		{"large coffee name in the books (both changed: books win)", e.product("COF-1000").Name, "Arabic coffee 1kg (books)"},
		{"large coffee name in the store", e.mustSKU("COF-1000").Name, "Arabic coffee 1kg (books)"},
		{"dates imported with the store's quantity", e.qty("DATES-1"), "7"},
		{"honey created in the store", e.mustSKU("HONEY-1").Name, "عسل سدر"},
		{"honey's quantity pushed", e.mustSKU("HONEY-1").Quantity.String(), "9"},
		{"hand edit became an adjustment", e.qty("COF-250"), "25"},
		{"requisition pushed", e.store.Product(tea.ExternalID).Quantity.String(), "50"},
		{"tea in the books", e.qty("TEA-100"), "50"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
	if !e.logHas(core.Warning, "changed on both sides") || !e.logHas(core.Info, "quantity changed by hand in the store (from 20 to 25)") {
		t.Error("the log does not explain the conflict and the hand edit")
	}
	_ = dates
	// No echo: the next sync sees its own writes and does nothing.
	calls := e.store.Calls()
	sum = e.sync()
	if sum.Message != "nothing new" {
		t.Fatalf("echo: %s", sum.Message)
	}
	if n := e.store.Calls(); n["UpdateProduct"] != calls["UpdateProduct"] || n["AdjustStock"] != calls["AdjustStock"] {
		t.Fatal("echo: the idle sync wrote to the store")
	}
}

func (e *env) mustSKU(sku string) core.StoreProduct {
	p, ok := e.store.ProductBySKU(sku)
	if !ok {
		e.t.Fatalf("store has no %s", sku)
	}
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestPendingOrderHoldsStoreStock(t *testing.T) {
	e := newEnv(t)
	_, _, tea := e.catalogue()
	e.sync()
	pending := orderOf(nil, "", nil, line(tea, "4"))
	pending.Status = "pending"
	p := e.store.PlaceOrder(pending)
	sum := e.sync()
	// The store holds 4 for the pending order; the books still have them; nothing is pushed back.
	if got := e.store.Product(tea.ExternalID).Quantity.String(); got != "36" || e.qty("TEA-100") != "40" || sum.Counts.StockPushed != 0 {
		t.Fatalf("store %s, books %s, pushed %d", got, e.qty("TEA-100"), sum.Counts.StockPushed)
	}
	e.store.UpdateOrder(p.ExternalID, func(o *core.StoreOrder) { o.Status = "paid" })
	sum = e.sync()
	if sum.Counts.Invoices != 1 || e.qty("TEA-100") != "36" || sum.Counts.StockPushed != 0 || sum.Counts.Adjustments != 0 {
		t.Fatalf("after payment: %+v, books %s", sum.Counts, e.qty("TEA-100"))
	}
}

func TestStoreFailuresLeaveNothingHalfWritten(t *testing.T) {
	e := newEnv(t)
	_, _, tea := e.catalogue()
	e.store.PlaceOrder(orderOf(nil, "", nil, line(tea, "1")))
	e.store.FailNext("Info", fmt.Errorf("dial: %w", core.ErrUnreachable))
	e.clock.Advance(time.Minute)
	sum, err := e.eng.SyncNow(ctx, e.conn.ID, core.SyncRequest{})
	if !errors.Is(err, core.ErrUnreachable) || sum.Outcome != core.OutcomeFailed {
		t.Fatalf("unreachable store: %v %s", err, sum.Outcome)
	}
	if n := e.count("invoices") + e.count("products"); n != 0 {
		t.Fatalf("a failed run wrote %d rows", n)
	}
	// Orders fail (not fatally): products still come in; stock is not settled; orders next time.
	e.store.FailNext("Orders", errors.New("bad gateway"))
	sum = e.sync()
	if sum.Counts.ProductsCreated != 3 || sum.Counts.Invoices != 0 || !e.logHas(core.Warning, "Stock was not settled") {
		t.Fatalf("orders failing: %+v", sum.Counts)
	}
	sum = e.sync()
	if sum.Counts.Invoices != 1 || e.qty("TEA-100") != "39" {
		t.Fatalf("recovery: %+v, tea %s", sum.Counts, e.qty("TEA-100"))
	}
}

func TestOneSyncPerConnection(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	block := make(chan struct{})
	started := make(chan struct{})
	go func() {
		e.eng.SyncNow(ctx, e.conn.ID, core.SyncRequest{Progress: func(p core.Progress) {
			if p.Phase == "products" {
				select {
				case <-started:
				default:
					close(started)
					<-block
				}
			}
		}})
	}()
	<-started
	if _, err := e.eng.SyncNow(ctx, e.conn.ID, core.SyncRequest{}); !errors.Is(err, core.ErrBusy) {
		t.Fatalf("second sync: %v", err)
	}
	close(block)
}

// TestOrdersWatermark: each run reads only orders changed since the newest one it has seen (less a
// small overlap, whose re-reads change nothing).
func TestOrdersWatermark(t *testing.T) {
	e := newEnv(t)
	_, _, tea := e.catalogue()
	e.store.PlaceOrder(orderOf(nil, "", nil, line(tea, "1")))
	e.sync()
	e.clock.Advance(time.Hour)
	e.store.PlaceOrder(orderOf(nil, "", nil, line(tea, "1")))
	e.sync()
	e.clock.Advance(time.Hour)
	sum := e.sync()
	if sum.Counts.OrdersSeen != 1 || sum.Counts.Invoices != 0 {
		t.Fatalf("third sync saw %d orders (want only the newest, inside the overlap), made %d invoices", sum.Counts.OrdersSeen, sum.Counts.Invoices)
	}
}

// A store that sells on backorder reports stock below zero; the books follow it there (an
// adjustment, not an error) and push nothing back.
func TestStoreStockBelowZero(t *testing.T) {
	e := newEnv(t)
	p := e.store.AddProduct(core.StoreProduct{Name: "Oud oil", SKU: "OUD-12", SalePrice: d("95.00"), Quantity: d("3"), TracksStock: true})
	o := e.store.PlaceOrder(orderOf(nil, "", nil, line(p, "5"))) // oversold: the store now counts −2
	sum := e.sync()
	if sum.Counts.Errors > 0 || sum.Counts.Invoices != 1 {
		t.Fatalf("sync: %+v %s", sum.Counts, sum.Message)
	}
	if got := e.qty("OUD-12"); got != "-2" {
		t.Fatalf("books %s, want -2 as the store counts after order %s", got, o.Name)
	}
	if again := e.sync(); again.Counts.StockPushed+again.Counts.Adjustments+again.Counts.Errors > 0 {
		t.Fatalf("second sync: %+v", again.Counts)
	}
}

// Every run is written to the engine's log with its outcome and counts, whoever started it.
func TestRunsAreLogged(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	e.sync()
	got := e.logs.String()
	for _, want := range []string{"msg=\"sync done\"", "connection=\"Test shop\"", "trigger=manual", "products_created=3", "outcome=ok"} {
		if !strings.Contains(got, want) {
			t.Errorf("the log lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "tok_secret_123") {
		t.Error("the connection's token is in the log")
	}
}
