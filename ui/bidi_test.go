package ui

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/bidi"

	"mizan/assets/fonts"
)

// drawnFaces resolves each character as Fyne's theme does: the bundled Arabic font first, then
// the Latin one.
type drawnFaces struct{ arabic, latin *font.Face }

func (f drawnFaces) ResolveFace(r rune) *font.Face {
	if _, ok := f.arabic.NominalGlyph(r); ok {
		return f.arabic
	}
	return f.latin
}

// drawnText is what the window shows for s, left to right, one character per glyph: Fyne's segmenter
// cuts the string into runs by direction, script and font and places them left to right in the
// order written, drawing a right-to-left run reversed with its brackets mirrored. Invisible marks
// are left out.
func drawnText(t *testing.T, s string) string {
	t.Helper()
	arabic, err := font.ParseTTF(bytes.NewReader(fonts.ArabicRegular))
	if err != nil {
		t.Fatal(err)
	}
	latin, err := font.ParseTTF(bytes.NewReader(fonts.LatinRegular))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		runes := []rune(line)
		if len(runes) == 0 {
			lines = append(lines, "")
			continue
		}
		var seg shaping.Segmenter
		in := shaping.Input{Text: runes, RunEnd: len(runes), Direction: di.DirectionLTR, Size: fixed.I(14)}
		var b strings.Builder
		for _, run := range seg.Split(in, drawnFaces{arabic, latin}) {
			text := string(runes[run.RunStart:run.RunEnd])
			if run.Direction.Progression() == di.TowardTopLeft {
				text = bidi.ReverseString(text)
			}
			b.WriteString(text)
		}
		lines = append(lines, strings.Map(func(r rune) rune {
			if r == lrm || r == rlm || r == '\u061c' {
				return -1
			}
			return r
		}, b.String()))
	}
	return strings.Join(lines, "\n")
}

// rtl is right-to-left text as it is seen, left to right: reversed, brackets mirrored.
func rtl(s string) string { return bidi.ReverseString(s) }

// Each string is drawn in reading order: right-to-left text reads from the right, numbers, codes
// and Latin words inside it read left to right, and brackets enclose what they enclosed.
func TestVisualOrder(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"MAIN-INV-000001", "MAIN-INV-000001"},
		{"Men's thobe 4 - S", "Men's thobe 4 - S"},
		{"-1", "-1"},
		{"", ""},
		{"قهوة عربية", rtl("قهوة عربية")},
		{"Client محمد العتيبي", "Client " + rtl("محمد العتيبي")},
		{"عسل سدر 500 جم", rtl(" جم") + "500" + rtl("عسل سدر ")},
		{"300 فاتورة", rtl(" فاتورة") + "300"},
		{"فاتورة MAIN-INV-000001", "MAIN-INV-000001" + rtl("فاتورة ")},
		{"الدفاتر: mizan", "mizan" + rtl("الدفاتر: ")},
		{"لا مرتجعات على هذه الفاتورة.", rtl("لا مرتجعات على هذه الفاتورة.")},
		// The cases.
		{"(مشمولة الضريبة)", rtl("(مشمولة الضريبة)")},
		{"الإجمالي (مشمولة الضريبة)", rtl("الإجمالي (مشمولة الضريبة)")},
		{"الاسم القانوني (بالعربية)", rtl("الاسم القانوني (بالعربية)")},
		{"ربط متجر (قريبًا)", rtl("ربط متجر (قريبًا)")},
		{"#108 أمل الحربي", rtl(" أمل الحربي") + "#108"},
		{"ثوب رجالي — Men's thobe 4 - S", "Men's thobe 4 - S" + rtl("ثوب رجالي — ")},
		{"تعذر رفع \"ثوب رجالي\" إلى المتجر", rtl("تعذر رفع \"ثوب رجالي\" إلى المتجر")},
		{"تعذر رفع \"Men's thobe\" إلى المتجر", rtl(" إلى المتجر") + "\"Men's thobe\"" + rtl("تعذر رفع ")},
		{"الكمية: -1", "-1" + rtl("الكمية: ")},
		{"الكمية -3 من 4", "4" + rtl(" من ") + "-3" + rtl("الكمية ")},
		{"سطر أول (1)\nLine 2", rtl(")") + "1" + rtl("سطر أول (") + "\nLine 2"},
		{"Synced متجر أمل 2", "Synced " + "2" + rtl("متجر أمل ")},
		{"Order (ثوب) shipped", "Order (" + rtl("ثوب") + ") shipped"},
		{"REC-000002 · استلام بضاعة", "REC-000002 · " + rtl("استلام بضاعة")},
		// A date or a decimal number keeps its separators between its digits.
		{"التاريخ  ·  2026-12-03  ·  الرياض", rtl("  ·  الرياض") + "2026-12-03" + rtl("التاريخ  ·  ")},
		{"السعر 1,250.50 ريال", rtl(" ريال") + "1,250.50" + rtl("السعر ")},
		// A mark written into a translation does not stop the reordering.
		{"رقم في كل سطر (حتى 100)، مثل \u200e#1001", "#1001" + rtl(")، مثل ") + "100" + rtl("رقم في كل سطر (حتى ")},
	} {
		if got := drawnText(t, visual(c.in)); got != c.want {
			t.Errorf("visual(%q) is drawn %q, want %q", c.in, got, c.want)
		}
		if twice := visual(visual(c.in)); twice != visual(c.in) {
			t.Errorf("visual(visual(%q)) = %q, not visual's %q", c.in, twice, visual(c.in))
		}
	}
}

