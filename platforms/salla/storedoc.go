package salla

import (
	"strings"

	"mizan/core"
)

// taxInvoice takes the order's tax invoice out of its store documents (GET /orders/invoices lists
// Salla's "Tax Invoice" beside its "Credit Note"s) into the order's Invoice, number and QR text,
// and returns the credit notes.
func taxInvoice(o *core.StoreOrder, docs []invoice) []invoice {
	var notes []invoice
	for _, d := range docs {
		if d.isCreditNote() {
			notes = append(notes, d)
			continue
		}
		t := strings.ToLower(strings.Join(strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(string(d.Type))), " "))
		if t == "tax invoice" && o.Invoice.Number == "" {
			o.Invoice = core.StoreDocument{Number: strings.TrimSpace(string(d.InvoiceNumber)), QR: strings.TrimSpace(string(d.QRCode))}
		}
	}
	return notes
}

// creditNoteDocuments gives each refund made from a credit note that note's number and QR text.
func creditNoteDocuments(o *core.StoreOrder, notes []invoice) {
	byRefund := map[string]invoice{}
	for _, n := range notes {
		byRefund["credit-note-"+n.ID.String()] = n
	}
	for i := range o.Refunds {
		if n, ok := byRefund[o.Refunds[i].ExternalID]; ok {
			o.Refunds[i].CreditNote = core.StoreDocument{Number: strings.TrimSpace(string(n.InvoiceNumber)), QR: strings.TrimSpace(string(n.QRCode))}
		}
	}
}
