package zid_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/platforms/contract"
	"mizan/platforms/zid"
	"mizan/platforms/zid/zidtest"
	"mizan/storage"
)

// Payments through the real engine against the Zid test store: an order paid by card at
// checkout, a cash on delivery order and a bank transfer paid once delivered, an order reversed
// with a credit note (refunded) and one given a credit note for part of it.
func TestEnginePayments(t *testing.T) {
	h := zidtest.NewHarness(t, zidtest.HarnessOptions{Platform: zid.Platform()})
	_, ids := h.S.AddProduct(zidtest.ProductInput{Name: zidtest.Names{Ar: "قهوة عربية"}, SKU: "COF-1", Price: decimal.NewFromInt(115), Quantity: 50})
	b := contract.Connect(t, h, "", core.ConnectionInput{InvoiceStates: []string{"indelivery", "delivered"}})
	place := func(in zidtest.OrderInput) (int64, string) {
		t.Helper()
		in.Lines = []zidtest.LineInput{{ID: ids[0], Quantity: 2}}
		in.Guest = zidtest.CustomerInput{Name: "ضيف", Mobile: "966500000001"}
		id, err := h.S.PlaceOrder(in)
		if err != nil {
			t.Fatal(err)
		}
		return id, "#" + strconv.FormatInt(id, 10)
	}
	placed := h.Now().Truncate(time.Second)
	_, card := place(zidtest.OrderInput{Status: zidtest.StatusDelivered})
	codID, cod := place(zidtest.OrderInput{Status: zidtest.StatusInDelivery, COD: decimal.NewFromInt(10)})
	transferID, transfer := place(zidtest.OrderInput{Status: zidtest.StatusInDelivery, Payment: "zid_bank_transfer"})
	reversedID, reversed := place(zidtest.OrderInput{Status: zidtest.StatusDelivered})
	partID, part := place(zidtest.OrderInput{Status: zidtest.StatusDelivered})
	_, waiting := place(zidtest.OrderInput{Status: zidtest.StatusNew, COD: decimal.NewFromInt(10)})
	h.Advance(time.Minute)
	if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 {
		t.Fatalf("first sync: %+v\n%s", sum.Counts, b.Logs)
	}
	m := contract.MoneyOf(t, b.DB, card)
	if in := m.In(); len(in) != 1 || !in[0].Date.Equal(placed) || in[0].Method != "zidpay" || !in[0].Amount.Equal(m.Sales.Total) ||
		m.Status(m.Sales) != storage.PayPaid {
		t.Fatalf("card order: %s, payments %+v", m.Status(m.Sales), m.Payments)
	}
	for _, name := range []string{cod, transfer} {
		if m := contract.MoneyOf(t, b.DB, name); len(m.Payments) != 0 || m.Status(m.Sales) != storage.PayUnpaid {
			t.Fatalf("%s on its way: %s, payments %+v", name, m.Status(m.Sales), m.Payments)
		}
	}
	if _, err := contract.MoneyOfMaybe(b.DB, waiting); err == nil {
		t.Fatalf("a new order is invoiced")
	}

	h.Advance(24 * time.Hour)
	delivered := h.Now().Truncate(time.Second)
	for _, id := range []int64{codID, transferID} {
		if err := h.S.SetStatus(id, zidtest.StatusDelivered); err != nil {
			t.Fatal(err)
		}
	}
	h.Advance(time.Hour)
	refunded := h.Now().Truncate(time.Second)
	if err := h.S.Reverse(reversedID); err != nil {
		t.Fatal(err)
	}
	if err := h.S.CreditNote(partID, []zidtest.CreditLine{{Line: 0, Quantity: 1, Restock: true}}, false, decimal.Zero); err != nil {
		t.Fatal(err)
	}
	h.Advance(time.Minute)
	for i := 0; i < 2; i++ {
		if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 {
			t.Fatalf("sync %d: %+v\n%s", i+2, sum.Counts, b.Logs)
		}
		h.Advance(time.Minute)
	}
	for name, method := range map[string]string{cod: "zid_cod", transfer: "zid_bank_transfer"} {
		m := contract.MoneyOf(t, b.DB, name)
		if in := m.In(); len(in) != 1 || in[0].Method != method || !in[0].Date.Equal(delivered) || !in[0].Amount.Equal(m.Sales.Total) ||
			m.Status(m.Sales) != storage.PayPaid {
			t.Fatalf("%s delivered: %s, payments %+v", name, m.Status(m.Sales), m.Payments)
		}
	}
	for _, name := range []string{reversed, part} {
		m := contract.MoneyOf(t, b.DB, name)
		out := m.Out()
		if len(m.In()) != 1 || len(m.Returns) != 1 || len(out) != 1 || out[0].InvoiceID != m.Returns[0].ID ||
			!out[0].Amount.Equal(m.Returns[0].Total) || !out[0].Date.Equal(refunded) || m.Status(m.Returns[0]) != storage.PayPaid {
			t.Fatalf("%s's credit note paid back: returns %+v, payments %+v", name, m.Returns, m.Payments)
		}
	}
	contract.CheckTreasury(t, b.DB)
	methods, err := b.DB.PaymentMethods(t.Context(), b.Conn.ID)
	if err != nil || len(methods) != 3 {
		t.Fatalf("methods %+v (%v): want zidpay, zid_cod and zid_bank_transfer", methods, err)
	}
}

// A seeded store's money through the engine: orders paid by card, transfer and cash on delivery,
// cancelled, reversed with and without a credit note, partly credited and edited. Zid is paid in
// full or not at all, so each sales invoice is paid exactly what is due on it or nothing, and
// each account's balance is the sum of its movements.
func TestSeededPayments(t *testing.T) {
	h := zidtest.NewHarness(t, zidtest.HarnessOptions{Platform: zid.Platform()})
	h.Seed(30, 250, 7)
	// Orders are invoiced from preparing on: a transfer or cash on delivery not delivered yet is unpaid.
	b := contract.Connect(t, h, "", core.ConnectionInput{InvoiceStates: []string{"preparing", "ready", "indelivery", "delivered"}})
	if sum := b.Sync(core.SyncRequest{}); sum.Counts.Errors != 0 {
		t.Fatalf("sync: %+v\n%s", sum.Counts, b.Logs)
	}
	invs, err := b.DB.Invoices(t.Context(), storage.InvoiceFilter{Type: storage.SalesInvoice})
	if err != nil {
		t.Fatal(err)
	}
	states, err := b.DB.PaymentStates(t.Context(), invs)
	if err != nil {
		t.Fatal(err)
	}
	paid := 0
	for _, inv := range invs {
		st := states[inv.ID]
		if !st.Paid.IsZero() && !st.Paid.Equal(st.Due) {
			t.Errorf("%s (order %s): paid %s of %s", inv.Number, inv.Source.OrderName, st.Paid, st.Due)
		}
		if st.Status == storage.PayPaid {
			paid++
		}
	}
	if len(invs) == 0 || paid == 0 || paid == len(invs) {
		t.Errorf("%d of %d invoices paid: the seed has paid and unpaid ones", paid, len(invs))
	}
	contract.CheckTreasury(t, b.DB)
}
