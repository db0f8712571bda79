package zidtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestProductPaging walks the DRF pages by their next links: page_size is cut to 50, next is
// an absolute http:// address, variants come inside their parents only with extended=true.
func TestProductPaging(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	for i := 0; i < 57; i++ {
		c.s.AddProduct(ProductInput{Name: Names{Ar: fmt.Sprintf("تمر %d", i)}, SKU: fmt.Sprintf("D-%d", i), Price: d("10")})
	}
	_, vids := c.s.AddProduct(ProductInput{Name: Names{Ar: "قهوة", En: "Coffee"}, Option: "الحجم", Variants: []VariantInput{
		{Value: "250g", SKU: "C-250", Price: d("35")}, {Value: "1kg", SKU: "C-1K", Price: d("120")}}})
	next := "/v1/products/?page_size=80&extended=true"
	seen, pages, variants := 0, 0, 0
	for next != "" {
		body := c.get(next)
		pages++
		if body["count"] != json.Number("58") {
			t.Fatalf("count %v", body["count"])
		}
		for _, x := range results(body) {
			p := obj(x)
			seen++
			if p["structure"] == "parent" {
				variants += len(p["variants"].([]any))
			}
		}
		n, _ := body["next"].(string)
		if n != "" && !strings.HasPrefix(n, "http://"+strings.TrimPrefix(c.hs.URL, "http://")+"/v1/products/?") {
			t.Fatalf("next %q", n)
		}
		next = n
	}
	if seen != 58 || pages != 2 || variants != 2 {
		t.Errorf("%d products on %d pages with %d variants, want 58 on 2 with 2", seen, pages, variants)
	}
	plain := results(c.get("/v1/products/?search=قهوة"))
	if len(plain) != 1 || obj(plain[0])["variants"] != nil {
		t.Errorf("without extended: %v", plain)
	}
	kids := results(c.get("/v1/products/?structure=child"))
	if len(kids) != 2 || obj(kids[0])["parent_id"] == nil || obj(obj(kids[0])["name"])["en"] == nil {
		t.Errorf("children %v", kids)
	}
	if resp, _ := c.do(http.MethodGet, "/v1/products/?page=9", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a page past the last: %d", resp.StatusCode)
	}
	if body := c.get("/v1/products/" + vids[0] + "/"); body["sku"] != "C-250" || body["structure"] != "child" {
		t.Errorf("variant detail %v", body)
	}
}

// TestProductShapes: an Arabic-only product has name {ar} alone; prices and cost are numbers,
// an unset cost null, an unlimited product's quantity null; stock rows name their location.
func TestProductShapes(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	jeddah := c.s.AddLocation(Names{Ar: "مستودع جدة", En: "Jeddah warehouse"}, "جدة")
	id, _ := c.s.AddProduct(ProductInput{Name: Names{Ar: "عسل سدر"}, SKU: "HON-1", Barcode: "6281000000011", Price: d("115.50"),
		Cost: dp("60"), Quantity: 7, Stocks: map[string]int{jeddah: 3}, Category: Names{Ar: "عسل", En: "Honey"}})
	inf, _ := c.s.AddProduct(ProductInput{Name: Names{En: "Gift card"}, SKU: "GIFT", Price: d("50"), Infinite: true})
	p := c.get("/v1/products/" + id + "/")
	if n := obj(p["name"]); n["ar"] != "عسل سدر" || len(n) != 1 {
		t.Errorf("name %v", n)
	}
	if p["price"] != json.Number("115.5") || p["cost"] != json.Number("60") || p["quantity"] != json.Number("10") || p["sale_price"] != nil {
		t.Errorf("price %v cost %v quantity %v sale %v", p["price"], p["cost"], p["quantity"], p["sale_price"])
	}
	if cat := obj(p["categories"].([]any)[0]); fmt.Sprintf("%T", cat["id"]) != "string" || obj(cat["name"])["en"] != "Honey" {
		t.Errorf("category %v", cat)
	}
	stocks := p["stocks"].([]any)
	if len(stocks) != 2 || obj(obj(stocks[1])["location"])["id"] != jeddah || obj(stocks[1])["available_quantity"] != json.Number("3") {
		t.Errorf("stocks %v", stocks)
	}
	if _, err := time.Parse(time.RFC3339Nano, p["updated_at"].(string)); err != nil || !strings.HasSuffix(p["updated_at"].(string), "Z") {
		t.Errorf("updated_at %v", p["updated_at"])
	}
	g := c.get("/v1/products/" + inf + "/")
	if g["quantity"] != nil || g["is_infinite"] != true || g["cost"] != nil || obj(g["stocks"].([]any)[0])["available_quantity"] != nil {
		t.Errorf("unlimited product %v", g)
	}
	locs := c.get("/v1/locations/")
	if locs["count"] != json.Number("2") || obj(results(locs)[0])["is_default"] != true {
		t.Errorf("locations %v", locs)
	}
}

