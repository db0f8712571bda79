package storage

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// filledBooks makes books with products, stock and invoices enough for a file of many pages, closes
// them cleanly and returns their directory.
func filledBooks(t *testing.T) string {
	t.Helper()
	f := newFixture(t)
	var products []Product
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		for i := range 400 {
			p, err := tx.CreateProduct(Product{Code: fmt.Sprintf("P-%04d", i), Name: fmt.Sprintf("منتج تجريبي رقم %d للفحص", i),
				Category: "فئة", PurchasePrice: d("10.25"), SalePrice: d("19.99")})
			if err != nil {
				return err
			}
			products = append(products, p)
		}
		return nil
	}))
	for i, p := range products[:150] {
		f.inbound(t, p, "50")
		f.issue(t, f.sale(InvoiceLine{ProductID: p.ID, Quantity: d("2"), UnitPrice: d("19.99")},
			InvoiceLine{ProductID: products[(i+1)%150].ID, Quantity: d("1"), UnitPrice: d("19.99")}))
	}
	dir := f.db.Dir()
	must(t, f.db.Close())
	return dir
}

// copyBooks copies the books in dir (mizan.db only: they were closed cleanly) to a new directory.
func copyBooks(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	src, err := os.Open(filepath.Join(dir, FileName))
	must(t, err)
	defer src.Close()
	dst, err := os.Create(filepath.Join(out, FileName))
	must(t, err)
	_, err = io.Copy(dst, src)
	must(t, err)
	must(t, dst.Close())
	return out
}

// spoilPages overwrites n pages in the middle of the books' file with random bytes.
func spoilPages(t *testing.T, dir string, n int) {
	t.Helper()
	path := filepath.Join(dir, FileName)
	fi, err := os.Stat(path)
	must(t, err)
	const page = 4096
	pages := fi.Size() / page
	if pages < 40 {
		t.Fatalf("the books have only %d pages", pages)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	must(t, err)
	defer f.Close()
	r := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, page)
	for i := range n {
		for j := range garbage {
			garbage[j] = byte(r.UintN(256))
		}
		_, err := f.WriteAt(garbage, (pages/2+int64(i)*3)*page)
		must(t, err)
	}
}

// crashed leaves the lock file as a session that ended without closing the books leaves it.
func crashed(t *testing.T, dir string) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(dir, "mizan.lock"), []byte("4242\n"), 0o600))
}

func TestDamagedBooksAreRefusedAfterAnUncleanEnd(t *testing.T) {
	sound := filledBooks(t)
	if problems, err := Check(ctx, sound); err != nil || len(problems) != 0 {
		t.Fatalf("check of sound books: %v %v", problems, err)
	}
	// Sound books after a crash: checked, and open.
	ok := copyBooks(t, sound)
	crashed(t, ok)
	db, err := Open(ctx, ok, Options{})
	must(t, err)
	if n := count(t, db, "products"); n != 402 {
		t.Fatalf("%d products after a crash", n)
	}
	must(t, db.Close())

	bad := copyBooks(t, sound)
	spoilPages(t, bad, 4)
	problems, err := Check(ctx, bad)
	if err != nil || len(problems) == 0 {
		t.Fatalf("check of spoilt books: %v %v", problems, err)
	}
	before, _ := os.ReadFile(filepath.Join(bad, FileName))
	crashed(t, bad)
	if _, err := Open(ctx, bad, Options{ReadOnly: true}); !errors.Is(err, ErrDamaged) {
		t.Fatalf("opening spoilt books read-only after a crash: %v", err)
	}
	_, err = Open(ctx, bad, Options{})
	var dmg *DamagedError
	if !errors.Is(err, ErrDamaged) || !errors.As(err, &dmg) || len(dmg.Problems) == 0 {
		t.Fatalf("opening spoilt books after a crash: %v", err)
	}
	for _, want := range []string{filepath.Join(bad, FileName), "is damaged", "backup", "mizan check", "Nothing was changed"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the error %q does not say %q", err, want)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(bad, FileName)); string(after) != string(before) {
		t.Fatal("the refused open changed the file")
	}
	// Refused every time until it is restored, and the lock is free again.
	if _, err := Open(ctx, bad, Options{}); !errors.Is(err, ErrDamaged) {
		t.Fatalf("second open of spoilt books: %v", err)
	}
}

func TestCleanCloseNeedsNoCheck(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{})
	must(t, err)
	if db.lock.unclean {
		t.Fatal("new books are taken for an unclean end")
	}
	must(t, db.Close())
	if b, _ := os.ReadFile(filepath.Join(dir, "mizan.lock")); len(b) != 0 {
		t.Fatalf("a clean close leaves %q in the lock file", b)
	}
	db, err = Open(ctx, dir, Options{})
	must(t, err)
	if db.lock.unclean {
		t.Fatal("books closed cleanly are taken for an unclean end")
	}
	must(t, db.Close())
}

