package storage

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchmarkInvoices posts b.N three-line sales invoices, perTx of them in each transaction, and
// reports invoices per second.
func benchmarkInvoices(b *testing.B, perTx int) {
	f := newFixture(b)
	var third Product
	must(b, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		third, err = tx.CreateProduct(Product{Code: "DATES-1", Name: "تمر سكري", SalePrice: d("45")})
		return err
	}))
	inv := f.sale(
		InvoiceLine{ProductID: f.coffee.ID, Quantity: d("2"), UnitPrice: d("32"), Discount: d("4"), Tax: d("9")},
		InvoiceLine{ProductID: f.tea.ID, Quantity: d("1"), UnitPrice: d("12.5"), Tax: d("1.875")},
		InvoiceLine{ProductID: third.ID, Quantity: d("0.5"), UnitPrice: d("45"), Tax: d("3.375")},
	)
	inv.Charges = []Charge{{Kind: ChargeShipping, Amount: d("15"), Tax: d("2.25")}}
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(perTx, b.N-done)
		must(b, f.db.Update(ctx, func(tx *Tx) error {
			for i := 0; i < n; i++ {
				if _, err := tx.IssueSalesInvoice(inv); err != nil {
					return err
				}
			}
			return nil
		}))
		done += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invoices/s")
}

func BenchmarkInvoiceOnePerTx(b *testing.B) { benchmarkInvoices(b, 1) }
func BenchmarkInvoice250PerTx(b *testing.B) { benchmarkInvoices(b, 250) }

// Client names of the seeded books: an Arabic first and family name for three clients in four, a
// Latin one for the fourth.
var (
	benchArabicFirst  = []string{"أمل", "محمد", "نورة", "خالد", "سارة", "فهد", "ريم", "عبدالله", "هند", "سلمان"}
	benchArabicFamily = []string{"الحربي", "العتيبي", "القحطاني", "الشمري", "الدوسري", "الغامدي", "الزهراني", "المطيري", "السبيعي", "العنزي"}
	benchLatinFirst   = []string{"John", "Sara", "Omar", "Lina", "Adam"}
	benchLatinFamily  = []string{"Smith", "Haddad", "Khan", "Brown", "Nasser"}
)

const benchClients = 5000

func benchClientName(i int) string {
	if i%4 == 3 {
		return benchLatinFirst[i%5] + " " + benchLatinFamily[(i/5)%5]
	}
	return benchArabicFirst[i%10] + " " + benchArabicFamily[(i/10)%10]
}

// figureBooks seeds 100,000 sales invoices over a year from two stores (and a return for every
// tenth) once, into a directory reused by later runs. The invoices are spread over 5,000 clients
// and carry their store's order name (Shopify's #1001…, WooCommerce's WC-5001…).
func figureBooks(b *testing.B) string { return figureBooksAt(b, 0) }

