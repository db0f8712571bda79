package zid_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/zid"
	"mizan/platforms/zid/zidtest"
	"mizan/storage"
)

// The order scenarios, to the halala, through the engine into real books: each invoice's total
// is the store's, and its parts add up to it.
func TestOrderScenarios(t *testing.T) {
	ctx := context.Background()
	h := zidtest.NewHarness(t, zidtest.HarnessOptions{Platform: zid.Platform()})
	s := h.S
	d := decimal.RequireFromString
	_, dates := s.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "تمر سكري فاخر"}, SKU: "DATE-1K", Price: d("57.50"), Quantity: 50})
	_, coffee := s.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "قهوة", En: "Coffee"}, Option: "الحجم",
		Variants: []zidtest.VariantInput{{Value: "250 غ", SKU: "COF-250", Price: d("39.90"), Quantity: 40}, {Value: "1 كغ", SKU: "COF-1K", Price: d("129"), Quantity: 10}}})
	buyer := s.AddCustomer(zidtest.CustomerInput{Name: "سارة القحطاني", Email: "sara@example.sa", Mobile: "966551112233"})
	delivered := zidtest.StatusDelivered
	place := func(in zidtest.OrderInput) string {
		t.Helper()
		in.Status = delivered
		id, err := s.PlaceOrder(in)
		if err != nil {
			t.Fatal(err)
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	registered := place(zidtest.OrderInput{CustomerID: buyer, Lines: []zidtest.LineInput{{ID: dates[0], Quantity: 3}}})
	guest := place(zidtest.OrderInput{Guest: zidtest.CustomerInput{Name: "ضيف", Mobile: "966500000001"}, Lines: []zidtest.LineInput{{ID: coffee[0], Quantity: 1}}})
	coupon := place(zidtest.OrderInput{CustomerID: buyer, Lines: []zidtest.LineInput{{ID: coffee[0], Quantity: 2}, {ID: coffee[1], Quantity: 1}},
		Coupon: "RAMADAN", Percent: d("10"), Shipping: d("25")})
	cod := place(zidtest.OrderInput{Guest: zidtest.CustomerInput{Name: "ضيف آخر", Mobile: "966500000002"}, Lines: []zidtest.LineInput{{ID: dates[0], Quantity: 1}},
		Shipping: d("20"), COD: d("10")})
	partial := place(zidtest.OrderInput{CustomerID: buyer, Lines: []zidtest.LineInput{{ID: dates[0], Quantity: 2}, {ID: coffee[1], Quantity: 1}}, Shipping: d("15")})
	full := place(zidtest.OrderInput{CustomerID: buyer, Lines: []zidtest.LineInput{{ID: coffee[0], Quantity: 3}}, Shipping: d("15")})
	edited := place(zidtest.OrderInput{CustomerID: buyer, Lines: []zidtest.LineInput{{ID: dates[0], Quantity: 4}}})
	h.Advance(time.Minute)
	b := contract.Connect(t, h, "", core.ConnectionInput{})
	sum := b.Sync(core.SyncRequest{Trigger: core.TriggerManual})
	if sum.Counts.Errors > 0 {
		t.Fatalf("first sync: %+v\n%s", sum.Counts, b.Logs.String())
	}

	// A partial reversal by credit note, a full reversal, and an order edited after it was invoiced.
	h.Advance(time.Minute)
	editedTotal := decimal.Zero
	for _, o := range s.Orders() {
		if "#"+strconv.FormatInt(o.ID, 10) == edited {
			editedTotal = o.Total
		}
	}
	id := func(name string) int64 { n, _ := strconv.ParseInt(strings.TrimPrefix(name, "#"), 10, 64); return n }
	if err := s.CreditNote(id(partial), []zidtest.CreditLine{{Line: 0, Quantity: 1, Restock: true}}, false, decimal.Zero); err != nil {
		t.Fatal(err)
	}
	if err := s.Reverse(id(full)); err != nil {
		t.Fatal(err)
	}
	if err := s.EditOrder(id(edited), 0, 2); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Minute)
	sum = b.Sync(core.SyncRequest{Trigger: core.TriggerManual})
	if sum.Counts.Errors > 0 {
		t.Fatalf("second sync: %+v", sum.Counts)
	}

	invs, err := b.DB.FullInvoices(ctx, storage.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byOrder := map[string][]storage.Invoice{}
	for _, inv := range invs {
		byOrder[inv.Source.OrderName] = append(byOrder[inv.Source.OrderName], inv)
		if parts := inv.Subtotal.Sub(inv.Discount).Add(inv.Shipping).Add(inv.OtherCharges).Add(inv.Tax); !parts.Equal(inv.Total) {
			t.Errorf("%s %s: parts %s, total %s", inv.Number, inv.Source.OrderName, parts, inv.Total)
		}
	}
	store := map[string]zidtest.OrderInfo{}
	for _, o := range s.Orders() {
		store["#"+strconv.FormatInt(o.ID, 10)] = o
	}
	cases := []struct {
		name, order    string
		returns        int
		walkIn         bool
		shipping, fees bool
	}{
		{name: "registered", order: registered},
		{name: "guest", order: guest, walkIn: true},
		{name: "coupon, shipping and VAT", order: coupon, shipping: true},
		{name: "cash on delivery", order: cod, walkIn: true, shipping: true, fees: true},
		{name: "partial reversal by credit note", order: partial, returns: 1, shipping: true},
		{name: "full reversal", order: full, returns: 1, shipping: true},
		{name: "edited after invoicing", order: edited},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var sale *storage.Invoice
			var rets []storage.Invoice
			for i, inv := range byOrder[tc.order] {
				if inv.Type == storage.SalesInvoice {
					sale = &byOrder[tc.order][i]
				} else {
					rets = append(rets, inv)
				}
			}
			if sale == nil {
				t.Fatalf("no sales invoice for %s", tc.order)
			}
			o := store[tc.order]
			want := o.Total
			if tc.order == edited {
				want = editedTotal // invoiced as it was; the edit is not written over it
				if o.Total.Equal(editedTotal) {
					t.Fatalf("the edit did not change the store's total %s", o.Total)
				}
			}
			if !sale.Total.Equal(want) {
				t.Errorf("invoice total %s, the store's %s", sale.Total, want)
			}
			if (sale.Client.Name == "Walk-in customer") != tc.walkIn {
				t.Errorf("client %q", sale.Client.Name)
			}
			if tc.shipping != sale.Shipping.IsPositive() || tc.fees != sale.OtherCharges.IsPositive() {
				t.Errorf("shipping %s, other charges %s", sale.Shipping, sale.OtherCharges)
			}
			if tc.order == coupon && !sale.Discount.IsPositive() {
				t.Errorf("the coupon is not the invoice's discount: %+v", sale)
			}
			if len(rets) != tc.returns {
				t.Fatalf("%d returns, want %d", len(rets), tc.returns)
			}
			paid := decimal.Zero
			for _, r := range rets {
				paid = paid.Add(r.Total)
			}
			credits := decimal.Zero
			for _, c := range o.Credits {
				credits = credits.Add(c)
			}
			if tc.returns > 0 && !paid.Equal(credits) && !(tc.order == full && paid.Equal(o.Total)) {
				t.Errorf("returns %s, the store's credit notes %s (order %s)", paid, credits, o.Total)
			}
		})
	}
	// The edit is warned of in the log, not booked.
	warnings, err := b.Engine.Log(ctx, core.LogFilter{ConnectionID: b.Conn.ID, Level: core.Warning, Search: edited})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Message, "changed in the store after it was invoiced") {
		t.Errorf("warnings about %s: %+v", edited, warnings)
	}
}
