package salla

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"mizan/core"
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
		Options{Retry: httpxPolicyForTest()})
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
