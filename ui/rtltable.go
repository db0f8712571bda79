package ui

import (
	"weak"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A table makes its cells itself, where the window's mirroring does not reach, and Fyne lays its
// columns out from the left. Every table of the window is therefore made by newTable, its columns
// given their widths by setColumnWidths, and it is put on its screen through tableView. In a
// right-to-left language tableView shows the columns in reverse order: the table's visual column i
// is its screen's column n-1-i, so the first column is at the right; the cells and the header are
// filled, and selections reported, in the screen's own columns, and a label's text starts at its
// right edge. The widths the screen sets are the widths of all the columns, so the table is given
// just their width and set against the right edge of its room; a table wider than its room starts
// scrolled to its right edge, where its first column is, and so again (at its first row) when its
// room's width or its columns change. Text itself is not mirrored: numbers and
// dates read left to right as always.
//
// A column resized by dragging its header's edge keeps its new width, but the table's room is
// still measured with the width the screen set.

// newTable is a table with a row of column headers and no header column.
func newTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *widget.Table {
	t := widget.NewTableWithHeaders(length, create, update)
	t.ShowHeaderColumn = false
	return t
}

// tableState is what the window keeps about a table in a right-to-left language: the widths of
// its columns in the screen's order, and where it is shown. It refers to neither strongly, so it
// goes with the table (see setMark).
type tableState struct {
	widths []float32
	box    weak.Pointer[fyne.Container]
}

// stateOf is t's tableState, made on first use.
func stateOf(t *widget.Table) *tableState {
	if v, ok := markOf(t); ok {
		return v.(*tableState)
	}
	st := &tableState{}
	setMark(t, st)
	return st
}

// setColumnWidths gives t's columns their widths, in the screen's order of the columns: one for
// each column.
func setColumnWidths(t *widget.Table, widths ...float32) {
	if !rightToLeft() {
		for i, w := range widths {
			t.SetColumnWidth(i, w)
		}
		return
	}
	st := stateOf(t)
	st.widths = append(st.widths[:0], widths...)
	for i, w := range widths {
		t.SetColumnWidth(len(widths)-1-i, w)
	}
	if box := st.box.Value(); box != nil {
		box.Refresh()
	}
}

// tableView is what shows t on its screen: t itself, or in a right-to-left language t with its
// columns in reverse order, set against the right edge. Call it once, when t's callbacks are set.
func tableView(t *widget.Table) fyne.CanvasObject {
	if !rightToLeft() {
		return t
	}
	st := stateOf(t)
	// logical turns the table's visual column into the screen's.
	logical := func(id widget.TableCellID) widget.TableCellID {
		if id.Col >= 0 {
			_, n := t.Length()
			id.Col = n - 1 - id.Col
		}
		return id
	}
	if update := t.UpdateCell; update != nil {
		t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
			unflipCell(o)
			update(logical(id), o)
			flipCell(o)
		}
	}
	if update := t.UpdateHeader; update != nil {
		t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
			unflipCell(o)
			update(logical(id), o)
			flipCell(o)
		}
	}
	if f := t.OnSelected; f != nil {
		t.OnSelected = func(id widget.TableCellID) { f(logical(id)) }
	}
	if f := t.OnUnselected; f != nil {
		t.OnUnselected = func(id widget.TableCellID) { f(logical(id)) }
	}
	box := &fyne.Container{Layout: &tableLayout{st: st}, Objects: []fyne.CanvasObject{t}}
	st.box = weak.Make(box)
	return box
}

// unflipCell gives a cell's label back the alignment its screen gave it, where the screen's
// update may leave it as it is.
func unflipCell(o fyne.CanvasObject) {
	if l, ok := o.(*widget.Label); ok {
		if a, ok := markOf(l); ok && a == int(l.Alignment) {
			l.Alignment = flipAlign(l.Alignment)
		}
	}
}

// flipCell aligns a cell's label to the other side of what its screen set.
func flipCell(o fyne.CanvasObject) {
	switch o := o.(type) {
	case *widget.Label:
		a := flipAlign(o.Alignment)
		setMark(o, int(a))
		if a != o.Alignment {
			o.Alignment = a
			o.Refresh()
		}
	case *fyne.Container:
		mirrorObject(o)
	}
}

// tableLayout lays a table out against the right edge of its room, as wide as its columns (or
// the room, when they are wider: then it starts scrolled to their right edge).
type tableLayout struct {
	st            *tableState
	room, columns float32 // as last laid out
}

func (l *tableLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

func (l *tableLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	t := objs[0].(*widget.Table)
	w := size.Width
	c, known := l.width(t)
	if known && c < w {
		w = c
	}
	t.Move(fyne.NewPos(size.Width-w, 0))
	t.Resize(fyne.NewSize(w, size.Height))
	if c != l.columns || size.Width != l.room {
		// The table starts again at its first column and row. (ScrollToTrailing would keep the
		// row, but leaves the cells where they were drawn until the table is scrolled.)
		var x float32
		if known && c > size.Width {
			x = c - size.Width
		}
		t.ScrollToOffset(fyne.NewPos(x, 0))
	}
	l.room, l.columns = size.Width, c
}

// width is the width of t's columns with the space between them, when each has its width set.
func (l *tableLayout) width(t *widget.Table) (float32, bool) {
	_, n := t.Length()
	if n == 0 || len(l.st.widths) < n {
		return 0, false
	}
	var w float32
	for _, cw := range l.st.widths[:n] {
		w += cw
	}
	return w + float32(n-1)*t.Theme().Size(theme.SizeNamePadding), true
}
