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
	"mizan/storage"
)

// TestPlatformFieldsTranslated: every credential and option field of every platform has its
// label and help in Arabic, and the English label is the platform's own; a platform
// Mizan has no words for keeps its own text.
func TestPlatformFieldsTranslated(t *testing.T) {
	platforms := []core.Platform{shopify.Platform(), woocommerce.Platform(), salla.Platform(), zid.Platform()}
	type text struct{ label, help string }
	own := map[string]text{}
	for _, p := range platforms {
		for _, c := range p.Credentials {
			own[p.Name+"/cred/"+c.Key] = text{c.Label, c.Help}
		}
		for _, o := range p.Options {
			own[p.Name+"/option/"+o.Key] = text{o.Label, o.Help}
		}
	}
	shown := func() map[string]text {
		out := map[string]text{}
		for _, p := range platforms {
			for _, c := range p.Credentials {
				l, h := credentialText(p.Name, c)
				out[p.Name+"/cred/"+c.Key] = text{l, h}
			}
			for _, o := range p.Options {
				l, h := optionText(p.Name, o)
				out[p.Name+"/option/"+o.Key] = text{l, h}
			}
		}
		return out
	}
	for k, got := range shown() {
		// The helps may differ in punctuation (an arrow the window's fonts draw badly, say).
		if want := own[k]; got.label != visual(want.label) || (got.help == "") != (want.help == "") {
			t.Errorf("%s in English is %q / %q, the platform says %q / %q", k, got.label, got.help, want.label, want.help)
		}
	}
	if l, h := credentialText("memory", core.CredentialField{Key: "token", Label: "Token", Help: "Its own help"}); l != "Token" || h != "Its own help" {
		t.Errorf("an unknown platform's field shows %q / %q", l, h)
	}

	setupTranslations()
	t.Setenv("LANGUAGE", "ar")
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		os.Setenv("LANGUAGE", "en")
		lang.AddTranslationsFS(translations, "translations")
	}()
	for k, got := range shown() {
		want := own[k]
		if got.label == visual(want.label) || (want.help != "" && got.help == visual(want.help)) {
			t.Errorf("%s is not in Arabic: %q / %q", k, got.label, got.help)
		}
	}
	if l, _ := credentialText("salla", salla.Platform().Credentials[0]); l != visual("رمز الوصول (Access token)") {
		t.Errorf("Salla's access token in Arabic: %q", l)
	}
}

// TestConnectionFormFits: the connection form of every platform, in English and Arabic, fits
// the window's first size, which fits a 1366×768 or 1280×800 screen, so nothing is cut off or
// pushed past the screen's edge (the form scrolls).
func TestConnectionFormFits(t *testing.T) {
	platforms := []core.Platform{shopify.Platform(), woocommerce.Platform(), salla.Platform(), zid.Platform()}
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			setupTranslations()
			t.Setenv("LANGUAGE", language)
			if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
				t.Fatal(err)
			}
			defer func() {
				os.Setenv("LANGUAGE", "en")
				lang.AddTranslationsFS(translations, "translations")
			}()
			e := openEngineApp(t, Deps{}, func(db *storage.DB, secrets core.Secrets) *core.Engine {
				return core.New(db, secrets, core.NewPlatforms(platforms...), core.Options{})
			})
			m := e.m
			f := openNewConnection(t, m)
			for _, p := range platforms {
				f.Platform.SetSelected(platformTitle(p))
				if f.platform.Name != p.Name {
					t.Fatalf("chose %s, the form shows %s", p.Name, f.platform.Name)
				}
				if min := m.Window.Content().MinSize(); min.Width > DefaultSize.Width || min.Height > DefaultSize.Height {
					t.Errorf("%s: the window needs %.0f×%.0f, more than its %.0f×%.0f", p.Name, min.Width, min.Height,
						DefaultSize.Width, DefaultSize.Height)
				}
			}
		})
	}
}

// ShowNewConnection (used by make screenshots) opens the form for the named platform.
func TestShowNewConnection(t *testing.T) {
	platforms := []core.Platform{shopify.Platform(), woocommerce.Platform(), salla.Platform(), zid.Platform()}
	e := openEngineApp(t, Deps{}, func(db *storage.DB, secrets core.Secrets) *core.Engine {
		return core.New(db, secrets, core.NewPlatforms(platforms...), core.Options{})
	})
	for _, p := range platforms {
		e.m.ShowNewConnection(p.Name)
		e.m.Idle()
		if f := e.m.Connections.Form; f == nil || f.platform.Name != p.Name {
			t.Fatalf("ShowNewConnection(%q) did not open that platform's form", p.Name)
		}
	}
}
