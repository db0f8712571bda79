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

// TestReturns: a partial Credit Note gives back its items' share; restoring the order gives
// back the rest to the halala and restocks what was not yet returned.
func TestReturns(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	_, vids := c.s.AddProduct(ProductInput{Name: "قهوة", Option: "الحجم", Variants: []VariantInput{
		{Value: "250g", SKU: "C-250", Price: decimal.RequireFromString("35.00"), Quantity: 10},
		{Value: "1kg", SKU: "C-1K", Price: decimal.RequireFromString("120.00"), Quantity: 5}}})
	id, err := c.s.PlaceOrder(OrderInput{Lines: []LineInput{{ID: vids[0], Quantity: 3}, {ID: vids[1], Quantity: 1}},
		Coupon: "EID15", Percent: decimal.NewFromInt(15), Shipping: decimal.NewFromInt(20), COD: decimal.NewFromInt(10),
		Status: StatusCompleted, Guest: CustomerInput{First: "ضيف"}})
	if err != nil {
		t.Fatal(err)
	}
	// 3×35 + 120 = 225; 15% off: 33.75; + 20 + 10 = 221.25, all with VAT.
	if o := c.s.Orders()[0]; !o.Total.Equal(decimal.RequireFromString("221.25")) || o.Coupon != "EID15" {
		t.Fatalf("order %+v", o)
	}
	if err := c.s.CreditNote(id, []CreditLine{{Line: 0, Quantity: 1, Restock: true}}, false, decimal.Zero); err != nil {
		t.Fatal(err)
	}
	docs := list(c.get(fmt.Sprintf("/orders/invoices?order_id=%d", id)))
	if len(docs) != 2 || obj(docs[0])["type"] != "Tax Invoice" || obj(docs[1])["type"] != "Credit Note" {
		t.Fatalf("documents %v", docs)
	}
	// One of three coffees: a third of its line (105 − 15.75 = 89.25 paid) is 29.75.
	cn := obj(docs[1])
	if got := dec(obj(cn["total"])["amount"]); !got.Equal(decimal.RequireFromString("29.75")) {
		t.Errorf("credit note total %s", got)
	}
	if items := cn["items"].([]any); len(items) != 1 || obj(items[0])["quantity"] != json.Number("1") {
		t.Errorf("credit note items %v", cn["items"])
	}
	if err := c.s.SetStatus(id, StatusRestored); err != nil {
		t.Fatal(err)
	}
	var credited decimal.Decimal
	for _, x := range list(c.get(fmt.Sprintf("/orders/invoices?order_id=%d", id)))[1:] {
		credited = credited.Add(dec(obj(obj(x)["total"])["amount"]))
	}
	if !credited.Equal(decimal.RequireFromString("221.25")) {
		t.Errorf("credit notes give back %s of 221.25", credited)
	}
	if q, _ := c.s.Stock(vids[0], 0); q != 10 {
		t.Errorf("coffee stock %d after the sale, a restocked return and the restore", q)
	}
	if q, _ := c.s.Stock(vids[1], 0); q != 5 {
		t.Errorf("1kg stock %d after the restore", q)
	}
}
