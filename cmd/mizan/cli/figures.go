package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"mizan/core/invoicepdf"
	"mizan/storage"
)

func init() {
	Register(Command{
		Name:    "figures",
		Args:    "[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--connection NAME] [--currency CODE] [--format table|csv|json] [--out FILE] [--bom]",
		Summary: "Show sales, returns, VAT and orders for a period, and each day's sales",
		Help: `Sums the invoices issued from --from to --to (both days included; by default this month up to
today). Days are counted in the computer's time zone, as the invoice list counts them. Amounts are
the invoices' totals with VAT: net is sales less returns, VAT is the sales' VAT less the returns'.
--connection keeps the invoices of one store connection. Invoices in another currency than
--currency (SAR by default) are counted apart, not summed.`,
		Run: runFigures,
	})
	Register(Command{
		Name:    "vat",
		Args:    "[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--connection NAME] [--currency CODE] [--format table|csv|json|pdf] [--out FILE] [--bom]",
		Summary: "Show the VAT of a period by rate: output VAT on sales less VAT on returns",
		Help: `Sums the lines and charges of the invoices issued from --from to --to (both days included; by
default this month up to today) by VAT rate. A line's rate is its VAT over its amount before VAT,
matched to 0%, 5% or 15% when rounding to the halala explains the difference; any other rate is
shown as it is. Order-level discounts are on no line and are a row of their own. The totals are the
invoices' own: taxable amount = Σ (total − VAT), VAT = Σ VAT. --format pdf prints it on A4 in
Arabic and English with the seller's details (best with --out FILE).`,
		Run: runVAT,
	})
	readOnlyCommands["figures"], readOnlyCommands["vat"] = true, true
}

// periodFlags are the flags choosing a period for figures and the VAT report.
type periodFlags struct {
	from, to, connection, currency string
}

func (f *periodFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.from, "from", "", "the first day (`YYYY-MM-DD`; default: the first of this month)")
	fs.StringVar(&f.to, "to", "", "the last day (`YYYY-MM-DD`; default: today)")
	fs.StringVar(&f.connection, "connection", "", "only invoices that came from the store connection `NAME`")
	fs.StringVar(&f.currency, "currency", "SAR", "sum invoices in this currency `CODE`")
}

func (f *periodFlags) period(env *Env) (storage.Period, error) {
	now := time.Now().In(env.loc())
	p := storage.Period{Location: env.loc(), Connection: strings.TrimSpace(f.connection), Currency: f.currency,
		From: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, env.loc()), To: now}
	var err error
	if f.from != "" {
		if p.From, err = env.parseDay("from", f.from); err != nil {
			return p, err
		}
	}
	if f.to != "" {
		if p.To, err = env.parseDay("to", f.to); err != nil {
			return p, err
		}
	}
	if p.To.Before(p.From) {
		return p, Usagef("--from %s is after --to %s", p.From.Format(time.DateOnly), p.To.Format(time.DateOnly))
	}
	if c := strings.TrimSpace(f.currency); len(c) != 3 {
		return p, Usagef("--currency %q is not a three-letter code such as SAR", f.currency)
	}
	return p, nil
}

// periodCommand reads the flags of a command that reports on a period (figures, vat) and opens
// the books.
func periodCommand(ctx context.Context, env *Env, name string, args []string, formats ...string) (storage.Period, exportFlags, *storage.DB, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var pf periodFlags
	pf.define(fs)
	var o exportFlags
	o.define(fs, formats...)
	if err := flagsOnly(fs, args, o.check); err != nil {
		return storage.Period{}, o, nil, err
	}
	p, err := pf.period(env)
	if err != nil {
		return p, o, nil, err
	}
	db, err := env.DB(ctx)
	return p, o, db, err
}

