package storage

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Period selects the invoices of whole days, From to To inclusive, for figures and the VAT report.
//
// Days are counted in Location (the computer's time zone when nil, as the invoice list and the
// command line read dates): an invoice belongs to the day its issue_date falls on there. The books
// keep issue_date in UTC, so an invoice issued at 22:30 UTC on the 1st counts on the 2nd in Riyadh.
type Period struct {
	From, To   time.Time // days; only their dates in Location count
	Location   *time.Location
	Connection string // the invoices' source connection; empty for all (manual invoices included)
	Currency   string // empty for SAR; invoices in other currencies are counted apart, not summed
}

func (p Period) loc() *time.Location {
	if p.Location == nil {
		return time.Local
	}
	return p.Location
}

func (p Period) currency() string {
	if c := strings.ToUpper(strings.TrimSpace(p.Currency)); c != "" {
		return c
	}
	return "SAR"
}

// days returns the midnights of each day of the period and the midnight after its last.
func (p Period) days() ([]time.Time, error) {
	loc := p.loc()
	y, m, d := p.From.In(loc).Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, loc)
	y, m, d = p.To.In(loc).Date()
	last := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if last.Before(first) {
		return nil, invalid("the period ends (%s) before it starts (%s)", last.Format(time.DateOnly), first.Format(time.DateOnly))
	}
	var out []time.Time
	for day := first; !day.After(last); {
		out = append(out, day)
		y, m, d := day.Date()
		day = time.Date(y, m, d+1, 0, 0, 0, 0, loc) // a calendar day, whatever daylight saving does
		if len(out) > 366*20 {
			return nil, invalid("the period is longer than twenty years")
		}
	}
	y, m, d = last.Date()
	return append(out, time.Date(y, m, d+1, 0, 0, 0, 0, loc)), nil
}

// where is the invoices' condition for the period (alias i) and its arguments.
func (p Period) where(bounds []time.Time) (string, []any) {
	q := ` WHERE i.issue_date >= ? AND i.issue_date < ? AND i.currency = ?`
	args := []any{formatTime(bounds[0]), formatTime(bounds[len(bounds)-1]), p.currency()}
	if p.Connection != "" {
		q += ` AND i.source_connection = ?`
		args = append(args, p.Connection)
	}
	return q, args
}

// DayFigures is one day's sales and returns.
type DayFigures struct {
	Day     time.Time // midnight in the period's time zone
	Sales   decimal.Decimal
	Returns decimal.Decimal
	Orders  int
}

// Net is the day's sales less its returns.
func (d DayFigures) Net() decimal.Decimal { return d.Sales.Sub(d.Returns) }

// Figures are the totals a merchant looks at for a period. Amounts are the invoices' totals as
// issued (with VAT).
type Figures struct {
	Currency      string
	Sales         decimal.Decimal // Σ total of sales invoices
	Returns       decimal.Decimal // Σ total of return invoices
	Net           decimal.Decimal // sales − returns
	SalesVAT      decimal.Decimal // Σ tax of sales invoices
	ReturnsVAT    decimal.Decimal // Σ tax of return invoices
	VAT           decimal.Decimal // VAT collected: sales VAT − returns VAT
	Orders        int             // sales invoices
	ReturnsCount  int             // return invoices
	AverageOrder  decimal.Decimal // sales ÷ orders, to the halala; zero without orders
	Days          []DayFigures    // every day of the period, empty days included
	OtherCurrency int             // invoices of the period in another currency, left out of the sums
}

