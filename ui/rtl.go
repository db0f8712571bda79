package ui

import (
	"runtime"
	"sync"
	"weak"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mizan/storage"
)

// Fyne lays everything out left to right. In a right-to-left language the window is mirrored
// here, once, rather than screen by screen: the layout of the window's content is wrapped in
// mirrorLayout, which lays its objects out as the wrapped layout would and then reflects them
// across the container's width, and wraps the layouts of the containers it lays out in turn, so a
// screen built or changed later is mirrored when it is first laid out. Navigation then sits on the
// right, a form's labels to the right of their values, a toolbar's buttons from the right, and a
// label's text starts at its right edge. Text itself is not mirrored: visual puts mixed text in
// reading order, and numbers, dates, codes and amounts read left to right as always.
//
// The rows and headers built on columns mirror themselves, a list's rows are mirrored as the list
// fills them (they are made inside the list, where the window's layout does not reach), and a
// table's columns are put in reverse order by tableView (rtltable.go). A bar of tabs (Tabs) is a
// row like any other: its first tab is at the right edge.

// rightToLeft reports whether the window's language is written right to left. It follows the
// language the translations were chosen in, so it needs no state of its own.
func rightToLeft() bool {
	return lang.X("language.direction", "ltr") == "rtl"
}

// FirstNames are the names the first branch, warehouse and client of new books take: in the
// language the window is shown in.
func FirstNames() storage.FirstNames {
	setupTranslations()
	return storage.DefaultNames(lang.X("language.code", "en"))
}

// mirrorContent makes a container lay out right to left, with everything in it, when the
// window's language is written right to left. It returns the container.
func mirrorContent(c *fyne.Container) *fyne.Container {
	if rightToLeft() {
		mirror(c)
	}
	return c
}

// mirrorDialog is mirrorContent for what a dialog shows: a dialog is drawn above the window's
// content, where the window's mirroring does not reach.
func mirrorDialog(o fyne.CanvasObject) fyne.CanvasObject {
	if !rightToLeft() {
		return o
	}
	c, ok := o.(*fyne.Container)
	if !ok {
		c = container.NewStack(o)
	}
	mirror(c)
	return c
}

// mirror wraps the layout of c in a mirrorLayout (once), unless it mirrors itself. It reports
// whether it wrapped it.
func mirror(c *fyne.Container) bool {
	switch c.Layout.(type) {
	case nil, *mirrorLayout, *columns, *tableLayout:
		return false
	}
	c.Layout = &mirrorLayout{inner: c.Layout}
	return true
}

// mirrorLayout is a layout reflected across its container's width.
type mirrorLayout struct {
	inner fyne.Layout
}

func (m *mirrorLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return m.inner.MinSize(objs) }

func (m *mirrorLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	// What is inside is mirrored before it is sized, so it is first drawn mirrored.
	for _, o := range objs {
		mirrorObject(o)
	}
	m.inner.Layout(objs, size)
	for _, o := range objs {
		p := o.Position()
		o.Move(fyne.NewPos(size.Width-p.X-o.Size().Width, p.Y))
	}
}

// mirrorObject mirrors what is inside o: a container's layout, a scroller's or card's content,
// a bar of tabs with their content; and it aligns a label's, button's or text's contents to the
// other side.
func mirrorObject(o fyne.CanvasObject) {
	switch o := o.(type) {
	case *fyne.Container:
		if mirror(o) {
			o.Layout.Layout(o.Objects, o.Size())
		}
	case *container.Scroll:
		if o.Content != nil {
			mirrorObject(o.Content)
		}
	case *widget.Card:
		if o.Content != nil {
			mirrorObject(o.Content)
		}
	case *container.Split:
		mirrorObject(o.Leading)
		mirrorObject(o.Trailing)
	case *Tabs:
		mirrorObject(o.root)
	case *widget.List:
		// A list makes its rows itself: each is mirrored as the list fills it.
		if _, ok := markOf(o); ok || o.UpdateItem == nil {
			return
		}
		setMark(o, true)
		update := o.UpdateItem
		o.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
			mirrorObject(item)
			update(id, item)
		}
		o.Refresh()
	case *widget.Label:
		if flipOnce(o, &o.Alignment) {
			o.Refresh()
		}
	case *canvas.Text:
		if flipOnce(o, &o.Alignment) {
			o.Refresh()
		}
	case *widget.Button:
		mirrorButton(o)
	case *FormButton:
		mirrorButton(&o.Button)
	case *FormRadioGroup:
		mirrorObject(o.box)
	}
}