// TestProductWrites: creating and updating products and setting stock change what the store
// holds, and what it refuses it leaves alone.
func TestProductWrites(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	resp, body := c.do(http.MethodPost, "/v1/products/", map[string]any{"name": map[string]any{"ar": "بخور", "en": "Incense"},
		"price": 45, "sku": "INC-1", "cost": 20.5, "quantity": 12, "barcode": "6281"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %v", resp.StatusCode, body)
	}
	id := body["id"].(string)
	if in, ok := c.s.SellableBySKU("INC-1"); !ok || in.ID != id || in.Quantity != 12 || !in.Cost.Equal(d("20.5")) || in.Name.En != "Incense" {
		t.Fatalf("created %+v", in)
	}
	if resp, body := c.do(http.MethodPost, "/v1/products/", map[string]any{"name": "نسخة", "price": 1, "sku": "INC-1"}); resp.StatusCode != http.StatusBadRequest || body["sku"] == nil {
		t.Errorf("duplicate SKU: %d %v", resp.StatusCode, body)
	}
	before := c.s.clock.Now()
	c.s.clock.Advance(time.Minute)
	if resp, body := c.do(http.MethodPatch, "/v1/products/"+id+"/", map[string]any{"price": 49.9, "name": map[string]any{"ar": "بخور ملكي"}, "sale_price": 44}); resp.StatusCode != 200 {
		t.Fatalf("update: %d %v", resp.StatusCode, body)
	}
	in, _ := c.s.Sellable(id)
	if !in.Price.Equal(d("44")) || in.Name.Ar != "بخور ملكي" {
		t.Errorf("after update %+v", in)
	}
	p := c.get("/v1/products/" + id + "/")
	if at, _ := time.Parse(time.RFC3339Nano, p["updated_at"].(string)); !at.After(before) {
		t.Errorf("updated_at %v did not move", p["updated_at"])
	}
	stockID := obj(p["stocks"].([]any)[0])["id"].(string)
	if resp, body := c.do(http.MethodPatch, "/v1/products/"+id+"/stocks/"+stockID+"/", map[string]any{"available_quantity": 5, "is_infinite": false}); resp.StatusCode != 200 || body["available_quantity"] != json.Number("5") {
		t.Fatalf("set stock: %d %v", resp.StatusCode, body)
	}
	if resp, _ := c.do(http.MethodPatch, "/v1/products/"+id+"/stocks/"+stockID+"/", map[string]any{"available_quantity": -1}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a negative quantity: %d", resp.StatusCode)
	}
	if in, _ := c.s.Sellable(id); in.Quantity != 5 {
		t.Errorf("stock %d after setting 5 (and refusing -1)", in.Quantity)
	}
	jeddah := c.s.AddLocation(Names{Ar: "جدة"}, "جدة")
	if resp, _ := c.do(http.MethodPost, "/v1/products/"+id+"/stocks/", map[string]any{"location": jeddah, "available_quantity": 9, "is_infinite": false}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("new stock row: %d", resp.StatusCode)
	}
	if resp, _ := c.do(http.MethodPatch, "/v1/products/"+id+"/stocks/", []any{
		map[string]any{"location": jeddah, "available_quantity": 2, "is_infinite": false},
		map[string]any{"location": c.s.DefaultLocation(), "available_quantity": 8, "is_infinite": false}}); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("bulk stock: %d", resp.StatusCode)
	}
	if in, _ := c.s.Sellable(id); in.Stocks[jeddah] != 2 || in.Quantity != 8 {
		t.Errorf("stocks %v", in.Stocks)
	}
}
