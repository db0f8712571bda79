package zid

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/jsonnum"
	"mizan/platforms/jsontime"
)

// moneyState is what a Zid order says about its money beside its payment method (payment.method
// {code, name}): payment_status (pending, paid, refunded or voided, as Zid's SDK documents it),
// delivered_at, and invoice_number, the number of the order's invoice. Each is read leniently: a
// value of an unexpected shape leaves it unset instead of making the order unreadable.
type moneyState struct {
	PaymentStatus looseText `json:"payment_status"`
	DeliveredAt   looseTime `json:"delivered_at"`
	InvoiceNumber looseText `json:"invoice_number"`
}

// looseText is a string or a number as text; anything else leaves it empty.
type looseText string

func (s *looseText) UnmarshalJSON(b []byte) error {
	var id jsonnum.ID
	if json.Unmarshal(b, &id) == nil {
		*s = looseText(strings.TrimSpace(id.String()))
	} else {
		*s = ""
	}
	return nil
}

// looseTime is a time as jsontime reads it; one it cannot read is left unset.
type looseTime struct{ jsontime.Time }

func (t *looseTime) UnmarshalJSON(b []byte) error {
	if t.Time.UnmarshalJSON(b) != nil {
		t.Time = jsontime.Time{}
	}
	return nil
}

// Payment methods by how their money comes: cash handed to the courier, and transfers the
// merchant confirms. Any other method (Zid Pay's cards, Mada, Apple Pay, instalments) is paid
// online at checkout.
var (
	cashOnDelivery = map[string]bool{"zid_cod": true, "cod": true, "cash_on_delivery": true}
	transfers      = map[string]bool{"zid_bank_transfer": true, "bank_transfer": true}
)

// deliveredStates are the statuses of an order that reached its buyer (a returned one did first).
var deliveredStates = map[string]bool{"delivered": true, "reverse_in_progress": true, "partially_reversed": true, "reversed": true}

// orderPayments fills an order's payment method (payment.method's code, and its name as the
// store shows it), the payments its state implies, and the numbers of the store's own documents
// (the order's invoice_number; each credit note's invoice_number on its refund). Zid says how an
// order is paid and whether it is (payment_status), not when the money came, so:
//   - an order paid online is paid at checkout, for its total, dated when it was placed, once its
//     payment_status is paid (or refunded, which it was first);
//   - a bank transfer is paid once the merchant confirms it (payment_status paid), dated when its
//     payment last changed (payment.method.updated_at), else when the order last changed;
//   - cash on delivery is paid once payment_status says so or the order is delivered (or is
//     being returned or was, which comes after delivery), dated when it was delivered
//     (delivered_at), else when the order last changed;
//   - a pending or voided payment is no payment, and nothing of an unpaid order is paid back;
//   - each refund of a paid order (a credit note, or the rest of a reversed or cancelled order)
//     pays its total back, dated with the refund; an order whose payment_status is refunded and
//     whose refunds do not cover its total pays the rest back when it last changed.
func orderPayments(o *core.StoreOrder, d *order, notes []creditNote) {
	documents(o, d, notes)
	if d.Payment != nil && d.Payment.Method != nil {
		o.PaymentMethod = strings.ToLower(strings.TrimSpace(d.Payment.Method.Code))
		o.PaymentMethodTitle = strings.TrimSpace(d.Payment.Method.Name)
	}
	method := o.PaymentMethod
	if method == "" || o.Unreadable != "" || !o.Total.IsPositive() {
		return
	}
	status := strings.ToLower(strings.TrimSpace(string(d.PaymentStatus)))
	paid := status == "paid" || status == "refunded"
	var paidAt time.Time
	switch {
	case status == "voided":
		return
	case cashOnDelivery[method]:
		if !paid && !deliveredStates[statusOf(d.OrderStatus.Code)] {
			return
		}
		paidAt = d.DeliveredAt.In(orderZone)
		if paidAt.IsZero() {
			paidAt = o.UpdatedAt
		}
	case !paid:
		return
	case transfers[method]:
		paidAt = d.Payment.Method.UpdatedAt.In(orderZone)
		if paidAt.IsZero() {
			paidAt = o.UpdatedAt
		}
	default:
		paidAt = o.CreatedAt
	}
	title := o.PaymentMethodTitle
	o.Payments = append(o.Payments, core.StorePayment{ExternalID: "paid-" + o.ExternalID, Method: method, MethodTitle: title,
		Amount: o.Total, PaidAt: paidAt})
	back := decimal.Zero
	for _, r := range o.Refunds {
		if r.Total.IsPositive() {
			o.Payments = append(o.Payments, core.StorePayment{ExternalID: "refund-paid-" + r.ExternalID, Refund: true,
				RefundID: r.ExternalID, Method: method, MethodTitle: title, Amount: r.Total, PaidAt: r.CreatedAt})
			back = back.Add(r.Total)
		}
	}
	if rest := o.Total.Sub(back); status == "refunded" && rest.IsPositive() {
		o.Payments = append(o.Payments, core.StorePayment{ExternalID: "refund-paid-rest-" + o.ExternalID, Refund: true,
			Method: method, MethodTitle: title, Amount: rest, PaidAt: o.UpdatedAt})
	}
}

// documents gives the order the number of Zid's invoice for it (invoice_number), and each refund
// made from a credit note that note's number. Zid gives the text of the invoice's QR code only
// in the print payload (zatca.qr_code_data), read apart when the store issues the tax invoices
// (storedoc.go), and none for a credit note.
func documents(o *core.StoreOrder, d *order, notes []creditNote) {
	if o.Unreadable != "" {
		return
	}
	o.Invoice.Number = string(d.InvoiceNumber)
	byRefund := map[string]string{}
	for _, n := range notes {
		if num := strings.TrimSpace(n.InvoiceNumber.String()); num != "" {
			byRefund["credit-note-"+n.ID.String()] = num
		}
	}
	for i := range o.Refunds {
		if num, ok := byRefund[o.Refunds[i].ExternalID]; ok {
			o.Refunds[i].CreditNote.Number = num
		}
	}
}
