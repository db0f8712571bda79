// Package invoicepdf prints the books' sales and return invoices to PDF: an A4 page or an 80 mm
// receipt, in Arabic, English or both (the default), Arabic shaped and laid right to left. A sales
// invoice Mizan issues is a simplified tax invoice carrying ZATCA's phase-1 QR code; a return
// prints as a credit note naming the invoice it returns. When the store issues a connection's tax
// invoices, Mizan's document prints as a copy, without a QR code.
package invoicepdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// Layout is the page an invoice is printed on.
type Layout string

// The layouts.
const (
	A4      Layout = "a4"      // an A4 page
	Receipt Layout = "receipt" // an 80 mm receipt roll
)

// Lang is the language(s) an invoice is printed in.
type Lang string

// The languages.
const (
	Both    Lang = "both" // Arabic and English side by side, as Saudi invoices usually are
	Arabic  Lang = "ar"
	English Lang = "en"
)

// ParseLayout reads "a4" or "receipt".
func ParseLayout(s string) (Layout, error) {
	switch l := Layout(strings.ToLower(strings.TrimSpace(s))); l {
	case A4, Receipt:
		return l, nil
	case "":
		return A4, nil
	}
	return "", fmt.Errorf("layout %q: use a4 or receipt", s)
}

// ParseLang reads "ar", "en" or "both".
func ParseLang(s string) (Lang, error) {
	switch l := Lang(strings.ToLower(strings.TrimSpace(s))); l {
	case Both, Arabic, English:
		return l, nil
	case "":
		return Both, nil
	}
	return "", fmt.Errorf("language %q: use ar, en or both", s)
}

// Options choose how an invoice prints. The zero value is an A4 page in both languages with dates
// in the computer's time zone.
type Options struct {
	Layout   Layout
	Lang     Lang
	Location *time.Location // the time zone of the printed date (the QR's timestamp is UTC)
}

// Kind is what a printed document is.
type Kind int

// The kinds of printed document.
const (
	// SimplifiedTaxInvoice: a sales invoice Mizan issues, with the QR code.
	SimplifiedTaxInvoice Kind = iota
	// CreditNote: a return Mizan issues, naming the invoice it returns, with the QR code.
	CreditNote
	// Copy: the store issues the tax invoice; Mizan's document is a copy, without a QR code.
	Copy
	// PlainInvoice: the seller's VAT number is not set, so no tax invoice can be issued.
	PlainInvoice
)

// Document is an invoice with what its print needs from the rest of the books.
type Document struct {
	Invoice storage.Invoice
	Seller  storage.Seller // the details of the invoice's branch
	Issuer  storage.Issuer
}

// Kind says what the document prints as.
func (d Document) Kind() Kind {
	switch {
	case d.Issuer == storage.IssuerStore:
		return Copy
	case d.Seller.VATNumber == "":
		return PlainInvoice
	case d.Invoice.Type == storage.ReturnInvoice:
		return CreditNote
	}
	return SimplifiedTaxInvoice
}

// HasQR reports whether the document carries the phase-1 QR code: Mizan issues it as a tax
// document (a simplified tax invoice or its credit note) and the seller has a VAT number.
func (d Document) HasQR() bool {
	k := d.Kind()
	return k == SimplifiedTaxInvoice || k == CreditNote
}

// StoreQR is the QR text of the store's own tax document that a copy prints, when the store gave
// one; empty for documents Mizan issues (they carry their own QR).
func (d Document) StoreQR() string {
	if d.Kind() != Copy {
		return ""
	}
	return strings.TrimSpace(d.Invoice.StoreDoc.QR)
}

// QRFields are the QR code's fields for the document (see the package's QRFields).
func (d Document) QRFields() []Field {
	return QRFields(d.Seller.Name(), d.Seller.VATNumber, d.Invoice.IssueDate, d.Invoice.Total, d.Invoice.Tax)
}

// ErrNotFound: no invoice has the number asked for.
var ErrNotFound = errors.New("no such invoice")

