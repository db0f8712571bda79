package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// columns lays its objects out side by side with fixed widths; the flex column (if any) also takes
// the width left over. It keeps a header and the rows under it aligned.
//
// In a right-to-left language the first column is at the right and each cell's text starts at
// its right edge (see mirrorLayout): a list's rows are made inside the list, where the window's
// mirroring does not reach.
type columns struct {
	widths []float32
	flex   int // index of the column that stretches; -1 for none
}

func (c *columns) pad() float32 { return theme.Padding() }

func (c *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		if i < len(c.widths) {
			w += c.widths[i]
		}
		if i > 0 {
			w += c.pad()
		}
		if m := o.MinSize().Height; m > h {
			h = m
		}
	}
	return fyne.NewSize(w, h)
}

func (c *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	extra := size.Width - c.MinSize(objs).Width
	if extra < 0 {
		extra = 0
	}
	rtl := rightToLeft()
	x := float32(0)
	for i, o := range objs {
		if i >= len(c.widths) {
			o.Hide()
			continue
		}
		w := c.widths[i]
		if i == c.flex {
			w += extra
		}
		if rtl {
			mirrorObject(o)
			o.Move(fyne.NewPos(size.Width-x-w, 0))
		} else {
			o.Move(fyne.NewPos(x, 0))
		}
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + c.pad()
	}
}

// scrollToTop scrolls a list or table back to its first row. One that has never been laid out
// (its screen not shown yet) has no scroller to move, and is at its top anyway.
func scrollToTop(l interface {
	Size() fyne.Size
	ScrollToTop()
}) {
	if l.Size().Height > 0 {
		l.ScrollToTop()
	}
}
