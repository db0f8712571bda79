package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	uidemo "mizan/ui/demo"
)

// TestFiguresAndVATEqualTheExport checks mizan figures and mizan vat against sums made by hand
// over mizan invoices export, on seeded demo books from two stores, for periods whose edges cut
// days that have invoices.
func TestFiguresAndVATEqualTheExport(t *testing.T) {
	dir := t.TempDir()
	if _, err := uidemo.Seed(context.Background(), dir, uidemo.Options{Invoices: 300, Days: 20,
		End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, "invoices", "export", "--format", "json")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	var invs []struct {
		Type, Date, Currency, Tax, Total string
		Source                           *struct{ Connection string }
	}
	if err := json.Unmarshal([]byte(out), &invs); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ from, to, conn string }{
		{"2026-03-01", "2026-03-31", ""},
		{"2026-03-20", "2026-03-25", ""},
		{"2026-03-20", "2026-03-25", "salla-main"},
		{"2026-03-22", "2026-03-22", "shopify-gulf"},
	}
	for _, tc := range tests {
		t.Run(tc.from+"_"+tc.to+"_"+tc.conn, func(t *testing.T) {
			var sales, returns, salesTax, returnsTax decimal.Decimal
			var orders, rets int
			days := map[string]decimal.Decimal{}
			for _, inv := range invs {
				at, err := time.Parse(time.RFC3339, inv.Date)
				if err != nil {
					t.Fatal(err)
				}
				day := at.In(time.Local).Format(time.DateOnly) // the tests' local zone is UTC (TestMain)
				conn := ""
				if inv.Source != nil {
					conn = inv.Source.Connection
				}
				if day < tc.from || day > tc.to || (tc.conn != "" && conn != tc.conn) || inv.Currency != "SAR" {
					continue
				}
				total, tax := d(inv.Total), d(inv.Tax)
				if inv.Type == "return" {
					returns, returnsTax, rets = returns.Add(total), returnsTax.Add(tax), rets+1
					days[day] = days[day].Sub(total)
				} else {
					sales, salesTax, orders = sales.Add(total), salesTax.Add(tax), orders+1
					days[day] = days[day].Add(total)
				}
			}
			if orders == 0 || (tc.conn == "" && rets == 0) {
				t.Fatalf("the period has %d sales and %d returns: the seed does not test it", orders, rets)
			}
			args := []string{"--from", tc.from, "--to", tc.to, "--format", "json"}
			if tc.conn != "" {
				args = append(args, "--connection", tc.conn)
			}
			code, out, errOut := run(t, dir, append([]string{"figures"}, args...)...)
			if code != 0 {
				t.Fatalf("figures: %d %s", code, errOut)
			}
			var fig figuresJSON
			if err := json.Unmarshal([]byte(out), &fig); err != nil {
				t.Fatal(err)
			}
			eq := func(what, got string, want decimal.Decimal) {
				t.Helper()
				if !d(got).Equal(want) {
					t.Errorf("%s %s, want %s", what, got, want)
				}
			}
			eq("sales", fig.Sales, sales)
			eq("returns", fig.Returns, returns)
			eq("net", fig.Net, sales.Sub(returns))
			eq("VAT", fig.VAT, salesTax.Sub(returnsTax))
			eq("average order", fig.AverageOrder, sales.Div(decimal.NewFromInt(int64(orders))).Round(2))
			if fig.Orders != orders || fig.ReturnsCount != rets {
				t.Errorf("orders %d returns %d, want %d %d", fig.Orders, fig.ReturnsCount, orders, rets)
			}
			for _, day := range fig.Days {
				eq("net of "+day.Day, day.Net, days[day.Day])
			}
			from, _ := time.Parse(time.DateOnly, tc.from)
			to, _ := time.Parse(time.DateOnly, tc.to)
			if len(fig.Days) != int(to.Sub(from).Hours()/24)+1 || fig.Days[0].Day != tc.from || fig.Days[len(fig.Days)-1].Day != tc.to {
				t.Errorf("days %+v", fig.Days)
			}

			code, out, errOut = run(t, dir, append([]string{"vat"}, args...)...)
			if code != 0 {
				t.Fatalf("vat: %d %s", code, errOut)
			}
			var rep vatJSON
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			eq("VAT on sales", rep.Total.SalesVAT, salesTax)
			eq("VAT on returns", rep.Total.ReturnsVAT, returnsTax)
			eq("net VAT", rep.Total.NetVAT, salesTax.Sub(returnsTax))
			eq("taxable sales", rep.Total.SalesTaxable, sales.Sub(salesTax))
			eq("taxable returns", rep.Total.ReturnsTaxable, returns.Sub(returnsTax))
			// The demo sells at 15% only; some of its orders have an order-level discount.
			if len(rep.Rates) == 0 || rep.Rates[0].Rate != "15" || !rep.Rates[0].Known || len(rep.Rates) > 2 ||
				(len(rep.Rates) == 2 && rep.Rates[1].Rate != "order discounts") {
				t.Errorf("rates %+v", rep.Rates)
			}
			if rep.Sales != orders || rep.Returns != rets {
				t.Errorf("report counts %d %d, want %d %d", rep.Sales, rep.Returns, orders, rets)
			}
		})
	}
	// The table and CSV forms carry the same total.
	code, out, _ = run(t, dir, "vat", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "rate,sales_taxable,sales_vat,returns_taxable,returns_vat,net_taxable,net_vat\n15%,") ||
		!strings.Contains(out, "\nTotal,") {
		t.Errorf("vat csv: %d\n%s", code, out)
	}
	// The PDF form: a file a reader opens; figures is not printed.
	pdfPath := filepath.Join(t.TempDir(), "vat.pdf")
	if code, _, errOut := run(t, dir, "vat", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "pdf", "--out", pdfPath); code != 0 {
		t.Errorf("vat pdf: %d %s", code, errOut)
	} else if raw, err := os.ReadFile(pdfPath); err != nil || !bytes.HasPrefix(raw, []byte("%PDF-")) {
		t.Errorf("vat pdf: %v, %.20q", err, raw)
	} else if pdfinfo, err := exec.LookPath("pdfinfo"); err == nil {
		if msg, err := exec.Command(pdfinfo, pdfPath).CombinedOutput(); err != nil {
			t.Errorf("pdfinfo: %v\n%s", err, msg)
		}
	}
	if code, _, _ := run(t, dir, "figures", "--format", "pdf"); code != 2 {
		t.Errorf("figures --format pdf: exit %d, want 2", code)
	}
	code, out, _ = run(t, dir, "figures", "--from", "2026-03-01", "--to", "2026-03-31")
	if code != 0 || !strings.Contains(out, "VAT collected") || !strings.Contains(out, "2026-03-31") {
		t.Errorf("figures table: %d\n%s", code, out)
	}
	if code, _, errOut := run(t, dir, "vat", "--from", "2026-03-05", "--to", "2026-03-01"); code != 2 {
		t.Errorf("a period ending before it starts: exit %d %s", code, errOut)
	}
}
