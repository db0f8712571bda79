package ui

import (
	"context"
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

// typeShortcut presses a shortcut on the window, as the keyboard does: the window's canvas hands
// it to the handler registered for it. (Fyne's test canvas wraps the canvas that keeps the
// shortcuts without passing TypedShortcut on.)
func typeShortcut(m *App, s *desktop.CustomShortcut) {
	inner := reflect.ValueOf(m.Window.Canvas()).Elem().FieldByName("WindowlessCanvas").Interface()
	inner.(fyne.Shortcutable).TypedShortcut(s)
	m.Idle()
}

// pressEscape presses Esc with no entry focused.
func pressEscape(m *App) {
	m.Window.Canvas().Unfocus()
	m.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	m.Idle()
}

func TestKeyboardShortcuts(t *testing.T) {
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "Tea shop", true)
	e.mem.AddProduct(core.StoreProduct{Name: "Green tea", SKU: "TEA-1", SalePrice: decimal.NewFromInt(10)})
	overlays := func() int { return len(m.Window.Canvas().Overlays().List()) }

	// The window's title names the screen.
	for _, s := range []Screen{ScreenInvoices, ScreenStock, ScreenDashboard} {
		test.Tap(m.Nav[s])
		if want := "Mizan — " + m.titles[s]; m.Window.Title() != want {
			t.Fatalf("on %s the title is %q, want %q", s, m.Window.Title(), want)
		}
	}
	if m.Window.Title() != "Mizan — Dashboard" {
		t.Fatalf("title %q", m.Window.Title())
	}

	// Ctrl+F focuses the search of the screen shown.
	for _, tc := range []struct {
		screen Screen
		entry  func() *widget.Entry
	}{
		{ScreenInvoices, func() *widget.Entry { return m.Invoices.Search }},
		{ScreenProducts, func() *widget.Entry { return m.Products.Search }},
		{ScreenStock, func() *widget.Entry { return m.Stock.Search }},
		{ScreenMaster, func() *widget.Entry { return m.Master.ClientSearch }},
		{ScreenMapping, func() *widget.Entry { return m.Mapping.Search }},
		{ScreenSyncLog, func() *widget.Entry { return m.SyncLog.Search }},
	} {
		test.Tap(m.Nav[tc.screen])
		m.Window.Canvas().Unfocus()
		typeShortcut(m, keySearch)
		if m.Window.Canvas().Focused() != tc.entry() {
			t.Fatalf("Ctrl+F on %s focused %T", tc.screen, m.Window.Canvas().Focused())
		}
	}
	// On a screen with no search it does nothing.
	test.Tap(m.Nav[ScreenSettings])
	m.Window.Canvas().Unfocus()
	typeShortcut(m, keySearch)
	if f := m.Window.Canvas().Focused(); f != nil {
		t.Fatalf("Ctrl+F on Settings focused %T", f)
	}

	// Ctrl+R syncs every store, from any screen, and stays there.
	test.Tap(m.Nav[ScreenInvoices])
	typeShortcut(m, keySync)
	runs, _ := e.eng.Runs(context.Background(), c.ID, 0)
	if len(runs) != 1 || runs[0].Trigger != core.TriggerManual || runs[0].Counts.ProductsCreated != 1 {
		t.Fatalf("after Ctrl+R the store has runs %+v", runs)
	}
	if m.Current != ScreenInvoices {
		t.Fatalf("Ctrl+R moved to %s", m.Current)
	}

	// Ctrl+E opens the export of the screen shown: the invoices' save dialog.
	before := overlays()
	typeShortcut(m, keyExport)
	if overlays() != before+1 {
		t.Fatalf("Ctrl+E on the invoices: %d overlays, want %d", overlays(), before+1)
	}
	// Esc closes it.
	pressEscape(m)
	if overlays() != before {
		t.Fatalf("Esc left %d overlays, want %d", overlays(), before)
	}
	// On the stock documents, with no document chosen, the export is off: Ctrl+E does nothing.
	test.Tap(m.Nav[ScreenStock])
	typeShortcut(m, keyExport)
	if overlays() != before {
		t.Fatal("Ctrl+E exported with no stock document chosen")
	}

	// Ctrl+N opens the new product's form; Esc closes it as Cancel does, so Ctrl+N opens it again.
	typeShortcut(m, keyNew)
	if m.Current != ScreenProducts || m.Products.Form == nil || overlays() != before+1 {
		t.Fatalf("Ctrl+N: screen %s, form %v", m.Current, m.Products.Form != nil)
	}
	pressEscape(m)
	if m.Products.Form != nil || overlays() != before {
		t.Fatalf("Esc on the product form: form still open %v, %d overlays", m.Products.Form != nil, overlays())
	}
	typeShortcut(m, keyNew)
	if m.Products.Form == nil {
		t.Fatal("Ctrl+N after Esc opened no form")
	}
	pressEscape(m)

	// Esc answers a question No.
	test.Tap(m.Nav[ScreenConnections])
	m.Idle()
	test.Tap(m.Connections.Rows[c.ID].Remove)
	if overlays() != before+1 {
		t.Fatal("Remove asked nothing")
	}
	pressEscape(m)
	if conns, _ := e.eng.Connections(context.Background()); len(conns) != 1 || overlays() != before {
		t.Fatalf("Esc on the question: %d connections, %d overlays", len(conns), overlays())
	}
}

