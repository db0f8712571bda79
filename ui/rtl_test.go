package ui

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"weak"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// inLanguage switches the translations to a language for the rest of the test.
func inLanguage(t *testing.T, language string) {
	t.Helper()
	setupTranslations()
	t.Setenv("LANGUAGE", language)
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Setenv("LANGUAGE", "en")
		lang.AddTranslationsFS(translations, "translations")
	})
}

// canvasX is where an object starts on the window, from its left edge.
func canvasX(m *App, o fyne.CanvasObject) float32 {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X
}

// In Arabic the window is mirrored: the navigation is on the right, a form's labels to the right
// of their values, a list's first column at the right; in English none of it is.
func TestArabicWindowIsMirrored(t *testing.T) {
	for _, c := range []struct {
		language string
		rtl      bool
	}{{"en", false}, {"ar", true}} {
		t.Run(c.language, func(t *testing.T) {
			inLanguage(t, c.language)
			m, _ := openApp(t, seededDir(t, 3))
			if got := rightToLeft(); got != c.rtl {
				t.Fatalf("rightToLeft() = %v", got)
			}
			// right reports whether a is drawn to the right of b.
			right := func(a, b fyne.CanvasObject) bool { return canvasX(m, a) > canvasX(m, b) }

			if got := right(m.Nav[ScreenDashboard], m.Invoices.Content); got != c.rtl {
				t.Errorf("the navigation is right of the screen: %v", got)
			}
			if b := m.Nav[ScreenDashboard]; (b.Alignment == widget.ButtonAlignTrailing) != c.rtl {
				t.Errorf("a navigation button's alignment: %v", b.Alignment)
			}

			// The invoice list's header: Number is the first column.
			var number, date fyne.CanvasObject
			for _, p := range walk(m.Window.Content(), fyne.Position{}, nil) {
				if l, ok := p.obj.(*widget.Label); ok {
					switch l.Text {
					case tr("col.number", "Number"):
						number = l
					case tr("col.date", "Date"):
						date = l
					}
				}
			}
			if number == nil || date == nil {
				t.Fatal("no invoice list header")
			}
			if got := right(number, date); got != c.rtl {
				t.Errorf("the first column is right of the second: %v", got)
			}
			// Each row too.
			m.Invoices.List.Refresh()
			rows := 0
			for _, p := range walk(m.Invoices.List, fyne.Position{}, nil) {
				if row, ok := p.obj.(*fyne.Container); ok {
					if _, ok := row.Layout.(*columns); ok && len(row.Objects) > 1 && row.Objects[0].(*widget.Label).Text != "" {
						rows++
						if got := row.Objects[0].Position().X > row.Objects[1].Position().X; got != c.rtl {
							t.Errorf("a row's first cell is right of its second: %v", got)
						}
					}
				}
			}
			if rows == 0 {
				t.Error("no invoice rows drawn")
			}

			// A list of plain rows: the text starts at the right.
			m.Show(ScreenMaster)
			m.Master.Tabs.SelectIndex(1)
			m.Idle()
			labels := 0
			for _, p := range walk(m.Master.Warehouses, fyne.Position{}, nil) {
				if l, ok := p.obj.(*widget.Label); ok && l.Text != "" {
					labels++
					if got := l.Alignment == fyne.TextAlignTrailing; got != c.rtl {
						t.Errorf("the warehouse %q is aligned %v", l.Text, l.Alignment)
					}
				}
			}
			if labels == 0 {
				t.Error("no warehouses drawn")
			}

			// The connection form: a label and its entry.
			test.Tap(m.Nav[ScreenConnections])
			m.Connections.Add()
			m.Idle()
			f := m.Connections.Form
			var nameLabel fyne.CanvasObject
			for _, p := range walk(f.Content, fyne.Position{}, nil) {
				if l, ok := p.obj.(*widget.Label); ok && l.Text == tr("field.name", "Name") {
					nameLabel = l
				}
			}
			if nameLabel == nil {
				t.Fatal("no Name label on the connection form")
			}
			if got := right(nameLabel, f.Name); got != c.rtl {
				t.Errorf("the Name label is right of its entry: %v", got)
			}
			if got := right(f.Cancel, f.Save); got != c.rtl {
				t.Errorf("Cancel is right of Save: %v", got)
			}

			// A dialog: the form for a new client.
			test.Tap(f.NewClient)
			m.Idle()
			q := f.Quick
			if q == nil {
				t.Fatal("no New client form")
			}
			nameLabel = nil
			for _, p := range walk(m.Window.Canvas().Overlays().Top(), fyne.Position{}, nil) {
				if l, ok := p.obj.(*widget.Label); ok && l.Text == tr("field.name", "Name") {
					nameLabel = l
				}
			}
			if nameLabel == nil {
				t.Fatal("no Name label on the New client form")
			}
			if got := right(nameLabel, q.Name); got != c.rtl {
				t.Errorf("the New client form's Name label is right of its entry: %v", got)
			}
		})
	}
}

