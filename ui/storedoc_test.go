package ui

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// An invoice whose store issued the tax invoice shows the store's document number.
func TestInvoiceViewShowsTheStoresDocument(t *testing.T) {
	m, db := openApp(t, seededDir(t, 5))
	var inv storage.Invoice
	if err := db.Update(context.Background(), func(tx *storage.Tx) error {
		var err error
		inv, err = tx.IssueSalesInvoice(storage.Invoice{BranchID: 1, WarehouseID: 1, ClientID: 1, Currency: "SAR",
			Lines:    []storage.InvoiceLine{{Description: "Gift box", Quantity: decimal.NewFromInt(1), UnitPrice: decimal.NewFromInt(100)}},
			StoreDoc: storage.StoreDocument{Number: "INV-SALLA-0099", QR: "AQ=="}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	m.Invoices.Open(inv.ID)
	m.Idle()
	mustShow(t, m.Invoices.View.Content, "Store's tax document", "INV-SALLA-0099")
}
