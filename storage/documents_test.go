package storage

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func (f *fixture) post(t testing.TB, doc StockDocument) StockDocument {
	t.Helper()
	var out StockDocument
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.PostStockDocument(doc)
		return err
	}))
	return out
}

func (f *fixture) levelIn(t testing.TB, p Product, wh int64) string {
	t.Helper()
	q, err := f.db.StockLevel(ctx, p.ID, wh)
	must(t, err)
	return q.String()
}

func (f *fixture) secondWarehouse(t testing.TB) int64 {
	t.Helper()
	var id int64
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		w, err := tx.CreateWarehouse("مستودع جدة", 0)
		id = w.ID
		return err
	}))
	return id
}

func TestStockDocuments(t *testing.T) {
	f := newFixture(t)
	jed := f.secondWarehouse(t)
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

	rec := f.post(t, StockDocument{Kind: DocReceive, Date: day, WarehouseID: f.warehouse, Note: "supplier 1",
		Lines: []StockDocLine{{ProductID: f.coffee.ID, Quantity: d("10"), UnitCost: d("17.25"), HasCost: true},
			{ProductID: f.tea.ID, Quantity: d("4")}}})
	iss := f.post(t, StockDocument{Kind: DocIssue, Date: day.AddDate(0, 0, 1), WarehouseID: f.warehouse,
		Lines: []StockDocLine{{ProductID: f.coffee.ID, Quantity: d("1.5")}}})
	trf := f.post(t, StockDocument{Kind: DocTransfer, Date: day.AddDate(0, 0, 2), WarehouseID: f.warehouse, ToWarehouseID: jed,
		Lines: []StockDocLine{{ProductID: f.coffee.ID, Quantity: d("3")}}})
	cnt := f.post(t, StockDocument{Kind: DocCount, Date: day.AddDate(0, 0, 3), WarehouseID: f.warehouse,
		Lines: []StockDocLine{{ProductID: f.coffee.ID, Counted: d("5")}, {ProductID: f.tea.ID, Counted: d("4")}}})

	for _, tc := range []struct{ got, want string }{
		{rec.Number, "REC-000001"}, {iss.Number, "ISS-000001"}, {trf.Number, "TRF-000001"}, {cnt.Number, "CNT-000001"},
		{f.levelIn(t, f.coffee, f.warehouse), "5"}, {f.levelIn(t, f.coffee, jed), "3"}, {f.levelIn(t, f.tea, f.warehouse), "4"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
	// The count booked the difference (10 − 1.5 − 3 = 5.5 counted as 5) and nothing for tea.
	got, err := f.db.StockDocument(ctx, cnt.ID)
	must(t, err)
	if l := got.Lines[0]; l.Quantity.String() != "-0.5" || l.Before.String() != "5.5" || l.Counted.String() != "5" {
		t.Errorf("count line: %+v", l)
	}
	if got.Lines[1].Quantity.String() != "0" {
		t.Errorf("tea's count booked %s", got.Lines[1].Quantity)
	}
	if r, _ := f.db.StockDocument(ctx, rec.ID); !r.Lines[0].HasCost || r.Lines[0].UnitCost.String() != "17.25" || r.Lines[1].HasCost {
		t.Errorf("receipt lines: %+v", r.Lines)
	}

	// Each movement is dated by its document, and names it.
	moves, err := f.db.Movements(ctx, f.coffee.ID)
	must(t, err)
	want := []struct {
		ref, qty string
		kind     MovementKind
		date     time.Time
	}{
		{"REC-000001", "10", MoveInbound, day}, {"ISS-000001", "-1.5", MoveOutbound, day.AddDate(0, 0, 1)},
		{"TRF-000001", "-3", MoveTransfer, day.AddDate(0, 0, 2)}, {"TRF-000001", "3", MoveTransfer, day.AddDate(0, 0, 2)},
		{"CNT-000001", "-0.5", MoveAdjustment, day.AddDate(0, 0, 3)},
	}
	if len(moves) != len(want) {
		t.Fatalf("%d movements, want %d: %+v", len(moves), len(want), moves)
	}
	for i, w := range want {
		m := moves[i]
		if m.SourceRef != w.ref || m.Quantity.String() != w.qty || m.Kind != w.kind || !m.Date.Equal(w.date) {
			t.Errorf("movement %d: %s %s %s %s, want %+v", i, m.SourceRef, m.Quantity, m.Kind, m.Date, w)
		}
	}

	// Reversals undo each, once.
	for _, tc := range []struct {
		doc    StockDocument
		number string
	}{{cnt, "CNT-000002"}, {trf, "TRF-000002"}, {iss, "REC-000002"}, {rec, "ISS-000002"}} {
		var rev StockDocument
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			var err error
			rev, err = tx.ReverseStockDocument(tc.doc.ID, time.Time{}, "")
			return err
		}))
		if rev.Number != tc.number || rev.ReversesID != tc.doc.ID || rev.Note != "" {
			t.Errorf("reversal of %s: %s reverses %d (%q)", tc.doc.Number, rev.Number, rev.ReversesID, rev.Note)
		}
		err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.ReverseStockDocument(tc.doc.ID, time.Time{}, ""); return err })
		if !IsValidation(err) || !strings.Contains(err.Error(), "already been reversed by "+tc.number) {
			t.Errorf("second reversal of %s: %v", tc.doc.Number, err)
		}
	}
	for _, p := range []Product{f.coffee, f.tea} {
		if q := f.levelIn(t, p, f.warehouse); q != "0" {
			t.Errorf("%s after every reversal: %s in the main warehouse", p.Code, q)
		}
	}
	if q := f.levelIn(t, f.coffee, jed); q != "0" {
		t.Errorf("coffee in Jeddah after the transfer's reversal: %s", q)
	}
	list, err := f.db.StockDocuments(ctx, StockDocumentFilter{})
	must(t, err)
	if len(list) != 8 {
		t.Fatalf("%d documents listed", len(list))
	}
	if first, _ := f.db.StockDocument(ctx, rec.ID); first.ReversedByNumber != "ISS-000002" {
		t.Errorf("the receipt says it is reversed by %q", first.ReversedByNumber)
	}
}

