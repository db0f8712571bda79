package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"mizan/storage"
)

// TestDashboardFiguresAndVATReportEqualTheInvoices chooses periods and a store on the dashboard
// and checks the figures, the chart and the VAT report (shown and exported) against sums made by
// hand over the books' invoices.
func TestDashboardFiguresAndVATReportEqualTheInvoices(t *testing.T) {
	m, db := openApp(t, seededDir(t, 300))
	m.Show(ScreenDashboard)
	m.Idle()
	all, err := db.FullInvoices(context.Background(), storage.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Dashboard.Figures
	if !p.From.Disabled() {
		t.Error("the days can be typed while this month is chosen")
	}
	pick(t, m.Window.Canvas(), p.Period, "Chosen period")
	if p.From.Disabled() {
		t.Fatal("the days cannot be typed for a chosen period")
	}
	for _, tc := range []struct{ from, to, store string }{
		{"2026-03-01", "2026-03-31", "All stores"},
		{"2026-02-10", "2026-02-20", "All stores"},
		{"2026-02-10", "2026-03-20", "shopify-gulf"},
	} {
		t.Run(tc.from+"_"+tc.to+"_"+tc.store, func(t *testing.T) {
			if p.Store.Selected != tc.store {
				pick(t, m.Window.Canvas(), p.Store, tc.store)
			}
			p.From.SetText(tc.from)
			p.To.SetText(tc.to)
			test.Tap(p.Show)
			m.Idle()
			var sales, returns, tax decimal.Decimal
			orders := 0
			for _, inv := range all {
				day := inv.IssueDate.In(time.Local).Format(time.DateOnly)
				if day < tc.from || day > tc.to || (tc.store != "All stores" && inv.Source.Connection != tc.store) {
					continue
				}
				if inv.Type == storage.ReturnInvoice {
					returns, tax = returns.Add(inv.Total), tax.Sub(inv.Tax)
				} else {
					sales, tax, orders = sales.Add(inv.Total), tax.Add(inv.Tax), orders+1
				}
			}
			if orders == 0 {
				t.Fatal("no sales in the period: the seed does not test it")
			}
			for _, c := range []struct{ what, got, want string }{
				{"sales", p.Sales.Text, money(sales) + " SAR"},
				{"returns", p.Returns.Text, money(returns) + " SAR"},
				{"net", p.Net.Text, money(sales.Sub(returns)) + " SAR"},
				{"VAT", p.VAT.Text, money(tax) + " SAR"},
				{"orders", p.Orders.Text, itoa(orders)},
				{"average", p.Average.Text, money(sales.Div(decimal.NewFromInt(int64(orders))).Round(2)) + " SAR"},
			} {
				if c.got != c.want {
					t.Errorf("%s shows %q, want %q", c.what, c.got, c.want)
				}
			}
			from, _ := time.Parse(time.DateOnly, tc.from)
			to, _ := time.Parse(time.DateOnly, tc.to)
			if n := int(to.Sub(from).Hours()/24) + 1; p.Chart.Bars() != n {
				t.Errorf("the chart draws %d days, want %d", p.Chart.Bars(), n)
			}
			mustShow(t, m.Window.Content(), money(sales)+" SAR")

			test.Tap(p.VATReport)
			m.Idle()
			v := p.LastReport
			if v == nil {
				t.Fatal("no VAT report shown")
			}
			last := v.Rows() - 1
			if got := v.Cell(last, 6); got != money(tax) {
				t.Errorf("the report's net VAT %q, want %q", got, money(tax))
			}
			if got := v.Cell(last, 1); got != money(sales.Sub(salesTax(all, tc.from, tc.to, tc.store))) {
				t.Errorf("the report's taxable sales %q", got)
			}
			path := filepath.Join(t.TempDir(), "vat.csv")
			if err := v.ExportCSV(path); err != nil {
				t.Fatal(err)
			}
			raw, _ := os.ReadFile(path)
			lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(raw), "\uFEFF")), "\n")
			total := strings.Split(lines[len(lines)-1], ",")
			if lines[0] != strings.Join(storage.VATReportCSVHeader, ",") || total[0] != "Total" || !d(total[6]).Equal(tax) {
				t.Errorf("exported:\n%s", raw)
			}
			pdf, err := v.PDF(context.Background())
			if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Errorf("the report's PDF: %v (%d bytes)", err, len(pdf))
			}
			v.Dialog.Hide()
		})
	}
}

func salesTax(all []storage.Invoice, from, to, store string) decimal.Decimal {
	var tax decimal.Decimal
	for _, inv := range all {
		day := inv.IssueDate.In(time.Local).Format(time.DateOnly)
		if inv.Type == storage.SalesInvoice && day >= from && day <= to && (store == "All stores" || inv.Source.Connection == store) {
			tax = tax.Add(inv.Tax)
		}
	}
	return tax
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }
