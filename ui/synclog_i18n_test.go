package ui

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/test"

	"mizan/core"
	"mizan/platforms/shopify/shopifytest"
)

var logPlaceRE = regexp.MustCompile(`%\[(\d+)\]([sq])|%`)

// logPlaces reads a sentence's places as "n:verb"; a verb that is not indexed is reported as "?".
func logPlaces(s string) map[string]bool {
	out := map[string]bool{}
	for _, m := range logPlaceRE.FindAllStringSubmatch(s, -1) {
		if m[1] == "" {
			out["?"] = true
			continue
		}
		out[m[1]+":"+m[2]] = true
	}
	return out
}

func placeList(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// Every sentence the engine can write to the sync log (core's catalogue: a code cannot be written
// without being in it) has an English and an Arabic translation with the same places as the
// engine's English, each an indexed verb. A sentence about a number of things has every plural
// form of its language, and a form may leave the number out (one, two) but no other place. Every
// kind of entry is translated too.
func TestLogSentencesAreTranslated(t *testing.T) {
	files := map[string]map[string]any{"en": readTranslations(t, "en.json"), "ar": readTranslations(t, "ar.json")}
	forms := map[string][]string{"en": {"one", "other"}, "ar": {"zero", "one", "two", "few", "many", "other"}}
	words := core.LogWords()
	if len(words) < 80 {
		t.Fatalf("the engine's catalogue has only %d sentences", len(words))
	}
	for code, w := range words {
		want := logPlaces(w.English)
		if want["?"] {
			t.Errorf("%s: the engine's English %q has a verb that is not indexed", code, w.English)
		}
		count := ""
		if w.Count > 0 {
			for p := range want {
				if strings.HasPrefix(p, strconv.Itoa(w.Count)+":") {
					count = p
				}
			}
		}
		for language, file := range files {
			key := logKey(code)
			switch v := file[key].(type) {
			case nil:
				t.Errorf("%s.json lacks %s", language, key)
			case string:
				if w.Count > 0 {
					t.Errorf("%s.json: %s is about a number of things and needs its plural forms %v", language, key, forms[language])
				} else if got := logPlaces(v); placeList(got) != placeList(want) {
					t.Errorf("%s.json: %s has places %q, the engine gives %q", language, key, placeList(got), placeList(want))
				}
			case map[string]any:
				if w.Count == 0 {
					t.Errorf("%s.json: %s has plural forms, but the engine gives it no number", language, key)
					continue
				}
				for _, form := range forms[language] {
					s, _ := v[form].(string)
					if s == "" {
						t.Errorf("%s.json: %s lacks the plural form %q", language, key, form)
						continue
					}
					got := logPlaces(s)
					got[count] = true // a form may leave the number out
					if placeList(got) != placeList(want) {
						t.Errorf("%s.json: %s[%s] has places %q, the engine gives %q", language, key, form, placeList(got), placeList(want))
					}
				}
			default:
				t.Errorf("%s.json: %s is neither a string nor plural forms", language, key)
			}
		}
	}
	for _, kind := range core.LogKinds {
		for language, file := range files {
			if s, _ := file[kindKey(kind)].(string); s == "" {
				t.Errorf("%s.json lacks %s", language, kindKey(kind))
			}
		}
	}
}

// leaves lists the words a phrase shows as they are (the store's and the books' own).
func leaves(p core.Phrase) []string {
	if p.Code == "" && p.List == "" {
		return []string{p.Text}
	}
	var out []string
	for _, a := range p.Args {
		out = append(out, leaves(a)...)
	}
	return out
}

var latinWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// englishLeft is what of a line is in Latin letters once the store's and the books' own words
// are taken out ("SKU", which the Arabic names the product code with, aside).
func englishLeft(line string, own []string) []string {
	sort.Slice(own, func(i, j int) bool { return len(own[i]) > len(own[j]) })
	for _, w := range own {
		if w != "" {
			line = strings.ReplaceAll(line, strconv.Quote(w), " ")
			line = strings.ReplaceAll(line, w, " ")
		}
	}
	var out []string
	for _, w := range latinWord.FindAllString(line, -1) {
		if w != "SKU" {
			out = append(out, w)
		}
	}
	return out
}

func hasArabic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}