func TestStockDocumentsRefuse(t *testing.T) {
	f := newFixture(t)
	jed := f.secondWarehouse(t)
	f.post(t, StockDocument{Kind: DocReceive, WarehouseID: f.warehouse, Lines: []StockDocLine{{ProductID: f.coffee.ID, Quantity: d("2")}}})
	archived := f.tea
	must(t, f.db.Update(ctx, func(tx *Tx) error { return tx.SetArchived(archived.ID, true) }))
	line := func(qty string) []StockDocLine { return []StockDocLine{{ProductID: f.coffee.ID, Quantity: d(qty)}} }
	tests := []struct {
		name, field, msg string
		doc              StockDocument
	}{
		{"no lines", "lines", "at least one product", StockDocument{Kind: DocReceive, WarehouseID: f.warehouse}},
		{"zero", "quantity", "more than zero", StockDocument{Kind: DocReceive, WarehouseID: f.warehouse, Lines: line("0")}},
		{"negative", "quantity", "more than zero", StockDocument{Kind: DocIssue, WarehouseID: f.warehouse, Lines: line("-1")}},
		{"absurd", "quantity", "too large", StockDocument{Kind: DocReceive, WarehouseID: f.warehouse, Lines: line("1000000000")}},
		{"short", "quantity", "not enough", StockDocument{Kind: DocIssue, WarehouseID: f.warehouse, Lines: line("3")}},
		{"short transfer", "quantity", "not enough", StockDocument{Kind: DocTransfer, WarehouseID: f.warehouse, ToWarehouseID: jed, Lines: line("2.5")}},
		{"transfer to itself", "to_warehouse", "another warehouse", StockDocument{Kind: DocTransfer, WarehouseID: f.warehouse, ToWarehouseID: f.warehouse, Lines: line("1")}},
		{"no warehouse", "warehouse", "does not exist", StockDocument{Kind: DocReceive, Lines: line("1")}},
		{"future", "date", "in the future", StockDocument{Kind: DocReceive, WarehouseID: f.warehouse, Date: time.Now().AddDate(0, 0, 3), Lines: line("1")}},
		{"negative cost", "unit_cost", "negative", StockDocument{Kind: DocReceive, WarehouseID: f.warehouse,
			Lines: []StockDocLine{{ProductID: f.coffee.ID, Quantity: d("1"), UnitCost: d("-1"), HasCost: true}}}},
		{"archived", "product", "archived", StockDocument{Kind: DocReceive, WarehouseID: f.warehouse,
			Lines: []StockDocLine{{ProductID: archived.ID, Quantity: d("1")}}}},
		{"counted twice", "product", "count it once", StockDocument{Kind: DocCount, WarehouseID: f.warehouse,
			Lines: []StockDocLine{{ProductID: f.coffee.ID, Counted: d("1")}, {ProductID: f.coffee.ID, Counted: d("2")}}}},
		{"negative count", "counted", "more than zero", StockDocument{Kind: DocCount, WarehouseID: f.warehouse,
			Lines: []StockDocLine{{ProductID: f.coffee.ID, Counted: d("-1")}}}},
		{"unknown kind", "kind", "not \"gift\"", StockDocument{Kind: "gift", WarehouseID: f.warehouse, Lines: line("1")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.PostStockDocument(tc.doc); return err })
			if !IsValidation(err) || InvalidField(err) != tc.field || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v (field %q), want %q about %s", err, InvalidField(err), tc.msg, tc.field)
			}
		})
	}
	// Nothing refused left a trace: one document, one movement.
	if list, _ := f.db.StockDocuments(ctx, StockDocumentFilter{}); len(list) != 1 {
		t.Errorf("%d documents after the refusals", len(list))
	}
	if q := f.levelIn(t, f.coffee, f.warehouse); q != "2" {
		t.Errorf("coffee: %s", q)
	}
	// A posted document is never changed or deleted.
	for _, q := range []string{`UPDATE stock_documents SET note = 'x'`, `DELETE FROM stock_documents`,
		`UPDATE stock_document_lines SET quantity = '9'`, `DELETE FROM stock_document_lines`} {
		err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.Exec(q); return err })
		if err == nil || !strings.Contains(err.Error(), "posted stock documents cannot be") {
			t.Errorf("%s: %v", q, err)
		}
	}
}

