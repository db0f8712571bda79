package ui

import (
	"strings"
	"testing"
	"time"

	"mizan/core"
	"mizan/storage"
)

// A line made of several parts (a stock document's title, a sync run's row, a connection's name) is put in reading
// order as one line: parts reordered one by one and then joined read in the wrong order in
// Arabic (the document's number on the left, the warehouses swapped).
func TestLinesOfPartsReadInOrder(t *testing.T) {
	date := time.Date(2026, 1, 5, 12, 0, 0, 0, time.Local)
	transfer := storage.StockDocument{Number: "TRF-000002", Kind: storage.DocTransfer, Date: date,
		Warehouse: "المستودع الرئيسي", ToWarehouse: "فرع جدة", ReversesNumber: "TRF-000001"}
	run := core.RunSummary{Connection: "متجر أمل", Trigger: core.TriggerManual, StartedAt: date, Outcome: core.OutcomeOK,
		Counts: core.Counts{Invoices: 12, Returns: 1}}
	for _, c := range []struct {
		language     string
		title, runs  string // the lines in logical order
		first, after string // what reads first, and a part after it
		platformName string
		connection   string // a connection's name line, in logical order
	}{
		{"en",
			"TRF-000002  ·  Transfer  ·  2026-01-05  ·  المستودع الرئيسي to فرع جدة  ·  reverses TRF-000001",
			"2026-01-05 12:00  ·  متجر أمل  ·  Sync now  ·  done  ·  12 invoices, 1 return",
			"TRF-000002", "المستودع الرئيسي",
			"Salla", "متجر أمل  ·  Salla  ·  https://amal.example"},
		{"ar",
			"TRF-000002  ·  تحويل بين المستودعات  ·  2026-01-05  ·  من المستودع الرئيسي إلى فرع جدة  ·  يعكس TRF-000001",
			"2026-01-05 12:00  ·  متجر أمل  ·  زامن الآن  ·  تمت  ·  12 فاتورة، مرتجع واحد",
			"TRF-000002", "المستودع الرئيسي",
			"سلة", "متجر أمل  ·  سلة  ·  https://amal.example"},
	} {
		t.Run(c.language, func(t *testing.T) {
			inLanguage(t, c.language)
			lines := []struct{ name, got, want string }{
				{"stock document title", stockDocTitle(transfer), c.title},
				{"sync run", runLine(run), c.runs},
				{"connection", connectionLine("متجر أمل", c.platformName, "https://amal.example"), c.connection},
			}
			for _, l := range lines {
				if l.got != visual(l.want) {
					t.Errorf("%s: %q, want %q in reading order (%q)", l.name, l.got, l.want, visual(l.want))
				}
			}
			// The number reads first: at the left in English, at the right in Arabic.
			title := lines[0].got
			first, after := strings.Index(title, c.first), strings.Index(title, c.after)
			if first < 0 || after < 0 {
				t.Fatalf("title %q lacks %q or %q", title, c.first, c.after)
			}
			if got := first > after; got != (c.language == "ar") {
				t.Errorf("title %q: the number is drawn right of the warehouse: %v", title, got)
			}
		})
	}
}

// New books' first branch, warehouse and client are named in the window's language.
func TestFirstNamesInTheWindowsLanguage(t *testing.T) {
	for _, c := range []struct {
		language string
		want     storage.FirstNames
	}{
		{"en", storage.FirstNames{Branch: "Main branch", Warehouse: "Main warehouse", Client: "Walk-in customer"}},
		{"ar", storage.FirstNames{Branch: "الفرع الرئيسي", Warehouse: "المستودع الرئيسي", Client: "عميل نقدي"}},
	} {
		t.Run(c.language, func(t *testing.T) {
			inLanguage(t, c.language)
			if got := FirstNames(); got != c.want {
				t.Errorf("FirstNames() = %+v, want %+v", got, c.want)
			}
		})
	}
}

// A row or title made of a code, a name and what is said of them is put in reading order as one
// line: in Arabic what reads first (a branch's code, a product's code, a store's name) is drawn at
// the right, not joined at the left of the rest.
func TestRowsOfPartsReadInOrder(t *testing.T) {
	branch := storage.Branch{Code: "BR1", Name: "الفرع الرئيسي"}
	product := storage.Product{Code: "P-0001", Name: "عسل سدر 500 جم"}
	row := core.MappingRow{State: core.LinkLinked, HasStore: true, Store: core.StoreProduct{SKU: "HN-500", Name: "عسل سدر"},
		HasLocal: true, Local: storage.Product{Code: "P-0001", Name: "عسل سدر 500 جم"}}
	pending := []core.ProductLink{{Connection: "متجر أمل", State: core.ProductPending, Note: "SKU HN-500"}}
	for _, language := range []string{"en", "ar"} {
		t.Run(language, func(t *testing.T) {
			inLanguage(t, language)
			in := func(en, ar string) string {
				if language == "ar" {
					return ar
				}
				return en
			}
			for _, r := range []struct {
				name, got, want string // want is the line in logical order
				first, after    string // what reads first, and a part after it
			}{
				{"branch", branchLine(branch), "BR1 · الفرع الرئيسي", "BR1", "الفرع"},
				{"ledger title", ledgerTitle(product), "P-0001  ·  عسل سدر 500 جم", "P-0001", "عسل"},
				{"product's store", linksText(pending, nil),
					in("متجر أمل: pending: SKU HN-500", "متجر أمل: بانتظار المزامنة: SKU HN-500"), "أمل", "HN-500"},
				{"invoice issuer", issuerLabel("متجر أمل", "salla"), "متجر أمل (salla)", "أمل", "salla"},
				{"mapping row", mappingDetail(row), in("Store: HN-500 عسل سدر · Books: P-0001 عسل سدر 500 جم",
					"المتجر: HN-500 عسل سدر · الدفاتر: P-0001 عسل سدر 500 جم"), "HN-500", "P-0001"},
			} {
				if r.got != visual(r.want) {
					t.Errorf("%s: %q, want %q in reading order (%q)", r.name, r.got, r.want, visual(r.want))
				}
				first, after := strings.Index(r.got, r.first), strings.Index(r.got, r.after)
				if first < 0 || after < 0 {
					t.Fatalf("%s: %q lacks %q or %q", r.name, r.got, r.first, r.after)
				}
				if language == "ar" && first < after {
					t.Errorf("%s: %q: %q, which reads first, is drawn left of %q", r.name, r.got, r.first, r.after)
				}
			}
		})
	}
}