// columnLabel is the label drawn in o showing a column's name.
func columnLabel(t *testing.T, o fyne.CanvasObject, name string) fyne.CanvasObject {
	t.Helper()
	for _, p := range walk(o, fyne.Position{}, nil) {
		if l, ok := p.obj.(*widget.Label); ok && l.Text == name {
			return l
		}
	}
	t.Fatalf("no column %q; shown: %q", name, texts(o))
	return nil
}

// rightEdge is where an object ends on the window, from its left edge.
func rightEdge(m *App, o fyne.CanvasObject) float32 { return canvasX(m, o) + o.Size().Width }

// In Arabic the tables of the products, the stock ledger, the stock documents and their lines, the
// clients and the VAT report have their first column at the right and meet the right edge of their
// room, the clients' tab is right of the warehouses', and a tap on a cell selects the row it
// shows; in English none of it.
func TestArabicTablesAreMirrored(t *testing.T) {
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			rtl := language == "ar"
			m, _ := openApp(t, seededDir(t, 3))
			right := func(a, b fyne.CanvasObject) bool { return canvasX(m, a) > canvasX(m, b) }
			// edge checks that a table meets its room's edge: the right one in Arabic, the left
			// one in English (where the room is as wide as room is).
			edge := func(what string, table, room fyne.CanvasObject) {
				t.Helper()
				if rtl {
					if d := rightEdge(m, table) - rightEdge(m, room); d < -0.5 || d > 0.5 {
						t.Errorf("%s ends at %v, its room at %v", what, rightEdge(m, table), rightEdge(m, room))
					}
				} else if canvasX(m, table) != canvasX(m, room) {
					t.Errorf("%s starts at %v, its room at %v", what, canvasX(m, table), canvasX(m, room))
				}
			}

			// Products: the code is the first column.
			test.Tap(m.Nav[ScreenProducts])
			m.Idle()
			p := m.Products
			if got := right(columnLabel(t, p.Table, tr("col.code", "Code")), columnLabel(t, p.Table, tr("col.product", "Product"))); got != rtl {
				t.Errorf("the products' Code is right of Product: %v", got)
			}
			edge("the products table", p.Table, p.Search)
			row := p.all[p.shown[1]].p
			tapText(t, m.Window, row.Code)
			m.Idle()
			if p.selected != row.ID {
				t.Fatalf("a tap on %s selected product %d, want %d", row.Code, p.selected, row.ID)
			}
			if got := right(columnLabel(t, p.Ledger, tr("col.date", "Date")), columnLabel(t, p.Ledger, tr("col.kind", "Kind"))); got != rtl {
				t.Errorf("the ledger's Date is right of Kind: %v", got)
			}
			edge("the stock ledger", p.Ledger, p.Search)

			// Stock documents and a document's lines.
			test.Tap(m.Nav[ScreenStock])
			m.Idle()
			if got := right(columnLabel(t, m.Stock.Table, tr("col.number", "Number")), columnLabel(t, m.Stock.Table, tr("col.date", "Date"))); got != rtl {
				t.Errorf("the stock documents' Number is right of Date: %v", got)
			}
			edge("the stock documents", m.Stock.Table, m.Stock.Search)
			if got := right(columnLabel(t, m.Stock.Lines, tr("col.code", "Code")), columnLabel(t, m.Stock.Lines, tr("col.product", "Product"))); got != rtl {
				t.Errorf("a stock document's Code is right of Product: %v", got)
			}

			// Clients, in the first tab.
			test.Tap(m.Nav[ScreenMaster])
			m.Idle()
			s := m.Master
			var clientsTab, warehousesTab fyne.CanvasObject
			for _, q := range walk(s.Tabs, fyne.Position{}, nil) {
				if x, ok := q.obj.(*canvas.Text); ok {
					switch x.Text {
					case tr("master.clients", "Clients"):
						clientsTab = x
					case tr("master.warehouses", "Warehouses"):
						warehousesTab = x
					}
				}
			}
			if clientsTab == nil || warehousesTab == nil {
				t.Fatalf("no Clients and Warehouses tabs; shown: %q", texts(s.Tabs))
			}
			if got := right(clientsTab, warehousesTab); got != rtl {
				t.Errorf("the Clients tab is right of Warehouses: %v", got)
			}
			// The bar starts at the edge its language starts from: the first tab at the right in
			// Arabic, at the left in English.
			first := s.Tabs.Buttons[0]
			if rtl {
				if d := rightEdge(m, s.Tabs) - rightEdge(m, first); d < -0.5 || d > 0.5 {
					t.Errorf("the first tab ends at %v, the bar at %v", rightEdge(m, first), rightEdge(m, s.Tabs))
				}
			} else if d := canvasX(m, first) - canvasX(m, s.Tabs); d < -0.5 || d > 0.5 {
				t.Errorf("the first tab starts at %v, the bar at %v", canvasX(m, first), canvasX(m, s.Tabs))
			}
			if got := s.Tabs.Selected().Text; got != tr("master.clients", "Clients") {
				t.Errorf("the tab shown first is %q", got)
			}
			if got := right(columnLabel(t, s.Clients, tr("field.name", "Name")), columnLabel(t, s.Clients, tr("field.phone", "Phone"))); got != rtl {
				t.Errorf("the clients' Name is right of Phone: %v", got)
			}
			edge("the clients table", s.Clients, s.ClientSearch)
			if len(s.clients) < 2 {
				t.Fatalf("%d clients listed", len(s.clients))
			}
			tapText(t, m.Window, s.clients[1].Phone)
			if s.cSel != 1 || s.EditClient.Disabled() {
				t.Errorf("a tap on the second client's phone selected row %d", s.cSel)
			}

			// The VAT report, in a dialog.
			now := time.Now()
			m.ShowVATReport(storage.Period{From: now.AddDate(0, -1, 0), To: now, Location: time.UTC})
			m.Idle()
			v := m.Dashboard.Figures.LastReport
			if got := right(columnLabel(t, v.Table, tr("vat.col.rate", "Rate")), columnLabel(t, v.Table, tr("vat.col.sales_taxable", "Sales taxable"))); got != rtl {
				t.Errorf("the VAT report's Rate is right of Sales taxable: %v", got)
			}
			edge("the VAT report's table", v.Table, v.Heading)
		})
	}
}