// TestKilledSessionIsNoticed ends a child process holding the books without closing them: the
// next open knows, checks the books and marks the child's sync run as interrupted.
func TestKilledSessionIsNoticed(t *testing.T) {
	if dir := os.Getenv("MIZAN_TEST_DIE_IN"); dir != "" {
		db, err := Open(ctx, dir, Options{})
		if err != nil {
			os.Exit(3)
		}
		if _, err := db.SQL().Exec(`INSERT INTO sync_runs(connection_id, trigger, started_at) VALUES (1, 'manual', '2026-03-01T10:00:00Z')`); err != nil {
			os.Exit(4)
		}
		os.Exit(0) // no Close: as a kill -9 or a crash ends it
	}
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{})
	must(t, err)
	addConnection(t, db)
	must(t, db.Close())
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledSessionIsNoticed$")
	cmd.Env = append(os.Environ(), "MIZAN_TEST_DIE_IN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v: %s", err, out)
	}
	db, err = Open(ctx, dir, Options{})
	must(t, err)
	defer db.Close()
	if !db.lock.unclean {
		t.Fatal("the next open did not notice the session that was not closed")
	}
	var outcome string
	must(t, db.SQL().QueryRow(`SELECT outcome FROM sync_runs`).Scan(&outcome))
	if outcome != "interrupted" {
		t.Fatalf("the killed session's run is %q", outcome)
	}
}

// addConnection adds a connection row for runs to belong to.
func addConnection(t *testing.T, db *DB) {
	t.Helper()
	_, err := db.SQL().Exec(`INSERT INTO connections(id, name, platform, store_url, client_id, warehouse_id, branch_id,
		start_date, invoice_states, poll_seconds, field_owners, created_at, updated_at)
		VALUES (1, 'Shop', 'shopify', 'https://shop.example', 1, 1, 1, '2026-01-01', '[]', 300, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`)
	must(t, err)
}

