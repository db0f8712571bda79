package woocommerce_test

import (
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/woocommerce/wootest"
)

// BenchmarkImport imports a seeded store (MIZAN_BENCH_PRODUCTS products, 2,000 by default, and
// MIZAN_BENCH_ORDERS orders, 10,000 by default) from the WooCommerce test store on loopback into
// new books, then runs a sync that finds nothing new. It reports orders per second, the API
// requests made and the fewest the paging rules allow (100 per page), and the idle sync's time
// and requests. make bench runs it under /usr/bin/time -v for the peak memory.
func BenchmarkImport(b *testing.B) {
	products, orders := contract.BenchSize()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := wootest.NewHarnessWith(b, wootest.Options{PricesIncludeTax: true, COGS: true})
		h.Seed(products, orders, 7)
		h.Advance(time.Minute)
		bk := contract.Connect(b, h, "", core.ConnectionInput{})
		sum, elapsed, calls := contract.Import(b, h, bk)
		// An idle store past the safety overlap: the sync asks only what it must.
		h.Advance(5 * time.Minute)
		bk.Engine.SyncNow(ctx, bk.Conn.ID, core.SyncRequest{})
		h.Advance(time.Minute)
		req1 := h.Requests()
		idleStart := time.Now()
		if _, err := bk.Engine.SyncNow(ctx, bk.Conn.ID, core.SyncRequest{}); err != nil {
			b.Fatal(err)
		}
		idle := time.Since(idleStart)
		idleCalls := h.Requests() - req1

		var variations, parents, refunded int
		variable := map[int64]bool{}
		for _, p := range h.S.Products() {
			if p.Type == "variation" {
				variations++
				variable[p.ParentID] = true
			} else {
				parents++
			}
		}
		for _, o := range h.S.Orders() {
			if len(o.Refunds) > 0 {
				refunded++
			}
		}
		// The fewest requests the REST API allows: the store's status; the products at 100 a page
		// and each variable product's variations, once for the catalogue and once for stock; the
		// orders at 100 a page; and each refunded order's refunds.
		least := 1 + 2*((parents+99)/100+len(variable)) + (orders+99)/100 + refunded
		b.ReportMetric(float64(orders)/elapsed.Seconds(), "orders/s")
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(float64(least), "min-calls")
		b.ReportMetric(float64(idle.Milliseconds()), "idle-ms")
		b.ReportMetric(float64(idleCalls), "idle-calls")
		b.Logf("%d products (%d variations), %d orders: %d invoices, %d returns in %v; %d requests (at least %d); idle sync %v in %d requests",
			parents, variations, orders, sum.Counts.Invoices, sum.Counts.Returns, elapsed.Round(time.Millisecond),
			calls, least, idle.Round(time.Millisecond), idleCalls)
	}
}
