package storage

import (
	"testing"
	"time"
)

// Goods received with a purchase price make it the product's purchase price (the last one paid,
// by the documents' dates); goods received without one, or other documents, leave it as it is.
func TestGoodsReceivedSetThePurchasePrice(t *testing.T) {
	f := newFixture(t)
	price := func() string {
		t.Helper()
		var p Product
		must(t, f.db.View(ctx, func(tx *Tx) error {
			var err error
			p, err = tx.Product(f.coffee.ID)
			return err
		}))
		return p.PurchasePrice.StringFixed(2)
	}
	receive := func(date time.Time, cost string) {
		t.Helper()
		l := StockDocLine{ProductID: f.coffee.ID, Quantity: d("10")}
		if cost != "" {
			l.UnitCost, l.HasCost = d(cost), true
		}
		f.post(t, StockDocument{Kind: DocReceive, WarehouseID: f.warehouse, Date: date, Lines: []StockDocLine{l}})
	}
	day := time.Now().UTC().Truncate(24 * time.Hour)
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"as made", func() {}, "18.50"},
		{"received at a new price", func() { receive(day.AddDate(0, 0, -5), "19.75") }, "19.75"},
		{"received with no price", func() { receive(day.AddDate(0, 0, -4), "") }, "19.75"},
		{"received later at another price", func() { receive(day.AddDate(0, 0, -2), "21.00") }, "21.00"},
		{"a receipt dated before the last priced one", func() { receive(day.AddDate(0, 0, -3), "17.00") }, "21.00"},
		{"issued", func() {
			f.post(t, StockDocument{Kind: DocIssue, WarehouseID: f.warehouse, Lines: []StockDocLine{{ProductID: f.coffee.ID, Quantity: d("1")}}})
		}, "21.00"},
	}
	for _, s := range steps {
		s.do()
		if got := price(); got != s.want {
			t.Fatalf("%s: purchase price %s, want %s", s.name, got, s.want)
		}
	}
}
