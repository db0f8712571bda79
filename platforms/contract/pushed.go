package contract

import (
	"testing"

	"mizan/core"
	"mizan/storage"
)

// testPushedWhole makes a product in the books of a store that has none and syncs once: the store
// must then have it with every synced field (name, code, barcode, category, purchase price, sale
// price) and its quantity. The books then edit every field, category included, and one more sync
// (long after, when the store's catalogue has nothing new to read) must carry each edit to the
// store; a third changes nothing. The store's category is read by
// fresh books importing the store, as a merchant connecting it anew would find it.
func testPushedWhole(t *testing.T, h Harness, tr *tracker) {
	push := true
	b := tr.connect(t, h, "", core.ConnectionInput{PushProducts: &push})
	want := storage.Product{Code: "PW-OUD", Name: "عود كمبودي — Cambodian oud", Barcode: "6281000010017", Category: "عطور",
		PurchasePrice: dec("80.50"), SalePrice: dec("149.95")}
	must(t, b.DB.Update(ctx, func(tx *storage.Tx) error {
		p, err := tx.CreateProduct(want)
		if err != nil {
			return err
		}
		_, err = tx.PostRequisition(storage.Requisition{Kind: storage.Inbound, WarehouseID: b.Conn.WarehouseID, Note: "opening stock",
			Lines: []storage.RequisitionLine{{ProductID: p.ID, Quantity: dec("6")}}})
		return err
	}))
	h.Advance(minute)
	if s := b.Sync(core.SyncRequest{}); s.Counts.StoreCreated != 1 || s.Counts.Errors > 0 {
		t.Fatalf("first sync: %+v\n%s", s.Counts, b.errorLog())
	}
	checkStoreHas(t, h, tr, "after the first sync", want, 6)

	// An idle sync long after, and the edit long after that: the sync that carries it has
	// nothing new to read from the store, and writes knowing only what the books say.
	h.Advance(10 * minute)
	if c := b.Sync(core.SyncRequest{}).Counts; c.StoreUpdated+c.StoreCreated+c.StockPushed+c.Errors > 0 {
		t.Errorf("the idle sync: %+v\n%s", c, b.errorLog())
	}
	h.Advance(10 * minute)
	b.edit(t, want.Code, func(p *storage.Product) {
		p.Code, p.Name, p.Barcode, p.Category = "PW-OUD-2", "عود كمبودي فاخر — Fine Cambodian oud", "6281000010024", "بخور"
		p.PurchasePrice, p.SalePrice = dec("82.25"), dec("139.00")
		want = *p
	})
	if s := b.Sync(core.SyncRequest{}); s.Counts.StoreUpdated != 1 || s.Counts.Errors > 0 {
		t.Errorf("the sync after the edit: %+v\n%s", s.Counts, b.errorLog())
	}
	checkStoreHas(t, h, tr, "after the edit", want, 6)

	b.syncChangesNothing(t, h, "the sync after the edit's")
}

// checkStoreHas checks the store's item with the product's code against every synced field of
// the product and the quantity.
func checkStoreHas(t *testing.T, h Harness, tr *tracker, when string, p storage.Product, qty int) {
	t.Helper()
	v, ok := h.VariantBySKU(p.Code)
	if !ok {
		t.Errorf("%s: the store has no item %s", when, p.Code)
		return
	}
	for _, c := range []struct {
		field     string
		got, want string
	}{
		{"name", v.Name, p.Name},
		{"barcode", v.Barcode, p.Barcode},
		{"sale price", v.Price.String(), p.SalePrice.String()},
		{"purchase price", v.Cost.String(), p.PurchasePrice.String()},
		{"quantity", itoa(v.Quantity), itoa(qty)},
	} {
		if !sameValue(c.got, c.want) {
			t.Errorf("%s: the store's %s of %s is %q, the books' %q", when, c.field, p.Code, c.got, c.want)
		}
	}
	// The category as fresh books find it when they import the store.
	fresh := tr.connect(t, h, "", core.ConnectionInput{})
	if s := fresh.Sync(core.SyncRequest{}); s.Counts.Errors > 0 {
		t.Errorf("%s: importing the store into fresh books: %+v\n%s", when, s.Counts, fresh.errorLog())
	}
	if got := fresh.Product(p.Code); got.Category != p.Category {
		t.Errorf("%s: the store's category of %s is %q, the books' %q", when, p.Code, got.Category, p.Category)
	}
}

// testVariantCategory edits in the books the category of one variant of a store product with
// two: the store's product carries the category, so both variants are then in the new one, the
// other variant's category follows in the books on the next sync, and nothing echoes after.
func testVariantCategory(t *testing.T, h Harness, tr *tracker) {
	ids := h.AddProduct(Product{Title: "عسل سدر — Sidr honey", Category: "عسل", Variants: []Variant{
		{Title: "250g", SKU: "VC-250", Price: dec("85.00"), Cost: dec("51.25"), Quantity: 4},
		{Title: "500g", SKU: "VC-500", Price: dec("160.00"), Cost: dec("97.80"), Quantity: 3}}})
	if len(ids) != 2 {
		t.Fatalf("AddProduct returned %d ids", len(ids))
	}
	h.Advance(minute)
	b := tr.connect(t, h, "", core.ConnectionInput{})
	if s := b.Sync(core.SyncRequest{}); s.Counts.ProductsCreated != 2 || s.Counts.Errors > 0 {
		t.Fatalf("first sync: %+v\n%s", s.Counts, b.errorLog())
	}
	h.Advance(10 * minute)
	b.Sync(core.SyncRequest{})
	h.Advance(10 * minute)
	b.edit(t, "VC-250", func(p *storage.Product) { p.Category = "هدايا — Gifts" })
	if s := b.Sync(core.SyncRequest{}); s.Counts.StoreUpdated != 1 || s.Counts.Errors > 0 {
		t.Errorf("the sync after the edit: %+v\n%s", s.Counts, b.errorLog())
	}
	h.Advance(minute)
	if s := b.Sync(core.SyncRequest{}); s.Counts.Errors+s.Counts.Warnings > 0 {
		t.Errorf("the sync after: %+v\n%s", s.Counts, b.errorLog())
	}
	for _, code := range []string{"VC-250", "VC-500"} {
		if got := b.Product(code).Category; got != "هدايا — Gifts" {
			t.Errorf("the books' category of %s is %q", code, got)
		}
	}
	fresh := tr.connect(t, h, "", core.ConnectionInput{})
	fresh.Sync(core.SyncRequest{})
	for _, code := range []string{"VC-250", "VC-500"} {
		if got := fresh.Product(code).Category; got != "هدايا — Gifts" {
			t.Errorf("the store's category of %s is %q", code, got)
		}
	}
	b.syncChangesNothing(t, h, "the last sync")
}
