package core

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// postRefund turns one store refund into a return invoice against the order's sales invoice:
// returned lines at their invoiced prices (restocked ones moving back into the warehouse),
// refunded shipping, and any amount not tied to items as a line of its own, so the return's total
// is the refund's total. An amount-only refund (shipping refunded on its own, a goodwill amount,
// an adjustment) is a return of charges only: the refunded shipping with its VAT, and the rest
// as a charge of its own, moving no stock. A refund that cannot be posted is logged and queued
// for retry on its own: it never holds back the sales invoice or the order's other returns.
func (s *syncer) postRefund(o StoreOrder, ob binding, r StoreRefund) error {
	var done bool
	if err := s.view(func(tx *storage.Tx) error {
		_, found, err := findBinding(tx, s.conn.ID, "refund", r.ExternalID)
		done = found
		return err
	}); err != nil || done {
		return err
	}
	hasLines := false
	for _, rl := range r.Lines {
		hasLines = hasLines || rl.Quantity.IsPositive()
	}
	if !hasLines && !r.Total.IsPositive() {
		return nil // nothing returned, nothing paid back
	}
	err := s.update(func(tx *storage.Tx) error {
		var snap orderSnapshot
		if err := json.Unmarshal([]byte(ob.Store), &snap); err != nil {
			return fmt.Errorf("read the invoiced order: %w", err)
		}
		inv := storage.Invoice{OriginalID: ob.LocalID, IssueDate: r.CreatedAt, TaxInclusive: o.TaxesIncluded, Notes: r.Note,
			Source: storage.Source{Connection: s.conn.Name, Platform: s.conn.Platform, ExternalID: r.ExternalID, OrderName: o.Name}}
		restocked := decimal.Zero
		for _, rl := range r.Lines {
			if !rl.Quantity.IsPositive() {
				continue
			}
			ol, ok := snap.Lines[rl.LineID]
			if !ok {
				return sayInvalid("refund.unknown_line", rl.LineID)
			}
			line := storage.InvoiceLine{ProductID: ol.ProductID, Description: ol.Name, Quantity: rl.Quantity, UnitPrice: ol.UnitPrice,
				Discount: rl.Quantity.Mul(ol.UnitPrice).Sub(rl.Subtotal), Tax: rl.Tax, Restock: rl.Restock && ol.ProductID != 0}
			if line.Discount.IsNegative() { // refunded above the invoiced price: the excess is a line of its own
				inv.Lines = append(inv.Lines, storage.InvoiceLine{Description: "Refund above the price of " + ol.Name,
					Quantity: decimal.NewFromInt(1), UnitPrice: line.Discount.Neg()})
				line.Discount = decimal.Zero
			}
			if line.Restock {
				restocked = restocked.Add(rl.Quantity)
			}
			inv.Lines = append(inv.Lines, line)
		}
		if r.Shipping.IsPositive() || r.ShippingTax.IsPositive() {
			inv.Charges = append(inv.Charges, storage.Charge{Kind: storage.ChargeShipping, Description: "Shipping refunded",
				Amount: r.Shipping, Tax: r.ShippingTax})
		}
		if hasLines {
			balance(&inv, r.Total, "Refund")
		} else {
			balanceCharges(&inv, r.Total, refundLabel(r))
		}
		var err error
		if inv.StoreDoc, err = s.storeDocument(tx, r.CreditNote); err != nil {
			return err
		}
		out, err := tx.IssueReturnInvoice(inv)
		if err != nil {
			return err
		}
		if err := bind(tx, s.conn.ID, binding{Kind: "refund", ExternalID: r.ExternalID, LocalID: out.ID, ParentID: o.ExternalID}); err != nil {
			return err
		}
		if err := s.recordEvents(tx, o, snap.Lines, true); err != nil {
			return err
		}
		if err := markPosted(tx, s.conn.ID, "refund", r.ExternalID); err != nil {
			return err
		}
		if err := clearRetry(tx, s.conn.ID, "refund", r.ExternalID); err != nil {
			return err
		}
		s.run.count(func(c *Counts) { c.Returns++ })
		msg := say("refund.posted", out.Number, o.Name, out.Total.StringFixed(2), out.Currency)
		switch {
		case restocked.IsPositive():
			msg = say("refund.posted_restock", out.Number, o.Name, out.Total.StringFixed(2), out.Currency, restocked)
		case !hasLines:
			msg = say("refund.posted_no_items", out.Number, o.Name, out.Total.StringFixed(2), out.Currency)
		}
		return s.run.add(tx, LogEntry{Level: Info, Kind: "refund", Say: msg, StoreRef: o.Name, ExternalID: o.ExternalID,
			DocType: "return_invoice", DocID: out.ID})
	})
	if err == nil || fatal(err) {
		return err
	}
	s.failReturn(o, "refund", r.ExternalID, say("refund.failed", r.ExternalID, o.Name, r.Total.StringFixed(2), o.Currency, err))
	return nil
}

