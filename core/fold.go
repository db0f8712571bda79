package core

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FoldText is text as a search compares it: letters in lower case, and what Arabic keyboards and
// writers vary in made one: the alef forms (أ إ آ ٱ) read as ا, taa marbuta as haa (ة ه), alef
// maqsura and the Persian yeh as yaa (ى ی ي), Arabic-Indic digits as 0–9, and tatweel, harakat
// (diacritics) and the invisible direction and joining marks left out. Each character is folded
// on its own, so the fold of a text is the folds of its parts joined.
func FoldText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r, keep := foldRune(r); keep {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldRune is one character folded, and false for a mark that is left out.
func foldRune(r rune) (rune, bool) {
	switch {
	case r < utf8.RuneSelf:
		return unicode.ToLower(r), true
	case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
		return 'ا', true
	case r == 'ة':
		return 'ه', true
	case r == 'ى' || r == 'ی':
		return 'ي', true
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠'), true
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰'), true
	case foldedAway(r):
		return 0, false
	}
	return unicode.ToLower(r), true
}

// foldedAway: tatweel, the harakat and the superscript alef, and the marks that steer direction
// or joining without being seen.
func foldedAway(r rune) bool {
	switch {
	case r == 'ـ', r >= 0x064B && r <= 0x065F, r == 0x0670:
		return true
	case r == 0x061C, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0xFEFF:
		return true
	}
	return false
}

// appendFold appends the fold of s (as FoldText) to buf.
func appendFold(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r, keep := foldRune(r); keep {
			buf = utf8.AppendRune(buf, r)
		}
	}
	return buf
}
