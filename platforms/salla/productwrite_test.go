package salla

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/httpx"
	"mizan/platforms/salla/sallatest"
)

// writeEnv is a client on a seeded test store, its token granted scope ("" for the app's).
func writeEnv(t *testing.T, scope string) (*Store, *sallatest.Server) {
	t.Helper()
	srv := sallatest.NewServer(sallatest.Options{RateLimit: -1})
	hs := srv.Start()
	t.Cleanup(hs.Close)
	srv.AddProduct(sallatest.ProductInput{Name: "هيل — Cardamom", SKU: "CARD-1", Price: decimal.RequireFromString("12"), Category: "بهارات"})
	tok := srv.IssueTokens()
	if scope != "" {
		tok = srv.IssueTokensFor(scope)
	}
	s, err := New(core.StoreConfig{StoreURL: hs.URL, HTTPClient: hs.Client(), Credentials: map[string]string{
		CredAccessToken: tok.AccessToken, CredRefreshToken: tok.RefreshToken, CredClientID: srv.ClientID(), CredClientSecret: srv.ClientSecret()}},
		Options{Tuning: httpx.Tuning{Retry: httpxPolicyForTest()}})
	if err != nil {
		t.Fatal(err)
	}
	return s, srv
}

// TestCreateProductCategory: a product made in the books is filed under the store's category
// of the books' name (letter case aside), created once when the store has none; an app not
// granted categories.read_write still creates the product, without a category.
func TestCreateProductCategory(t *testing.T) {
	ctx := context.Background()
	mk := func(s *Store, sku, category string) {
		t.Helper()
		if _, err := s.CreateProduct(ctx, core.ProductFields{Name: "Product " + sku, Code: sku, Category: category,
			SalePrice: decimal.RequireFromString("5")}); err != nil {
			t.Fatalf("create %s: %v", sku, err)
		}
	}
	t.Run("found or created", func(t *testing.T) {
		s, srv := writeEnv(t, "")
		before := srv.RequestsTo("/categories")
		mk(s, "MINT-1", "بهارات")      // the store has it
		mk(s, "LIME-1", "Dried fruit") // the store has not
		mk(s, "FIG-1", "dried FRUIT")  // the one just created
		for sku, want := range map[string]string{"MINT-1": "بهارات", "LIME-1": "Dried fruit", "FIG-1": "Dried fruit"} {
			got, ok := srv.SellableBySKU(sku)
			if !ok || !slices.Equal(got.Categories, []string{want}) {
				t.Errorf("%s: categories %q, want %q", sku, got.Categories, want)
			}
		}
		// One lookup for each name, one creation, nothing asked again for a name already known.
		if n := srv.RequestsTo("/categories") - before; n != 3 {
			t.Errorf("%d category requests, want 3", n)
		}
		cats := 0
		for _, x := range srv.Sellables() {
			if slices.Contains(x.Categories, "Dried fruit") {
				cats++
			}
		}
		if cats != 2 {
			t.Errorf("%d products in Dried fruit, want 2", cats)
		}
	})
	t.Run("no categories scope", func(t *testing.T) {
		s, srv := writeEnv(t, "offline_access products.read_write orders.read customers.read branches.read")
		mk(s, "MINT-1", "بهارات")
		mk(s, "LIME-1", "Dried fruit")
		for _, sku := range []string{"MINT-1", "LIME-1"} {
			if got, ok := srv.SellableBySKU(sku); !ok || len(got.Categories) != 0 {
				t.Errorf("%s: %v, categories %q", sku, ok, got.Categories)
			}
		}
		if n := srv.RequestsTo("/categories"); n != 1 {
			t.Errorf("%d category requests, want 1 (the refused one)", n)
		}
		if strings.Contains(strings.Join(srv.Sellables()[0].Categories, ""), "Dried") {
			t.Error("a category was created")
		}
	})
}

