package ui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mizan/storage"
	"mizan/ui/demo"
)

// bigBooks seeds 100,000 sales invoices (and their returns) through storage once, into a cache
// directory reused by later runs (seeding takes over a minute).
func bigBooks(t *testing.T) string {
	dir := filepath.Join(os.TempDir(), "mizan-ui-100k-v1")
	done := filepath.Join(dir, "seeded")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	start := time.Now()
	res, err := demo.Seed(context.Background(), dir, demo.Options{Invoices: 100_000, End: seedEnd, Days: 365})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d sales and %d returns through storage in %v", res.Sales, res.Returns, time.Since(start).Round(time.Millisecond))
	os.WriteFile(done, nil, 0o644)
	return dir
}

// TestInvoiceList100k measures the invoice list on 100,000 invoices. It runs when -run names it or
// MIZAN_UI_100K is set: go test -run 100k -v ./ui/
func TestInvoiceList100k(t *testing.T) {
	if run := flag.Lookup("test.run").Value.String(); !strings.Contains(run, "100k") && os.Getenv("MIZAN_UI_100K") == "" {
		t.Skip("seeds 100,000 invoices; run with -run 100k or MIZAN_UI_100K=1")
	}
	dir := bigBooks(t)
	ctx := context.Background()
	a := test.NewTempApp(t)
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	start := time.Now()
	m := NewApp(a, db, Deps{})
	defer m.Close()
	m.Show(ScreenInvoices)
	m.Window.Resize(DefaultSize)
	m.Window.Show()
	s := m.Invoices
	built := time.Since(start)
	id := s.latest.Add(1)
	if err := s.query(ctx, id, storage.InvoiceFilter{}); err != nil {
		t.Fatal(err)
	}
	drainUI() // the rows reach the list (on the UI goroutine in the app)
	firstShow := time.Since(start)
	total := s.List.Length()
	if total < 100_000 {
		t.Fatalf("list has %d rows", total)
	}
	newest, _ := db.Invoices(ctx, storage.InvoiceFilter{Limit: 1})
	mustShow(t, s.List, newest[0].Number)
	t.Logf("window built in %v; first show of the invoice list (count + first page of %d, drawn): %v",
		built.Round(time.Microsecond), total, firstShow.Round(time.Microsecond))

	s.debounce.delay = 0 // measure the search, not the typing pause
	measure := func(what string, act func()) time.Duration {
		start := time.Now()
		act()
		m.Idle()
		d := time.Since(start)
		t.Logf("%s: %v (%d rows)", what, d.Round(time.Microsecond), s.List.Length())
		return d
	}
	clients, _ := db.Clients(ctx)
	name := clients[5].Name
	measure("search for a client name "+name, func() { s.Search.SetText(name) })
	if n := s.List.Length(); n == 0 || n >= total {
		t.Fatalf("client search shows %d rows", n)
	}
	measure("search for an invoice number", func() { s.Search.SetText("MAIN-INV-000123") })
	if s.List.Length() == 0 {
		t.Fatal("number search found nothing")
	}
	measure("search for a store order", func() { s.Search.SetText("#SG5") })
	measure("clear the search", func() { s.Search.SetText("") })
	measure("filter returns only", func() { s.Type.SetSelected("Returns") })
	measure("all types again", func() { s.Type.SetSelected("All types") })
	measure("scroll to row 50,000 (page read on demand)", func() { s.List.ScrollTo(50_000) })
	if pages := len(s.pager.pages); pages > maxPages {
		t.Fatalf("%d pages held in memory", pages)
	}
	measure("scroll to the last row", func() { s.List.ScrollToBottom() })
}
