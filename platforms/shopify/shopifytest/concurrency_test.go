package shopifytest

import (
	"sync"
	"testing"
)

// Concurrent readers, a shopper and store-side edits must not race (run
// with -race where cgo is available).
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, Options{DisableRateLimit: true})
	if _, err := e.srv.Seed(SeedOptions{Products: 20, Orders: 20, Seed: 3, End: t0}); err != nil {
		t.Fatal(err)
	}
	sh := e.srv.NewShopper(0, 9)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				r := e.post(e.token, `{ orders(first: 5, sortKey: UPDATED_AT, reverse: true) { nodes { id totalPriceSet { shopMoney { amount } } } } products(first: 5) { nodes { totalInventory } } }`, nil)
				if r.Status != 200 || len(r.Errors) > 0 {
					t.Errorf("%d %s", r.Status, r.Raw)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < 20; j++ {
			_, _ = sh.Step()
			snap := e.srv.Snapshot()
			_ = e.srv.SetQuantity(snap.Products[j%len(snap.Products)].Variants[0].ID, 0, j)
		}
	}()
	wg.Wait()
	if s := e.srv.Stats(); s.ByRootField["orders"] != 40 || s.ByRootField["products"] != 40 || s.Executed != 40 {
		t.Fatalf("stats %+v", s)
	}
}
