package shopify

import (
	"context"
	"strings"
	"testing"

	"mizan/platforms/shopify/shopifytest"
)

// TestInfoStoreID: the store is the shop's id, the same for one shop whatever token reaches it,
// and another for another shop.
func TestInfoStoreID(t *testing.T) {
	ids := map[string]string{}
	for _, domain := range []string{"first-shop.myshopify.com", "second-shop.myshopify.com", "first-shop.myshopify.com"} {
		e := newEnv(t, envConfig{server: shopifytest.Options{Domain: domain}})
		info, err := e.store.Info(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(info.StoreID, "gid://shopify/Shop/") {
			t.Fatalf("%s: store id %q is not the shop's id", domain, info.StoreID)
		}
		if prev, ok := ids[domain]; ok && prev != info.StoreID {
			t.Errorf("%s: store id %q, then %q", domain, prev, info.StoreID)
		}
		ids[domain] = info.StoreID
	}
	if ids["first-shop.myshopify.com"] == ids["second-shop.myshopify.com"] {
		t.Errorf("two shops answer the same id %s", ids["first-shop.myshopify.com"])
	}
}
