package demo

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// The demo's money is where a shop's would be: the store's card and instalment payments in the
// bank, cash on delivery in the cash box once collected, after the order; each account's balance
// is the sum of its movements.
func TestDemoPaymentsByAccount(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "books-demo")
	s := mustStart(t, small(dir))
	mustSync(t, s)
	balances, err := s.DB.TreasuryBalances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]storage.Balance{}
	for _, b := range balances {
		byName[b.AccountName] = b
		ps, err := s.DB.Payments(ctx, storage.PaymentFilter{AccountID: b.AccountID})
		if err != nil {
			t.Fatal(err)
		}
		sum := decimal.Zero
		for _, p := range ps {
			sum = sum.Add(p.Signed())
			online := slices.Contains(onlineGateways, p.Method)
			if online != (b.Kind == storage.AccountBank) {
				t.Errorf("payment %s by %q is in %s (%s)", p.Number, p.Method, b.AccountName, b.Kind)
			}
			if p.Direction == storage.PaymentIn && !online {
				inv, err := s.DB.Invoice(ctx, p.InvoiceID)
				if err != nil {
					t.Fatal(err)
				}
				if !p.Date.After(inv.IssueDate) {
					t.Errorf("cash on delivery %s collected %s, its invoice issued %s", p.Number, p.Date, inv.IssueDate)
				}
			}
		}
		t.Logf("%s (%s): %d movements, %s %s", b.AccountName, b.Kind, len(ps), b.Balance, b.Currency)
		if !sum.Equal(b.Balance) || !b.Balance.IsPositive() {
			t.Errorf("%s: balance %s, its movements add up to %s", b.AccountName, b.Balance, sum)
		}
	}
	if len(balances) != 2 || byName[BankAccount].Count == 0 || byName["Cash"].Count == 0 {
		t.Fatalf("balances %+v: want the bank's and the cash box's", balances)
	}
}
