package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"

	"mizan/core"
)

// cldrCategory is a whole number's plural category in English and in Arabic, as CLDR defines them.
func cldrCategory(language string, n int) string {
	if language == "en" {
		if n == 1 {
			return "one"
		}
		return "other"
	}
	switch r := n % 100; {
	case n == 0:
		return "zero"
	case n == 1:
		return "one"
	case n == 2:
		return "two"
	case r >= 3 && r <= 10:
		return "few"
	case r >= 11 && r <= 99:
		return "many"
	}
	return "other"
}

var pluralCounts = []int{0, 1, 2, 3, 10, 11, 99, 100, 101, 103, 111}

// Every string with a count reads in the form its language gives that number: Arabic's six
// categories (zero, one, two, few 3–10, many 11–99, other 100+, by the last two digits past 100)
// and English's two, each translation having every form of its language.
func TestCountsTakeTheirLanguagesPluralForms(t *testing.T) {
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			file := readTranslations(t, language+".json")
			var keys []string
			for k, v := range file {
				if _, ok := v.(map[string]any); ok {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			if len(keys) < 20 {
				t.Fatalf("only %d strings have plural forms: %v", len(keys), keys)
			}
			for _, key := range keys {
				forms := file[key].(map[string]any)
				for _, n := range pluralCounts {
					form, _ := forms[cldrCategory(language, n)].(string)
					if form == "" {
						t.Errorf("%s: no %q form (for %d)", key, cldrCategory(language, n), n)
						continue
					}
					data := map[string]any{"Count": n, "Name": "Salla"}
					var want strings.Builder
					if err := template.Must(template.New(key).Parse(form)).Execute(&want, data); err != nil {
						t.Fatal(err)
					}
					if got := trnText(key, "?", n, data); got != want.String() {
						t.Errorf("%s, %d: %q, want the %s form %q", key, n, got, cldrCategory(language, n), want.String())
					}
				}
			}
		})
	}
}

// The counts the window shows, word for word.
func TestCountsReadNaturally(t *testing.T) {
	type row struct {
		key, english string
		want         map[int]string // count → text
	}
	cases := map[string][]row{
		"en": {
			{"invoices.count", "{{.Count}} invoices", map[int]string{0: "0 invoices", 1: "1 invoice", 2: "2 invoices", 101: "101 invoices"}},
			{"run.returns", "{{.Count}} returns", map[int]string{1: "1 return", 2: "2 returns", 11: "11 returns"}},
			{"export.lines", "{{.Count}} lines", map[int]string{1: "1 line", 3: "3 lines"}},
			{"run.errors", "{{.Count}} errors", map[int]string{1: "1 error", 100: "100 errors"}},
		},
		"ar": {
			{"invoices.count", "{{.Count}} invoices", map[int]string{0: "لا فواتير", 1: "فاتورة واحدة", 2: "فاتورتان", 3: "3 فواتير",
				10: "10 فواتير", 11: "11 فاتورة", 99: "99 فاتورة", 100: "100 فاتورة", 101: "101 فاتورة", 103: "103 فواتير", 887: "887 فاتورة"}},
			{"run.returns", "{{.Count}} returns", map[int]string{0: "لا مرتجعات", 1: "مرتجع واحد", 2: "مرتجعان", 3: "3 مرتجعات",
				10: "10 مرتجعات", 11: "11 مرتجعًا", 99: "99 مرتجعًا", 100: "100 مرتجع", 101: "101 مرتجع"}},
			{"export.lines", "{{.Count}} lines", map[int]string{1: "سطر واحد", 2: "سطران", 5: "5 أسطر", 40: "40 سطرًا", 200: "200 سطر"}},
			{"run.errors", "{{.Count}} errors", map[int]string{1: "خطأ واحد", 2: "خطآن", 4: "4 أخطاء", 12: "12 خطأً", 300: "300 خطأ"}},
		},
	}
	for language, rows := range cases {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			for _, r := range rows {
				for n, want := range r.want {
					if got := countText(r.key, r.english, n); got != want {
						t.Errorf("%s, %d: %q, want %q", r.key, n, got, want)
					}
				}
			}
		})
	}
}

// A run's counts on the dashboard, in the runs pane and in the notification name only what the
// run did, each in its plural form.
func TestRunCountsReadNaturally(t *testing.T) {
	for _, c := range []struct {
		language string
		counts   core.Counts
		want     string
	}{
		{"en", core.Counts{Invoices: 887, Returns: 12}, "887 invoices, 12 returns"},
		{"en", core.Counts{Invoices: 1, Returns: 1, ProductsCreated: 1, Warnings: 1}, "1 invoice, 1 return, 1 product imported or linked, 1 warning"},
		{"en", core.Counts{}, "nothing new"},
		{"ar", core.Counts{Invoices: 887, Returns: 12}, "887 فاتورة، 12 مرتجعًا"},
		{"ar", core.Counts{Invoices: 2, Returns: 1, StockPushed: 3, Errors: 2}, "فاتورتان، مرتجع واحد، 3 تحديثات أُرسلت إلى المتجر، خطآن"},
		{"ar", core.Counts{}, "لا جديد"},
	} {
		inLanguage(t, c.language)
		if got := runCountsText(core.RunSummary{Outcome: core.OutcomeOK, Counts: c.counts}); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.language, c.counts, got, c.want)
		}
	}
}

// A string with plural forms is only ever looked up with its count (trn, trnText, countText):
// tr and trText give it the "other" form whatever the number ("1 invoices").
func TestPluralStringsAreLookedUpWithTheirCount(t *testing.T) {
	raw, err := translations.ReadFile("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	lookup := regexp.MustCompile(`\btr(?:Text)?\("([^"]+)"`)
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lookup.FindAllStringSubmatch(string(src), -1) {
			if _, plural := file[m[1]].(map[string]any); plural {
				t.Errorf("%s looks %q up without its count", name, m[1])
			}
		}
	}
}
