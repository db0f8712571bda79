package zid_test

import (
	"testing"

	"mizan/platforms/contract"
	"mizan/platforms/zid"
	"mizan/platforms/zid/zidtest"
)

// TestContract runs the suite every platform passes against the Zid test store over real HTTP,
// with the engine on real SQLite books.
func TestContract(t *testing.T) {
	contract.Run(t, func(t *testing.T) contract.Harness {
		return zidtest.NewHarness(t, zidtest.HarnessOptions{Platform: zid.Platform(), IdleRequests: idleRequests})
	})
}

// idleRequests is the fewest requests a sync that finds nothing new makes: the store's profile
// and locations (who it is, and the stock's location), the first page of products by change
// time (nothing newer), every product page for the stock (Zid has no "stock changed since"
// filter), and the first page of orders changed since.
func idleRequests(s *zidtest.Server) int {
	products := map[string]bool{}
	for _, x := range s.Sellables() {
		products[x.ProductID] = true
	}
	pages := max(1, (len(products)+49)/50)
	return 2 + 1 + pages + 1
}

// Tokens that Zid refuses between syncs are renewed through the engine's rotation and saved
// before they are used.
func TestRefusedTokensRenewThroughTheKeyring(t *testing.T) {
	h := zidtest.NewHarness(t, zidtest.HarnessOptions{Platform: zid.Platform()})
	contract.RenewsAcrossSyncs(t, h, h.S.ExpireTokens)
}
