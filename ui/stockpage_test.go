package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// TestStockDocumentsPaged: with 1,200 stock documents the screen says how many there are, and
// the oldest, at the end of the list, is shown and opened when it is scrolled to.
func TestStockDocumentsPaged(t *testing.T) {
	const n = 1200
	dir := t.TempDir()
	ctx := context.Background()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	err = db.Update(ctx, func(tx *storage.Tx) error {
		p, err := tx.CreateProduct(storage.Product{Code: "COF-1", Name: "Coffee"})
		if err != nil {
			return err
		}
		for i := range n {
			if _, err := tx.PostStockDocument(storage.StockDocument{Kind: storage.DocReceive, Date: start.Add(time.Duration(i) * time.Hour),
				WarehouseID: 1, Lines: []storage.StockDocLine{{ProductID: p.ID, Quantity: d("1")}}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	m, _ := openApp(t, dir)
	m.Show(ScreenStock)
	m.Idle()
	s := m.Stock
	if want := trn("stockdocs.count", "{{.Count}} documents", n, map[string]any{"Count": n}); s.Status.Text != want {
		t.Fatalf("the screen says %q, not %q", s.Status.Text, want)
	}
	if rows, _ := s.Table.Length(); rows != n {
		t.Fatalf("the table has %d rows, not %d", rows, n)
	}
	s.Table.ScrollToBottom()
	m.Idle()
	s.Table.Refresh()
	mustShow(t, s.Table, "REC-000001") // the oldest
	s.Table.Select(widget.TableCellID{Row: n - 1, Col: 0})
	m.Idle()
	if s.selected.Number != "REC-000001" {
		t.Fatalf("the last row opened %q", s.selected.Number)
	}
}
