package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core/invoicepdf"
	"mizan/storage"
)

const invoiceFilterArgs = "[--type sales|return] [--search TEXT] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--connection NAME] [--limit N]"

func init() {
	Register(Command{
		Name:    "invoices list",
		Args:    invoiceFilterArgs,
		Summary: "List sales and return invoices, newest first, with their payment status",
		Help: `--search matches part of the invoice number, the client's name or the store's order name.
Dates are days in this computer's time zone; both ends are included.
PAYMENT says whether a sales invoice is paid, partly paid or unpaid (what is due being its total
less its returns), and whether a return's money was refunded; "not recorded" marks an invoice
issued before the books kept payments, with none recorded for it since.`,
		Run: runInvoicesList,
	})
	Register(Command{
		Name:    "invoices show",
		Args:    "NUMBER [--format text|json]",
		Summary: "Show one invoice with its lines, charges, totals, returns, payment status and payments",
		Run:     runInvoicesShow,
	})
	Register(Command{
		Name:    "invoices export",
		Args:    "[--format csv|json] [--out FILE] [--bom] " + invoiceFilterArgs,
		Summary: "Export invoices with their lines as CSV or JSON",
		Help: `JSON is an array of invoices, each with its lines; CSV has one row per invoice line with the
invoice's columns repeated. Amounts and quantities are exact decimal strings and dates are
RFC 3339 in UTC. The filters are those of "invoices list"; invoices come in the order they were
issued.`,
		Run: runInvoicesExport,
	})
}

// filterFlags are the invoice selection flags shared by list and export.
type filterFlags struct {
	typ, search, from, to, connection string
	limit                             int
}

func (f *filterFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.typ, "type", "", "only invoices of this `TYPE`: sales or return")
	fs.StringVar(&f.search, "search", "", "only invoices whose number, client name or order name contains `TEXT`")
	fs.StringVar(&f.from, "from", "", "only invoices issued on or after this day (`YYYY-MM-DD`)")
	fs.StringVar(&f.to, "to", "", "only invoices issued on or before this day (`YYYY-MM-DD`)")
	fs.StringVar(&f.connection, "connection", "", "only invoices that came from the store connection `NAME`")
	fs.IntVar(&f.limit, "limit", 0, "at most `N` invoices (0: all)")
}

func (f *filterFlags) filter(env *Env) (storage.InvoiceFilter, error) {
	var out storage.InvoiceFilter
	switch f.typ {
	case "":
	case "sales", "sale":
		out.Type = storage.SalesInvoice
	case "return", "returns":
		out.Type = storage.ReturnInvoice
	default:
		return out, Usagef("--type must be sales or return, not %q", f.typ)
	}
	out.Search = strings.TrimSpace(f.search)
	out.Connection = strings.TrimSpace(f.connection)
	if f.limit < 0 {
		return out, Usagef("--limit must not be negative (got %d)", f.limit)
	}
	out.Limit = f.limit
	if f.from != "" {
		t, err := env.parseDay("from", f.from)
		if err != nil {
			return out, err
		}
		out.From = t
	}
	if f.to != "" {
		t, err := env.parseDay("to", f.to)
		if err != nil {
			return out, err
		}
		// The books keep whole seconds: the day ends at its last second.
		out.To = t.AddDate(0, 0, 1).Add(-time.Second)
	}
	if !out.From.IsZero() && !out.To.IsZero() && out.To.Before(out.From) {
		return out, Usagef("--from %s is after --to %s", f.from, f.to)
	}
	return out, nil
}

func runInvoicesList(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("invoices list", flag.ContinueOnError)
	var ff filterFlags
	ff.define(fs)
	var filter storage.InvoiceFilter
	db, err := flagsThenBooks(ctx, env, fs, args, func() (err error) {
		filter, err = ff.filter(env)
		return err
	})
	if err != nil {
		return err
	}
	invoices, err := db.Invoices(ctx, filter)
	if err != nil {
		return fmt.Errorf("read invoices: %w", err)
	}
	if len(invoices) == 0 {
		fmt.Fprintln(env.Stdout, "No invoices found.")
		return nil
	}
	states, err := db.PaymentStates(ctx, invoices)
	if err != nil {
		return fmt.Errorf("read the invoices' payments: %w", err)
	}
	t := newTable(env.Stdout, "NUMBER", "TYPE", "DATE", "CLIENT", "TOTAL", "CURRENCY", "PAYMENT", "ORDER")
	for _, inv := range invoices {
		t.row(inv.Number, string(inv.Type), env.localTime(inv.IssueDate), inv.Client.Name, amount(signed(inv.Type, inv.Total)),
			inv.Currency, payStatusText(inv.Type, states[inv.ID].Status), inv.Source.OrderName)
	}
	if err := t.flush(); err != nil {
		return err
	}
	if filter.Limit > 0 && len(invoices) == filter.Limit {
		if n, err := db.CountInvoices(ctx, filter); err == nil && n > len(invoices) {
			fmt.Fprintf(env.Stderr, "Showing the newest %d of %d invoices.\n", len(invoices), n)
		}
	}
	return nil
}