func TestRunsLeftRunningAreInterrupted(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{})
	must(t, err)
	addConnection(t, db)
	for _, q := range []string{
		`INSERT INTO sync_runs(id, connection_id, trigger, started_at, ended_at, outcome, message) VALUES (1, 1, 'manual', '2026-03-01T10:00:00Z', '2026-03-01T10:01:00Z', 'ok', 'nothing new')`,
		`INSERT INTO sync_runs(id, connection_id, trigger, started_at) VALUES (2, 1, 'schedule', '2026-03-01T11:00:00Z')`,
		`INSERT INTO sync_log(run_id, connection_id, at, level, kind, message) VALUES (2, 1, '2026-03-01T11:00:07Z', 'info', 'order', 'invoice MAIN-INV-000001')`,
		`INSERT INTO sync_runs(id, connection_id, trigger, started_at) VALUES (3, 1, 'manual', '2026-03-01T12:00:00Z')`,
	} {
		_, err := db.SQL().Exec(q)
		must(t, err)
	}
	must(t, db.Close())

	db, err = Open(ctx, dir, Options{})
	must(t, err)
	defer db.Close()
	want := map[int]string{1: "ok|2026-03-01T10:01:00Z", 2: "interrupted|2026-03-01T11:00:07Z", 3: "interrupted|2026-03-01T12:00:00Z"}
	rows, err := db.SQL().Query(`SELECT id, outcome, ended_at, message FROM sync_runs ORDER BY id`)
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var id int
		var outcome, ended, msg string
		must(t, rows.Scan(&id, &outcome, &ended, &msg))
		if got := outcome + "|" + ended; got != want[id] {
			t.Errorf("run %d: %s, want %s", id, got, want[id])
		}
		if outcome == "interrupted" && !strings.Contains(msg, "stopped before the sync ended") {
			t.Errorf("run %d's message: %q", id, msg)
		}
	}
	var lines int
	// Each carries the engine's code for the sentence, which a window translates.
	must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM sync_log WHERE kind = 'run' AND level = 'warning' AND message LIKE '%interrupted%'
		AND code = 'run.interrupted'`).Scan(&lines))
	if lines != 2 {
		t.Fatalf("%d log lines say a run was interrupted, want 2", lines)
	}
}

func TestEmptyBooksFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, FileName), nil, 0o600))
	for _, opts := range []Options{{}, {ReadOnly: true}} {
		_, err := Open(ctx, dir, opts)
		var dmg *DamagedError
		if !errors.As(err, &dmg) || !dmg.Empty || !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "empty (0 bytes)") {
			t.Fatalf("opening an empty books file (read-only %v): %v", opts.ReadOnly, err)
		}
	}
	if fi, _ := os.Stat(filepath.Join(dir, FileName)); fi.Size() != 0 {
		t.Fatal("the empty file was written to")
	}
	if problems, err := Check(ctx, dir); err != nil || len(problems) != 1 {
		t.Fatalf("check of an empty file: %v %v", problems, err)
	}
	// A missing file is new books.
	db, err := Open(ctx, t.TempDir(), Options{})
	must(t, err)
	must(t, db.Close())
}

func TestNotADatabaseIsDamaged(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, FileName), []byte(strings.Repeat("not a database\n", 2000)), 0o600))
	if _, err := Open(ctx, dir, Options{}); !errors.Is(err, ErrDamaged) {
		t.Fatalf("opening a file that is not a database: %v", err)
	}
	if problems, err := Check(ctx, dir); err != nil || len(problems) == 0 {
		t.Fatalf("check of a file that is not a database: %v %v", problems, err)
	}
}

func TestReadOnlyOpenBesideAWriter(t *testing.T) {
	f := newFixture(t) // open for writing: the lock is held
	f.inbound(t, f.coffee, "3")
	ro, err := Open(ctx, f.db.Dir(), Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a read-only open beside the writer: %v", err)
	}
	defer ro.Close()
	if !ro.ReadOnly() || f.db.ReadOnly() {
		t.Fatal("ReadOnly reports the wrong handle")
	}
	f.inbound(t, f.coffee, "2") // the writer goes on; the reader sees it
	if q, err := ro.StockLevel(ctx, f.coffee.ID, f.warehouse); err != nil || q.String() != "5" {
		t.Fatalf("read-only stock %v %v", q, err)
	}
	if err := ro.Update(ctx, func(tx *Tx) error {
		_, err := tx.CreateProduct(Product{Code: "X", Name: "X", SalePrice: d("1")})
		return err
	}); err == nil {
		t.Fatal("a read-only handle wrote")
	}
	// Books that do not exist yet are made, as before (and then locked).
	fresh := t.TempDir()
	db, err := Open(ctx, fresh, Options{ReadOnly: true})
	must(t, err)
	defer db.Close()
	if db.ReadOnly() || count(t, db, "branches") != 1 {
		t.Fatal("a read-only open of missing books did not make new books")
	}
}

// TestReadOnlyOpenAndRunsLeftRunning: a read-only open marks the runs of a session that is gone
// as interrupted (taking the lock for it), and leaves those of a session that still runs alone.
func TestReadOnlyOpenAndRunsLeftRunning(t *testing.T) {
	outcome := func(db *DB) string {
		var o string
		must(t, db.SQL().QueryRow(`SELECT outcome FROM sync_runs`).Scan(&o))
		return o
	}
	dir := t.TempDir()
	writer, err := Open(ctx, dir, Options{})
	must(t, err)
	addConnection(t, writer)
	_, err = writer.SQL().Exec(`INSERT INTO sync_runs(connection_id, trigger, started_at) VALUES (1, 'manual', '2026-03-01T10:00:00Z')`)
	must(t, err)

	// The writer still runs its sync.
	ro, err := Open(ctx, dir, Options{ReadOnly: true})
	must(t, err)
	if !ro.ReadOnly() || outcome(ro) != "running" {
		t.Fatalf("beside a live sync: read-only %v, run %q", ro.ReadOnly(), outcome(ro))
	}
	must(t, ro.Close())

	// The writer is gone.
	must(t, writer.Close())
	ro, err = Open(ctx, dir, Options{ReadOnly: true})
	must(t, err)
	if got := outcome(ro); got != "interrupted" {
		t.Fatalf("after the session ended: run %q", got)
	}
	must(t, ro.Close())
	ro, err = Open(ctx, dir, Options{ReadOnly: true}) // nothing left to mark: read-only again
	must(t, err)
	defer ro.Close()
	if !ro.ReadOnly() {
		t.Fatal("books with nothing to mark were not opened read-only")
	}
}

// TestNewBooksAreMadeWhole: new books take their name only once they are complete, so a creation
// cut short leaves no mizan.db (let alone an empty one), and its leftovers go at the next open.
func TestNewBooksAreMadeWhole(t *testing.T) {
	dir := t.TempDir()
	// What a creation killed half-way leaves.
	must(t, os.WriteFile(filepath.Join(dir, newBooksName), []byte("half a database"), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, newBooksName+"-wal"), []byte("half a log"), 0o600))
	db, err := Open(ctx, dir, Options{})
	must(t, err)
	if n := count(t, db, "branches"); n != 1 {
		t.Fatalf("new books have %d branches", n)
	}
	must(t, db.Close())
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "mizan.db mizan.lock" {
		t.Fatalf("the data directory holds %s", got)
	}
}
