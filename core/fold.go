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

// foldedAwayRunes lists every character FoldText leaves out (for a query that leaves them out too).
func foldedAwayRunes() []rune {
	var out []rune
	for _, span := range [][2]rune{{0x0640, 0x0640}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x061C, 0x061C}, {0x200B, 0x200F},
		{0x202A, 0x202E}, {0x2066, 0x2069}, {0xFEFF, 0xFEFF}} {
		for r := span[0]; r <= span[1]; r++ {
			out = append(out, r)
		}
	}
	return out
}

// likeFolded is a LIKE pattern (escaped with \) that finds, in text as stored, at least every
// place whose fold holds folded (a fold of FoldText): a letter other spellings fold to matches any
// one character, and a character JSON writes escaped matches anything. It finds more than that;
// what it finds is checked on the fold. Marks FoldText leaves out are not skipped when the stored
// text has them inside the words (see unmarkedSQL), nor are digits other than 0–9.
func likeFolded(folded string) string {
	b := []byte{'%'}
	for _, r := range folded {
		switch {
		case r == '%' || r == '_':
			b = append(b, '\\', byte(r))
		case r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r < 0x20 || r == 0x2028 || r == 0x2029:
			if b[len(b)-1] != '%' {
				b = append(b, '%')
			}
		case r == 'ا' || r == 'ه' || r == 'ي':
			b = append(b, '_')
		case r >= utf8.RuneSelf && unicode.SimpleFold(r) != r:
			b = append(b, '_') // a letter with an upper case, which LIKE does not fold outside ASCII
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	if b[len(b)-1] != '%' {
		b = append(b, '%')
	}
	return string(b)
}