// The JSON form of an invoice. Money and quantities are decimal strings, never numbers, so no
// reader rounds them through floating point.
type invoiceJSON struct {
	Number         string      `json:"number"`
	Type           string      `json:"type"`
	Date           string      `json:"date"`
	Branch         string      `json:"branch"`
	Warehouse      string      `json:"warehouse"`
	Client         clientJSON  `json:"client"`
	Currency       string      `json:"currency"`
	TaxInclusive   bool        `json:"tax_inclusive"`
	Lines          []lineJSON  `json:"lines"`
	Subtotal       string      `json:"subtotal"`
	Discount       string      `json:"discount"`
	Shipping       string      `json:"shipping"`
	OtherCharges   string      `json:"other_charges"`
	Tax            string      `json:"tax"`
	Total          string      `json:"total"`
	OriginalNumber string      `json:"original_number,omitempty"`
	Source         *sourceJSON `json:"source,omitempty"`
}

type clientJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

type lineJSON struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Quantity  string `json:"quantity"`
	UnitPrice string `json:"unit_price"`
	Discount  string `json:"discount"`
	Tax       string `json:"tax"`
	Total     string `json:"total"`
}

type sourceJSON struct {
	Connection string `json:"connection"`
	Platform   string `json:"platform"`
	ExternalID string `json:"external_id"`
	OrderName  string `json:"order_name"`
}

// invoiceDetailJSON is what "invoices show --format json" prints: the export form and the rest.
type invoiceDetailJSON struct {
	invoiceJSON
	Charges []chargeJSON `json:"charges"`
	Notes   string       `json:"notes"`
	// Returns lists, for a sales invoice, the return invoices issued against it.
	Returns *[]returnJSON `json:"returns,omitempty"`
	// PaymentStatus is paid, partly_paid, unpaid, nothing_due or untracked (issued before the
	// books kept payments); Due is what is to be paid (for a sales invoice its total less its
	// returns) and Paid what was (money in less money paid back).
	PaymentStatus string `json:"payment_status"`
	Due           string `json:"due"`
	Paid          string `json:"paid"`
	// Payments are the invoice's payments and, for a sales invoice, its returns', oldest first.
	Payments []invoicePaymentJSON `json:"payments"`
}

type invoicePaymentJSON struct {
	Number      string `json:"number"`
	Date        string `json:"date"`
	Direction   string `json:"direction"`
	Account     string `json:"account"`
	Amount      string `json:"amount"` // signed: negative for money paid back
	Invoice     string `json:"invoice"`
	Method      string `json:"method,omitempty"`
	MethodTitle string `json:"method_title,omitempty"`
	Reverses    string `json:"reverses,omitempty"`
	ReversedBy  string `json:"reversed_by,omitempty"`
}

// payStatusText is how an invoice's payment status reads: for a return invoice, whether its money
// was paid back.
func payStatusText(typ storage.InvoiceType, st storage.PayStatus) string {
	if typ == storage.ReturnInvoice {
		switch st {
		case storage.PayPaid:
			return "refunded"
		case storage.PayPartly:
			return "partly refunded"
		case storage.PayUnpaid:
			return "not refunded"
		}
	}
	switch st {
	case storage.PayPaid:
		return "paid"
	case storage.PayPartly:
		return "partly paid"
	case storage.PayUnpaid:
		return "unpaid"
	case storage.PayNothingDue:
		return "nothing due"
	case storage.PayUntracked:
		return "not recorded"
	}
	return string(st)
}

type chargeJSON struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Amount      string `json:"amount"`
	Tax         string `json:"tax"`
}

type returnJSON struct {
	Number string `json:"number"`
	Date   string `json:"date"`
	Total  string `json:"total"`
}

