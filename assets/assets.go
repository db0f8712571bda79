// Package assets holds the files Mizan ships inside its binary: the application icon and the
// fonts (Noto Sans Arabic UI and Noto Sans, SIL Open Font License 1.1; see fonts/OFL.txt), as the
// window toolkit's resources. The font bytes themselves live in the fonts package, which printing
// uses without the toolkit.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"

	"mizan/assets/fonts"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (the same file FyneApp.toml names).
var Icon = &fyne.StaticResource{StaticName: "icon.png", StaticContent: iconPNG}

// ArabicRegular and ArabicBold are Noto Sans Arabic UI, which draws Arabic script, Latin digits
// and common punctuation; Latin letters come from Fyne's own font (Noto Sans). The UI variant has
// Noto Sans's line height, so Arabic and Latin text share one baseline and one row height.
var (
	ArabicRegular = &fyne.StaticResource{StaticName: "NotoSansArabicUI-Regular.ttf", StaticContent: fonts.ArabicRegular}
	ArabicBold    = &fyne.StaticResource{StaticName: "NotoSansArabicUI-Bold.ttf", StaticContent: fonts.ArabicBold}
)

// FontLicence is the licence and attribution of the bundled fonts, for an "about" screen.
var FontLicence = &fyne.StaticResource{StaticName: "OFL.txt", StaticContent: fonts.Licence}
