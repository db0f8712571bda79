package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mizan/core"
	"mizan/platforms/salla"
	"mizan/platforms/shopify"
	"mizan/platforms/woocommerce"
	"mizan/platforms/zid"
	"mizan/storage"
)

// smallScreen is the room a window has on a 1280×720 screen once the desktop's panels and the
// window's title bar have theirs.
var smallScreen = fyne.NewSize(1280-80, 720-80)

// The window's first size fits a 1280×720 screen, and so do the dashboard and the connection form
// of every platform, in English and in Arabic: the window never has to grow past the screen and
// the form's Save and Cancel stay in sight.
func TestWindowFitsSmallScreen(t *testing.T) {
	if DefaultSize.Width > smallScreen.Width || DefaultSize.Height > smallScreen.Height {
		t.Errorf("the window opens at %.0f×%.0f, more than the %.0f×%.0f a 1280×720 screen leaves it",
			DefaultSize.Width, DefaultSize.Height, smallScreen.Width, smallScreen.Height)
	}
	platforms := []core.Platform{shopify.Platform(), woocommerce.Platform(), salla.Platform(), zid.Platform()}
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			e := openEngineApp(t, Deps{}, func(db *storage.DB, secrets core.Secrets) *core.Engine {
				return core.New(db, secrets, core.NewPlatforms(platforms...), core.Options{})
			})
			m := e.m
			fits := func(what string) {
				t.Helper()
				min := m.Window.Content().MinSize()
				t.Logf("%s: %.0f×%.0f", what, min.Width, min.Height)
				if min.Width > DefaultSize.Width || min.Height > DefaultSize.Height {
					t.Errorf("%s: the window needs %.0f×%.0f, more than its %.0f×%.0f", what, min.Width, min.Height,
						DefaultSize.Width, DefaultSize.Height)
				}
			}
			fits("the dashboard")
			test.Tap(m.Nav[ScreenConnections])
			m.Connections.Add()
			m.Idle()
			f := m.Connections.Form
			for _, p := range platforms {
				f.Platform.SetSelected(platformTitle(p))
				m.Idle()
				if f.platform.Name != p.Name {
					t.Fatalf("chose %s, the form shows %s", p.Name, f.platform.Name)
				}
				fits("the connection form for " + p.Name)
				// Save and Cancel are in the bar under the form, inside the window.
				m.Window.Resize(DefaultSize)
				for _, b := range []fyne.CanvasObject{f.Save, f.Cancel} {
					pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
					if !b.Visible() || pos.Y+b.Size().Height > DefaultSize.Height || pos.X < 0 || pos.X+b.Size().Width > DefaultSize.Width {
						t.Errorf("%s: a button of the form's bar is at %v, outside the window", p.Name, pos)
					}
				}
			}
		})
	}
}