type figuresJSON struct {
	From          string          `json:"from"`
	To            string          `json:"to"`
	Connection    string          `json:"connection,omitempty"`
	Currency      string          `json:"currency"`
	Sales         string          `json:"sales"`
	Returns       string          `json:"returns"`
	Net           string          `json:"net"`
	SalesVAT      string          `json:"sales_vat"`
	ReturnsVAT    string          `json:"returns_vat"`
	VAT           string          `json:"vat"`
	Orders        int             `json:"orders"`
	ReturnsCount  int             `json:"returns_count"`
	AverageOrder  string          `json:"average_order"`
	OtherCurrency int             `json:"other_currency_invoices"`
	Days          []figureDayJSON `json:"days"`
}

type figureDayJSON struct {
	Day     string `json:"day"`
	Sales   string `json:"sales"`
	Returns string `json:"returns"`
	Net     string `json:"net"`
	Orders  int    `json:"orders"`
}

func runFigures(ctx context.Context, env *Env, args []string) error {
	p, o, db, err := periodCommand(ctx, env, "figures", args, "table", "csv", "json")
	if err != nil {
		return err
	}
	f, err := db.Figures(ctx, p)
	if err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	return writeOutput(env, o.out, func(w io.Writer) error {
		switch o.format {
		case "json":
			out := figuresJSON{From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly), Connection: p.Connection,
				Currency: f.Currency, Sales: f.Sales.String(), Returns: f.Returns.String(), Net: f.Net.String(),
				SalesVAT: f.SalesVAT.String(), ReturnsVAT: f.ReturnsVAT.String(), VAT: f.VAT.String(), Orders: f.Orders,
				ReturnsCount: f.ReturnsCount, AverageOrder: f.AverageOrder.String(), OtherCurrency: f.OtherCurrency,
				Days: []figureDayJSON{}}
			for _, d := range f.Days {
				out.Days = append(out.Days, figureDayJSON{Day: d.Day.Format(time.DateOnly), Sales: d.Sales.String(),
					Returns: d.Returns.String(), Net: d.Net().String(), Orders: d.Orders})
			}
			return writeJSON(w, out)
		case "csv":
			rows := make([][]string, 0, len(f.Days)+1)
			for _, d := range f.Days {
				rows = append(rows, []string{d.Day.Format(time.DateOnly), d.Sales.String(), d.Returns.String(), d.Net().String(), strconv.Itoa(d.Orders)})
			}
			rows = append(rows, []string{"total", f.Sales.String(), f.Returns.String(), f.Net.String(), strconv.Itoa(f.Orders)})
			return writeCSV(w, o.bom, []string{"day", "sales", "returns", "net", "orders"}, rows)
		default:
			t := newTable(w, "FIGURE", f.Currency)
			t.row("Period", p.From.Format(time.DateOnly)+" – "+p.To.Format(time.DateOnly))
			if p.Connection != "" {
				t.row("Store", p.Connection)
			}
			t.row("Sales", amount(f.Sales))
			t.row("Returns", amount(f.Returns))
			t.row("Net", amount(f.Net))
			t.row("VAT collected", amount(f.VAT))
			t.row("Orders", strconv.Itoa(f.Orders))
			t.row("Returns (invoices)", strconv.Itoa(f.ReturnsCount))
			t.row("Average order", amount(f.AverageOrder))
			if f.OtherCurrency > 0 {
				t.row("Invoices in other currencies (not summed)", strconv.Itoa(f.OtherCurrency))
			}
			if err := t.flush(); err != nil {
				return err
			}
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
			t = newTable(w, "DAY", "SALES", "RETURNS", "NET", "ORDERS")
			for _, d := range f.Days {
				t.row(d.Day.Format(time.DateOnly), amount(d.Sales), amount(d.Returns), amount(d.Net()), strconv.Itoa(d.Orders))
			}
			return t.flush()
		}
	})
}

