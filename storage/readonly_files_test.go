package storage

import (
	"os"
	"slices"
	"testing"
)

// dirFiles are the names of the files in dir, sorted.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	must(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestReadOnlyOpenLeavesTheFolder: reading books read-only leaves the directory as it was, alone
// or beside a writer, whichever of the two closes last; what the writer wrote stays in the books.
func TestReadOnlyOpenLeavesTheFolder(t *testing.T) {
	stock := func(db *DB, f *fixture) string {
		t.Helper()
		q, err := db.StockLevel(ctx, f.coffee.ID, f.warehouse)
		must(t, err)
		return q.String()
	}
	reopen := func(t *testing.T, dir string) *DB {
		t.Helper()
		db, err := Open(ctx, dir, Options{ReadOnly: true})
		must(t, err)
		if !db.ReadOnly() {
			t.Fatal("the books were not opened read-only")
		}
		return db
	}
	for _, tc := range []struct {
		name string
		// read reads the books read-only while a writer opens, writes and closes around it, as
		// the case has it; it returns the stock the reader saw last.
		read func(t *testing.T, dir string, f *fixture) string
	}{
		{"alone", func(t *testing.T, dir string, f *fixture) string {
			ro := reopen(t, dir)
			defer ro.Close()
			if err := ro.Update(ctx, func(tx *Tx) error {
				_, err := tx.CreateProduct(Product{Code: "X", Name: "X", SalePrice: d("1")})
				return err
			}); err == nil {
				t.Fatal("a read-only handle wrote")
			}
			return stock(ro, f)
		}},
		{"beside a writer that closes last", func(t *testing.T, dir string, f *fixture) string {
			w, err := Open(ctx, dir, Options{})
			must(t, err)
			defer w.Close()
			ro := reopen(t, dir)
			defer ro.Close()
			f.db = w
			f.inbound(t, f.coffee, "2")
			return stock(ro, f)
		}},
		{"beside a writer that closes first", func(t *testing.T, dir string, f *fixture) string {
			ro := reopen(t, dir)
			defer ro.Close()
			w, err := Open(ctx, dir, Options{})
			must(t, err)
			f.db = w
			f.inbound(t, f.coffee, "2")
			must(t, w.Close())
			return stock(ro, f)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.inbound(t, f.coffee, "3")
			dir := f.db.Dir()
			must(t, f.db.Close())
			before := dirFiles(t, dir)
			if slices.Contains(before, FileName+"-wal") {
				t.Fatalf("books closed cleanly left %v", before)
			}
			want := "3"
			if tc.name != "alone" {
				want = "5"
			}
			if got := tc.read(t, dir, f); got != want {
				t.Fatalf("the reader saw a stock of %s, not %s", got, want)
			}
			if after := dirFiles(t, dir); !slices.Equal(after, before) {
				t.Fatalf("the folder holds %v after the read; it held %v", after, before)
			}
			ro := reopen(t, dir)
			defer ro.Close()
			if got := stock(ro, f); got != want {
				t.Fatalf("the books hold a stock of %s after, not %s", got, want)
			}
		})
	}
}
