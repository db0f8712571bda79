package contract

import (
	"context"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// OrderMoney is what the books hold of one store order's money: its sales invoice and returns,
// with their payment states, and the payments for them.
type OrderMoney struct {
	Sales    storage.Invoice
	Returns  []storage.Invoice
	States   map[int64]storage.PaymentState
	Payments []storage.Payment // oldest first
}

// In and Out are the payments received and paid back.
func (m OrderMoney) In() []storage.Payment  { return m.dir(storage.PaymentIn) }
func (m OrderMoney) Out() []storage.Payment { return m.dir(storage.PaymentOut) }

func (m OrderMoney) dir(d storage.PaymentDirection) []storage.Payment {
	var out []storage.Payment
	for _, p := range m.Payments {
		if p.Direction == d {
			out = append(out, p)
		}
	}
	return out
}

// Status is an invoice's payment status.
func (m OrderMoney) Status(inv storage.Invoice) storage.PayStatus { return m.States[inv.ID].Status }

// MoneyOf reads the books' invoices and payments for the store order named name ("#1001"); the
// test fails when the order has no sales invoice.
func MoneyOf(t testing.TB, db *storage.DB, name string) OrderMoney {
	t.Helper()
	m, err := MoneyOfMaybe(db, name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// MoneyOfMaybe is MoneyOf for an order that may not be invoiced: then it says so in its error.
func MoneyOfMaybe(db *storage.DB, name string) (OrderMoney, error) {
	ctx := context.Background()
	invs, err := db.Invoices(ctx, storage.InvoiceFilter{Search: name})
	if err != nil {
		return OrderMoney{}, err
	}
	var m OrderMoney
	var mine []storage.Invoice
	for _, inv := range invs {
		if inv.Source.OrderName != name {
			continue
		}
		mine = append(mine, inv)
		if inv.Type == storage.SalesInvoice {
			m.Sales = inv
		} else {
			m.Returns = append([]storage.Invoice{inv}, m.Returns...) // the list is newest first
		}
	}
	if m.Sales.ID == 0 {
		return m, fmt.Errorf("order %s has no sales invoice in the books", name)
	}
	if m.States, err = db.PaymentStates(ctx, mine); err != nil {
		return m, err
	}
	m.Payments, err = db.Payments(ctx, storage.PaymentFilter{InvoiceID: m.Sales.ID})
	return m, err
}

// CheckTreasury checks that every treasury account's balance is the sum of its movements, summed
// here on their own, and returns the balances by account name.
func CheckTreasury(t testing.TB, db *storage.DB) map[string]decimal.Decimal {
	t.Helper()
	ctx := context.Background()
	balances, err := db.TreasuryBalances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]decimal.Decimal{}
	for _, b := range balances {
		moves, err := db.Payments(ctx, storage.PaymentFilter{AccountID: b.AccountID})
		if err != nil {
			t.Fatal(err)
		}
		sum := decimal.Zero
		for _, p := range moves {
			if p.Currency != b.Currency {
				continue
			}
			switch p.Direction {
			case storage.PaymentIn:
				sum = sum.Add(p.Amount)
			case storage.PaymentOut:
				sum = sum.Sub(p.Amount)
			default:
				t.Errorf("payment %s goes %q", p.Number, p.Direction)
			}
		}
		if !sum.Equal(b.Balance) {
			t.Errorf("account %s (%s): balance %s, but its movements add up to %s", b.AccountName, b.Currency, b.Balance, sum)
		}
		out[b.AccountName] = out[b.AccountName].Add(b.Balance)
	}
	return out
}