// refundLabel describes the money of an amount-only refund.
func refundLabel(r StoreRefund) string {
	if note := strings.TrimSpace(r.Note); note != "" {
		return "Refund: " + note
	}
	return "Refund"
}

// balanceCharges makes a return of charges only total exactly want: an amount the refunded
// shipping does not explain becomes a charge of its own (the store gives no tax for it), and an
// amount kept back is taken off as a discount.
func balanceCharges(inv *storage.Invoice, want decimal.Decimal, label string) {
	inv.ComputeTotals()
	diff := want.Sub(inv.Total)
	switch {
	case diff.IsPositive():
		inv.Charges = append(inv.Charges, storage.Charge{Kind: storage.ChargeOther, Description: label, Amount: diff})
	case diff.IsNegative():
		inv.Discount = inv.Discount.Add(diff.Neg())
	}
	inv.ComputeTotals()
}

// failReturn logs why a return (a refund's or a cancellation's) could not be posted and queues it
// for retry under its own kind and key; the order's number is what Retry fetches again.
func (s *syncer) failReturn(o StoreOrder, kind, key string, msg Phrase) {
	uerr := s.update(func(tx *storage.Tx) error {
		if err := s.recordEvents(tx, o, nil, false); err != nil {
			return err
		}
		if err := queueRetry(tx, s.conn.ID, kind, key, o.Name, msg.English()); err != nil {
			return err
		}
		return s.run.add(tx, LogEntry{Level: Error, Kind: kind, Say: msg, StoreRef: o.Name, ExternalID: key})
	})
	if uerr != nil {
		s.e.log.Error("record failed return", "order", o.Name, "err", uerr)
	}
}

// balance makes an invoice total exactly want: an amount the parts do not explain is added as a
// line (money refunded beyond the items), or taken off as a discount (money kept back).
func balance(inv *storage.Invoice, want decimal.Decimal, label string) {
	inv.ComputeTotals()
	diff := want.Sub(inv.Total)
	switch {
	case diff.IsPositive():
		inv.Lines = append(inv.Lines, storage.InvoiceLine{Description: label, Quantity: decimal.NewFromInt(1), UnitPrice: diff})
	case diff.IsNegative():
		inv.Discount = inv.Discount.Add(diff.Neg())
	}
	inv.ComputeTotals()
}

