package ui

import (
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// drawnLines is the text of each line drawn in o, top to bottom, as the window shows it (see
// drawnText).
func drawnLines(t *testing.T, o fyne.CanvasObject) []string {
	t.Helper()
	var placedTexts []placed
	for _, p := range walk(o, fyne.Position{}, nil) {
		if x, ok := p.obj.(*canvas.Text); ok && strings.TrimSpace(x.Text) != "" {
			placedTexts = append(placedTexts, p)
		}
	}
	sort.SliceStable(placedTexts, func(i, j int) bool { return placedTexts[i].pos.Y < placedTexts[j].pos.Y })
	var lines []string
	for _, p := range placedTexts {
		lines = append(lines, drawnText(t, p.obj.(*canvas.Text).Text))
	}
	return lines
}

// A long line mixing Arabic and English, wrapped in a narrow label of an Arabic window, reads in
// order: its first word is on the first line, at the right end, and its last word on the last
// line, at the left end; each line reads from the right with its English words left to right.
func TestWrappedMixedLineReadsInOrder(t *testing.T) {
	inLanguage(t, "ar")
	const text = "استلم المستودع الرئيسي من متجر Oud House Riyadh عشرين قطعة من Men's thobe 4 - S صباح أمس"
	for _, c := range []struct {
		name string
		make func(string) fyne.CanvasObject
	}{
		{"wrapping label", func(s string) fyne.CanvasObject { return NewWrapLabel(s) }},
		{"invoice value", func(s string) fyne.CanvasObject { return valueLabel(s) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := c.make(text)
			w := test.NewWindow(o)
			defer w.Close()
			w.Resize(fyne.NewSize(240, 400))
			w.Canvas().Refresh(o)
			lines := drawnLines(t, o)
			if len(lines) < 3 {
				t.Fatalf("the text was not wrapped: %q", lines)
			}
			first, last := strings.TrimSpace(lines[0]), strings.TrimSpace(lines[len(lines)-1])
			if !strings.HasSuffix(first, rtl("استلم")) {
				t.Errorf("the first line does not end (at its right) with the first word: %q", first)
			}
			if !strings.HasPrefix(last, rtl("أمس")) {
				t.Errorf("the last line does not start (at its left) with the last word: %q", last)
			}
			joined := strings.Join(lines, "\n")
			for _, word := range []string{"Oud", "Riyadh", "Men's", "thobe"} {
				if strings.Count(joined, word) != 1 {
					t.Errorf("%q is drawn %d times in %q", word, strings.Count(joined, word), lines)
				}
			}
			for _, p := range walk(o, fyne.Position{}, nil) {
				if x, ok := p.obj.(*canvas.Text); ok && x.MinSize().Width > o.Size().Width {
					t.Errorf("the line %q is %v wide, the label %v", x.Text, x.MinSize().Width, o.Size().Width)
				}
			}
		})
	}
}

// Breaking keeps words whole and the text as written; a word wider than the width has a line of
// its own; no width leaves a paragraph whole.
func TestBreakLine(t *testing.T) {
	measure := func(s string) float32 { return float32(len([]rune(s))) }
	for _, c := range []struct {
		in    string
		width float32
		want  []string
	}{
		{"one two three", 7, []string{"one two", "three"}},
		{"one two three", 0, []string{"one two three"}},
		{"a verylongword b", 4, []string{"a", "verylongword", "b"}},
		{"short", 10, []string{"short"}},
		{"", 10, []string{""}},
	} {
		if got := breakLine(c.in, c.width, measure); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("breakLine(%q, %v) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}
