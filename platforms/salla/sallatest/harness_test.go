package sallatest

import (
	"net/url"
	"testing"

	"github.com/shopspring/decimal"

	"mizan/platforms/contract"
)

// TestHarness drives the store the way the contract suite does and checks what it reports.
func TestHarness(t *testing.T) {
	h := NewHarness(t, HarnessOptions{})
	ids := h.AddProduct(contract.Product{Title: "قهوة", Category: "قهوة", Variants: []contract.Variant{
		{Title: "250g", SKU: "C-250", Price: decimal.RequireFromString("35.00"), Cost: decimal.RequireFromString("18.50"), Quantity: 40},
		{Title: "500g", SKU: "C-500", Price: decimal.RequireFromString("65.00"), Quantity: 25}}})
	soap := h.AddProduct(contract.Product{Title: "صابون", Variants: []contract.Variant{{SKU: "SOAP", Price: decimal.RequireFromString("12.35"), Quantity: 100}}})[0]
	if v, ok := h.VariantBySKU("C-250"); !ok || v.Name != "قهوة - 250g" || !v.Cost.Equal(decimal.RequireFromString("18.5")) || v.Quantity != 40 {
		t.Fatalf("variant %+v", v)
	}
	guest := h.PlaceOrder(contract.Order{Lines: []contract.OrderLine{{VariantID: ids[0], Quantity: 2}, {VariantID: soap, Quantity: 3}},
		Discount: decimal.RequireFromString("10.00"), Shipping: decimal.RequireFromString("25.00")})
	member := h.PlaceOrder(contract.Order{Lines: []contract.OrderLine{{VariantID: ids[1], Quantity: 1}},
		Customer: &contract.Customer{Name: "سارة الحربي", Phone: "+966501234567"}, TaxExclusive: true})
	h.Refund(guest, contract.Refund{Lines: []contract.RefundLine{{Line: 0, Quantity: 1, Restock: true}}})
	h.Refund(guest, contract.Refund{Shipping: true})
	h.Cancel(member)
	if v, _ := h.Variant(ids[0]); v.Quantity != 39 {
		t.Errorf("after a sale of 2 and a restocked return of 1: %d", v.Quantity)
	}
	if v, _ := h.Variant(ids[1]); v.Quantity != 25 {
		t.Errorf("a cancelled order's unit is not back: %d", v.Quantity)
	}
	got := map[string]contract.OrderTotals{}
	for _, o := range h.Orders() {
		got[o.Name] = o
	}
	g, m := got[guest], got[member]
	if !g.Guest || !g.Paid || len(g.RefundTotals) != 2 || g.Lines["C-250"] != 1 || g.Lines["SOAP"] != 3 {
		t.Errorf("guest order %+v", g)
	}
	// Prices with VAT: the shopper pays 2×35 + 3×12.35 − 10 + 25.
	if want := decimal.RequireFromString("122.05"); !g.Total.Equal(want) {
		t.Errorf("guest total %s, want %s", g.Total, want)
	}
	if !m.Cancelled || m.Paid || m.Guest || !m.Total.Equal(decimal.RequireFromString("74.75")) {
		t.Errorf("member order %+v", m)
	}
	// Config hands out the current pair after the client renewed it.
	before := h.Config().Credentials
	c := &client{t: t, hs: h.HS, s: h.S}
	code, body := c.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {before[CredRefreshToken]},
		"client_id": {before[CredClientID]}, "client_secret": {before[CredClientSecret]}})
	if code != 200 {
		t.Fatalf("refresh: %d %v", code, body)
	}
	if after := h.Config().Credentials; after[CredAccessToken] != body["access_token"] || after[CredRefreshToken] != body["refresh_token"] {
		t.Errorf("Config after a refresh gives %v", after)
	}
	// Every contract fault is mapped to something the store does.
	for _, f := range contract.AllFaults {
		before := h.S.PendingFaults()
		h.Fault(f)
		if h.S.PendingFaults() == before {
			t.Errorf("fault %s queued nothing", f)
		}
	}
	h.Fault(contract.FaultNone)
	if h.S.PendingFaults() != 0 {
		t.Error("FaultNone left faults")
	}
}