// A store synced into fresh books with the window in Arabic: every entry of the sync log, in its
// row and in the detail line, reads in Arabic, with only the store's and the books' own words
// (names, SKUs, numbers, currency) left as they are; so do the kinds, the run's row and the
// dashboard's counts.
func TestSyncLogInArabic(t *testing.T) {
	inLanguage(t, "ar")
	e := shopifyEnv(t, shopifytest.SeedOptions{Products: 6, Orders: 40, Seed: 3}, Deps{})
	m := e.m
	c := e.connect(t, "متجري", true)
	if !m.StartSync(c, core.SyncRequest{Trigger: core.TriggerManual}) {
		t.Fatal("the sync did not start")
	}
	m.Idle()
	test.Tap(m.Nav[ScreenSyncLog])
	m.Idle()
	s := m.SyncLog
	entries := s.Shown()
	if len(entries) < 40 {
		t.Fatalf("the sync log shows %d entries", len(entries))
	}
	kinds := map[string]bool{}
	for i, en := range entries {
		kinds[en.Kind] = true
		if en.Say.Code == "" {
			t.Errorf("entry %d has no sentence code: %q", i, en.Message)
			continue
		}
		line := logLine(en)
		if !hasArabic(line) || line == en.Message {
			t.Errorf("entry %d (%s) is not in Arabic: %q", i, en.Say.Code, line)
		}
		if left := englishLeft(line, leaves(en.Say)); len(left) > 0 {
			t.Errorf("entry %d (%s) keeps English %q: %q", i, en.Say.Code, left, line)
		}
	}
	if !kinds["order"] || !kinds["product"] || !kinds["refund"] {
		t.Fatalf("kinds logged: %v", kinds)
	}
	// The rows drawn, and the detail of each entry selected.
	for i := 0; i < 5 && i < len(entries); i++ {
		s.SelectEntry(i)
		m.Idle()
		want := logLine(entries[i]) // in logical order: the label wraps it, then reorders each line
		if s.Detail.Text != want {
			t.Fatalf("the detail of entry %d reads %q, want %q", i, s.Detail.Text, want)
		}
	}
	shown := map[string]bool{}
	for _, text := range texts(s.Entries) {
		shown[text] = true
	}
	for _, kind := range core.LogKinds {
		if shown[kind] {
			t.Errorf("the kind %q is shown in English", kind)
		}
	}
	rows := 0
	for _, en := range entries {
		if shown[visual(logLine(en))] && shown[kindName(en.Kind)] {
			rows++
		}
	}
	if rows < 3 {
		t.Errorf("%d rows show their entry in Arabic: %q", rows, texts(s.Entries))
	}
	// The run's row and the dashboard's counts.
	runs := texts(s.Runs)
	if len(runs) == 0 || !hasArabic(runs[0]) || len(englishLeft(runs[0], []string{c.Name})) > 0 {
		t.Errorf("the run's row: %q", runs)
	}
	counts := m.Dashboard.Cards[c.ID].Counts.Text
	if !hasArabic(counts) || len(englishLeft(counts, nil)) > 0 {
		t.Errorf("the dashboard's counts: %q", counts)
	}
}

// In Arabic an engine sentence reads from the right even when it starts with, and is mostly, the
// store's or the books' own Latin words (a product code, a warehouse's long English name).
func TestArabicLogLineReadsFromTheRight(t *testing.T) {
	inLanguage(t, "ar")
	e := core.LogEntry{Message: "HOM-0005-1: quantity changed by hand in the store ...", Say: core.Phrase{Code: "stock.adjusted", Args: []core.Phrase{
		{Text: "HOM-0005-1"}, {Code: "stock.hand_edit", Args: []core.Phrase{{Text: "5"}, {Text: "4"}}}, {Text: "5"}, {Text: "4"},
		{Text: "King Fahd Road Distribution Centre, Riyadh North Industrial Area, Building 7, Gate 3 (Receiving Dock, East Side)"}}}}
	drawn := strings.TrimSpace(drawnText(t, visual(logLine(e))))
	if !strings.HasSuffix(drawn, "HOM-0005-1") || strings.HasPrefix(drawn, "HOM") {
		t.Fatalf("drawn %q; the sentence should start at the right with the product's code", drawn)
	}
}

// A run that could not reach the store says why in the window's language, on the dashboard and in
// the runs pane, around the store's own words.
func TestFailedRunSaysWhyInArabic(t *testing.T) {
	inLanguage(t, "ar")
	e := memoryEnv(t, Deps{})
	m := e.m
	c := e.connect(t, "متجري", true)
	e.mem.FailNext("Info", errors.New("503 Service Unavailable"))
	if !m.StartSync(c, core.SyncRequest{Trigger: core.TriggerManual}) {
		t.Fatal("the sync did not start")
	}
	m.Idle()
	runs, err := e.eng.Runs(context.Background(), c.ID, 1)
	if err != nil || len(runs) != 1 || runs[0].Outcome != core.OutcomeFailed {
		t.Fatalf("runs: %+v, %v", runs, err)
	}
	want := "تعذّر الاتصال بالمتجر متجري: 503 Service Unavailable"
	if got := runCountsText(runs[0]); got != want {
		t.Fatalf("the failed run reads %q, want %q", got, want)
	}
	if got := m.Dashboard.Cards[c.ID].Counts.Text; got != visual(want) {
		t.Errorf("the dashboard says %q", got)
	}
	// The desktop notification, in logical order.
	sent := e.app.notifications()
	if len(sent) == 0 || sent[len(sent)-1].Content != want {
		t.Errorf("notifications: %+v", sent)
	}
}
