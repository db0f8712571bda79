package ui

import (
	"embed"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

//go:embed translations
var translations embed.FS

var loadTranslations sync.Once

// setupTranslations registers Mizan's English and Arabic strings with Fyne's lang package, which
// picks the language from the system locale (LANGUAGE, LC_ALL, LANG on Linux).
func setupTranslations() {
	loadTranslations.Do(func() {
		if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
			fyne.LogError("load Mizan translations", err)
		}
	})
}

// tr is lang.X for a key and its English text, with the result put in display order (see visual).
func tr(key, english string, data ...any) string {
	return visual(lang.X(key, english, data...))
}

// trText is lang.X in logical order: for a part of a sentence that is put in reading order as a
// whole. Parts reordered one by one and then joined read in the wrong order.
func trText(key, english string, data ...any) string {
	return lang.X(key, english, data...)
}

// trn is lang.XN for strings with a count.
func trn(key, english string, count int, data ...any) string {
	return visual(lang.XN(key, english, count, data...))
}