// figureBooksAt is figureBooks as an older Mizan wrote them: the schema migrated only to version
// (0: the current one). Each version's books are kept in a directory of their own.
func figureBooksAt(b *testing.B, version int) string {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("mizan-storage-figures-100k-v4-schema%d", version))
	if _, err := os.Stat(filepath.Join(dir, "seeded")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	db, err := Open(ctx, dir, Options{schemaVersion: version})
	must(b, err)
	defer db.Close()
	f := &fixture{db: db, branch: 1, warehouse: 1, client: 1}
	must(b, db.Update(ctx, func(tx *Tx) error {
		var err error
		f.coffee, err = tx.CreateProduct(Product{Code: "COF-250", Name: "قهوة عربية 250g", SalePrice: d("32")})
		return err
	}))
	clients := make([]int64, benchClients)
	must(b, db.Update(ctx, func(tx *Tx) error {
		for i := range clients {
			c, err := tx.CreateClient(Client{Name: benchClientName(i)})
			if err != nil {
				return err
			}
			clients[i] = c.ID
		}
		return nil
	}))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	conns := []string{"Shopify", "WooCommerce"}
	for batch := 0; batch < 100; batch++ {
		must(b, db.Update(ctx, func(tx *Tx) error {
			for i := 0; i < 1000; i++ {
				n := batch*1000 + i
				inv := f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("2"), UnitPrice: d("32"), Tax: d("9.6")},
					InvoiceLine{Description: "Gift wrap", Quantity: d("1"), UnitPrice: d("10"), Tax: d("0.5")})
				inv.IssueDate = start.Add(time.Duration(n) * 315 * time.Second) // 100,000 over 365 days
				inv.ClientID = clients[n%benchClients]
				inv.Source = Source{Connection: conns[n%2], ExternalID: fmt.Sprint(n), OrderName: fmt.Sprintf("#%d", 1001+n/2)}
				if n%2 == 1 {
					inv.Source.OrderName = fmt.Sprintf("WC-%d", 5001+n/2)
				}
				sale, err := tx.IssueSalesInvoice(inv)
				if err != nil {
					return err
				}
				if n%10 == 0 {
					if _, err := tx.IssueReturnInvoice(Invoice{OriginalID: sale.ID, IssueDate: inv.IssueDate.Add(time.Hour),
						Source: inv.Source, Lines: []InvoiceLine{{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32"), Tax: d("4.8")}}}); err != nil {
						return err
					}
				}
			}
			return nil
		}))
	}
	os.WriteFile(filepath.Join(dir, "seeded"), nil, 0o644)
	return dir
}

// BenchmarkFigures100k sums the dashboard's figures over books of 100,000 sales and 10,000
// returns: the whole year (every invoice), one month, and one store's year; and the VAT report of
// a month and of the year.
func BenchmarkFigures100k(b *testing.B) {
	db, err := Open(ctx, figureBooks(b), Options{})
	must(b, err)
	defer db.Close()
	year := Period{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Location: time.UTC}
	month := Period{From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), Location: time.UTC}
	store := year
	store.Connection = "Shopify"
	for _, bc := range []struct {
		name string
		p    Period
		want int
	}{{"year", year, 100_000}, {"month", month, 0}, {"store-year", store, 50_000}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				f, err := db.Figures(ctx, bc.p)
				must(b, err)
				if bc.want > 0 && f.Orders != bc.want {
					b.Fatalf("%d orders", f.Orders)
				}
			}
		})
	}
	for _, bc := range []struct {
		name string
		p    Period
	}{{"vat-report-month", month}, {"vat-report-year", year}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				_, err := db.VATReport(ctx, bc.p)
				must(b, err)
			}
		})
	}
}

// BenchmarkInvoiceSearch100k searches the 100,000 invoices of figureBooks as the invoice window
// does (the matches counted and the first page of 200 read) for a number, part of a number, a
// store order, an Arabic and a Latin fragment of a client's name, a query that matches nothing,
// and texts of one and two characters (which the trigram indexes cannot find), common and rare.
func BenchmarkInvoiceSearch100k(b *testing.B) {
	db, err := Open(ctx, figureBooks(b), Options{})
	must(b, err)
	defer db.Close()
	for _, bc := range []struct{ name, q string }{
		{"number", "MAIN-INV-054321"},
		{"number-part", "54321"},
		{"store-order", "#42424"},
		{"client-arabic", "الحرب"},
		{"client-latin", "smith"},
		{"no-match", "zzqx"},
		{"two-chars", "#9"},
		{"two-chars-arabic", "أم"},
		{"two-chars-rare", "zq"},
		{"one-char", "9"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f := InvoiceFilter{Search: bc.q}
			var n int
			for b.Loop() {
				_, n, err = db.InvoicePage(ctx, f, 200)
				must(b, err)
			}
			b.ReportMetric(float64(n), "matches")
		})
	}
}

// BenchmarkInvoiceSearchMigration100k times opening books of 100,000 invoices written before the
// search indexes (figureBooks' books at schema version 9): the migrations from 0010 on index them
// all.
func BenchmarkInvoiceSearchMigration100k(b *testing.B) {
	seeded, err := os.ReadFile(filepath.Join(figureBooksAt(b, 9), FileName))
	must(b, err)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		must(b, os.WriteFile(filepath.Join(dir, FileName), seeded, 0o644))
		b.StartTimer()
		db, err := Open(ctx, dir, Options{})
		must(b, err)
		b.StopTimer()
		var n int
		must(b, db.SQL().QueryRow(`SELECT count(*) FROM invoice_search WHERE invoice_search MATCH '"INV"'`).Scan(&n))
		if n != 100_000 {
			b.Fatalf("%d sales invoices indexed", n)
		}
		db.Close()
		b.StartTimer()
	}
}
