package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// The window's keyboard shortcuts (Ctrl on Linux and Windows, ⌘ on macOS):
//
//	Ctrl+F  search: focus the current screen's search entry
//	Ctrl+R  Sync now: sync every store not syncing yet (the dashboard's Sync all)
//	Ctrl+E  export: the current screen's export
//	Ctrl+P  print: the current screen's print (an invoice, a stock document)
//	Ctrl+N  new product, from any screen
//	Esc     close the dialog on top, also from a form's entry (FormEntry)
//
// They are registered once, on the window's canvas; Ctrl+F, Ctrl+E and Ctrl+P go to the screen
// shown through shortcutScreen.
var (
	keySearch = shortcutKey(fyne.KeyF)
	keySync   = shortcutKey(fyne.KeyR)
	keyExport = shortcutKey(fyne.KeyE)
	keyPrint  = shortcutKey(fyne.KeyP)
	keyNew    = shortcutKey(fyne.KeyN)
)

func shortcutKey(k fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

// shortcutScreen is what a screen offers the window's shortcuts: the search entry Ctrl+F focuses
// and the buttons Ctrl+E and Ctrl+P press. Each is nil when the screen has none (or none in what
// it shows now); a disabled button is not pressed. A screen without any need not implement it.
type shortcutScreen interface {
	searchEntry() *widget.Entry
	exportButton() *widget.Button
	printButton() *widget.Button
}

// registerShortcuts adds the window's shortcuts to its canvas. Called once, by NewApp.
func (m *App) registerShortcuts() {
	c := m.Window.Canvas()
	c.AddShortcut(keySearch, func(fyne.Shortcut) {
		if s := m.shortcutScreen(); s != nil {
			if e := s.searchEntry(); e != nil && !e.Disabled() {
				c.Focus(e)
			}
		}
	})
	c.AddShortcut(keyExport, func(fyne.Shortcut) {
		if s := m.shortcutScreen(); s != nil {
			press(s.exportButton())
		}
	})
	c.AddShortcut(keyPrint, func(fyne.Shortcut) {
		if s := m.shortcutScreen(); s != nil {
			press(s.printButton())
		}
	})
	c.AddShortcut(keySync, func(fyne.Shortcut) { press(m.Dashboard.SyncAll) })
	c.AddShortcut(keyNew, func(fyne.Shortcut) { m.Products.newShortcut() })
	// Esc reaches the canvas when no widget has the keyboard (Fyne's dialogs do not close on it);
	// a form's entry hands it on (FormEntry).
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			closeTopDialog(c)
		}
	})
}

// FormEntry is the text entry of the forms shown in dialogs. Fyne hands every key to the widget
// that has the keyboard, before the window's own handlers, and an entry does nothing with Esc; a
// FormEntry hands Esc on to the window, which closes the dialog on top.
type FormEntry struct {
	widget.Entry
}

