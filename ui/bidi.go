package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fyne shapes each direction run of a string correctly (an Arabic run is joined and drawn right
// to left) but lays the runs out left to right in the order they are written, with no paragraph
// direction. An Arabic name with a number in it ("عسل سدر 500 جم") or an Arabic sentence with a
// count in it then reads in the wrong order. visual rewrites a string whose first strong letter is
// right-to-left so that laying its runs out left to right gives the right-to-left reading order:
// it splits the text into words, groups neighbouring words of the same direction into runs, and
// writes the runs in reverse order. Strings that start left-to-right are returned as they are
// (Fyne already draws them as a left-to-right paragraph would be drawn).
//
// The runs are joined by a space between two left-to-right marks, so that the space stays
// between the runs instead of being pulled into a right-to-left run and drawn on its far side.
func visual(s string) string {
	if !startsRTL(s) {
		return s
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		return s
	}
	type run struct {
		rtl   bool
		words []string
	}
	var runs []run
	for _, w := range words {
		r := wordIsRTL(w, runs != nil && runs[len(runs)-1].rtl)
		if len(runs) > 0 && runs[len(runs)-1].rtl == r {
			runs[len(runs)-1].words = append(runs[len(runs)-1].words, w)
			continue
		}
		runs = append(runs, run{rtl: r, words: []string{w}})
	}
	if len(runs) == 1 && !endsNeutral(s) {
		return s
	}
	parts := make([]string, len(runs))
	for i, r := range runs {
		text := strings.Join(r.words, " ")
		if r.rtl {
			text = neutralsFirst(text)
		}
		parts[len(runs)-1-i] = text
	}
	return strings.Join(parts, "\u200e \u200e")
}

// neutralsFirst moves the punctuation that ends a right-to-left run ("المجموع:") to its start:
// Fyne would otherwise draw it on the run's right, where the run begins, not on its left where
// it ends.
func neutralsFirst(s string) string {
	end := len(s)
	for end > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:end])
		// A closing bracket is paired with its opening one and drawn within the run.
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsSpace(r) || strings.ContainsRune(")]}", r) {
			break
		}
		end -= size
	}
	if end == len(s) || end == 0 {
		return s
	}
	return s[end:] + s[:end]
}

func endsNeutral(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return r != utf8.RuneError && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) &&
		!strings.ContainsRune(")]}", r)
}

// isRTL reports whether r is a right-to-left letter (Arabic, Hebrew, Syriac, Thaana, N'Ko).
func isRTL(r rune) bool {
	return unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) &&
		(unicode.IsLetter(r) || unicode.IsMark(r))
}

// startsRTL reports whether the first strong (letter) character of s is right-to-left.
func startsRTL(s string) bool {
	for _, r := range s {
		if isRTL(r) {
			return true
		}
		if unicode.IsLetter(r) {
			return false
		}
	}
	return false
}

// wordIsRTL classifies a word by its first letter; a word without letters (a number, a dash)
// is left-to-right, except punctuation alone, which goes with the run before it.
func wordIsRTL(w string, prevRTL bool) bool {
	hasDigit := false
	for _, r := range w {
		if isRTL(r) {
			return true
		}
		if unicode.IsLetter(r) {
			return false
		}
		if unicode.IsDigit(r) {
			hasDigit = true
		}
	}
	if hasDigit {
		return false
	}
	return prevRTL
}