// mirrorButton puts a button's icon after its text and its text at the other side, once.
func mirrorButton(o *widget.Button) {
	if a, ok := markOf(o); ok && a == int(o.Alignment) {
		return
	}
	switch o.Alignment {
	case widget.ButtonAlignLeading:
		o.Alignment = widget.ButtonAlignTrailing
	case widget.ButtonAlignTrailing:
		o.Alignment = widget.ButtonAlignLeading
	}
	if o.IconPlacement == widget.ButtonIconLeadingText {
		o.IconPlacement = widget.ButtonIconTrailingText
	} else {
		o.IconPlacement = widget.ButtonIconLeadingText
	}
	setMark(o, int(o.Alignment))
	o.Refresh()
}

// flipOnce aligns the text of o (whose alignment a is) to the other side, unless it was flipped
// here already and the screen has not set another alignment since. It reports whether it flipped.
func flipOnce[T any](o *T, a *fyne.TextAlign) bool {
	if m, ok := markOf(o); ok && m == int(*a) {
		return false
	}
	*a = flipAlign(*a)
	setMark(o, int(*a))
	return true
}

// Mirroring keeps a mark on some objects: the alignment it gave a label, button or text (so that
// each is flipped once, and again only when the screen sets another alignment), that a list's rows
// are mirrored as it fills them, a table's columns. A mark lives as long as its object: it is kept
// under a weak pointer and goes when the object is collected, so a screen that replaces what it
// shows leaves nothing behind, and an object taken out and put back is not flipped twice. A mark's
// value never refers to its object, which would keep it alive.
var marks = struct {
	sync.Mutex
	m map[any]any
}{m: map[any]any{}}

// markOf is the mark on o.
func markOf[T any](o *T) (any, bool) {
	marks.Lock()
	defer marks.Unlock()
	v, ok := marks.m[weak.Make(o)]
	return v, ok
}

// setMark marks o with v until o is collected.
func setMark[T any](o *T, v any) {
	k := weak.Make(o)
	marks.Lock()
	_, had := marks.m[k]
	marks.m[k] = v
	marks.Unlock()
	if !had {
		runtime.AddCleanup(o, forgetMark[T], k)
	}
}

// forgetMark drops the mark of an object that was collected.
func forgetMark[T any](k weak.Pointer[T]) {
	marks.Lock()
	delete(marks.m, k)
	marks.Unlock()
}

// markCount is how many objects carry a mark.
func markCount() int {
	marks.Lock()
	defer marks.Unlock()
	return len(marks.m)
}

func flipAlign(a fyne.TextAlign) fyne.TextAlign {
	switch a {
	case fyne.TextAlignLeading:
		return fyne.TextAlignTrailing
	case fyne.TextAlignTrailing:
		return fyne.TextAlignLeading
	}
	return a
}

// Every dialog with content of its own is made by one of the functions below, so that its
// content is mirrored in a right-to-left language (TestDialogsAreMadeMirrored keeps it so).

// newCustomDialog is dialog.NewCustom with its content mirrored, and a dismiss button that
// hands Esc on (FormButton) in place of the toolkit's.
func newCustomDialog(title, dismiss string, content fyne.CanvasObject, w fyne.Window) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, mirrorDialog(content), w)
	d.SetButtons([]fyne.CanvasObject{newFormButton(dismiss, nil, d.Hide)})
	return d
}

