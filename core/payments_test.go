package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

func (e *env) payments(invoiceID int64) []storage.Payment {
	e.t.Helper()
	ps, err := e.db.Payments(ctx, storage.PaymentFilter{InvoiceID: invoiceID})
	must(e.t, err)
	return ps
}

func (e *env) payState(inv storage.Invoice) storage.PayStatus {
	e.t.Helper()
	st, err := e.db.PaymentStates(ctx, []storage.Invoice{inv})
	must(e.t, err)
	return st[inv.ID].Status
}

// Store payments become payment records, once each: a card order paid at checkout, a cash on
// delivery order paid when the store marks it paid (its invoice untouched), and a refund paid
// back for its return invoice; each account's balance is the sum of its movements.
func TestStorePayments(t *testing.T) {
	e := newEnv(t)
	small, large, tea := e.catalogue()
	var bank storage.TreasuryAccount
	must(t, e.db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if bank, err = tx.CreateTreasuryAccount(storage.TreasuryAccount{Name: "Al Rajhi", IBAN: "SA0380000000608010167519"}); err != nil {
			return err
		}
		return tx.MapPaymentMethod(e.conn.ID, "mada", bank.ID)
	}))
	paidAt := time.Date(2026, 3, 1, 8, 59, 12, 0, time.UTC)

	card := orderOf(nil, "", nil, line(small, "2"))
	card.PaymentMethod, card.PaymentMethodTitle = "mada", "Mada"
	card.Payments = []core.StorePayment{{ExternalID: "tx-1", Method: "mada", MethodTitle: "Mada", Amount: card.Total, PaidAt: paidAt}}
	card = e.store.PlaceOrder(card)

	cod := orderOf(nil, "", nil, line(tea, "3"))
	cod.PaymentMethod, cod.PaymentMethodTitle = "cod", "Cash on delivery"
	cod = e.store.PlaceOrder(cod)

	refunded := orderOf(nil, "", nil, line(large, "1"))
	refunded.PaymentMethod = "mada"
	refunded.Payments = []core.StorePayment{{ExternalID: "tx-2", Method: "mada", Amount: refunded.Total, PaidAt: paidAt}}
	refunded = e.store.PlaceOrder(refunded)

	if sum := e.sync(); sum.Counts.Errors != 0 || sum.Counts.Invoices != 3 {
		t.Fatalf("first sync: %+v", sum.Counts)
	}
	cardInv, _ := e.invoicesOf(card.Name)
	ps := e.payments(cardInv[0].ID)
	if len(ps) != 1 || ps[0].Direction != storage.PaymentIn || !ps[0].Amount.Equal(card.Total) || !ps[0].Date.Equal(paidAt) ||
		ps[0].AccountID != bank.ID || ps[0].Method != "mada" || ps[0].Source.ExternalID != "tx-1" || ps[0].Source.OrderName != card.Name {
		t.Fatalf("card order's payments: %+v", ps)
	}
	if st := e.payState(cardInv[0]); st != storage.PayPaid {
		t.Errorf("card order's invoice is %s, want paid", st)
	}
	codInv, _ := e.invoicesOf(cod.Name)
	if ps := e.payments(codInv[0].ID); len(ps) != 0 {
		t.Fatalf("cash on delivery not collected yet, but %d payments", len(ps))
	}
	if st := e.payState(codInv[0]); st != storage.PayUnpaid {
		t.Errorf("cash on delivery order's invoice is %s, want unpaid", st)
	}
	methods, err := e.db.PaymentMethods(ctx, e.conn.ID)
	must(t, err)
	byName := map[string]storage.PaymentMethod{}
	for _, m := range methods {
		byName[m.Method] = m
	}
	if len(methods) != 2 || byName["mada"].AccountName != "Al Rajhi" || byName["cod"].AccountName != "Cash" || byName["cod"].Title != "Cash on delivery" {
		t.Fatalf("payment methods %+v: want mada (mapped) and cod seen, paying into the cash box", methods)
	}

	// The courier collects the cash: the store marks the order paid.
	collected := time.Date(2026, 3, 4, 16, 20, 0, 0, time.UTC)
	e.store.UpdateOrder(cod.ExternalID, func(o *core.StoreOrder) {
		o.Payments = append(o.Payments, core.StorePayment{ExternalID: "tx-3", Method: "cod", Amount: o.Total, PaidAt: collected})
	})
	// The other order is refunded in full, and the money goes back to the card.
	r := e.store.Refund(refunded.ExternalID, core.StoreRefund{Lines: []core.StoreRefundLine{{LineID: refunded.Lines[0].ExternalID,
		Quantity: d("1"), Subtotal: d("110.00"), Tax: d("14.35"), Restock: true}}, Total: d("110.00")})
	e.store.UpdateOrder(refunded.ExternalID, func(o *core.StoreOrder) {
		o.Payments = append(o.Payments, core.StorePayment{ExternalID: "tx-4", Refund: true, RefundID: r.ExternalID, Method: "mada",
			Amount: d("110.00"), PaidAt: collected})
	})
	for i := 0; i < 2; i++ { // a second sync finds nothing new to pay
		if sum := e.sync(); sum.Counts.Errors != 0 || sum.Counts.Invoices != 0 {
			t.Fatalf("sync %d after payment: %+v", i+2, sum.Counts)
		}
	}
	codAfter, _ := e.invoicesOf(cod.Name)
	if len(codAfter) != 1 || codAfter[0].Number != codInv[0].Number || !codAfter[0].Total.Equal(codInv[0].Total) {
		t.Fatalf("the paid order's invoice changed: %+v", codAfter)
	}
	ps = e.payments(codInv[0].ID)
	if len(ps) != 1 || !ps[0].Date.Equal(collected) || ps[0].AccountID != storage.DefaultAccountID || !ps[0].Amount.Equal(cod.Total) {
		t.Fatalf("collected cash: %+v", ps)
	}
	if st := e.payState(codInv[0]); st != storage.PayPaid {
		t.Errorf("collected order's invoice is %s, want paid", st)
	}
	sales, returns := e.invoicesOf(refunded.Name)
	if len(returns) != 1 {
		t.Fatalf("%d returns for the refunded order", len(returns))
	}
	ps = e.payments(returns[0].ID)
	if len(ps) != 1 || ps[0].Direction != storage.PaymentOut || ps[0].InvoiceID != returns[0].ID || ps[0].AccountID != bank.ID ||
		!ps[0].Amount.Equal(d("110")) {
		t.Fatalf("refund paid back: %+v", ps)
	}
	if st := e.payState(returns[0]); st != storage.PayPaid {
		t.Errorf("the return invoice is %s, want paid (refunded)", st)
	}
	if st := e.payState(sales[0]); st != storage.PayPaid {
		t.Errorf("the refunded order's invoice is %s, want paid (settled)", st)
	}
	if n := e.count("payments"); n != 4 {
		t.Fatalf("%d payments, want 4", n)
	}

	// Each account holds the sum of its movements, summed here on their own.
	balances, err := e.db.TreasuryBalances(ctx)
	must(t, err)
	want := map[int64]decimal.Decimal{
		storage.DefaultAccountID: cod.Total,
		bank.ID:                  card.Total.Add(refunded.Total).Sub(d("110")),
	}
	for _, b := range balances {
		moves, err := e.db.Payments(ctx, storage.PaymentFilter{AccountID: b.AccountID})
		must(t, err)
		sum := decimal.Zero
		for _, m := range moves {
			sum = sum.Add(m.Signed())
		}
		if !sum.Equal(b.Balance) || !b.Balance.Equal(want[b.AccountID]) {
			t.Errorf("%s: balance %s, movements sum to %s, want %s", b.AccountName, b.Balance, sum, want[b.AccountID])
		}
	}
}

