package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"mizan/storage"
)

// The settings screen says why a seller detail is refused in the window's language, naming the
// field in it too, around the merchant's own digits.
func TestSettingsRefusalsInArabic(t *testing.T) {
	inLanguage(t, "ar")
	m, _ := openApp(t, t.TempDir())
	m.Show(ScreenSettings)
	m.Idle()
	s := m.Settings
	for _, c := range []struct {
		name, vat, cr string
		want          string
	}{
		{"a VAT number not ending in 3", "310123456789004", "",
			"رقم التسجيل الضريبي: 310123456789004 يجب أن يبدأ بالرقم 3 وينتهي به"},
		{"a VAT number too short", "3101234", "",
			`رقم التسجيل الضريبي: "3101234" عدد خاناته 7؛ يجب أن يكون 15 رقمًا`},
		{"a commercial registration not 10 digits", "310123456789003", "12345",
			`السجل التجاري: "12345" يجب أن يكون 10 أرقام`},
	} {
		s.Fields["vat_number"].SetText(c.vat)
		s.Fields["cr_number"].SetText(c.cr)
		test.Tap(s.Save)
		m.Idle()
		if s.Status.Text != visual(c.want) {
			t.Errorf("%s: %q, want %q in reading order", c.name, s.Status.Text, c.want)
		}
	}
}

// The treasury's error dialog says why an account is refused in the window's language.
func TestTreasuryRefusalsInArabic(t *testing.T) {
	inLanguage(t, "ar")
	m, _ := openApp(t, t.TempDir())
	test.Tap(m.Nav[ScreenTreasury])
	m.Idle()
	for _, c := range []struct {
		name string
		a    storage.TreasuryAccount
		want string
	}{
		{"an IBAN whose check digits do not match", storage.TreasuryAccount{Name: "الراجحي", Kind: storage.AccountBank, IBAN: "SA03 8000 0000 6080 1016 7518"},
			`الآيبان "SA0380000000608010167518": رقما التحقق لا يطابقان (هل كُتب حرف خطأً؟)`},
		{"a cash account with an IBAN", storage.TreasuryAccount{Name: "الصندوق", Kind: storage.AccountCash, IBAN: "SA0380000000608010167519"},
			`الحساب "الصندوق": الحساب النقدي ليس له آيبان`},
	} {
		m.Treasury.saveAccount(c.a)
		m.Idle()
		mustShow(t, topDialog(t, m), visual(c.want))
		m.Window.Canvas().Overlays().Top().Hide()
		m.Idle()
	}
}