// pressKey presses a key on the window as the keyboard does: the widget with the keyboard gets
// it, or the window's canvas when none has it.
func pressKey(m *App, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	c := m.Window.Canvas()
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
	m.Idle()
}

// Esc closes a form's dialog while one of its entries has the keyboard, as its Cancel does; other
// keys still edit the entry.
func TestEscapeClosesFormFromEntry(t *testing.T) {
	m, _ := openApp(t, seededDir(t, 3))
	c := m.Window.Canvas()
	overlays := func() int { return len(c.Overlays().List()) }
	for _, tc := range []struct {
		name  string
		open  func() fyne.Focusable // opens the form and says which entry to type into
		close func() bool           // whether the form is closed as Cancel closes it
	}{
		{"product", func() fyne.Focusable { m.Products.OpenProductForm(0); return m.Products.Form.Name },
			func() bool { return m.Products.Form == nil }},
		{"product's category", func() fyne.Focusable { m.Products.OpenProductForm(0); return m.Products.Form.Category },
			func() bool { return m.Products.Form == nil }},
		{"client", func() fyne.Focusable { m.Master.openForm(formClient, 0); return m.Master.Form.Phone },
			func() bool { return m.Master.Form == nil }},
		{"warehouse", func() fyne.Focusable { m.Master.openForm(formWarehouse, 0); return m.Master.Form.Name },
			func() bool { return m.Master.Form == nil }},
		{"stock document's line", func() fyne.Focusable {
			m.Stock.OpenForm(storage.StockDocKinds[0])
			return m.Stock.Form.Lines[0].Quantity
		}, func() bool { return m.Stock.Form == nil }},
		{"stock document's product", func() fyne.Focusable {
			m.Stock.OpenForm(storage.StockDocKinds[0])
			return m.Stock.Form.Lines[0].Product
		}, func() bool { return m.Stock.Form == nil }},
		{"treasury account", func() fyne.Focusable {
			m.Treasury.accountForm(storage.TreasuryAccount{Kind: storage.AccountBank})
			m.Idle()
			for _, p := range walk(c.Overlays().Top(), fyne.Position{}, nil) {
				if e, ok := p.obj.(*FormEntry); ok {
					return e // the name
				}
			}
			t.Fatal("no entry on the account form")
			return nil
		}, func() bool { return true }},
		{"connection's new client", func() fyne.Focusable {
			test.Tap(m.Nav[ScreenConnections])
			m.Connections.Add()
			m.Idle()
			test.Tap(m.Connections.Form.NewClient)
			return m.Connections.Form.Quick.Email
		}, func() bool { return true }},
	} {
		before := overlays()
		e := tc.open()
		m.Idle()
		if overlays() != before+1 {
			t.Fatalf("%s: no dialog opened", tc.name)
		}
		c.Focus(e)
		test.Type(e, "0501")
		pressKey(m, fyne.KeyBackspace)
		var text string
		switch e := e.(type) {
		case *FormEntry:
			text = e.Text
		case *FormSelectEntry:
			text = e.Text
		}
		if text != "050" || c.Focused() != e {
			t.Fatalf("%s: Backspace in the entry left %q (focused %T)", tc.name, text, c.Focused())
		}
		pressKey(m, fyne.KeyEscape)
		if !tc.close() || overlays() != before {
			t.Errorf("%s: Esc in the entry left the form open %v, %d dialogs", tc.name, !tc.close(), overlays()-before)
		}
	}
}