// postCancellation returns what is left of an invoiced order that the store cancelled: quantities
// and money not already returned by its refunds. The store did not say the goods came back, so
// nothing is restocked by it (a restocking cancellation arrives as a refund and restocks there).
func (s *syncer) postCancellation(o StoreOrder, ob binding) error {
	var done bool
	if err := s.view(func(tx *storage.Tx) error {
		_, found, err := findBinding(tx, s.conn.ID, "cancel", o.ExternalID)
		done = found
		return err
	}); err != nil || done {
		return err
	}
	err := s.update(func(tx *storage.Tx) error {
		orig, err := tx.Invoice(ob.LocalID)
		if err != nil {
			return err
		}
		returned, money, shipping, shippingTax, err := returnedSoFar(tx, orig.ID)
		if err != nil {
			return err
		}
		left := orig.Total.Sub(money)
		inv := storage.Invoice{OriginalID: orig.ID, IssueDate: o.CancelledAt, TaxInclusive: orig.TaxInclusive,
			Notes:  "Order cancelled in the store",
			Source: storage.Source{Connection: s.conn.Name, Platform: s.conn.Platform, ExternalID: o.ExternalID + ":cancel", OrderName: o.Name}}
		for _, l := range orig.Lines {
			if l.ProductID == 0 {
				continue
			}
			rem := l.Quantity
			if back := returned[l.ProductID]; back.IsPositive() {
				take := decimal.Min(back, rem)
				returned[l.ProductID] = back.Sub(take)
				rem = rem.Sub(take)
			}
			if !rem.IsPositive() {
				continue
			}
			share := rem.Div(l.Quantity)
			inv.Lines = append(inv.Lines, storage.InvoiceLine{ProductID: l.ProductID, Description: l.Description, Quantity: rem,
				UnitPrice: l.UnitPrice, Discount: l.Discount.Mul(share).Round(2), Tax: l.Tax.Mul(share).Round(2)})
		}
		if sh := orig.Shipping.Sub(shipping); sh.IsPositive() {
			shTax := decimal.Zero
			for _, c := range orig.Charges {
				if c.Kind == storage.ChargeShipping {
					shTax = shTax.Add(c.Tax)
				}
			}
			inv.Charges = append(inv.Charges, storage.Charge{Kind: storage.ChargeShipping, Description: "Shipping", Amount: sh,
				Tax: decimal.Max(decimal.Zero, shTax.Sub(shippingTax))})
		}
		if len(inv.Lines) == 0 && !left.IsPositive() {
			return bind(tx, s.conn.ID, binding{Kind: "cancel", ExternalID: o.ExternalID, LocalID: orig.ID, ParentID: o.ExternalID})
		}
		if len(inv.Lines) == 0 {
			inv.Lines = append(inv.Lines, storage.InvoiceLine{Description: "Cancelled order", Quantity: decimal.NewFromInt(1), UnitPrice: left})
		}
		balance(&inv, left, "Cancelled order balance")
		out, err := tx.IssueReturnInvoice(inv)
		if err != nil {
			return err
		}
		if err := bind(tx, s.conn.ID, binding{Kind: "cancel", ExternalID: o.ExternalID, LocalID: out.ID, ParentID: o.ExternalID}); err != nil {
			return err
		}
		if err := clearRetry(tx, s.conn.ID, "cancel", o.ExternalID); err != nil {
			return err
		}
		s.run.count(func(c *Counts) { c.Returns++ })
		return s.run.add(tx, LogEntry{Level: Info, Kind: "order", StoreRef: o.Name, ExternalID: o.ExternalID, DocType: "return_invoice",
			DocID: out.ID, Say: say("cancel.posted", out.Number, o.Name, orig.Number, out.Total.StringFixed(2), out.Currency)})
	})
	if err == nil || fatal(err) {
		return err
	}
	s.failReturn(o, "cancel", o.ExternalID, say("cancel.failed", o.Name, err))
	return nil
}

// returnedSoFar sums what a sales invoice's returns took back: quantities per product, money, and
// shipping with its tax.
func returnedSoFar(tx *storage.Tx, salesID int64) (map[int64]decimal.Decimal, decimal.Decimal, decimal.Decimal, decimal.Decimal, error) {
	qty := map[int64]decimal.Decimal{}
	money, shipping, shippingTax := decimal.Zero, decimal.Zero, decimal.Zero
	rows, err := tx.Query(`SELECT id FROM invoices WHERE original_invoice_id = ?`, salesID)
	if err != nil {
		return nil, money, shipping, shippingTax, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, money, shipping, shippingTax, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		r, err := tx.Invoice(id)
		if err != nil {
			return nil, money, shipping, shippingTax, err
		}
		money = money.Add(r.Total)
		shipping = shipping.Add(r.Shipping)
		for _, c := range r.Charges {
			if c.Kind == storage.ChargeShipping {
				shippingTax = shippingTax.Add(c.Tax)
			}
		}
		for _, l := range r.Lines {
			if l.ProductID != 0 {
				qty[l.ProductID] = qty[l.ProductID].Add(l.Quantity)
			}
		}
	}
	return qty, money, shipping, shippingTax, nil
}