type vatRowJSON struct {
	Rate           string `json:"rate"` // percent; "order discounts", "total"
	Known          bool   `json:"known_rate"`
	SalesTaxable   string `json:"sales_taxable"`
	SalesVAT       string `json:"sales_vat"`
	ReturnsTaxable string `json:"returns_taxable"`
	ReturnsVAT     string `json:"returns_vat"`
	NetTaxable     string `json:"net_taxable"`
	NetVAT         string `json:"net_vat"`
}

type vatJSON struct {
	From          string       `json:"from"`
	To            string       `json:"to"`
	Connection    string       `json:"connection,omitempty"`
	Currency      string       `json:"currency"`
	Sales         int          `json:"sales_invoices"`
	Returns       int          `json:"return_invoices"`
	OtherCurrency int          `json:"other_currency_invoices"`
	Rates         []vatRowJSON `json:"rates"`
	Total         vatRowJSON   `json:"total"`
}

func runVAT(ctx context.Context, env *Env, args []string) error {
	p, o, db, err := periodCommand(ctx, env, "vat", args, "table", "csv", "json", "pdf")
	if err != nil {
		return err
	}
	rep, err := db.VATReport(ctx, p)
	if err != nil {
		return fmt.Errorf("VAT report: %w", err)
	}
	rows := rep.Rows()
	var pdf []byte
	if o.format == "pdf" {
		seller, err := db.Seller(ctx, 0)
		if err != nil {
			return fmt.Errorf("read the seller details: %w", err)
		}
		if pdf, err = invoicepdf.RenderVATReport(rep, seller, invoicepdf.Options{Location: env.loc()}); err != nil {
			return err
		}
	}
	return writeOutput(env, o.out, func(w io.Writer) error {
		switch o.format {
		case "pdf":
			_, err := w.Write(pdf)
			return err
		case "json":
			out := vatJSON{From: rep.From.Format(time.DateOnly), To: rep.To.Format(time.DateOnly), Connection: rep.Connection,
				Currency: rep.Currency, Sales: rep.Sales, Returns: rep.Returns, OtherCurrency: rep.OtherCurrency, Rates: []vatRowJSON{}}
			for i, r := range rows {
				j := vatRowJSON{Rate: r.Rate.String(), Known: r.Known, SalesTaxable: r.SalesTaxable.String(), SalesVAT: r.SalesVAT.String(),
					ReturnsTaxable: r.ReturnsTaxable.String(), ReturnsVAT: r.ReturnsVAT.String(),
					NetTaxable: r.NetTaxable().String(), NetVAT: r.NetVAT().String()}
				switch {
				case i == len(rows)-1:
					j.Rate, j.Known = "total", false
					out.Total = j
				case r.Label == "Order discounts":
					j.Rate, j.Known = "order discounts", false
					out.Rates = append(out.Rates, j)
				default:
					out.Rates = append(out.Rates, j)
				}
			}
			return writeJSON(w, out)
		case "csv":
			return writeCSV(w, o.bom, storage.VATReportCSVHeader, rep.CSVRows())
		default:
			head := fmt.Sprintf("VAT report %s – %s, %s", rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly), rep.Currency)
			if rep.Connection != "" {
				head += ", " + rep.Connection
			}
			head += fmt.Sprintf(": %d sales and %d return invoices", rep.Sales, rep.Returns)
			if rep.OtherCurrency > 0 {
				head += fmt.Sprintf(" (%d in other currencies not summed)", rep.OtherCurrency)
			}
			if _, err := fmt.Fprintln(w, head); err != nil {
				return err
			}
			t := newTable(w, "RATE", "SALES TAXABLE", "SALES VAT", "RETURNS TAXABLE", "RETURNS VAT", "NET TAXABLE", "NET VAT")
			for _, r := range rows {
				t.row(r.Label, amount(r.SalesTaxable), amount(r.SalesVAT), amount(r.ReturnsTaxable), amount(r.ReturnsVAT),
					amount(r.NetTaxable()), amount(r.NetVAT()))
			}
			return t.flush()
		}
	})
}
