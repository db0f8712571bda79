package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The window's keyboard shortcuts (Ctrl on Linux and Windows, ⌘ on macOS):
//
//	Ctrl+F  search: focus the current screen's search entry
//	Ctrl+R  Sync now: sync every store not syncing yet (the dashboard's Sync all)
//	Ctrl+E  export: the current screen's export
//	Ctrl+P  print: the current screen's print (an invoice, a stock document)
//	Ctrl+N  new product, from any screen
//	Esc     close the dialog on top, also while one of its widgets has the keyboard
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
	// the widgets of the window's dialogs hand it on (FormEntry, FormButton, FormSelect…).
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			closeTopDialog(c)
		}
	})
}

// The widgets of the window's dialogs and forms. Fyne hands a key pressed without Ctrl, Alt or
// Super to the widget that has the keyboard and to nothing else: the window's own handler hears
// Esc only while no widget has it. An entry, button or select does nothing with Esc, so
// each kind a dialog uses is wrapped in a type of its own here that hands Esc on to the window,
// which closes the dialog on top (escapeOr); every other key still goes to the widget. Fyne finds
// the widget with the keyboard in what is drawn, so a dialog must hold the wrapper itself (not the
// widget inside it) in its containers and fields.

// FormEntry is the text entry of the forms shown in dialogs.
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
	// The button that opens the list is a button of the entry's own, which Tab reaches: it hands
	// Esc on too, and opens the list as it did.
	if b, ok := e.ActionItem.(*widget.Button); ok {
		list := newFormButton(b.Text, b.Icon, b.OnTapped)
		list.Importance = b.Importance
		e.ActionItem = list
	}
	return e
}

// TypedKey closes the dialog on top on Esc and gives any other key to the entry.
func (e *FormSelectEntry) TypedKey(key *fyne.KeyEvent) { escapeOr(e, key, e.SelectEntry.TypedKey) }

// newFormPasswordEntry is a FormEntry whose text is hidden, as widget.NewPasswordEntry makes one.
func newFormPasswordEntry() *FormEntry {
	e := newFormEntry()
	e.Password = true
	return e
}

// FormButton is a button of a dialog or form: Space and Enter press it, Esc closes the dialog.
type FormButton struct {
	widget.Button
}

// newFormButton is a FormButton, as widget.NewButtonWithIcon makes one (icon may be nil).
func newFormButton(label string, icon fyne.Resource, tapped func()) *FormButton {
	b := &FormButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey closes the dialog on top on Esc and gives any other key to the button.
func (b *FormButton) TypedKey(key *fyne.KeyEvent) { escapeOr(b, key, b.Button.TypedKey) }

// FormSelect is a dialog's choice from a list: Space and the arrows still open or move it, Esc
// closes the dialog.
type FormSelect struct {
	widget.Select
}

// newFormSelect is a FormSelect, as widget.NewSelect makes one.
func newFormSelect(options []string, changed func(string)) *FormSelect {
	s := &FormSelect{}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s) // an empty PlaceHolder reads as widget.NewSelect's
	return s
}

// TypedKey closes the dialog on top on Esc and gives any other key to the select.
func (s *FormSelect) TypedKey(key *fyne.KeyEvent) { escapeOr(s, key, s.Select.TypedKey) }

// FormRadioGroup is a dialog's choice of one of a few options, in a row. Fyne's RadioGroup makes
// the widgets of its options itself, where no Esc can be handed on; a FormRadioGroup's options
// are FormButtons with a radio mark: a tap, Space or Enter chooses one.
type FormRadioGroup struct {
	widget.BaseWidget
	Options   []string
	Selected  string
	OnChanged func(string) // called when the choice changes, also by SetSelected
	Items     []*FormButton

	box *fyne.Container
}

// newFormRadioGroup offers options in a row, none chosen yet.
func newFormRadioGroup(options []string, changed func(string)) *FormRadioGroup {
	g := &FormRadioGroup{Options: options, OnChanged: changed, box: container.NewHBox()}
	for _, o := range options {
		b := newFormButton(o, theme.RadioButtonIcon(), func() { g.SetSelected(o) })
		b.Importance = widget.LowImportance
		g.Items = append(g.Items, b)
		g.box.Add(b)
	}
	g.ExtendBaseWidget(g)
	return g
}

// CreateRenderer draws the options' row.
func (g *FormRadioGroup) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(g.box)
}

// SetSelected chooses an option and marks it; OnChanged hears of a change.
func (g *FormRadioGroup) SetSelected(option string) {
	if option == g.Selected {
		return
	}
	g.Selected = option
	for i, b := range g.Items {
		if g.Options[i] == option {
			b.SetIcon(theme.RadioButtonCheckedIcon())
		} else {
			b.SetIcon(theme.RadioButtonIcon())
		}
	}
	if g.OnChanged != nil {
		g.OnChanged(option)
	}
}

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

// overlayClosers close the overlays that keep a state of their own (a date picker's calendar),
// by the pop-up shown.
var overlayClosers = map[fyne.CanvasObject]func(){}

// setOverlayCloser has Esc close the pop-up o with close (nil: hide it). UI goroutine.
func setOverlayCloser(o fyne.CanvasObject, close func()) {
	if close == nil {
		delete(overlayClosers, o)
		return
	}
	overlayClosers[o] = close
}

// closeTopDialog closes the dialog on top as its Cancel, Close, No or OK button does, so what the
// dialog does on closing (a form forgetting its edits, a question answered no) still happens.
// An overlay with no such button is hidden, or closed as setOverlayCloser says.
func closeTopDialog(c fyne.Canvas) {
	top := c.Overlays().Top()
	if top == nil {
		return
	}
	dismiss := map[string]bool{tr("action.cancel", "Cancel"): true, tr("action.close", "Close"): true,
		tr("action.no", "No"): true, tr("action.ok", "OK"): true,
		lang.L("Cancel"): true, lang.L("Close"): true, lang.L("No"): true, lang.L("OK"): true}
	var found *widget.Button
	var closer func()
	var look func(o fyne.CanvasObject)
	look = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() || found != nil || closer != nil {
			return
		}
		if f := overlayClosers[o]; f != nil {
			closer = f
			return
		}
		switch x := o.(type) {
		case *widget.Button:
			if dismiss[x.Text] && !x.Disabled() {
				found = x
			}
		case *FormButton:
			if dismiss[x.Text] && !x.Disabled() {
				found = &x.Button
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
	if w, ok := top.(fyne.Widget); ok && found == nil && closer == nil {
		// A wrapper of the toolkit's own (a file dialog's): look at what it wraps. Its renderer
		// lists the same objects the drawn one does.
		for _, child := range w.CreateRenderer().Objects() {
			look(child)
		}
	}
	switch {
	case closer != nil:
		closer()
	case found != nil:
		press(found)
	default:
		top.Hide()
	}
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