// A refund paid back before its return invoice could be posted waits for it, and is recorded
// for the return once the return goes through.
func TestRefundPaymentWaitsForItsReturn(t *testing.T) {
	e := newEnv(t)
	small, _, _ := e.catalogue()
	o := orderOf(nil, "", nil, line(small, "1"))
	o.PaymentMethod = "card"
	o.Payments = []core.StorePayment{{ExternalID: "tx-1", Amount: o.Total, PaidAt: e.clock.Now()}}
	o = e.store.PlaceOrder(o)
	e.sync()
	// A refund of a line the order does not have cannot be posted.
	r := e.store.Refund(o.ExternalID, core.StoreRefund{Lines: []core.StoreRefundLine{{LineID: "no-such-line", Quantity: d("1"),
		Subtotal: d("32")}}, Total: d("32")})
	e.store.UpdateOrder(o.ExternalID, func(so *core.StoreOrder) {
		so.Payments = append(so.Payments, core.StorePayment{ExternalID: "tx-2", Refund: true, RefundID: r.ExternalID, Amount: d("32"), PaidAt: e.clock.Now()})
	})
	e.sync()
	if n := e.count("payments"); n != 1 {
		t.Fatalf("%d payments while the refund's return is not posted, want 1", n)
	}
	e.store.UpdateOrder(o.ExternalID, func(so *core.StoreOrder) { so.Refunds[0].Lines[0].LineID = so.Lines[0].ExternalID })
	if sum := e.sync(); sum.Counts.Returns != 1 {
		t.Fatalf("retry: %+v", sum.Counts)
	}
	_, returns := e.invoicesOf(o.Name)
	if ps := e.payments(returns[0].ID); len(ps) != 1 || ps[0].InvoiceID != returns[0].ID || ps[0].Method != "card" {
		t.Fatalf("refund payment after its return: %+v", ps)
	}
}

