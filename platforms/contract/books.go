package contract

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"mizan/core"
	"mizan/storage"
)

var ctx = context.Background()

// Books is a set of books with an engine connected to a harness's store.
type Books struct {
	T       testing.TB
	Dir     string
	DB      *storage.DB
	Engine  *core.Engine
	Conn    core.Connection
	Secrets *core.MemorySecrets
	Logs    *SafeBuffer
}

// SafeBuffer is a bytes.Buffer safe for concurrent writes (the engine logs from its goroutine).
type SafeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SafeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *SafeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Connect opens fresh books in dir (a new temporary directory when empty) and connects the
// harness's store to them.
func Connect(t testing.TB, h Harness, dir string, in core.ConnectionInput) *Books {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	b := openBooks(t, h.Platform(), h.Config(), dir)
	cfg := h.Config()
	if in.Name == "" {
		in.Name = "Test store"
	}
	in.Platform, in.StoreURL, in.Credentials = h.Platform().Name, cfg.StoreURL, cfg.Credentials
	if in.Options == nil {
		in.Options = cfg.Options
	}
	conn, err := b.Engine.AddConnection(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	b.Conn = conn
	return b
}

// Reopen opens existing books in dir whose connection connID is to the harness's store; the
// connection's credentials are put back in a fresh in-memory secret store.
func Reopen(t testing.TB, p core.Platform, cfg Config, dir string, connID int64) *Books {
	t.Helper()
	b := openBooks(t, p, cfg, dir)
	books, err := b.Engine.BooksID(ctx)
	must(t, err)
	for k, v := range cfg.Credentials {
		must(t, b.Secrets.Set(core.SecretKey(books, connID, k), v))
	}
	conn, err := b.Engine.Connection(ctx, connID)
	if err != nil {
		t.Fatal(err)
	}
	b.Conn = conn
	return b
}

func openBooks(t testing.TB, p core.Platform, cfg Config, dir string) *Books {
	t.Helper()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	logs := &SafeBuffer{}
	secrets := core.NewMemorySecrets()
	eng := core.New(db, secrets, core.NewPlatforms(p), core.Options{HTTPClient: cfg.HTTPClient,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	return &Books{T: t, Dir: dir, DB: db, Engine: eng, Secrets: secrets, Logs: logs}
}

// Sync runs one sync and fails the test when the run could not be carried out.
func (b *Books) Sync(req core.SyncRequest) core.RunSummary {
	b.T.Helper()
	sum, err := b.Engine.SyncNow(ctx, b.Conn.ID, req)
	if err != nil {
		b.T.Fatalf("sync: %v", err)
	}
	return sum
}

// Dump writes the books in a canonical form that does not depend on the order documents were
// posted in: products by code, stock by code, clients by name, invoices by store reference.
func (b *Books) Dump() string {
	b.T.Helper()
	var out strings.Builder
	products, err := b.DB.Products(ctx)
	must(b.T, err)
	for _, p := range products {
		fmt.Fprintf(&out, "product %s|%s|%s|%s|%s|%s\n", p.Code, p.Barcode, p.Name, p.Category, p.PurchasePrice, p.SalePrice)
	}
	stock, err := b.DB.Stock(ctx)
	must(b.T, err)
	for _, s := range stock {
		fmt.Fprintf(&out, "stock %s|%s|%s\n", s.Code, s.Warehouse, s.Quantity)
	}
	clients, err := b.DB.Clients(ctx)
	must(b.T, err)
	var cl []string
	for _, c := range clients {
		cl = append(cl, fmt.Sprintf("client %s|%s|%s", c.Name, c.Email, c.PhoneE164))
	}
	sort.Strings(cl)
	out.WriteString(strings.Join(cl, "\n") + "\n")
	invs, err := b.DB.FullInvoices(ctx, storage.InvoiceFilter{})
	must(b.T, err)
	var docs []string
	for _, inv := range invs {
		var s strings.Builder
		fmt.Fprintf(&s, "%s %s %s|%s|%s|return %t|total %s tax %s ship %s disc %s|", inv.Type, inv.Source.OrderName, inv.Source.ExternalID,
			inv.Client.Name, inv.IssueDate.Format("2006-01-02T15:04"), inv.OriginalNumber != "", inv.Total, inv.Tax, inv.Shipping, inv.Discount)
		for _, l := range inv.Lines {
			fmt.Fprintf(&s, " [%s %s×%s -%s +%s r%v]", l.ProductCode, l.Quantity, l.UnitPrice, l.Discount, l.Tax, l.Restock)
		}
		docs = append(docs, s.String())
	}
	sort.Strings(docs)
	out.WriteString(strings.Join(docs, "\n") + "\n")
	var moves int
	must(b.T, b.DB.SQL().QueryRow(`SELECT COUNT(*) FROM stock_movements`).Scan(&moves))
	fmt.Fprintf(&out, "movements %d\n", moves)
	return out.String()
}

// Qty is a product's quantity in the connection's warehouse.
func (b *Books) Qty(code string) string {
	b.T.Helper()
	var q string
	must(b.T, b.DB.View(ctx, func(tx *storage.Tx) error {
		p, err := tx.ProductByCode(code)
		if err != nil {
			return fmt.Errorf("product %s: %w", code, err)
		}
		l, err := tx.StockLevel(p.ID, b.Conn.WarehouseID)
		q = l.String()
		return err
	}))
	return q
}

// Product reads a product by code.
func (b *Books) Product(code string) storage.Product {
	b.T.Helper()
	var p storage.Product
	must(b.T, b.DB.View(ctx, func(tx *storage.Tx) error {
		var err error
		p, err = tx.ProductByCode(code)
		return err
	}))
	return p
}

// FileBytes reads every file of the books' directory (database, write-ahead log), for secret scans.
func (b *Books) FileBytes() []byte {
	var all []byte
	entries, _ := os.ReadDir(b.Dir)
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(b.Dir, e.Name()))
		if err == nil {
			all = append(all, raw...)
		}
	}
	return all
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
