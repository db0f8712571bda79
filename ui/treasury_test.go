package ui

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/shopspring/decimal"

	"mizan/core"
	"mizan/storage"
)

// memOrder is a tax-inclusive order of one line at 115 SAR, paid by method when payments are given.
func memOrder(name, method string, pays ...core.StorePayment) core.StoreOrder {
	return core.StoreOrder{Name: name, Status: "paid", Currency: "SAR", TaxesIncluded: true, PaymentMethod: method, Payments: pays,
		Lines: []core.StoreLine{{ExternalID: name + "-1", SKU: "COF-1", Name: "قهوة", Quantity: decimal.NewFromInt(1),
			UnitPrice: decimal.NewFromInt(115), Tax: decimal.NewFromInt(15)}},
		Total: decimal.NewFromInt(115)}
}

// The Treasury screen shows each account's balance as the sum of its movements, the movements
// newest first with their running balance, reverses a payment, adds a bank account and exports
// CSV; the invoice list and view say which invoices are paid.
func TestTreasuryScreen(t *testing.T) {
	e := memoryEnv(t, Deps{})
	conn := e.connect(t, "Shop", false)
	ctx := context.Background()
	paidAt := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	e.mem.PlaceOrder(memOrder("#1001", "mada", core.StorePayment{ExternalID: "tx-1", Method: "mada", Amount: decimal.NewFromInt(115), PaidAt: paidAt}))
	e.mem.PlaceOrder(memOrder("#1002", "cod"))
	e.mem.PlaceOrder(memOrder("#1003", "mada", core.StorePayment{ExternalID: "tx-2", Method: "mada", Amount: decimal.NewFromInt(50), PaidAt: paidAt}))
	if _, err := e.eng.SyncNow(ctx, conn.ID, core.SyncRequest{}); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	e.m.Idle()

	// The invoice list: paid, unpaid, partly paid.
	m := e.m
	test.Tap(m.Nav[ScreenInvoices])
	mustShow(t, m.Invoices.List, "Paid", "Unpaid", "Partly paid")
	invs, err := e.db.Invoices(ctx, storage.InvoiceFilter{Search: "#1003"})
	if err != nil || len(invs) != 1 {
		t.Fatalf("invoice of #1003: %v %v", invs, err)
	}
	m.Invoices.Open(invs[0].ID)
	m.Idle()
	mustShow(t, m.Invoices.View.Content, "Payment: Partly paid", "50.00 of 115.00 SAR", "MAIN-REC-000002", "mada")

	// The Treasury screen.
	test.Tap(m.Nav[ScreenTreasury])
	s := m.Treasury
	if s.Movements.Length() != 2 {
		t.Fatalf("%d movements, want 2", s.Movements.Length())
	}
	sumOf := func(account int64) decimal.Decimal {
		ps, err := e.db.Payments(ctx, storage.PaymentFilter{AccountID: account})
		if err != nil {
			t.Fatal(err)
		}
		sum := decimal.Zero
		for _, p := range ps {
			if p.Direction == storage.PaymentIn {
				sum = sum.Add(p.Amount)
			} else {
				sum = sum.Sub(p.Amount)
			}
		}
		return sum
	}
	if got := sumOf(storage.DefaultAccountID); !got.Equal(decimal.NewFromInt(165)) {
		t.Fatalf("the cash box's movements add up to %s, want 165", got)
	}
	if w := m.Window.Content().MinSize().Width; w > DefaultSize.Width {
		t.Errorf("the Treasury screen needs a window %v points wide: it must fit %v", w, DefaultSize.Width)
	}
	mustShow(t, s.Balances, "Cash", "165.00", "SAR")
	mustShow(t, s.Movements, "MAIN-REC-000001", "MAIN-REC-000002", "MAIN-INV-000001", "115.00", "165.00")

	// Reversing the partial payment: a new payment the other way, the balance back to 115.
	var second storage.Payment
	for i := range s.moves {
		if s.moves[i].Number == "MAIN-REC-000002" {
			second = s.moves[i]
		}
	}
	s.ReversePayment(second.ID)
	m.Idle()
	if s.Movements.Length() != 3 {
		t.Fatalf("%d movements after the reversal, want 3", s.Movements.Length())
	}
	mustShow(t, s.Movements, "MAIN-PAY-000001", "-50.00")
	if got := sumOf(storage.DefaultAccountID); !got.Equal(decimal.NewFromInt(115)) {
		t.Fatalf("after the reversal the movements add up to %s, want 115", got)
	}
	mustShow(t, s.Balances, "115.00")
	st, err := e.db.PaymentStates(ctx, invs)
	if err != nil || st[invs[0].ID].Status != storage.PayUnpaid {
		t.Fatalf("the reversed invoice is %+v (%v), want unpaid", st[invs[0].ID], err)
	}

	// A bank account, and the store's methods mapped to it.
	s.saveAccount(storage.TreasuryAccount{Name: "Al Rajhi", Kind: storage.AccountBank, IBAN: "SA03 8000 0000 6080 1016 7519"})
	m.Idle()
	mustShow(t, s.Balances, "Al Rajhi", "SA0380000000608010167519")
	md := s.ShowMethods(conn.ID)
	m.Idle()
	if len(md.Accounts) != 2 || md.Accounts["cod"] == nil || md.Accounts["mada"].Selected != "Cash (default)" {
		t.Fatalf("methods dialog: %v", md.Accounts)
	}
	md.Accounts["mada"].SetSelected("Al Rajhi")
	m.Idle()
	md.Hide()
	methods, err := e.db.PaymentMethods(ctx, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, pm := range methods {
		if want := map[string]string{"mada": "Al Rajhi", "cod": "Cash"}[pm.Method]; pm.AccountName != want {
			t.Errorf("%s pays into %s, want %s", pm.Method, pm.AccountName, want)
		}
	}

	// The movements as CSV end on the account's balance.
	var buf bytes.Buffer
	if err := s.ExportCSV(bufio.NewWriter(&buf)); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 4 || rows[3][7] != "115" || rows[3][0] != "MAIN-PAY-000001" {
		t.Fatalf("CSV %q (%v)", rows, err)
	}
}
