package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/core"
)

// Every sync that ends says so on the desktop, whoever started it: its counts when it worked, why
// when it failed. The sync log's "Syncing orders…" line goes when that run ends.
func TestEverySyncEndNotifies(t *testing.T) {
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "Tea shop", true)
	e.mem.AddProduct(core.StoreProduct{Name: "Green tea", SKU: "TEA-1", SalePrice: decimal.NewFromInt(10)})
	last := func() *fyne.Notification {
		t.Helper()
		sent := e.app.notifications()
		if len(sent) == 0 {
			t.Fatal("no notification was sent")
		}
		return sent[len(sent)-1]
	}

	test.Tap(m.Nav[ScreenDashboard])
	test.Tap(m.Dashboard.Cards[c.ID].SyncNow)
	m.Idle()
	if n := last(); n.Title != "Sync of Tea shop finished" || !strings.Contains(n.Content, "1 product imported or linked") {
		t.Fatalf("after Sync now: %+v", n)
	}

	// The background poll's runs say so too.
	e.mem.AddProduct(core.StoreProduct{Name: "Black tea", SKU: "TEA-2", SalePrice: decimal.NewFromInt(12)})
	m.StartSync(c, core.SyncRequest{Trigger: core.TriggerSchedule})
	m.Idle()
	if sent := e.app.notifications(); len(sent) != 2 || sent[1].Title != "Sync of Tea shop finished" {
		t.Fatalf("after a scheduled sync: %+v", sent)
	}

	// A scheduled run that fails says why, in words, with no dialog in the merchant's way.
	e.mem.FailNext("Info", fmt.Errorf("store down: %w", core.ErrUnreachable))
	e.mem.FailNext("Products", fmt.Errorf("store down: %w", core.ErrUnreachable))
	m.StartSync(c, core.SyncRequest{Trigger: core.TriggerSchedule})
	m.Idle()
	if n := last(); n.Title != "Sync of Tea shop failed" || !strings.Contains(n.Content, "The store could not be reached") ||
		!strings.Contains(n.Content, "Check your internet connection") {
		t.Fatalf("after a failed sync: %+v", n)
	}
	if m.Window.Canvas().Overlays().Top() != nil {
		t.Fatal("a scheduled sync's failure opened a dialog")
	}

	// Sync orders by number: the line that says it runs goes when the run has ended.
	test.Tap(m.Nav[ScreenSyncLog])
	s := m.SyncLog
	s.Orders.SetText("#1001")
	test.Tap(s.SyncOrders)
	if !strings.Contains(s.OrdersStatus.Text, "from Tea shop") {
		t.Fatalf("while syncing orders: %q", s.OrdersStatus.Text)
	}
	m.Idle()
	if s.OrdersStatus.Text != "" {
		t.Fatalf("after the orders' run ended the sync log still says %q", s.OrdersStatus.Text)
	}
	if n := last(); !strings.HasPrefix(n.Title, "Sync of Tea shop") {
		t.Fatalf("after syncing orders by number: %+v", n)
	}
}

// On a 1280×800 screen the sync log's runs pane shows at least eight runs.
func TestSyncLogShowsEightRuns(t *testing.T) {
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "Tea shop", true)
	for i := 0; i < 12; i++ {
		m.StartSync(c, core.SyncRequest{Trigger: core.TriggerManual})
		m.Idle()
	}
	m.Window.Resize(fyne.NewSize(1280, 800))
	test.Tap(m.Nav[ScreenSyncLog])
	m.Idle()
	s := m.SyncLog
	if len(s.runs) != 12 {
		t.Fatalf("%d runs listed", len(s.runs))
	}
	top := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.Runs)
	bottom := top.Y + s.Runs.Size().Height
	rows := 0
	for _, p := range drawn(s.Runs) {
		if l, ok := p.obj.(*widget.Label); ok && strings.Contains(l.Text, "Tea shop") && p.pos.Y >= top.Y &&
			p.pos.Y+l.Size().Height <= bottom+1 {
			rows++
		}
	}
	t.Logf("runs pane %.0f px high, %d whole rows", s.Runs.Size().Height, rows)
	if rows < 8 {
		t.Fatalf("the runs pane shows %d whole rows at 1280×800, want at least 8", rows)
	}
}

