package storage

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
	"time"
)

// storeConnection records a store connection as the engine would, with its warehouse.
func storeConnection(t testing.TB, db *DB, name string, warehouse int64) int64 {
	t.Helper()
	var id int64
	must(t, db.SQL().QueryRow(`INSERT INTO connections(name, platform, store_url, client_id, warehouse_id, branch_id, start_date,
		invoice_states, poll_seconds, field_owners, created_at, updated_at) VALUES (?, 'salla', 'https://s.salla.sa/x', 1, ?, 1,
		'2026-01-01T00:00:00Z', '[]', 600, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`, name, warehouse).Scan(&id))
	return id
}

// The requisitions and adjustments a sync records are listed with the merchant's documents, each
// with its number, date, warehouse, kind, source and lines, and found by kind, number, source,
// note and date.
func TestAutomaticDocumentsListed(t *testing.T) {
	f := newFixture(t)
	shop := storeConnection(t, f.db, "متجر العود", f.warehouse)
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.PostRequisition(Requisition{Kind: Inbound, WarehouseID: f.warehouse, Date: day, ConnectionID: shop,
			Note: "Store quantity of COF-250", Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("7")}}}); err != nil {
			return err
		}
		if _, err := tx.PostRequisition(Requisition{Kind: Outbound, WarehouseID: f.warehouse, Date: day.AddDate(0, 0, 1),
			Note: "opening stock", Lines: []RequisitionLine{{ProductID: f.coffee.ID, Quantity: d("1")}, {ProductID: f.coffee.ID, Quantity: d("2")}}}); err != nil {
			return err
		}
		return tx.AdjustFrom(shop, f.tea.ID, f.warehouse, d("-2"), "the store's count", NoteWords{})
	}))
	rec := f.post(t, StockDocument{Kind: DocReceive, Date: day.AddDate(0, 0, 2), WarehouseID: f.warehouse,
		Lines: []StockDocLine{{ProductID: f.tea.ID, Quantity: d("3")}}})

	for _, tc := range []struct {
		name string
		f    StockDocumentFilter
		want []string
	}{
		{"every kind, newest first", StockDocumentFilter{}, []string{"ADJ-000001", rec.Number, "OUT-000002", "IN-000001"}},
		{"inbound", StockDocumentFilter{Kind: DocInbound}, []string{"IN-000001"}},
		{"outbound", StockDocumentFilter{Kind: DocOutbound}, []string{"OUT-000002"}},
		{"adjustment", StockDocumentFilter{Kind: DocAdjustment}, []string{"ADJ-000001"}},
		{"the merchant's", StockDocumentFilter{Kind: DocReceive}, []string{rec.Number}},
		{"number", StockDocumentFilter{Search: "in-0000"}, []string{"IN-000001"}},
		{"source", StockDocumentFilter{Search: "العود"}, []string{"ADJ-000001", "IN-000001"}},
		{"reason", StockDocumentFilter{Search: "store's count"}, []string{"ADJ-000001"}},
		{"one day", StockDocumentFilter{From: day.Truncate(24 * time.Hour), To: day.Truncate(24*time.Hour).AddDate(0, 0, 1)}, []string{"IN-000001"}},
		{"from a day", StockDocumentFilter{From: day.AddDate(0, 0, 1).Truncate(24 * time.Hour), Kind: DocOutbound}, []string{"OUT-000002"}},
		{"before a day", StockDocumentFilter{To: day.AddDate(0, 0, 1).Truncate(24 * time.Hour), Kind: DocOutbound}, nil},
		{"limit", StockDocumentFilter{Limit: 1}, []string{"ADJ-000001"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := f.db.StockDocuments(ctx, tc.f)
			must(t, err)
			var got []string
			for _, d := range list {
				got = append(got, d.Number)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("listed %v, want %v", got, tc.want)
			}
		})
	}

	list, err := f.db.StockDocuments(ctx, StockDocumentFilter{Kind: DocOutbound})
	must(t, err)
	if d := list[0]; d.LineCount != 2 || d.Warehouse == "" || d.Source != "" || !d.Date.Equal(day.AddDate(0, 0, 1)) || !d.Kind.Automatic() {
		t.Errorf("the outbound requisition is listed as %+v", d)
	}
	in, err := f.db.StockDocumentByNumber(ctx, "in-000001")
	must(t, err)
	if in.Kind != DocInbound || in.Source != "متجر العود" || in.ConnectionID != shop || !in.Date.Equal(day) || in.Note != "Store quantity of COF-250" ||
		len(in.Lines) != 1 || in.Lines[0].Code != "COF-250" || in.Lines[0].Quantity.String() != "7" {
		t.Errorf("IN-000001 reads %+v", in)
	}
	adj, err := f.db.StockDocumentByNumber(ctx, "ADJ-000001")
	must(t, err)
	if adj.Kind != DocAdjustment || adj.Source != "متجر العود" || adj.Note != "the store's count" || len(adj.Lines) != 1 ||
		adj.Lines[0].Code != "TEA-100" || adj.Lines[0].Quantity.String() != "-2" {
		t.Errorf("ADJ-000001 reads %+v", adj)
	}
	// The ids of each kind are counted apart: the same id reads each kind's own document.
	if again, err := f.db.StockDocumentOf(ctx, DocAdjustment, adj.ID); err != nil || again.Number != "ADJ-000001" {
		t.Errorf("adjustment %d reads %q (%v)", adj.ID, again.Number, err)
	}
	if _, err := f.db.StockDocumentOf(ctx, DocOutbound, in.ID); !IsValidation(err) {
		t.Errorf("reading the inbound requisition as an outbound one: %v", err)
	}
	var b bytes.Buffer
	must(t, WriteStockDocumentCSV(&b, in))
	recs, err := csv.NewReader(&b).ReadAll()
	must(t, err)
	if len(recs) != 2 || recs[0][len(recs[0])-1] != "source" || recs[1][1] != "inbound" || recs[1][len(recs[1])-1] != "متجر العود" {
		t.Errorf("CSV of IN-000001: %q", recs)
	}
	// A removed connection keeps its name as the source.
	_, err = f.db.SQL().Exec(`UPDATE connections SET removed_name = name, name = 'متجر العود (removed #1)' WHERE id = ?`, shop)
	must(t, err)
	if in, _ := f.db.StockDocumentByNumber(ctx, "IN-000001"); in.Source != "متجر العود" {
		t.Errorf("after the connection's removal the source reads %q", in.Source)
	}
	if _, err := f.db.StockDocuments(ctx, StockDocumentFilter{Kind: "gift"}); !IsValidation(err) {
		t.Errorf("an unknown kind: %v", err)
	}
}

