package core_test

import (
	"testing"

	"mizan/core"
	"mizan/storage"
)

// The store's own tax invoice and credit note are kept with the books' invoice and return when
// the connection says the store issues the tax invoices, and not otherwise.
func TestStoreDocumentsKeptWhenTheStoreIssues(t *testing.T) {
	for _, issuer := range []storage.Issuer{storage.IssuerStore, storage.IssuerMizan} {
		t.Run(string(issuer), func(t *testing.T) {
			e := newEnv(t)
			must(t, e.db.Update(ctx, func(tx *storage.Tx) error { return tx.SetInvoiceIssuer(e.conn.ID, issuer) }))
			small, _, _ := e.catalogue()
			o := orderOf(nil, "", nil, line(small, "2"))
			o.Invoice = core.StoreDocument{Number: "INV-0042", QR: "AQ1TdG9yZQ=="}
			o = e.store.PlaceOrder(o)
			e.store.Refund(o.ExternalID, core.StoreRefund{Lines: []core.StoreRefundLine{{LineID: o.Lines[0].ExternalID, Quantity: d("1"),
				Subtotal: d("32.00"), Tax: d("4.17")}}, Total: d("32.00"), CreditNote: core.StoreDocument{Number: "CN-0007", QR: "AQ1DTg=="}})
			if sum := e.sync(); sum.Counts.Errors != 0 || sum.Counts.Returns != 1 {
				t.Fatalf("sync: %+v", sum.Counts)
			}
			sales, returns := e.invoicesOf(o.Name)
			want, wantCN := storage.StoreDocument{Number: "INV-0042", QR: "AQ1TdG9yZQ=="}, storage.StoreDocument{Number: "CN-0007", QR: "AQ1DTg=="}
			if issuer == storage.IssuerMizan {
				want, wantCN = storage.StoreDocument{}, storage.StoreDocument{}
			}
			if sales[0].StoreDoc != want || returns[0].StoreDoc != wantCN {
				t.Fatalf("kept %+v and %+v, want %+v and %+v", sales[0].StoreDoc, returns[0].StoreDoc, want, wantCN)
			}
		})
	}
}
