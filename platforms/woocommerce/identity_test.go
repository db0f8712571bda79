package woocommerce_test

import (
	"testing"

	"mizan/platforms/woocommerce/wootest"
)

// TestInfoStoreID: the store is what the site says its address is, normalised, whatever address
// the connection reached it at.
func TestInfoStoreID(t *testing.T) {
	tests := []struct{ site, want string }{
		{"https://shop.example.com", "https://shop.example.com"},
		{"HTTPS://Shop.Example.COM/", "https://shop.example.com"},
		{"https://example.com/store/", "https://example.com/store"},
		{"http://shop.example.com:8080", "http://shop.example.com:8080"},
	}
	for _, tc := range tests {
		e := newEnv(t, wootest.Options{SiteURL: tc.site}, nil)
		info, err := e.store.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.StoreID != tc.want {
			t.Errorf("site %q: store id %q, want %q", tc.site, info.StoreID, tc.want)
		}
	}
}
