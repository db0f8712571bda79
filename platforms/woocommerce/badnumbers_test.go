package woocommerce_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/woocommerce/wootest"
	"mizan/storage"
)

// One product and one order carrying a number nobody can book (a price of "NaN", a total of
// 1e1000000000) are each logged and queued for retry on their own; the rest of their pages goes
// through, they are read again on the next sync (not "nothing new"), and once the store sends
// sane values they come in.
func TestBadNumberHoldsBackOnlyItsItem(t *testing.T) {
	h := wootest.NewHarnessWith(t, wootest.Options{})
	h.Seed(8, 20, 3)
	h.Advance(time.Minute)
	bad := h.AddProduct(contract.Product{Title: "Saffron", Variants: []contract.Variant{{SKU: "BAD-1", Price: d("40"), Quantity: 5}}})[0]
	good := h.AddProduct(contract.Product{Title: "Cardamom", Variants: []contract.Variant{{SKU: "GOOD-1", Price: d("30"), Quantity: 9}}})[0]
	badOrder := h.PlaceOrder(contract.Order{Lines: []contract.OrderLine{{VariantID: good, Quantity: 1}}})
	goodOrder := h.PlaceOrder(contract.Order{Lines: []contract.OrderLine{{VariantID: good, Quantity: 2}}})
	id := func(s string) int64 { n, _ := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64); return n }
	h.S.SetRawField(id(bad), "regular_price", `"NaN"`)
	h.S.SetRawField(id(badOrder), "total", `1e1000000000`)
	h.Advance(time.Minute)

	b := contract.Connect(t, h, "", core.ConnectionInput{})
	first := b.Sync(core.SyncRequest{})
	invoiced := func() map[string]bool {
		invs, err := b.DB.Invoices(ctx, storage.InvoiceFilter{Type: storage.SalesInvoice})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, inv := range invs {
			out[inv.Source.OrderName] = true
		}
		return out
	}
	paid := 0
	for _, o := range h.Orders() {
		if o.Paid {
			paid++
		}
	}
	if got := invoiced(); len(got) != paid-1 || got[badOrder] || !got[goodOrder] {
		t.Errorf("%d of %d paid orders invoiced (bad %v, good %v); want all but the bad one\n%s", len(got), paid, got[badOrder], got[goodOrder], b.Logs.String())
	}
	if first.Counts.Errors != 2 {
		t.Errorf("first sync: %+v\n%s", first.Counts, errorLog(t, b))
	}
	product := func(code string) (storage.Product, error) {
		var p storage.Product
		err := b.DB.View(ctx, func(tx *storage.Tx) error {
			var err error
			p, err = tx.ProductByCode(code)
			return err
		})
		return p, err
	}
	if _, err := product("GOOD-1"); err != nil {
		t.Errorf("the product next to the bad one did not come in: %v", err)
	}
	retries := func() map[string]int {
		rows, err := b.DB.SQL().Query(`SELECT kind, store_ref, attempts FROM sync_retries`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var kind, ref string
			var n int
			if err := rows.Scan(&kind, &ref, &n); err != nil {
				t.Fatal(err)
			}
			out[kind+" "+ref] = n
		}
		return out
	}
	if r := retries(); r["product BAD-1"] != 1 || r["order "+badOrder] != 1 || len(r) != 2 {
		t.Fatalf("retry queue: %v", r)
	}
	entries, err := b.Engine.Log(ctx, core.LogFilter{ConnectionID: b.Conn.ID, Level: core.Error})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if len(e.Message) > 600 || !strings.Contains(e.Message, "out of range") && !strings.Contains(e.Message, "not a number") {
			t.Errorf("unclear or overlong error (%d characters): %.300s", len(e.Message), e.Message)
		}
	}

	h.Advance(10 * time.Minute)
	second := b.Sync(core.SyncRequest{})
	if second.Message == "nothing new" || retries()["product BAD-1"] != 2 || retries()["order "+badOrder] != 2 {
		t.Errorf("the next sync did not read the bad items again: %q %v", second.Message, retries())
	}

	h.S.SetRawField(id(bad), "regular_price", "")
	h.S.SetRawField(id(badOrder), "total", "")
	h.Advance(time.Minute)
	b.Sync(core.SyncRequest{})
	if r := retries(); len(r) != 0 {
		t.Errorf("retries left once the store sends sane numbers: %v", r)
	}
	if p, err := product("BAD-1"); err != nil || !p.SalePrice.Equal(decimal.NewFromInt(40)) {
		t.Errorf("BAD-1 after the fix: %+v %v", p, err)
	}
	if !invoiced()[badOrder] {
		t.Errorf("order %s not invoiced after the fix", badOrder)
	}
}

func errorLog(t *testing.T, b *contract.Books) string {
	entries, err := b.Engine.Log(ctx, core.LogFilter{ConnectionID: b.Conn.ID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Level != core.Info {
			out = append(out, string(e.Level)+" "+e.Kind+" "+e.StoreRef+": "+e.Message)
		}
	}
	return strings.Join(out, "\n")
}

// A stock quantity out of range leaves that item out of the stock read, not the whole page.
func TestBadStockQuantityLeavesTheRest(t *testing.T) {
	e := newEnv(t, wootest.Options{}, nil)
	bad, _ := e.srv.AddProduct(wootest.ProductInput{Name: "Saffron", SKU: "BAD-Q", Price: "40", Stock: wootest.IntPtr(5)})
	good, _ := e.srv.AddProduct(wootest.ProductInput{Name: "Cardamom", SKU: "GOOD-Q", Price: "30", Stock: wootest.IntPtr(9)})
	e.srv.SetRawField(bad, "stock_quantity", `1e1000000000`)
	levels := map[string]string{}
	err := e.store.Stock(ctx, time.Time{}, func(p core.StockPage) error {
		for _, l := range p.Levels {
			levels[l.ExternalID] = l.Quantity.String()
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the stock read failed: %v", err)
	}
	if _, ok := levels[strconv.FormatInt(bad, 10)]; ok || levels[strconv.FormatInt(good, 10)] != "9" || !strings.Contains(e.logs.String(), "could not be read") {
		t.Errorf("levels %v\n%s", levels, e.logs.String())
	}
}