func toJSON(inv storage.Invoice) invoiceJSON {
	out := invoiceJSON{
		Number:    inv.Number,
		Type:      string(inv.Type),
		Date:      utcTime(inv.IssueDate),
		Branch:    inv.BranchName,
		Warehouse: inv.WarehouseName,
		Client:    clientJSON{Name: inv.Client.Name, Email: inv.Client.Email, Phone: inv.Client.Phone},
		Currency:  inv.Currency, TaxInclusive: inv.TaxInclusive,
		Lines:    make([]lineJSON, 0, len(inv.Lines)),
		Subtotal: inv.Subtotal.String(), Discount: inv.Discount.String(), Shipping: inv.Shipping.String(),
		OtherCharges: inv.OtherCharges.String(), Tax: inv.Tax.String(), Total: inv.Total.String(),
	}
	for _, l := range inv.Lines {
		out.Lines = append(out.Lines, lineJSON{
			Code: l.ProductCode, Name: l.Description, Quantity: l.Quantity.String(), UnitPrice: l.UnitPrice.String(),
			Discount: l.Discount.String(), Tax: l.Tax.String(), Total: l.Total.String(),
		})
	}
	if inv.Type == storage.ReturnInvoice {
		out.OriginalNumber = inv.OriginalNumber
	}
	if inv.Source.ExternalID != "" {
		out.Source = &sourceJSON{Connection: inv.Source.Connection, Platform: inv.Source.Platform,
			ExternalID: inv.Source.ExternalID, OrderName: inv.Source.OrderName}
	}
	return out
}

// The CSV form: one row per invoice line, the invoice's columns repeated.
var invoiceCSVHeader = []string{
	"number", "type", "date", "branch", "warehouse", "client_name", "client_email", "client_phone", "currency",
	"line_code", "line_name", "line_quantity", "line_unit_price", "line_discount", "line_tax", "line_total",
	"subtotal", "discount", "shipping", "other_charges", "tax", "total", "tax_inclusive", "original_number",
	"source_connection", "source_platform", "source_external_id", "source_order_name",
}

func invoiceCSVRows(inv storage.Invoice) [][]string {
	j := toJSON(inv)
	var src sourceJSON
	if j.Source != nil {
		src = *j.Source
	}
	row := func(l lineJSON) []string {
		return []string{
			j.Number, j.Type, j.Date, j.Branch, j.Warehouse, j.Client.Name, j.Client.Email, j.Client.Phone, j.Currency,
			l.Code, l.Name, l.Quantity, l.UnitPrice, l.Discount, l.Tax, l.Total,
			j.Subtotal, j.Discount, j.Shipping, j.OtherCharges, j.Tax, j.Total, strconv.FormatBool(j.TaxInclusive),
			j.OriginalNumber, src.Connection, src.Platform, src.ExternalID, src.OrderName,
		}
	}
	if len(j.Lines) == 0 {
		return [][]string{row(lineJSON{})}
	}
	rows := make([][]string, 0, len(j.Lines))
	for _, l := range j.Lines {
		rows = append(rows, row(l))
	}
	return rows
}

func runInvoicesExport(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("invoices export", flag.ContinueOnError)
	var o exportFlags
	o.define(fs, "csv", "json")
	var ff filterFlags
	ff.define(fs)
	var filter storage.InvoiceFilter
	db, err := flagsThenBooks(ctx, env, fs, args, o.check, func() (err error) {
		filter, err = ff.filter(env)
		return err
	})
	if err != nil {
		return err
	}
	invoices, err := db.FullInvoices(ctx, filter)
	if err != nil {
		return fmt.Errorf("read invoices: %w", err)
	}
	lines := 0
	err = writeOutput(env, o.out, func(w io.Writer) error {
		if o.format == "json" {
			out := make([]invoiceJSON, 0, len(invoices))
			for _, inv := range invoices {
				out = append(out, toJSON(inv))
				lines += len(inv.Lines)
			}
			return writeJSON(w, out)
		}
		var rows [][]string
		for _, inv := range invoices {
			rows = append(rows, invoiceCSVRows(inv)...)
			lines += len(inv.Lines)
		}
		return writeCSV(w, o.bom, invoiceCSVHeader, rows)
	})
	if err != nil {
		return err
	}
	if o.out != "" && o.out != "-" {
		fmt.Fprintf(env.Stderr, "Exported %d invoices (%d lines) to %s\n", len(invoices), lines, o.out)
	}
	return nil
}

