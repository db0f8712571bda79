package zid_test

import (
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/zid"
	"mizan/platforms/zid/zidtest"
)

// BenchmarkImport imports a seeded store (MIZAN_BENCH_PRODUCTS products, 2,000 by default, and
// MIZAN_BENCH_ORDERS orders, 10,000 by default) from the Zid test store on loopback into new
// books, its rate limit off. It reports the API requests made against the fewest the API allows,
// and the wall time Zid's limit of 60 requests a minute on its product endpoints imposes on
// them.
//
// The fewest counted here are the profile, the locations, the product pages (50 a page, with
// their variants and stock), the order pages (100 a page, with their products and invoice
// figures), and one credit-notes request for each order being returned or returned (Zid has no
// list of a store's credit notes). Stock needs no request of its own: a full import reads it
// with the catalogue.
func BenchmarkImport(b *testing.B) {
	products, orders := contract.BenchSize()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := zidtest.NewHarness(b, zidtest.HarnessOptions{Platform: zid.Platform()})
		h.S.Seed(zidtest.SeedOptions{Products: products, Orders: orders, Seed: 7})
		h.Advance(time.Minute)
		bk := contract.Connect(b, h, "", core.ConnectionInput{})
		prod0 := h.S.RequestsTo("/v1/products") + h.S.RequestsTo("/v1/locations")
		sum, elapsed, calls := contract.Import(b, h, bk)
		catalogue := h.S.RequestsTo("/v1/products") + h.S.RequestsTo("/v1/locations") - prod0
		sellables, parents := 0, map[string]bool{}
		for _, s := range h.S.Sellables() {
			sellables++
			parents[s.ProductID] = true
		}
		returned := 0
		for _, o := range h.S.Orders() {
			switch o.Status {
			case zidtest.StatusReverseInProgress, zidtest.StatusPartiallyReversed, zidtest.StatusReversed:
				returned++
			}
		}
		pages := func(n, size int) int { return max(1, (n+size-1)/size) }
		leastCatalogue := 1 + pages(len(parents), 50)
		least := 1 + leastCatalogue + pages(orders, 100) + returned
		// At 60 a minute, counted in any minute: the first 60 go at once, each further 60 a minute later.
		at := func(n int) time.Duration {
			if n <= zid.ProductLimit {
				return 0
			}
			return time.Duration((n-1)/zid.ProductLimit) * time.Minute
		}
		b.ReportMetric(float64(orders)/elapsed.Seconds(), "orders/s")
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(float64(least), "min-calls")
		b.ReportMetric(float64(catalogue), "product-calls")
		b.ReportMetric(at(catalogue).Minutes(), "limit-min")
		b.Logf("%d products (%d sellable), %d orders: %d invoices, %d returns in %v; %d requests (at least %d), %d of them to the product endpoints (at least %d): Zid's 60 a minute adds %v (at least %v)",
			len(parents), sellables, orders, sum.Counts.Invoices, sum.Counts.Returns, elapsed.Round(time.Millisecond),
			calls, least, catalogue, leastCatalogue, at(catalogue).Round(time.Second), at(leastCatalogue).Round(time.Second))
	}
}
