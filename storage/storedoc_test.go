package storage

import (
	"strings"
	"testing"
)

// The store's own tax document (number and QR text) is kept with the invoice as issued, read
// back, and never changed after.
func TestStoreDocumentKeptWithTheInvoice(t *testing.T) {
	f := newFixture(t)
	inv := f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("100"), Tax: d("15")})
	inv.StoreDoc = StoreDocument{Number: " INV-2026-0042 ", QR: "AQ1NaXphbiBUcmFkaW5n"}
	out := f.issue(t, inv)
	back, err := f.db.Invoice(ctx, out.ID)
	must(t, err)
	if back.StoreDoc != (StoreDocument{Number: "INV-2026-0042", QR: "AQ1NaXphbiBUcmFkaW5n"}) {
		t.Fatalf("store document read back as %+v", back.StoreDoc)
	}
	list, err := f.db.Invoices(ctx, InvoiceFilter{})
	must(t, err)
	if len(list) != 1 || list[0].StoreDoc.Number != "INV-2026-0042" {
		t.Fatalf("listed %+v", list)
	}
	if _, err := f.db.SQL().Exec(`UPDATE invoices SET store_doc_number = 'X'`); err == nil || !strings.Contains(err.Error(), "cannot be changed") {
		t.Fatalf("changing the store's number: %v, want it refused", err)
	}
}