func runInvoicesShow(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("invoices show", flag.ContinueOnError)
	format := defineChoice(fs, "format", "output format: text or json", "text", "json")
	pos, db, err := argsThenBooks(ctx, env, fs, args, func(pos []string) error {
		switch {
		case len(pos) == 0:
			return Usagef("which invoice? Give its number, e.g. MAIN-INV-000001")
		case len(pos) > 1:
			return Usagef("give one invoice number, not %d", len(pos))
		}
		return nil
	}, format.check)
	if err != nil {
		return err
	}
	number := strings.TrimSpace(pos[0])
	inv, err := db.InvoiceByNumber(ctx, number)
	if errors.Is(err, storage.ErrNotFound) && strings.ToUpper(number) != number {
		// Document numbers are upper case; accept them typed in any case.
		inv, err = db.InvoiceByNumber(ctx, strings.ToUpper(number))
	}
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("there is no invoice numbered %q (find it with: mizan invoices list --search TEXT)", number)
	}
	if err != nil {
		return fmt.Errorf("read invoice %s: %w", number, err)
	}
	var returns []storage.Invoice
	if inv.Type == storage.SalesInvoice {
		if returns, err = db.ReturnsOf(ctx, inv.ID); err != nil {
			return fmt.Errorf("read the returns of %s: %w", inv.Number, err)
		}
	}
	var money invoiceMoney
	states, err := db.PaymentStates(ctx, []storage.Invoice{inv})
	if err != nil {
		return fmt.Errorf("read the payment status of %s: %w", inv.Number, err)
	}
	money.state = states[inv.ID]
	if money.payments, err = db.Payments(ctx, storage.PaymentFilter{InvoiceID: inv.ID}); err != nil {
		return fmt.Errorf("read the payments of %s: %w", inv.Number, err)
	}
	return writeOutput(env, "", func(w io.Writer) error {
		if format.value == "json" {
			return writeJSON(w, detailJSON(inv, returns, money))
		}
		return writeInvoiceText(w, env, inv, returns, money)
	})
}

// invoiceMoney is an invoice's payment state and its payments (and its returns', for a sales
// invoice).
type invoiceMoney struct {
	state    storage.PaymentState
	payments []storage.Payment
}

func detailJSON(inv storage.Invoice, returns []storage.Invoice, money invoiceMoney) invoiceDetailJSON {
	out := invoiceDetailJSON{invoiceJSON: toJSON(inv), Charges: make([]chargeJSON, 0, len(inv.Charges)), Notes: inv.Notes,
		PaymentStatus: string(money.state.Status), Due: money.state.Due.String(), Paid: money.state.Paid.String(),
		Payments: make([]invoicePaymentJSON, 0, len(money.payments))}
	for _, p := range money.payments {
		out.Payments = append(out.Payments, invoicePaymentJSON{Number: p.Number, Date: utcTime(p.Date), Direction: string(p.Direction),
			Account: p.AccountName, Amount: p.Signed().String(), Invoice: p.InvoiceNumber, Method: p.Method, MethodTitle: p.MethodTitle,
			Reverses: p.ReversesNumber, ReversedBy: p.ReversedBy})
	}
	for _, c := range inv.Charges {
		out.Charges = append(out.Charges, chargeJSON{Kind: string(c.Kind), Description: c.Description,
			Amount: c.Amount.String(), Tax: c.Tax.String()})
	}
	if inv.Type == storage.SalesInvoice {
		rs := make([]returnJSON, 0, len(returns))
		for _, r := range returns {
			rs = append(rs, returnJSON{Number: r.Number, Date: utcTime(r.IssueDate), Total: r.Total.String()})
		}
		out.Returns = &rs
	}
	return out
}

// signed is an invoice's amount as the list and show read it: a return's money goes back to the
// client, so its totals are negative, as in the window. Exports keep the books' amounts, which
// the type column tells apart.
func signed(typ storage.InvoiceType, d decimal.Decimal) decimal.Decimal {
	if typ == storage.ReturnInvoice {
		return d.Neg()
	}
	return d
}

