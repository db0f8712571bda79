package sallatest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
)

// dump reads the whole store through the API.
func dump(c *client) string {
	var out []any
	for _, path := range []string{"/products?per_page=60", "/products/quantities?per_page=60", "/customers?per_page=60",
		"/orders?per_page=60&sort_by=updated_at-desc", "/orders/invoices?per_page=60"} {
		for pg := 1; ; pg++ {
			body := c.get(fmt.Sprintf("%s&page=%d", path, pg))
			out = append(out, body["data"])
			p := obj(body["pagination"])
			if p["currentPage"] == p["totalPages"] {
				break
			}
		}
	}
	for _, o := range c.s.Orders() {
		out = append(out, c.get(fmt.Sprintf("/orders/%d", o.ID))["data"], c.get(fmt.Sprintf("/orders/items?order_id=%d", o.ID))["data"],
			c.get(fmt.Sprintf("/orders/%d/histories", o.ID))["data"])
	}
	raw, _ := json.Marshal(out)
	return string(raw)
}

func TestSeedIsDeterministic(t *testing.T) {
	a, b, other := start(t, Options{RateLimit: -1}), start(t, Options{RateLimit: -1}), start(t, Options{RateLimit: -1})
	ra := a.s.Seed(SeedOptions{Products: 30, Orders: 150, Seed: 42})
	rb := b.s.Seed(SeedOptions{Products: 30, Orders: 150, Seed: 42})
	other.s.Seed(SeedOptions{Products: 30, Orders: 150, Seed: 43})
	if !reflect.DeepEqual(ra, rb) {
		t.Fatalf("results differ: %+v %+v", ra, rb)
	}
	da, db := dump(a), dump(b)
	if da != db {
		t.Fatal("two stores seeded alike answer differently")
	}
	if dump(other) == da {
		t.Fatal("another seed gives the same store")
	}
	// The seed makes every kind of order the connection has to handle.
	for name, n := range map[string]int{"guests": ra.Guests, "coupons": ra.Coupons, "COD": ra.COD, "restored": ra.Restored,
		"canceled": ra.Canceled, "credit notes": ra.CreditNotes, "custom status": ra.Custom, "variants": ra.Variants} {
		if n == 0 {
			t.Errorf("no %s in %+v", name, ra)
		}
	}
	t.Logf("seed: %+v", ra)
	for _, x := range a.s.Sellables() {
		if x.Quantity < 0 {
			t.Errorf("%s (%d) has %d in stock after the seed", x.SKU, x.ID, x.Quantity)
		}
	}
}

func dec(v any) decimal.Decimal {
	switch x := v.(type) {
	case json.Number:
		return decimal.RequireFromString(x.String())
	case string:
		return decimal.RequireFromString(x)
	}
	panic(fmt.Sprintf("not a number: %#v", v))
}

