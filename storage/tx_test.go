package storage

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func TestWritesOf(t *testing.T) {
	tests := []struct {
		query string
		want  writes
	}{
		{"SELECT id FROM branches WHERE id = ?", writes{}},
		{"  select 1", writes{}},
		{"SAVEPOINT op", writes{}},
		{"RELEASE op", writes{}},
		{"ROLLBACK TO op", writes{changes: true}},
		{"INSERT INTO clients(name) VALUES (?)", writes{table: "clients", adds: true, write: true}},
		{"insert into main.Clients(name) values (?)", writes{table: "clients", adds: true, write: true}},
		{"INSERT INTO invoice_search(rowid, number) SELECT id, number FROM invoices", writes{table: "invoice_search", adds: true, write: true}},
		{"INSERT OR IGNORE INTO products SELECT * FROM src.products", writes{table: "products", adds: true, write: true}},
		{"INSERT OR REPLACE INTO products(id) VALUES (?)", writes{table: "products", changes: true, adds: true, write: true}},
		{"REPLACE INTO products(id) VALUES (?)", writes{table: "products", changes: true, adds: true, write: true}},
		{"INSERT INTO payment_methods(connection_id) VALUES (?)\n\t\tON CONFLICT(connection_id, method) DO UPDATE SET title = excluded.title", writes{table: "payment_methods", changes: true, adds: true, write: true}},
		{"INSERT INTO number_sequences(branch_id) VALUES (?) ON CONFLICT(branch_id, doc_type) DO NOTHING", writes{table: "number_sequences", adds: true, write: true}},
		{"UPDATE branches SET name = ? WHERE id = ?", writes{table: "branches", changes: true, adds: true, write: true}},
		{"UPDATE OR IGNORE clients SET name = ?", writes{table: "clients", changes: true, adds: true, write: true}},
		{"UPDATE sync_stock_events INDEXED BY sync_stock_events_doc SET posted = 1", writes{table: "sync_stock_events", changes: true, adds: true, write: true}},
		{"DELETE FROM sync_retries WHERE connection_id = ?", writes{table: "sync_retries", changes: true, write: true}},
		{"\n\tDELETE FROM products WHERE id = ?", writes{table: "products", changes: true, write: true}},
		{"DELETE FROM connections WHERE id = ?", writes{changes: true, write: true}},
		{"UPDATE sync_runs SET id = ?", writes{changes: true, write: true}},
		{"WITH x AS (SELECT 1) SELECT * FROM x", writes{}},
		{"WITH x AS (SELECT 1) UPDATE clients SET name = ''", writes{changes: true, write: true}},
		{"DROP TRIGGER invoice_search_insert", writes{changes: true, write: true}},
		{`UPDATE "clients" SET name = ''`, writes{changes: true, write: true}},
		{`INSERT INTO "clients"(name) VALUES ('') ON CONFLICT DO UPDATE SET name = ''`, writes{changes: true, write: true}},
		{`DELETE FROM "clients"`, writes{changes: true, write: true}},
	}
	for _, tc := range tests {
		if got := writesOf(tc.query); got != tc.want {
			t.Errorf("writesOf(%q) = %+v, want %+v", tc.query, got, tc.want)
		}
	}
}

