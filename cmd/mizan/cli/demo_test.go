package cli

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mizan/cmd/mizan/demo"
	"mizan/cmd/mizan/logs"
	"mizan/core"
	"mizan/platforms/shopify"
	"mizan/platforms/shopify/shopifytest"
	"mizan/storage"
)

// withShopify wires the store commands to the real Shopify platform, in-memory secrets and a log
// file in a temporary directory.
func withShopify(t *testing.T) (*core.MemorySecrets, string) {
	t.Helper()
	secrets := core.NewMemorySecrets()
	logDir := t.TempDir()
	log, closer, err := logs.Open(logDir, logs.Options{Level: slog.LevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	prev := wiring
	SetWiring(Wiring{Platforms: func() core.Platforms { return core.NewPlatforms(shopify.Platform()) },
		Secrets: func() core.Secrets { return secrets }, Log: log})
	t.Cleanup(func() {
		SetWiring(prev)
		closer.Close()
	})
	return secrets, filepath.Join(logDir, logs.FileName)
}

// summaryCount reads "  LABEL:  N …" from a demo summary.
func summaryCount(t *testing.T, out, label string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s+` + label + `:\s+(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s in the summary:\n%s", label, out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// expected works out, from the store's own records, what a first sync must bring into the books:
// one product per variant; a sales invoice per order that is not cancelled and whose payment
// state is one the connection invoices by default; a return invoice per refund of those orders;
// a client per customer who placed one of them (guests go to the default client).
type expected struct{ products, invoices, returns, clients int }

func expectFrom(snap shopifytest.Snapshot) expected {
	var e expected
	for _, p := range snap.Products {
		e.products += len(p.Variants)
	}
	invoiced := map[string]bool{}
	for _, s := range shopify.DefaultStates {
		invoiced[s] = true
	}
	customers := map[int64]bool{}
	for _, o := range snap.Orders {
		if o.CancelledAt != nil || !invoiced[strings.ToLower(o.FinancialStatus)] {
			continue
		}
		e.invoices++
		e.returns += len(o.Refunds)
		if o.CustomerID != 0 {
			customers[o.CustomerID] = true
		}
	}
	e.clients = len(customers)
	return e
}

func countRows(t *testing.T, db *storage.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDemoSync(t *testing.T) {
	_, logFile := withShopify(t)
	root := t.TempDir()
	real := filepath.Join(root, "books")

	// The merchant's own books, with something in them.
	code, _, errOut := runIn(t, real, "", "products", "list")
	if code != 0 {
		t.Fatalf("real books: %s", errOut)
	}
	realBefore := dirState(t, real)

	// First run: everything in the store comes in, and the counts are the store's.
	start := time.Now()
	code, out, errOut := runIn(t, real, "", "demo", "--sync")
	took := time.Since(start)
	if code != 0 {
		t.Fatalf("demo --sync: %d\n%s\n%s", code, out, errOut)
	}
	t.Logf("first demo sync (seed, connect, sync): %s\n%s", took.Round(time.Millisecond), out)
	dir := demo.Dir(real)
	if !demo.IsDemoDir(dir) {
		t.Fatalf("no demo directory at %s", dir)
	}
	// The same store again (seed and journal), to count what it holds.
	st, err := demo.OpenStore(dir, demo.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snap := st.Server().Snapshot()
	st.Close()
	want := expectFrom(snap)
	if want.products < 300 || want.invoices < 700 || want.returns < 50 || want.clients < 100 {
		t.Fatalf("the demo store is smaller than it should be: %+v", want)
	}
	got := expected{products: summaryCount(t, out, "products"), invoices: summaryCount(t, out, "invoices"),
		returns: summaryCount(t, out, "returns"), clients: summaryCount(t, out, "clients")}
	if got != want {
		t.Errorf("summary %+v, the store has %+v", got, want)
	}
	if n := summaryCount(t, out, "errors"); n != 0 {
		t.Errorf("%d errors", n)
	}

	db, err := storage.Open(context.Background(), dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	books := expected{
		products: countRows(t, db, `SELECT count(*) FROM products`),
		invoices: countRows(t, db, `SELECT count(*) FROM invoices WHERE type = 'sales'`),
		returns:  countRows(t, db, `SELECT count(*) FROM invoices WHERE type = 'return'`),
		clients:  countRows(t, db, `SELECT count(*) FROM clients`) - 1, // the walk-in customer
	}
	db.Close()
	if books != want {
		t.Errorf("the books hold %+v, the store %+v", books, want)
	}

	// Second run: the store is seeded again with the same ids; nothing is new.
	code, out, errOut = runIn(t, real, "", "demo", "--sync")
	if code != 0 || !strings.Contains(out, "nothing new") {
		t.Fatalf("second demo --sync: %d\n%s\n%s", code, out, errOut)
	}
	for _, label := range []string{"products", "clients", "invoices", "returns", "errors"} {
		if n := summaryCount(t, out, label); n != 0 {
			t.Errorf("second run: %s %d\n%s", label, n, out)
		}
	}

	// The shopper's orders are all that comes in next, and they stay in the store across runs.
	code, out, errOut = runIn(t, real, "", "demo", "--sync", "--new-orders", "4")
	if code != 0 || summaryCount(t, out, "invoices") < 3 || summaryCount(t, out, "products") != 0 {
		t.Fatalf("run with the shopper: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runIn(t, real, "", "demo", "--sync")
	if code != 0 || !strings.Contains(out, "nothing new") {
		t.Fatalf("after the shopper's orders, a new run found:\n%s", out)
	}

	// The demo's books can be read with --demo.
	code, out, _ = runIn(t, real, "", "--demo", "invoices", "list", "--type", "return")
	if code != 0 || !strings.Contains(out, "MAIN-RET-000001") {
		t.Fatalf("--demo invoices list: %d\n%s", code, out)
	}

	// The token is in neither the demo's books nor the log; the log did record the runs.
	raw, err := os.ReadFile(filepath.Join(dir, storage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(demo.Token)) {
		t.Error("the demo token was written to the demo's books")
	}
	logged, _ := os.ReadFile(logFile)
	if len(logged) == 0 || bytes.Contains(logged, []byte(demo.Token)) {
		t.Errorf("log (%d bytes) is empty or holds the token", len(logged))
	}

	// Removing the demo leaves the real books exactly as they were.
	code, out, errOut = runIn(t, real, "", "demo", "--remove")
	if code != 0 || !strings.Contains(out, "Removed the demo") {
		t.Fatalf("demo --remove: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the demo directory is still there: %v", err)
	}
	if after := dirState(t, real); after != realBefore {
		t.Fatalf("the real books changed:\nbefore %s\nafter  %s", realBefore, after)
	}
	// Removing again is fine; removing a directory that is not the demo's is refused.
	if code, _, _ := runIn(t, real, "", "demo", "--remove"); code != 0 {
		t.Fatal("a second remove failed")
	}
	if err := demo.Remove(context.Background(), real); err == nil {
		t.Fatal("demo.Remove deleted real books")
	}
	if after := dirState(t, real); after != realBefore {
		t.Fatal("the real books changed")
	}
}

// dirState lists a directory's files with their sizes and modification times.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(&b, "%s:%d:%d ", rel, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A credential given to a real connection never reaches the log, even when the store refuses it.
func TestNoCredentialInLogs(t *testing.T) {
	secrets, logFile := withShopify(t)
	st, err := demo.OpenStore("", demo.StoreOptions{Products: 5, Orders: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := t.TempDir()
	const wrong = "shpat_not_the_demo_token_9f8e7d6c5b4a"
	// Adding asks the store who it is: a refused token is not saved.
	code, out, errOut := runIn(t, dir, `{"access_token": "`+wrong+`"}`, "connections", "add", "--platform", "shopify",
		"--name", "Shop", "--store", st.URL())
	if code == 0 || !strings.Contains(errOut, "refused the credentials") {
		t.Fatalf("add with a wrong token: %d %s %s", code, out, errOut)
	}
	add := out + errOut
	// A token revoked after the connection was made.
	if code, out, errOut := runIn(t, dir, `{"access_token": "`+demo.Token+`"}`, "connections", "add", "--platform", "shopify",
		"--name", "Shop", "--store", st.URL()); code != 0 {
		t.Fatalf("add: %d %s %s", code, out, errOut)
	}
	for _, k := range secrets.Keys() {
		if err := secrets.Set(k, wrong); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut = runIn(t, dir, "", "sync", "--quiet")
	out += add
	if code == 0 {
		t.Fatalf("a sync with a wrong token succeeded:\n%s", out)
	}
	code, _, _ = runIn(t, dir, "", "connections", "test", "Shop")
	if code == 0 {
		t.Fatal("test with a wrong token succeeded")
	}
	logged, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logged, []byte("sync failed")) || !bytes.Contains(logged, []byte("connection=Shop")) {
		t.Fatalf("the failed sync is not in the log:\n%s", logged)
	}
	for _, s := range []string{wrong, "9f8e7d6c5b4a"} {
		if bytes.Contains(logged, []byte(s)) || strings.Contains(out+errOut, s) {
			t.Fatalf("the credential reached the log or the output:\n%s\n%s%s", logged, out, errOut)
		}
	}
}

func TestDemoFlags(t *testing.T) {
	withShopify(t)
	dir := t.TempDir()
	if code, _, errOut := runIn(t, dir, "", "demo", "--sync", "--remove"); code != 2 || !strings.Contains(errOut, "not both") {
		t.Fatalf("--sync --remove: %d %s", code, errOut)
	}
	if code, _, errOut := runIn(t, dir, "", "demo", "--new-orders", "-1", "--sync"); code != 2 {
		t.Fatalf("--new-orders -1: %d %s", code, errOut)
	}
	// RelaunchArgs carries --data and --demo over to a new process.
	if got := RelaunchArgs([]string{"--data", dir, "stock"}, true); strings.Join(got, " ") != "--data "+dir+" --demo" {
		t.Fatalf("RelaunchArgs: %q", got)
	}
	if got := RelaunchArgs([]string{"--demo"}, false); len(got) != 0 {
		t.Fatalf("RelaunchArgs: %q", got)
	}
	if d, err := DataDir([]string{"--data", dir, "--demo"}, func(string) string { return "" }); err != nil || d != demo.Dir(dir) {
		t.Fatalf("DataDir with --demo: %q %v", d, err)
	}
	if d, err := RealDataDir([]string{"--data", dir, "--demo"}, func(string) string { return "" }); err != nil || d != dir {
		t.Fatalf("RealDataDir with --demo: %q %v", d, err)
	}
}
