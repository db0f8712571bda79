package storage

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenSeedsOnceAndMigrates(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{})
	must(t, err)
	v, err := db.SchemaVersion(ctx)
	must(t, err)
	if ms, _ := loadMigrations(); v != len(ms) || v == 0 {
		t.Fatalf("schema version %d, want %d", v, len(ms))
	}
	must(t, db.Close())

	db, err = Open(ctx, dir, Options{}) // reopening applies nothing and seeds nothing again
	must(t, err)
	defer db.Close()
	branches, err := db.Branches(ctx)
	must(t, err)
	warehouses, err := db.Warehouses(ctx)
	must(t, err)
	clients, err := db.Clients(ctx)
	must(t, err)
	if len(branches) != 1 || branches[0].Name != DefaultBranchName || len(warehouses) != 1 || warehouses[0].Name != DefaultWarehouseName ||
		len(clients) != 1 || clients[0].Name != DefaultClientName {
		t.Fatalf("seed: %+v %+v %+v", branches, warehouses, clients)
	}
	if n := count(t, db, "schema_migrations"); n != v {
		t.Fatalf("%d migrations recorded, want %d", n, v)
	}
}

func TestPragmasHoldOnEveryConnection(t *testing.T) {
	db := openTest(t)
	db.SQL().SetMaxOpenConns(4)
	for i := 0; i < 4; i++ {
		conn, err := db.SQL().Conn(ctx)
		must(t, err)
		defer conn.Close()
		var mode string
		var fk, timeout int
		must(t, conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
		must(t, conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk))
		must(t, conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout))
		if mode != "wal" || fk != 1 || timeout < 5000 {
			t.Fatalf("connection %d: journal_mode=%s foreign_keys=%d busy_timeout=%d", i, mode, fk, timeout)
		}
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{})
	must(t, err)
	_, err = db.SQL().Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, 'future', '')`)
	must(t, err)
	db.Close()
	_, err = Open(ctx, dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer Mizan") {
		t.Fatalf("opening newer books: %v", err)
	}
}

func TestSecondOpenInSameProcessIsRefused(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{})
	must(t, err)
	_, err = Open(ctx, dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	must(t, db.Close())
	db, err = Open(ctx, dir, Options{}) // released on close
	must(t, err)
	db.Close()
}

// TestSecondProcessIsRefused opens the books here and in a child process: the child gets the clear
// error, and the books stay intact.
func TestSecondProcessIsRefused(t *testing.T) {
	if dir := os.Getenv("MIZAN_TEST_OPEN_DIR"); dir != "" {
		_, err := Open(ctx, dir, Options{})
		if err == nil {
			os.Stdout.WriteString("OPENED\n")
			os.Exit(0)
		}
		os.Stdout.WriteString("ERR " + err.Error() + "\n")
		os.Exit(3)
	}
	f := newFixture(t)
	f.inbound(t, f.coffee, "5")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondProcessIsRefused$")
	cmd.Env = append(os.Environ(), "MIZAN_TEST_OPEN_DIR="+f.db.Dir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("child: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "already open by another Mizan") || !strings.Contains(string(out), f.db.Dir()) {
		t.Fatalf("child's error is not the clear one: %s", out)
	}
	if got := f.level(t, f.coffee); got != "5" {
		t.Fatalf("after the refused open, stock %s, want 5", got)
	}
	var check string
	must(t, f.db.SQL().QueryRow(`PRAGMA integrity_check`).Scan(&check))
	if check != "ok" {
		t.Fatalf("integrity_check: %s", check)
	}
	if _, err := os.Stat(filepath.Join(f.db.Dir(), FileName)); err != nil {
		t.Fatal(err)
	}
}
