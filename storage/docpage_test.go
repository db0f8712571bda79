package storage

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestStockDocumentPage: the pages StockDocumentPage gives, put end to end, are the list
// StockDocuments gives (the merchant's documents, requisitions and adjustments in one order, many
// on one day), and its count is the list's length, whether the count took one pass or two, for a
// filter or none, and past the end.
func TestStockDocumentPage(t *testing.T) {
	f := newFixture(t)
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		for i := range 30 {
			date := day.AddDate(0, 0, i%4) // several documents a day, recorded in turn
			if _, err := tx.PostStockDocument(StockDocument{Kind: DocReceive, Date: date, WarehouseID: f.warehouse,
				Note: fmt.Sprint("supplier ", i), Lines: []StockDocLine{{ProductID: f.coffee.ID, Quantity: d("2")}}}); err != nil {
				return err
			}
			if _, err := tx.PostRequisition(Requisition{Kind: Inbound, WarehouseID: f.warehouse, Date: date,
				Note: fmt.Sprint("opening ", i), Lines: []RequisitionLine{{ProductID: f.tea.ID, Quantity: d("1")}}}); err != nil {
				return err
			}
			if i%10 == 0 {
				if err := tx.AdjustBy(f.tea.ID, f.warehouse, d("-1"), fmt.Sprint("counted ", i)); err != nil {
					return err
				}
			}
		}
		return nil
	}))
	numbers := func(docs []StockDocument) []string {
		var out []string
		for _, doc := range docs {
			out = append(out, doc.Number)
		}
		return out
	}
	defer func() { pageScan = 2000 }()
	for _, scan := range []int{2000, 10, 1} {
		pageScan = scan
		for _, filter := range []StockDocumentFilter{{}, {Kind: DocInbound}, {Search: "supplier 1"}, {From: day.AddDate(0, 0, 1)},
			{Kind: DocAdjustment}, {Search: "nothing like it"}} {
			t.Run(fmt.Sprintf("scan %d %+v", scan, filter), func(t *testing.T) {
				all, err := f.db.StockDocuments(ctx, filter)
				must(t, err)
				var pages []StockDocument
				for off := 0; ; off += 7 {
					filter.Offset = off
					page, count, err := f.db.StockDocumentPage(ctx, filter, 7)
					must(t, err)
					if count != len(all) {
						t.Fatalf("from %d: a count of %d, the list has %d", off, count, len(all))
					}
					if len(page) == 0 {
						break
					}
					if len(page) > 7 {
						t.Fatalf("from %d: a page of %d", off, len(page))
					}
					pages = append(pages, page...)
				}
				if got, want := numbers(pages), numbers(all); !slices.Equal(got, want) {
					t.Fatalf("the pages hold\n%v\nthe list\n%v", got, want)
				}
				if len(all) > 0 && pages[len(pages)-1].LineCount != all[len(all)-1].LineCount {
					t.Fatalf("the last document's lines: %d, not %d", pages[len(pages)-1].LineCount, all[len(all)-1].LineCount)
				}
			})
		}
	}
	if _, _, err := f.db.StockDocumentPage(ctx, StockDocumentFilter{}, 0); err == nil {
		t.Fatal("a page of 0 documents was read")
	}
	if _, _, err := f.db.StockDocumentPage(ctx, StockDocumentFilter{Kind: "gift"}, 10); !IsValidation(err) {
		t.Fatalf("a page of an unknown kind: %v", err)
	}
}
