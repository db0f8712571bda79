package shopify

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/shopify/shopifytest"
	"mizan/storage"
)

// Payments through the real engine against the test store: a card order paid at checkout after
// a declined attempt, a cash on delivery order paid when the merchant marks it paid, and a paid
// order refunded in part, each payment dated as the store's transaction.
func TestEnginePayments(t *testing.T) {
	h := newHarness(t)
	p, err := h.srv.AddProduct(shopifytest.ProductInput{Title: "قهوة عربية", Variants: []shopifytest.VariantInput{{SKU: "COF-1",
		Price: decimal.RequireFromString("115"), Quantity: 50}}})
	if err != nil {
		t.Fatal(err)
	}
	// The connection invoices pending orders too, so a cash on delivery order is invoiced before
	// its cash comes.
	b := contract.Connect(t, h, "", core.ConnectionInput{InvoiceStates: append(Platform().DefaultStates, "pending")})
	var bank storage.TreasuryAccount
	if err := b.DB.Update(context.Background(), func(tx *storage.Tx) error {
		var err error
		if bank, err = tx.CreateTreasuryAccount(storage.TreasuryAccount{Name: "Al Rajhi"}); err != nil {
			return err
		}
		return tx.MapPaymentMethod(b.Conn.ID, "shopify_payments", bank.ID)
	}); err != nil {
		t.Fatal(err)
	}
	place := func(in shopifytest.OrderInput) shopifytest.OrderInfo {
		in.Lines = []shopifytest.OrderLine{{VariantID: p.Variants[0].ID, Quantity: 1}}
		o, err := h.srv.PlaceOrder(in)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	checkout := h.Now().Truncate(time.Second)
	card := place(shopifytest.OrderInput{Gateway: "shopify_payments", Unpaid: true})
	declined := decimal.RequireFromString("115")
	if _, err := h.srv.RecordTransaction(card.ID, shopifytest.TransactionInput{Kind: "SALE", Status: "FAILURE", Amount: declined}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.RecordTransaction(card.ID, shopifytest.TransactionInput{Kind: "AUTHORIZATION", Status: "SUCCESS", Amount: declined}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.MarkOrderPaidAt(card.ID, checkout); err != nil {
		t.Fatal(err)
	}
	cod := place(shopifytest.OrderInput{Gateway: "Cash on Delivery (COD)", Unpaid: true})
	refunded := place(shopifytest.OrderInput{Gateway: "mada"})
	h.Advance(time.Minute)
	if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 {
		t.Fatalf("first sync: %+v\n%s", sum.Counts, b.Logs)
	}
	m := contract.MoneyOf(t, b.DB, card.Name)
	if in := m.In(); len(m.Payments) != 1 || !in[0].Amount.Equal(declined) || !in[0].Date.Equal(checkout) || in[0].AccountID != bank.ID ||
		in[0].Method != "shopify_payments" || in[0].MethodTitle != "Shopify Payments" || m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("card order (a declined attempt and an authorization before the sale): %s, payments %+v", m.Status(m.Sales), m.Payments)
	}

	m = contract.MoneyOf(t, b.DB, cod.Name)
	codInvoice := m.Sales
	if len(m.Payments) != 0 || m.Status(m.Sales) != storage.PayUnpaid {
		t.Fatalf("cash on delivery before the cash: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}
	h.Advance(26 * time.Hour)
	collected := h.Now().Truncate(time.Second)
	if _, err := h.srv.MarkOrderPaid(cod.ID); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Hour)
	refundedAt := h.Now().Truncate(time.Second)
	info, _ := h.srv.Order(refunded.ID)
	if _, err := h.srv.RefundOrder(refunded.ID, shopifytest.RefundInput{Lines: []shopifytest.RefundLine{{LineItemID: info.Lines[0].ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Minute)
	for i := 0; i < 2; i++ {
		if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 {
			t.Fatalf("sync %d: %+v\n%s", i+2, sum.Counts, b.Logs)
		}
		h.Advance(time.Minute)
	}
	m = contract.MoneyOf(t, b.DB, cod.Name)
	if m.Sales.Number != codInvoice.Number || !m.Sales.Total.Equal(codInvoice.Total) {
		t.Fatalf("the paid order's invoice changed: %+v", m.Sales)
	}
	if in := m.In(); len(in) != 1 || !in[0].Date.Equal(collected) || in[0].AccountID != storage.DefaultAccountID ||
		in[0].Method != "Cash on Delivery (COD)" || m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("collected cash: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}
	m = contract.MoneyOf(t, b.DB, refunded.Name)
	out := m.Out()
	if len(m.Returns) != 1 || len(out) != 1 || out[0].InvoiceID != m.Returns[0].ID || !out[0].Amount.Equal(m.Returns[0].Total) ||
		!out[0].Date.Equal(refundedAt) || out[0].Method != "mada" || m.Status(m.Returns[0]) != storage.PayPaid || m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("refunded order: returns %+v, states %+v, payments %+v", m.Returns, m.States, m.Payments)
	}
	balances := contract.CheckTreasury(t, b.DB)
	if !balances["Al Rajhi"].Equal(declined) || !balances["Cash"].Equal(declined.Add(declined).Sub(m.Returns[0].Total)) {
		t.Fatalf("balances %v", balances)
	}
}

// Every seeded order has in the books the money the store received for it, less what it paid
// back, and each account holds the sum of its movements.
func TestSeededPayments(t *testing.T) {
	h := newHarness(t)
	if _, err := h.srv.Seed(shopifytest.SeedOptions{Products: 30, Orders: 150, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	b := contract.Connect(t, h, "", core.ConnectionInput{})
	if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 {
		t.Fatalf("sync: %+v\n%s", sum.Counts, b.Logs)
	}
	paidLater, refunds := 0, 0
	for _, o := range h.srv.Snapshot().Orders {
		m, err := contract.MoneyOfMaybe(b.DB, o.Name)
		if err != nil {
			continue // not invoiced (pending, cancelled before payment)
		}
		net := decimal.Zero
		for _, p := range m.Payments {
			net = net.Add(p.Signed())
			if p.Direction == storage.PaymentIn && p.Date.After(o.ProcessedAt.Add(time.Hour)) {
				paidLater++
			}
		}
		refunds += len(m.Out())
		if want := o.Money.NetPayment; !net.Equal(want) {
			t.Errorf("order %s: the store's net payment is %s, the books' %s (%+v)", o.Name, want, net, m.Payments)
		}
	}
	if paidLater == 0 || refunds == 0 {
		t.Fatalf("%d orders paid later and %d refunds paid back: the seed should have both", paidLater, refunds)
	}
	contract.CheckTreasury(t, b.DB)
}
