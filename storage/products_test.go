package storage

import (
	"errors"
	"strings"
	"testing"
)

func TestCreateProduct(t *testing.T) {
	tests := []struct {
		name    string
		p       Product
		wantErr string
	}{
		{"arabic name and category", Product{Code: "DATES-1", Name: "تمر سكري ١ كغ", Category: "تمور", SalePrice: d("45.00")}, ""},
		{"no barcode twice is fine", Product{Code: "NB-2", Name: "No barcode"}, ""},
		{"trims", Product{Code: "  SP-1 ", Name: " Spaced "}, ""},
		{"missing code", Product{Name: "x"}, "needs a code"},
		{"missing name", Product{Code: "X-1"}, "needs a name"},
		{"duplicate code", Product{Code: "COF-250", Name: "again"}, `code "COF-250" is already used`},
		{"duplicate barcode", Product{Code: "NEW-1", Barcode: "6281000000017", Name: "x"}, `barcode "6281000000017" is already used`},
		{"negative sale price", Product{Code: "NEG-1", Name: "x", SalePrice: d("-1")}, "sale price -1 is negative"},
		{"negative purchase price", Product{Code: "NEG-2", Name: "x", PurchasePrice: d("-0.01")}, "purchase price"},
	}
	f := newFixture(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got Product
			err := f.db.Update(ctx, func(tx *Tx) error {
				var err error
				got, err = tx.CreateProduct(tc.p)
				return err
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !IsValidation(err) {
					t.Fatalf("err = %v, want validation error containing %q", err, tc.wantErr)
				}
				return
			}
			must(t, err)
			back, err := f.db.Product(ctx, got.ID)
			must(t, err)
			if back.Code != strings.TrimSpace(tc.p.Code) || back.Name != strings.TrimSpace(tc.p.Name) || back.Category != tc.p.Category ||
				!back.SalePrice.Equal(tc.p.SalePrice) {
				t.Fatalf("read back %+v from %+v", back, tc.p)
			}
		})
	}
}

func TestUpdateProduct(t *testing.T) {
	f := newFixture(t)
	edit := f.coffee
	edit.Name, edit.Barcode, edit.Category, edit.SalePrice = "قهوة عربية فاخرة", "", "Coffee", d("35.25")
	must(t, f.db.Update(ctx, func(tx *Tx) error { _, err := tx.UpdateProduct(edit); return err }))
	got, err := f.db.Product(ctx, f.coffee.ID)
	must(t, err)
	if got.Name != edit.Name || got.Barcode != "" || got.Category != "Coffee" || got.SalePrice.String() != "35.25" {
		t.Fatalf("after edit: %+v", got)
	}

	bad := []struct {
		name    string
		p       Product
		wantErr string
	}{
		{"code taken", Product{ID: f.tea.ID, Code: "COF-250", Name: "x"}, "already used"},
		{"no such product", Product{ID: 9999, Code: "Z", Name: "x"}, "does not exist"},
		{"no id", Product{Code: "Z", Name: "x"}, "no product"},
		{"empty name", Product{ID: f.tea.ID, Code: "TEA-100"}, "needs a name"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.UpdateProduct(tc.p); return err })
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
	got, _ = f.db.Product(ctx, f.tea.ID)
	if got.Code != "TEA-100" || got.Name != "Green tea 100g" {
		t.Fatalf("a refused edit changed the product: %+v", got)
	}
}

func TestProductLookups(t *testing.T) {
	f := newFixture(t)
	must(t, f.db.View(ctx, func(tx *Tx) error {
		if p, err := tx.ProductByCode("COF-250"); err != nil || p.ID != f.coffee.ID {
			t.Errorf("by code: %v %v", p, err)
		}
		if p, err := tx.ProductByBarcode("6281000000017"); err != nil || p.ID != f.coffee.ID {
			t.Errorf("by barcode: %v %v", p, err)
		}
		for _, miss := range []string{"COF", "cof-250", "COF-2500"} { // exact only: no substring, no case folding
			if _, err := tx.ProductByCode(miss); !errors.Is(err, ErrNotFound) {
				t.Errorf("by code %q: %v", miss, err)
			}
		}
		if _, err := tx.ProductByBarcode(""); !errors.Is(err, ErrNotFound) {
			t.Errorf("empty barcode matched: %v", err)
		}
		return nil
	}))
}
