package ui

import "testing"

func TestVisualOrder(t *testing.T) {
	const sep = "\u200e \u200e"
	for _, c := range []struct{ in, want string }{
		{"MAIN-INV-000001", "MAIN-INV-000001"},
		{"قهوة عربية", "قهوة عربية"},
		{"Client محمد العتيبي", "Client محمد العتيبي"},
		{"عسل سدر 500 جم", "جم" + sep + "500" + sep + "عسل سدر"},
		{"300 فاتورة", "فاتورة" + sep + "300"}, // the first letter is Arabic: right to left
		{"فاتورة MAIN-INV-000001", "MAIN-INV-000001" + sep + "فاتورة"},
		{"شاي - أخضر", "شاي - أخضر"},
		{"", ""},
		{"الدفاتر: mizan", "mizan" + sep + ":الدفاتر"},
		{"لا مرتجعات على هذه الفاتورة.", ".لا مرتجعات على هذه الفاتورة"},
		{"ربط متجر (قريبًا)", "ربط متجر (قريبًا)"},
	} {
		got := visual(c.in)
		if got != c.want {
			t.Errorf("visual(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
