package storage

import (
	"errors"
	"testing"
)

// TestStockLevelKnownInTheTransaction: the levels a transaction keeps (see StockLevel) are always
// what the books hold: after its own movements, after a savepoint that moved stock is undone, and
// after another statement writes stock_levels.
func TestStockLevelKnownInTheTransaction(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "10")
	errUndo := errors.New("undo")
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		expect := func(what, want string) {
			t.Helper()
			got, err := tx.StockLevel(f.coffee.ID, f.warehouse)
			must(t, err)
			if !got.Equal(d(want)) {
				t.Errorf("%s: level %s, want %s", what, got, want)
			}
		}
		expect("read", "10")
		must(t, tx.AdjustBy(f.coffee.ID, f.warehouse, d("5"), "found"))
		expect("after a movement", "15")
		if err := tx.Savepoint(func() error {
			if err := tx.AdjustBy(f.coffee.ID, f.warehouse, d("3"), "found"); err != nil {
				return err
			}
			expect("inside the savepoint", "18")
			return errUndo
		}); !errors.Is(err, errUndo) {
			t.Fatalf("savepoint: %v", err)
		}
		expect("after the savepoint was undone", "15")
		// Undone after the level was read inside it, with nothing moved since.
		if err := tx.Savepoint(func() error {
			if _, err := tx.PostRequisition(Requisition{Kind: Outbound, WarehouseID: f.warehouse,
				Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("4")}, {ProductID: f.tea.ID, Quantity: d("1")}}}); err == nil {
				t.Error("a requisition of tea there is none of was posted")
			}
			return errUndo
		}); !errors.Is(err, errUndo) {
			t.Fatalf("savepoint: %v", err)
		}
		expect("after a refused requisition", "15")
		if got, err := tx.StockLevel(f.tea.ID, f.warehouse); err != nil || !got.IsZero() {
			t.Errorf("tea, never moved: %s, %v; want 0", got, err)
		}
		if _, err := tx.Exec(`UPDATE stock_levels SET quantity = '100' WHERE product_id = ?`, f.coffee.ID); err != nil {
			return err
		}
		expect("after stock_levels was written", "100")
		if _, err := tx.Exec(`INSERT INTO stock_levels(product_id, warehouse_id, quantity) VALUES (?, ?, '7')`, f.tea.ID, f.warehouse); err != nil {
			return err
		}
		got, err := tx.StockLevel(f.tea.ID, f.warehouse)
		must(t, err)
		if !got.Equal(d("7")) {
			t.Errorf("tea after a row was added: %s, want 7", got)
		}
		must(t, tx.AdjustBy(f.coffee.ID, f.warehouse, d("-1"), "lost"))
		expect("after a movement", "99")
		return nil
	}))
	got, err := f.db.StockLevel(ctx, f.coffee.ID, f.warehouse)
	must(t, err)
	if !got.Equal(d("99")) {
		t.Errorf("committed level %s, want 99", got)
	}
}

// TestReadStockLevels: the levels read together are those read one at a time, zero for a product
// never moved, and kept up to date by the transaction's movements.
func TestReadStockLevels(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "10")
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		if err := tx.ReadStockLevels(f.warehouse, []int64{f.coffee.ID, f.tea.ID}); err != nil {
			return err
		}
		if len(tx.stock) != 2 {
			t.Errorf("%d levels kept, want 2", len(tx.stock))
		}
		for _, c := range []struct {
			id   int64
			want string
		}{{f.coffee.ID, "10"}, {f.tea.ID, "0"}} {
			got, err := tx.StockLevel(c.id, f.warehouse)
			must(t, err)
			if !got.Equal(d(c.want)) {
				t.Errorf("product %d: %s, want %s", c.id, got, c.want)
			}
		}
		return tx.AdjustBy(f.tea.ID, f.warehouse, d("2"), "found")
	}))
	got, err := f.db.StockLevel(ctx, f.tea.ID, f.warehouse)
	must(t, err)
	if !got.Equal(d("2")) {
		t.Errorf("tea committed at %s, want 2", got)
	}
}