func writeInvoiceText(w io.Writer, env *Env, inv storage.Invoice, returns []storage.Invoice, money invoiceMoney) error {
	title := "Sales invoice"
	if inv.Type == storage.ReturnInvoice {
		title = "Return invoice"
	}
	fmt.Fprintf(w, "%s %s\n\n", title, cleanCell(inv.Number))

	head := newTable(w)
	if inv.Type == storage.ReturnInvoice {
		head.row("Original invoice:", inv.OriginalNumber)
	}
	head.row("Date:", env.localTime(inv.IssueDate))
	head.row("Branch:", inv.BranchName)
	head.row("Warehouse:", inv.WarehouseName)
	client := inv.Client.Name
	for _, extra := range []string{inv.Client.Email, inv.Client.Phone} {
		if extra != "" {
			client += ", " + extra
		}
	}
	head.row("Client:", client)
	head.row("Currency:", inv.Currency)
	if inv.TaxInclusive {
		head.row("Prices:", "include tax")
	} else {
		head.row("Prices:", "before tax")
	}
	if inv.Source.ExternalID != "" {
		store := inv.Source.Connection
		if inv.Source.Platform != "" {
			store += " (" + inv.Source.Platform + ")"
		}
		if inv.Source.OrderName != "" {
			store += ", order " + inv.Source.OrderName
		}
		head.row("Store:", store)
		head.row("Store ID:", inv.Source.ExternalID)
	}
	if err := head.flush(); err != nil {
		return err
	}

	fmt.Fprintln(w)
	header := []string{"#", "CODE", "ITEM", "QUANTITY", "UNIT PRICE", "DISCOUNT", "TAX", "TOTAL"}
	isReturn := inv.Type == storage.ReturnInvoice
	if isReturn {
		header = append(header, "BACK TO STOCK")
	}
	lines := newTable(w, header...)
	for i, l := range inv.Lines {
		cells := []string{strconv.Itoa(i + 1), l.ProductCode, l.Description, l.Quantity.String(), amount(l.UnitPrice),
			amount(l.Discount), amount(l.Tax), amount(l.Total)}
		if isReturn {
			restock := "no"
			if l.Restock && l.ProductID != 0 {
				restock = "yes"
			}
			cells = append(cells, restock)
		}
		lines.row(cells...)
	}
	if err := lines.flush(); err != nil {
		return err
	}

	if len(inv.Charges) > 0 {
		fmt.Fprintln(w, "\nCharges:")
		charges := newTable(w)
		for _, c := range inv.Charges {
			charges.row("  "+string(c.Kind), c.Description, amount(c.Amount), "tax "+amount(c.Tax))
		}
		if err := charges.flush(); err != nil {
			return err
		}
	}

	fmt.Fprintln(w)
	totals := newTable(w)
	sign := func(d decimal.Decimal) string { return amount(signed(inv.Type, d)) }
	totals.row("Subtotal:", sign(inv.Subtotal))
	if !inv.Discount.IsZero() {
		totals.row("Discount:", sign(inv.Discount.Neg()))
	}
	if !inv.Shipping.IsZero() {
		totals.row("Shipping:", sign(inv.Shipping))
	}
	if !inv.OtherCharges.IsZero() {
		totals.row("Other charges:", sign(inv.OtherCharges))
	}
	if inv.TaxInclusive {
		totals.row("Tax (included):", sign(inv.Tax))
	} else {
		totals.row("Tax:", sign(inv.Tax))
	}
	totals.row("Total:", sign(inv.Total)+" "+inv.Currency)
	if err := totals.flush(); err != nil {
		return err
	}

	if inv.Type == storage.SalesInvoice {
		if len(returns) == 0 {
			fmt.Fprintln(w, "\nNo returns against this invoice.")
		} else {
			fmt.Fprintln(w, "\nReturns against this invoice:")
			rt := newTable(w)
			returned := decimal.Zero
			for _, r := range returns {
				rt.row("  "+r.Number, env.localTime(r.IssueDate), amount(signed(r.Type, r.Total))+" "+r.Currency)
				returned = returned.Add(r.Total)
			}
			rt.row("  Returned in all:", "", amount(returned.Neg())+" "+inv.Currency)
			if err := rt.flush(); err != nil {
				return err
			}
		}
	}
	if err := writeInvoicePayments(w, env, inv, money); err != nil {
		return err
	}
	if notes := strings.TrimSpace(inv.Notes); notes != "" {
		fmt.Fprintf(w, "\nNotes: %s\n", cleanCell(notes))
	}
	return nil
}

