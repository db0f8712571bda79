package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

func TestMainShowsTheBooks(t *testing.T) {
	a := test.NewTempApp(t)
	ctx := context.Background()
	db, err := storage.Open(ctx, t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx *storage.Tx) error {
		p, err := tx.CreateProduct(storage.Product{Code: "COF-1", Name: "قهوة عربية", SalePrice: decimal.NewFromInt(32)})
		if err != nil {
			return err
		}
		_, err = tx.IssueSalesInvoice(storage.Invoice{BranchID: 1, WarehouseID: 1, ClientID: 1, Currency: "SAR",
			Lines: []storage.InvoiceLine{{ProductID: p.ID, Quantity: decimal.NewFromInt(2), UnitPrice: decimal.NewFromInt(32)}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(a, db)
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := m.Invoices.Length(); n != 1 {
		t.Fatalf("invoice list has %d rows", n)
	}
	if n := m.Products.Length(); n != 1 {
		t.Fatalf("stock list has %d rows", n)
	}
	m.Tabs.SelectIndex(1)
	if m.Tabs.Selected().Text != "Products & stock" {
		t.Fatal("tab did not switch")
	}
}
