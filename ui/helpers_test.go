package ui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
	"mizan/ui/demo"
)

func TestMain(m *testing.M) {
	// Dates are shown and read in the local zone; pin it so day filters are deterministic.
	time.Local = time.UTC
	os.Setenv("LANGUAGE", "en")
	queueUI = true // background results reach the widgets when a test waits for them (App.Idle)
	os.Exit(m.Run())
}

// seedEnd is the day of the newest demo invoice in the tests' books.
var seedEnd = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)

// seededDir seeds demo books (n sales invoices and their returns) into a fresh directory.
func seededDir(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := demo.Seed(context.Background(), dir, demo.Options{Invoices: n, End: seedEnd, Days: 60}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// openApp opens the books in dir in a test app and loads the screens.
func openApp(t testing.TB, dir string) (*App, *storage.DB) {
	t.Helper()
	a := test.NewTempApp(t)
	db, err := storage.Open(context.Background(), dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := NewApp(a, db, Deps{})
	t.Cleanup(func() {
		m.Close()
		db.Close()
	})
	if m.Current != ScreenDashboard {
		t.Fatalf("a first run opens on %s, want the dashboard", m.Current)
	}
	m.Show(ScreenInvoices) // most of these tests are about the books' screens
	m.Window.Resize(DefaultSize)
	m.Window.Show()
	if err := m.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Idle()
	return m, db
}

// placed is a drawn object and where it is on the canvas.
type placed struct {
	obj fyne.CanvasObject
	pos fyne.Position
}

// walk lists the visible objects drawn in o with their canvas positions, looking inside widgets
// (list rows, table cells) as the renderer draws them.
func walk(o fyne.CanvasObject, at fyne.Position, out []placed) []placed {
	if o == nil || !o.Visible() {
		return out
	}
	at = at.Add(o.Position())
	out = append(out, placed{o, at})
	switch x := o.(type) {
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			out = walk(c, at, out)
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			out = walk(c, at, out)
		}
	}
	return out
}

func drawn(o fyne.CanvasObject) []placed {
	start := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Subtract(o.Position())
	return walk(o, start, nil)
}

// texts lists the text of every label, button and canvas text drawn in o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, p := range drawn(o) {
		switch x := p.obj.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.Button:
			out = append(out, x.Text)
		case *FormButton:
			out = append(out, x.Text)
		case *canvas.Text:
			out = append(out, x.Text)
		}
	}
	return out
}

func hasText(o fyne.CanvasObject, want string) bool {
	for _, s := range texts(o) {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}

func mustShow(t *testing.T, o fyne.CanvasObject, want ...string) {
	t.Helper()
	for _, w := range want {
		if !hasText(o, w) {
			t.Fatalf("%q is not shown; shown: %q", w, texts(o))
		}
	}
}

// tapText taps the canvas where a label showing text is drawn (a list row, a table cell).
func tapText(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	for _, p := range walk(w.Content(), fyne.NewPos(0, 0), nil) {
		l, ok := p.obj.(*widget.Label)
		if !ok || l.Text != text {
			continue
		}
		test.TapCanvas(w.Canvas(), p.pos.Add(fyne.NewPos(l.Size().Width/2, l.Size().Height/2)))
		return
	}
	t.Fatalf("no label shows %q", text)
}

// pick chooses option from a dropdown the way a user does: a tap opens its menu, a tap on the
// option's text chooses it.
func pick(t *testing.T, c fyne.Canvas, dropdown fyne.Tappable, option string) {
	t.Helper()
	sel, ok := dropdown.(*widget.Select)
	if f, isForm := dropdown.(*FormSelect); isForm {
		sel, ok = &f.Select, true
	}
	if !ok {
		t.Fatalf("pick on a %T", dropdown)
	}
	test.Tap(dropdown)
	top := c.Overlays().Top()
	if top == nil {
		t.Fatalf("tapping the dropdown showing %q opened no menu", sel.Selected)
	}
	for _, p := range walk(top, fyne.NewPos(0, 0), nil) {
		var text string
		switch x := p.obj.(type) {
		case *widget.Label:
			text = x.Text
		case *canvas.Text:
			text = x.Text
		}
		if text == option {
			test.TapCanvas(c, p.pos.Add(fyne.NewPos(2, 2)))
			if sel.Selected != option {
				t.Fatalf("tapped %q in the menu, the dropdown shows %q", option, sel.Selected)
			}
			return
		}
	}
	t.Fatalf("the dropdown's menu does not offer %q", option)
}

// openNewConnection opens the Connections screen's form for a new connection, its dropdowns
// filled from the books.
func openNewConnection(t *testing.T, m *App) *ConnectionForm {
	t.Helper()
	test.Tap(m.Nav[ScreenConnections])
	test.Tap(m.Connections.New)
	m.Idle()
	f := m.Connections.Form
	if f == nil {
		t.Fatal("no connection form opened")
	}
	return f
}
