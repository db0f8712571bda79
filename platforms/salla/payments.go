package salla

import (
	"strings"

	"mizan/core"
)

// orderPayments fills an order's payment method (Salla's payment_method) and the payments it
// implies. Salla's order says how it is paid and its state, not when the money came, so:
//   - an order paid online (any method but cod) is paid at checkout, for its total, dated when it
//     was placed, unless it still awaits payment (payment_pending);
//   - cash on delivery is paid once the order is delivered or completed (or is being returned or
//     was returned, which comes after delivery), dated when the order last changed as it is first
//     seen so, the closest the order tells;
//   - each refund (credit note) of a paid order pays its total back, dated with the refund.
func orderPayments(o *core.StoreOrder, method string) {
	method = strings.ToLower(strings.TrimSpace(method))
	o.PaymentMethod = method
	if method == "" || o.Unreadable != "" || !o.Total.IsPositive() {
		return
	}
	paidAt := o.CreatedAt
	switch {
	case method == "cod":
		switch o.Status {
		case "delivered", "completed", "restoring", "restored":
			paidAt = o.UpdatedAt
		default:
			return
		}
	case o.Status == "payment_pending":
		return
	}
	o.Payments = append(o.Payments, core.StorePayment{ExternalID: "paid-" + o.ExternalID, Method: method, Amount: o.Total, PaidAt: paidAt})
	for _, r := range o.Refunds {
		if r.Total.IsPositive() {
			o.Payments = append(o.Payments, core.StorePayment{ExternalID: "refund-paid-" + r.ExternalID, Refund: true, RefundID: r.ExternalID,
				Method: method, Amount: r.Total, PaidAt: r.CreatedAt})
		}
	}
}
