package salla_test

import (
	"testing"

	"mizan/platforms/contract"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
)

// TestContract runs the suite every platform passes against the Salla test store over real
// HTTP, with the engine on real SQLite books.
func TestContract(t *testing.T) {
	contract.Run(t, func(t *testing.T) contract.Harness {
		return sallatest.NewHarness(t, sallatest.HarnessOptions{Platform: salla.Platform(), Credentials: credentials,
			IdleRequests: idleRequests})
	})
}

// idleRequests is the fewest requests a sync that finds nothing new makes: the store's branches
// (to choose the stock's), every page of products and of stock (Salla has no "changed since"
// filter for either), and the first page of orders by update time with the first order's
// detail (the list carries no update time, so the detail says that nothing changed since).
func idleRequests(s *sallatest.Server) int {
	pages := func(n int) int { return (n + 59) / 60 } // 60 a page
	sellables := s.Sellables()
	products := map[int64]bool{}
	for _, x := range sellables {
		products[x.ProductID] = true
	}
	return 1 + pages(len(products)) + pages(len(sellables)) + 2
}