// Figures sums the period's invoices: sales, returns, VAT, orders and each day's sales. The sums
// are exact (decimal), read through an index that holds every column they need.
func (d *DB) Figures(ctx context.Context, p Period) (Figures, error) {
	bounds, err := p.days()
	if err != nil {
		return Figures{}, err
	}
	f := Figures{Currency: p.currency(), Days: make([]DayFigures, len(bounds)-1)}
	for i := range f.Days {
		f.Days[i].Day = bounds[i]
	}
	zero := decimal.Zero
	f.Sales, f.Returns, f.SalesVAT, f.ReturnsVAT = zero, zero, zero, zero
	// SQLite sums no decimals exactly, so the amounts come to Go; handing them over one row per
	// invoice is what costs, so they come grouped by the hour (by the minute in a zone whose days
	// start off the hour), joined into one text per group. A group never straddles two days.
	keyLen := len("2006-01-02T15")
	for _, b := range bounds {
		if u := b.UTC(); u.Second() != 0 {
			keyLen = len(timeLayout)
			break
		} else if u.Minute() != 0 {
			keyLen = len("2006-01-02T15:04")
		}
	}
	ends := make([]string, len(bounds)) // each day's end, as the groups' keys are written
	for i, b := range bounds {
		ends[i] = formatTime(b)[:keyLen]
	}
	// One pass also counts the invoices in other currencies (c is false for them).
	q := `SELECT substr(i.issue_date, 1, ?) AS k, i.type = 'return' AS r, i.currency = ? AS c, COUNT(*),
		group_concat(i.total, ' '), group_concat(i.tax, ' ') FROM invoices i INDEXED BY invoices_figures
		WHERE i.issue_date >= ? AND i.issue_date < ?`
	args := []any{keyLen, p.currency(), formatTime(bounds[0]), formatTime(bounds[len(bounds)-1])}
	if p.Connection != "" {
		q += ` AND i.source_connection = ?`
		args = append(args, p.Connection)
	}
	rows, err := d.sql.QueryContext(ctx, q+` GROUP BY k, r, c ORDER BY k`, args...)
	if err != nil {
		return f, fmt.Errorf("read figures: %w", err)
	}
	defer rows.Close()
	day := 0
	var key, totals, taxes sql.RawBytes // read in place
	var ret, cur bool
	var n int
	for rows.Next() {
		if err := rows.Scan(&key, &ret, &cur, &n, &totals, &taxes); err != nil {
			return f, fmt.Errorf("read figures: %w", err)
		}
		if !cur {
			f.OtherCurrency += n
			continue
		}
		for day < len(f.Days)-1 && string(key) >= ends[day+1] {
			day++
		}
		tot, err := sumAmounts(totals)
		if err != nil {
			return f, fmt.Errorf("read figures: invoice total: %w", err)
		}
		tx, err := sumAmounts(taxes)
		if err != nil {
			return f, fmt.Errorf("read figures: invoice tax: %w", err)
		}
		dd := &f.Days[day]
		if ret {
			f.Returns, f.ReturnsVAT, f.ReturnsCount = f.Returns.Add(tot), f.ReturnsVAT.Add(tx), f.ReturnsCount+n
			dd.Returns = dd.Returns.Add(tot)
		} else {
			f.Sales, f.SalesVAT, f.Orders = f.Sales.Add(tot), f.SalesVAT.Add(tx), f.Orders+n
			dd.Sales = dd.Sales.Add(tot)
			dd.Orders += n
		}
	}
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("read figures: %w", err)
	}
	f.Net, f.VAT = f.Sales.Sub(f.Returns), f.SalesVAT.Sub(f.ReturnsVAT)
	if f.Orders > 0 {
		f.AverageOrder = f.Sales.Div(decimal.NewFromInt(int64(f.Orders))).Round(2)
	}
	return f, nil
}