// openDetails unfolds the Details of an error shown in o with a tap on their header.
func openDetails(t *testing.T, o fyne.CanvasObject) {
	t.Helper()
	for _, p := range drawn(o) {
		if b, ok := p.obj.(*widget.Button); ok && b.Text == "Details" {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no Details shown; shown: %q", texts(o))
}

// An error's dialog leads with what to do; what happened is folded under Details. A credential
// gone from the keyring is met with how to enter it again, not with advice about the disk.
func TestErrorDialogLeadsWithWhatToDo(t *testing.T) {
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "Tea shop", true)
	books, err := e.eng.BooksID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.secrets.Delete(core.SecretKey(books, c.ID, "token")); err != nil {
		t.Fatal(err)
	}
	test.Tap(m.Nav[ScreenDashboard])
	test.Tap(m.Dashboard.Cards[c.ID].SyncNow)
	m.Idle()
	d := topDialog(t, m)
	shown := texts(d)
	advice := "choose Edit on Tea shop and enter its credentials again"
	mustShow(t, d, "A store's password or token is missing", advice)
	if hasText(d, "disk") || hasText(d, "missing from the keyring") {
		t.Fatalf("the dialog shows %q", shown)
	}
	var adviceAt, detailsAt float32 = -1, -1
	for _, p := range drawn(d) {
		switch x := p.obj.(type) {
		case *widget.Label:
			if strings.Contains(x.Text, advice) && adviceAt < 0 {
				adviceAt = p.pos.Y
			}
		case *widget.Button:
			if x.Text == "Details" {
				detailsAt = p.pos.Y
			}
		}
	}
	if adviceAt < 0 || detailsAt < 0 || adviceAt >= detailsAt {
		t.Fatalf("what to do at y=%.0f, Details at y=%.0f", adviceAt, detailsAt)
	}
	openDetails(t, d)
	mustShow(t, d, `the token credential of "Tea shop" is missing from the keyring`)
	if n := e.app.notifications(); len(n) != 1 || !strings.Contains(n[0].Content, advice) {
		t.Fatalf("notifications: %+v", n)
	}
}

// A desktop notification is handed to the system in logical order (the system puts it in reading
// order itself): in Arabic its title and body are the translations as written, not the window's
// reordered text, for a sync that ends well and one that fails.
func TestNotificationsInLogicalOrder(t *testing.T) {
	inLanguage(t, "ar")
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "متجر الشاي 2", true)
	e.mem.AddProduct(core.StoreProduct{Name: "شاي أخضر", SKU: "TEA-1", SalePrice: decimal.NewFromInt(10)})
	m.StartSync(c, core.SyncRequest{Trigger: core.TriggerSchedule})
	m.Idle()
	sent := e.app.notifications()
	if len(sent) != 1 {
		t.Fatalf("notifications: %+v", sent)
	}
	name := map[string]any{"Name": c.Name}
	if want := trText("notify.done", "", name); sent[0].Title != want {
		t.Errorf("title %q, want %q in logical order", sent[0].Title, want)
	}
	if want := trText("notify.done", "", name); want == tr("notify.done", "", name) {
		t.Fatalf("the case does not tell logical from visual order: %q", want)
	}
	if want := countText("run.products", "", 1); sent[0].Content != want {
		t.Errorf("body %q is not the counts in logical order", sent[0].Content)
	}

	e.mem.FailNext("Info", fmt.Errorf("store down: %w", core.ErrUnreachable))
	e.mem.FailNext("Products", fmt.Errorf("store down: %w", core.ErrUnreachable))
	m.StartSync(c, core.SyncRequest{Trigger: core.TriggerSchedule})
	m.Idle()
	sent = e.app.notifications()
	p, _ := knownProblemIn(fmt.Errorf("x: %w", core.ErrUnreachable), trText)
	if n := sent[len(sent)-1]; n.Title != trText("notify.failed", "", name) || !strings.HasPrefix(n.Content, p.Title) {
		t.Errorf("failure notification %+v, want %q / %q…", n, trText("notify.failed", "", name), p.Title)
	}
}