// A payment of nothing (an order whose discounts leave nothing to pay) is no money: it is left
// out, and is no error.
func TestZeroPaymentIsNoPayment(t *testing.T) {
	e := newEnv(t)
	small, _, _ := e.catalogue()
	o := orderOf(nil, "", []string{"32.00"}, line(small, "1"))
	o.Payments = []core.StorePayment{{ExternalID: "tx-0", Method: "mada", Amount: o.Total, PaidAt: e.clock.Now()}}
	e.store.PlaceOrder(o)
	if sum := e.sync(); sum.Counts.Errors != 0 || sum.Counts.Invoices != 1 || !o.Total.IsZero() {
		t.Fatalf("sync: %+v (total %s)", sum.Counts, o.Total)
	}
	if n := e.count("payments"); n != 0 {
		t.Fatalf("%d payments of nothing", n)
	}
}

// A payment the books refuse (a negative amount) is logged and queued for retry on its own: the
// invoice and the order's other payments go through.
func TestRefusedPaymentHoldsNothingBack(t *testing.T) {
	e := newEnv(t)
	small, _, _ := e.catalogue()
	o := orderOf(nil, "", nil, line(small, "1"))
	o.Payments = []core.StorePayment{{ExternalID: "tx-bad", Amount: d("-5"), PaidAt: e.clock.Now()},
		{ExternalID: "tx-good", Amount: o.Total, PaidAt: e.clock.Now()}}
	o = e.store.PlaceOrder(o)
	sum := e.sync()
	if sum.Counts.Invoices != 1 || sum.Counts.Errors != 1 || e.count("payments") != 1 || e.count("sync_retries") != 1 {
		t.Fatalf("counts %+v, %d payments, %d retries", sum.Counts, e.count("payments"), e.count("sync_retries"))
	}
	entries, err := e.eng.Log(ctx, core.LogFilter{ConnectionID: e.conn.ID, Level: core.Error})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Message, "the payment tx-bad of order "+o.Name) {
		t.Fatalf("the refused payment in the log: %+v (%v)", entries, err)
	}
	if req, ok := core.RetryRequest(entries[0]); !ok || len(req.OrderNumbers) != 1 || req.OrderNumbers[0] != o.Name {
		t.Fatalf("Retry for the refused payment: %+v %v", req, ok)
	}
}
