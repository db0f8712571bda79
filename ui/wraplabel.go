package ui

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// WrapLabel is a label whose text, which may mix right-to-left and left-to-right words, is
// wrapped to its width in reading order. A widget.Label wraps the text it is given: text visual
// has put in reading order as one line is then cut from the left, so in a right-to-left paragraph
// the first words written end up on the last line. WrapLabel keeps the text as written, breaks it
// into lines by words at its width (measured as Fyne measures text), and puts each line in
// reading order on its own, in the direction of the paragraph it belongs to.
type WrapLabel struct {
	widget.BaseWidget
	// Text is in logical order, as written; SetText changes it.
	Text      string
	Alignment fyne.TextAlign
	TextStyle fyne.TextStyle

	// Label draws the lines, each in reading order (tests read it).
	Label *widget.Label
	width float32 // the width the lines were broken for
}

// NewWrapLabel makes a wrapping label for text in logical order.
func NewWrapLabel(text string) *WrapLabel {
	w := &WrapLabel{Text: text, Label: widget.NewLabel("")}
	w.ExtendBaseWidget(w)
	return w
}

// SetText shows other text, in logical order. UI goroutine.
func (w *WrapLabel) SetText(text string) {
	w.Text = text
	w.Refresh() // broken again at the width it has
}

// CreateRenderer is Fyne's; a WrapLabel draws through its Label.
func (w *WrapLabel) CreateRenderer() fyne.WidgetRenderer {
	return &wrapLabelRenderer{w: w}
}

// MinSize is as narrow as a word allows; as tall as the lines the text takes at the width it has.
func (w *WrapLabel) MinSize() fyne.Size {
	w.ExtendBaseWidget(w)
	return w.BaseWidget.MinSize()
}

type wrapLabelRenderer struct{ w *WrapLabel }

func (r *wrapLabelRenderer) Destroy() {}

func (r *wrapLabelRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.w.Label} }

func (r *wrapLabelRenderer) Layout(size fyne.Size) {
	w := r.w
	if size.Width != w.width {
		w.width = size.Width
		r.update()
	}
	w.Label.Resize(size)
}

func (r *wrapLabelRenderer) MinSize() fyne.Size {
	w := r.w
	if w.width <= 0 {
		// Not laid out yet: one line per paragraph, as narrow as its longest word.
		r.update()
	}
	min := w.Label.MinSize()
	inner := w.Theme().Size(theme.SizeNameInnerPadding)
	return fyne.NewSize(fyne.Min(min.Width, r.longestWord()+2*inner), min.Height)
}

func (r *wrapLabelRenderer) Refresh() {
	r.update()
	r.w.Label.Refresh()
}

// textSize is the size of the label's text.
func (r *wrapLabelRenderer) textSize() float32 {
	return r.w.Theme().Size(theme.SizeNameText)
}

// longestWord is the width of the text's widest word.
func (r *wrapLabelRenderer) longestWord() float32 {
	var widest float32
	for _, word := range strings.FieldsFunc(r.w.Text, unicode.IsSpace) {
		widest = max(widest, fyne.MeasureText(word, r.textSize(), r.w.TextStyle).Width)
	}
	return widest
}

// update breaks the text for the label's width and puts each line in reading order.
func (r *wrapLabelRenderer) update() {
	w := r.w
	inner := w.Theme().Size(theme.SizeNameInnerPadding)
	width := w.width - 2*inner
	if w.width <= 0 {
		width = 0 // no width yet: a paragraph is one line
	}
	text := wrapVisual(w.Text, width, func(s string) float32 {
		return fyne.MeasureText(s, r.textSize(), w.TextStyle).Width
	})
	align := w.Alignment
	if rightToLeft() {
		align = flipAlign(align) // a label's text starts at the right in a right-to-left window
	}
	w.Label.Alignment, w.Label.TextStyle, w.Label.Wrapping = align, w.TextStyle, fyne.TextWrapOff
	if w.Label.Text != text {
		w.Label.Text = text
		w.Label.Refresh()
	}
}

// wrapVisual breaks each paragraph (line of text) of s into lines no wider than width (measured by
// measure; a word wider than that has a line of its own), and puts each line in reading order in
// its paragraph's direction. A width of zero or less leaves each paragraph whole.
func wrapVisual(s string, width float32, measure func(string) float32) string {
	uiRTL := rightToLeft()
	var out []string
	for _, para := range strings.Split(s, "\n") {
		rtlPara := paragraphRTL([]rune(para), uiRTL)
		for _, line := range breakLine(para, width, measure) {
			out = append(out, visualLine(line, rtlPara))
		}
	}
	return strings.Join(out, "\n")
}

// breakLine breaks one paragraph, in logical order, into lines that fit width, at spaces.
func breakLine(para string, width float32, measure func(string) float32) []string {
	if width <= 0 || measure(para) <= width {
		return []string{para}
	}
	var lines []string
	cur := ""
	for _, word := range strings.Fields(para) {
		next := word
		if cur != "" {
			next = cur + " " + word
		}
		if cur != "" && measure(next) > width {
			lines = append(lines, cur)
			next = word
		}
		cur = next
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}
