package storage

import "strings"

// DefaultCallingCode is the country calling code assumed for numbers written without one
// (Saudi Arabia).
const DefaultCallingCode = "966"

// NormalizePhone returns phone in E.164 form (+966501234567) for matching, or "" when it is not
// a plausible phone number. Arabic-Indic digits are read as digits; spaces, dashes, dots and
// brackets are ignored; 00 is read as +; a leading trunk 0 or a bare national number gets the
// default calling code. So 0501234567, 966501234567, 00966501234567, +966 50 123 4567 and
// ٠٥٠١٢٣٤٥٦٧ are one number.
func NormalizePhone(phone string) string {
	return normalizePhone(phone, DefaultCallingCode)
}

func normalizePhone(phone, cc string) string {
	var b strings.Builder
	plus := false
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '٠' && r <= '٩': // Arabic-Indic
			b.WriteRune('0' + (r - '٠'))
		case r >= '۰' && r <= '۹': // Extended Arabic-Indic (Persian, Urdu)
			b.WriteRune('0' + (r - '۰'))
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0' || r == '\u200e' || r == '\u200f':
		default:
			return "" // letters, extensions, a second '+': not a number we can match on
		}
	}
	d := b.String()
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case strings.HasPrefix(d, cc) && len(d) > len(cc)+7:
	case strings.HasPrefix(d, "0"):
		d = cc + d[1:]
	case cc == "966" && len(d) == 9 && d[0] == '5':
		d = cc + d // a Saudi mobile written without its trunk 0
	default:
		return ""
	}
	// A national trunk 0 written after the calling code (+966 05…) is dropped.
	if strings.HasPrefix(d, cc+"0") {
		d = cc + d[len(cc)+1:]
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return ""
	}
	if strings.HasPrefix(d, "966") && len(d) != 12 {
		return "" // Saudi numbers have nine national digits
	}
	return "+" + d
}

// NormalizeEmail lowers and trims an email address for matching.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}
