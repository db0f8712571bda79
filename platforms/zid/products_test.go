package zid

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/httpx"
)

// productsPage1 and productsPage2 are a product list with extended=true, shaped as the docs'
// example: a standalone product with an Arabic name only and stock at two locations, a parent
// with two variants (one unlimited), and a next link written with http://.
const productsPage1 = `{"total_products_count":3,"next":"http://%s/v1/products/?extended=true&ordering=-updated_at&page=2&page_size=50","previous":null,"count":3,"results":[
{"id":"2829a483-4336-43ab-a855-84532c9419c2","product_class":null,"sku":"4741-c","barcode":"","parent_id":null,"name":{"ar":"بخاخ منظف"},
 "price":9,"sale_price":null,"formatted_price":" SAR 9.00","currency":"SAR","attributes":[],"categories":[{"id":"1346690","name":{"en":"Cleaning","ar":"تنظيف"}}],
 "has_options":false,"quantity":7,"is_infinite":false,"structure":"standalone","cost":5,
 "stocks":[{"id":"4b1b15f7-e22c-4b24-b5e8-c87bece4b1b1","location":{"id":"8ee590fe-d02d-4c50-9184-f628bb8b115a","name":{"ar":"الرياض"},"type":"PHYSICAL"},"available_quantity":4,"is_infinite":false},
           {"id":"e6c039b3-875f-431e-ae3d-85d37a10bb77","location":{"id":"59be4f1d-3b59-4b34-ba47-9f7293894b47","name":{"ar":"الدمام","en":"Dammam"},"type":"PHYSICAL"},"available_quantity":3,"is_infinite":false}],
 "created_at":"2025-12-15T10:31:18.988Z","updated_at":"2026-01-20T08:15:30.123Z"}]}`

const productsPage2 = `{"next":null,"previous":"http://%s/v1/products/?extended=true&page_size=50","count":3,"results":[
{"id":"a1477bb2-72ea-4be9-b2cf-093cefc721bb","sku":"Z.1770805225810645","barcode":"","parent_id":null,"name":{"ar":"قهوة","en":"Coffee"},
 "price":40,"sale_price":null,"attributes":[],"categories":[],"has_options":true,"quantity":null,"is_infinite":false,"structure":"parent","cost":null,"stocks":[],
 "created_at":"2026-02-11T10:20:25.813306Z","updated_at":"2026-02-11T10:21:46.786699Z",
 "variants":[
  {"id":"b0000000-0000-4000-8000-000000000001","sku":"COF-250","barcode":"6281000000017","parent_id":"a1477bb2-72ea-4be9-b2cf-093cefc721bb","name":{"ar":"قهوة","en":"Coffee"},
   "price":40.5,"cost":22.25,"is_infinite":false,"structure":"child","attributes":[{"name":"الحجم","value":{"ar":"250 غ"}}],
   "stocks":[{"id":"c0000000-0000-4000-8000-000000000001","location":{"id":"59be4f1d-3b59-4b34-ba47-9f7293894b47","name":{"ar":"الدمام"}},"available_quantity":11,"is_infinite":false}],
   "created_at":"2026-02-11T10:20:25Z","updated_at":"2026-02-11T10:21:46Z"},
  {"id":"b0000000-0000-4000-8000-000000000002","sku":"COF-1K","barcode":null,"parent_id":"a1477bb2-72ea-4be9-b2cf-093cefc721bb","name":{"ar":"قهوة","en":"Coffee"},
   "price":140,"cost":null,"is_infinite":true,"structure":"child","attributes":[{"name":"الحجم","value":{"ar":"1 كغ","en":"1kg"}}],
   "stocks":[{"id":"c0000000-0000-4000-8000-000000000002","location":{"id":"59be4f1d-3b59-4b34-ba47-9f7293894b47","name":{"ar":"الدمام"}},"available_quantity":null,"is_infinite":true}],
   "created_at":"2026-02-11T10:20:25Z","updated_at":"2026-02-11T10:21:46Z"}]}]}`

func productWire(t *testing.T) *wire {
	wr := newWire(t)
	wr.on("GET /v1/locations/", locationsJSON)
	host := strings.TrimPrefix(wr.srv.URL, "http://")
	wr.handle("GET /v1/products/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			_, _ = fmt.Fprintf(w, productsPage2, host)
			return
		}
		_, _ = fmt.Fprintf(w, productsPage1, host)
	})
	return wr
}

