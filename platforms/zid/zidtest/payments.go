package zidtest

import "time"

// paymentState adds to an order's payment.method what Zid's SDK documents beside its name, code
// and type: updated_at, when the payment last changed, and for a bank transfer its
// transaction_status and transaction_status_name ("new" / "New" until the merchant confirms it,
// "transfered" / "Confirmed" after, as the SDK's examples spell them).
func paymentState(out map[string]any, o *order) {
	pay, _ := out["payment"].(map[string]any)
	method, _ := pay["method"].(map[string]any)
	if method == nil {
		return
	}
	method["updated_at"] = orderTime(paymentChanged(o))
	if o.payment == "zid_bank_transfer" {
		method["transaction_status"], method["transaction_status_name"] = "new", "New"
		if o.paid != "pending" {
			method["transaction_status"], method["transaction_status_name"] = "transfered", "Confirmed"
		}
	}
}

// paymentChanged is when the order's payment_status last changed, read from its history as
// setStatus moves it: a card is paid when the order is placed; cash and transfers when the order
// is delivered; a paid order is refunded when it is cancelled or reversed.
func paymentChanged(o *order) time.Time {
	at := o.createdAt
	paid := o.payment == "zidpay"
	refunded := false
	for _, h := range o.histories {
		switch h.status {
		case StatusDelivered:
			if !paid {
				paid, at = true, h.at
			}
		case StatusCanceled, StatusCancelled, StatusReversed:
			if paid && !refunded {
				refunded, at = true, h.at
			}
		}
	}
	return at
}
