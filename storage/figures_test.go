package storage

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// riyadh is Saudi time (UTC+3, no daylight saving), fixed so the tests need no zone database.
var riyadh = time.FixedZone("AST", 3*3600)

// seedFigureBooks issues sales over ten days of March 2026 from two stores and the window, at
// 0%, 5% and 15%, some with prices including VAT, order discounts, shipping and COD fees, many
// close to midnight in Riyadh and in UTC; a third of them partly returned some hours later; and one
// sale in dollars.
func seedFigureBooks(t testing.TB, f *fixture) {
	t.Helper()
	rng := rand.New(rand.NewPCG(14, 4))
	conns := []string{"Shopify Riyadh", "Woo Jeddah", ""}
	rates := []string{"0", "0.05", "0.15", "0.15"}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, riyadh)
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		for i := 0; i < 240; i++ {
			day := start.AddDate(0, 0, rng.IntN(10))
			var at time.Time
			switch rng.IntN(4) {
			case 0: // just before or after midnight in Riyadh
				at = day.Add(time.Duration(rng.IntN(20)-10) * time.Minute)
			case 1: // just before or after midnight UTC (03:00 in Riyadh)
				at = day.Add(3*time.Hour + time.Duration(rng.IntN(20)-10)*time.Minute)
			default:
				at = day.Add(time.Duration(rng.IntN(24*60)) * time.Minute)
			}
			incl := rng.IntN(3) == 0
			var lines []InvoiceLine
			for j, n := 0, 1+rng.IntN(3); j < n; j++ {
				p := f.coffee
				if j%2 == 1 {
					p = f.tea
				}
				qty := decimal.NewFromInt(int64(1 + rng.IntN(3)))
				price := decimal.New(int64(500+rng.IntN(9000)), -2)
				disc := decimal.Zero
				if rng.IntN(4) == 0 {
					disc = decimal.New(int64(rng.IntN(300)), -2)
				}
				rate := d(rates[rng.IntN(len(rates))])
				net := qty.Mul(price).Sub(disc)
				tax := net.Mul(rate).Round(2)
				if incl { // the price includes the VAT: VAT = gross × rate ÷ (1 + rate)
					tax = net.Mul(rate).Div(rate.Add(decimal.NewFromInt(1))).Round(2)
				}
				lines = append(lines, InvoiceLine{ProductID: p.ID, Quantity: qty, UnitPrice: price, Discount: disc, Tax: tax})
			}
			inv := f.sale(lines...)
			inv.IssueDate, inv.TaxInclusive = at.UTC(), incl
			inv.Source = Source{Connection: conns[rng.IntN(len(conns))]}
			if inv.Source.Connection != "" {
				inv.Source.Platform, inv.Source.ExternalID = "shopify", inv.Source.Connection+"/"+at.String()
			}
			if rng.IntN(3) == 0 {
				ship := decimal.New(int64(1000+rng.IntN(2000)), -2)
				tax := ship.Mul(d("0.15")).Round(2)
				if incl {
					tax = ship.Mul(d("0.15")).Div(d("1.15")).Round(2)
				}
				inv.Charges = append(inv.Charges, Charge{Kind: ChargeShipping, Amount: ship, Tax: tax})
			}
			if rng.IntN(5) == 0 && !incl {
				inv.Charges = append(inv.Charges, Charge{Kind: ChargeFee, Amount: d("5"), Tax: d("0.75")})
			}
			if rng.IntN(6) == 0 {
				inv.Discount = d("1.5")
			}
			sale, err := tx.IssueSalesInvoice(inv)
			if err != nil {
				return err
			}
			l := lines[0]
			if rng.IntN(3) != 0 || !inv.Discount.IsZero() || !l.Discount.IsZero() {
				continue // a discounted sale is not returned here: a return may not give back more than was paid
			}
			ret := Invoice{OriginalID: sale.ID, IssueDate: at.Add(time.Duration(1+rng.IntN(40)) * time.Hour).UTC(),
				TaxInclusive: incl, Source: inv.Source,
				Lines: []InvoiceLine{{ProductID: l.ProductID, Quantity: d("1"), UnitPrice: l.UnitPrice,
					Tax: l.Tax.Div(l.Quantity).Round(2), Restock: true}}}
			if ret.Source.ExternalID != "" {
				ret.Source.ExternalID += ":refund"
			}
			if len(inv.Charges) > 0 && rng.IntN(2) == 0 {
				ret.Charges = inv.Charges[:1]
			}
			if _, err := tx.IssueReturnInvoice(ret); err != nil {
				return err
			}
		}
		usd := f.sale(InvoiceLine{ProductID: f.tea.ID, Quantity: d("1"), UnitPrice: d("20"), Tax: d("3")})
		usd.Currency, usd.IssueDate = "USD", start.Add(50*time.Hour)
		_, err := tx.IssueSalesInvoice(usd)
		return err
	}))
}

