package demo

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// The demo's books have invoices paid, partly paid and unpaid, returns paid back, and accounts
// whose balances are the sums of their payments: the cash box's from the branches and cash on
// delivery, the bank's from the online orders paid at checkout.
func TestDemoPayments(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	res, err := Seed(ctx, dir, Options{Invoices: 200, Days: 30, End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	invs, err := db.Invoices(ctx, storage.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states, err := db.PaymentStates(ctx, invs)
	if err != nil {
		t.Fatal(err)
	}
	count := map[storage.PayStatus]int{}
	refunded := 0
	for _, inv := range invs {
		if inv.Type == storage.SalesInvoice {
			count[states[inv.ID].Status]++
		} else if states[inv.ID].Status == storage.PayPaid {
			refunded++
		}
	}
	if count[storage.PayPaid] < 150 || count[storage.PayPartly] == 0 || count[storage.PayUnpaid] == 0 || refunded == 0 {
		t.Fatalf("sales by payment status %v, %d returns paid back", count, refunded)
	}
	balances, err := db.TreasuryBalances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(balances) != 2 {
		t.Fatalf("balances %+v: want the cash box's and the bank's", balances)
	}
	n := 0
	for _, b := range balances {
		ps, err := db.Payments(ctx, storage.PaymentFilter{AccountID: b.AccountID})
		if err != nil {
			t.Fatal(err)
		}
		sum := decimal.Zero
		for _, p := range ps {
			sum = sum.Add(p.Signed())
			// Cash at the branches and cash on delivery in the cash box; the rest in the bank.
			cash := p.Method == "cash" || p.Method == "cod"
			if cash != (b.Kind == storage.AccountCash) {
				t.Errorf("payment %s by %s is in %s (%s)", p.Number, p.Method, b.AccountName, b.Kind)
			}
		}
		t.Logf("%s (%s): %d movements, %s %s", b.AccountName, b.Kind, len(ps), b.Balance, b.Currency)
		n += len(ps)
		if !sum.Equal(b.Balance) || !b.Balance.IsPositive() {
			t.Errorf("%s: balance %s, movements %s", b.AccountName, b.Balance, sum)
		}
	}
	if n != res.Payments {
		t.Fatalf("%d payments in the accounts, the seed says %d", n, res.Payments)
	}
}