func TestProducts(t *testing.T) {
	wr := productWire(t)
	s := open(t, wr, nil, map[string]string{OptStoreID: "1"}, nil)
	var got []core.StoreProduct
	if err := s.Products(context.Background(), time.Time{}, func(p []core.StoreProduct) error { got = append(got, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	d := decimal.RequireFromString
	want := []core.StoreProduct{
		{ExternalID: "2829a483-4336-43ab-a855-84532c9419c2", ProductID: "2829a483-4336-43ab-a855-84532c9419c2", Name: "بخاخ منظف", SKU: "4741-c",
			Category: "تنظيف", SalePrice: d("9"), PurchasePrice: d("5"), HasCost: true, Quantity: d("3"), TracksStock: true,
			StockRef: "e6c039b3-875f-431e-ae3d-85d37a10bb77"},
		{ExternalID: "b0000000-0000-4000-8000-000000000001", ProductID: "a1477bb2-72ea-4be9-b2cf-093cefc721bb", Name: "قهوة - 250 غ", SKU: "COF-250",
			Barcode: "6281000000017", SalePrice: d("40.5"), PurchasePrice: d("22.25"), HasCost: true, Quantity: d("11"), TracksStock: true,
			StockRef: "c0000000-0000-4000-8000-000000000001"},
		{ExternalID: "b0000000-0000-4000-8000-000000000002", ProductID: "a1477bb2-72ea-4be9-b2cf-093cefc721bb", Name: "قهوة - 1 كغ", SKU: "COF-1K",
			SalePrice: d("140"), StockRef: "c0000000-0000-4000-8000-000000000002"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d products, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.ExternalID != w.ExternalID || g.ProductID != w.ProductID || g.Name != w.Name || g.SKU != w.SKU || g.Barcode != w.Barcode ||
			g.Category != w.Category || !g.SalePrice.Equal(w.SalePrice) || !g.PurchasePrice.Equal(w.PurchasePrice) || g.HasCost != w.HasCost ||
			!g.Quantity.Equal(w.Quantity) || g.TracksStock != w.TracksStock || g.StockRef != w.StockRef || g.UpdatedAt.IsZero() {
			t.Errorf("product %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	// Every page asked for its variants, at most 50 a page; the second page over the API's own address.
	for _, r := range wr.requests() {
		if r.URL.Path == "/v1/products/" && (r.URL.Query().Get("extended") != "true" || r.URL.Query().Get("page_size") != "50") {
			t.Errorf("products asked as %s", r.URL.RawQuery)
		}
	}
	if n := wr.count("GET /v1/products/"); n != 2 {
		t.Errorf("%d product pages read", n)
	}
	// Stock right after is the catalogue's, without reading it again.
	var levels []core.StockLevel
	if err := s.Stock(context.Background(), time.Time{}, func(p core.StockPage) error { levels = append(levels, p.Levels...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(levels) != 2 || wr.count("GET /v1/products/") != 2 {
		t.Errorf("stock %+v after %d product pages", levels, wr.count("GET /v1/products/"))
	}
}

// A product that cannot be read is handed over as unreadable, with its id, and the others go on.
func TestUnreadableProduct(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /v1/locations/", locationsJSON)
	wr.on("GET /v1/products/", `{"next":null,"count":2,"results":[{"id":"p-1","sku":"A","name":{"ar":"أ"},"price":"lots","stocks":[],"updated_at":"2026-01-20T08:15:30Z"},
{"id":"p-2","sku":"B","name":{"en":"Bee"},"price":"3.10","stocks":[],"is_infinite":false,"updated_at":"2026-01-20T08:15:30Z"}]}`)
	s := open(t, wr, nil, map[string]string{OptStoreID: "1"}, nil)
	var got []core.StoreProduct
	if err := s.Products(context.Background(), time.Time{}, func(p []core.StoreProduct) error { got = append(got, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Unreadable == "" || got[0].ExternalID != "p-1" || got[0].SKU != "A" || got[1].Unreadable != "" || got[1].Name != "Bee" {
		t.Errorf("%+v", got)
	}
}

// A next link to another host is never followed: the tokens would go with it.
func TestNextElsewhereRefused(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /v1/locations/", locationsJSON)
	wr.on("GET /v1/products/", `{"next":"http://elsewhere.example/v1/products/?page=2","count":60,"results":[{"id":"p-1","sku":"A","name":{"ar":"أ"},"price":1,"stocks":[]}]}`)
	s := open(t, wr, nil, map[string]string{OptStoreID: "1"}, nil)
	err := s.Products(context.Background(), time.Time{}, func([]core.StoreProduct) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "not followed") {
		t.Fatalf("err = %v", err)
	}
}

// Product requests are paced to Zid's 60 a minute; manager requests are not.
func TestProductPacing(t *testing.T) {
	wr := newWire(t)
	wr.on("GET /v1/products/p-1/", `{"id":"p-1","sku":"A","name":{"ar":"أ"},"price":1,"stocks":[]}`)
	wr.on("GET /v1/managers/account/profile", profileJSON)
	now := time.Unix(1_800_000_000, 0)
	var waited time.Duration
	s, err := New(core.StoreConfig{StoreURL: wr.srv.URL, Credentials: testCreds}, Options{Tuning: httpx.Tuning{
		Now:   func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error { waited += d; now = now.Add(d); return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		if _, _, err := s.profile(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if waited != 0 {
		t.Fatalf("manager requests waited %s", waited)
	}
	for i := 0; i < 121; i++ {
		if _, err := s.do(ctx, request{op: "read", scheme: catalog, method: http.MethodGet, path: "/products/p-1/"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if waited != 2*time.Minute {
		t.Errorf("121 product requests waited %s, want 2m0s", waited)
	}
}

// Writes go to the item itself, a variant's name to its product; a price is written with any
// sale price cleared, so that the shopper pays what the books say.
func TestUpdateProduct(t *testing.T) {
	d := decimal.RequireFromString
	cases := []struct {
		name   string
		ref    core.StoreProduct
		fields core.FieldSet
		want   map[string]string // PATCH path → body
	}{
		{name: "a product's price", ref: core.StoreProduct{ExternalID: "2829a483-4336-43ab-a855-84532c9419c2", ProductID: "2829a483-4336-43ab-a855-84532c9419c2"},
			fields: core.FieldSet{core.FieldSalePrice: true},
			want:   map[string]string{"/v1/products/2829a483-4336-43ab-a855-84532c9419c2/": `{"price":12.5,"sale_price":null}`}},
		{name: "a variant's name and SKU", ref: core.StoreProduct{ExternalID: "b0000000-0000-4000-8000-000000000001",
			ProductID: "a1477bb2-72ea-4be9-b2cf-093cefc721bb", Name: "قهوة - 250 غ"},
			fields: core.FieldSet{core.FieldName: true, core.FieldCode: true},
			want: map[string]string{"/v1/products/a1477bb2-72ea-4be9-b2cf-093cefc721bb/": `{"name":{"ar":"قهوة عربية","en":"قهوة عربية"}}`,
				"/v1/products/b0000000-0000-4000-8000-000000000001/": `{"sku":"COF-250B"}`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wr := productWire(t)
			got := map[string]string{}
			for path := range tc.want {
				path := path
				wr.handle("PATCH "+path, func(w http.ResponseWriter, r *http.Request) {
					b, _ := io.ReadAll(r.Body)
					got[path] = string(b)
					_, _ = io.WriteString(w, `{}`)
				})
			}
			host := strings.TrimPrefix(wr.srv.URL, "http://")
			wr.handle("GET /v1/products/2829a483-4336-43ab-a855-84532c9419c2/", func(w http.ResponseWriter, r *http.Request) {
				page := fmt.Sprintf(productsPage1, host)
				_, _ = io.WriteString(w, page[strings.Index(page, `{"id"`):strings.LastIndex(page, "]}")])
			})
			wr.handle("GET /v1/products/a1477bb2-72ea-4be9-b2cf-093cefc721bb/", func(w http.ResponseWriter, r *http.Request) {
				page := fmt.Sprintf(productsPage2, host)
				_, _ = io.WriteString(w, page[strings.Index(page, `{"id"`):strings.LastIndex(page, "]}")])
			})
			s := open(t, wr, nil, map[string]string{OptStoreID: "1"}, nil)
			sp, err := s.UpdateProduct(context.Background(), tc.ref, core.ProductFields{Name: "قهوة عربية - 250 غ", Code: "COF-250B", SalePrice: d("12.50")}, tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			if sp.ExternalID != tc.ref.ExternalID {
				t.Errorf("read back %+v", sp)
			}
			for path, body := range tc.want {
				if got[path] != body {
					t.Errorf("PATCH %s: %s, want %s", path, got[path], body)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("writes %v", got)
			}
		})
	}
}

// A 429 from the product endpoints holds the next request for its Retry-After, and the request
// is made again.
func TestProductThrottled(t *testing.T) {
	wr := newWire(t)
	n := 0
	wr.handle("GET /v1/products/p-1/", func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"detail":"Request was throttled. Expected available in 7 seconds."}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":"p-1","sku":"A","name":{"ar":"أ"},"price":1,"stocks":[]}`)
	})
	now := time.Unix(1_800_000_000, 0)
	var waits []time.Duration
	s, err := New(core.StoreConfig{StoreURL: wr.srv.URL, Credentials: testCreds, Options: map[string]string{OptStoreID: "1"}}, Options{Tuning: httpx.Tuning{
		Now: func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			now = now.Add(d)
			return nil
		}}})
	if err != nil {
		t.Fatal(err)
	}
	var p product
	if _, err := s.do(context.Background(), request{op: "read", scheme: catalog, method: http.MethodGet, path: "/products/p-1/"}, &p); err != nil {
		t.Fatal(err)
	}
	if n != 2 || p.ID != "p-1" || len(waits) == 0 || waits[0] != 7*time.Second {
		t.Errorf("%d requests, waits %v", n, waits)
	}
}
