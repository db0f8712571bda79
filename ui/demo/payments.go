package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// onlineMethods are how the demo's online orders are paid; cod is cash on delivery.
var onlineMethods = []struct{ method, title string }{
	{"mada", "مدى"}, {"credit_card", "بطاقة ائتمانية"}, {"apple_pay", "Apple Pay"}, {"tabby", "تابي"}, {"cod", "الدفع عند الاستلام"},
}

// seedPayments pays the demo's invoices as a shop's would be paid: sales at the branches in cash
// when they are made; online orders paid at checkout into the bank, except cash on delivery,
// collected a few days later into the cash box (the last week's still unpaid); a few invoices paid in
// part; each return of a paid sale paid back from where its money went. It has its own random
// source, so the invoices are the same with or without it.
func seedPayments(ctx context.Context, db *storage.DB, end time.Time, res *Result) error {
	rng := rand.New(rand.NewPCG(2026, 14))
	invs, err := db.Invoices(ctx, storage.InvoiceFilter{})
	if err != nil {
		return fmt.Errorf("seed payments: %w", err)
	}
	return db.Update(ctx, func(tx *storage.Tx) error {
		bank, err := tx.CreateTreasuryAccount(storage.TreasuryAccount{Name: "مصرف الراجحي", IBAN: "SA0380000000608010167519"})
		if err != nil {
			return err
		}
		paidFrom := map[int64]storage.Payment{} // each paid sale's payment
		// Invoices come newest first: pay the sales oldest first, then their returns.
		for i := len(invs) - 1; i >= 0; i-- {
			inv := invs[i]
			if inv.Type != storage.SalesInvoice {
				continue
			}
			p := storage.Payment{Direction: storage.PaymentIn, InvoiceID: inv.ID, Amount: inv.Total, Date: inv.IssueDate,
				AccountID: storage.DefaultAccountID, Method: "cash", MethodTitle: "نقدًا"}
			if inv.Source.Connection != "" {
				m := onlineMethods[rng.IntN(len(onlineMethods))]
				p.Method, p.MethodTitle, p.AccountID = m.method, m.title, bank.ID
				p.Source = storage.Source{Connection: inv.Source.Connection, Platform: inv.Source.Platform, OrderName: inv.Source.OrderName,
					ExternalID: inv.Source.ExternalID + "-payment"}
				if m.method == "cod" {
					p.AccountID = storage.DefaultAccountID
					p.Date = inv.IssueDate.Add(time.Duration(48+rng.IntN(72)) * time.Hour)
					if p.Date.After(end) || inv.IssueDate.After(end.AddDate(0, 0, -7)) {
						continue // the courier has not brought the cash yet (orders of the last week)
					}
				}
			}
			if rng.IntN(20) == 0 {
				p.Amount = inv.Total.Div(decimal.NewFromInt(2)).Round(2) // paid in part so far
			}
			out, err := tx.RecordPayment(p)
			if err != nil {
				return err
			}
			paidFrom[inv.ID] = out
			res.Payments++
		}
		for _, inv := range invs {
			paid, ok := paidFrom[inv.OriginalID]
			if inv.Type != storage.ReturnInvoice || !ok {
				continue
			}
			if _, err := tx.RecordPayment(storage.Payment{Direction: storage.PaymentOut, InvoiceID: inv.ID, Amount: decimal.Min(inv.Total, paid.Amount),
				Date: inv.IssueDate, AccountID: paid.AccountID, Method: paid.Method, MethodTitle: paid.MethodTitle,
				Source: storage.Source{Connection: paid.Source.Connection, Platform: paid.Source.Platform, OrderName: paid.Source.OrderName}}); err != nil {
				return err
			}
			res.Payments++
		}
		return nil
	})
}