func TestStockDocumentCSV(t *testing.T) {
	f := newFixture(t)
	doc := f.post(t, StockDocument{Kind: DocReceive, Date: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), WarehouseID: f.warehouse,
		Note: "=cmd()", Lines: []StockDocLine{{ProductID: f.coffee.ID, Quantity: d("10"), UnitCost: d("17.25"), HasCost: true}}})
	full, err := f.db.StockDocument(ctx, doc.ID)
	must(t, err)
	var b bytes.Buffer
	must(t, WriteStockDocumentCSV(&b, full))
	recs, err := csv.NewReader(&b).ReadAll()
	must(t, err)
	want := []string{"REC-000001", "receive", "2026-03-02T09:00:00Z", "Main warehouse", "", "", "'=cmd()", "1", "COF-250",
		"قهوة عربية 250g", "10", "17.25", "", "", ""}
	if len(recs) != 2 || strings.Join(recs[1], "|") != strings.Join(want, "|") {
		t.Errorf("csv: %q", recs)
	}
}

func TestProductFieldErrorsAndArchive(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, field string
		p           Product
	}{
		{"empty name", "name", Product{Code: "X-1"}},
		{"empty code", "code", Product{Name: "x"}},
		{"duplicate code", "code", Product{Code: "COF-250", Name: "x"}},
		{"duplicate barcode", "barcode", Product{Code: "X-2", Barcode: "6281000000017", Name: "x"}},
		{"negative sale price", "sale_price", Product{Code: "X-3", Name: "x", SalePrice: d("-1")}},
		{"negative purchase price", "purchase_price", Product{Code: "X-4", Name: "x", PurchasePrice: d("-0.01")}},
		{"absurd price", "sale_price", Product{Code: "X-5", Name: "x", SalePrice: d("1000000000000")}},
		{"too many decimals", "purchase_price", Product{Code: "X-6", Name: "x", PurchasePrice: d("1.0000001")}},
		{"name too long", "name", Product{Code: "X-7", Name: strings.Repeat("ق", 501)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.CreateProduct(tc.p); return err })
			if !IsValidation(err) || InvalidField(err) != tc.field {
				t.Fatalf("got %v (field %q), want a refusal of %s", err, InvalidField(err), tc.field)
			}
		})
	}
	// A product without a history is deleted; one with movements is archived instead.
	var spare Product
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		spare, err = tx.CreateProduct(Product{Code: "SPARE", Name: "spare"})
		return err
	}))
	must(t, f.db.Update(ctx, func(tx *Tx) error { return tx.DeleteProduct(spare.ID) }))
	f.inbound(t, f.coffee, "1")
	err := f.db.Update(ctx, func(tx *Tx) error { return tx.DeleteProduct(f.coffee.ID) })
	if !IsValidation(err) || !strings.Contains(err.Error(), "archive it instead") {
		t.Fatalf("deleting a product with movements: %v", err)
	}
	must(t, f.db.Update(ctx, func(tx *Tx) error { return tx.SetArchived(f.coffee.ID, true) }))
	active, err := f.db.ActiveProducts(ctx)
	must(t, err)
	all, err := f.db.Products(ctx)
	must(t, err)
	if len(active) != 1 || active[0].Code != "TEA-100" || len(all) != 2 || !all[0].Archived {
		t.Errorf("active %+v, all %+v", active, all)
	}
	must(t, f.db.Update(ctx, func(tx *Tx) error { return tx.SetArchived(f.coffee.ID, false) }))
	if p, _ := f.db.Product(ctx, f.coffee.ID); p.Archived {
		t.Error("still archived")
	}
}