// expectedFigures sums the exported invoices of the period by hand, placing each on its day in loc.
func expectedFigures(invs []Invoice, from, to string, loc *time.Location, conn string) (Figures, map[string]DayFigures) {
	want := Figures{Currency: "SAR"}
	days := map[string]DayFigures{}
	for _, inv := range invs {
		day := inv.IssueDate.In(loc).Format(time.DateOnly)
		if day < from || day > to || (conn != "" && inv.Source.Connection != conn) {
			continue
		}
		if inv.Currency != "SAR" {
			want.OtherCurrency++
			continue
		}
		dd := days[day]
		if inv.Type == ReturnInvoice {
			want.Returns, want.ReturnsVAT, want.ReturnsCount = want.Returns.Add(inv.Total), want.ReturnsVAT.Add(inv.Tax), want.ReturnsCount+1
			dd.Returns = dd.Returns.Add(inv.Total)
		} else {
			want.Sales, want.SalesVAT, want.Orders = want.Sales.Add(inv.Total), want.SalesVAT.Add(inv.Tax), want.Orders+1
			dd.Sales, dd.Orders = dd.Sales.Add(inv.Total), dd.Orders+1
		}
		days[day] = dd
	}
	return want, days
}

func TestFiguresEqualTheExportedInvoices(t *testing.T) {
	f := newFixture(t)
	seedFigureBooks(t, f)
	all, err := f.db.FullInvoices(ctx, InvoiceFilter{})
	must(t, err)
	day := func(s string) time.Time { v, _ := time.ParseInLocation(time.DateOnly, s, riyadh); return v }
	tests := []struct {
		name, from, to, conn string
		loc                  *time.Location
	}{
		{"all of it", "2026-02-25", "2026-03-20", "", riyadh},
		{"days inside, cut at Riyadh midnights", "2026-03-03", "2026-03-06", "", riyadh},
		{"one day", "2026-03-05", "2026-03-05", "", riyadh},
		{"one store", "2026-03-02", "2026-03-08", "Woo Jeddah", riyadh},
		{"the other store", "2026-03-02", "2026-03-08", "Shopify Riyadh", riyadh},
		{"days counted in UTC instead", "2026-03-03", "2026-03-06", "", time.UTC},
		{"a zone whose days start on the half hour", "2026-03-03", "2026-03-06", "", time.FixedZone("IST", 5*3600+1800)},
		{"a zone whose days start off the minute", "2026-03-03", "2026-03-06", "", time.FixedZone("LMT", 3*3600+7*60+12)},
		{"nothing in it", "2026-04-01", "2026-04-03", "", riyadh},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, _ := time.ParseInLocation(time.DateOnly, tc.from, tc.loc)
			to, _ := time.ParseInLocation(time.DateOnly, tc.to, tc.loc)
			got, err := f.db.Figures(ctx, Period{From: from, To: to, Location: tc.loc, Connection: tc.conn})
			must(t, err)
			want, days := expectedFigures(all, tc.from, tc.to, tc.loc, tc.conn)
			for _, c := range []struct {
				what      string
				got, want decimal.Decimal
			}{
				{"sales", got.Sales, want.Sales}, {"returns", got.Returns, want.Returns},
				{"net", got.Net, want.Sales.Sub(want.Returns)}, {"sales VAT", got.SalesVAT, want.SalesVAT},
				{"returns VAT", got.ReturnsVAT, want.ReturnsVAT}, {"VAT", got.VAT, want.SalesVAT.Sub(want.ReturnsVAT)},
			} {
				if !c.got.Equal(c.want) {
					t.Errorf("%s %s, want %s", c.what, c.got, c.want)
				}
			}
			if got.Orders != want.Orders || got.ReturnsCount != want.ReturnsCount || got.OtherCurrency != want.OtherCurrency {
				t.Errorf("orders %d returns %d other currency %d, want %d %d %d", got.Orders, got.ReturnsCount, got.OtherCurrency,
					want.Orders, want.ReturnsCount, want.OtherCurrency)
			}
			if want.Orders > 0 && !got.AverageOrder.Equal(want.Sales.Div(decimal.NewFromInt(int64(want.Orders))).Round(2)) {
				t.Errorf("average order %s", got.AverageOrder)
			}
			if n := int(to.Sub(from).Hours()/24) + 1; len(got.Days) != n {
				t.Fatalf("%d days, want %d", len(got.Days), n)
			}
			for _, gd := range got.Days {
				key := gd.Day.Format(time.DateOnly)
				if gd.Day.Location() != tc.loc || gd.Day.Hour() != 0 {
					t.Errorf("day %v is not a midnight in the period's zone", gd.Day)
				}
				wd := days[key]
				if !gd.Sales.Equal(wd.Sales) || !gd.Returns.Equal(wd.Returns) || gd.Orders != wd.Orders {
					t.Errorf("%s: sales %s returns %s orders %d, want %s %s %d", key, gd.Sales, gd.Returns, gd.Orders, wd.Sales, wd.Returns, wd.Orders)
				}
			}
		})
	}
	// The zone matters: the seeded invoices near midnight put different sums on the same dates.
	r, err := f.db.Figures(ctx, Period{From: day("2026-03-03"), To: day("2026-03-03"), Location: riyadh})
	must(t, err)
	u, err := f.db.Figures(ctx, Period{From: day("2026-03-03"), To: day("2026-03-03"), Location: time.UTC})
	must(t, err)
	if r.Sales.Equal(u.Sales) {
		t.Errorf("the 3rd counted in Riyadh and in UTC both sum %s: the seed does not cross the day edge", r.Sales)
	}
	if _, err := f.db.Figures(ctx, Period{From: day("2026-03-03"), To: day("2026-03-02")}); !IsValidation(err) {
		t.Errorf("a period ending before it starts: %v", err)
	}
}

