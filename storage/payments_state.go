package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// PayStatus says how far an invoice's money has been settled.
type PayStatus string

// Payment statuses. For a sales invoice: whether the customer has paid what is due on it (its
// total less its returns). For a return invoice: whether the money it gives back has been paid
// out.
const (
	PayUnpaid     PayStatus = "unpaid"
	PayPartly     PayStatus = "partly_paid"
	PayPaid       PayStatus = "paid"
	PayNothingDue PayStatus = "nothing_due" // returned in full before anything was paid, or a return of an unpaid sale
	// PayUntracked: issued before these books kept payments (they were made by an older Mizan),
	// and no payment recorded for it since: whether it was paid is not known.
	PayUntracked PayStatus = "untracked"
)

// PaymentState is an invoice's money: what is due on it and what has been paid, and its status.
//
//	sales invoice:  due = total − Σ its returns' totals;  paid = Σ money in on it − Σ money out on it and its returns
//	return invoice: due = its total;                       paid = Σ money out on it (less reversals)
type PaymentState struct {
	Status PayStatus
	Due    decimal.Decimal
	Paid   decimal.Decimal
}

func settle(due, paid, received decimal.Decimal) PayStatus {
	switch {
	case !due.IsPositive() && !received.IsPositive() && !paid.IsPositive():
		return PayNothingDue
	case !due.IsPositive():
		return PayPaid
	case !paid.IsPositive():
		return PayUnpaid
	case paid.LessThan(due):
		return PayPartly
	}
	return PayPaid
}

// PaymentStates gives the payment state of each of the invoices, by id. Only the invoices' ids,
// types, totals and originals are read from them (headers are enough).
func (d *DB) PaymentStates(ctx context.Context, invs []Invoice) (map[int64]PaymentState, error) {
	out := map[int64]PaymentState{}
	for len(invs) > 0 {
		n := min(len(invs), 400)
		if err := d.paymentStates(ctx, invs[:n], out); err != nil {
			return nil, err
		}
		invs = invs[n:]
	}
	return out, nil
}

func (d *DB) paymentStates(ctx context.Context, invs []Invoice, out map[int64]PaymentState) error {
	// Books made by an older Mizan kept no payments: their earlier invoices are not called unpaid.
	var since time.Time
	err := d.sql.QueryRowContext(ctx, `SELECT applied_at FROM schema_migrations WHERE name = ?`, paymentsMigration).Scan(timeCol{&since})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	// The sales invoices involved: those listed and the originals of the returns listed.
	salesSet := map[int64]bool{}
	for _, inv := range invs {
		if inv.Type == ReturnInvoice {
			salesSet[inv.OriginalID] = true
		} else {
			salesSet[inv.ID] = true
		}
	}
	var ids []any
	for id := range salesSet {
		ids = append(ids, id)
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	returned := map[int64]decimal.Decimal{}
	err = eachRow(ctx, d, `SELECT original_invoice_id, total FROM invoices WHERE original_invoice_id IN (`+marks+`)`, ids,
		func(r scanner) error {
			var id int64
			var v decimal.Decimal
			if err := r.Scan(&id, dec{&v}); err != nil {
				return err
			}
			returned[id] = returned[id].Add(v)
			return nil
		})
	if err != nil {
		return err
	}
	received := map[int64]decimal.Decimal{}  // per sales invoice: money in on it
	paidBack := map[int64]decimal.Decimal{}  // per sales invoice: money out on it and its returns
	onInvoice := map[int64]decimal.Decimal{} // per invoice: its own payments, signed as they settle it
	err = eachRow(ctx, d, `SELECT p.invoice_id, COALESCE(i.original_invoice_id, p.invoice_id), p.direction, p.amount
		FROM payments p JOIN invoices i ON i.id = p.invoice_id
		WHERE p.invoice_id IN (`+marks+`) OR i.original_invoice_id IN (`+marks+`)`, append(ids, ids...),
		func(r scanner) error {
			var inv, sales int64
			var dir string
			var amt decimal.Decimal
			if err := r.Scan(&inv, &sales, &dir, dec{&amt}); err != nil {
				return err
			}
			if PaymentDirection(dir) == PaymentIn {
				received[sales] = received[sales].Add(amt)
				if inv != sales { // a reversed refund of a return
					onInvoice[inv] = onInvoice[inv].Sub(amt)
				}
			} else {
				paidBack[sales] = paidBack[sales].Add(amt)
				if inv != sales {
					onInvoice[inv] = onInvoice[inv].Add(amt)
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, inv := range invs {
		var st PaymentState
		old := !since.IsZero() && !inv.CreatedAt.IsZero() && inv.CreatedAt.Before(since)
		if inv.Type == ReturnInvoice {
			st.Due, st.Paid = inv.Total, onInvoice[inv.ID]
			switch {
			case old && received[inv.OriginalID].IsZero() && onInvoice[inv.ID].IsZero():
				st.Status = PayUntracked
			case !received[inv.OriginalID].IsPositive() && !st.Paid.IsPositive():
				st.Status = PayNothingDue
			default:
				st.Status = settle(st.Due, st.Paid, st.Paid)
			}
		} else {
			st.Due = inv.Total.Sub(returned[inv.ID])
			st.Paid = received[inv.ID].Sub(paidBack[inv.ID])
			st.Status = settle(st.Due, st.Paid, received[inv.ID])
			if old && received[inv.ID].IsZero() && paidBack[inv.ID].IsZero() {
				st.Status = PayUntracked
			}
		}
		out[inv.ID] = st
	}
	return nil
}

// paymentsMigration is the migration that began keeping payments.
const paymentsMigration = "0009_payments.sql"

// eachRow runs a query on the books and calls fn for each row.
func eachRow(ctx context.Context, d *DB, query string, args []any, fn func(scanner) error) error {
	rows, err := d.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
