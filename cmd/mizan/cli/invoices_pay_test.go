package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"mizan/storage"
)

// invoices list and show say how far each invoice is paid, and show lists its payments.
func TestInvoicesPaymentStatus(t *testing.T) {
	b := seedBooks(t)
	ctx := context.Background()
	listed := func() map[string]string {
		t.Helper()
		code, out, errOut := run(t, b.dir, "invoices", "list")
		if code != 0 {
			t.Fatalf("invoices list: %d %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		col := strings.Index(lines[0], "PAYMENT")
		end := strings.Index(lines[0], "ORDER")
		if col < 0 || end < col {
			t.Fatalf("no PAYMENT column before ORDER:\n%s", out)
		}
		got := map[string]string{}
		for _, l := range lines[1:] {
			// The table pads by display width, which the Arabic client names make differ from
			// byte offsets: the status is found after the row's currency.
			i := strings.Index(l, " SAR ")
			if i < 0 {
				t.Fatalf("row without currency: %q", l)
			}
			rest := strings.TrimSpace(l[i+len(" SAR "):])
			if f := strings.Fields(l); len(f) > 0 {
				status := rest
				if j := strings.Index(rest, "  "); j >= 0 {
					status = rest[:j]
				}
				got[f[0]] = strings.TrimSpace(strings.TrimSuffix(status, "#1001"))
			}
		}
		return got
	}
	setPaymentsSince := func(at string) {
		t.Helper()
		db, err := storage.Open(ctx, b.dir, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.SQL().Exec(`UPDATE schema_migrations SET applied_at = ? WHERE name = '0009_payments.sql'`, at); err != nil {
			t.Fatal(err)
		}
	}

	// Books whose invoices were issued before they kept payments: nothing is known.
	setPaymentsSince(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339))
	for number, st := range listed() {
		if st != "not recorded" {
			t.Errorf("%s before payments were kept: %q, want not recorded", number, st)
		}
	}
	if code, out, _ := run(t, b.dir, "invoices", "show", b.sale.Number); code != 0 ||
		!strings.Contains(out, "Payment: not recorded (issued before the books kept payments)") || !strings.Contains(out, "No payments recorded.") {
		t.Fatalf("show before payments were kept: %d\n%s", code, out)
	}
	setPaymentsSince(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339))
	want := map[string]string{b.sale.Number: "unpaid", b.storeIn.Number: "unpaid", b.ret.Number: "nothing due"}
	for number, st := range listed() {
		if st != want[number] {
			t.Errorf("%s with no payment: %q, want %q", number, st, want[number])
		}
	}

	// The sale paid in part in cash, the store's order in full by Mada, the return paid back.
	db, err := storage.Open(ctx, b.dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)
	err = db.Update(ctx, func(tx *storage.Tx) error {
		for _, p := range []storage.Payment{
			{Direction: storage.PaymentIn, AccountID: storage.DefaultAccountID, InvoiceID: b.sale.ID, Amount: d("50"), Date: at},
			{Direction: storage.PaymentIn, AccountID: storage.DefaultAccountID, InvoiceID: b.storeIn.ID, Amount: b.storeIn.Total, Date: at,
				Method: "mada", MethodTitle: "Mada"},
			{Direction: storage.PaymentOut, AccountID: storage.DefaultAccountID, InvoiceID: b.ret.ID, Amount: d("10"), Date: at.Add(time.Hour)},
		} {
			if _, err := tx.RecordPayment(p); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]string{b.sale.Number: "partly paid", b.storeIn.Number: "paid", b.ret.Number: "partly refunded"}
	for number, st := range listed() {
		if st != want[number] {
			t.Errorf("%s: %q, want %q", number, st, want[number])
		}
	}

	// show: the status, what was paid of what is due (the total less the return), each payment.
	due := b.sale.Total.Sub(b.ret.Total)
	code, out, errOut := run(t, b.dir, "invoices", "show", b.sale.Number)
	if code != 0 {
		t.Fatalf("show: %d %s", code, errOut)
	}
	for _, wantText := range []string{"Payment: partly paid (40.00 of " + amount(due) + " SAR)", "Payments:", "MAIN-REC-000001",
		b.ret.Number, "-10.00 SAR", "50.00 SAR"} {
		if !strings.Contains(out, wantText) {
			t.Errorf("show lacks %q:\n%s", wantText, out)
		}
	}
	if _, out, _ := run(t, b.dir, "invoices", "show", b.storeIn.Number); !strings.Contains(out, "Payment: paid") || !strings.Contains(out, " mada ") {
		t.Errorf("show of the store's order:\n%s", out)
	}
	code, out, _ = run(t, b.dir, "invoices", "show", b.sale.Number, "--format", "json")
	var j struct {
		PaymentStatus string `json:"payment_status"`
		Due, Paid     string
		Payments      []struct{ Number, Direction, Amount, Invoice string }
	}
	if err := json.Unmarshal([]byte(out), &j); code != 0 || err != nil {
		t.Fatalf("show json: %d %v\n%s", code, err, out)
	}
	if j.PaymentStatus != string(storage.PayPartly) || !d(j.Due).Equal(due) || !d(j.Paid).Equal(d("40")) || len(j.Payments) != 2 ||
		j.Payments[0].Direction != "in" || !d(j.Payments[0].Amount).Equal(d("50")) || j.Payments[1].Invoice != b.ret.Number ||
		!d(j.Payments[1].Amount).Equal(d("-10")) {
		t.Fatalf("show json: %+v", j)
	}
}
