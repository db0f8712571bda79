package zidtest

import (
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
)

// TestSeed: a seeded store has every case the client must carry, the same store for the same
// seed, no stock below zero, and every order's money adding up.
func TestSeed(t *testing.T) {
	a := NewServer(Options{RateLimit: -1})
	res := a.Seed(SeedOptions{Products: 60, Orders: 400, Seed: 3})
	for name, n := range map[string]int{"Arabic-only products": res.ArabicOnly, "variants": res.Variants, "unlimited": res.Infinite,
		"guests": res.Guests, "coupons": res.Coupons, "COD": res.COD, "cancelled": res.Cancelled, "partial credit notes": res.PartialCredits,
		"reversals": res.Reversed, "reversals without a note": res.ReversedWithoutNote, "returns in progress": res.InProgress,
		"edits": res.Edits} {
		if n == 0 {
			t.Errorf("no %s in %+v", name, res)
		}
	}
	b := NewServer(Options{RateLimit: -1})
	b.Seed(SeedOptions{Products: 60, Orders: 400, Seed: 3})
	if !reflect.DeepEqual(a.Orders(), b.Orders()) || !reflect.DeepEqual(a.Sellables(), b.Sellables()) {
		t.Error("the same seed made two different stores")
	}
	multi := 0
	for _, x := range a.Sellables() {
		if len(x.Stocks) > 1 {
			multi++
		}
		for l, q := range x.Stocks {
			if q < 0 {
				t.Errorf("%s has %d at %s", x.SKU, q, l)
			}
		}
	}
	if multi == 0 {
		t.Error("no product has stock at several locations")
	}
	spellings := map[string]bool{}
	for _, o := range a.Orders() {
		spellings[o.Status] = true
		if !o.SubTotal.Sub(o.Discount).Add(o.Shipping).Add(o.COD).Add(o.VAT).Equal(o.Exact) {
			t.Errorf("order %d: parts do not add up to %s", o.ID, o.Exact)
		}
		var credited decimal.Decimal
		for _, c := range o.Credits {
			credited = credited.Add(c)
		}
		if credited.GreaterThan(o.Total.Add(d("0.02"))) {
			t.Errorf("order %d: credited %s of %s", o.ID, credited, o.Total)
		}
		if o.UpdatedAt.Before(o.CreatedAt) || o.UpdatedAt.After(a.Clock().Now()) {
			t.Errorf("order %d updated at %s", o.ID, o.UpdatedAt)
		}
	}
	for _, s := range []string{StatusNew, StatusPreparing, StatusReady, StatusInDelivery, StatusDelivered, StatusCanceled,
		StatusCancelled, StatusPartiallyReversed, StatusReversed, StatusReverseInProgress} {
		if !spellings[s] {
			t.Errorf("no order is %s", s)
		}
	}
}

// TestSeedBenchStore: the benchmark's store (2,000 products and 10,000 orders) is made whole. How
// fast is BenchmarkSeed's to say: a wall-clock limit here would fail on a busy machine.
func TestSeedBenchStore(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	s := NewServer(Options{RateLimit: -1})
	res := s.Seed(SeedOptions{Products: 2000, Orders: 10000, Seed: 1})
	if res.Orders != 10000 || res.Products != 2000 {
		t.Errorf("%+v", res)
	}
}

// BenchmarkSeed times making the benchmark's store.
func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		NewServer(Options{RateLimit: -1}).Seed(SeedOptions{Products: 2000, Orders: 10000, Seed: 1})
	}
}