func TestMasterData(t *testing.T) {
	f := newFixture(t)
	jed := f.secondWarehouse(t)
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.RenameWarehouse(jed, "Jeddah store room"); err != nil {
			return err
		}
		_, err := tx.RenameBranch(f.branch, "الفرع الرئيسي")
		return err
	}))
	err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.RenameWarehouse(jed, DefaultWarehouseName); return err })
	if InvalidField(err) != "name" || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("renaming onto another warehouse's name: %v", err)
	}
	// Two clients of one name are told apart by phone and email; a third with either is refused.
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.AddClient(Client{Name: "أمل الحربي", Phone: "0501234567"}); err != nil {
			return err
		}
		_, err := tx.AddClient(Client{Name: "أمل الحربي", Email: "amal@example.com"})
		return err
	}))
	for _, tc := range []struct {
		c     Client
		field string
	}{{Client{Name: "x", Phone: "+966 50 123 4567"}, "phone"}, {Client{Name: "y", Email: "AMAL@example.com"}, "email"},
		{Client{Name: " "}, "name"}, {Client{Name: "z", Email: "not mail"}, "email"}} {
		err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.AddClient(tc.c); return err })
		if InvalidField(err) != tc.field {
			t.Errorf("adding %+v: %v (field %q, want %q)", tc.c, err, InvalidField(err), tc.field)
		}
	}
	for _, tc := range []struct {
		q    string
		want int
	}{{"أمل", 2}, {"966501234567", 1}, {"050 123", 1}, {"AMAL@", 1}, {"", 3}, {"nobody", 0}, {"%", 0}} {
		got, err := f.db.SearchClients(ctx, tc.q, 0)
		must(t, err)
		if len(got) != tc.want {
			t.Errorf("search %q: %d clients, want %d: %+v", tc.q, len(got), tc.want, got)
		}
	}
}

// Books made before stock documents keep their movements, now dated by their documents, and
// their ledger stays append-only.
func TestMigrationDatesTheLedger(t *testing.T) {
	dir := t.TempDir()
	raw := rawBooksAt(t, dir, 7)
	for _, q := range []string{
		`INSERT INTO branches(id, code, name, created_at) VALUES (1, 'MAIN', 'Main branch', '2026-01-01T00:00:00Z')`,
		`INSERT INTO warehouses(id, name, branch_id, created_at) VALUES (1, 'Main warehouse', 1, '2026-01-01T00:00:00Z')`,
		`INSERT INTO clients(id, name, created_at, updated_at) VALUES (1, 'Walk-in customer', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO products(id, code, name, created_at, updated_at) VALUES (1, 'COF-1', 'Coffee', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO requisitions(id, number, kind, warehouse_id, date, created_at) VALUES (1, 'IN-000001', 'inbound', 1, '2026-01-05T08:00:00Z', '2026-02-01T09:00:00Z')`,
		`INSERT INTO requisition_lines(requisition_id, product_id, quantity) VALUES (1, 1, '5')`,
		`INSERT INTO stock_movements(product_id, warehouse_id, quantity, kind, source_type, source_id, created_at) VALUES (1, 1, '5', 'inbound', 'requisition', 1, '2026-02-01T09:00:00Z')`,
		`INSERT INTO adjustments(id, number, warehouse_id, product_id, quantity, reason, date, created_at) VALUES (1, 'ADJ-000001', 1, 1, '-1', 'count', '2026-01-07T10:00:00Z', '2026-02-02T09:00:00Z')`,
		`INSERT INTO stock_movements(product_id, warehouse_id, quantity, kind, source_type, source_id, created_at) VALUES (1, 1, '-1', 'adjustment', 'adjustment', 1, '2026-02-02T09:00:00Z')`,
		`INSERT INTO stock_levels(product_id, warehouse_id, quantity) VALUES (1, 1, '4')`,
	} {
		_, err := raw.Exec(q)
		must(t, err)
	}
	must(t, raw.Close())

	db, err := Open(ctx, dir, Options{})
	must(t, err)
	defer db.Close()
	moves, err := db.Movements(ctx, 1)
	must(t, err)
	if len(moves) != 2 || moves[0].SourceRef != "IN-000001" || moves[0].Date.Format(time.RFC3339) != "2026-01-05T08:00:00Z" ||
		moves[0].CreatedAt.Format(time.RFC3339) != "2026-02-01T09:00:00Z" || moves[1].Date.Format(time.RFC3339) != "2026-01-07T10:00:00Z" {
		t.Fatalf("movements after the migration: %+v", moves)
	}
	for _, q := range []string{`UPDATE stock_movements SET quantity = '9'`, `DELETE FROM stock_movements`} {
		if _, err := db.SQL().Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s after the migration: %v", q, err)
		}
	}
	f := &fixture{db: db, warehouse: 1, coffee: Product{ID: 1}}
	f.post(t, StockDocument{Kind: DocIssue, WarehouseID: 1, Lines: []StockDocLine{{ProductID: 1, Quantity: d("4")}}})
	if q := f.levelIn(t, f.coffee, 1); q != "0" {
		t.Errorf("coffee after issuing what the migrated books held: %s", q)
	}
}