// writeInvoicePayments writes an invoice's payment status, what was paid of what is due, and its
// payments (money paid back shown negative).
func writeInvoicePayments(w io.Writer, env *Env, inv storage.Invoice, money invoiceMoney) error {
	st := money.state
	status := payStatusText(inv.Type, st.Status)
	switch {
	case st.Status == storage.PayUntracked:
		status += " (issued before the books kept payments)"
	case st.Status != storage.PayNothingDue:
		status += fmt.Sprintf(" (%s of %s %s)", amount(st.Paid), amount(st.Due), inv.Currency)
	}
	fmt.Fprintf(w, "\nPayment: %s\n", status)
	if len(money.payments) == 0 {
		fmt.Fprintln(w, "No payments recorded.")
		return nil
	}
	fmt.Fprintln(w, "\nPayments:")
	t := newTable(w, "  NUMBER", "DATE", "INVOICE", "ACCOUNT", "METHOD", "AMOUNT")
	for _, p := range money.payments {
		number := p.Number
		if p.ReversesNumber != "" {
			number += " (reverses " + p.ReversesNumber + ")"
		} else if p.ReversedBy != "" {
			number += " (reversed)"
		}
		method := p.Method
		if p.MethodTitle != "" && !strings.EqualFold(p.MethodTitle, p.Method) {
			method = p.MethodTitle
			if p.Method != "" {
				method += " (" + p.Method + ")"
			}
		}
		t.row("  "+number, env.localTime(p.Date), p.InvoiceNumber, p.AccountName, method, amount(p.Signed())+" "+p.Currency)
	}
	return t.flush()
}

func init() {
	readOnlyCommands["invoices pdf"] = true
	Register(Command{
		Name:    "invoices pdf",
		Args:    "NUMBER... [--out DIR] [--layout a4|receipt] [--lang ar|en|both]",
		Summary: "Print invoices and returns to PDF files, one per invoice",
		Help: `Each invoice is written to DIR/NUMBER.pdf (DIR is the current directory unless --out says).
A sales invoice Mizan issues prints as a simplified tax invoice with ZATCA's QR code (the seller's
name, VAT number, time of issue, total with VAT and VAT total); a return prints as a credit note
naming the invoice it returns. When the store issues a connection's tax invoices (mizan settings
set --connection NAME issuer=store), or the seller has no VAT number yet (mizan settings set
vat_number=…), the invoice prints without the QR code and says why. Dates are in this computer's
time zone.`,
		Run: runInvoicesPDF,
	})
}

// pdfFlags are the flags of the commands that print PDF files into a directory.
type pdfFlags struct {
	out  string
	lang string
}

func (f *pdfFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "out", ".", "write the files into `DIR`")
	fs.StringVar(&f.lang, "lang", "both", "language: ar, en or both")
}

// check reads --lang and makes sure --out is a directory.
func (f *pdfFlags) check() (invoicepdf.Lang, error) {
	lang, err := invoicepdf.ParseLang(f.lang)
	if err != nil {
		return "", Usagef("--lang: %v", err)
	}
	if fi, err := os.Stat(f.out); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("--out %s is not a directory", f.out)
	}
	return lang, nil
}

// write writes a PDF file named name into --out, replaced atomically, and returns its path.
func (f *pdfFlags) write(name string, pdf []byte) (string, error) {
	path := filepath.Join(f.out, name)
	return path, writeFileAtomic(path, func(w io.Writer) error { _, err := w.Write(pdf); return err })
}

func runInvoicesPDF(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("invoices pdf", flag.ContinueOnError)
	var pf pdfFlags
	pf.define(fs)
	layoutName := fs.String("layout", "a4", "page: a4 or receipt (80 mm)")
	pos, err := parseArgs(fs, args, someArgs("which invoices? Give their numbers, e.g. MAIN-INV-000001 MAIN-RET-000001"))
	if err != nil {
		return err
	}
	lay, err := invoicepdf.ParseLayout(*layoutName)
	if err != nil {
		return Usagef("--layout: %v", err)
	}
	lang, err := pf.check()
	if err != nil {
		return err
	}
	db, err := env.DB(ctx)
	if err != nil {
		return err
	}
	opt := invoicepdf.Options{Layout: lay, Lang: lang, Location: env.loc()}
	for _, number := range pos {
		doc, err := invoicepdf.Load(ctx, db, number)
		if errors.Is(err, invoicepdf.ErrNotFound) {
			return fmt.Errorf("there is no invoice numbered %q (find it with: mizan invoices list --search TEXT)", number)
		}
		if err != nil {
			return err
		}
		pdf, err := invoicepdf.Render(doc, opt)
		if err != nil {
			return err
		}
		path, err := pf.write(invoicepdf.FileName(doc.Invoice.Number), pdf)
		if err != nil {
			return err
		}
		note := ""
		switch doc.Kind() {
		case invoicepdf.Copy:
			note = " (a copy: the store issues the tax invoice)"
		case invoicepdf.PlainInvoice:
			note = " (no QR code: the seller's VAT number is not set)"
		}
		fmt.Fprintf(env.Stdout, "%s%s\n", path, note)
	}
	return nil
}
