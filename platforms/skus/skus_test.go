package skus

import (
	"errors"
	"testing"

	"mizan/core"
)

func TestFirst(t *testing.T) {
	items := []core.StoreProduct{
		{ExternalID: "1", SKU: "HON-10"},                         // the search's loose match
		{ExternalID: "2", SKU: "hon-1", Unreadable: "bad price"}, // unreadable
		{ExternalID: "3", SKU: " hon-1 "},
		{ExternalID: "4", SKU: "HON-1"}, // never reached
	}
	boom := errors.New("store down")
	for _, tc := range []struct {
		desc    string
		sku     string
		err     error // the search's
		want    string
		ok      bool
		yielded int
	}{
		{"found, the search stopped", "HON-1", nil, "3", true, 3},
		{"none", "DATE-1", nil, "", false, 4},
		{"no SKU finds nothing", " ", nil, "", false, 4},
		{"the search failed", "HON-1", boom, "", false, 4},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			yielded := 0
			got, ok, err := First(tc.sku, func(yield func(core.StoreProduct) bool) error {
				if tc.err != nil {
					yielded = len(items)
					return tc.err
				}
				for _, sp := range items {
					yielded++
					if !yield(sp) {
						return nil
					}
				}
				return nil
			})
			if got.ExternalID != tc.want || ok != tc.ok || !errors.Is(err, tc.err) || yielded != tc.yielded {
				t.Errorf("First(%q) = %q, %v, %v after %d items; want %q, %v, %v after %d", tc.sku, got.ExternalID, ok, err, yielded,
					tc.want, tc.ok, tc.err, tc.yielded)
			}
		})
	}
}