// TestMoneyAddsUp checks every seeded order as the API shows it: the amounts add up to the
// total, the items to the sub-total and discount, and credit notes never give back more than
// the invoice (a restored order's to the halala).
func TestMoneyAddsUp(t *testing.T) {
	c := start(t, Options{RateLimit: -1})
	c.s.Seed(SeedOptions{Products: 40, Orders: 300, Seed: 7})
	for _, info := range c.s.Orders() {
		d := obj(c.get(fmt.Sprintf("/orders/%d?format=light", info.ID))["data"])
		a := obj(d["amounts"])
		sub, ship, cod := dec(obj(a["sub_total"])["amount"]), dec(obj(a["shipping_cost"])["amount"]), dec(obj(a["cash_on_delivery"])["amount"])
		tax, total := dec(obj(obj(a["tax"])["amount"])["amount"]), dec(obj(a["total"])["amount"])
		var disc decimal.Decimal
		for _, x := range a["discounts"].([]any) {
			disc = disc.Add(dec(obj(x)["discount"]))
		}
		if got := sub.Sub(disc).Add(ship).Add(cod).Add(tax); !got.Equal(total) {
			t.Errorf("order %d: %s − %s + %s + %s + %s = %s, total %s", info.ID, sub, disc, ship, cod, tax, got, total)
		}
		// The tax takes the roundings of the amounts shown without VAT: half a halala for each
		// unit, the discount, the shipping and the COD fee, times 1.15.
		var units int64
		for _, x := range list(c.get(fmt.Sprintf("/orders/items?order_id=%d", info.ID))) {
			units += dec(obj(x)["quantity"]).IntPart()
		}
		slack := decimal.New(units+3, -2).Mul(decimal.RequireFromString("0.575"))
		if want := sub.Sub(disc).Add(ship).Add(cod).Mul(vat); tax.Sub(want).Abs().GreaterThan(slack) {
			t.Errorf("order %d: tax %s, 15%% is %s (more than %s apart)", info.ID, tax, want, slack)
		}
		var itemSub, itemDisc, itemTotal decimal.Decimal
		for _, x := range list(c.get(fmt.Sprintf("/orders/items?order_id=%d", info.ID))) {
			it := obj(x)
			if _, has := it["product_id"]; has {
				t.Fatalf("an item has a product id: %v", it)
			}
			ia := obj(it["amounts"])
			q := dec(it["quantity"])
			line := dec(obj(ia["price_without_tax"])["amount"]).Mul(q)
			itemSub, itemDisc = itemSub.Add(line), itemDisc.Add(dec(obj(ia["total_discount"])["amount"]))
			it1 := dec(obj(obj(ia["tax"])["amount"])["amount"])
			itemTotal = itemTotal.Add(dec(obj(ia["total"])["amount"]))
			if got := line.Sub(dec(obj(ia["total_discount"])["amount"])).Add(it1); !got.Equal(dec(obj(ia["total"])["amount"])) {
				t.Errorf("order %d item %v: parts %s, total %v", info.ID, it["id"], got, obj(ia["total"])["amount"])
			}
		}
		if !itemSub.Equal(sub) || !itemDisc.Equal(disc) {
			t.Errorf("order %d: items %s − %s, order %s − %s", info.ID, itemSub, itemDisc, sub, disc)
		}
		// With VAT-inclusive prices, the items' totals and the charged shipping and COD fee
		// are what the shopper paid.
		c.s.mu.Lock()
		o := c.s.st.orders[info.ID]
		paid := itemTotal.Add(o.shipping).Add(o.cod)
		c.s.mu.Unlock()
		if !paid.Equal(total) {
			t.Errorf("order %d: items %s + shipping %s + COD %s, total %s", info.ID, itemTotal, o.shipping, o.cod, total)
		}
		var invoice, credited decimal.Decimal
		for _, x := range list(c.get(fmt.Sprintf("/orders/invoices?order_id=%d", info.ID))) {
			doc := obj(x)
			dsub, ddisc := dec(obj(doc["sub_total"])["amount"]), dec(obj(doc["discount"])["amount"])
			dship, dcod := dec(obj(doc["shipping_cost"])["amount"]), dec(obj(doc["cod_cost"])["amount"])
			dtax, dtot := dec(obj(obj(doc["tax"])["amount"])["amount"]), dec(obj(doc["total"])["amount"])
			if got := dsub.Sub(ddisc).Add(dship).Add(dcod).Add(dtax); !got.Equal(dtot) {
				t.Errorf("order %d %s %v: parts %s, total %s", info.ID, doc["type"], doc["id"], got, dtot)
			}
			if doc["type"] == "Tax Invoice" {
				invoice = dtot
			} else {
				credited = credited.Add(dtot)
			}
		}
		if credited.GreaterThan(invoice) {
			t.Errorf("order %d: credit notes %s over the invoice %s", info.ID, credited, invoice)
		}
		if info.Status == StatusRestored && !credited.Equal(invoice) {
			t.Errorf("restored order %d: credit notes %s, invoice %s", info.ID, credited, invoice)
		}
		if (info.Status == StatusCompleted || info.Status == StatusRestored) && !invoice.Equal(total) {
			t.Errorf("order %d (%s): invoice %s, order total %s", info.ID, info.Status, invoice, total)
		}
	}
}