func TestVATReportEqualsTheExportedInvoices(t *testing.T) {
	f := newFixture(t)
	seedFigureBooks(t, f)
	all, err := f.db.FullInvoices(ctx, InvoiceFilter{})
	must(t, err)
	tests := []struct{ name, from, to, conn string }{
		{"all of it", "2026-02-25", "2026-03-20", ""},
		{"days inside", "2026-03-03", "2026-03-06", ""},
		{"one store", "2026-03-02", "2026-03-08", "Shopify Riyadh"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, _ := time.ParseInLocation(time.DateOnly, tc.from, riyadh)
			to, _ := time.ParseInLocation(time.DateOnly, tc.to, riyadh)
			rep, err := f.db.VATReport(ctx, Period{From: from, To: to, Location: riyadh, Connection: tc.conn})
			must(t, err)
			// By hand: each line and charge at its whole-percent rate, from the exported invoices.
			type sums struct{ st, sv, rt, rv decimal.Decimal }
			want := map[int64]*sums{}
			var total sums
			var discounts sums
			add := func(ret bool, taxable, vat decimal.Decimal) {
				rate := int64(0)
				if !taxable.IsZero() {
					rate = vat.Mul(decimal.NewFromInt(100)).Div(taxable).Round(0).IntPart()
				}
				s := want[rate]
				if s == nil {
					s = &sums{}
					want[rate] = s
				}
				if ret {
					s.rt, s.rv = s.rt.Add(taxable), s.rv.Add(vat)
				} else {
					s.st, s.sv = s.st.Add(taxable), s.sv.Add(vat)
				}
			}
			for _, inv := range all {
				day := inv.IssueDate.In(riyadh).Format(time.DateOnly)
				if day < tc.from || day > tc.to || inv.Currency != "SAR" || (tc.conn != "" && inv.Source.Connection != tc.conn) {
					continue
				}
				ret := inv.Type == ReturnInvoice
				if ret {
					total.rt, total.rv = total.rt.Add(inv.Total.Sub(inv.Tax)), total.rv.Add(inv.Tax)
					discounts.rt = discounts.rt.Sub(inv.Discount)
				} else {
					total.st, total.sv = total.st.Add(inv.Total.Sub(inv.Tax)), total.sv.Add(inv.Tax)
					discounts.st = discounts.st.Sub(inv.Discount)
				}
				for _, l := range inv.Lines {
					taxable := l.Quantity.Mul(l.UnitPrice).Sub(l.Discount)
					if inv.TaxInclusive {
						taxable = taxable.Sub(l.Tax)
					}
					add(ret, taxable, l.Tax)
				}
				for _, c := range inv.Charges {
					taxable := c.Amount
					if inv.TaxInclusive {
						taxable = taxable.Sub(c.Tax)
					}
					add(ret, taxable, c.Tax)
				}
			}
			if len(rep.Rates) != len(want) || len(want) < 3 {
				t.Fatalf("rates %+v, want %d of them", rep.Rates, len(want))
			}
			for _, r := range rep.Rates {
				w := want[r.Rate.IntPart()]
				if !r.Known || w == nil || !r.SalesTaxable.Equal(w.st) || !r.SalesVAT.Equal(w.sv) ||
					!r.ReturnsTaxable.Equal(w.rt) || !r.ReturnsVAT.Equal(w.rv) {
					t.Errorf("rate %s%%: %s %s %s %s, want %+v", r.Rate, r.SalesTaxable, r.SalesVAT, r.ReturnsTaxable, r.ReturnsVAT, w)
				}
			}
			if !rep.OrderDiscounts.SalesTaxable.Equal(discounts.st) || !rep.OrderDiscounts.ReturnsTaxable.Equal(discounts.rt) {
				t.Errorf("order discounts %s %s, want %s %s", rep.OrderDiscounts.SalesTaxable, rep.OrderDiscounts.ReturnsTaxable, discounts.st, discounts.rt)
			}
			// To the halala: the report's totals are the invoices' own.
			if !rep.Total.SalesTaxable.Equal(total.st) || !rep.Total.SalesVAT.Equal(total.sv) ||
				!rep.Total.ReturnsTaxable.Equal(total.rt) || !rep.Total.ReturnsVAT.Equal(total.rv) {
				t.Errorf("totals %+v, want Σ(total − tax) and Σ tax %+v", rep.Total, total)
			}
			fig, err := f.db.Figures(ctx, Period{From: from, To: to, Location: riyadh, Connection: tc.conn})
			must(t, err)
			if !rep.Total.NetVAT().Equal(fig.VAT) || rep.Sales != fig.Orders || rep.Returns != fig.ReturnsCount {
				t.Errorf("report's net VAT %s for %d/%d invoices, dashboard's %s for %d/%d", rep.Total.NetVAT(), rep.Sales, rep.Returns,
					fig.VAT, fig.Orders, fig.ReturnsCount)
			}
		})
	}
}

