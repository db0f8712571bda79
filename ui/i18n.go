package ui

import (
	"embed"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"mizan/core"
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

// trn is lang.XN for strings with a count, put in display order. The translation has a form for
// each plural category of its language (Arabic: zero, one, two, few, many, other).
func trn(key, english string, count int, data ...any) string {
	return visual(trnText(key, english, count, data...))
}

// trnText is trn in logical order, for a part of a sentence.
func trnText(key, english string, count int, data ...any) string {
	return lang.XN(key, english, count, data...)
}

// countText is a number of things ("887 فاتورة", "1 return"), in logical order: the key's
// plural forms, filled with {{.Count}}.
func countText(key, english string, count int) string {
	return trnText(key, english, count, map[string]any{"Count": count})
}

// logWords is the engine's catalogue of sync log sentences (their English), read once.
var logWords = core.LogWords()

// logLine is a sync log entry's message in the window's language, in logical order: the engine's
// sentence translated ("log.<code>") with its arguments, which keep the store's and the books'
// own words as they are. An entry written before the engine gave codes keeps its English.
func logLine(e core.LogEntry) string {
	if e.Say.Code == "" && e.Say.List == "" {
		return e.Message
	}
	if rightToLeft() {
		// The sentence is the window's language, however much of it is the store's words (a long
		// English error, a Latin product name): it reads from the right.
		return string(rlm) + logPhrase(e.Say)
	}
	return logPhrase(e.Say)
}

func logPhrase(p core.Phrase) string { return p.Render(logFormat) }

// logFormat is a catalogue sentence's wording in the window's language, as Phrase.Render looks
// it up.
func logFormat(code string, count *int) (string, bool) {
	w, ok := logWords[code]
	if !ok {
		return "", false
	}
	key := logKey(code)
	if count != nil {
		english := w.English
		if *count == 1 {
			english = w.One
		}
		return lang.XN(key, english, *count), true
	}
	return lang.X(key, w.English), true
}

// logReading is how the window reads the sync log, for its search: the sentences (logLine),
// kinds and levels in its language. It looks each wording up once; it serves one search at a
// time.
func logReading() *core.LogReading {
	type key struct {
		code    string
		count   int
		counted bool
	}
	type wording struct {
		format string
		ok     bool
	}
	seen := map[key]wording{}
	return &core.LogReading{
		Sentence: func(code string, count *int) (string, bool) {
			k := key{code: code}
			if count != nil {
				k.count, k.counted = *count, true
			}
			w, ok := seen[k]
			if !ok {
				w.format, w.ok = logFormat(code, count)
				seen[k] = w
			}
			return w.format, w.ok
		},
		Kind:  kindText,
		Level: levelText,
	}
}

// logKey and kindKey are the translations' keys of a log sentence and of a kind.
func logKey(code string) string  { return "log." + code }
func kindKey(kind string) string { return "kind." + kind }

// kindName is a sync log entry's kind (product, order, …) in the window's language.
func kindName(kind string) string {
	if text, ok := kindWord(kind); ok {
		return visual(text)
	}
	return kind
}

// kindText is kindName in logical order.
func kindText(kind string) string {
	text, _ := kindWord(kind)
	return text
}

// kindWord is a kind in the window's language, and false (with the kind) for one the engine does
// not write.
func kindWord(kind string) (string, bool) {
	for _, k := range core.LogKinds {
		if k == kind {
			return lang.X(kindKey(kind), kind), true
		}
	}
	return kind, false
}
