package woocommerce_test

import (
	"testing"

	"mizan/platforms/contract"
	"mizan/platforms/woocommerce/wootest"
)

// TestContract runs the suite every platform passes against the WooCommerce test store over real
// HTTP, with the engine on real SQLite books.
func TestContract(t *testing.T) {
	contract.Run(t, func(t *testing.T) contract.Harness { return wootest.NewHarness(t) })
}
