package storage

import (
	"testing"
)

// The notes Mizan writes on the requisitions and adjustments it records keep their words (the
// engine's sentence and its arguments) beside their English, read back in the list and one by
// one; the merchant's documents have none.
func TestDocumentNoteWords(t *testing.T) {
	f := newFixture(t)
	shop := storeConnection(t, f.db, "متجر العود", f.warehouse)
	words := NoteWords{Code: "note.store_quantity", Args: `[{"t":"COF-250"},{"t":"متجر العود"}]`}
	reason := NoteWords{Code: "stock.hand_edit", Args: `[{"t":"5"},{"t":"4"}]`}
	var in Requisition
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		if in, err = tx.PostRequisition(Requisition{Kind: Inbound, WarehouseID: f.warehouse, ConnectionID: shop,
			Note: "Store quantity of COF-250 on متجر العود", NoteWords: words,
			Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("7")}}}); err != nil {
			return err
		}
		return tx.AdjustFrom(shop, f.coffee.ID, f.warehouse, d("-1"), "quantity changed by hand in the store (from 5 to 4)", reason)
	}))
	rec := f.post(t, StockDocument{Kind: DocReceive, WarehouseID: f.warehouse, Note: "من المورد",
		Lines: []StockDocLine{{ProductID: f.tea.ID, Quantity: d("3")}}})

	want := map[string]NoteWords{in.Number: words, "ADJ-000001": reason, rec.Number: {}}
	listed, err := f.db.StockDocuments(ctx, StockDocumentFilter{})
	must(t, err)
	if len(listed) != 3 {
		t.Fatalf("listed %d documents", len(listed))
	}
	for _, d := range listed {
		if d.NoteWords != want[d.Number] {
			t.Errorf("%s is listed with %+v, want %+v", d.Number, d.NoteWords, want[d.Number])
		}
		one, err := f.db.StockDocumentOf(ctx, d.Kind, d.ID)
		must(t, err)
		if one.NoteWords != want[d.Number] || one.Note != d.Note || one.Note == "" {
			t.Errorf("%s reads %q %+v, listed %q", d.Number, one.Note, one.NoteWords, d.Note)
		}
	}
}

// Books whose documents were recorded before the notes kept their words (schema 14) keep every
// note as written, with no words, and record words for new documents.
func TestDocumentNoteWordsMigration(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{schemaVersion: 14})
	must(t, err)
	f := &fixture{db: db, branch: 1, warehouse: 1, client: 1}
	must(t, db.Update(ctx, func(tx *Tx) error {
		p, err := tx.CreateProduct(Product{Code: "TEA-100", Name: "Green tea 100g", SalePrice: d("12.5")})
		if err != nil {
			return err
		}
		f.tea = p
		if _, err := tx.Exec(`INSERT INTO requisitions(number, kind, warehouse_id, date, note, created_at)
			VALUES ('IN-000001', 'inbound', 1, '2026-01-01T00:00:00Z', 'Store quantity of TEA-100 on Shop', '2026-01-01T00:00:00Z')`); err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO adjustments(number, warehouse_id, product_id, quantity, reason, date, created_at)
			VALUES ('ADJ-000001', 1, ?, '2', 'opening count from the store', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, p.ID)
		return err
	}))
	must(t, db.Close())

	db, err = Open(ctx, dir, Options{})
	must(t, err)
	defer db.Close()
	listed, err := db.StockDocuments(ctx, StockDocumentFilter{})
	must(t, err)
	notes := map[string]string{}
	for _, d := range listed {
		if d.NoteWords != (NoteWords{}) {
			t.Errorf("%s has words %+v", d.Number, d.NoteWords)
		}
		notes[d.Number] = d.Note
	}
	if notes["IN-000001"] != "Store quantity of TEA-100 on Shop" || notes["ADJ-000001"] != "opening count from the store" {
		t.Fatalf("the older notes: %q", notes)
	}
	must(t, db.Update(ctx, func(tx *Tx) error {
		return tx.AdjustFrom(0, f.tea.ID, 1, d("1"), "opening count from the store", NoteWords{Code: "stock.opening"})
	}))
	doc, err := db.StockDocumentByNumber(ctx, "ADJ-000002")
	must(t, err)
	if doc.NoteWords.Code != "stock.opening" {
		t.Fatalf("a new adjustment's words: %+v", doc.NoteWords)
	}
}