// TestMemoSeesWhatTheBooksHold: within one transaction, what Memo kept (the records invoices and
// payments name) is read again after the transaction changes it, after a savepoint that wrote it is
// undone, and in the next transaction; adding rows to its tables keeps it.
func TestMemoSeesWhatTheBooksHold(t *testing.T) {
	f := newFixture(t)
	var connID int64
	must(t, f.db.SQL().QueryRow(`INSERT INTO connections(name, platform, store_url, client_id, warehouse_id, branch_id, start_date,
		invoice_states, poll_seconds, field_owners, created_at, updated_at) VALUES ('Shop', 'woocommerce', 'https://shop.example', 1, 1, 1,
		'2026-01-01T00:00:00Z', '[]', 600, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`).Scan(&connID))
	errUndo := errors.New("undo")
	expect := func(t *testing.T, what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	t.Run("changed in the transaction", func(t *testing.T) {
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			b, err := tx.branchOf(f.branch)
			must(t, err)
			c, err := tx.clientOf(f.client)
			must(t, err)
			p, err := tx.productOf(f.coffee.ID)
			must(t, err)
			w, err := tx.warehouseOf(f.warehouse)
			must(t, err)
			acc, err := tx.SeePaymentMethod(connID, "cod", "Cash on delivery")
			must(t, err)
			expect(t, "cod's account", acc, DefaultAccountID)
			// Added rows leave what is kept as it is.
			if _, err := tx.CreateClient(Client{Name: "Someone new"}); err != nil {
				return err
			}
			if len(tx.memo) != 5 {
				t.Errorf("%d kept after a client was added, want 5", len(tx.memo))
			}

			if _, err := tx.RenameBranch(b.ID, "Riyadh"); err != nil {
				return err
			}
			c.Name = "Renamed client"
			if _, err := tx.UpdateClient(c); err != nil {
				return err
			}
			p.Name = "قهوة 500g"
			if _, err := tx.UpdateProduct(p); err != nil {
				return err
			}
			if _, err := tx.RenameWarehouse(w.ID, "Jeddah store"); err != nil {
				return err
			}
			bank, err := tx.CreateTreasuryAccount(TreasuryAccount{Name: "Bank"})
			if err != nil {
				return err
			}
			if err := tx.MapPaymentMethod(connID, "cod", bank.ID); err != nil {
				return err
			}
			b, _ = tx.branchOf(f.branch)
			c, _ = tx.clientOf(f.client)
			p, _ = tx.productOf(f.coffee.ID)
			w, _ = tx.warehouseOf(f.warehouse)
			acc, _ = tx.SeePaymentMethod(connID, "cod", "")
			expect(t, "branch", b.Name, "Riyadh")
			expect(t, "client", c.Name, "Renamed client")
			expect(t, "product", p.Name, "قهوة 500g")
			expect(t, "warehouse", w.Name, "Jeddah store")
			expect(t, "cod's account after mapping", acc, bank.ID)

			bank.Name = "Al Rajhi"
			if _, err := tx.UpdateTreasuryAccount(bank); err != nil {
				return err
			}
			sale := f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")})
			inv, err := tx.IssueSalesInvoice(sale)
			if err != nil {
				return err
			}
			pay, err := tx.RecordPayment(Payment{Direction: PaymentIn, AccountID: bank.ID, InvoiceID: inv.ID, Amount: d("10")})
			if err != nil {
				return err
			}
			expect(t, "payment's account", pay.AccountName, "Al Rajhi")
			expect(t, "payment's invoice", pay.InvoiceNumber, inv.Number)
			return nil
		}))
	})
	t.Run("written in an undone savepoint", func(t *testing.T) {
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			var client Client
			var prod Product
			err := tx.Savepoint(func() error {
				var err error
				if client, err = tx.CreateClient(Client{Name: "Gone client"}); err != nil {
					return err
				}
				if prod, err = tx.CreateProduct(Product{Code: "GONE-1", Name: "Gone"}); err != nil {
					return err
				}
				if _, err := tx.clientOf(client.ID); err != nil {
					return err
				}
				if _, err := tx.productOf(prod.ID); err != nil {
					return err
				}
				if _, err := tx.SeePaymentMethod(connID, "gone", "Gone method"); err != nil {
					return err
				}
				if err := tx.MapPaymentMethod(connID, "cod", DefaultAccountID); err != nil {
					return err
				}
				if acc, err := tx.SeePaymentMethod(connID, "cod", ""); err != nil || acc != DefaultAccountID {
					t.Errorf("cod mapped back to the cash box pays into %d (%v)", acc, err)
				}
				return errUndo
			})
			if err != errUndo {
				return err
			}
			if _, err := tx.clientOf(client.ID); !IsValidation(err) {
				t.Errorf("a client made in an undone savepoint: %v", err)
			}
			if _, err := tx.productOf(prod.ID); !IsValidation(err) {
				t.Errorf("a product made in an undone savepoint: %v", err)
			}
			if acc, err := tx.SeePaymentMethod(connID, "cod", ""); err != nil || acc == DefaultAccountID {
				t.Errorf("after the undone mapping, cod pays into %d (%v), want the bank", acc, err)
			}
			// An invoice issued in an undone savepoint: its id is the next invoice's.
			err = tx.Savepoint(func() error {
				inv, err := tx.IssueSalesInvoice(f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")}))
				if err != nil {
					return err
				}
				if _, err := tx.invoiceFactsOf(inv.ID); err != nil {
					return err
				}
				return errUndo
			})
			if err != errUndo {
				return err
			}
			ret, err := tx.IssueReturnInvoice(Invoice{OriginalID: 1, Lines: []InvoiceLine{{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("1")}}})
			if err != nil {
				return err
			}
			facts, err := tx.invoiceFactsOf(ret.ID)
			expect(t, "the undone invoice's id, reused", facts.Type, ReturnInvoice)
			return err
		}))
		ms, err := f.db.PaymentMethods(ctx, connID)
		must(t, err)
		for _, m := range ms {
			if m.Method == "gone" {
				t.Errorf("a method seen in an undone savepoint is in the books")
			}
		}
	})
	t.Run("a table read for what it lacks", func(t *testing.T) {
		type retriesKey struct{}
		reads := 0
		held := func(tx *Tx) int {
			n, _, err := Memo(tx, retriesKey{}, func() (int, bool, error) {
				reads++
				var n int
				err := tx.QueryRow(`SELECT COUNT(*) FROM sync_retries WHERE connection_id = ?`, connID).Scan(&n)
				return n, err == nil, err
			}, "+sync_retries")
			must(t, err)
			return n
		}
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			for _, step := range []struct {
				stmt        string
				held, reads int
			}{
				{"", 0, 1},
				{`DELETE FROM sync_retries WHERE connection_id = ?`, 0, 1},
				{`INSERT INTO sync_retries(connection_id, kind, external_id, store_ref, attempts, last_error, updated_at)
					VALUES (?, 'order', '1', '#1', 1, '', '')`, 1, 2},
				{`SELECT COUNT(*) FROM sync_retries WHERE connection_id = ?`, 1, 2},
				{`UPDATE sync_retries SET connection_id = ? WHERE connection_id = 0`, 1, 3},
				{`DELETE FROM sync_retries WHERE connection_id = ?`, 1, 3}, // kept: there may be none now
				{`INSERT INTO sync_retries(connection_id, kind, external_id, store_ref, attempts, last_error, updated_at)
					VALUES (?, 'order', '2', '#2', 1, '', '') ON CONFLICT DO NOTHING`, 1, 4},
			} {
				if step.stmt != "" {
					if _, err := tx.Exec(step.stmt, connID); err != nil {
						return err
					}
				}
				if got := held(tx); got != step.held || reads != step.reads {
					t.Errorf("after %q: %d retries held, %d reads; want %d and %d", step.stmt, got, reads, step.held, step.reads)
				}
			}
			return nil
		}))
	})
	t.Run("the next transaction", func(t *testing.T) {
		var name string
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			b, err := tx.branchOf(f.branch)
			name = b.Name
			return err
		}))
		_, err := f.db.SQL().Exec(`UPDATE branches SET name = 'Dammam' WHERE id = ?`, f.branch)
		must(t, err)
		must(t, f.db.Update(ctx, func(tx *Tx) error {
			b, err := tx.branchOf(f.branch)
			expect(t, "branch in the next transaction", b.Name, "Dammam")
			return err
		}))
		if name != "Riyadh" {
			t.Errorf("branch %q", name)
		}
	})
}