// In a right-to-left window a line with Arabic in it reads from the right even when it starts
// with a code or a Latin name; a line without Arabic is left as it is.
func TestVisualOrderInArabicWindow(t *testing.T) {
	inLanguage(t, "ar")
	for _, c := range []struct{ in, want string }{
		{"REC-000002 · استلام بضاعة", rtl(" · استلام بضاعة") + "REC-000002"},
		{"Men's thobe S — ثوب رجالي", rtl(" — ثوب رجالي") + "Men's thobe S"},
		{"ثوب رجالي — Men's thobe 4 - S", "Men's thobe 4 - S" + rtl("ثوب رجالي — ")},
		{"#108 أمل الحربي", rtl(" أمل الحربي") + "#108"},
		{"Walk-in customer", "Walk-in customer"},
		{"- Line 2", "- Line 2"},
		{"-1", "-1"},
		// An English sentence quoting an Arabic name (a log line) reads from the left.
		{`Imported HON-0180-1 "عسل طلح — Talh honey 8 1kg" from the store`,
			`Imported HON-0180-1 "` + rtl("عسل طلح") + ` — Talh honey 8 1kg" from the store`},
	} {
		if got := drawnText(t, visual(c.in)); got != c.want {
			t.Errorf("visual(%q) is drawn %q, want %q", c.in, got, c.want)
		}
	}
}

// A string Fyne already draws right is left as it is (so wrapping and editing are not disturbed).
func TestVisualLeavesPlainTextAlone(t *testing.T) {
	for _, s := range []string{"MAIN-INV-000001", "قهوة عربية", "لا مرتجعات على هذه الفاتورة.", "Men's thobe 4 - S", "-1", "2026-01-31"} {
		if got := visual(s); got != s {
			t.Errorf("visual(%q) = %q, want it unchanged", s, got)
		}
	}
}

// Punctuation alone between a number and a word (" (" in "المخزون 32 (سند …)") is written as it is
// seen, mirrored, rather than left to Fyne as a right-to-left run of its own: Fyne draws such a
// run reversed but does not mirror its brackets, and the bracket faced the wrong way. No
// right-to-left run visual writes is without a right-to-left letter.
func TestPunctuationAloneIsMirrored(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"وفي المخزون 32 (سند استلام IN-000001)", "(IN-000001" + rtl("سند استلام ") + ") 32" + rtl("وفي المخزون ")},
		{"الإجمالي 115.00 (مشمولة الضريبة)", rtl("(مشمولة الضريبة)") + " 115.00" + rtl("الإجمالي ")},
	} {
		v := visual(c.in)
		if got := drawnText(t, v); got != c.want {
			t.Errorf("visual(%q) is drawn %q, want %q", c.in, got, c.want)
		}
		// visual writes each right-to-left run between two right-to-left marks.
		var run []rune
		in := false
		for _, r := range v {
			switch {
			case r == rlm && !in:
				in, run = true, run[:0]
			case r == rlm:
				in = false
				if !hasRTL(string(run)) {
					t.Errorf("visual(%q) leaves %q to Fyne as a right-to-left run", c.in, string(run))
				}
			case in:
				run = append(run, r)
			}
		}
	}
}
