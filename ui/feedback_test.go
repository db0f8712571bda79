package ui

import (
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
	if n := last(); n.Title != "Sync of Tea shop finished" || !strings.Contains(n.Content, "1 products imported or linked") {
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
