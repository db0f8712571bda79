package zid

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/zid/zidtest"
)

// TestCreateProductCategory: a product made in the books is filed under the store's category
// of the books' name (in either language, letter case aside, under another category too),
// created once when the store has none; a product the store already has by SKU is filed when it
// has no category, and left as it is when it has one.
func TestCreateProductCategory(t *testing.T) {
	ctx := context.Background()
	srv := zidtest.NewServer(zidtest.Options{RateLimit: -1})
	hs := srv.Start()
	t.Cleanup(hs.Close)
	srv.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "عسل سدر"}, SKU: "HON-1", Price: decimal.RequireFromString("85"),
		Category: zidtest.Names{Ar: "عسل", En: "Honey"}})
	srv.AddCategory(zidtest.Names{Ar: "سكري", En: "Sukkari"}, srv.AddCategory(zidtest.Names{Ar: "تمور", En: "Dates"}, ""))
	srv.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "زعفران"}, SKU: "OLD-1", Price: decimal.RequireFromString("20")})
	srv.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "هيل"}, SKU: "OLD-2", Price: decimal.RequireFromString("12"),
		Category: zidtest.Names{Ar: "بهارات"}})
	tok := srv.IssueTokens()
	s, err := New(core.StoreConfig{StoreURL: hs.URL, HTTPClient: hs.Client(), Credentials: map[string]string{CredAuthorization: tok.Authorization,
		CredAccessToken: tok.AccessToken}, Options: map[string]string{OptStoreID: strconv.FormatInt(srv.StoreID(), 10)}}, Options{ProductLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sku, category string
		want          []zidtest.Names // the store's product's categories after
		read          string          // the category the created item reads
	}{
		{"HON-2", "honey", []zidtest.Names{{Ar: "عسل", En: "Honey"}}, "عسل"},    // its English name
		{"SUK-1", "سكري", []zidtest.Names{{Ar: "سكري", En: "Sukkari"}}, "سكري"}, // under Dates
		{"FIG-1", "Dried fruit", []zidtest.Names{{Ar: "Dried fruit", En: "Dried fruit"}}, "Dried fruit"},
		{"FIG-2", "dried FRUIT", []zidtest.Names{{Ar: "Dried fruit", En: "Dried fruit"}}, "Dried fruit"}, // the one just made
		{"PLAIN-1", "", nil, ""},
		{"OLD-1", "Honey", []zidtest.Names{{Ar: "عسل", En: "Honey"}}, "عسل"}, // found by SKU without a category
		{"OLD-2", "Honey", []zidtest.Names{{Ar: "بهارات"}}, "بهارات"},        // found by SKU with one
	} {
		sp, err := s.CreateProduct(ctx, core.ProductFields{Name: "Product " + tc.sku, Code: tc.sku, Category: tc.category,
			SalePrice: decimal.RequireFromString("5")})
		if err != nil {
			t.Fatalf("create %s: %v", tc.sku, err)
		}
		got, ok := srv.SellableBySKU(tc.sku)
		if !ok || len(got.Categories) != len(tc.want) || (len(tc.want) > 0 && got.Categories[0] != tc.want[0]) {
			t.Errorf("%s: in the store %v, categories %v; want %v", tc.sku, ok, got.Categories, tc.want)
		}
		if sp.Category != tc.read || sp.SKU != tc.sku {
			t.Errorf("%s: created item %+v, want category %q", tc.sku, sp, tc.read)
		}
	}
	// One list for each new name, one category made, none asked again for a name known.
	if n := srv.RequestsTo("/v1/managers/store/categories"); n != 4 {
		t.Errorf("%d category requests, want 4 (honey, سكري and dried fruit looked up, dried fruit made)", n)
	}
	if cats := srv.Categories(); len(cats) != 5 {
		t.Errorf("the store's categories %v, want 5", cats)
	}
}

