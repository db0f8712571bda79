package contract

import (
	"fmt"
	"strings"
	"testing"

	"mizan/core"
)

// testProductsDown: the store's product pages fail for a whole run (beyond the client's retries)
// while orders keep coming; then the fault clears and one more run completes. Every book value
// and every store value, costs above all, must then be what a clean run leaves: a run that could
// not read the catalogue must not make products from order lines (with no cost) nor let a later
// run push such guesses over the store's values.
func testProductsDown(t *testing.T, open func(t *testing.T) Harness, tr *tracker) {
	play := func(t *testing.T, fault bool) (*Books, Harness, core.RunSummary) {
		h := open(t)
		h.Seed(12, 25, 11)
		h.Advance(minute)
		card := h.AddProduct(Product{Title: "هيل أخضر — Green cardamom", Category: "بهارات", Variants: []Variant{
			{SKU: "PD-CARD", Barcode: "6281000007001", Price: dec("30.00"), Cost: dec("12.40"), Quantity: 30}}})[0]
		honey := h.AddProduct(Product{Title: "عسل سدر", Category: "عسل", Variants: []Variant{
			{Title: "250g", SKU: "PD-HON-250", Price: dec("85.00"), Cost: dec("51.25"), Quantity: 14},
			{Title: "500g", SKU: "PD-HON-500", Price: dec("160.00"), Cost: dec("97.80"), Quantity: 9}}})
		h.Advance(minute)
		h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: card, Quantity: 2}, {VariantID: honey[1], Quantity: 1}}, Shipping: dec("20.00")})
		h.Advance(minute)
		b := tr.connect(t, h, "", core.ConnectionInput{})
		if fault {
			h.Fault(FaultProductsDown)
		}
		first := b.Sync(core.SyncRequest{})
		h.Advance(minute)
		// Orders keep coming while the catalogue cannot be read.
		h.PlaceOrder(Order{Lines: []OrderLine{{VariantID: honey[0], Quantity: 3}}, Customer: &Customer{Name: "نورة الشمري", Phone: "+966551234567"}})
		h.Advance(minute)
		if fault {
			h.Fault(FaultNone)
		}
		b.Sync(core.SyncRequest{})
		return b, h, first
	}
	clean, ch, _ := play(t, false)
	want, wantStore := ledgerless(clean.Dump()), storeValues(clean, ch)
	b, h, first := play(t, true)
	t.Logf("run with the product pages down: outcome %s, %+v", first.Outcome, first.Counts)
	if got := ledgerless(b.Dump()); got != want {
		t.Errorf("books differ from a clean run's:\n%s\nlog:\n%s", diff(want, got), b.errorLog())
	}
	if got := storeValues(b, h); got != wantStore {
		t.Errorf("store differs from a clean run's (sku|name|price|cost|quantity):\n%s", diff(wantStore, got))
	}
	entries, err := b.Engine.Log(ctx, core.LogFilter{ConnectionID: b.Conn.ID, Search: "not in the store's catalogue"})
	must(t, err)
	for _, e := range entries {
		t.Errorf("a product was made from an order line: %s", e.Message)
	}
}

// storeValues is the store's side of every local product, cost included.
func storeValues(b *Books, h Harness) string {
	products, err := b.DB.Products(ctx)
	must(b.T, err)
	var out strings.Builder
	for _, p := range products {
		if v, ok := h.VariantBySKU(p.Code); ok {
			fmt.Fprintf(&out, "%s|%s|%s|%s|%d\n", v.SKU, v.Name, v.Price, v.Cost, v.Quantity)
		}
	}
	return out.String()
}

// ledgerless drops the count of stock movements from a dump; every quantity stays in it. A
// product first read after the store sold some of it arrives with the store's quantity after the
// sale, and the sale's invoice is then balanced by an adjustment: one movement more than when the
// product was read before the sale, to the same quantities.
func ledgerless(dump string) string {
	var out []string
	for _, l := range strings.Split(dump, "\n") {
		if !strings.HasPrefix(l, "movements ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
