package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"mizan/assets"
)

// mizanTheme is Fyne's default theme drawing text with the bundled Noto Sans Arabic UI first.
//
// Fyne 2.8 resolves each character against a list of faces: the theme's font for the style,
// then Fyne's own font for that style (Noto Sans: Latin, Greek, Cyrillic), then its emoji and
// symbol fonts, then system fonts. Noto Sans Arabic UI has Arabic script, Latin digits and common
// punctuation but no Latin letters, so returning it as the theme's font makes Arabic come from
// the bundled font on every machine and Latin letters from Fyne's font, with no dependency on
// what fonts the system has. Fyne puts a string's baseline at the tallest ascent among the fonts
// it uses, so the two fonts must share vertical metrics: the UI variant of Noto Sans Arabic has
// Noto Sans's (plain Noto Sans Arabic is taller, and "Sale" would then sit higher than "#1001").
type mizanTheme struct{ fyne.Theme }

func newTheme() fyne.Theme { return mizanTheme{theme.DefaultTheme()} }

func (t mizanTheme) Font(style fyne.TextStyle) fyne.Resource {
	switch {
	case style.Monospace, style.Symbol:
		return t.Theme.Font(style)
	case style.Bold:
		return assets.ArabicBold
	default:
		return assets.ArabicRegular
	}
}

func (t mizanTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, v)
}

func (t mizanTheme) Size(n fyne.ThemeSizeName) float32 { return t.Theme.Size(n) }

func (t mizanTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.Theme.Icon(n) }
