package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	fstorage "fyne.io/fyne/v2/storage"

	"mizan/core"
	"mizan/platforms/shopify"
	"mizan/platforms/shopify/shopifytest"
	"mizan/storage"
)

// fileDialogFolderPref is where the toolkit's file dialogs remember the folder they last showed;
// a test points it at a folder of its own so the save dialog opens there.
const fileDialogFolderPref = "fyne:fileDialogLastFolder"

// shownDialog draws the whole window, overlays included (a dialog that cannot measure or lay
// itself out fails here, as it would on screen), and returns the dialog on top, which must show
// every text in want.
func shownDialog(t *testing.T, m *App, want ...string) fyne.CanvasObject {
	t.Helper()
	m.Idle()
	m.Window.Canvas().Capture()
	top := topDialog(t, m)
	mustShow(t, top, want...)
	return top
}

// closeDialog taps the button labelled label on dialog d as the user would, and checks that d is
// gone and the window still draws.
func closeDialog(t *testing.T, m *App, d fyne.CanvasObject, label string) {
	t.Helper()
	tapButton(t, m, d, label)
	for _, o := range m.Window.Canvas().Overlays().List() {
		if o == d {
			t.Fatalf("%q did not close the dialog showing %q", label, texts(d))
		}
	}
	m.Window.Canvas().Capture()
}

// tapButton taps the button labelled label on dialog d and waits for what it started.
func tapButton(t *testing.T, m *App, d fyne.CanvasObject, label string) {
	t.Helper()
	var btn *widget.Button
	for _, p := range walk(d, fyne.NewPos(0, 0), nil) {
		b, ok := p.obj.(*widget.Button)
		if f, isForm := p.obj.(*FormButton); isForm {
			b, ok = &f.Button, true
		}
		if ok && b.Text == label && !b.Disabled() {
			btn = b
		}
	}
	if btn == nil {
		t.Fatalf("the dialog has no %q button; it shows %q", label, texts(d))
	}
	test.Tap(btn)
	m.Idle()
}

// noDialog checks that nothing is left open over the window.
func noDialog(t *testing.T, m *App) {
	t.Helper()
	if top := m.Window.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("a dialog is still open: %q", texts(top))
	}
}

