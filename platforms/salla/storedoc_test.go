package salla_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
	"mizan/storage"
)

// When the connection says Salla issues the tax invoices, the books keep Salla's tax invoice and
// credit note numbers and QR texts with the invoice and its return.
func TestSallasOwnTaxDocumentsAreKept(t *testing.T) {
	h := sallatest.NewHarness(t, sallatest.HarnessOptions{Platform: salla.Platform(), Credentials: credentials})
	id, _ := h.S.AddProduct(sallatest.ProductInput{Name: "قهوة عربية", SKU: "COF-1", Price: decimal.NewFromInt(115), Quantity: 50})
	b := contract.Connect(t, h, "", core.ConnectionInput{})
	if err := b.DB.Update(t.Context(), func(tx *storage.Tx) error { return tx.SetInvoiceIssuer(b.Conn.ID, storage.IssuerStore) }); err != nil {
		t.Fatal(err)
	}
	oid, err := h.S.PlaceOrder(sallatest.OrderInput{Lines: []sallatest.LineInput{{ID: id, Quantity: 2}}, Status: "completed"})
	if err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Hour)
	if err := h.S.CreditNote(oid, nil, false, decimal.NewFromInt(20)); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Minute)
	if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 || sum.Counts.Returns != 1 {
		t.Fatalf("sync: %+v\n%s", sum.Counts, b.Logs)
	}
	invs, err := b.DB.FullInvoices(t.Context(), storage.InvoiceFilter{})
	if err != nil || len(invs) != 2 {
		t.Fatalf("%d invoices (%v)", len(invs), err)
	}
	sale, ret := invs[0], invs[1]
	if sale.StoreDoc.Number == "" || !strings.HasPrefix(sale.StoreDoc.QR, "AQ") || ret.StoreDoc.Number == "" ||
		ret.StoreDoc.Number == sale.StoreDoc.Number || ret.StoreDoc.QR == "" {
		t.Fatalf("kept %+v with the invoice and %+v with the return", sale.StoreDoc, ret.StoreDoc)
	}
}
