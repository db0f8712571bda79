package salla_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/salla"
	"mizan/platforms/salla/sallatest"
	"mizan/storage"
)

// Payments through the real engine against the Salla test store: an order paid by Mada at
// checkout, a cash on delivery order paid once delivered, and a paid order given a credit note.
func TestEnginePayments(t *testing.T) {
	h := sallatest.NewHarness(t, sallatest.HarnessOptions{Platform: salla.Platform(), Credentials: credentials})
	id, _ := h.S.AddProduct(sallatest.ProductInput{Name: "قهوة عربية", SKU: "COF-1", Price: decimal.NewFromInt(115), Quantity: 50})
	b := contract.Connect(t, h, "", core.ConnectionInput{InvoiceStates: []string{"under_review", "delivering", "delivered", "completed"}})
	place := func(in sallatest.OrderInput) (int64, string) {
		in.Lines = []sallatest.LineInput{{ID: id, Quantity: 1}}
		oid, err := h.S.PlaceOrder(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range h.S.Orders() {
			if o.ID == oid {
				return oid, "#" + strconv.FormatInt(o.Reference, 10)
			}
		}
		t.Fatalf("order %d not listed", oid)
		return 0, ""
	}
	placed := h.Now().Truncate(time.Second)
	_, card := place(sallatest.OrderInput{Payment: "mada"})
	codID, cod := place(sallatest.OrderInput{Payment: "cod", Status: "delivering"})
	refundedID, refunded := place(sallatest.OrderInput{Payment: "credit_card"})
	pending, _ := place(sallatest.OrderInput{Payment: "bank", Status: "payment_pending"})
	_ = pending
	h.Advance(time.Minute)
	if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 {
		t.Fatalf("first sync: %+v\n%s", sum.Counts, b.Logs)
	}
	m := contract.MoneyOf(t, b.DB, card)
	if in := m.In(); len(in) != 1 || !in[0].Date.Equal(placed) || in[0].Method != "mada" || m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("Mada order: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}
	m = contract.MoneyOf(t, b.DB, cod)
	if len(m.Payments) != 0 || m.Status(m.Sales) != storage.PayUnpaid {
		t.Fatalf("cash on delivery on its way: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}

	h.Advance(24 * time.Hour)
	if err := h.S.SetStatus(codID, "delivered"); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Hour)
	if err := h.S.CreditNote(refundedID, nil, false, decimal.NewFromInt(40)); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Minute)
	for i := 0; i < 2; i++ {
		if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 {
			t.Fatalf("sync %d: %+v\n%s", i+2, sum.Counts, b.Logs)
		}
		h.Advance(time.Minute)
	}
	m = contract.MoneyOf(t, b.DB, cod)
	if in := m.In(); len(in) != 1 || in[0].Method != "cod" || m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("delivered cash on delivery: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}
	m = contract.MoneyOf(t, b.DB, refunded)
	out := m.Out()
	if len(m.Returns) != 1 || len(out) != 1 || out[0].InvoiceID != m.Returns[0].ID || !out[0].Amount.Equal(m.Returns[0].Total) ||
		m.Status(m.Returns[0]) != storage.PayPaid {
		t.Fatalf("credit note paid back: returns %+v, payments %+v", m.Returns, m.Payments)
	}
	contract.CheckTreasury(t, b.DB)
	methods, err := b.DB.PaymentMethods(t.Context(), b.Conn.ID)
	if err != nil || len(methods) != 3 {
		t.Fatalf("methods %+v (%v): want mada, cod and credit_card (the pending order is not invoiced)", methods, err)
	}
}
