package core

import (
	"fmt"
	"strings"

	"mizan/storage"
)

// postPayments brings an invoiced order's payments into the books, each once: money the
// customer paid comes into the account the connection maps its payment method to (the cash box
// until the merchant chooses), for the order's sales invoice and dated as the store dated it;
// money refunded goes out of it, for the return invoice of the refund it pays. The invoice itself
// is never rewritten: an order paid later (cash collected on delivery) is only read again,
// changed, and its new payment is added. A refund whose return invoice is not in the books yet
// waits for it (the return is retried on its own, and brings the order back with it). A payment
// that cannot be recorded is logged and queued for retry; it holds back nothing else.
func (s *syncer) postPayments(o StoreOrder, ob binding, handled map[string]bool) error {
	left := false
	for _, p := range o.Payments {
		left = left || (!handled[p.ExternalID] && !p.Amount.IsZero())
	}
	if !left {
		return nil
	}
	var todo []StorePayment
	var failed []refusedPayment
	err := s.update(func(tx *storage.Tx) error {
		var err error
		todo, failed, err = s.payInTx(tx, o, ob, handled, true)
		return err
	})
	if err != nil {
		if fatal(err) {
			return err
		}
		failed = nil
		for _, p := range todo {
			failed = append(failed, refusedPayment{p, err})
		}
	}
	s.failPayments(o, failed)
	return nil
}

// refusedPayment is a store payment the books refused, and why.
type refusedPayment struct {
	p   StorePayment
	err error
}

// payInTx records in tx the order's payments not in the books yet (nor in skip), refunds only
// when refunds is set (their return invoices must be posted first). Those already in the books
// are passed over; one the books refuse is set aside (its savepoint undone) for the log. It
// returns the payments it tried.
func (s *syncer) payInTx(tx *storage.Tx, o StoreOrder, ob binding, skip map[string]bool, refunds bool) ([]StorePayment, []refusedPayment, error) {
	var todo []StorePayment
	var failed []refusedPayment
	for _, p := range o.Payments {
		if p.Amount.IsZero() || skip[p.ExternalID] || (p.Refund && !refunds) {
			continue // a payment of nothing moved no money (an order with nothing to pay, a zero refund)
		}
		if held, err := s.paymentRecorded(tx, p.ExternalID); err != nil {
			return todo, failed, err
		} else if held {
			continue
		}
		todo = append(todo, p)
		if err := s.recordPayment(tx, o, ob, p); storage.IsValidation(err) {
			failed = append(failed, refusedPayment{p, err})
		} else if err != nil {
			return todo, failed, err
		}
	}
	return todo, failed, nil
}

