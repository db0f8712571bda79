package zidtest

import (
	"net/url"
	"strconv"
	"strings"

	"mizan/core/invoicepdf"
)

// vatNumber is the store's VAT registration number, as its tax settings give it.
const vatNumber = "300123456700003"

// invoiceQR is the text of the QR code on the tax invoice Zid issues for an order: ZATCA's
// phase-1 fields (the store's name and VAT number, the order's time, its total and VAT) as base64
// of their TLV encoding.
func (s *Server) invoiceQR(o *order) string {
	qr, err := invoicepdf.QRText(invoicepdf.QRFields(s.opt.StoreName, vatNumber, o.createdAt,
		o.money.total().Round(2), o.money.vat().Round(2)))
	if err != nil {
		panic(err) // the store's name is set by the test; one too long for a QR field is its mistake
	}
	return qr
}

// InvoiceQR is the QR text of the tax invoice the store issued for order id (empty for no such
// order), as the print payload gives it.
func (s *Server) InvoiceQR(id int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.st.orders[id]; o != nil {
		return s.invoiceQR(o)
	}
	return ""
}

// printFields add what payload_type=print gives beyond the default payload, as Zid's SDK models
// it (OrderPrint): the store's address and VAT settings, the payment method at the top level,
// zatca.qr_code_data (the tax invoice's QR text) and order_credit_notes.
func (s *Server) printFields(o *order, out map[string]any) {
	method, _ := out["payment"].(map[string]any)
	notes := []any{}
	for _, cn := range o.notes {
		notes = append(notes, map[string]any{"id": cn.id, "invoice_number": cn.number})
	}
	out["payment_method"] = method["method"]
	out["store_address"] = "طريق الملك فهد، العليا، الرياض"
	out["store_vat_settings"] = map[string]any{"country": map[string]any{"id": 184, "code": "SA"}, "tax_percentage": 0.15,
		"vat_number": vatNumber, "is_vat_number_visible": true, "vat_activate": true}
	out["zatca"] = map[string]any{"qr_code_data": s.invoiceQR(o)}
	out["order_credit_notes"] = notes
}

// orderIDs reads the list's order_id filter: order ids, comma-separated (the docs' example is
// "1096,125643,2222"). Nil when absent; an id that is not a number matches no order.
func orderIDs(q url.Values) map[int64]bool {
	v := strings.TrimSpace(q.Get("order_id"))
	if v == "" {
		return nil
	}
	ids := map[int64]bool{}
	for _, p := range strings.Split(v, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			ids[id] = true
		}
	}
	return ids
}
