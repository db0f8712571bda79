package core_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"mizan/core"
	"mizan/storage"
)

// state is what a sync leaves behind, on both sides: every local product with its values and
// quantity, every invoice's number and total, and every store variant's values.
func (e *env) state() string {
	e.t.Helper()
	var out []string
	products, err := e.db.Products(ctx)
	must(e.t, err)
	for _, p := range products {
		out = append(out, fmt.Sprintf("books %s|%s|%s|cost %s|price %s|qty %s", p.Code, p.Name, p.Category, p.PurchasePrice, p.SalePrice, e.qty(p.Code)))
		if sp, ok := e.store.ProductBySKU(p.Code); ok {
			out = append(out, fmt.Sprintf("store %s|%s|%s|cost %s|price %s|qty %s", sp.SKU, sp.Name, sp.Category, sp.PurchasePrice, sp.SalePrice, sp.Quantity))
		}
	}
	invs, err := e.db.FullInvoices(ctx, storage.InvoiceFilter{})
	must(e.t, err)
	for _, inv := range invs {
		out = append(out, fmt.Sprintf("invoice %s %s %s %s", inv.Type, inv.Source.OrderName, inv.Total, inv.Client.Name))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// A products read that fails for a whole run (an error the store's client does not retry, or
// still fails after its retries) must not let the orders phase treat the catalogue as missing:
// the orders wait, and the next run ends where a clean one does, costs above all.
func TestProductsReadFailureDoesNotPoisonOrders(t *testing.T) {
	run := func(t *testing.T, fail bool) (*env, []core.RunSummary) {
		e := newEnv(t)
		small, large, tea := e.catalogue()
		e.store.PlaceOrder(orderOf(nil, "", nil, line(small, "2"), line(tea, "1")))
		e.store.PlaceOrder(orderOf(&core.StoreCustomer{ExternalID: "Customer/9", Name: "Huda", Phone: "0551112222"}, "20.00", nil, line(large, "1")))
		if fail {
			e.store.FailNext("Products", &core.StoreError{Op: "list products", Message: "Internal error. Looks like something went wrong on our end. (INTERNAL_SERVER_ERROR)"})
		}
		var sums []core.RunSummary
		sums = append(sums, e.sync())
		sums = append(sums, e.sync())
		return e, sums
	}
	clean, _ := run(t, false)
	e, sums := run(t, true)
	if n := sums[0].Counts.Invoices + sums[0].Counts.ProductsCreated; n != 0 {
		t.Errorf("the run whose products read failed made %d invoices and products: %+v", n, sums[0].Counts)
	}
	if !e.logHas(core.Error, "was not read in full") {
		t.Error("the log does not say why the orders wait")
	}
	if e.logHas(core.Info, "not in the store's catalogue") {
		t.Error("a product was made from an order line although the catalogue was not read")
	}
	if got, want := e.state(), clean.state(); got != want {
		t.Errorf("after the failed run and one more, the books and store differ from a clean run's:\n got:\n%s\nwant:\n%s", got, want)
	}
	if p, sp := e.product("COF-250"), e.store.Product(e.mustSKU("COF-250").ExternalID); !p.PurchasePrice.Equal(d("18.50")) || !sp.PurchasePrice.Equal(d("18.50")) {
		t.Errorf("cost: books %s, store %s; want the store's 18.50 on both", p.PurchasePrice, sp.PurchasePrice)
	}
	if n := e.count("sync_retries"); n != 0 {
		t.Errorf("%d retries left after the second run", n)
	}
}

// A product the books had to make from an order line (the store's catalogue did not have it
// when read) holds guesses: no cost, the line's price. When the store's product is read later,
// its values replace the guesses; the guesses are never pushed over them.
func TestProductFromOrderLineTakesTheStoresValues(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	ghost := core.StoreProduct{ExternalID: "Variant/late", ProductID: "Product/late", SKU: "LATE-1", Name: "Saffron 5g",
		SalePrice: d("30.00")}
	e.store.PlaceOrder(orderOf(nil, "", nil, line(ghost, "1")))
	if sum := e.sync(); sum.Counts.Invoices != 1 {
		t.Fatalf("first sync: %+v\n%s", sum.Counts, sum.Message)
	}
	if p := e.product("LATE-1"); !p.PurchasePrice.IsZero() {
		t.Fatalf("made from a line with cost %s", p.PurchasePrice)
	}
	// The store's product turns up (it was hidden from the catalogue, or made just after the read).
	e.store.AddProduct(core.StoreProduct{ExternalID: "Variant/late", ProductID: "Product/late", SKU: "LATE-1", Name: "زعفران — Saffron 5g",
		Category: "Spices", SalePrice: d("32.00"), PurchasePrice: d("21.40"), HasCost: true, Quantity: d("9"), TracksStock: true})
	before := e.store.Calls()["UpdateProduct"]
	e.sync()
	sp := e.store.Product("Variant/late")
	if !sp.PurchasePrice.Equal(d("21.40")) || !sp.SalePrice.Equal(d("32.00")) || sp.Name != "زعفران — Saffron 5g" {
		t.Errorf("the books' guesses were pushed over the store's values: %+v", sp)
	}
	if n := e.store.Calls()["UpdateProduct"] - before; n != 0 {
		t.Errorf("%d product updates sent to the store", n)
	}
	p := e.product("LATE-1")
	if !p.PurchasePrice.Equal(d("21.40")) || !p.SalePrice.Equal(d("32.00")) || p.Name != "زعفران — Saffron 5g" || p.Category != "Spices" {
		t.Errorf("the books kept their guesses: %+v", p)
	}
	// From now on the product is an ordinary bound one: the books' cost is the books'.
	must(t, e.db.Update(ctx, func(tx *storage.Tx) error {
		p.PurchasePrice = d("22.00")
		_, err := tx.UpdateProduct(p)
		return err
	}))
	e.sync()
	if sp := e.store.Product("Variant/late"); !sp.PurchasePrice.Equal(d("22.00")) {
		t.Errorf("a cost set in the books later did not reach the store: %s", sp.PurchasePrice)
	}
}

// A books product without a cost met for the first time by a store product with one takes the
// store's cost: an empty value never overwrites a filled one, whoever owns the field.
func TestEmptyBooksCostIsNotPushed(t *testing.T) {
	e := newEnv(t)
	must(t, e.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.CreateProduct(storage.Product{Code: "COF-250", Name: "قهوة عربية - 250g", SalePrice: d("32.00")})
		return err
	}))
	small, _, _ := e.catalogue()
	e.sync()
	if sp := e.store.Product(small.ExternalID); !sp.PurchasePrice.Equal(d("18.50")) {
		t.Errorf("store cost %s after linking a books product with none; want 18.50", sp.PurchasePrice)
	}
	if p := e.product("COF-250"); !p.PurchasePrice.Equal(d("18.50")) {
		t.Errorf("books cost %s; want the store's 18.50", p.PurchasePrice)
	}
}