// textOf is the text a widget shows, if any.
func textOf(o any) string {
	switch x := o.(type) {
	case *FormButton:
		return x.Text
	case *widget.Button:
		return x.Text
	case *FormEntry:
		return x.Text
	}
	return ""
}

// focusablesIn lists what can take the keyboard in o, in the order Tab reaches it.
func focusablesIn(o fyne.CanvasObject) []fyne.Focusable {
	var out []fyne.Focusable
	for _, p := range walk(o, fyne.Position{}, nil) {
		if d, ok := p.obj.(fyne.Disableable); ok && d.Disabled() {
			continue
		}
		if f, ok := p.obj.(fyne.Focusable); ok {
			out = append(out, f)
		}
	}
	return out
}

// Esc closes a dialog whichever of its widgets has the keyboard, as the driver delivers it: to the
// focused widget alone. Every widget that can take the keyboard in each dialog of the window is
// tried in turn, the dialog opened afresh for each.
func TestEscapeClosesDialogFromAnyWidget(t *testing.T) {
	m, _ := openApp(t, seededDir(t, 3))
	c := m.Window.Canvas()
	overlays := func() int { return len(c.Overlays().List()) }
	stockForm := func() { m.Stock.OpenForm(storage.StockDocKinds[0]) }
	tried := map[string]int{}
	var answer *bool
	for _, d := range []struct {
		name   string
		open   func()
		closed func() bool // whether the dialog is closed as its Cancel closes it
		under  int         // dialogs under it, which stay open
	}{
		{"product", func() { m.Products.OpenProductForm(0) }, func() bool { return m.Products.Form == nil }, 0},
		{"stock document", stockForm, func() bool { return m.Stock.Form == nil }, 0},
		{"stock document's calendar", func() {
			stockForm()
			m.Idle()
			test.Tap(m.Stock.Form.DatePick.Button)
		}, func() bool { return m.Stock.Form.DatePick.Calendar == nil }, 1},
		{"client", func() { m.Master.openForm(formClient, 0) }, func() bool { return m.Master.Form == nil }, 0},
		{"warehouse", func() { m.Master.openForm(formWarehouse, 0) }, func() bool { return m.Master.Form == nil }, 0},
		{"treasury account", func() { m.Treasury.accountForm(storage.TreasuryAccount{Kind: storage.AccountBank}) },
			func() bool { return true }, 0},
		{"payment methods", func() { m.Treasury.ShowMethods(0) }, func() bool { return true }, 0},
		{"connection's new client", func() {
			test.Tap(m.Nav[ScreenConnections])
			m.Connections.Add()
			m.Idle()
			test.Tap(m.Connections.Form.NewClient)
		}, func() bool { return m.Connections.Form.Quick == nil }, 0},
		{"question", func() {
			answer = nil
			showConfirm("Remove Tea shop?", "Its invoices stay in the books.", func(yes bool) { answer = &yes }, m.Window)
		}, func() bool { return answer != nil && !*answer }, 0},
		{"information", func() { showInformation("Export finished", "Saved invoices.csv", m.Window) },
			func() bool { return true }, 0},
	} {
		for k := 0; ; k++ {
			before := overlays() + d.under
			d.open()
			m.Idle()
			if overlays() != before+1 {
				t.Fatalf("%s: no dialog opened", d.name)
			}
			widgets := focusablesIn(c.Overlays().Top())
			if k == 0 && len(widgets) == 0 {
				t.Fatalf("%s: %d widgets take the keyboard", d.name, len(widgets))
			}
			if k == len(widgets) {
				pressEscape(m)
				if overlays() != before {
					t.Errorf("%s: Esc with nothing focused left %d overlays more", d.name, overlays()-before)
				}
				for overlays() > before-d.under {
					c.Overlays().Top().Hide()
					c.Overlays().Remove(c.Overlays().Top())
				}
				break
			}
			w := widgets[k]
			c.Focus(w)
			if c.Focused() != w {
				t.Fatalf("%s: the %T would not take the keyboard", d.name, w)
			}
			pressKey(m, fyne.KeyEscape)
			tried[reflect.TypeOf(w).String()]++
			if !d.closed() || overlays() != before {
				t.Errorf("%s: Esc with the %T %q focused left the dialog open (%d overlays more)", d.name, w, textOf(w), overlays()-before)
			}
			for overlays() > before-d.under { // the dialogs under it, or one left open
				c.Overlays().Top().Hide()
				c.Overlays().Remove(c.Overlays().Top())
			}
			m.Stock.Form, m.Master.Form = nil, nil
		}
	}
	for _, kind := range []string{"*ui.FormEntry", "*ui.FormSelectEntry", "*ui.FormButton", "*ui.FormSelect"} {
		if tried[kind] == 0 {
			t.Errorf("no %s tried; tried %v", kind, tried)
		}
	}
}

