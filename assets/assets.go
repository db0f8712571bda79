// Package assets holds the files Mizan ships inside its binary: the application icon and the
// Arabic font (Noto Sans Arabic, SIL Open Font License 1.1; see fonts/OFL.txt).
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

//go:embed fonts/NotoSansArabicUI-Regular.ttf
var arabicRegular []byte

//go:embed fonts/NotoSansArabicUI-Bold.ttf
var arabicBold []byte

//go:embed fonts/OFL.txt
var fontLicence []byte

// Icon is the application icon (the same file FyneApp.toml names).
var Icon = &fyne.StaticResource{StaticName: "icon.png", StaticContent: iconPNG}

// ArabicRegular and ArabicBold are Noto Sans Arabic UI, which draws Arabic script, Latin digits
// and common punctuation; Latin letters come from Fyne's own font (Noto Sans). The UI variant has
// Noto Sans's line height, so Arabic and Latin text share one baseline and one row height.
var (
	ArabicRegular = &fyne.StaticResource{StaticName: "NotoSansArabicUI-Regular.ttf", StaticContent: arabicRegular}
	ArabicBold    = &fyne.StaticResource{StaticName: "NotoSansArabicUI-Bold.ttf", StaticContent: arabicBold}
)

// FontLicence is the licence and attribution of the bundled fonts, for an "about" screen.
var FontLicence = &fyne.StaticResource{StaticName: "OFL.txt", StaticContent: fontLicence}
