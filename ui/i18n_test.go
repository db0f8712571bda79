package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"fyne.io/fyne/v2/lang"

	"mizan/core"
)

func readTranslations(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// Every string the code asks for is in English and Arabic, and neither file has strings the code
// no longer uses.
func TestTranslationsAreComplete(t *testing.T) {
	en, ar := readTranslations(t, "en.json"), readTranslations(t, "ar.json")
	used := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	call := regexp.MustCompile(`\b(?:trn?|trText|trnText|countText|lang\.X)\("([^"]+)"`)
	for _, f := range files {
		src, _ := os.ReadFile(f)
		if filepath.Base(f) != "i18n.go" && !regexp.MustCompile(`_test\.go$`).MatchString(f) {
			for _, m := range call.FindAllStringSubmatch(string(src), -1) {
				used[m[1]] = true
			}
		}
	}
	for code := range core.LogWords() { // the engine's sync log sentences (see logLine)
		used[logKey(code)] = true
	}
	for _, kind := range core.LogKinds {
		used[kindKey(kind)] = true
	}
	var problems []string
	for k := range used {
		if _, ok := en[k]; !ok {
			problems = append(problems, "en.json lacks "+k)
		}
		if _, ok := ar[k]; !ok {
			problems = append(problems, "ar.json lacks "+k)
		}
	}
	for k := range en {
		if !used[k] {
			problems = append(problems, "en.json has unused "+k)
		}
	}
	for k := range ar {
		if _, ok := en[k]; !ok {
			problems = append(problems, "ar.json has "+k+", which en.json lacks")
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

func TestArabicLocale(t *testing.T) {
	setupTranslations()
	t.Setenv("LANGUAGE", "ar")
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		os.Setenv("LANGUAGE", "en")
		lang.AddTranslationsFS(translations, "translations")
	}()
	if got := tr("invoices.title", "Invoices"); got != "الفواتير" {
		t.Fatalf("invoices title in Arabic: %q", got)
	}
	if got := trn("invoices.count", "{{.Count}} invoices", 2, map[string]any{"Count": 2}); got != "فاتورتان" {
		t.Fatalf("two invoices in Arabic: %q", got)
	}
	// A count in an Arabic sentence is put in right-to-left reading order for Fyne.
	if got := trn("invoices.count", "{{.Count}} invoices", 300, map[string]any{"Count": 300}); drawnText(t, got) != rtl(" فاتورة")+"300" {
		t.Fatalf("300 invoices in Arabic: %q is drawn %q", got, drawnText(t, got))
	}
}
