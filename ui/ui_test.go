package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mizan/cmd/mizan/cli"
	"mizan/storage"
)

func TestNavigatesEveryScreen(t *testing.T) {
	m, _ := openApp(t, seededDir(t, 20))
	for _, s := range Screens {
		test.Tap(m.Nav[s])
		if m.Current != s {
			t.Fatalf("tapping %q shows %q", m.Nav[s].Text, m.Current)
		}
		mustShow(t, m.Window.Content(), m.Nav[s].Text)
	}
	// No store is connected: the dashboard says so; with no platform in this build there is
	// nothing to connect, and no demo starter was given.
	test.Tap(m.Nav[ScreenDashboard])
	mustShow(t, m.Dashboard.Content, "Connect a store")
	if !m.Dashboard.ConnectStore.Disabled() || m.Dashboard.TryDemo.Visible() || !m.Connections.New.Disabled() {
		t.Fatal("the dashboard offers to connect a store without a platform, or a demo without a starter")
	}
}

func TestInvoiceListShowsTheBooks(t *testing.T) {
	m, db := openApp(t, seededDir(t, 60))
	ctx := context.Background()
	n, _ := db.CountInvoices(ctx, storage.InvoiceFilter{})
	if got := m.Invoices.List.Length(); got != n || n < 60 {
		t.Fatalf("list has %d rows, the books %d invoices", got, n)
	}
	newest, _ := db.Invoices(ctx, storage.InvoiceFilter{Limit: 3})
	for _, inv := range newest {
		mustShow(t, m.Invoices.List, inv.Number)
	}
	mustShow(t, m.Invoices.Status, "invoices")
}

