package woocommerce_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/woocommerce/wootest"
	"mizan/storage"
)

// syncSeeded connects fresh books to a seeded store and syncs once.
func syncSeeded(t testing.TB, products, orders int) (*wootest.Harness, *contract.Books, core.RunSummary, time.Duration) {
	h := wootest.NewHarnessWith(t, wootest.Options{PricesIncludeTax: true})
	h.Seed(products, orders, 7)
	b := contract.Connect(t, h, "", core.ConnectionInput{})
	start := time.Now()
	sum, err := b.Engine.SyncNow(ctx, b.Conn.ID, core.SyncRequest{})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return h, b, sum, time.Since(start)
}

func TestEngineInvoicesMatchStoreTotals(t *testing.T) {
	h, b, sum, _ := syncSeeded(t, 60, 300)
	if sum.Counts.Errors != 0 {
		t.Fatalf("run had %d errors: %+v\n%s", sum.Counts.Errors, sum, b.Logs)
	}
	invs, err := b.DB.FullInvoices(ctx, storage.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sales := map[string]decimal.Decimal{}
	returns := map[string]int{}
	for _, inv := range invs {
		if inv.Type == storage.SalesInvoice {
			sales[inv.Source.OrderName] = inv.Total
		} else {
			returns[inv.Source.OrderName]++
		}
	}
	checked, refunded := 0, 0
	for _, o := range h.S.Orders() {
		name := "#" + decimal.NewFromInt(o.ID).String()
		if o.Status != "processing" && o.Status != "completed" {
			if _, ok := sales[name]; ok {
				t.Fatalf("order %s (%s) was invoiced", name, o.Status)
			}
			continue
		}
		got, ok := sales[name]
		if !ok || !got.Equal(o.Total) {
			t.Fatalf("order %s: invoice total %s (found %v), store total %s", name, got, ok, o.Total)
		}
		if len(o.Refunds) > 0 {
			refunded++
			if returns[name] != len(o.Refunds) {
				t.Fatalf("order %s: %d refunds, %d return invoices", name, len(o.Refunds), returns[name])
			}
		}
		checked++
	}
	if checked < 150 || refunded == 0 {
		t.Fatalf("only %d invoiced orders, %d with refunds", checked, refunded)
	}
	// A second run changes nothing: no echo.
	h.Advance(time.Minute)
	again, err := b.Engine.SyncNow(ctx, b.Conn.ID, core.SyncRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if c := again.Counts; c.Invoices+c.Returns+c.StoreUpdated+c.StoreCreated+c.ProductsCreated+c.Errors != 0 {
		t.Fatalf("second run did something: %+v", c)
	}
}
