package salla_test

import (
	"strconv"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
)

// BenchmarkImport imports a seeded store (MIZAN_BENCH_PRODUCTS products, 2,000 by default, and
// MIZAN_BENCH_ORDERS orders, 10,000 by default) from the Salla test store on loopback into new
// books, its rate limit off. It reports the API requests made against the fewest the API allows,
// and the wall time those requests need at the Plus plan's 120 a minute (a bucket of 120, then
// 2 a second).
//
// The fewest counted here are the user info, the branches, the statuses, the product and
// quantity pages, the order pages, two requests an order (Salla's order list has no change time,
// amounts or items, so each order costs its light detail and its items) and the store-wide
// invoice pages. The gap is the history read for each restored or cancelled order (to date its
// return) and the variants read for products listed without their skus.
func BenchmarkImport(b *testing.B) {
	products, orders := contract.BenchSize()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := sallatest.NewHarness(b, sallatest.HarnessOptions{Platform: salla.Platform(), Credentials: credentials})
		h.S.Seed(sallatest.SeedOptions{Products: products, Orders: orders, Seed: 7})
		h.Advance(time.Minute)
		bk := contract.Connect(b, h, "", core.ConnectionInput{})
		sum, elapsed, calls := contract.Import(b, h, bk)
		sellables, parents := 0, map[int64]bool{}
		for _, s := range h.S.Sellables() {
			sellables++
			parents[s.ProductID] = true
		}
		docs := 0
		for _, o := range h.S.Orders() {
			docs += len(o.Credits)
			if o.Invoiced {
				docs++
			}
		}
		pages := func(n int) int { return (n + 59) / 60 }
		least := 3 + pages(len(parents)) + pages(sellables) + pages(orders) + 2*orders + pages(docs)
		at := func(n int) time.Duration {
			if n <= 120 {
				return 0
			}
			return time.Duration(n-120) * time.Second / 2
		}
		b.ReportMetric(float64(orders)/elapsed.Seconds(), "orders/s")
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(float64(least), "min-calls")
		b.ReportMetric(at(calls).Minutes(), "plus-min")
		b.ReportMetric(at(least).Minutes(), "min-plus-min")
		b.Logf("%d products (%d sellable), %d orders: %d invoices, %d returns in %v; %d requests (at least %d); at Plus's 120 a minute: %v (at least %v)",
			len(parents), sellables, orders, sum.Counts.Invoices, sum.Counts.Returns, elapsed.Round(time.Millisecond),
			calls, least, at(calls).Round(time.Second), at(least).Round(time.Second))
	}
}

// credentials names the test store's tokens as the connection keeps them.
func credentials(clientID, clientSecret string, t sallatest.Tokens) map[string]string {
	return map[string]string{salla.CredClientID: clientID, salla.CredClientSecret: clientSecret,
		salla.CredAccessToken: t.AccessToken, salla.CredRefreshToken: t.RefreshToken,
		salla.CredExpiresAt: strconv.FormatInt(t.Expires.Unix(), 10)}
}