func TestSearchAndFiltersNarrowTheList(t *testing.T) {
	m, db := openApp(t, seededDir(t, 60))
	ctx := context.Background()
	s := m.Invoices
	all := s.List.Length()
	count := func(f storage.InvoiceFilter) int {
		n, err := db.CountInvoices(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	test.Type(s.Search, "RET")
	m.Idle()
	want := count(storage.InvoiceFilter{Search: "RET"})
	if got := s.List.Length(); got != want || want == 0 || want >= all {
		t.Fatalf("searching RET: %d rows, want %d of %d", got, want, all)
	}
	s.Search.SetText("")
	m.Idle()

	// A client's Arabic name.
	clients, _ := db.Clients(ctx)
	name := clients[len(clients)-1].Name
	test.Type(s.Search, name)
	m.Idle()
	if got, want := s.List.Length(), count(storage.InvoiceFilter{Search: name}); got != want || got >= all {
		t.Fatalf("searching %q: %d rows, want %d", name, got, want)
	}
	s.Search.SetText("")
	m.Idle()

	s.Type.SetSelected("Returns")
	m.Idle()
	returns := count(storage.InvoiceFilter{Type: storage.ReturnInvoice})
	if got := s.List.Length(); got != returns || returns == 0 {
		t.Fatalf("returns only: %d rows, want %d", got, returns)
	}
	if hasText(s.List, "Sale") || !hasText(s.List, "Return") {
		t.Fatalf("returns filter shows %q", texts(s.List))
	}
	s.Type.SetSelected("All types")

	s.Connection.SetSelected("salla-main")
	m.Idle()
	if got, want := s.List.Length(), count(storage.InvoiceFilter{Connection: "salla-main"}); got != want || want == 0 {
		t.Fatalf("connection filter: %d rows, want %d", got, want)
	}
	s.Connection.SetSelected("All connections")
	m.Idle()

	s.Branch.SetSelected(visual("فرع جدة"))
	m.Idle()
	if got, want := s.List.Length(), count(storage.InvoiceFilter{BranchID: 2}); got != want || want == 0 || want == all {
		t.Fatalf("branch filter: %d rows, want %d", got, want)
	}
	test.Tap(s.ClearFilters)
	m.Idle()
	if s.List.Length() != all {
		t.Fatalf("clearing the filters shows %d of %d", s.List.Length(), all)
	}

	// Dates: a bad one is refused with a message and the list stays; a good range narrows it.
	test.Type(s.From, "2026-13-01")
	m.Idle()
	if s.From.Validate() == nil || !strings.Contains(s.Status.Text, "YYYY-MM-DD") || s.List.Length() != all {
		t.Fatalf("bad date: status %q, %d rows", s.Status.Text, s.List.Length())
	}
	s.From.SetText("")
	test.Type(s.From, "2026-03-20")
	test.Type(s.To, "2026-03-25")
	m.Idle()
	f, err := s.filter()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.List.Length(), count(f); got != want || want == 0 || want >= all {
		t.Fatalf("date range: %d rows, want %d", got, want)
	}
	s.From.SetText("2026-03-26")
	m.Idle()
	if !strings.Contains(s.Status.Text, "after") {
		t.Fatalf("from after to: status %q", s.Status.Text)
	}
}

func TestOpenInvoiceAndItsReturn(t *testing.T) {
	m, db := openApp(t, seededDir(t, 60))
	ctx := context.Background()
	s := m.Invoices
	rets, _ := db.Invoices(ctx, storage.InvoiceFilter{Type: storage.ReturnInvoice, Limit: 1})
	if len(rets) == 0 {
		t.Fatal("the demo books have no return")
	}
	sale, _ := db.Invoice(ctx, rets[0].OriginalID)

	test.Type(s.Search, sale.Number)
	m.Idle()
	tapText(t, m.Window, sale.Number)
	m.Idle()
	if s.ShowingList() || s.View.Invoice.ID != sale.ID {
		t.Fatalf("tapping %s shows invoice %d", sale.Number, s.View.Invoice.ID)
	}
	v := s.View
	mustShow(t, v.Content, "Sales invoice "+sale.Number, sale.Lines[0].ProductCode, money(sale.Total)+" SAR", "Subtotal", "Tax",
		money(sale.Subtotal))
	if sale.Source.OrderName != "" {
		mustShow(t, v.Content, sale.Source.OrderName, sale.Source.Connection)
	}
	if len(v.ReturnLinks) == 0 || !strings.Contains(v.ReturnLinks[0].Text, rets[0].Number) {
		t.Fatalf("the sale's return links: %v", v.ReturnLinks)
	}

	test.Tap(v.ReturnLinks[0])
	m.Idle()
	if v.Invoice.ID != rets[0].ID || !v.Original.Visible() {
		t.Fatalf("the return link shows invoice %d", v.Invoice.ID)
	}
	mustShow(t, v.Content, "Return invoice "+rets[0].Number, "Original invoice "+sale.Number, "To stock")

	test.Tap(v.Back)
	m.Idle()
	if v.Invoice.ID != sale.ID {
		t.Fatalf("back from the return shows %d, want the sale %d", v.Invoice.ID, sale.ID)
	}
	test.Tap(v.ReturnLinks[0])
	m.Idle()
	test.Tap(v.Original)
	m.Idle()
	if v.Invoice.ID != sale.ID {
		t.Fatalf("the original link shows %d", v.Invoice.ID)
	}
	test.Tap(v.Back)
	m.Idle()
	test.Tap(v.Back)
	m.Idle()
	test.Tap(v.Back)
	m.Idle()
	if !s.ShowingList() {
		t.Fatal("back did not return to the list")
	}
}

func TestExportCSVMatchesTheCommandLine(t *testing.T) {
	dir := seededDir(t, 60)
	m, db := openApp(t, dir)
	s := m.Invoices
	s.Type.SetSelected("Sales")
	test.Type(s.Search, "SG")
	m.Idle()
	out := filepath.Join(t.TempDir(), "invoices.csv")
	n, lines, err := s.ExportCSV(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if n != s.List.Length() || n == 0 || lines < n {
		t.Fatalf("exported %d invoices (%d lines); the list shows %d", n, lines, s.List.Length())
	}
	got, _ := os.ReadFile(out)

	// The command line's export of the same selection, on the same books.
	m.Close()
	db.Close()
	want := filepath.Join(t.TempDir(), "cli.csv")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"--data", dir, "invoices", "export", "--format", "csv", "--bom",
		"--type", "sales", "--search", "SG", "--out", want}, nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("cli export: %s", stderr.String())
	}
	wantBytes, _ := os.ReadFile(want)
	if !bytes.Equal(got, wantBytes) {
		t.Fatalf("the window's CSV differs from the command line's:\n%.600s\n---\n%.600s", got, wantBytes)
	}
}

func TestProductsShowStockAndLedger(t *testing.T) {
	m, db := openApp(t, seededDir(t, 60))
	ctx := context.Background()
	test.Tap(m.Nav[ScreenProducts])
	p := m.Products
	products, _ := db.Products(ctx)
	if len(p.shown) != len(products) {
		t.Fatalf("products table has %d rows, the books %d products", len(p.shown), len(products))
	}
	mustShow(t, p.Table, "Main warehouse", visual("مستودع جدة"), "Total")

	test.Type(p.Search, "عسل سدر")
	var honey storage.Product
	for _, pr := range products {
		if strings.Contains(pr.Name, "عسل سدر") {
			honey = pr
		}
	}
	if len(p.shown) != 1 {
		t.Fatalf("searching عسل سدر shows %d products", len(p.shown))
	}
	main, _ := db.StockLevel(ctx, honey.ID, 1)
	jeddah, _ := db.StockLevel(ctx, honey.ID, 2)
	mustShow(t, p.Table, honey.Code, visual(honey.Name), main.String(), jeddah.String(), main.Add(jeddah).String())

	tapText(t, m.Window, honey.Code)
	m.Idle()
	moves, _ := db.Movements(ctx, honey.ID)
	if len(p.ledger) != len(moves) || len(moves) < 2 {
		t.Fatalf("ledger shows %d movements, the books have %d", len(p.ledger), len(moves))
	}
	if !strings.Contains(p.LedgerTitle.Text, honey.Code) {
		t.Fatalf("ledger title %q", p.LedgerTitle.Text)
	}
	mustShow(t, p.Ledger, "Inbound", moves[0].SourceRef, "+"+moves[0].Quantity.String(), "Main warehouse")
	last := p.ledger[len(p.ledger)-1]
	level, _ := db.StockLevel(ctx, honey.ID, last.m.WarehouseID)
	if !last.balance.Equal(level) {
		t.Fatalf("the ledger's running balance ends at %s; the warehouse holds %s", last.balance, level)
	}
}

func TestWindowSizeIsRemembered(t *testing.T) {
	a := test.NewTempApp(t)
	db, err := storage.Open(context.Background(), t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := NewApp(a, db, Deps{})
	if m.Window.Canvas().Size() != DefaultSize {
		t.Fatalf("first run size %v", m.Window.Canvas().Size())
	}
	m.Window.Resize(fyne.NewSize(1000, 700))
	m.saveWindowSize()
	m.Close()
	m2 := NewApp(a, db, Deps{})
	defer m2.Close()
	if got := m2.Window.Canvas().Size(); got != fyne.NewSize(1000, 700) {
		t.Fatalf("second run size %v", got)
	}
	if m2.Window.Title() != "Mizan — Dashboard" {
		t.Fatalf("title %q", m2.Window.Title())
	}
}

func TestStartupErrorSaysWhatToDo(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	db, err := storage.Open(context.Background(), dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = storage.Open(context.Background(), dir, storage.Options{})
	if err == nil {
		t.Skip("the directory lock does not hold within one process")
	}
	w := StartupErrorWindow(a, StageOpen, err)
	mustShow(t, w.Content(), "Mizan is already open", "close it")

	w = StartupErrorWindow(a, StageDataDir, os.ErrNotExist)
	mustShow(t, w.Content(), "cannot find where to keep its data", "MIZAN_DATA")
}

// TestOpensOnAnotherScreen loads the books while another screen is shown: the invoice list and the
// ledger are filled before they were ever drawn, which must not crash (a list not yet laid out has
// no scroller).
func TestOpensOnAnotherScreen(t *testing.T) {
	for _, s := range []Screen{ScreenMapping, ScreenDashboard, ScreenSyncLog} {
		t.Run(string(s), func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Preferences().SetString(prefScreen, string(s))
			db, err := storage.Open(context.Background(), seededDir(t, 30), storage.Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := NewApp(a, db, Deps{})
			t.Cleanup(func() {
				m.Close()
				db.Close()
			})
			m.Window.Resize(DefaultSize)
			m.Window.Show()
			if m.Current != s {
				t.Fatalf("opened on %s, want %s", m.Current, s)
			}
			if err := m.Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
			m.Idle()
			test.Tap(m.Nav[ScreenInvoices])
			if m.Invoices.List.Length() == 0 {
				t.Fatal("the invoice list is empty")
			}
		})
	}
}