// Load reads an invoice by number with its branch's seller details and who issued it. Numbers are
// matched as written, then in capitals.
func Load(ctx context.Context, db *storage.DB, number string) (Document, error) {
	var doc Document
	number = strings.TrimSpace(number)
	err := db.View(ctx, func(tx *storage.Tx) error {
		inv, err := tx.InvoiceByNumber(number)
		if errors.Is(err, storage.ErrNotFound) && strings.ToUpper(number) != number {
			inv, err = tx.InvoiceByNumber(strings.ToUpper(number))
		}
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("invoice %q: %w", number, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read invoice %s: %w", number, err)
		}
		return fill(tx, &doc, inv)
	})
	return doc, err
}

// LoadID reads an invoice by id, as Load does.
func LoadID(ctx context.Context, db *storage.DB, id int64) (Document, error) {
	var doc Document
	err := db.View(ctx, func(tx *storage.Tx) error {
		inv, err := tx.Invoice(id)
		if err != nil {
			return fmt.Errorf("read invoice %d: %w", id, err)
		}
		return fill(tx, &doc, inv)
	})
	return doc, err
}

func fill(tx *storage.Tx, doc *Document, inv storage.Invoice) error {
	seller, err := tx.Seller(inv.BranchID)
	if err != nil {
		return fmt.Errorf("read the seller details of %s: %w", inv.Number, err)
	}
	issuer, err := tx.InvoiceIssuerOf(inv)
	if err != nil {
		return err
	}
	*doc = Document{Invoice: inv, Seller: seller, Issuer: issuer}
	return nil
}

// Render prints the document to PDF.
func Render(doc Document, opt Options) ([]byte, error) {
	if opt.Layout == "" {
		opt.Layout = A4
	}
	if opt.Lang == "" {
		opt.Lang = Both
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if _, err := ParseLayout(string(opt.Layout)); err != nil {
		return nil, err
	}
	if _, err := ParseLang(string(opt.Lang)); err != nil {
		return nil, err
	}
	p, err := newPrinter(doc, opt)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := p.write(&buf); err != nil {
		return nil, fmt.Errorf("print invoice %s: %w", doc.Invoice.Number, err)
	}
	return buf.Bytes(), nil
}

// FileName is the name a printed invoice is saved under: its number and ".pdf".
func FileName(number string) string {
	clean := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '-'
		}
		return r
	}, number)
	return clean + ".pdf"
}

// vatRate is a line's or charge's VAT rate in percent, from its tax and its amount net of tax,
// rounded to two decimals (0 when there is no net amount).
func vatRate(net, tax decimal.Decimal) decimal.Decimal {
	if !net.IsPositive() {
		return decimal.Zero
	}
	return tax.Div(net).Mul(decimal.NewFromInt(100)).Round(2)
}

// row is one printed line of the invoice: a product line or a charge.
type row struct {
	desc      string
	qty       decimal.Decimal
	unitPrice decimal.Decimal
	discount  decimal.Decimal
	rate      decimal.Decimal // VAT %
	vat       decimal.Decimal
	total     decimal.Decimal // with VAT
}

// rows lists the lines and then the charges (shipping, fees) as the printed table shows them.
func rows(inv storage.Invoice) []row {
	var out []row
	for _, l := range inv.Lines {
		gross := l.Quantity.Mul(l.UnitPrice).Sub(l.Discount)
		net, total := gross, gross.Add(l.Tax)
		if inv.TaxInclusive {
			net, total = gross.Sub(l.Tax), gross
		}
		out = append(out, row{desc: l.Description, qty: l.Quantity, unitPrice: l.UnitPrice, discount: l.Discount,
			rate: vatRate(net, l.Tax), vat: l.Tax, total: total})
	}
	for _, c := range inv.Charges {
		net, total := c.Amount, c.Amount.Add(c.Tax)
		if inv.TaxInclusive {
			net, total = c.Amount.Sub(c.Tax), c.Amount
		}
		out = append(out, row{desc: c.Description, qty: decimal.NewFromInt(1), unitPrice: c.Amount,
			rate: vatRate(net, c.Tax), vat: c.Tax, total: total})
	}
	return out
}

// money formats an amount to the halala with thousands separators: 1,234.50.
func money(d decimal.Decimal) string {
	s := d.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// percent formats a VAT rate: 15%, 7.5%.
func percent(d decimal.Decimal) string { return d.String() + "%" }