// TestCreateProductCategoryRefused: a store that refuses the app its categories still gets
// its products, without a category; the merchant is told once, and the categories are not
// asked for again. A category is made from a form with the name in both languages.
func TestCreateProductCategoryRefused(t *testing.T) {
	for _, tc := range []struct {
		desc        string
		listRefused bool
		want        int // requests to the categories
	}{
		{"the list refused", true, 1},
		{"the creation refused", false, 2},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			wr := newWire(t)
			wr.on("GET /v1/locations/", locationsJSON)
			wr.on("GET /v1/products/", `{"count":0,"next":null,"previous":null,"results":[]}`)
			n := 0
			wr.handle("POST /v1/products/", func(w http.ResponseWriter, r *http.Request) {
				n++
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, `{"id":"p-`+strconv.Itoa(n)+`","sku":"S-`+strconv.Itoa(n)+`","name":{"ar":"أ"},"price":5,"categories":[],"stocks":[]}`)
			})
			refuse := func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusForbidden)
				_, _ = io.WriteString(w, `{"status":"error","message":{"type":"error","code":"forbidden","name":"Forbidden","description":"This action is unauthorized."}}`)
			}
			wr.handle("GET /v1/managers/store/categories", func(w http.ResponseWriter, r *http.Request) {
				if tc.listRefused {
					refuse(w)
					return
				}
				_, _ = io.WriteString(w, `{"status":"object","categories":[]}`)
			})
			var form string
			wr.handle("POST /v1/managers/store/categories/add", func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				form = r.Header.Get("Content-Type") + " " + r.PostForm.Encode()
				refuse(w)
			})
			var logged bytes.Buffer
			s, err := New(core.StoreConfig{StoreURL: wr.srv.URL, Credentials: testCreds, Options: map[string]string{OptStoreID: "1"},
				Log: slog.New(slog.NewTextHandler(&logged, nil))}, Options{ProductLimit: -1})
			if err != nil {
				t.Fatal(err)
			}
			for _, sku := range []string{"S-1", "S-2"} {
				sp, err := s.CreateProduct(context.Background(), core.ProductFields{Name: "أ", Code: sku, Category: "Tea " + sku,
					SalePrice: decimal.RequireFromString("5")})
				if err != nil || sp.ExternalID == "" || sp.Category != "" {
					t.Fatalf("create %s: %+v, %v", sku, sp, err)
				}
			}
			cats := wr.count("GET /v1/managers/store/categories") + wr.count("POST /v1/managers/store/categories/add")
			if cats != tc.want || n != 2 || wr.count("POST /v1/products/p-") != 0 {
				t.Errorf("%d category requests (want %d), %d products made, %d filed", cats, tc.want, n, wr.count("POST /v1/products/p-"))
			}
			if c := strings.Count(logged.String(), "refused Mizan's access to categories"); c != 1 {
				t.Errorf("told %d times:\n%s", c, logged.String())
			}
			if !tc.listRefused && form != "application/x-www-form-urlencoded name%5Bar%5D=Tea+S-1&name%5Ben%5D=Tea+S-1" {
				t.Errorf("the category's form: %s", form)
			}
		})
	}
}

// TestUpdateProductCategory: a category edited in the books files the store's product (a
// variant's parent) under the store's category of that name, created when the store has none,
// and takes it out of every other one it was in; an empty category takes it out of all of
// them. The other fields written with it reach the store too.
func TestUpdateProductCategory(t *testing.T) {
	ctx := context.Background()
	d := decimal.RequireFromString
	for _, tc := range []struct {
		desc, sku, category string
		want                []zidtest.Names
	}{
		{"to a new category", "HON-1", "Dried fruit", []zidtest.Names{{Ar: "Dried fruit", En: "Dried fruit"}}},
		{"to one it has by its English name", "HON-1", "Dates", []zidtest.Names{{Ar: "تمور", En: "Dates"}}},
		{"to the one it is in besides", "HON-1", "بهارات", []zidtest.Names{{Ar: "بهارات"}}},
		{"a variant's product", "COF-250", "Honey", []zidtest.Names{{Ar: "عسل", En: "Honey"}}},
		{"to none", "HON-1", "", nil},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			srv := zidtest.NewServer(zidtest.Options{RateLimit: -1})
			hs := srv.Start()
			t.Cleanup(hs.Close)
			srv.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "عسل سدر"}, SKU: "HON-1", Price: d("85"),
				Category: zidtest.Names{Ar: "عسل", En: "Honey"}})
			srv.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "قهوة"}, Category: zidtest.Names{Ar: "قهوة", En: "Coffee"},
				Variants: []zidtest.VariantInput{{Value: "250 غ", SKU: "COF-250", Price: d("40")}, {Value: "1 كغ", SKU: "COF-1K", Price: d("140")}}})
			srv.AddCategory(zidtest.Names{Ar: "تمور", En: "Dates"}, "")
			spice := srv.AddCategory(zidtest.Names{Ar: "بهارات"}, "")
			tok := srv.IssueTokens()
			s, err := New(core.StoreConfig{StoreURL: hs.URL, HTTPClient: hs.Client(), Credentials: map[string]string{CredAuthorization: tok.Authorization,
				CredAccessToken: tok.AccessToken}, Options: map[string]string{OptStoreID: strconv.FormatInt(srv.StoreID(), 10)}}, Options{ProductLimit: -1})
			if err != nil {
				t.Fatal(err)
			}
			var ref core.StoreProduct
			if err := s.Products(ctx, time.Time{}, func(page []core.StoreProduct) error {
				for _, sp := range page {
					if sp.SKU == tc.sku {
						ref = sp
					}
				}
				return nil
			}); err != nil || ref.ExternalID == "" {
				t.Fatalf("read %s: %+v, %v", tc.sku, ref, err)
			}
			pid := ref.ProductID
			if err := s.fileUnder(ctx, pid, spice); err != nil { // a second category, beside the one the books know
				t.Fatal(err)
			}
			f := ref.Fields()
			f.Category, f.SalePrice = tc.category, d("33")
			back, err := s.UpdateProduct(ctx, ref, f, core.FieldSet{core.FieldCategory: true, core.FieldSalePrice: true})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := srv.SellableBySKU(tc.sku)
			if len(got.Categories) != len(tc.want) || (len(tc.want) > 0 && got.Categories[0] != tc.want[0]) || !got.Price.Equal(d("33")) {
				t.Errorf("the store files %s under %v at %s, want %v at 33", tc.sku, got.Categories, got.Price, tc.want)
			}
			want := ""
			if len(tc.want) > 0 {
				want = tc.want[0].Ar
			}
			if back.Category != want {
				t.Errorf("read back category %q, want %q", back.Category, want)
			}
		})
	}
}