// recordPayment records one store payment in tx, unless it waits for its refund's return.
func (s *syncer) recordPayment(tx *storage.Tx, o StoreOrder, ob binding, p StorePayment) error {
	if !p.Amount.IsPositive() {
		return sayInvalid("payment.bad_amount", p.Amount)
	}
	invoiceID, ready, err := s.paymentInvoice(tx, o, ob, p)
	if err != nil || !ready {
		return err
	}
	method, title := p.Method, p.MethodTitle
	if method == "" {
		method, title = o.PaymentMethod, o.PaymentMethodTitle
	}
	account, err := tx.SeePaymentMethod(s.conn.ID, method, title)
	if err != nil {
		return err
	}
	dir := storage.PaymentIn
	if p.Refund {
		dir = storage.PaymentOut
	}
	out, err := tx.RecordPayment(storage.Payment{Direction: dir, AccountID: account, InvoiceID: invoiceID, Amount: p.Amount,
		Date: p.PaidAt, Method: method, MethodTitle: title,
		Source: storage.Source{Connection: s.conn.Name, Platform: s.conn.Platform, ExternalID: p.ExternalID, OrderName: o.Name}})
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO sync_payments(connection_id, external_id, payment_id) VALUES (?, ?, ?)`,
		s.conn.ID, p.ExternalID, out.ID); err != nil {
		return fmt.Errorf("remember store payment %s: %w", p.ExternalID, err)
	}
	if err := clearRetry(tx, s.conn.ID, "payment", p.ExternalID); err != nil {
		return err
	}
	how := methodName(method, title)
	docType := "sales_invoice"
	if out.InvoiceType == storage.ReturnInvoice {
		docType = "return_invoice"
	}
	code := "payment.received"
	if p.Refund {
		code = "payment.refunded"
	}
	msg := say(code, out.Number, out.Amount.StringFixed(2), out.Currency, out.InvoiceNumber, o.Name, how, out.AccountName)
	return s.run.add(tx, LogEntry{Level: Info, Kind: "payment", Say: msg, StoreRef: o.Name, ExternalID: p.ExternalID,
		DocType: docType, DocID: invoiceID})
}

// failPayments logs why store payments were not recorded and queues their order for retry.
func (s *syncer) failPayments(o StoreOrder, failed []refusedPayment) {
	for _, f := range failed {
		s.failPayment(o, f.p, f.err)
	}
}

func (s *syncer) failPayment(o StoreOrder, p StorePayment, err error) {
	code := "payment.failed"
	if p.Refund {
		code = "payment.refund_failed"
	}
	msg := say(code, p.ExternalID, o.Name, p.Amount.StringFixed(2), o.Currency, err)
	uerr := s.update(func(tx *storage.Tx) error {
		if err := queueRetry(tx, s.conn.ID, "payment", p.ExternalID, o.Name, msg.English()); err != nil {
			return err
		}
		return s.run.add(tx, LogEntry{Level: Error, Kind: "payment", Say: msg, StoreRef: o.Name, ExternalID: p.ExternalID})
	})
	if uerr != nil {
		s.e.log.Error("record failed payment", "order", o.Name, "err", uerr)
	}
}

// paymentInvoice is the invoice a store payment settles: the order's sales invoice for money
// received; for a refund, the return invoice of the refund it names, or else of a refund of the
// same amount not paid out yet, or else the cancellation's return, or else the sales invoice.
// ready is false while the refund it names is not in the books yet.
func (s *syncer) paymentInvoice(tx *storage.Tx, o StoreOrder, ob binding, p StorePayment) (int64, bool, error) {
	if !p.Refund {
		return ob.LocalID, true, nil
	}
	if p.RefundID != "" {
		b, found, err := findBinding(tx, s.conn.ID, "refund", p.RefundID)
		if err != nil || found {
			return b.LocalID, found, err
		}
		for _, r := range o.Refunds {
			if r.ExternalID == p.RefundID && refundReturns(r) {
				return 0, false, nil // its return is not in the books yet
			}
		}
	}
	for _, r := range o.Refunds {
		b, found, err := findBinding(tx, s.conn.ID, "refund", r.ExternalID)
		if err != nil {
			return 0, false, err
		}
		if !found {
			continue
		}
		ret, err := tx.Invoice(b.LocalID)
		if err != nil {
			return 0, false, err
		}
		var paid int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM payments WHERE invoice_id = ? AND direction = 'out'`, ret.ID).Scan(&paid); err != nil {
			return 0, false, err
		}
		if paid == 0 && ret.Total.Equal(p.Amount) {
			return ret.ID, true, nil
		}
	}
	if b, found, err := findBinding(tx, s.conn.ID, "cancel", o.ExternalID); err != nil {
		return 0, false, err
	} else if found && b.LocalID != ob.LocalID {
		return b.LocalID, true, nil
	}
	return ob.LocalID, true, nil
}

// refundReturns says whether a refund makes a return invoice (see postRefund).
func refundReturns(r StoreRefund) bool {
	for _, rl := range r.Lines {
		if rl.Quantity.IsPositive() {
			return true
		}
	}
	return r.Total.IsPositive()
}

// methodName is how a payment method reads in the sync log.
func methodName(method, title string) Phrase {
	switch {
	case title != "" && !strings.EqualFold(title, method):
		return say("payment.method", title, method)
	case method != "":
		return words(method)
	}
	return say("payment.unnamed")
}
