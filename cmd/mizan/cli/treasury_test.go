package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// treasuryBalances reads mizan treasury list --format json, by account name.
func treasuryBalances(t *testing.T, dir string) map[string]string {
	t.Helper()
	code, out, errOut := run(t, dir, "treasury", "list", "--format", "json")
	if code != 0 {
		t.Fatalf("treasury list: %d %s", code, errOut)
	}
	var bs []struct{ Account, Balance, Currency string }
	if err := json.Unmarshal([]byte(out), &bs); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, b := range bs {
		got[b.Account] = b.Balance
	}
	return got
}

// movementSums adds up mizan treasury movements --format json by account, independently of the
// books' balances.
func movementSums(t *testing.T, dir string) map[string]decimal.Decimal {
	t.Helper()
	code, out, errOut := run(t, dir, "treasury", "movements", "--format", "json")
	if code != 0 {
		t.Fatalf("treasury movements: %d %s", code, errOut)
	}
	var ms []struct{ Account, Amount string }
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatal(err)
	}
	sums := map[string]decimal.Decimal{}
	for _, m := range ms {
		sums[m.Account] = sums[m.Account].Add(d(m.Amount))
	}
	return sums
}

func TestTreasuryCommands(t *testing.T) {
	b := seedBooks(t)
	ctx := context.Background()
	if code, out, errOut := run(t, b.dir, "treasury", "add", "--name", "Al Rajhi", "--iban", "SA03 8000 0000 6080 1016 7519"); code != 0 ||
		!strings.Contains(out, `Added bank account "Al Rajhi"`) {
		t.Fatalf("treasury add: %d %q %q", code, out, errOut)
	}
	refused := [][]string{
		{"treasury", "add", "--name", "SNB", "--iban", "SA0480000000608010167519"},
		{"treasury", "add", "--name", "Cash"},
		{"treasury", "map", "--connection", "no-such-shop", "--method", "mada", "--account", "Al Rajhi"},
		{"treasury", "reverse", "MAIN-REC-000999"},
	}
	for _, args := range refused {
		if code, _, errOut := run(t, b.dir, args...); code != 1 || errOut == "" {
			t.Errorf("%v: exit %d (%q), want a refusal", args, code, errOut)
		}
	}
	if code, _, _ := run(t, b.dir, "treasury", "add"); code != 2 {
		t.Errorf("treasury add without --name: exit %d, want 2", code)
	}

	// Payments: the first sale paid in cash, the store's order by card into the bank, the return
	// paid back in cash.
	db, err := storage.Open(ctx, b.dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var connID int64
	err = db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.QueryRow(`INSERT INTO connections(name, platform, store_url, client_id, warehouse_id, branch_id, start_date,
			invoice_states, poll_seconds, field_owners, created_at, updated_at) VALUES ('my-shop', 'shopify', 'https://my-shop.example', 1, 1, 1,
			'2024-01-01T00:00:00Z', '[]', 600, '{}', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z') RETURNING id`).Scan(&connID); err != nil {
			return err
		}
		bank, err := tx.TreasuryAccountByName("Al Rajhi")
		if err != nil {
			return err
		}
		at := time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)
		for _, p := range []storage.Payment{
			{Direction: storage.PaymentIn, AccountID: storage.DefaultAccountID, InvoiceID: b.sale.ID, Amount: b.sale.Total, Date: at},
			{Direction: storage.PaymentIn, AccountID: bank.ID, InvoiceID: b.storeIn.ID, Amount: b.storeIn.Total, Date: at, Method: "mada"},
			{Direction: storage.PaymentOut, AccountID: storage.DefaultAccountID, InvoiceID: b.ret.ID, Amount: b.ret.Total, Date: at.Add(time.Hour)},
		} {
			if _, err := tx.RecordPayment(p); err != nil {
				return err
			}
		}
		_, err = tx.SeePaymentMethod(connID, "mada", "Mada")
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	check := func(wantCash, wantBank decimal.Decimal) {
		t.Helper()
		balances, sums := treasuryBalances(t, b.dir), movementSums(t, b.dir)
		for name, want := range map[string]decimal.Decimal{"Cash": wantCash, "Al Rajhi": wantBank} {
			if got := balances[name]; !d(got).Equal(want) || !sums[name].Equal(want) {
				t.Errorf("%s: balance %s, movements add up to %s, want %s", name, got, sums[name], want)
			}
		}
	}
	check(b.sale.Total.Sub(b.ret.Total), b.storeIn.Total)

	// The cash box's movements as CSV end on its balance.
	code, out, errOut := run(t, b.dir, "treasury", "movements", "--account", "Cash", "--format", "csv", "--bom")
	if code != 0 || !strings.HasPrefix(out, "\uFEFF") {
		t.Fatalf("movements csv: %d %q", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if err != nil || len(rows) != 3 || !d(rows[2][7]).Equal(b.sale.Total.Sub(b.ret.Total)) || rows[2][8] != b.ret.Number {
		t.Fatalf("movements csv %q (%v)", rows, err)
	}
	// A period's rows carry the balance counted from the account's first payment.
	code, out, _ = run(t, b.dir, "treasury", "movements", "--account", "Cash", "--from", "2024-05-06", "--to", "2024-05-06", "--format", "csv")
	if rows, err := csv.NewReader(strings.NewReader(out)).ReadAll(); code != 0 || err != nil || len(rows) != 3 ||
		rows[0][7] != "balance" || !d(rows[2][7]).Equal(b.sale.Total.Sub(b.ret.Total)) {
		t.Fatalf("movements of a day as csv: %d %q", code, out)
	}
	if code, out, _ := run(t, b.dir, "treasury", "movements", "--from", "2024-05-07", "--format", "json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("movements after the last payment: %d %q", code, out)
	}
	if code, out, _ := run(t, b.dir, "treasury", "movements"); code != 0 || !strings.Contains(out, "MAIN-PAY-000001") ||
		!strings.Contains(out, "-"+amount(b.ret.Total)) {
		t.Fatalf("movements table: %q", out)
	}

	// Reversing the cash payment of the sale takes it back out.
	if code, out, errOut := run(t, b.dir, "treasury", "reverse", "MAIN-REC-000001", "--note", "entered twice"); code != 0 ||
		!strings.Contains(out, "reverses MAIN-REC-000001") {
		t.Fatalf("reverse: %d %q %q", code, out, errOut)
	}
	check(b.ret.Total.Neg(), b.storeIn.Total)
	if code, _, _ := run(t, b.dir, "treasury", "reverse", "MAIN-REC-000001"); code != 1 {
		t.Fatal("a payment was reversed twice")
	}

	// The store's methods and their accounts.
	if code, out, errOut := run(t, b.dir, "treasury", "map", "--connection", "my-shop", "--method", "mada", "--account", "Al Rajhi"); code != 0 {
		t.Fatalf("map: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, b.dir, "treasury", "methods", "--format", "json")
	var ms []struct {
		Connection, Method, Account string
		Chosen                      bool
	}
	if err := json.Unmarshal([]byte(out), &ms); code != 0 || err != nil || len(ms) != 1 || ms[0].Account != "Al Rajhi" || !ms[0].Chosen {
		t.Fatalf("methods: %d %q", code, out)
	}
	if code, out, _ := run(t, b.dir, "treasury", "edit", "Al Rajhi", "--name", "الراجحي", "--iban", ""); code != 0 || !strings.Contains(out, "الراجحي") {
		t.Fatalf("edit: %d %q", code, out)
	}
	if _, ok := treasuryBalances(t, b.dir)["الراجحي"]; !ok {
		t.Fatal("the renamed account is not listed")
	}
}