func TestVATRate(t *testing.T) {
	tests := []struct {
		taxable, vat string
		rate         string
		known        bool
	}{
		{"100", "15", "15", true},
		{"100", "5", "5", true},
		{"100", "0", "0", true},
		{"0", "0", "0", true},
		{"0.10", "0.02", "15", true},   // 0.015 rounded up to the halala
		{"33.33", "5", "15", true},     // 15.0015…%
		{"99.99", "14.99", "15", true}, // 14.99…%
		{"1000", "150.4", "15", true},  // within half a point
		{"100", "10", "10", false},     // not a Saudi rate: shown as it is
		{"1000", "123.456", "12.35", false},
		{"0", "3", "-1", false}, // VAT on nothing
		{"-100", "-15", "15", true},
	}
	for _, tc := range tests {
		rate, known := VATRate(d(tc.taxable), d(tc.vat))
		if !rate.Equal(d(tc.rate)) || known != tc.known {
			t.Errorf("VATRate(%s, %s) = %s %v, want %s %v", tc.taxable, tc.vat, rate, known, tc.rate, tc.known)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, s := range []string{"0", "12", "-12.345", "0.05", "123456789012345678", "1234567890123456789.5", "-0.1", "1e3", "", "1.", "abc", "--1"} {
		got, err := parseAmount([]byte(s))
		want, werr := decimal.NewFromString(s)
		if (err != nil) != (werr != nil) || (err == nil && (!got.Equal(want) || got.String() != want.String())) {
			t.Errorf("parseAmount(%q) = %s, %v; want %s, %v", s, got, err, want, werr)
		}
	}
}
