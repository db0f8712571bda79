package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mizan/storage"
)

// spoilBooks overwrites a few pages in the middle of the books' file (closed cleanly) with bytes
// that are no page SQLite wrote.
func spoilBooks(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, storage.FileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	pages := fi.Size() / page
	if pages < 8 {
		t.Fatalf("the books have only %d pages", pages)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := int64(0); i < 3; i++ {
		garbage := []byte(strings.Repeat(fmt.Sprintf("garbage page %d ", i), page/15+1)[:page])
		if _, err := f.WriteAt(garbage, (pages/2+i)*page); err != nil {
			t.Fatal(err)
		}
	}
}

func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	src, err := os.Open(filepath.Join(from, storage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(filepath.Join(to, storage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	return to
}

func TestCheck(t *testing.T) {
	b := seedBooks(t)
	// Sound books, checked while another Mizan has them open.
	db, err := storage.Open(context.Background(), b.dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, b.dir, "check")
	db.Close()
	if code != 0 || !strings.HasPrefix(out, "OK: ") || errOut != "" {
		t.Fatalf("check of sound books: %d %q %q", code, out, errOut)
	}

	bad := copyDir(t, b.dir)
	spoilBooks(t, bad)
	code, out, errOut = run(t, bad, "check")
	if code != 1 || !strings.HasPrefix(out, "DAMAGED: ") || !strings.Contains(out, "backup") || strings.Count(out, "\n") < 4 {
		t.Fatalf("check of damaged books: %d %q %q", code, out, errOut)
	}

	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, storage.FileName), nil, 0o600)
	code, out, _ = run(t, empty, "check")
	if code != 1 || !strings.Contains(out, "empty (0 bytes)") {
		t.Fatalf("check of an empty books file: %d %q", code, out)
	}
	// Any other command refuses it, and leaves it as it is.
	code, out, errOut = run(t, empty, "stock")
	if code != 1 || out != "" || !strings.Contains(errOut, "is empty (0 bytes)") || !strings.Contains(errOut, "backup") {
		t.Fatalf("stock on an empty books file: %d %q %q", code, out, errOut)
	}
	if fi, _ := os.Stat(filepath.Join(empty, storage.FileName)); fi.Size() != 0 {
		t.Fatal("the empty books file was written to")
	}

	none := filepath.Join(t.TempDir(), "none")
	code, _, errOut = run(t, none, "check")
	if code != 1 || !strings.Contains(errOut, "no books") {
		t.Fatalf("check with no books: %d %q", code, errOut)
	}
	if _, err := os.Stat(none); err == nil {
		t.Fatal("check made a data directory")
	}
}

// TestDamagedBooksAfterACrash: books a session did not close, with damaged pages, are refused by
// every command with what to do; after a clean close the same damage is found by check.
func TestDamagedBooksAfterACrash(t *testing.T) {
	withMemoryStore(t)
	b := seedBooks(t)
	bad := copyDir(t, b.dir)
	spoilBooks(t, bad)
	// What a killed session leaves in the lock file: its process id.
	if err := os.WriteFile(filepath.Join(bad, "mizan.lock"), []byte("4242\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(bad, storage.FileName))
	code, out, errOut := run(t, bad, "connections", "remove", "x")
	if code != 1 || !strings.Contains(errOut, "is damaged") || !strings.Contains(errOut, "mizan check") {
		t.Fatalf("a writing command on damaged books after a crash: %d %q %q", code, out, errOut)
	}
	if after, _ := os.ReadFile(filepath.Join(bad, storage.FileName)); string(after) != string(before) {
		t.Fatal("the refused open changed the books")
	}
}

// TestReadOnlyCommandsBesideAnOpenMizan: commands that only read work while another Mizan holds
// the books; commands that write are still refused.
func TestReadOnlyCommandsBesideAnOpenMizan(t *testing.T) {
	withMemoryStore(t)
	b := seedBooks(t)
	db, err := storage.Open(context.Background(), b.dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, args := range [][]string{{"products", "list"}, {"products", "export", "--format", "json"}, {"stock"},
		{"invoices", "list"}, {"invoices", "show", "MAIN-INV-000001"}, {"invoices", "export", "--format", "json"},
		{"runs"}, {"log"}, {"connections", "list"}, {"check"}} {
		code, out, errOut := run(t, b.dir, args...)
		if code != 0 || out == "" || errOut != "" {
			t.Errorf("%v beside an open Mizan: exit %d, stdout %.80q, stderr %q", args, code, out, errOut)
		}
	}
	for _, args := range [][]string{{"sync"}, {"connections", "remove", "x"}} {
		code, out, errOut := run(t, b.dir, args...)
		if code != 1 || !strings.Contains(errOut, "already open by another Mizan") || out != "" {
			t.Errorf("%v beside an open Mizan: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// TestRunsOfAKilledSync: a sync whose process was killed is shown as interrupted by mizan runs
// (a read-only command), and one that another Mizan is running now as running.
func TestRunsOfAKilledSync(t *testing.T) {
	withMemoryStore(t)
	dir := t.TempDir()
	if code, _, errOut := runIn(t, dir, `{"token": "tok"}`, "connections", "add", "--platform", "memory", "--name", "Shop",
		"--store", "https://shop.example"); code != 0 {
		t.Fatalf("connections add: %s", errOut)
	}
	db, err := storage.Open(context.Background(), dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`INSERT INTO sync_runs(connection_id, trigger, started_at) VALUES (1, 'manual', '2026-03-01T10:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, "runs") // db still open: its sync is running
	if code != 0 || !strings.Contains(out, "running") || strings.Contains(out, "interrupted") {
		t.Fatalf("runs beside a running sync: %d %q %q", code, out, errOut)
	}
	db.Close() // as a killed process's lock goes, with its run left running
	code, out, errOut = run(t, dir, "runs")
	if code != 0 || !strings.Contains(out, "interrupted") || strings.Contains(out, "running") {
		t.Fatalf("runs after the sync was killed: %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(t, dir, "connections", "list")
	if code != 0 || !strings.Contains(out, "(interrupted)") {
		t.Fatalf("connections list after the sync was killed: %d %q %q", code, out, errOut)
	}
}

// TestReadOnlyCommandsLeaveTheFolder: a command that only reads leaves the data directory as it
// found it: books closed cleanly have no -wal and -shm files beside them, and get none.
func TestReadOnlyCommandsLeaveTheFolder(t *testing.T) {
	withMemoryStore(t)
	b := seedBooks(t)
	list := func() []string {
		entries, err := os.ReadDir(b.dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	before := list()
	for _, args := range [][]string{{"invoices", "list"}, {"products", "list"}, {"stock"}, {"treasury", "list"},
		{"invoices", "export", "--format", "json"}, {"runs"}, {"connections", "list"}, {"check"}} {
		if code, _, errOut := run(t, b.dir, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if after := list(); !slices.Equal(after, before) {
			t.Fatalf("%v left the folder %v; it was %v", args, after, before)
		}
	}
}