// newFormEntry is a one-line FormEntry, as widget.NewEntry makes one.
func newFormEntry() *FormEntry {
	e := &FormEntry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey closes the dialog on top on Esc and gives any other key to the entry.
func (e *FormEntry) TypedKey(key *fyne.KeyEvent) { escapeOr(e, key, e.Entry.TypedKey) }

// FormSelectEntry is a form's entry with a list to choose from, which hands Esc on to the window
// as FormEntry does.
type FormSelectEntry struct {
	widget.SelectEntry
}

// newFormSelectEntry is a FormSelectEntry offering options, as widget.NewSelectEntry makes one.
func newFormSelectEntry(options []string) *FormSelectEntry {
	e := &FormSelectEntry{}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.SetOptions(options)
	return e
}

// TypedKey closes the dialog on top on Esc and gives any other key to the entry.
func (e *FormSelectEntry) TypedKey(key *fyne.KeyEvent) { escapeOr(e, key, e.SelectEntry.TypedKey) }

// escapeOr closes the dialog on top of o's window on Esc, and gives any other key to typed.
func escapeOr(o fyne.CanvasObject, key *fyne.KeyEvent, typed func(*fyne.KeyEvent)) {
	if key.Name != fyne.KeyEscape {
		typed(key)
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(o); c != nil {
		closeTopDialog(c)
	}
}

// closeTopDialog closes the dialog on top as its Cancel, Close, No or OK button does, so what the
// dialog does on closing (a form forgetting its edits, a question answered no) still happens.
// An overlay with no such button is hidden.
func closeTopDialog(c fyne.Canvas) {
	top := c.Overlays().Top()
	if top == nil {
		return
	}
	dismiss := map[string]bool{tr("action.cancel", "Cancel"): true, tr("action.close", "Close"): true,
		lang.L("Cancel"): true, lang.L("Close"): true, lang.L("No"): true, lang.L("OK"): true}
	var found *widget.Button
	var look func(o fyne.CanvasObject)
	look = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() || found != nil {
			return
		}
		switch x := o.(type) {
		case *widget.Button:
			if dismiss[x.Text] && !x.Disabled() {
				found = x
			}
		case *fyne.Container:
			for _, child := range x.Objects {
				look(child)
			}
		case *widget.PopUp: // a dialog's window
			look(x.Content)
		}
	}
	look(top)
	if w, ok := top.(fyne.Widget); ok && found == nil {
		// A wrapper of the toolkit's own (a file dialog's): look at what it wraps. Its renderer
		// lists the same objects the drawn one does.
		for _, child := range w.CreateRenderer().Objects() {
			look(child)
		}
	}
	if found != nil {
		press(found)
		return
	}
	top.Hide()
}

// shortcutScreen is the screen shown, when it answers shortcuts.
func (m *App) shortcutScreen() shortcutScreen {
	screens := map[Screen]any{ScreenDashboard: m.Dashboard, ScreenInvoices: m.Invoices, ScreenTreasury: m.Treasury,
		ScreenProducts: m.Products, ScreenStock: m.Stock, ScreenMaster: m.Master, ScreenMapping: m.Mapping,
		ScreenSyncLog: m.SyncLog, ScreenConnections: m.Connections, ScreenSettings: m.Settings}
	s, _ := screens[m.Current].(shortcutScreen)
	return s
}

// press taps a button as a click does, unless it is hidden or disabled.
func press(b *widget.Button) {
	if b != nil && b.Visible() && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}

func (s *InvoicesScreen) searchEntry() *widget.Entry {
	if s.ShowingList() {
		return s.Search
	}
	return nil
}

func (s *InvoicesScreen) exportButton() *widget.Button {
	if s.ShowingList() {
		return s.Export
	}
	return nil
}

func (s *InvoicesScreen) printButton() *widget.Button {
	if s.ShowingList() {
		return nil
	}
	return s.View.Print
}

func (s *StockScreen) searchEntry() *widget.Entry   { return s.Search }
func (s *StockScreen) exportButton() *widget.Button { return s.Export }
func (s *StockScreen) printButton() *widget.Button  { return s.Print }

func (s *TreasuryScreen) searchEntry() *widget.Entry   { return nil }
func (s *TreasuryScreen) exportButton() *widget.Button { return s.Export }
func (s *TreasuryScreen) printButton() *widget.Button  { return nil }

func (s *ProductsScreen) searchEntry() *widget.Entry   { return s.Search }
func (s *ProductsScreen) exportButton() *widget.Button { return nil }
func (s *ProductsScreen) printButton() *widget.Button  { return nil }

func (s *MasterScreen) searchEntry() *widget.Entry   { return s.ClientSearch }
func (s *MasterScreen) exportButton() *widget.Button { return nil }
func (s *MasterScreen) printButton() *widget.Button  { return nil }

func (s *MappingScreen) searchEntry() *widget.Entry   { return s.Search }
func (s *MappingScreen) exportButton() *widget.Button { return nil }
func (s *MappingScreen) printButton() *widget.Button  { return nil }

func (s *SyncLogScreen) searchEntry() *widget.Entry   { return s.Search }
func (s *SyncLogScreen) exportButton() *widget.Button { return nil }
func (s *SyncLogScreen) printButton() *widget.Button  { return nil }