// newCustomDialogWithoutButtons is dialog.NewCustomWithoutButtons with its content mirrored.
func newCustomDialogWithoutButtons(title string, content fyne.CanvasObject, w fyne.Window) *dialog.CustomDialog {
	return dialog.NewCustomWithoutButtons(title, mirrorDialog(content), w)
}

// showConfirm asks a question as dialog.ShowConfirm does, No and Yes answering it, with buttons
// of the window's own (FormButton), which hand Esc on: Esc answers No.
func showConfirm(title, message string, callback func(bool), w fyne.Window) {
	var d *dialog.CustomDialog
	answer := func(yes bool) {
		d.Hide()
		if callback != nil {
			callback(yes)
		}
	}
	no := newFormButton(tr("action.no", "No"), theme.CancelIcon(), func() { answer(false) })
	yes := newFormButton(tr("action.yes", "Yes"), theme.ConfirmIcon(), func() { answer(true) })
	yes.Importance = widget.HighImportance
	d = newTextDialog(title, message, theme.QuestionIcon(), w, no, yes)
	d.Show()
}

// showInformation tells something as dialog.ShowInformation does, with an OK button of the
// window's own (FormButton), which hands Esc on.
func showInformation(title, message string, w fyne.Window) {
	var d *dialog.CustomDialog
	ok := newFormButton(tr("action.ok", "OK"), nil, func() { d.Hide() })
	d = newTextDialog(title, message, theme.InfoIcon(), w, ok)
	d.Show()
}

// newTextDialog is a dialog of a message under an icon, sized as the toolkit's text dialogs are:
// as wide as the message on one line, up to 600 or nine tenths of the window.
func newTextDialog(title, message string, icon fyne.Resource, w fyne.Window, buttons ...fyne.CanvasObject) *dialog.CustomDialog {
	text := &widget.Label{Text: message, Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	d := dialog.NewCustomWithoutButtons(title, mirrorDialog(text), w)
	d.SetIcon(icon)
	d.SetButtons(buttons)
	width := min(widget.NewLabel(message).MinSize().Width+6*theme.Padding(), 600, 0.9*w.Canvas().Size().Width)
	// The message is wrapped at that width first, then given as many lines as it needs there.
	d.Resize(fyne.NewSize(width, 0))
	d.Resize(fyne.NewSize(width, d.MinSize().Height))
	return d
}

// newFormDialog is dialog.NewForm built as the window's other forms are: a label and its field in
// a form layout, then Cancel and the confirm button, which is enabled while every field that
// validates is valid. A widget.Form lays its labels out itself, where mirroring does not reach,
// and the toolkit's buttons do nothing with Esc.
func newFormDialog(title, confirm, dismiss string, items []*widget.FormItem, callback func(bool), w fyne.Window) dialog.Dialog {
	grid := container.New(layout.NewFormLayout())
	var validatable []fyne.Validatable
	for _, it := range items {
		grid.Add(keyLabel(it.Text))
		grid.Add(it.Widget)
		if v, ok := it.Widget.(fyne.Validatable); ok {
			validatable = append(validatable, v)
		}
	}
	var d *dialog.CustomDialog
	answer := func(ok bool) {
		d.Hide()
		if callback != nil {
			callback(ok)
		}
	}
	ok := newFormButton(confirm, theme.ConfirmIcon(), func() { answer(true) })
	ok.Importance = widget.HighImportance
	cancel := newFormButton(dismiss, theme.CancelIcon(), func() { answer(false) })
	// Each field's last verdict is kept as it reports it: validating again from its report would
	// report again, without end, while a field is invalid.
	problems := make([]error, len(validatable))
	check := func() {
		for _, err := range problems {
			if err != nil {
				ok.Disable()
				return
			}
		}
		ok.Enable()
	}
	for i, v := range validatable {
		problems[i] = v.Validate()
		v.SetOnValidationChanged(func(err error) {
			problems[i] = err
			check()
		})
	}
	check()
	d = newCustomDialogWithoutButtons(title, container.NewVBox(grid, container.NewGridWithColumns(2, cancel, ok)), w)
	return d
}
