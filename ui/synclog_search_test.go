package ui

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"mizan/core"
)

// searchLogFor types a search into the sync log and returns the entries shown.
func searchLogFor(m *App, s *SyncLogScreen, search string) []core.LogEntry {
	s.Search.SetText(search)
	m.Idle()
	return s.Shown()
}

// reads reports whether the window shows the search (folded) in the entry's row.
func reads(en core.LogEntry, search string) bool {
	q := core.FoldText(search)
	for _, shown := range []string{logLine(en), kindText(en.Kind), levelText(en.Level), en.StoreRef} {
		if strings.Contains(core.FoldText(shown), q) {
			return true
		}
	}
	return false
}

// The sync log's search finds the entries by what the window shows of them: in Arabic a word of
// an Arabic sentence, a client's name as typed on another keyboard, a kind and a level in Arabic,
// and the store's and the books' own Latin words (a SKU, an order number), but not the English the
// window does not show; in English the English, the kinds included.
func TestSyncLogSearchFindsWhatIsShown(t *testing.T) {
	for _, c := range []struct {
		language string
		cases    []struct {
			name, search string
			want         func(core.LogEntry) bool // an entry the search must find (nil: it finds none)
		}
	}{
		{"ar", []struct {
			name, search string
			want         func(core.LogEntry) bool
		}{
			{"a word of a sentence", "مرتجع", func(en core.LogEntry) bool { return en.Kind == "refund" }},
			{"a client's name", "الحربي", func(en core.LogEntry) bool { return en.Say.Code == "client.created" }},
			{"a name typed with another alef", "ابراهيم", func(en core.LogEntry) bool { return en.Say.Code == "client.created" }},
			{"a kind", "منتج", func(en core.LogEntry) bool { return en.Kind == "product" }},
			{"a level", "معلومة", func(en core.LogEntry) bool { return en.Say.Code == "order.invoiced" }},
			{"an order number", "#1002", func(en core.LogEntry) bool { return en.Say.Code == "order.invoiced" }},
			{"a SKU", "cof-250", func(en core.LogEntry) bool { return en.Kind == "product" }},
			{"English the window does not show", "Invoice", nil},
		}},
		{"en", []struct {
			name, search string
			want         func(core.LogEntry) bool
		}{
			{"a word of a sentence", "return invoice", func(en core.LogEntry) bool { return en.Kind == "refund" }},
			{"a kind", "product", func(en core.LogEntry) bool { return en.Kind == "product" }},
			{"a client's name", "ابراهيم", func(en core.LogEntry) bool { return en.Say.Code == "client.created" }},
		}},
	} {
		t.Run(c.language, func(t *testing.T) {
			inLanguage(t, c.language)
			e := memoryEnv(t, Deps{})
			m := e.m
			conn := e.connect(t, "متجري", false)
			coffee := e.mem.AddProduct(core.StoreProduct{Name: "قهوة عربية", SKU: "COF-250", SalePrice: decimal.NewFromInt(115),
				Quantity: decimal.NewFromInt(20), TracksStock: true})
			order := func(name, client string) core.StoreOrder {
				return e.mem.PlaceOrder(core.StoreOrder{Name: name, Status: "paid", Currency: "SAR", TaxesIncluded: true, StockReduced: true,
					Customer: &core.StoreCustomer{ExternalID: "Customer/" + name, Name: client, Phone: "05012345" + name[3:]},
					Lines: []core.StoreLine{{ProductID: coffee.ExternalID, SKU: coffee.SKU, Name: coffee.Name, Quantity: decimal.NewFromInt(1),
						UnitPrice: decimal.NewFromInt(115), Tax: decimal.NewFromInt(15)}},
					Total: decimal.NewFromInt(115)})
			}
			order("#1001", "أمل الحربي")
			refunded := order("#1002", "إبراهيم العتيبي")
			e.mem.Refund(refunded.ExternalID, core.StoreRefund{Total: decimal.NewFromInt(5)})
			if !m.StartSync(conn, core.SyncRequest{Trigger: core.TriggerManual}) {
				t.Fatal("the sync did not start")
			}
			m.Idle()
			m.Show(ScreenSyncLog)
			m.Idle()
			s := m.SyncLog
			all := s.Shown()
			if len(all) < 5 {
				t.Fatalf("the sync log shows %d entries", len(all))
			}
			for _, sc := range c.cases {
				shown := searchLogFor(m, s, sc.search)
				found := false
				for _, en := range shown {
					if !reads(en, sc.search) {
						t.Errorf("%s: %q found an entry that does not show it: %q", sc.name, sc.search, logLine(en))
					}
					if sc.want != nil && sc.want(en) {
						found = true
					}
				}
				if sc.want == nil && len(shown) > 0 {
					t.Errorf("%s: %q found %d entries, want none: %q", sc.name, sc.search, len(shown), logLine(shown[0]))
				}
				if sc.want != nil && !found {
					t.Errorf("%s: %q did not find its entry; found %d", sc.name, sc.search, len(shown))
				}
				// Every entry that shows the search is found.
				want := 0
				for _, en := range all {
					if reads(en, sc.search) {
						want++
					}
				}
				if len(shown) != want {
					t.Errorf("%s: %q found %d entries, %d show it", sc.name, sc.search, len(shown), want)
				}
			}
			// Any part of what a row shows finds every row that shows it, with the window's wording.
			rng := rand.New(rand.NewPCG(7, uint64(len(c.language))))
			for range 150 {
				en := all[rng.IntN(len(all))]
				shown := []string{logLine(en), kindText(en.Kind), levelText(en.Level), en.StoreRef}
				text := []rune(shown[rng.IntN(len(shown))])
				if len(text) == 0 {
					continue
				}
				from := rng.IntN(len(text))
				part := strings.TrimSpace(string(text[from : from+1+rng.IntN(min(15, len(text)-from))]))
				if core.FoldText(part) == "" {
					continue
				}
				want := 0
				for _, en := range all {
					if reads(en, part) {
						want++
					}
				}
				// As the screen searches, without waiting for the typing to pause.
				got, err := e.eng.Log(context.Background(), core.LogFilter{RunID: s.runID, Search: part, Reading: logReading(), Limit: 5000})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != want {
					t.Errorf("%q found %d entries, %d show it", part, len(got), want)
				}
			}
			if got := searchLogFor(m, s, ""); len(got) != len(all) {
				t.Errorf("the search cleared shows %d entries, want %d", len(got), len(all))
			}
		})
	}
}
