package ui

import (
	"os"
	"testing"

	"fyne.io/fyne/v2/lang"

	"mizan/core"
	"mizan/platforms/salla"
	"mizan/platforms/shopify"
	"mizan/platforms/woocommerce"
	"mizan/platforms/zid"
)

// Every order state a platform offers has words of its own, different from its neighbours'
// (the connection form tells them apart by their words).
func TestEveryPlatformsStatesHaveWords(t *testing.T) {
	for _, p := range []core.Platform{salla.Platform(), shopify.Platform(), woocommerce.Platform(), zid.Platform()} {
		t.Run(p.Name, func(t *testing.T) {
			seen := map[string]string{}
			for _, st := range p.States {
				l := stateLabel(p.Name, st)
				if l == st || l == "" {
					t.Errorf("state %q has no words: %q", st, l)
				}
				if other, dup := seen[l]; dup {
					t.Errorf("states %q and %q both read %q", other, st, l)
				}
				seen[l] = st
			}
		})
	}
	if got := stateLabel("salla", "a_custom_state"); got != "a_custom_state" {
		t.Errorf("a state without words reads %q", got)
	}
}

func TestSallaInArabic(t *testing.T) {
	setupTranslations()
	t.Setenv("LANGUAGE", "ar")
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		os.Setenv("LANGUAGE", "en")
		lang.AddTranslationsFS(translations, "translations")
	}()
	for _, c := range []struct{ got, want string }{
		{platformTitle(salla.Platform()), "سلة"},
		{stateLabel("salla", "completed"), "تم التنفيذ"},
		{stateLabel("salla", "restoring"), "قيد الاسترجاع"},
		{stateLabel("woocommerce", "processing"), "قيد التنفيذ"},
		{platformTitle(shopify.Platform()), "Shopify"},
		{platformTitle(zid.Platform()), "زد"},
		{stateLabel("zid", "indelivery"), "جاري التوصيل"},
		{stateLabel("zid", "canceled"), "ملغي"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}