// TestMemoSeesEveryWrite: the memo forgets what a statement may change by reading the statement,
// so no write may happen out of its sight: no trigger changes or deletes rows (they only add search
// entries or refuse), and every table whose rows go with another's (ON DELETE or ON UPDATE actions)
// goes with one of cascadeParents.
func TestMemoSeesEveryWrite(t *testing.T) {
	db := openTest(t)
	rows, err := db.SQL().Query(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var name, body string
		must(t, rows.Scan(&name, &body))
		_, body, _ = strings.Cut(strings.ToUpper(body), " BEGIN")
		for _, stmt := range strings.Split(body, ";") {
			stmt = strings.TrimSpace(stmt)
			if stmt == "" || stmt == "END" || strings.HasPrefix(stmt, "SELECT RAISE") {
				continue
			}
			if w := writesOf(stmt); w.changes || !strings.HasSuffix(w.table, "_search") {
				t.Errorf("trigger %s writes out of the memo's sight: %s", name, stmt)
			}
		}
	}
	must(t, rows.Err())
	fks, err := db.SQL().Query(`SELECT m.name, f."table", f.on_update, f.on_delete FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table'`)
	must(t, err)
	defer fks.Close()
	for fks.Next() {
		var child, parent, onUpdate, onDelete string
		must(t, fks.Scan(&child, &parent, &onUpdate, &onDelete))
		if (onUpdate != "NO ACTION" || onDelete != "NO ACTION") && !cascadeParents[parent] {
			t.Errorf("%s's rows go with %s's (on update %s, on delete %s), which is not in cascadeParents", child, parent, onUpdate, onDelete)
		}
	}
	must(t, fks.Err())
}

