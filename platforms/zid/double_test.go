package zid_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/zid"
	"mizan/platforms/zid/zidtest"
)

// openDouble opens a connection to a started Zid test store with a fresh grant.
func openDouble(t *testing.T, s *zidtest.Server, withStoreID bool) *zid.Store {
	t.Helper()
	hs := s.Start()
	t.Cleanup(hs.Close)
	tok := s.IssueTokens()
	creds := map[string]string{zid.CredAuthorization: tok.Authorization, zid.CredAccessToken: tok.AccessToken,
		zid.CredRefreshToken: tok.RefreshToken, zid.CredClientID: s.ClientID(), zid.CredClientSecret: s.ClientSecret()}
	opts := map[string]string{}
	if withStoreID {
		opts[zid.OptStoreID] = strconv.FormatInt(s.StoreID(), 10)
	}
	st, err := zid.New(core.StoreConfig{StoreURL: hs.URL, Credentials: creds, Options: opts, HTTPClient: &http.Client{Timeout: 10 * time.Second}}, zid.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// The client against the test store: the store's identity, its products with variants and
// their stock at the first location, and a stock change.
func TestAgainstTestStore(t *testing.T) {
	ctx := context.Background()
	s := zidtest.NewServer(zidtest.Options{})
	cost := decimal.RequireFromString("20")
	_, ids := s.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "تمر سكري"}, SKU: "DATE-1", Price: decimal.RequireFromString("57.50"),
		Cost: &cost, Quantity: 12})
	_, vids := s.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "قهوة", En: "Coffee"}, Option: "الحجم",
		Variants: []zidtest.VariantInput{{Value: "250g", SKU: "COF-250", Price: decimal.RequireFromString("40"), Quantity: 3},
			{Value: "1kg", SKU: "COF-1K", Price: decimal.RequireFromString("140"), Infinite: true}}})
	st := openDouble(t, s, false)
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.StoreID != strconv.FormatInt(s.StoreID(), 10) || info.LocationID != s.DefaultLocation() {
		t.Fatalf("info %+v", info)
	}
	var got []core.StoreProduct
	if err := st.Products(ctx, time.Time{}, func(p []core.StoreProduct) error { got = append(got, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	byID := map[string]core.StoreProduct{}
	for _, p := range got {
		byID[p.ExternalID] = p
	}
	if len(got) != 3 {
		t.Fatalf("%d products: %+v", len(got), got)
	}
	d := byID[ids[0]]
	if d.Name != "تمر سكري" || d.SKU != "DATE-1" || !d.SalePrice.Equal(decimal.RequireFromString("57.5")) || !d.HasCost ||
		!d.Quantity.Equal(decimal.NewFromInt(12)) || !d.TracksStock || d.StockRef == "" {
		t.Errorf("simple product %+v", d)
	}
	v := byID[vids[0]]
	if v.Name != "قهوة - 250g" || v.SKU != "COF-250" || !v.Quantity.Equal(decimal.NewFromInt(3)) || v.ProductID == v.ExternalID {
		t.Errorf("variant %+v", v)
	}
	if byID[vids[1]].TracksStock {
		t.Errorf("an unlimited variant tracks stock: %+v", byID[vids[1]])
	}
	res, err := st.AdjustStock(ctx, []core.StockChange{{ExternalID: d.ExternalID, StockRef: d.StockRef, Expected: d.Quantity, Delta: decimal.NewFromInt(-2)}})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Quantity.Equal(decimal.NewFromInt(10)) {
		t.Errorf("after the change %+v", res)
	}
	if si, _ := s.Sellable(d.ExternalID); si.Quantity != 10 {
		t.Errorf("the store has %+v", si)
	}
}
