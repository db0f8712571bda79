package shopify

import (
	"context"
	"log/slog"
	"math"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/shopify/shopifytest"
	"mizan/storage"
)

// BenchmarkImport imports a seeded store (MIZAN_BENCH_PRODUCTS products, 2,000 by default, and
// MIZAN_BENCH_ORDERS orders, 10,000 by default) from the test store on loopback into new books,
// then runs a sync that finds nothing new. The first import reads products and orders by bulk
// operation, as a new connection does; BenchmarkImportPaged reads them by pages, for comparison.
// It reports orders per second, the API requests made and the fewest the pagination rules allow,
// the calculated cost spent, the time the store's own clock spent on the bulk operations (the
// test store models their running time), and from these the least time a Standard plan (100
// points/s) takes, the idle sync's time, and the heap held by the test store itself (to subtract
// from the process's peak memory).
//
// The test store's rate limit is off: the figure measures Mizan, not the bucket. make bench runs
// it under /usr/bin/time -v for the peak memory.
func BenchmarkImport(b *testing.B) { benchImport(b, nil) }

// BenchmarkImportPaged is BenchmarkImport with bulk reads off (every read by pages).
func BenchmarkImportPaged(b *testing.B) { benchImport(b, map[string]string{OptBulkThreshold: "off"}) }

func benchImport(b *testing.B, options map[string]string) {
	products, orders := contract.BenchSize()
	clock := shopifytest.NewFakeClock(t0)
	srv := shopifytest.NewServer(shopifytest.Options{Now: clock.Now, DisableRateLimit: true})
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	seeded, err := srv.Seed(shopifytest.SeedOptions{Products: products, Orders: orders, Seed: 42, End: t0.Add(-time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	// The clients wait on the store's clock: a bulk operation's polls let it run.
	var waited time.Duration
	p := Platform()
	p.Open = func(cfg core.StoreConfig) (core.Store, error) {
		return New(cfg, Options{Sleep: func(ctx context.Context, d time.Duration) error {
			waited += d
			clock.Advance(d)
			return ctx.Err()
		}})
	}
	levels := 0
	for _, p := range srv.Snapshot().Products {
		levels += len(p.Variants)
	}
	clock.Advance(time.Minute)

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		db, err := storage.Open(context.Background(), dir, storage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		secrets := core.NewMemorySecrets()
		eng := core.New(db, secrets, core.NewPlatforms(p), core.Options{Log: slog.New(slog.DiscardHandler)})
		conn, err := eng.AddConnection(context.Background(), core.ConnectionInput{Name: "Bench", Platform: "shopify",
			StoreURL: hs.URL, Credentials: map[string]string{CredAccessToken: testToken}, Options: options})
		if err != nil {
			b.Fatal(err)
		}
		srv.ResetStats()
		waited = 0
		b.StartTimer()

		start := time.Now()
		sum, err := eng.SyncNow(context.Background(), conn.ID, core.SyncRequest{})
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		calls, cost, bulkWait, byRoot, costByRoot := srv.Stats().GraphQL, srv.Stats().CostSpent, waited, srv.Stats().ByRootField, srv.Stats().CostByRootField
		standard := time.Duration(float64(cost)/100*float64(time.Second)) + bulkWait
		if sum.Counts.Errors > 0 {
			b.Fatalf("import logged %d errors", sum.Counts.Errors)
		}
		if sum.Counts.Invoices == 0 || sum.Counts.ProductsCreated < seeded.Variants {
			b.Fatalf("imported %d invoices and %d products from %d orders and %d variants", sum.Counts.Invoices, sum.Counts.ProductsCreated, seeded.Orders, seeded.Variants)
		}

		clock.Advance(time.Minute)
		srv.ResetStats()
		idleStart := time.Now()
		if _, err := eng.SyncNow(context.Background(), conn.ID, core.SyncRequest{}); err != nil {
			b.Fatal(err)
		}
		idle := time.Since(idleStart)
		idleCalls := srv.Stats().GraphQL
		b.Logf("import cost by root field: %v", costByRoot)
		for _, op := range srv.BulkOperations() {
			b.Logf("bulk operation %s: %s, %d objects, %d bytes", operationOf(op.Query), op.Status, op.Objects, op.Bytes)
		}
		b.Logf("idle requests by root field: %v", srv.Stats().ByRootField)
		db.Close()

		// The fewest requests any client could make: the shop, then every list at the most a
		// connection returns per page (250).
		least := 1 + pages(seeded.Products) + pages(levels) + pages(seeded.Orders)
		b.ReportMetric(float64(seeded.Orders)/elapsed.Seconds(), "orders/s")
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(float64(least), "min-calls")
		b.ReportMetric(float64(cost), "cost")
		b.ReportMetric(bulkWait.Seconds(), "bulk-s")
		b.ReportMetric(standard.Seconds(), "standard-s")
		b.ReportMetric(float64(idle.Milliseconds()), "idle-ms")
		b.ReportMetric(float64(idleCalls), "idle-calls")
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "store-MB")
		b.Logf("%d products (%d variants), %d orders: %d invoices, %d returns in %v; %d requests (at least %d by pages; %v), cost %d points; "+
			"bulk operations ran %v on the store's clock; a Standard plan (100 points/s) needs at least %v (cost ÷ 100 + bulk running time), at 1,000 points/s %v; idle sync %v in %d requests",
			seeded.Products, seeded.Variants, seeded.Orders, sum.Counts.Invoices, sum.Counts.Returns, elapsed.Round(time.Millisecond),
			calls, least, byRoot, cost, bulkWait, standard.Round(time.Second),
			(time.Duration(float64(cost)/1000*float64(time.Second)) + bulkWait).Round(time.Second), idle.Round(time.Millisecond), idleCalls)
	}
}

func pages(n int) int { return int(math.Ceil(float64(n) / maxPage)) }
