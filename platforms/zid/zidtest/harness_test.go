package zidtest

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mizan/core"
	"mizan/platforms/contract"
)

// TestHarness drives the store the way the contract suite does and checks what it reports.
func TestHarness(t *testing.T) {
	h := NewHarness(t, HarnessOptions{})
	ids := h.AddProduct(contract.Product{Title: "قهوة", Category: "قهوة", Variants: []contract.Variant{
		{Title: "250g", SKU: "C-250", Price: d("35.00"), Cost: d("18.50"), Quantity: 40},
		{Title: "500g", SKU: "C-500", Price: d("65.00"), Quantity: 25}}})
	soap := h.AddProduct(contract.Product{Title: "Olive oil soap", Variants: []contract.Variant{{SKU: "SOAP", Price: d("12.35"), Quantity: 100}}})[0]
	if v, ok := h.VariantBySKU("C-250"); !ok || v.Name != "قهوة - 250g" || !v.Cost.Equal(d("18.5")) || v.Quantity != 40 {
		t.Fatalf("variant %+v", v)
	}
	if v, _ := h.Variant(soap); v.Name != "Olive oil soap" {
		t.Errorf("an English-only product reads %q", v.Name)
	}
	h.Rename(soap, "Olive soap")
	if in, _ := h.S.Sellable(soap); in.Name.En != "Olive soap" || in.Name.Ar != "" {
		t.Errorf("renamed %+v", in.Name)
	}
	guest := h.PlaceOrder(contract.Order{Lines: []contract.OrderLine{{VariantID: ids[0], Quantity: 2}, {VariantID: soap, Quantity: 3}},
		Discount: d("10.00"), Shipping: d("25.00")})
	member := h.PlaceOrder(contract.Order{Lines: []contract.OrderLine{{VariantID: ids[1], Quantity: 1}},
		Customer: &contract.Customer{Name: "سارة الحربي", Phone: "+966501234567"}, TaxExclusive: true, Shipping: d("15")})
	again := h.PlaceOrder(contract.Order{Lines: []contract.OrderLine{{VariantID: soap, Quantity: 1}},
		Customer: &contract.Customer{Name: "سارة", Phone: "0501234567"}})
	byID := map[string]int64{}
	for _, o := range h.S.Orders() {
		byID["#"+strconv.FormatInt(o.ID, 10)] = o.CustomerID
	}
	if byID[again] != byID[member] {
		t.Errorf("the same mobile written two ways made two customers")
	}
	h.Refund(guest, contract.Refund{Lines: []contract.RefundLine{{Line: 0, Quantity: 1, Restock: true}}})
	h.Refund(guest, contract.Refund{Shipping: true})
	h.Refund(guest, contract.Refund{Amount: d("5")})
	h.Cancel(member)
	if v, _ := h.Variant(ids[0]); v.Quantity != 39 {
		t.Errorf("after a sale of 2 and a restocked return of 1: %d", v.Quantity)
	}
	if v, _ := h.Variant(ids[1]); v.Quantity != 25 {
		t.Errorf("a reversed order's unit is not back: %d", v.Quantity)
	}
	got := map[string]contract.OrderTotals{}
	for _, o := range h.Orders() {
		got[o.Name] = o
	}
	g, m := got[guest], got[member]
	if !g.Guest || !g.Paid || g.Cancelled || len(g.RefundTotals) != 3 || g.Lines["C-250"] != 1 || g.Lines["SOAP"] != 3 {
		t.Errorf("guest order %+v", g)
	}
	// Prices with VAT: the shopper pays 2×35 + 3×12.35 − 10 + 25; one coffee back is 35 less
	// its share of the discount; the shipping back is 25.
	if !g.Total.Equal(d("122.05")) || !g.Shipping.Equal(d("25")) || !g.RefundTotals[1].Equal(d("25")) || !g.RefundTotals[2].Equal(d("5")) {
		t.Errorf("guest totals %+v", g)
	}
	// Without VAT: 65 + 15, and 15% on top.
	if !m.Cancelled || !m.Paid || m.Guest || !m.Total.Equal(d("92.00")) || len(m.Lines) != 0 {
		t.Errorf("member order %+v", m)
	}
	// Config hands out the current grant after the client renewed it, with the redirect address
	// it was issued for; the store's id is an option.
	before := h.Config().Credentials
	if len(before) != 7 || before[CredRedirectURI] != HarnessRedirect || h.App().RedirectURI != HarnessRedirect {
		t.Errorf("credentials %v", before)
	}
	if opts := h.Config().Options; len(opts) != 1 || opts[OptStoreID] != "204857" {
		t.Errorf("options %v", opts)
	}
	c := &client{t: t, hs: h.HS, s: h.S}
	code, body := c.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {before[CredRefreshToken]},
		"client_id": {before[CredClientID]}, "client_secret": {before[CredClientSecret]}, "redirect_uri": {h.App().RedirectURI}})
	if code != 200 {
		t.Fatalf("refresh: %d %v", code, body)
	}
	after := h.Config().Credentials
	if after[CredAccessToken] != body["access_token"] || after[CredAuthorization] != body["Authorization"] || after[CredRefreshToken] != body["refresh_token"] {
		t.Errorf("Config after a refresh gives %v", after)
	}
	// Every contract fault is mapped to something the store does.
	for _, f := range append(contract.AllFaults, contract.FaultProductsDown) {
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

// TestHarnessGivesWhatTheClientRegisters: the harness's credentials must be exactly the ones
// its platform registers, and its options ones it registers.
func TestHarnessGivesWhatTheClientRegisters(t *testing.T) {
	p := core.Platform{Name: "zid", Credentials: []core.CredentialField{{Key: CredAccessToken}, {Key: CredRefreshToken}},
		Options: []core.OptionField{{Key: OptStoreID}}}
	for _, tc := range []struct {
		name  string
		creds map[string]string
		opts  map[string]string
		want  string // in the error; "" for none
	}{
		{"exact", map[string]string{CredAccessToken: "a", CredRefreshToken: "r"}, map[string]string{OptStoreID: "1"}, ""},
		{"no options", map[string]string{CredAccessToken: "a", CredRefreshToken: "r"}, nil, ""},
		{"an extra credential", map[string]string{CredAccessToken: "a", CredRefreshToken: "r", OptStoreID: "1"}, nil, `does not register ["store_id"]`},
		{"a missing credential", map[string]string{CredAccessToken: "a"}, nil, `lacks ["refresh_token"]`},
		{"an unknown option", map[string]string{CredAccessToken: "a", CredRefreshToken: "r"}, map[string]string{"location_id": "x"}, `options it does not register ["location_id"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := registered(p, tc.creds, tc.opts)
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	if err := registered(core.Platform{}, map[string]string{"x": "y"}, nil); err != nil {
		t.Errorf("a platform that registers nothing: %v", err)
	}
}
