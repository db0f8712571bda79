// Package fonts holds the font files Mizan ships inside its binary, as bytes, for the packages
// that draw text without the window toolkit (printed invoices) and for the window's theme. All
// are under the SIL Open Font License 1.1; see OFL.txt beside them.
package fonts

import _ "embed"

// ArabicRegular and ArabicBold are Noto Sans Arabic UI: Arabic script, Latin digits and some
// punctuation, but no Latin letters.
var (
	//go:embed NotoSansArabicUI-Regular.ttf
	ArabicRegular []byte
	//go:embed NotoSansArabicUI-Bold.ttf
	ArabicBold []byte
)

// LatinRegular and LatinBold are Noto Sans: Latin letters, digits and ASCII punctuation.
var (
	//go:embed NotoSans-Regular.ttf
	LatinRegular []byte
	//go:embed NotoSans-Bold.ttf
	LatinBold []byte
)

// Licence is OFL.txt: the licence and attribution of the fonts above.
//
//go:embed OFL.txt
var Licence []byte
