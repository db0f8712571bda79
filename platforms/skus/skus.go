// Package skus finds a store's item by its SKU among what the store's search gives back: the
// platforms' searches match more than the SKU (names, parts of words), so the item is the first
// readable one whose SKU is the one asked for.
package skus

import (
	"strings"

	"mizan/core"
)

// First is the first readable item whose SKU is sku (letter case and surrounding spaces aside)
// among those search hands to yield, in the store's order; search stops when yield returns false.
func First(sku string, search func(yield func(core.StoreProduct) bool) error) (core.StoreProduct, bool, error) {
	sku = strings.TrimSpace(sku)
	var found core.StoreProduct
	ok := false
	err := search(func(sp core.StoreProduct) bool {
		if sp.Unreadable == "" && sku != "" && strings.EqualFold(strings.TrimSpace(sp.SKU), sku) {
			found, ok = sp, true
		}
		return !ok
	})
	return found, ok, err
}
