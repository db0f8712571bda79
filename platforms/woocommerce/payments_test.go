package woocommerce_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/woocommerce/wootest"
	"mizan/storage"
)

// Payments through the real engine against the test store: a card order paid at checkout, a cash
// on delivery order paid when the merchant completes it, and a paid order refunded in part.
func TestEnginePayments(t *testing.T) {
	h := wootest.NewHarnessWith(t, wootest.Options{PricesIncludeTax: true})
	ids, _ := h.S.AddProduct(wootest.ProductInput{Name: "قهوة عربية", SKU: "COF-1", Price: "115", Stock: wootest.IntPtr(50)})
	b := contract.Connect(t, h, "", core.ConnectionInput{})
	var bank storage.TreasuryAccount
	if err := b.DB.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if bank, err = tx.CreateTreasuryAccount(storage.TreasuryAccount{Name: "Al Rajhi"}); err != nil {
			return err
		}
		return tx.MapPaymentMethod(b.Conn.ID, "stripe", bank.ID)
	}); err != nil {
		t.Fatal(err)
	}
	place := func(in wootest.OrderInput) string {
		in.Lines = []wootest.LineInput{{ProductID: ids, Quantity: 1}}
		in.Billing = wootest.Billing{First: "Sara", Last: "Khan", Email: "sara@example.com"}
		id, err := h.S.PlaceOrder(in)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
	checkout := h.Now()
	card := place(wootest.OrderInput{PaymentMethod: "stripe", SetPaid: true})
	cod := place(wootest.OrderInput{PaymentMethod: "cod"})
	refunded := place(wootest.OrderInput{PaymentMethod: "bacs", SetPaid: true})
	h.Advance(time.Minute)
	if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 || sum.Counts.Invoices != 3 {
		t.Fatalf("first sync: %+v\n%s", sum.Counts, b.Logs)
	}

	m := contract.MoneyOf(t, b.DB, "#"+card)
	if in := m.In(); len(in) != 1 || !in[0].Amount.Equal(d("115")) || !in[0].Date.Equal(checkout) || in[0].AccountID != bank.ID ||
		in[0].Method != "stripe" || in[0].MethodTitle != "Credit Card (Stripe)" || m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("card order: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}
	m = contract.MoneyOf(t, b.DB, "#"+cod)
	codInvoice := m.Sales
	if len(m.Payments) != 0 || m.Status(m.Sales) != storage.PayUnpaid {
		t.Fatalf("cash on delivery before the cash: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}

	// The courier brings the cash: the merchant completes the order, which WooCommerce marks paid.
	h.Advance(26 * time.Hour)
	collected := h.Now().Truncate(time.Second)
	if err := h.S.SetStatus(codInvoiceID(t, cod), "completed"); err != nil {
		t.Fatal(err)
	}
	// The bank transfer order is refunded in part (one riyal short of the whole).
	h.Advance(time.Hour)
	refundedAt := h.Now().Truncate(time.Second)
	if _, err := h.S.Refund(codInvoiceID(t, refunded), wootest.RefundInput{Amount: d("114"), Reason: "Damaged"}); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Minute)
	for i := 0; i < 2; i++ {
		if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 || sum.Counts.Invoices != 0 {
			t.Fatalf("sync %d after payment: %+v\n%s", i+2, sum.Counts, b.Logs)
		}
		h.Advance(time.Minute)
	}
	m = contract.MoneyOf(t, b.DB, "#"+cod)
	if m.Sales.Number != codInvoice.Number || !m.Sales.Total.Equal(codInvoice.Total) || len(m.Returns) != 0 {
		t.Fatalf("the paid order's invoice changed: %+v", m.Sales)
	}
	if in := m.In(); len(in) != 1 || !in[0].Date.Equal(collected) || in[0].AccountID != storage.DefaultAccountID || in[0].Method != "cod" ||
		m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("collected cash: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}
	m = contract.MoneyOf(t, b.DB, "#"+refunded)
	out := m.Out()
	if len(m.Returns) != 1 || len(out) != 1 || out[0].InvoiceID != m.Returns[0].ID || !out[0].Amount.Equal(d("114")) ||
		!out[0].Date.Equal(refundedAt) || m.Status(m.Returns[0]) != storage.PayPaid || m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("refunded order: returns %d, states %+v, payments %+v", len(m.Returns), m.States, m.Payments)
	}
	if n := count(t, b.DB, "payments"); n != 4 {
		t.Fatalf("%d payments, want 4", n)
	}
	balances := contract.CheckTreasury(t, b.DB)
	if !balances["Al Rajhi"].Equal(d("115")) || !balances["Cash"].Equal(d("116")) { // 115 cash on delivery + 115 by transfer − 114 back
		t.Fatalf("balances %v", balances)
	}
	methods, err := b.DB.PaymentMethods(ctx, b.Conn.ID)
	if err != nil || len(methods) != 3 {
		t.Fatalf("payment methods %+v (%v): want stripe, cod and bacs", methods, err)
	}
}

func codInvoiceID(t *testing.T, number string) int64 {
	id, err := strconv.ParseInt(number, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, db *storage.DB, table string) int {
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every seeded order that WooCommerce says was paid has its payment in the books, and only those.
func TestSeededPayments(t *testing.T) {
	h, b, sum, _ := syncSeeded(t, 40, 200)
	if sum.Counts.Errors != 0 {
		t.Fatalf("run had %d errors", sum.Counts.Errors)
	}
	paid, unpaid := 0, 0
	for _, o := range h.S.Orders() {
		if o.Status != "processing" && o.Status != "completed" {
			continue
		}
		m := contract.MoneyOf(t, b.DB, "#"+strconv.FormatInt(o.ID, 10))
		in := decimal.Zero
		for _, p := range m.In() {
			in = in.Add(p.Amount)
		}
		switch {
		case o.Paid && !in.Equal(o.Total):
			t.Errorf("order %d paid %s, the books received %s", o.ID, o.Total, in)
		case !o.Paid && len(m.Payments) != 0:
			t.Errorf("order %d is not paid, the books have %+v", o.ID, m.Payments)
		case o.Paid:
			paid++
		default:
			unpaid++
		}
	}
	if paid < 50 || unpaid < 5 {
		t.Fatalf("%d paid and %d unpaid orders: the seed should have both", paid, unpaid)
	}
	contract.CheckTreasury(t, b.DB)
}