// A store product the books refuse (a negative price, a SKU another store variant has) is queued
// for retry like any failed item: the next sync reads it again instead of finding "nothing new",
// an order for it waits rather than making it from the order line, Retry in the log syncs it,
// and once fixed in the store it comes in and leaves the queue.
func TestRefusedProductIsRetried(t *testing.T) {
	e := newEnv(t)
	e.catalogue()
	neg := e.store.AddProduct(core.StoreProduct{Name: "Saffron 5g", SKU: "SAF-5", SalePrice: d("-4.00"), Quantity: d("3"), TracksStock: true})
	dup := e.store.AddProduct(core.StoreProduct{Name: "Tea, again", SKU: "TEA-100", SalePrice: d("12.50"), Quantity: d("2"), TracksStock: true})
	e.store.PlaceOrder(orderOf(nil, "", nil, line(core.StoreProduct{ExternalID: neg.ExternalID, SKU: "SAF-5", Name: "Saffron 5g", SalePrice: d("4.00")}, "1")))
	first := e.sync()
	if first.Counts.Errors != 3 || first.Counts.Invoices != 0 {
		t.Fatalf("first sync: %+v", first.Counts)
	}
	retries := func() map[string]int {
		out := map[string]int{}
		rows, err := e.db.SQL().Query(`SELECT kind, external_id, attempts FROM sync_retries`)
		must(t, err)
		defer rows.Close()
		for rows.Next() {
			var kind, id string
			var n int
			must(t, rows.Scan(&kind, &id, &n))
			out[kind+" "+id] = n
		}
		return out
	}
	if r := retries(); r["product "+neg.ExternalID] != 1 || r["product "+dup.ExternalID] != 1 {
		t.Fatalf("retry queue after the first sync: %v", r)
	}
	if e.logHas(core.Info, "not in the store's catalogue") {
		t.Error("the refused product was made from the order line")
	}
	e.clock.Advance(10 * time.Minute)
	second := e.sync()
	if second.Message == "nothing new" || retries()["product "+neg.ExternalID] != 2 {
		t.Fatalf("the next sync did not read the refused products again: %q, %v", second.Message, retries())
	}
	entries, err := e.eng.Log(ctx, core.LogFilter{ConnectionID: e.conn.ID, Level: core.Error, Search: "SAF-5"})
	must(t, err)
	var entry *core.LogEntry
	for i := range entries {
		if entries[i].Kind == "product" {
			entry = &entries[i]
		}
	}
	if entry == nil {
		t.Fatalf("no product error entry names SAF-5: %+v", entries)
	}
	req, ok := core.RetryRequest(*entry)
	if !ok || len(req.OrderNumbers) != 0 {
		t.Fatalf("Retry for %+v: %+v %v", *entry, req, ok)
	}
	e.store.EditProduct(neg.ExternalID, func(p *core.StoreProduct) { p.SalePrice = d("4.00") })
	e.store.EditProduct(dup.ExternalID, func(p *core.StoreProduct) { p.SKU = "TEA-100-B" })
	e.clock.Advance(time.Minute)
	if _, err := e.eng.SyncNow(ctx, e.conn.ID, req); err != nil {
		t.Fatal(err)
	}
	if r := retries(); len(r) != 0 {
		t.Errorf("retries left after the fix: %v", r)
	}
	if p := e.product("SAF-5"); !p.SalePrice.Equal(d("4")) {
		t.Errorf("SAF-5 price %s", p.SalePrice)
	}
	e.product("TEA-100-B")
	if sales, _ := e.invoicesOf("#1001"); len(sales) != 1 {
		t.Errorf("the order for the refused product: %d invoices after the fix", len(sales))
	}
}

// A store that exposed no cost (the books' cost of its products is their own default) and then
// shows one: the store's cost comes into the books and the books' default is not pushed over it.
func TestStoreCostShownLaterIsNotOverwritten(t *testing.T) {
	e := newEnv(t)
	_, large, _ := e.catalogue() // COF-1000: the store exposes no cost
	e.sync()
	if p := e.product("COF-1000"); !p.PurchasePrice.IsZero() {
		t.Fatalf("books cost %s for a store without costs", p.PurchasePrice)
	}
	e.store.EditProduct(large.ExternalID, func(p *core.StoreProduct) { p.HasCost, p.PurchasePrice = true, d("61.00") })
	e.sync()
	if sp := e.store.Product(large.ExternalID); !sp.PurchasePrice.Equal(d("61")) {
		t.Errorf("store cost %s: the books' default was pushed over the store's 61.00", sp.PurchasePrice)
	}
	if p := e.product("COF-1000"); !p.PurchasePrice.Equal(d("61")) {
		t.Errorf("books cost %s, want the store's 61.00", p.PurchasePrice)
	}
}