// TestSalePrices: the books' sale price is what the shopper pays. An item Salla shows at a
// discount (sale_price beside the struck-out price) is read at the discounted price; a price
// written from the books ends the discount, so the shopper pays the price written, for a
// product without options and for a variant.
func TestSalePrices(t *testing.T) {
	ctx := context.Background()
	d := decimal.RequireFromString
	s, srv := writeEnv(t, "")
	plain, _ := srv.AddProduct(sallatest.ProductInput{Name: "Saffron", SKU: "SAFF-1", Price: d("20")})
	_, vids := srv.AddProduct(sallatest.ProductInput{Name: "Dates", Variants: []sallatest.VariantInput{
		{Value: "1kg", SKU: "DATE-1", Price: d("40")}, {Value: "2kg", SKU: "DATE-2", Price: d("75")}}})
	sale := func(id int64, v string) {
		p := d(v)
		srv.SetSalePrice(id, &p)
	}
	sale(plain, "15")
	sale(vids[0], "35.5")
	zero := decimal.Zero
	srv.SetSalePrice(vids[1], &zero) // a sale price of 0 is no sale
	read := func() map[string]core.StoreProduct {
		t.Helper()
		out := map[string]core.StoreProduct{}
		if err := s.Products(ctx, time.Time{}, func(ps []core.StoreProduct) error {
			for _, p := range ps {
				out[p.SKU] = p
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := read()
	for sku, want := range map[string]string{"SAFF-1": "15", "DATE-1": "35.5", "DATE-2": "75", "CARD-1": "12"} {
		if !got[sku].SalePrice.Equal(d(want)) {
			t.Errorf("read %s at %s, want %s (what the shopper pays)", sku, got[sku].SalePrice, want)
		}
	}
	for sku, price := range map[string]string{"SAFF-1": "18", "DATE-1": "38"} {
		back, err := s.UpdateProduct(ctx, got[sku], core.ProductFields{Name: got[sku].Name, SalePrice: d(price)}, core.FieldSet{core.FieldSalePrice: true})
		if err != nil {
			t.Fatalf("write %s: %v", sku, err)
		}
		info, _ := srv.SellableBySKU(sku)
		if info.OnSale != nil || !info.Price.Equal(d(price)) || !back.SalePrice.Equal(d(price)) {
			t.Errorf("after writing %s to %s: the store charges %s (discount %v), reads back %s", price, sku, info.Price, info.OnSale, back.SalePrice)
		}
	}
	if got := read(); !got["DATE-2"].SalePrice.Equal(d("75")) {
		t.Errorf("the other variant changed: %s", got["DATE-2"].SalePrice)
	}
}

// TestUpdateProductCategory: a category edited in the books files the store's product under the
// store's category of that name (created when the store has none) and under no other, for a
// product without options and for a variant (whose product carries the category); an empty one
// takes it out of every category; an app not granted categories.read_write leaves the product's
// categories as they are and still writes the other fields.
func TestUpdateProductCategory(t *testing.T) {
	ctx := context.Background()
	d := decimal.RequireFromString
	read := func(t *testing.T, s *Store, sku string) core.StoreProduct {
		t.Helper()
		sp, ok, err := s.findBySKU(ctx, sku)
		if err != nil || !ok {
			t.Fatalf("find %s: %v, %v", sku, ok, err)
		}
		return sp
	}
	cases := []struct {
		name, scope, sku, category string
		want                       []string
	}{
		{"a product to another category", "", "CARD-1", "Dried fruit", []string{"Dried fruit"}},
		{"a variant's product to another category", "", "DATE-2", "Dried fruit", []string{"Dried fruit"}},
		{"a product to an existing category", "", "DATE-1", "بهارات", []string{"بهارات"}},
		{"a product to none", "", "CARD-1", "", nil},
		{"no categories scope", "offline_access products.read_write orders.read customers.read branches.read", "CARD-1", "Dried fruit", []string{"بهارات"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, srv := writeEnv(t, c.scope)
			srv.AddProduct(sallatest.ProductInput{Name: "Dates", Category: "تمور", Variants: []sallatest.VariantInput{
				{Value: "1kg", SKU: "DATE-1", Price: d("40")}, {Value: "2kg", SKU: "DATE-2", Price: d("75")}}})
			ref := read(t, s, c.sku)
			f := ref.Fields()
			f.Category, f.SalePrice = c.category, d("33")
			back, err := s.UpdateProduct(ctx, ref, f, core.FieldSet{core.FieldCategory: true, core.FieldSalePrice: true})
			if err != nil {
				t.Fatal(err)
			}
			info, _ := srv.SellableBySKU(c.sku)
			if !slices.Equal(info.Categories, c.want) || !info.Price.Equal(d("33")) {
				t.Errorf("the store files %s under %q at %s, want %q at 33", c.sku, info.Categories, info.Price, c.want)
			}
			if want := strings.Join(c.want, ""); back.Category != want {
				t.Errorf("read back category %q, want %q", back.Category, want)
			}
		})
	}
}