// TestSavepointsNested: savepoints nested at random, some writing before, between and after
// their inner ones, some refused, leave exactly what the refused ones did not write, however
// their SQL savepoints were made or shared (see atomic).
func TestSavepointsNested(t *testing.T) {
	db := openTest(t)
	rng := rand.New(rand.NewSource(20261203))
	errRefused := errors.New("refused")
	for round := range 200 {
		var want []string
		n := 0
		// run writes and nests at random at depth d, adding to kept what survives if the
		// savepoints around it are kept.
		var run func(tx *Tx, d int, kept *[]string) error
		run = func(tx *Tx, d int, kept *[]string) error {
			for range rng.Intn(4) {
				switch k := rng.Intn(3); {
				case k == 0 || d > 3:
					n++
					name := fmt.Sprintf("round %d client %d", round, n)
					if _, err := tx.CreateClient(Client{Name: name}); err != nil {
						return err
					}
					*kept = append(*kept, name)
				case k == 1:
					if _, err := tx.Client(1); err != nil { // a read between
						return err
					}
				default:
					refuse := rng.Intn(3) == 0
					var inner []string
					err := tx.Savepoint(func() error {
						if err := run(tx, d+1, &inner); err != nil {
							return err
						}
						if refuse {
							return errRefused
						}
						return nil
					})
					switch {
					case refuse && err == errRefused:
					case !refuse && err == nil:
						*kept = append(*kept, inner...)
					default:
						return fmt.Errorf("savepoint: %v (refused %v)", err, refuse)
					}
				}
			}
			return nil
		}
		must(t, db.Update(ctx, func(tx *Tx) error { return run(tx, 0, &want) }))
		rows, err := db.SQL().Query(`SELECT name FROM clients WHERE name LIKE ? ORDER BY id`, fmt.Sprintf("round %d client %%", round))
		must(t, err)
		var got []string
		for rows.Next() {
			var s string
			must(t, rows.Scan(&s))
			got = append(got, s)
		}
		must(t, rows.Err())
		rows.Close()
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: the books hold %q, want %q", round, got, want)
		}
	}
}

// TestReadProducts: products read together are the products read one by one, and a missing one
// is still refused by name.
func TestReadProducts(t *testing.T) {
	f := newFixture(t)
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		if err := tx.ReadProducts([]int64{f.coffee.ID, 999, f.tea.ID}); err != nil {
			return err
		}
		if len(tx.memo) != 2 {
			t.Errorf("%d kept, want the 2 products there are", len(tx.memo))
		}
		for _, id := range []int64{f.coffee.ID, f.tea.ID} {
			got, err := tx.productOf(id)
			want, werr := tx.Product(id)
			if err != nil || werr != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
				t.Errorf("product %d read together %+v (%v), alone %+v (%v)", id, got, err, want, werr)
			}
		}
		if _, err := tx.productOf(999); !IsValidation(err) {
			t.Errorf("a missing product: %v", err)
		}
		return nil
	}))
}
