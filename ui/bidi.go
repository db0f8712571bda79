package ui

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/harfbuzz"
	"golang.org/x/text/unicode/bidi"

	"mizan/assets/fonts"
)

// Fyne draws a string as a row of shaped runs placed left to right in the order they are written.
// It cuts the string where the direction changes, where the script changes and where the font
// changes; a right-to-left run is drawn right to left (with its brackets mirrored), but the runs
// themselves are never reordered. Arabic with a number in it ("عسل سدر 500 جم"), with Latin words,
// or with a character the Arabic font lacks (brackets, "#", "—", quotes come from the Latin font)
// then reads in the wrong order: "الاسم القانوني (بالعربية)" is drawn "بالعربية(الاسم القانوني)".
//
// visual reorders a string for that renderer: it resolves the embedding levels of each line with
// the Unicode Bidirectional Algorithm (golang.org/x/text/unicode/bidi; see bidiPieces for the
// paragraph's direction), reorders the level runs as rule L2 says, cuts each right-to-left run
// where Fyne would change font and writes those pieces in reverse, and pins each piece's
// direction with a mark so that Fyne draws it as one run in that direction. Fyne then mirrors the brackets of the right-to-left pieces (rule L4) while shaping
// them, and keeps Arabic joined within each piece.
//
// A string Fyne already draws right (one direction, or a right-to-left run in one font) is
// returned unchanged, so wrapping and editing are not disturbed; so is a string visual already
// reordered (it has direction marks), so the helpers that show text may apply it to text that
// has been through it.
func visual(s string) string {
	if s == "" || !hasRTL(s) {
		return s
	}
	lines := strings.Split(s, "\n")
	changed := false
	uiRTL := rightToLeft()
	for i, line := range lines {
		if v := visualLine(line, paragraphRTL([]rune(line), uiRTL)); v != line {
			lines[i], changed = v, true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(lines, "\n")
}

// visualLine is visual for one line (no line break in it) of a paragraph whose direction is
// given: a line a wrapped paragraph was broken into reads in the paragraph's direction, not as
// its own first letter would say.
func visualLine(line string, rtlPara bool) string {
	if line == "" || !hasRTL(line) || reordered(line) {
		return line
	}
	pieces := bidiPiecesIn(line, rtlPara)
	if len(pieces) < 2 {
		return line
	}
	var b strings.Builder
	for j, p := range pieces {
		if p.rtl && neutralOnly(p.text) {
			// Punctuation alone, such as " (" between a number and a word: Fyne draws such a run
			// reversed but leaves its brackets as they are, so it is written the way it is seen,
			// reversed with its brackets mirrored, and drawn from the left.
			b.WriteRune(lrm)
			b.WriteString(mirrored(p.text))
			b.WriteRune(lrm)
			continue
		}
		if p.rtl {
			if j > 0 && pieces[j-1].rtl && !neutralOnly(pieces[j-1].text) {
				// Two right-to-left pieces side by side would be one run to Fyne, drawn
				// in one go: a left-to-right mark keeps them apart.
				b.WriteRune(lrm)
			}
			b.WriteRune(rlm)
			b.WriteString(p.text)
			b.WriteRune(rlm)
			continue
		}
		b.WriteRune(lrm)
		b.WriteString(p.text)
		b.WriteRune(lrm)
	}
	return b.String()
}

// reordered reports whether a line is visual's work: it starts and ends with a direction mark.
func reordered(line string) bool {
	first, _ := utf8.DecodeRuneInString(line)
	last, _ := utf8.DecodeLastRuneInString(line)
	return (first == lrm || first == rlm) && (last == lrm || last == rlm)
}

const (
	lrm = '\u200e' // left-to-right mark
	rlm = '\u200f' // right-to-left mark
)

// bidiPiece is a stretch of a line drawn as one run in one direction. A right-to-left piece is in
// logical order (Fyne reverses it); pieces come in the order they appear from left to right.
type bidiPiece struct {
	text string
	rtl  bool
}

// bidiPieces returns the runs of one line (no paragraph separator in it) in visual order. The
// line is a right-to-left paragraph when its first strong letter is right to left, or when the
// window's language is written right to left (uiRTL) and the line is mostly right-to-left (see
// mostlyRTL): there a line that starts with a code or a Latin name reads from the right like the
// rest, while an English sentence that only quotes an Arabic name (a store's message, a log line
// not yet translated) still reads from the left.
func bidiPieces(line string, uiRTL bool) []bidiPiece {
	return bidiPiecesIn(line, paragraphRTL([]rune(line), uiRTL))
}

// paragraphRTL reports whether a paragraph reads from the right (see bidiPieces).
func paragraphRTL(runes []rune, uiRTL bool) bool {
	return firstStrongRTL(runes) || (uiRTL && mostlyRTL(runes))
}

// bidiPiecesIn is bidiPieces for a line of a paragraph whose direction is given.
func bidiPiecesIn(line string, rtlPara bool) []bidiPiece {
	runes := []rune(line)
	if len(runes) == 0 {
		return nil
	}
	var p bidi.Paragraph
	var opts []bidi.Option
	if rtlPara {
		opts = append(opts, bidi.DefaultDirection(bidi.RightToLeft))
	}
	if _, err := p.SetString(line, opts...); err != nil {
		return []bidiPiece{{text: line, rtl: rtlPara}}
	}
	order, err := p.Order()
	if err != nil || order.NumRuns() == 0 {
		return []bidiPiece{{text: line, rtl: rtlPara}}
	}
	// The resolved direction of each character (odd levels are right to left).
	odd := make([]bool, len(runes))
	for i := 0; i < order.NumRuns(); i++ {
		run := order.Run(i)
		start, end := run.Pos()
		for j := start; j <= end && j < len(runes); j++ {
			odd[j] = run.Direction() == bidi.RightToLeft
		}
	}
	signsWithNumbers(runes, odd)
	separatorsInNumbers(runes, odd)
	levels := resolveLevels(runes, odd, rtlPara)

	// Level runs, then rule L2: from the highest level down to 1, reverse every stretch of runs
	// at that level or higher.
	type levelRun struct {
		start, end int // runes[start:end]
		level      int
	}
	var runs []levelRun
	maxLevel := 0
	for i := 0; i < len(runes); {
		j := i + 1
		for j < len(runes) && levels[j] == levels[i] {
			j++
		}
		runs = append(runs, levelRun{i, j, levels[i]})
		maxLevel = max(maxLevel, levels[i])
		i = j
	}
	for lvl := maxLevel; lvl >= 1; lvl-- {
		for i := 0; i < len(runs); {
			if runs[i].level < lvl {
				i++
				continue
			}
			j := i
			for j < len(runs) && runs[j].level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				runs[a], runs[b] = runs[b], runs[a]
			}
			i = j
		}
	}

	var pieces []bidiPiece
	for _, r := range runs {
		text := runes[r.start:r.end]
		if r.level%2 == 0 {
			pieces = append(pieces, bidiPiece{text: string(text)})
			continue
		}
		faces := fontPieces(text)
		for k := len(faces) - 1; k >= 0; k-- {
			pieces = append(pieces, bidiPiece{text: faces[k], rtl: true})
		}
	}
	return pieces
}

// resolveLevels turns the resolved directions into embedding levels. In a right-to-left paragraph
// (level 1) every right-to-left character is at level 1 and every other at level 2. In a
// left-to-right one (level 0) a number that follows right-to-left text is at level 2 (rule I1),
// other left-to-right characters at 0.
func resolveLevels(runes []rune, odd []bool, rtlPara bool) []int {
	levels := make([]int, len(runes))
	if rtlPara {
		for i := range runes {
			levels[i] = 2
			if odd[i] {
				levels[i] = 1
			}
		}
		return levels
	}
	lastStrongRTL := false // the start of the paragraph counts as left to right
	for i := 0; i < len(runes); {
		if odd[i] {
			levels[i] = 1
			if c := bidiClass(runes[i]); c == bidi.R || c == bidi.AL {
				lastStrongRTL = true
			}
			i++
			continue
		}
		// A left-to-right run: the number it starts with stays a number (level 2) when the
		// strong letter before it is right to left.
		j := i
		for j < len(runes) && !odd[j] {
			j++
		}
		numEnd := i
		if lastStrongRTL {
			for k := i; k < j; k++ {
				c := bidiClass(runes[k])
				if c == bidi.EN || c == bidi.AN {
					numEnd = k + 1
					continue
				}
				if c != bidi.ET && c != bidi.CS && c != bidi.ES && c != bidi.NSM && c != bidi.BN {
					break
				}
			}
		}
		for k := i; k < j; k++ {
			if k < numEnd {
				levels[k] = 2
			}
			switch bidiClass(runes[k]) {
			case bidi.L:
				lastStrongRTL = false
			case bidi.R, bidi.AL:
				lastStrongRTL = true
			}
		}
		i = j
	}
	return levels
}

// signsWithNumbers keeps a minus or plus sign written before a number with the number: the
// algorithm leaves "-1" after Arabic text as a neutral sign that reads "1-".
func signsWithNumbers(runes []rune, odd []bool) {
	for i := 0; i+1 < len(runes); i++ {
		if !strings.ContainsRune("-+\u2212", runes[i]) || !unicode.IsDigit(runes[i+1]) || odd[i+1] {
			continue
		}
		if i > 0 && (unicode.IsLetter(runes[i-1]) || unicode.IsDigit(runes[i-1])) {
			continue // a dash between words or a range ("4-6"), not a sign
		}
		odd[i] = false
	}
}

// separatorsInNumbers keeps a lone separator between two digits with them (rules W4 and W5): the
// dashes of a date such as 2026-12-03 after a neutral in right-to-left text were left right to
// left, and the date was drawn 03-12-2026.
func separatorsInNumbers(runes []rune, odd []bool) {
	for i := 1; i+1 < len(runes); i++ {
		switch bidiClass(runes[i]) {
		case bidi.ES, bidi.CS, bidi.ET:
		default:
			continue
		}
		if unicode.IsDigit(runes[i-1]) && unicode.IsDigit(runes[i+1]) && !odd[i-1] && !odd[i+1] {
			odd[i] = false
		}
	}
}

// fontPieces cuts a right-to-left run where Fyne would change font: a stretch the bundled Arabic
// font draws stays whole (its letters join); every other character (a bracket, "#", a dash or a
// quote drawn from the Latin font) is a piece of its own. Spaces and invisible marks never change
// the font: they go with the piece before them.
func fontPieces(text []rune) []string {
	var pieces []string
	var cur []rune
	curArabic := false
	for _, r := range text {
		if ignoresFont(r) {
			cur = append(cur, r)
			continue
		}
		arabic := arabicFontHas(r)
		if len(strings.TrimFunc(string(cur), ignoresFont)) > 0 && (!arabic || !curArabic) {
			pieces = append(pieces, string(cur))
			cur = nil
		}
		cur = append(cur, r)
		curArabic = arabic
	}
	if len(cur) > 0 {
		pieces = append(pieces, string(cur))
	}
	return pieces
}

// ignoresFont reports the characters Fyne's text segmenter never changes font for.
func ignoresFont(r rune) bool {
	return unicode.IsControl(r) || (unicode.Is(unicode.Zs, r) && r != '\u1680') ||
		r == '\u2028' || r == '\u2029' || harfbuzz.IsDefaultIgnorable(r)
}

// arabicFonts are the theme's Arabic fonts. Only their character maps are read (a font.Face
// caches its look-ups, which would need a lock: visual runs on the worker and the UI goroutine).
var arabicFonts = sync.OnceValue(func() []*font.Font {
	var list []*font.Font
	for _, data := range [][]byte{fonts.ArabicRegular, fonts.ArabicBold} {
		if f, err := font.ParseTTF(bytes.NewReader(data)); err == nil {
			list = append(list, f.Font)
		}
	}
	return list
})

// arabicFontHas reports whether the theme's Arabic font (regular and bold) draws r; Fyne takes
// every other character from a fallback font.
func arabicFontHas(r rune) bool {
	fs := arabicFonts()
	if len(fs) == 0 {
		return isRTL(r)
	}
	for _, f := range fs {
		if _, ok := f.Cmap.Lookup(r); !ok {
			return false
		}
	}
	return true
}

func bidiClass(r rune) bidi.Class {
	p, _ := bidi.LookupRune(r)
	return p.Class()
}

// firstStrongRTL reports whether the first strong character of a line is right to left (rules
// P2 and P3, without isolates).
func firstStrongRTL(runes []rune) bool {
	for _, r := range runes {
		switch bidiClass(r) {
		case bidi.L:
			return false
		case bidi.R, bidi.AL:
			return true
		}
	}
	return false
}

// mostlyRTL reports whether a line's right-to-left letters are at least half as many as its
// left-to-right ones: "REC-000002 · استلام بضاعة" and "Men's thobe S — ثوب رجالي" are, an English
// sentence quoting an Arabic product name is not.
func mostlyRTL(runes []rune) bool {
	var rtl, ltr int
	for _, r := range runes {
		switch bidiClass(r) {
		case bidi.L:
			ltr++
		case bidi.R, bidi.AL:
			rtl++
		}
	}
	return rtl > 0 && 2*rtl >= ltr
}

// hasRTL reports whether s has a right-to-left character; other strings are drawn as written.
func hasRTL(s string) bool {
	for _, r := range s {
		if r < 0x0590 {
			continue
		}
		if c := bidiClass(r); c == bidi.R || c == bidi.AL {
			return true
		}
	}
	return false
}

// isRTL reports whether r is a right-to-left letter (Arabic, Hebrew, Syriac, Thaana, N'Ko).
func isRTL(r rune) bool {
	return unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) &&
		(unicode.IsLetter(r) || unicode.IsMark(r))
}

// neutralOnly reports whether text has no letter and no digit of either direction: spaces and
// punctuation alone.
func neutralOnly(text string) bool {
	for _, r := range text {
		switch bidiClass(r) {
		case bidi.L, bidi.R, bidi.AL, bidi.EN, bidi.AN:
			return false
		}
	}
	return true
}

// mirrored is text as a right-to-left run shows it, left to right: reversed, with each bracket
// turned to face the other way.
func mirrored(text string) string {
	runes := []rune(text)
	out := make([]rune, len(runes))
	for i, r := range runes {
		if m, ok := mirrorPairs[r]; ok {
			r = m
		}
		out[len(runes)-1-i] = r
	}
	return string(out)
}

var mirrorPairs = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹',
}
