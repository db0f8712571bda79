package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// The connection form says why the engine refused a connection in the window's language, the
// merchant's own address and the platform's example kept as they are.
func TestConnectionRefusalsInArabic(t *testing.T) {
	inLanguage(t, "ar")
	e := memoryEnv(t, Deps{})
	m := e.m
	f := openNewConnection(t, m)
	hint := f.platform.StoreURLHint
	advice := "أدخل العنوان وحده، مثل " + hint + "، وبيانات الدخول في حقولها (تُحفظ في سلسلة مفاتيح النظام فقط)"
	for _, c := range []struct {
		name, url, want string
	}{
		{"a user name in the address", "https://owner:pw@shop.example.sa",
			"يجب ألا يحتوي عنوان المتجر على اسم مستخدم أو كلمة مرور: " + advice},
		{"not a web address", "shop example",
			`عنوان المتجر "shop example" ليس عنوان ويب مثل ` + hint},
		{"a key in the address's query", "https://shop.example.sa/?consumer_secret=abc",
			`يجب ألا يحمل عنوان المتجر بيانات دخول ("consumer_secret" في استعلامه): ` + advice},
	} {
		f.Name.SetText("متجر الاختبار")
		f.StoreURL.SetText(c.url)
		test.Tap(f.Save)
		m.Idle()
		if f.Status.Text != visual(c.want) {
			t.Errorf("%s: %q, want %q in reading order", c.name, f.Status.Text, c.want)
		}
		if strings.Contains(f.Status.Text, "store address") {
			t.Errorf("%s: English left in the Arabic window: %q", c.name, f.Status.Text)
		}
		if o := m.Window.Canvas().Overlays().Top(); o != nil {
			o.Hide()
			m.Idle()
		}
	}
}
