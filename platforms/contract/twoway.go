package contract

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

// faultStore is the store every fault test starts from.
func faultStore(h Harness) {
	h.Seed(20, 50, 3)
	h.Advance(minute)
}

// testFaults syncs the same store cleanly and under each fault: the books must end the same.
// A fault may cost an item its place in the first run (it is then logged and retried), so each
// set of books syncs twice.
func testFaults(t *testing.T, open func(t *testing.T) Harness, tr *tracker) {
	ch := open(t)
	faultStore(ch)
	clean := tr.connect(t, ch, "", core.ConnectionInput{})
	clean.Sync(core.SyncRequest{})
	ch.Advance(minute)
	clean.Sync(core.SyncRequest{})
	want, wantStore := clean.Dump(), storeDump(clean, ch)
	for _, f := range AllFaults {
		t.Run(string(f), func(t *testing.T) {
			h := open(t)
			faultStore(h)
			b := tr.connect(t, h, "", core.ConnectionInput{})
			h.Fault(f)
			first := b.Sync(core.SyncRequest{})
			h.Advance(minute)
			b.Sync(core.SyncRequest{})
			if got := b.Dump(); got != want {
				t.Errorf("books differ from a clean run:\n%s\nlog:\n%s", diff(want, got), b.errorLog())
			}
			if got := storeDump(b, h); got != wantStore {
				t.Errorf("store differs from a clean run:\n%s", diff(wantStore, got))
			}
			t.Logf("first run under the fault: outcome %s, %d errors, %d warnings", first.Outcome, first.Counts.Errors, first.Counts.Warnings)
			// Each fault is transient: the client's retries absorb it within the run.
			if first.Counts.Errors > 0 || first.Outcome == core.OutcomeFailed {
				t.Errorf("the run under the fault did not absorb it: outcome %s, %d errors\n%s", first.Outcome, first.Counts.Errors, b.errorLog())
			}
		})
	}
}