// TestEveryDialogOpensAndCloses opens, on books a real sync filled, every dialog the window can
// show, draws it and closes it with its own buttons: the export's save dialog (cancelled, saved,
// saved over, saved where it cannot write), its progress, result and error, the connection forms
// with their quick-create dialogs and error dialogs, the confirmations (remove a connection,
// unlink, leave the demo), the manual link, the store reference, and around them the invoice view,
// sync by number, retry and a cancelled sync (which asks nothing).
func TestEveryDialogOpensAndCloses(t *testing.T) {
	left := make(chan struct{})
	e := shopifyEnv(t, shopifytest.SeedOptions{Products: 6, Orders: 30, Seed: 11}, Deps{
		RemoveDemo: func(context.Context) error { close(left); return nil },
	})
	m := e.m
	ctx := context.Background()
	c := e.connect(t, "Shopify", false)
	test.Tap(m.Nav[ScreenDashboard])
	test.Tap(m.Dashboard.Cards[c.ID].SyncNow)
	m.Idle()
	invoices := mustCount(t, e.db, "")
	if invoices == 0 {
		t.Fatal("the sync brought no invoice into the books")
	}
	noDialog(t, m)

	// Invoices → Export CSV: the save dialog, cancelled, then saved, then saved over the same file.
	folder := t.TempDir()
	m.app.Preferences().SetString(fileDialogFolderPref, fstorage.NewFileURI(folder).String())
	test.Tap(m.Nav[ScreenInvoices])
	m.Idle()
	test.Tap(m.Invoices.Export)
	closeDialog(t, m, shownDialog(t, m, "Save", "Cancel"), "Cancel")
	if files, _ := os.ReadDir(folder); len(files) != 0 {
		t.Fatalf("a cancelled export wrote %v", files)
	}
	var csvPath string
	for round := range 2 {
		test.Tap(m.Invoices.Export)
		save := shownDialog(t, m, "Save", "Cancel")
		if round == 0 {
			closeDialog(t, m, save, "Save")
		} else { // the file is there: the save dialog asks before replacing it, and closes after
			tapButton(t, m, save, "Save")
			closeDialog(t, m, shownDialog(t, m, "Overwrite?", "Yes", "No"), "Yes")
			for _, o := range m.Window.Canvas().Overlays().List() {
				if o == save {
					t.Fatal("the save dialog stayed open after Overwrite? Yes")
				}
			}
		}
		done := shownDialog(t, m, "Export finished", "Exported "+itoa(invoices)+" invoices")
		closeDialog(t, m, done, "OK")
		noDialog(t, m)
		files, _ := filepath.Glob(filepath.Join(folder, "invoices-*.csv"))
		if len(files) != 1 {
			t.Fatalf("export %d left %v in the folder", round+1, files)
		}
		csvPath = files[0]
	}
	// A file that cannot be written (its folder is not there): the error dialog says so.
	test.Tap(m.Invoices.Export)
	save := shownDialog(t, m, "Save", "Cancel")
	var name *widget.Entry
	for _, p := range walk(save, fyne.NewPos(0, 0), nil) {
		if en, ok := p.obj.(*widget.Entry); ok && strings.HasPrefix(en.Text, "invoices-") {
			name = en
		}
	}
	if name == nil {
		t.Fatal("the save dialog has no file name")
	}
	name.SetText("no-such-folder/invoices.csv")
	closeDialog(t, m, save, "Save")
	closeDialog(t, m, shownDialog(t, m, "Mizan could not export the invoices", "Close"), "Close")
	noDialog(t, m)

	got, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte("\uFEFFnumber,type,date,")) || bytes.Count(got, []byte("\n")) <= invoices {
		t.Fatalf("the exported file: %.200q", got)
	}

	// An invoice opened from the list, and back.
	first, _ := e.db.Invoices(ctx, storage.InvoiceFilter{Limit: 1})
	tapText(t, m.Window, first[0].Number)
	m.Idle()
	m.Window.Canvas().Capture()
	mustShow(t, m.Invoices.View.Content, first[0].Number)
	test.Tap(m.Invoices.View.Back)
	m.Idle()
	if !m.Invoices.ShowingList() {
		t.Fatal("back from the invoice did not return to the list")
	}

	// Connections: the new-connection form, its quick-create dialogs, an error dialog from a test
	// with a wrong token and from saving with it; the edit form; the remove confirmation.
	f := openNewConnection(t, m)
	m.Window.Canvas().Capture()
	test.Tap(f.NewWarehouse)
	closeDialog(t, m, shownDialog(t, m, "Create", "Cancel"), "Cancel")
	test.Tap(f.NewClient)
	closeDialog(t, m, shownDialog(t, m, "Create", "Cancel"), "Cancel")
	test.Type(f.Name, "Second")
	test.Type(f.StoreURL, e.url)
	test.Type(f.Credentials[shopify.CredAccessToken], "shpat_wrong")
	test.Tap(f.Test)
	closeDialog(t, m, shownDialog(t, m, "The store refused the credentials", "Close"), "Close")
	test.Tap(f.Save)
	closeDialog(t, m, shownDialog(t, m, "The store refused the credentials", "Close"), "Close")
	if m.Connections.ShowingList() {
		t.Fatal("a connection the store refused was saved")
	}
	test.Tap(f.Cancel)
	m.Idle()
	test.Tap(m.Connections.Rows[c.ID].Edit)
	m.Idle()
	m.Window.Canvas().Capture()
	test.Tap(m.Connections.Form.Test)
	m.Idle()
	if !strings.Contains(m.Connections.Form.TestResult.Text, "Connected to") {
		t.Fatalf("testing the saved connection: %q", m.Connections.Form.TestResult.Text)
	}
	noDialog(t, m)
	test.Tap(m.Connections.Form.Cancel)
	m.Idle()
	test.Tap(m.Connections.Rows[c.ID].Remove)
	closeDialog(t, m, shownDialog(t, m, "Remove Shopify?", "Yes", "No"), "No")
	if conns, _ := e.eng.Connections(ctx); len(conns) != 1 {
		t.Fatalf("No removed the connection: %+v", conns)
	}

	// Product mapping: the manual link dialog (a books-only product) and the unlink confirmation.
	if err := e.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.CreateProduct(storage.Product{Code: "MY-TEA", Name: "My tea", SalePrice: decimal.NewFromInt(12)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	test.Tap(m.Nav[ScreenMapping])
	m.Idle()
	s := m.Mapping
	s.Filter.SetSelected(linkStateName(core.LinkLocalOnly))
	m.Idle()
	if len(s.Shown()) != 1 {
		t.Fatalf("books-only rows: %+v", s.Shown())
	}
	s.Select(0)
	test.Tap(s.Link)
	closeDialog(t, m, shownDialog(t, m, "Link by hand", "Cancel"), "Cancel")
	if s.Chooser != nil {
		t.Fatal("the chooser is still there after Cancel")
	}
	s.Filter.SetSelected(linkStateName(core.LinkLinked))
	m.Idle()
	if len(s.Shown()) == 0 {
		t.Fatal("the sync linked no product")
	}
	s.Select(0)
	test.Tap(s.Unlink)
	closeDialog(t, m, shownDialog(t, m, "Unlink these products?", "Yes", "No"), "No")

	// Sync log: sync an order by number that is not in the store, show its store reference, retry it.
	test.Tap(m.Nav[ScreenSyncLog])
	m.Idle()
	sl := m.SyncLog
	sl.Orders.SetText("#9999")
	test.Tap(sl.SyncOrders)
	m.Idle()
	pick(t, m.Window.Canvas(), sl.Level, "Error")
	m.Idle()
	entries := sl.Shown()
	if len(entries) != 1 || entries[0].StoreRef != "#9999" {
		t.Fatalf("errors of the run by number: %+v", entries)
	}
	sl.SelectEntry(0)
	test.Tap(sl.Open)
	closeDialog(t, m, shownDialog(t, m, "Store reference: #9999", "OK"), "OK")
	if sl.Retry.Disabled() {
		t.Fatal("the failed order cannot be retried")
	}
	test.Tap(sl.Retry)
	m.Idle()
	runs, _ := e.eng.Runs(ctx, c.ID, 1)
	if len(runs) != 1 || runs[0].Trigger != core.TriggerRetry {
		t.Fatalf("newest run after Retry: %+v", runs)
	}
	noDialog(t, m)

	// Cancelling a sync asks nothing and shows no dialog: the card says it was cancelled.
	e.srv.InjectFaults(shopifytest.Fault{Kind: shopifytest.FaultSlow, Delay: 2 * time.Second, Times: -1, Match: "products"})
	test.Tap(m.Nav[ScreenDashboard])
	card := m.Dashboard.Cards[c.ID]
	test.Tap(card.SyncNow)
	for deadline := time.Now().Add(5 * time.Second); !e.eng.IsSyncing(c.ID) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	test.Tap(card.Cancel)
	m.Idle()
	e.srv.ClearFaults()
	m.Window.Canvas().Capture()
	noDialog(t, m)
	mustShow(t, m.Dashboard.Cards[c.ID].Content, "cancelled")

	// The demo banner's confirmation, refused then accepted; then the connection removed.
	test.Tap(m.LeaveDemo)
	closeDialog(t, m, shownDialog(t, m, "Leave the demo?", "Yes", "No"), "No")
	test.Tap(m.LeaveDemo)
	closeDialog(t, m, shownDialog(t, m, "Leave the demo?", "Yes", "No"), "Yes")
	select {
	case <-left:
	case <-time.After(5 * time.Second):
		t.Fatal("Yes did not leave the demo")
	}
	test.Tap(m.Nav[ScreenConnections])
	test.Tap(m.Connections.Rows[c.ID].Remove)
	closeDialog(t, m, shownDialog(t, m, "Remove Shopify?"), "Yes")
	if conns, _ := e.eng.Connections(ctx); len(conns) != 0 {
		t.Fatalf("Yes kept the connection: %+v", conns)
	}
	noDialog(t, m)
}
