package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"mizan/storage"
)

// The demo books' opening stock is noted in the window's language: the list of stock documents
// reads "Opening stock" in an English window and "رصيد افتتاحي" in an Arabic one, and the
// document keeps the English for the command line and exports.
func TestDemoOpeningNoteInTheWindowsLanguage(t *testing.T) {
	for _, c := range []struct{ language, want string }{
		{"en", "Opening stock"},
		{"ar", "رصيد افتتاحي"},
	} {
		t.Run(c.language, func(t *testing.T) {
			inLanguage(t, c.language)
			m, _ := openApp(t, seededDir(t, 5))
			test.Tap(m.Nav[ScreenStock])
			m.Idle()
			opening := 0
			for _, d := range m.Stock.docs {
				if d.Kind != storage.DocInbound {
					continue
				}
				opening++
				if d.Note != "Opening stock" {
					t.Errorf("%s keeps the note %q, want its English", d.Number, d.Note)
				}
				if got := docNote(d); got != c.want {
					t.Errorf("%s's note reads %q, want %q", d.Number, got, c.want)
				}
			}
			if opening != 2 {
				t.Fatalf("%d opening requisitions are listed, want one per warehouse", opening)
			}
			mustShow(t, m.Stock.Table, visual(c.want))
		})
	}
}