// testTwoWay edits products on each side and on both, creates one on each side, changes a store
// quantity by hand and posts a local requisition; each must end as the ownership rules say (the
// defaults: name, code, barcode, category, sale price and quantity owned by both sides with the
// books winning a conflict; purchase price owned by the books), and nothing must echo back.
func testTwoWay(t *testing.T, h Harness, tr *tracker) {
	card := h.AddProduct(Product{Title: "هيل أخضر — Green cardamom", Category: "بهارات", Variants: []Variant{
		{SKU: "TW-CARD", Barcode: "6281000009001", Price: dec("30.00"), Cost: dec("12.00"), Quantity: 10}}})[0]
	h.AddProduct(Product{Title: "زعفران — Saffron", Category: "بهارات", Variants: []Variant{
		{SKU: "TW-SAFF", Price: dec("80.00"), Cost: dec("41.00"), Quantity: 5}}})
	rose := h.AddProduct(Product{Title: "Rose water", Category: "Care", Variants: []Variant{
		{SKU: "TW-ROSE", Price: dec("15.00"), Cost: dec("6.00"), Quantity: 20}}})[0]
	h.Advance(minute)
	push := true
	b := tr.connect(t, h, "", core.ConnectionInput{PushProducts: &push})
	if s := b.Sync(core.SyncRequest{}); s.Counts.ProductsCreated != 3 || s.Counts.Errors > 0 {
		t.Fatalf("first sync: %+v\n%s", s.Counts, b.errorLog())
	}
	for code, q := range map[string]string{"TW-CARD": "10", "TW-SAFF": "5", "TW-ROSE": "20"} {
		if got := b.Qty(code); !dec(got).Equal(dec(q)) {
			t.Errorf("%s: %s in the books, %s in the store", code, got, q)
		}
	}
	h.Advance(minute)

	// 1. The store renames the cardamom: the books follow.
	h.Rename(card, "هيل أخضر ممتاز — Premium green cardamom")
	// 2. The books reprice the saffron: the store follows.
	b.edit(t, "TW-SAFF", func(p *storage.Product) { p.SalePrice = dec("85.50") })
	// 3. Both rename the rose water: the books win (the default owner of names is both).
	h.Rename(rose, "Rose water (store)")
	b.edit(t, "TW-ROSE", func(p *storage.Product) { p.Name = "ماء ورد — Rose water" })
	// 4. A product made in the store arrives with its quantity.
	newIDs := h.AddProduct(Product{Title: "Dried lime", Category: "بهارات", Variants: []Variant{
		{SKU: "TW-LIME", Price: dec("9.75"), Cost: dec("3.00"), Quantity: 8}}})
	// 5. A product made in the books (with stock) is created in the store.
	var local storage.Product
	must(t, b.DB.Update(ctx, func(tx *storage.Tx) error {
		var err error
		local, err = tx.CreateProduct(storage.Product{Code: "TW-MINT", Name: "نعناع مجفف — Dried mint", Category: "بهارات",
			PurchasePrice: dec("2.50"), SalePrice: dec("7.25")})
		if err != nil {
			return err
		}
		_, err = tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: b.Conn.WarehouseID, Note: "opening stock",
			Lines: []storage.RequisitionLine{{ProductID: local.ID, Quantity: dec("6")}}})
		return err
	}))
	// 6. Someone counts the cardamom in the store admin and sets 25.
	h.SetQuantity(card, 25)
	// 7. Four saffron arrive at the warehouse: a local inbound requisition.
	b.requisition(t, "TW-SAFF", storage.Inbound, "4")
	h.Advance(minute)

	sum := b.Sync(core.SyncRequest{})
	if sum.Counts.Errors > 0 {
		t.Errorf("sync logged errors:\n%s", b.errorLog())
	}
	checks := []struct {
		what      string
		got, want string
	}{
		{"store rename reaches the books", b.Product("TW-CARD").Name, "هيل أخضر ممتاز — Premium green cardamom"},
		{"books price reaches the store", variantBySKU(t, h, "TW-SAFF").Price.String(), "85.5"},
		{"books price stays", b.Product("TW-SAFF").SalePrice.String(), "85.5"},
		{"conflict: books keep their name", b.Product("TW-ROSE").Name, "ماء ورد — Rose water"},
		{"conflict: store gets the books' name", nameOf(variantBySKU(t, h, "TW-ROSE")), "ماء ورد — Rose water"},
		{"store product arrives", b.Product("TW-LIME").Name, "Dried lime"},
		{"store product's quantity", b.Qty("TW-LIME"), "8"},
		{"books product reaches the store", nameOf(variantBySKU(t, h, "TW-MINT")), "نعناع مجفف — Dried mint"},
		{"books product's price in the store", variantBySKU(t, h, "TW-MINT").Price.String(), "7.25"},
		{"books product's quantity in the store", itoa(variantBySKU(t, h, "TW-MINT").Quantity), "6"},
		{"hand count reaches the books", b.Qty("TW-CARD"), "25"},
		{"hand count stays in the store", itoa(variantBySKU(t, h, "TW-CARD").Quantity), "25"},
		{"requisition reaches the store", itoa(variantBySKU(t, h, "TW-SAFF").Quantity), "9"},
		{"requisition stays in the books", b.Qty("TW-SAFF"), "9"},
		{"purchase price is the books'", b.Product("TW-CARD").PurchasePrice.String(), "12"},
	}
	for _, c := range checks {
		if !sameValue(c.got, c.want) {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if len(newIDs) != 1 {
		t.Errorf("AddProduct returned %d ids", len(newIDs))
	}
	// The hand count is an adjustment movement in the books.
	p := b.Product("TW-CARD")
	moves, err := b.DB.Movements(ctx, p.ID)
	must(t, err)
	var adj decimal.Decimal
	for _, m := range moves {
		if m.Kind == storage.MoveAdjustment {
			adj = adj.Add(m.Quantity)
		}
	}
	if !adj.Equal(decimal.NewFromInt(15)) {
		t.Errorf("hand count: adjustments of %s, want +15", adj)
	}
	if !strings.Contains(b.warnings(), "TW-ROSE") {
		t.Errorf("the conflict on TW-ROSE was not logged; warnings:\n%s", b.warnings())
	}

	// No echo: what was just written is not read back as a change, on either side.
	b.syncChangesNothing(t, h, "the sync after the edits")
}

// syncChangesNothing syncs again a minute later and checks that the sync did nothing and changed
// neither side: what was just written is not read back as a change (no echo). which names the
// sync in the message.
func (b *Books) syncChangesNothing(t *testing.T, h Harness, which string) {
	t.Helper()
	h.Advance(minute)
	books, store := b.Dump(), storeDump(b, h)
	c := b.Sync(core.SyncRequest{}).Counts
	if c.ProductsUpdated+c.StoreUpdated+c.StoreCreated+c.ProductsCreated+c.Adjustments+c.StockPushed+c.Warnings+c.Errors > 0 {
		t.Errorf("%s did more: %+v\n%s", which, c, b.errorLog())
	}
	if got := b.Dump(); got != books {
		t.Errorf("echo into the books:\n%s", diff(books, got))
	}
	if got := storeDump(b, h); got != store {
		t.Errorf("echo into the store:\n%s", diff(store, got))
	}
}

func (b *Books) edit(t *testing.T, code string, f func(p *storage.Product)) {
	t.Helper()
	must(t, b.DB.Update(ctx, func(tx *storage.Tx) error {
		p, err := tx.ProductByCode(code)
		if err != nil {
			return err
		}
		f(&p)
		_, err = tx.UpdateProduct(p)
		return err
	}))
}

func (b *Books) requisition(t *testing.T, code string, kind storage.RequisitionKind, qty string) {
	t.Helper()
	must(t, b.DB.Update(ctx, func(tx *storage.Tx) error {
		p, err := tx.ProductByCode(code)
		if err != nil {
			return err
		}
		_, err = tx.PostRequisition(storage.Requisition{Kind: kind, WarehouseID: b.Conn.WarehouseID,
			Lines: []storage.RequisitionLine{{ProductID: p.ID, Quantity: dec(qty)}}})
		return err
	}))
}

// warnings is the engine's warning entries.
func (b *Books) warnings() string {
	entries, err := b.Engine.Log(ctx, core.LogFilter{ConnectionID: b.Conn.ID, Level: core.Warning})
	must(b.T, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Message)
	}
	return strings.Join(out, "\n")
}

func variantBySKU(t *testing.T, h Harness, sku string) Variant {
	t.Helper()
	v, ok := h.VariantBySKU(sku)
	if !ok {
		t.Errorf("the store has no variant %s", sku)
	}
	return v
}

// nameOf is a variant's product name as the store shows it.
func nameOf(v Variant) string { return v.Name }

// sameValue compares two values as decimals when both are numbers, else as text.
func sameValue(a, b string) bool {
	da, ea := decimal.NewFromString(a)
	db, eb := decimal.NewFromString(b)
	if ea == nil && eb == nil {
		return da.Equal(db)
	}
	return a == b
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }
