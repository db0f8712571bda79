package salla

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
)

func TestEndpointsFor(t *testing.T) {
	cases := []struct {
		in, api, token string
		bad            bool
	}{
		{in: "", api: ProductionAPI, token: ProductionOAuth + "/oauth2/token"},
		{in: "https://salla.sa/dates-shop", api: ProductionAPI, token: ProductionOAuth + "/oauth2/token"},
		{in: "dates-shop.com", api: ProductionAPI, token: ProductionOAuth + "/oauth2/token"},
		{in: "http://127.0.0.1:8123", api: "http://127.0.0.1:8123/admin/v2", token: "http://127.0.0.1:8123/oauth2/token"},
		{in: "http://127.0.0.1:8123/some/path", api: "http://127.0.0.1:8123/admin/v2", token: "http://127.0.0.1:8123/oauth2/token"},
		{in: "http://localhost:9000", api: "http://localhost:9000/admin/v2", token: "http://localhost:9000/oauth2/token"},
		{in: "http://dates-shop.com", bad: true},
		{in: "http://10.0.0.5:8123", bad: true},
		{in: "ftp://salla.sa", bad: true},
		{in: "https://user:pw@salla.sa", bad: true},
	}
	for _, tc := range cases {
		ep, err := EndpointsFor(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: accepted as %+v", tc.in, ep)
			}
			continue
		}
		if err != nil || ep.API != tc.api || ep.OAuth.TokenURL != tc.token {
			t.Errorf("%q: %+v, %v; want API %s, token %s", tc.in, ep, err, tc.api, tc.token)
		}
	}
}

// Salla's error envelope becomes the store's message, with the right sentinel, and never a
// credential even when the store echoes one.
func TestErrors(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   error
		text   string
	}{
		{"validation", 422, `{"status":422,"success":false,"error":{"code":"validation_failed","message":"alert.invalid_fields","fields":{"price":["السعر مطلوب"],"sku":["at-1 taken"]}}}`,
			nil, "alert.invalid_fields (price: السعر مطلوب, sku: [redacted] taken) (validation_failed)"},
		{"not found", 404, `{"status":404,"success":false,"error":{"code":"not_found","message":"Not found"}}`, core.ErrNotFound, "Not found"},
		{"forbidden", 403, `{"status":403,"success":false,"error":{"code":"forbidden","message":"scope products.read_write missing"}}`, core.ErrUnauthorized, "scope products.read_write missing"},
		{"a 200 that says it failed", 200, `{"status":400,"success":false,"error":{"code":"bad_request","message":"bad branch"}}`, nil, "bad branch"},
		{"a web page", 200, `<html><title>Captive portal</title></html>`, nil, "web page"},
		{"a bare 400", 400, ``, nil, "Bad Request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr := newWire(t)
			wr.handle("GET /admin/v2/branches", func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(tc.body, "<") {
					w.Header().Set("Content-Type", "text/html")
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			s := wr.open(nil, nil)
			_, _, err := s.stockBranch(context.Background())
			var se *core.StoreError
			if !errors.As(err, &se) {
				t.Fatalf("err %v, want a StoreError", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) || tc.want == nil && se.Err != nil {
				t.Errorf("err %v wraps %v, want %v", err, se.Err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("err %q, want it to say %q", err, tc.text)
			}
			if strings.Contains(err.Error(), "at-1") || strings.Contains(err.Error(), "csecret") {
				t.Errorf("err %q shows a credential", err)
			}
		})
	}
}

func TestProductsRead(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /admin/v2/products", `[
 {"id":101,"name":"هيل أخضر","sku":"CARD-1","gtin":"6281000007001","price":{"amount":30,"currency":"SAR"},"regular_price":{"amount":30,"currency":"SAR"},
  "sale_price":{},"cost_price":"12.40","quantity":"7","unlimited_quantity":false,"categories":[{"id":5,"name":"بهارات"}],"options":[],"skus":[],"updated_at":"2026-11-02 12:00:00"},
 {"id":102,"name":"عسل سدر","sku":"HON","price":{"amount":85,"currency":"SAR"},"cost_price":null,"quantity":0,"unlimited_quantity":false,"categories":[],
  "options":[{"id":1,"name":"الحجم","values":[{"id":11,"name":"250g"},{"id":12,"name":"500g"}]}],
  "skus":[{"id":9001,"price":{"amount":85,"currency":"SAR"},"regular_price":{"amount":85,"currency":"SAR"},"sale_price":{},"cost_price":{"amount":51.25,"currency":"SAR"},
           "stock_quantity":14,"unlimited_quantity":false,"barcode":"628100","sku":"HON-250","related_option_values":[11],"updated_at":"2026-11-03 12:00:00"},
          {"id":9002,"price":{"amount":160,"currency":"SAR"},"cost_price":"97.80","stock_quantity":"0","unlimited_quantity":true,"barcode":"","sku":"HON-500","related_option_values":[12]}],
  "updated_at":"2026-10-01 12:00:00"},
 {"id":103,"name":"زعفران","sku":"SAF","price":{"amount":"1e999999999","currency":"SAR"},"quantity":1,"updated_at":"2026-11-02 12:00:00"},
 {"id":104,"name":"قهوة","sku":"COF","price":{"amount":20,"currency":"SAR"},"quantity":3,"options":[{"id":2,"name":"اللون","values":[{"id":21,"name":"أحمر"}]}],"updated_at":"2026-11-02 12:00:00"}
]`)
	wr.on("GET /admin/v2/products/104/variants", `[{"id":9401,"price":{"amount":20,"currency":"SAR"},"cost_price":"8","stock_quantity":3,"sku":"COF-RED","related_option_values":[21]}]`)
	s := wr.open(nil, nil)
	var got []core.StoreProduct
	if err := s.Products(context.Background(), time.Time{}, func(ps []core.StoreProduct) error { got = append(got, ps...); return nil }); err != nil {
		t.Fatal(err)
	}
	by := map[string]core.StoreProduct{}
	for _, p := range got {
		by[p.ExternalID] = p
	}
	d := decimal.RequireFromString
	if p := by["101"]; p.SKU != "CARD-1" || p.Barcode != "6281000007001" || !p.PurchasePrice.Equal(d("12.40")) || !p.HasCost || !p.Quantity.Equal(d("7")) ||
		p.Category != "بهارات" || !p.SalePrice.Equal(d("30")) || p.StockRef != refProduct || !p.UpdatedAt.Equal(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("simple product %+v", p)
	}
	if p := by["9001"]; p.ProductID != "102" || p.Name != "عسل سدر - 250g" || p.Barcode != "628100" || !p.PurchasePrice.Equal(d("51.25")) || !p.Quantity.Equal(d("14")) || p.StockRef != refVariant || !p.TracksStock {
		t.Errorf("variant %+v", p)
	}
	if p := by["9002"]; p.TracksStock || !p.PurchasePrice.Equal(d("97.80")) {
		t.Errorf("unlimited variant %+v", p)
	}
	if p := by["103"]; p.Unreadable == "" || p.SKU != "SAF" || p.Name != "زعفران" {
		t.Errorf("a product with an absurd price: %+v, want it unreadable with its SKU and name", p)
	}
	if p := by["9401"]; p.SKU != "COF-RED" || p.Name != "قهوة - أحمر" {
		t.Errorf("a variant read from /variants: %+v", p)
	}
	if len(got) != 5 {
		t.Errorf("%d items, want 5: %+v", len(got), got)
	}
	// Changed since: only the items changed at or after it (the unreadable one always).
	got = nil
	if err := s.Products(context.Background(), time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), func(ps []core.StoreProduct) error { got = append(got, ps...); return nil }); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range got {
		ids = append(ids, p.ExternalID)
	}
	if strings.Join(ids, ",") != "9001,103" {
		t.Errorf("changed since: %v, want 9001 and the unreadable 103", ids)
	}
}

func TestStock(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /admin/v2/branches", `[{"id":10,"name":"جدة","is_default":false},{"id":11,"name":"الرياض","is_default":true}]`)
	wr.on("GET /admin/v2/products/quantities", `[
 {"id":101,"name":"هيل","sku":"CARD-1","quantity":7,"unlimited_quantity":false,"variant":null},
 {"id":102,"name":"عسل","sku_id":9001,"sku":"HON-250","quantity":"14","unlimited_quantity":false,"variant":"250g"},
 {"id":102,"name":"عسل","sku_id":9002,"sku":"HON-500","quantity":0,"unlimited_quantity":true,"variant":"500g"},
 {"id":104,"name":"قهوة","sku":"COF-RED","quantity":3,"variant":{"id":9401,"name":"أحمر"}},
 {"id":105,"name":"bad","sku":"BAD","quantity":"lots"}
]`)
	var bulk []map[string]any
	wr.handle("POST /admin/v2/products/quantities/bulk", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Products []map[string]any `json:"products"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		bulk = append(bulk, body.Products...)
		_, _ = io.WriteString(w, `{"status":200,"success":true,"data":{"message":"queued"}}`)
	})
	s := wr.open(nil, nil)
	var levels []core.StockLevel
	if err := s.Stock(context.Background(), time.Time{}, func(p core.StockPage) error {
		if p.ReadAt.IsZero() {
			t.Error("a page without its read time")
		}
		levels = append(levels, p.Levels...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range levels {
		got = append(got, l.ExternalID+"/"+l.StockRef+"="+l.Quantity.String())
	}
	if strings.Join(got, " ") != "101/id=7 9001/variant_id=14 9401/variant_id=3" {
		t.Errorf("levels %v", got)
	}
	if n := wr.count("GET /admin/v2/products/quantities?branch=11"); n != 1 {
		t.Errorf("requests %v, want the default branch's stock", wr.requests())
	}
	res, err := s.AdjustStock(context.Background(), []core.StockChange{
		{ExternalID: "101", StockRef: refProduct, Expected: decimal.NewFromInt(7), Delta: decimal.NewFromInt(-2), Key: "k1"},
		{ExternalID: "9001", StockRef: refVariant, Expected: decimal.NewFromInt(14), Delta: decimal.NewFromInt(5), Key: "k2"},
		{ExternalID: "9401", StockRef: refVariant, Expected: decimal.NewFromInt(3), Delta: decimal.Zero, Key: "k3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || !res[0].Quantity.Equal(decimal.NewFromInt(5)) || !res[1].Quantity.Equal(decimal.NewFromInt(19)) || !res[2].Quantity.Equal(decimal.NewFromInt(3)) {
		t.Errorf("results %+v", res)
	}
	want := `[{"branch":"11","identifer":"101","identifer_type":"id","mode":"decrement","quantity":2},{"branch":"11","identifer":"9001","identifer_type":"variant_id","mode":"increment","quantity":5}]`
	if g := mustJSON(bulk); g != want {
		t.Errorf("bulk body %s\nwant %s", g, want)
	}
}

// A relative stock change whose answer is lost is not sent again (it may have been applied);
// one refused with 429 is.
func TestStockWriteRetries(t *testing.T) {
	cases := []struct {
		name   string
		status []int
		sent   int
		ok     bool
	}{
		{"a 502 is not repeated", []int{502, 200}, 1, false},
		{"a 429 is", []int{429, 200}, 2, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr := newWire(t)
			wr.on("GET /admin/v2/branches", `[]`)
			n := 0
			wr.handle("POST /admin/v2/products/quantities/bulk", func(w http.ResponseWriter, r *http.Request) {
				st := tc.status[min(n, len(tc.status)-1)]
				n++
				if st == 429 {
					w.Header().Set("Retry-After", "0")
				}
				w.WriteHeader(st)
				_, _ = io.WriteString(w, `{"status":200,"success":true,"data":{}}`)
			})
			s := wr.open(nil, nil)
			_, err := s.AdjustStock(context.Background(), []core.StockChange{{ExternalID: "101", StockRef: refProduct, Delta: decimal.NewFromInt(1)}})
			if (err == nil) != tc.ok || n != tc.sent {
				t.Errorf("err %v after %d requests; want ok %v after %d", err, n, tc.ok, tc.sent)
			}
		})
	}
}
