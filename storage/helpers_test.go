package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var ctx = context.Background()

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// fixture is a set of books with the seeded records and two products.
type fixture struct {
	db                *DB
	branch, warehouse int64
	client            int64
	coffee, tea       Product
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{db: openTest(t)}
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		f.branch, f.warehouse, f.client = 1, 1, 1
		var err error
		if f.coffee, err = tx.CreateProduct(Product{Code: "COF-250", Barcode: "6281000000017", Name: "قهوة عربية 250g",
			Category: "مشروبات", PurchasePrice: d("18.50"), SalePrice: d("32.00")}); err != nil {
			return err
		}
		f.tea, err = tx.CreateProduct(Product{Code: "TEA-100", Name: "Green tea 100g", PurchasePrice: d("7"), SalePrice: d("12.5")})
		return err
	}))
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) inbound(t testing.TB, p Product, qty string) {
	t.Helper()
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		_, err := tx.PostRequisition(Requisition{Kind: Inbound, WarehouseID: f.warehouse,
			Lines: []RequisitionLine{{ProductID: p.ID, Quantity: d(qty)}}})
		return err
	}))
}

func (f *fixture) sale(lines ...InvoiceLine) Invoice {
	return Invoice{BranchID: f.branch, WarehouseID: f.warehouse, ClientID: f.client, Currency: "SAR",
		IssueDate: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Lines: lines}
}

func (f *fixture) issue(t testing.TB, inv Invoice) Invoice {
	t.Helper()
	var out Invoice
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.IssueSalesInvoice(inv)
		return err
	}))
	return out
}

func (f *fixture) level(t testing.TB, p Product) string {
	t.Helper()
	q, err := f.db.StockLevel(ctx, p.ID, f.warehouse)
	must(t, err)
	return q.String()
}

func count(t testing.TB, db *DB, table string) int {
	t.Helper()
	var n int
	must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}

// rawBooksAt makes books in dir as a Mizan of schema version wrote them, without seeding, and
// opens them with plain SQL for a test to write what such books held.
func rawBooksAt(t *testing.T, dir string, version int) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName)))
	must(t, err)
	ms, err := loadMigrations()
	must(t, err)
	_, err = raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
	must(t, err)
	for _, m := range ms[:version] {
		_, err := raw.Exec(m.body)
		must(t, err)
		_, err = raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00Z')`, m.version, m.name)
		must(t, err)
	}
	return raw
}