// Books made before migration 0013 learn where the sync's requisitions and adjustments came from:
// a requisition from the log entry that names it, otherwise the one connection that has the
// product in the document's warehouse; none when two do.
func TestMigrationFindsAutomaticDocumentsSources(t *testing.T) {
	dir := t.TempDir()
	raw := rawBooksAt(t, dir, 12) // before migration 0013
	const at = `'2026-01-01T00:00:00Z'`
	for _, q := range []string{
		`INSERT INTO branches(id, code, name, created_at) VALUES (1, 'MAIN', 'Main branch', ` + at + `)`,
		`INSERT INTO warehouses(id, name, branch_id, created_at) VALUES (1, 'Main warehouse', 1, ` + at + `), (2, 'Jeddah', 1, ` + at + `)`,
		`INSERT INTO clients(id, name, created_at, updated_at) VALUES (1, 'Walk-in customer', ` + at + `, ` + at + `)`,
		`INSERT INTO products(id, code, name, created_at, updated_at) VALUES (1, 'A', 'A', ` + at + `, ` + at + `), (2, 'B', 'B', ` + at + `, ` + at + `), (3, 'C', 'C', ` + at + `, ` + at + `)`,
		// Two stores in the main warehouse, one in Jeddah.
		`INSERT INTO connections(id, name, platform, store_url, client_id, warehouse_id, branch_id, start_date, invoice_states, poll_seconds,
			field_owners, created_at, updated_at) VALUES (1, 'Shop', 'shopify', 'https://a', 1, 1, 1, ` + at + `, '[]', 600, '{}', ` + at + `, ` + at + `),
			(2, 'Woo', 'woocommerce', 'https://b', 1, 1, 1, ` + at + `, '[]', 600, '{}', ` + at + `, ` + at + `),
			(3, 'Salla', 'salla', 'https://c', 1, 2, 1, ` + at + `, '[]', 600, '{}', ` + at + `, ` + at + `)`,
		// Product 1 is in both main-warehouse stores, 2 in Woo and Salla, 3 in Shop alone.
		`INSERT INTO sync_bindings(connection_id, kind, external_id, local_id, synced_at) VALUES
			(1, 'product', 'a1', 1, ` + at + `), (2, 'product', 'b1', 1, ` + at + `), (2, 'product', 'b2', 2, ` + at + `),
			(3, 'product', 'c2', 2, ` + at + `), (1, 'product', 'a3', 3, ` + at + `)`,
		`INSERT INTO sync_runs(id, connection_id, trigger, started_at) VALUES (1, 2, 'manual', ` + at + `)`,
		`INSERT INTO sync_log(run_id, connection_id, at, level, kind, message, doc_type, doc_id) VALUES
			(1, 2, ` + at + `, 'info', 'product', 'Imported A "A" from the store, 5 in stock (inbound requisition IN-000001)', 'product', 1)`,
		`INSERT INTO requisitions(id, number, kind, warehouse_id, date, created_at) VALUES
			(1, 'IN-000001', 'inbound', 1, ` + at + `, ` + at + `), (2, 'IN-000002', 'inbound', 1, ` + at + `, ` + at + `),
			(3, 'IN-000003', 'inbound', 2, ` + at + `, ` + at + `), (4, 'IN-000004', 'inbound', 1, ` + at + `, ` + at + `)`,
		`INSERT INTO requisition_lines(requisition_id, product_id, quantity) VALUES (1, 1, '5'), (2, 1, '1'), (3, 2, '2'), (4, 3, '3')`,
		`INSERT INTO adjustments(id, number, warehouse_id, product_id, quantity, reason, date, created_at) VALUES
			(1, 'ADJ-000001', 1, 1, '-1', 'count', ` + at + `, ` + at + `), (2, 'ADJ-000002', 1, 2, '1', 'count', ` + at + `, ` + at + `),
			(3, 'ADJ-000003', 2, 2, '1', 'count', ` + at + `, ` + at + `)`,
	} {
		_, err := raw.Exec(q)
		must(t, err)
	}
	must(t, raw.Close())

	db, err := Open(ctx, dir, Options{})
	must(t, err)
	defer db.Close()
	for number, want := range map[string]string{
		"IN-000001":  "Woo",   // named by the log
		"IN-000002":  "",      // both main-warehouse stores have product 1
		"IN-000003":  "Salla", // the one store of Jeddah with product 2
		"IN-000004":  "Shop",
		"ADJ-000001": "",
		"ADJ-000002": "Woo",
		"ADJ-000003": "Salla",
	} {
		doc, err := db.StockDocumentByNumber(ctx, number)
		must(t, err)
		if doc.Source != want {
			t.Errorf("%s comes from %q, want %q", number, doc.Source, want)
		}
	}
}
