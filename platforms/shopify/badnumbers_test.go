package shopify

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/platforms/shopify/shopifytest"
)

// tamper rewrites every answer of h on its way to the client, as a broken proxy or a store bug
// would.
func tamper(h http.Handler, from, to string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = io.Copy(w, bytes.NewReader(bytes.ReplaceAll(rec.Body.Bytes(), []byte(from), []byte(to))))
	})
}

// A number out of range in one product or one order of a page makes that item unreadable, with
// its ids and number and what was wrong; the rest of the page is read as usual.
func TestBadNumberInOneNode(t *testing.T) {
	e := newEnv(t, envConfig{})
	add := func(sku, price string) int64 {
		cost := decimal.RequireFromString("10")
		info, err := e.srv.AddProduct(shopifytest.ProductInput{Title: "Product " + sku, Variants: []shopifytest.VariantInput{
			{SKU: sku, Price: decimal.RequireFromString(price), Cost: &cost, Quantity: 20}}})
		if err != nil {
			t.Fatal(err)
		}
		return info.Variants[0].ID
	}
	good, bad := add("GOOD-1", "30.00"), add("BAD-1", "77.77")
	place := func(v int64) string {
		info, err := e.srv.PlaceOrder(shopifytest.OrderInput{Lines: []shopifytest.OrderLine{{VariantID: v, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		return info.Name
	}
	goodOrder, badOrder := place(good), place(bad)
	e.clock.Advance(time.Minute)
	hs := httptest.NewServer(tamper(e.srv, `"77.77"`, `1e1000000000`))
	t.Cleanup(hs.Close)
	e.hs = hs
	st := e.open(map[string]string{CredAccessToken: testToken}, nil, 0)

	products := e.products(st, time.Time{})
	var readable, unreadable []string
	for _, p := range products {
		if p.Unreadable != "" {
			unreadable = append(unreadable, p.SKU+": "+p.Unreadable)
		} else {
			readable = append(readable, p.SKU)
		}
	}
	if strings.Join(readable, ",") != "GOOD-1" || len(unreadable) != 1 || !strings.HasPrefix(unreadable[0], "BAD-1: ") ||
		!strings.Contains(unreadable[0], "out of range") {
		t.Errorf("products: readable %v, unreadable %v", readable, unreadable)
	}
	orders := e.orders(st, time.Time{})
	got := map[string]string{}
	for _, o := range orders {
		got[o.Name] = o.Unreadable
		if o.Unreadable != "" && o.ExternalID == "" {
			t.Errorf("unreadable order %s without its id", o.Name)
		}
	}
	if len(orders) != 2 || got[goodOrder] != "" || !strings.Contains(got[badOrder], "out of range") {
		t.Errorf("orders: %v", got)
	}
}
