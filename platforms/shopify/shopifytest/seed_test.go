package shopifytest

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSeedDeterministicAndConsistent(t *testing.T) {
	opts := SeedOptions{Products: 40, Orders: 120, Seed: 7, Start: t0.AddDate(0, -3, 0), End: t0}
	e := newEnv(t, Options{})
	res, err := e.srv.Seed(opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Products != 40 || res.Orders < 100 || res.Cancelled == 0 || res.Refunded == 0 || res.AmountOnly == 0 {
		t.Fatalf("seed result %+v", res)
	}
	e2 := newEnv(t, Options{})
	if _, err := e2.srv.Seed(opts); err != nil {
		t.Fatal(err)
	}
	s1, s2 := e.srv.Snapshot(), e2.srv.Snapshot()
	if !reflect.DeepEqual(s1, s2) {
		t.Fatal("the same seed must give the same store")
	}

	var guests, excl, discounted, arabicOnly, multiVariant, noSKU, noBarcode, pending int
	phoneFormats := map[string]bool{}
	for _, p := range s1.Products {
		if !strings.ContainsAny(p.Title, "abcdefghijklmnopqrstuvwxyz") {
			arabicOnly++
		}
		if len(p.Variants) > 1 {
			multiVariant++
		}
		for _, v := range p.Variants {
			if v.SKU == "" {
				noSKU++
			}
			if v.Barcode == "" {
				noBarcode++
			}
		}
	}
	for _, c := range s1.Customers {
		switch {
		case strings.HasPrefix(c.Phone, "+966 "):
			phoneFormats["spaced"] = true
		case strings.HasPrefix(c.Phone, "05"):
			phoneFormats["local"] = true
		case strings.HasPrefix(c.Phone, "966"):
			phoneFormats["bare"] = true
		}
	}
	for _, o := range s1.Orders {
		if o.CustomerID == 0 {
			guests++
		}
		if !o.TaxesIncluded {
			excl++
		}
		if o.DiscountCode != "" {
			discounted++
		}
		if o.FinancialStatus == "PENDING" {
			pending++
		}
	}
	if guests == 0 || excl == 0 || discounted == 0 || arabicOnly == 0 || multiVariant == 0 || noSKU == 0 || noBarcode == 0 || pending == 0 || len(phoneFormats) != 3 {
		t.Fatalf("variety: guests %d excl %d discounted %d arabic-only %d multi %d noSKU %d noBarcode %d pending %d phones %v",
			guests, excl, discounted, arabicOnly, multiVariant, noSKU, noBarcode, pending, phoneFormats)
	}

	// Every order, read through the API, is internally consistent; paging
	// with the maximum page size the cost limit allows finds them all.
	e.srv.SetRateLimit(false)
	seen := 0
	var after any
	for {
		d := e.query(`query($a: String) { orders(first: 50, after: $a, sortKey: UPDATED_AT) { nodes { id } pageInfo { hasNextPage endCursor } } }`, map[string]any{"a": after})
		for _, n := range dig(d, "orders", "nodes").([]any) {
			if o, ok := e.srv.Order(mustID(t, digStr(n, "id"))); ok && len(o.Lines) > 0 && !edited(o) {
				checkOrderConsistency(t, e, digStr(n, "id"))
			}
			seen++
		}
		if dig(d, "orders", "pageInfo", "hasNextPage") != true {
			break
		}
		after = dig(d, "orders", "pageInfo", "endCursor")
	}
	if seen != len(s1.Orders) {
		t.Fatalf("paged %d orders of %d", seen, len(s1.Orders))
	}
	// Stock never goes negative for tracked, DENY variants.
	for _, p := range s1.Products {
		for _, v := range p.Variants {
			for _, l := range v.Levels {
				if l.Available < 0 || l.Committed < 0 {
					t.Fatalf("variant %s stock %+v", v.SKU, l)
				}
			}
		}
	}
}

func edited(o OrderInfo) bool {
	for _, l := range o.Lines {
		if l.Removed > 0 {
			return true
		}
	}
	return false
}

func mustID(t *testing.T, gid string) int64 {
	_, id, ok := ParseGID(gid)
	if !ok {
		t.Fatalf("bad gid %q", gid)
	}
	return id
}

func TestShopper(t *testing.T) {
	s := NewServer(Options{})
	if _, err := s.Seed(SeedOptions{Products: 10, Orders: 5, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	before := len(s.Snapshot().Orders)
	sh := s.NewShopper(5*time.Millisecond, 2)
	placed := 0
	sh.OnOrder = func(OrderInfo) { placed++ }
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_ = sh.Run(ctx)
	if after := len(s.Snapshot().Orders); after <= before || placed == 0 {
		t.Fatalf("shopper placed no orders (%d → %d)", before, after)
	}
}
