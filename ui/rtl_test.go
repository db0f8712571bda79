package ui

import (
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
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