// With a dialog's widget focused, the keys other than Esc do what they did: Space presses a button
// or a radio button, an arrow moves a select on, a digit is typed into the date.
func TestKeysOtherThanEscapeInDialogs(t *testing.T) {
	m, _ := openApp(t, seededDir(t, 3))
	c := m.Window.Canvas()
	m.Stock.OpenForm(storage.StockDocKinds[0])
	m.Idle()
	f := m.Stock.Form
	c.Focus(f.AddLine)
	pressKey(m, fyne.KeySpace)
	if len(f.Lines) != 2 {
		t.Errorf("Space on Add a product: %d lines", len(f.Lines))
	}
	c.Focus(f.Kind)
	pressKey(m, fyne.KeyRight)
	if f.Kind.SelectedIndex() != 1 {
		t.Errorf("→ on the kind chose option %d", f.Kind.SelectedIndex())
	}
	c.Focus(f.Date)
	f.Date.SetText("")
	test.Type(f.Date, "2026")
	if f.Date.Text != "2026" {
		t.Errorf("typed into the date: %q", f.Date.Text)
	}
	pressEscape(m)

	m.Treasury.accountForm(storage.TreasuryAccount{Kind: storage.AccountBank})
	m.Idle()
	var kind *FormRadioGroup
	for _, p := range walk(c.Overlays().Top(), fyne.Position{}, nil) {
		if g, ok := p.obj.(*FormRadioGroup); ok {
			kind = g
		}
	}
	if kind == nil || len(kind.Items) != 2 {
		t.Fatal("no Bank/Cash choice on the account form")
	}
	c.Focus(kind.Items[1])
	pressKey(m, fyne.KeySpace)
	if kind.Selected != tr("treasury.kind_cash", "Cash") {
		t.Errorf("Space on Cash chose %q", kind.Selected)
	}
	pressKey(m, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Error("Esc on the Cash choice left the account form open")
	}
}

// A question and a message read their buttons in the window's language (the toolkit has no
// Arabic for Yes, No and OK), and Esc answers No.
func TestQuestionButtonsInArabic(t *testing.T) {
	inLanguage(t, "ar")
	m, _ := openApp(t, seededDir(t, 3))
	var answer *bool
	showConfirm("؟", "?", func(yes bool) { answer = &yes }, m.Window)
	m.Idle()
	top := m.Window.Canvas().Overlays().Top()
	if !hasText(top, "نعم") || !hasText(top, "لا") {
		t.Fatalf("the question shows %q", texts(top))
	}
	pressEscape(m)
	if answer == nil || *answer {
		t.Fatalf("Esc answered %v", answer)
	}
	showInformation("!", "!", m.Window)
	m.Idle()
	if top := m.Window.Canvas().Overlays().Top(); !hasText(top, "حسنًا") {
		t.Fatalf("the message shows %q", texts(top))
	}
	pressEscape(m)
	if m.Window.Canvas().Overlays().Top() != nil {
		t.Fatal("Esc left the message open")
	}
}