// sumAmounts adds up amounts joined by single spaces.
func sumAmounts(b []byte) (decimal.Decimal, error) {
	sum := decimal.Zero
	for len(b) > 0 {
		part := b
		if i := bytes.IndexByte(b, ' '); i >= 0 {
			part, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		v, err := parseAmount(part)
		if err != nil {
			return sum, fmt.Errorf("%q: %w", part, err)
		}
		sum = sum.Add(v)
	}
	return sum, nil
}

// parseAmount reads a stored amount. The books keep amounts as decimal.Decimal.String writes them
// ("-12.345"): those with up to 18 digits are read here without the general parser's work; any
// other text goes to it.
func parseAmount(b []byte) (decimal.Decimal, error) {
	var n int64
	digits, frac, dot := 0, 0, false
	i := 0
	if len(b) > 0 && b[0] == '-' {
		i = 1
	}
	for j := i; j < len(b); j++ {
		switch c := b[j]; {
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return decimal.NewFromString(string(b))
		}
	}
	if digits == 0 || digits > 18 || (dot && frac == 0) {
		return decimal.NewFromString(string(b))
	}
	if i == 1 {
		n = -n
	}
	return decimal.New(n, -int32(frac)), nil
}

// otherCurrency counts the period's invoices in a currency other than the period's.
func (d *DB) otherCurrency(ctx context.Context, p Period, bounds []time.Time) (int, error) {
	q := `SELECT COUNT(*) FROM invoices i WHERE i.issue_date >= ? AND i.issue_date < ? AND i.currency <> ?`
	args := []any{formatTime(bounds[0]), formatTime(bounds[len(bounds)-1]), p.currency()}
	if p.Connection != "" {
		q += ` AND i.source_connection = ?`
		args = append(args, p.Connection)
	}
	var n int
	if err := d.sql.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count invoices in other currencies: %w", err)
	}
	return n, nil
}

// KnownVATRates are the rates (percent) a line's VAT is matched to: Saudi VAT's standard rate
// (15%), its rate before July 2020 (5%) and zero-rated or exempt supplies (0%).
var KnownVATRates = []decimal.Decimal{decimal.NewFromInt(0), decimal.NewFromInt(5), decimal.NewFromInt(15)}

// VATRate finds the rate (percent) of an amount's VAT from the amount before VAT and the VAT: the
// known rate the ratio is nearest, when within what rounding the VAT to the halala explains (and at
// least half a point); otherwise the ratio itself to two decimals, and known is false. An amount of
// zero with VAT has no rate: -1, false.
func VATRate(taxable, vat decimal.Decimal) (rate decimal.Decimal, known bool) {
	if taxable.IsZero() {
		if vat.IsZero() {
			return decimal.Zero, true
		}
		return decimal.NewFromInt(-1), false
	}
	hundred := decimal.NewFromInt(100)
	r := vat.Mul(hundred).DivRound(taxable, 8)
	// VAT rounded to the halala is off by at most 0.005: that many points of the rate, doubled.
	tol := decimal.RequireFromString("0.01").Mul(hundred).DivRound(taxable.Abs(), 8)
	if half := decimal.RequireFromString("0.5"); tol.LessThan(half) {
		tol = half
	}
	best, found := decimal.Zero, false
	for _, k := range KnownVATRates {
		diff := r.Sub(k).Abs()
		if diff.LessThanOrEqual(tol) && (!found || diff.LessThan(r.Sub(best).Abs())) {
			best, found = k, true
		}
	}
	if found {
		return best, true
	}
	return r.Round(2), false
}

// VATRow is one rate's amounts in the VAT report: the taxable amount (before VAT) and the VAT of
// the period's sales and of its returns, and what is left after the returns.
type VATRow struct {
	Rate           decimal.Decimal // percent; -1 for VAT on an amount of zero
	Known          bool            // one of KnownVATRates
	SalesTaxable   decimal.Decimal
	SalesVAT       decimal.Decimal
	ReturnsTaxable decimal.Decimal
	ReturnsVAT     decimal.Decimal
}

// NetTaxable is the taxable amount of sales less returns.
func (r VATRow) NetTaxable() decimal.Decimal { return r.SalesTaxable.Sub(r.ReturnsTaxable) }

// NetVAT is output VAT on sales less VAT on returns: what the period owes at this rate.
func (r VATRow) NetVAT() decimal.Decimal { return r.SalesVAT.Sub(r.ReturnsVAT) }

func (r *VATRow) add(other VATRow) {
	r.SalesTaxable = r.SalesTaxable.Add(other.SalesTaxable)
	r.SalesVAT = r.SalesVAT.Add(other.SalesVAT)
	r.ReturnsTaxable = r.ReturnsTaxable.Add(other.ReturnsTaxable)
	r.ReturnsVAT = r.ReturnsVAT.Add(other.ReturnsVAT)
}