// Mirroring keeps nothing of what a screen replaces: a container whose children are replaced
// many times leaves each to be collected, with the mark it put on it; a child taken out and put
// back is not flipped again.
func TestMirroringForgetsReplacedObjects(t *testing.T) {
	test.NewTempApp(t)
	c := container.NewVBox()
	mirror(c)
	size := fyne.NewSize(300, 200)
	kept := canvas.NewText("kept", color.Black)
	before := markCount()
	var replaced []weak.Pointer[canvas.Text]
	for i := range 500 {
		text := canvas.NewText(fmt.Sprint(i), color.Black)
		c.Objects = []fyne.CanvasObject{text}
		if i%100 == 0 {
			c.Objects = append(c.Objects, kept)
		}
		c.Layout.Layout(c.Objects, size)
		if text.Alignment != fyne.TextAlignTrailing {
			t.Fatalf("child %d is aligned %v", i, text.Alignment)
		}
		replaced = append(replaced, weak.Make(text))
	}
	if kept.Alignment != fyne.TextAlignTrailing {
		t.Errorf("a child put back five times is aligned %v", kept.Alignment)
	}
	c.Objects = nil
	alive := len(replaced)
	for wait := time.Now().Add(10 * time.Second); time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
		runtime.GC()
		alive = 0
		for _, p := range replaced {
			if p.Value() != nil {
				alive++
			}
		}
		if alive == 0 && markCount() <= before+1 {
			break
		}
	}
	if alive > 0 {
		t.Errorf("%d of %d replaced children are still kept", alive, len(replaced))
	}
	runtime.KeepAlive(c) // the container lives on, as a screen's does
	if n := markCount(); n > before+1 {
		t.Errorf("mirroring keeps %d marks, %d before the children were replaced", n, before)
	}
}

// The window's tab bars are made by newTabs, whose bar mirrors with the window; a bar of Fyne's own
// (AppTabs, DocTabs) starts at the left edge in Arabic too.
func TestTabBarsAreTabs(t *testing.T) {
	direct := regexp.MustCompile(`container\.New(App|Doc)Tabs\(`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if direct.MatchString(line) {
				t.Errorf("%s:%d makes a tab bar that is not mirrored: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}
