package sallatest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
)

// TestQuirks: the string-or-number fields come both ways in a seeded store, a variant without
// a sale price has sale_price {}, and the list can leave skus[] out for /variants to give.
func TestQuirks(t *testing.T) {
	c := start(t, Options{RateLimit: -1, ListOmitsSKUs: true})
	c.s.Seed(SeedOptions{Products: 40, Orders: 1, Seed: 5})
	kinds := map[string]bool{}
	var withOptions string
	for pg := 1; pg <= 3; pg++ {
		for _, x := range list(c.get(fmt.Sprintf("/products?per_page=20&page=%d", pg))) {
			p := obj(x)
			kinds[fmt.Sprintf("quantity %T", p["quantity"])] = true
			kinds[fmt.Sprintf("cost_price %T", p["cost_price"])] = true
			if _, has := p["skus"]; has {
				t.Fatal("the list has skus[] with ListOmitsSKUs")
			}
			if len(p["options"].([]any)) > 0 {
				withOptions = fmt.Sprint(p["id"])
			}
		}
	}
	for _, k := range []string{"quantity string", "quantity json.Number", "cost_price string", "cost_price json.Number"} {
		if !kinds[k] {
			t.Errorf("no product with %s (saw %v)", k, kinds)
		}
	}
	vs := list(c.get("/products/" + withOptions + "/variants"))
	if len(vs) < 2 {
		t.Fatalf("variants: %v", vs)
	}
	v := obj(vs[0])
	if sp, ok := v["sale_price"].(map[string]any); !ok || len(sp) != 0 {
		t.Errorf("sale_price %v, want {}", v["sale_price"])
	}
	if obj(v["cost_price"])["currency"] != "SAR" {
		t.Errorf("a variant's cost_price %v is not a money object", v["cost_price"])
	}
	if d := obj(c.get("/products/" + withOptions)["data"]); len(d["skus"].([]any)) != len(vs) {
		t.Errorf("the product's skus[] and /variants differ")
	}
}

// TestStatusesGuestsAndBranches: a custom status shows its parent's slug and original id with
// itself in customized; a guest has customer.id null; stock is per branch; a store that issues
// no invoices answers an empty list.
func TestStatusesGuestsAndBranches(t *testing.T) {
	c := start(t, Options{RateLimit: -1, NoInvoices: true})
	pid, _ := c.s.AddProduct(ProductInput{Name: "عسل سدر", SKU: "HON-1", Price: decimal.NewFromInt(115), Quantity: 10})
	custom := c.s.AddStatus("تم التسليم للمندوب", StatusCompleted)
	id, err := c.s.PlaceOrder(OrderInput{Lines: []LineInput{{ID: pid, Quantity: 2}}, Guest: CustomerInput{First: "ضيف"},
		Status: fmt.Sprint(custom)})
	if err != nil {
		t.Fatal(err)
	}
	row := obj(list(c.get("/orders"))[0])
	st := obj(row["status"])
	completed := c.s.st.bySlug[StatusCompleted].id
	if st["slug"] != StatusCompleted || st["id"] != json.Number(fmt.Sprint(completed)) ||
		obj(st["customized"])["id"] != json.Number(fmt.Sprint(custom)) {
		t.Errorf("custom status shows as %v", st)
	}
	d := obj(c.get(fmt.Sprintf("/orders/%d", id))["data"])
	if cust := obj(d["customer"]); cust["id"] != nil || cust["first_name"] != "ضيف" {
		t.Errorf("guest customer %v", cust)
	}
	hs := list(c.get(fmt.Sprintf("/orders/%d/histories", id)))
	if cz := obj(obj(hs[0])["customized"]); cz["type"] != "custom" || obj(cz["parent"])["id"] != json.Number(fmt.Sprint(completed)) {
		t.Errorf("newest history %v", hs[0])
	}
	var found bool
	for _, x := range c.get("/orders/statuses")["data"].([]any) {
		if s := obj(x); s["id"] == json.Number(fmt.Sprint(custom)) {
			found = s["type"] == "custom" && obj(s["parent"])["id"] == json.Number(fmt.Sprint(completed))
		}
	}
	if !found {
		t.Error("the custom status is not listed with its parent")
	}
	filtered := list(c.get(fmt.Sprintf("/orders?status[]=%d", completed)))
	if len(filtered) != 1 {
		t.Errorf("status filter by the original's id: %d orders", len(filtered))
	}
	if inv := list(c.get(fmt.Sprintf("/orders/invoices?order_id=%d", id))); len(inv) != 0 {
		t.Errorf("a store without invoices lists %v", inv)
	}
	// Branch stock.
	jeddah := c.s.AddBranch("فرع جدة")
	if resp, body := c.do("POST", "/products/quantities/bulk", map[string]any{"products": []any{
		map[string]any{"identifer_type": "sku", "identifer": "HON-1", "quantity": 4, "mode": "overwrite", "branch": jeddah}}}); resp.StatusCode != 200 {
		t.Fatalf("bulk to a branch: %d %v", resp.StatusCode, body)
	}
	rows := list(c.get(fmt.Sprintf("/products/quantities?branch=%d", jeddah)))
	main := list(c.get("/products/quantities"))
	if obj(rows[0])["quantity"] != json.Number("4") || obj(main[0])["quantity"] != json.Number("8") {
		t.Errorf("branch %v, default %v", rows[0], main[0])
	}
}
