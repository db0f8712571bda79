package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// cellText is what the test table shows in a cell: its row and column, and a negative figure in
// the figures' column.
func cellText(row, col int) string {
	if col == 2 {
		return fmt.Sprintf("-%d.50", row+1)
	}
	return fmt.Sprintf("r%dc%d", row, col)
}

// testTable is a table made as the screens make theirs: a code, a name and a figure (aligned to
// the end), and a fourth column when four is true.
func testTable(rows int, four *bool) (*widget.Table, *[]widget.TableCellID) {
	var selected []widget.TableCellID
	cols := func() int {
		if *four {
			return 4
		}
		return 3
	}
	t := newTable(func() (int, int) { return rows, cols() },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Alignment = fyne.TextAlignLeading
			if id.Col == 2 {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.SetText(cellText(id.Row, id.Col))
		})
	t.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	// Like the clients' header, this one leaves the alignment as it is.
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*widget.Label).SetText(fmt.Sprintf("H%d", id.Col))
	}
	t.OnSelected = func(id widget.TableCellID) { selected = append(selected, id) }
	return t, &selected
}

// labelAt is the label drawn in w showing text, and where it is on the canvas.
func labelAt(t *testing.T, w fyne.Window, text string) (*widget.Label, fyne.Position) {
	t.Helper()
	for _, p := range walk(w.Content(), fyne.Position{}, nil) {
		if l, ok := p.obj.(*widget.Label); ok && l.Text == text {
			return l, p.pos
		}
	}
	t.Fatalf("no label shows %q", text)
	return nil, fyne.Position{}
}

// In Arabic a table's first column is at the right and its columns run right to left; the table
// is as wide as its columns and set against the right edge; text starts at a cell's right edge
// and figures at its left, unmirrored; a tap on a cell reports the screen's own column. In English
// the table is as it was.
func TestTablesAreMirrored(t *testing.T) {
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			rtl := language == "ar"
			test.NewTempApp(t)
			four := false
			tbl, selected := testTable(5, &four)
			setColumnWidths(tbl, 100, 80, 60)
			view := tableView(tbl)
			if (view != fyne.CanvasObject(tbl)) != rtl {
				t.Errorf("the table is shown through %T", view)
			}
			w := test.NewTempWindow(t, container.NewStack(view))
			w.SetPadded(false)
			w.Resize(fyne.NewSize(600, 300))
			test.TapCanvas(w.Canvas(), fyne.NewPos(-1, -1)) // lays the window out
			pad := tbl.Theme().Size("padding")

			x := func(text string) float32 { _, p := labelAt(t, w, text); return p.X }
			if got := x("H0") > x("H1") && x("H1") > x("H2"); got != rtl {
				t.Errorf("the headers run right to left: %v", got)
			}
			if got := x("r0c0") > x("r0c1") && x("r0c1") > x(cellText(0, 2)); got != rtl {
				t.Errorf("a row's cells run right to left: %v", got)
			}
			at := fyne.CurrentApp().Driver().AbsolutePositionForObject(tbl)
			if rtl {
				if want := 100 + 80 + 60 + 2*pad; tbl.Size().Width != want || at.X+tbl.Size().Width != 600 {
					t.Errorf("the table is %v wide from %v; want %v wide to the right edge (600)", tbl.Size().Width, at.X, want)
				}
			} else if at.X != 0 || tbl.Size().Width != 600 {
				t.Errorf("in English the table is %v wide from %v", tbl.Size().Width, at.X)
			}

			// Text starts at the right, figures at the left, and a figure stays "-1.50".
			alignments := func() {
				t.Helper()
				for _, c := range []struct {
					text string
					want fyne.TextAlign
				}{{"r1c0", fyne.TextAlignLeading}, {"r1c1", fyne.TextAlignLeading}, {"-2.50", fyne.TextAlignTrailing}, {"H0", fyne.TextAlignLeading}} {
					want := c.want
					if rtl {
						want = flipAlign(want)
					}
					if l, _ := labelAt(t, w, c.text); l.Alignment != want {
						t.Errorf("%q is aligned %v, want %v", c.text, l.Alignment, want)
					}
				}
			}
			alignments()
			// Filled again (a reload), the cells keep their sides.
			tbl.Refresh()
			tbl.Refresh()
			alignments()

			// A tap on a cell selects the row and column the screen knows.
			for _, c := range []widget.TableCellID{{Row: 3, Col: 0}, {Row: 1, Col: 2}} {
				l, p := labelAt(t, w, cellText(c.Row, c.Col))
				test.TapCanvas(w.Canvas(), p.Add(fyne.NewPos(l.Size().Width/2, l.Size().Height/2)))
				if n := len(*selected); n == 0 || (*selected)[n-1] != c {
					t.Errorf("a tap on %q selected %v", cellText(c.Row, c.Col), *selected)
				}
			}

			// A fourth column (a warehouse added): the cells made for three are used again for
			// other columns, and each takes its own column's side.
			four = true
			setColumnWidths(tbl, 100, 80, 60, 90)
			tbl.Refresh()
			if got := x("r0c0") > x("r0c3"); got != rtl {
				t.Errorf("with four columns the first is right of the fourth: %v", got)
			}
			alignments()
			if rtl && fyne.CurrentApp().Driver().AbsolutePositionForObject(tbl).X+tbl.Size().Width != 600 {
				t.Error("with four columns the table left the right edge")
			}

			// In a room narrower than its columns the table starts at its first column.
			w.Resize(fyne.NewSize(200, 300))
			test.TapCanvas(w.Canvas(), fyne.NewPos(-1, -1))
			for _, text := range []string{"H0", "r0c0"} {
				l, p := labelAt(t, w, text)
				if p.X < 0 || p.X+l.Size().Width > 200 {
					t.Errorf("in a room 200 wide %q is drawn from %v to %v", text, p.X, p.X+l.Size().Width)
				}
			}
		})
	}
}

// Every table of the window is made by newTable and sized by setColumnWidths, so each is
// mirrored in Arabic.
func TestTablesAreMadeMirrored(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	made := regexp.MustCompile(`widget\.NewTable|\.SetColumnWidth\(`)
	for _, f := range files {
		if f == "rtltable.go" || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if made.MatchString(line) {
				t.Errorf("%s:%d makes or sizes a table outside newTable and setColumnWidths: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