// VATReport is the VAT of a period's invoices by rate.
//
// Each line's rate is its VAT over its amount before VAT (quantity × unit price − discount, less the
// VAT when prices include it); each charge (shipping, fees) by its own amount and VAT. An
// order-level discount is on no line, so it has no rate: it is its own row, lowering the taxable
// amount (Mizan's invoices take it off before VAT, which stays as the store charged it). Totals are
// then exactly the invoices' own: taxable = Σ (total − tax), VAT = Σ tax.
type VATReport struct {
	From, To       time.Time // the first and last day
	Connection     string
	Currency       string
	Rates          []VATRow // by rate, lowest first; rates not known last
	OrderDiscounts VATRow   // order-level discounts (negative taxable amounts, no VAT)
	Total          VATRow
	Sales, Returns int // invoices counted
	OtherCurrency  int // invoices of the period in another currency, left out
}

// VATReport reads the period's invoice lines and charges and sums them by rate.
func (d *DB) VATReport(ctx context.Context, p Period) (VATReport, error) {
	bounds, err := p.days()
	if err != nil {
		return VATReport{}, err
	}
	rep := VATReport{From: bounds[0], To: bounds[len(bounds)-2], Connection: p.Connection, Currency: p.currency()}
	zeroRow := VATRow{SalesTaxable: decimal.Zero, SalesVAT: decimal.Zero, ReturnsTaxable: decimal.Zero, ReturnsVAT: decimal.Zero}
	rep.OrderDiscounts, rep.Total = zeroRow, zeroRow
	byRate := map[string]*VATRow{}
	put := func(ret bool, taxable, vat decimal.Decimal) {
		rate, known := VATRate(taxable, vat)
		key := rate.String()
		row := byRate[key]
		if row == nil {
			r := zeroRow
			r.Rate, r.Known = rate, known
			row = &r
			byRate[key] = row
		}
		if ret {
			row.ReturnsTaxable, row.ReturnsVAT = row.ReturnsTaxable.Add(taxable), row.ReturnsVAT.Add(vat)
		} else {
			row.SalesTaxable, row.SalesVAT = row.SalesTaxable.Add(taxable), row.SalesVAT.Add(vat)
		}
	}
	where, args := p.where(bounds)
	dec := func(what, s string) (decimal.Decimal, error) {
		v, err := decimal.NewFromString(s)
		if err != nil {
			return v, fmt.Errorf("VAT report: %s %q: %w", what, s, err)
		}
		return v, nil
	}
	// Lines.
	err = d.View(ctx, func(tx *Tx) error {
		rows, err := tx.tx.QueryContext(ctx, `SELECT i.type, i.tax_inclusive, l.quantity, l.unit_price, l.discount, l.tax
			FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id`+where, args...)
		if err != nil {
			return fmt.Errorf("VAT report: read lines: %w", err)
		}
		defer rows.Close()
		var typ, qty, price, disc, tax string
		var incl bool
		for rows.Next() {
			if err := rows.Scan(&typ, &incl, &qty, &price, &disc, &tax); err != nil {
				return fmt.Errorf("VAT report: read lines: %w", err)
			}
			var v [4]decimal.Decimal
			for i, s := range []string{qty, price, disc, tax} {
				if v[i], err = dec("line amount", s); err != nil {
					return err
				}
			}
			taxable := v[0].Mul(v[1]).Sub(v[2])
			if incl {
				taxable = taxable.Sub(v[3])
			}
			put(InvoiceType(typ) == ReturnInvoice, taxable, v[3])
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("VAT report: read lines: %w", err)
		}
		rows.Close()
		// Charges.
		rows, err = tx.tx.QueryContext(ctx, `SELECT i.type, i.tax_inclusive, c.amount, c.tax
			FROM invoices i JOIN invoice_charges c ON c.invoice_id = i.id`+where, args...)
		if err != nil {
			return fmt.Errorf("VAT report: read charges: %w", err)
		}
		defer rows.Close()
		var amount string
		for rows.Next() {
			if err := rows.Scan(&typ, &incl, &amount, &tax); err != nil {
				return fmt.Errorf("VAT report: read charges: %w", err)
			}
			a, err := dec("charge amount", amount)
			if err != nil {
				return err
			}
			t, err := dec("charge tax", tax)
			if err != nil {
				return err
			}
			if incl {
				a = a.Sub(t)
			}
			put(InvoiceType(typ) == ReturnInvoice, a, t)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("VAT report: read charges: %w", err)
		}
		rows.Close()
		// Order-level discounts and the invoice counts.
		rows, err = tx.tx.QueryContext(ctx, `SELECT i.type, i.discount FROM invoices i`+where, args...)
		if err != nil {
			return fmt.Errorf("VAT report: read invoices: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(&typ, &disc); err != nil {
				return fmt.Errorf("VAT report: read invoices: %w", err)
			}
			v, err := dec("invoice discount", disc)
			if err != nil {
				return err
			}
			if InvoiceType(typ) == ReturnInvoice {
				rep.Returns++
				rep.OrderDiscounts.ReturnsTaxable = rep.OrderDiscounts.ReturnsTaxable.Sub(v)
			} else {
				rep.Sales++
				rep.OrderDiscounts.SalesTaxable = rep.OrderDiscounts.SalesTaxable.Sub(v)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("VAT report: read invoices: %w", err)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	for _, r := range byRate {
		rep.Rates = append(rep.Rates, *r)
		rep.Total.add(*r)
	}
	rep.Total.add(rep.OrderDiscounts)
	sort.Slice(rep.Rates, func(i, j int) bool {
		a, b := rep.Rates[i], rep.Rates[j]
		if a.Known != b.Known {
			return a.Known
		}
		return a.Rate.LessThan(b.Rate)
	})
	rep.OtherCurrency, err = d.otherCurrency(ctx, p, bounds)
	return rep, err
}

// VATReportRow is one row of the report as it is shown and exported.
type VATReportRow struct {
	Label string // "15%", "12.35% (not a known rate)", "VAT on no amount", "Order discounts", "Total"
	VATRow
}

// Rows are the report's rows in order: each rate, the order discounts when there are any, and the
// total. The labels are the export's (English); a window translates them by the row's fields.
func (r VATReport) Rows() []VATReportRow {
	var out []VATReportRow
	for _, row := range r.Rates {
		label := row.Rate.String() + "%"
		switch {
		case row.Rate.Equal(decimal.NewFromInt(-1)):
			label = "VAT on no amount"
		case !row.Known:
			label += " (not a known rate)"
		}
		out = append(out, VATReportRow{label, row})
	}
	if !r.OrderDiscounts.SalesTaxable.IsZero() || !r.OrderDiscounts.ReturnsTaxable.IsZero() {
		out = append(out, VATReportRow{"Order discounts", r.OrderDiscounts})
	}
	return append(out, VATReportRow{"Total", r.Total})
}

// VATReportCSVHeader heads the VAT report's CSV export.
var VATReportCSVHeader = []string{"rate", "sales_taxable", "sales_vat", "returns_taxable", "returns_vat", "net_taxable", "net_vat"}

// CSVRows are the report's rows for CSV, under VATReportCSVHeader: exact decimal amounts.
func (r VATReport) CSVRows() [][]string {
	rows := r.Rows()
	out := make([][]string, 0, len(rows))
	for _, row := range rows {
		out = append(out, []string{row.Label, row.SalesTaxable.String(), row.SalesVAT.String(), row.ReturnsTaxable.String(),
			row.ReturnsVAT.String(), row.NetTaxable().String(), row.NetVAT().String()})
	}
	return out
}

// FigureConnections lists the store connections the books have invoices from, by name, for
// choosing one store's figures (connections since removed included: their invoices stay).
func (d *DB) FigureConnections(ctx context.Context) ([]string, error) {
	rows, err := d.sql.QueryContext(ctx, `SELECT DISTINCT source_connection FROM invoices WHERE source_connection <> '' ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list the invoices' store connections: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("list the invoices' store connections: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
