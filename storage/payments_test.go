package storage

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestCheckIBAN(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want string // part of the refusal
	}{
		{"SA03 8000 0000 6080 1016 7519", true, ""},
		{"sa0380000000608010167519", true, ""},
		{"GB82 WEST 1234 5698 7654 32", true, ""},
		{"SA0480000000608010167519", false, "check digits"},
		{"SA038000000060801016751", false, "24 characters"},
		{"0A0380000000608010167519", false, "country code"},
		{"SA03-8000-0000-6080-1016-7519", false, "letters and digits"},
		{"SA03", false, "15 to 34"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			err := CheckIBAN(NormalizeIBAN(tc.in))
			if tc.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("CheckIBAN(%q) = %v, want ok=%v (%q)", tc.in, err, tc.ok, tc.want)
			}
		})
	}
}

func TestTreasuryAccounts(t *testing.T) {
	db := openTest(t)
	accs, err := db.TreasuryAccounts(ctx)
	must(t, err)
	if len(accs) != 1 || accs[0].ID != DefaultAccountID || accs[0].Kind != AccountCash || accs[0].Name != "Cash" {
		t.Fatalf("new books' accounts: %+v, want the cash box alone", accs)
	}
	var bank TreasuryAccount
	must(t, db.Update(ctx, func(tx *Tx) error {
		bank, err = tx.CreateTreasuryAccount(TreasuryAccount{Name: " مصرف الراجحي ", IBAN: "sa03 8000 0000 6080 1016 7519"})
		return err
	}))
	if bank.Name != "مصرف الراجحي" || bank.Kind != AccountBank || bank.IBAN != "SA0380000000608010167519" {
		t.Fatalf("bank account: %+v", bank)
	}
	refused := []struct {
		name string
		acc  TreasuryAccount
		want string
	}{
		{"no name", TreasuryAccount{Name: " "}, "needs a name"},
		{"same name", TreasuryAccount{Name: "Cash"}, "already an account"},
		{"bad IBAN", TreasuryAccount{Name: "SNB", IBAN: "SA0480000000608010167519"}, "check digits"},
		{"cash with IBAN", TreasuryAccount{Name: "Till", Kind: AccountCash, IBAN: "SA0380000000608010167519"}, "no IBAN"},
		{"unknown kind", TreasuryAccount{Name: "Wallet", Kind: "crypto"}, "cash or bank"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(ctx, func(tx *Tx) error { _, err := tx.CreateTreasuryAccount(tc.acc); return err })
			if !IsValidation(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a refusal saying %q", err, tc.want)
			}
		})
	}
	must(t, db.Update(ctx, func(tx *Tx) error {
		_, err := tx.UpdateTreasuryAccount(TreasuryAccount{ID: bank.ID, Name: "Al Rajhi"})
		return err
	}))
	accs, err = db.TreasuryAccounts(ctx)
	must(t, err)
	if len(accs) != 2 || accs[1].Name != "Al Rajhi" || accs[1].IBAN != "" || accs[1].Kind != AccountBank {
		t.Fatalf("after renaming: %+v", accs)
	}
}

// payFixture is books with a sales invoice of 115 SAR and a bank account.
type payFixture struct {
	*fixture
	sale Invoice
	bank TreasuryAccount
}

func newPayFixture(t *testing.T) *payFixture {
	f := &payFixture{fixture: newFixture(t)}
	f.sale = f.issue(t, f.fixture.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("2"), UnitPrice: d("50"), Tax: d("15")}))
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		f.bank, err = tx.CreateTreasuryAccount(TreasuryAccount{Name: "Bank"})
		return err
	}))
	return f
}

func (f *payFixture) pay(t *testing.T, p Payment) Payment {
	t.Helper()
	var out Payment
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.RecordPayment(p)
		return err
	}))
	return out
}

func (f *payFixture) ret(t *testing.T, total string) Invoice {
	t.Helper()
	var out Invoice
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.IssueReturnInvoice(Invoice{OriginalID: f.sale.ID, Lines: []InvoiceLine{{Description: "Refund", Quantity: d("1"), UnitPrice: d(total)}}})
		return err
	}))
	return out
}

func TestPaymentsNumberedAndNeverChanged(t *testing.T) {
	f := newPayFixture(t)
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	p1 := f.pay(t, Payment{Direction: PaymentIn, AccountID: f.bank.ID, InvoiceID: f.sale.ID, Amount: d("100"), Date: at, Method: "mada"})
	p2 := f.pay(t, Payment{Direction: PaymentIn, AccountID: DefaultAccountID, InvoiceID: f.sale.ID, Amount: d("15")})
	out := f.pay(t, Payment{Direction: PaymentOut, AccountID: f.bank.ID, InvoiceID: f.sale.ID, Amount: d("10")})
	if p1.Number != "MAIN-REC-000001" || p2.Number != "MAIN-REC-000002" || out.Number != "MAIN-PAY-000001" || p1.Currency != "SAR" {
		t.Fatalf("numbers %s %s %s currency %s", p1.Number, p2.Number, out.Number, p1.Currency)
	}
	back, err := f.db.PaymentByNumber(ctx, "MAIN-REC-000001")
	must(t, err)
	if !back.Date.Equal(at) || back.Method != "mada" || back.AccountName != "Bank" || back.InvoiceNumber != f.sale.Number || !back.Amount.Equal(d("100")) {
		t.Fatalf("read back %+v", back)
	}
	for _, stmt := range []string{`UPDATE payments SET amount = '1'`, `DELETE FROM payments`} {
		if _, err := f.db.SQL().Exec(stmt); err == nil || !strings.Contains(err.Error(), "issued payments cannot be") {
			t.Errorf("%s: %v, want it refused", stmt, err)
		}
	}
	refused := []struct {
		name string
		p    Payment
		want string
	}{
		{"zero", Payment{Direction: PaymentIn, AccountID: 1, InvoiceID: f.sale.ID}, "more than zero"},
		{"negative", Payment{Direction: PaymentIn, AccountID: 1, InvoiceID: f.sale.ID, Amount: d("-1")}, "more than zero"},
		{"no direction", Payment{AccountID: 1, InvoiceID: f.sale.ID, Amount: d("1")}, "in or out"},
		{"no account", Payment{Direction: PaymentIn, AccountID: 99, InvoiceID: f.sale.ID, Amount: d("1")}, "account 99"},
		{"no invoice", Payment{Direction: PaymentIn, AccountID: 1, InvoiceID: 99, Amount: d("1")}, "invoice 99"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.RecordPayment(tc.p); return err })
			if !IsValidation(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a refusal saying %q", err, tc.want)
			}
		})
	}
	// A reversal is the same amount the other way, once.
	var rev Payment
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		rev, err = tx.ReversePayment(p2.ID, time.Time{}, "")
		return err
	}))
	if rev.Direction != PaymentOut || !rev.Amount.Equal(d("15")) || rev.AccountID != DefaultAccountID || rev.Number != "MAIN-PAY-000002" {
		t.Fatalf("reversal %+v", rev)
	}
	for _, id := range []int64{p2.ID, rev.ID} {
		err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.ReversePayment(id, time.Time{}, ""); return err })
		if !IsValidation(err) {
			t.Errorf("reversing payment %d again: %v, want a refusal", id, err)
		}
	}
	back, err = f.db.PaymentByNumber(ctx, p2.Number)
	must(t, err)
	if back.ReversedBy != rev.Number {
		t.Fatalf("%s reversed by %q, want %s", p2.Number, back.ReversedBy, rev.Number)
	}
}

func TestPaymentStates(t *testing.T) {
	type pay struct {
		dir    PaymentDirection
		amount string
		onRet  bool
	}
	tests := []struct {
		name       string
		returned   string // a return of this much, "" for none
		pays       []pay
		sale, ret  PayStatus
		salePaid   string
		saleDueNow string
	}{
		{"unpaid", "", nil, PayUnpaid, "", "0", "115"},
		{"partly", "", []pay{{PaymentIn, "50", false}}, PayPartly, "", "50", "115"},
		{"paid", "", []pay{{PaymentIn, "115", false}}, PayPaid, "", "115", "115"},
		{"paid in two", "", []pay{{PaymentIn, "100", false}, {PaymentIn, "15", false}}, PayPaid, "", "115", "115"},
		{"refunded in full", "115", []pay{{PaymentIn, "115", false}, {PaymentOut, "115", true}}, PayPaid, PayPaid, "0", "0"},
		{"refund not paid out yet", "15", []pay{{PaymentIn, "115", false}}, PayPaid, PayUnpaid, "115", "100"},
		{"part refunded", "15", []pay{{PaymentIn, "115", false}, {PaymentOut, "5", true}}, PayPaid, PayPartly, "110", "100"},
		{"returned before it was paid", "115", nil, PayNothingDue, PayNothingDue, "0", "0"},
		{"unpaid, part returned", "15", nil, PayUnpaid, PayNothingDue, "0", "100"},
		{"paid after a return", "15", []pay{{PaymentIn, "100", false}}, PayPaid, PayUnpaid, "100", "100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newPayFixture(t)
			invs := []Invoice{f.sale}
			var ret Invoice
			if tc.returned != "" {
				ret = f.ret(t, tc.returned)
				invs = append(invs, ret)
			}
			for _, p := range tc.pays {
				id := f.sale.ID
				if p.onRet {
					id = ret.ID
				}
				f.pay(t, Payment{Direction: p.dir, AccountID: 1, InvoiceID: id, Amount: d(p.amount)})
			}
			st, err := f.db.PaymentStates(ctx, invs)
			must(t, err)
			s := st[f.sale.ID]
			if s.Status != tc.sale || s.Paid.String() != tc.salePaid || s.Due.String() != tc.saleDueNow {
				t.Errorf("sales invoice %+v, want %s paid %s due %s", s, tc.sale, tc.salePaid, tc.saleDueNow)
			}
			if tc.returned != "" && st[ret.ID].Status != tc.ret {
				t.Errorf("return invoice %+v, want %s", st[ret.ID], tc.ret)
			}
		})
	}
}

func TestTreasuryBalancesAreTheSumOfMovements(t *testing.T) {
	f := newPayFixture(t)
	ret := f.ret(t, "40")
	amounts := []string{"10.01", "0.07", "33.333", "5", "12.5", "1.1"}
	for i, a := range amounts {
		acc := []int64{DefaultAccountID, f.bank.ID}[i%2]
		f.pay(t, Payment{Direction: PaymentIn, AccountID: acc, InvoiceID: f.sale.ID, Amount: d(a)})
		if i%3 == 0 {
			f.pay(t, Payment{Direction: PaymentOut, AccountID: acc, InvoiceID: ret.ID, Amount: d("0.3")})
		}
	}
	balances, err := f.db.TreasuryBalances(ctx)
	must(t, err)
	if len(balances) != 2 {
		t.Fatalf("balances %+v", balances)
	}
	for _, b := range balances {
		moves, err := f.db.Payments(ctx, PaymentFilter{AccountID: b.AccountID})
		must(t, err)
		sum := decimal.Zero
		for _, m := range moves {
			switch m.Direction {
			case PaymentIn:
				sum = sum.Add(m.Amount)
			case PaymentOut:
				sum = sum.Sub(m.Amount)
			}
		}
		if !sum.Equal(b.Balance) || b.Count != len(moves) || b.Currency != "SAR" {
			t.Errorf("%s: balance %s over %d payments, the movements sum to %s over %d", b.AccountName, b.Balance, b.Count, sum, len(moves))
		}
	}
	// The CSV form of an account's movements ends on its balance, exactly.
	moves, err := f.db.Payments(ctx, PaymentFilter{AccountID: f.bank.ID})
	must(t, err)
	var buf strings.Builder
	must(t, WritePaymentsCSV(&buf, moves))
	rows, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	must(t, err)
	last := rows[len(rows)-1]
	out := rows[3]
	if len(rows) != len(moves)+1 || last[7] != balances[1].Balance.String() || out[2] != "out" || out[5] != "-0.3" || out[8] != ret.Number {
		t.Fatalf("CSV rows %q", rows)
	}
	// 10.01 + 33.333 + 12.5 − 0.3 = 55.543 in cash; 0.07 + 5 + 1.1 − 0.3 = 5.87 in the bank.
	if balances[0].Balance.String() != "55.543" || balances[1].Balance.String() != "5.87" {
		t.Fatalf("balances %s and %s, want 55.543 and 5.87", balances[0].Balance, balances[1].Balance)
	}
}

func TestPaymentMethods(t *testing.T) {
	db := openTest(t)
	var connID int64
	must(t, db.SQL().QueryRow(`INSERT INTO connections(name, platform, store_url, client_id, warehouse_id, branch_id, start_date,
		invoice_states, poll_seconds, field_owners, created_at, updated_at) VALUES ('Shop', 'woocommerce', 'https://shop.example', 1, 1, 1,
		'2026-01-01T00:00:00Z', '[]', 600, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`).Scan(&connID))
	var bank TreasuryAccount
	must(t, db.Update(ctx, func(tx *Tx) error {
		acc, err := tx.SeePaymentMethod(connID, "cod", "Cash on delivery")
		if err != nil || acc != DefaultAccountID {
			t.Errorf("a new method pays into %d (%v), want the cash box", acc, err)
		}
		if bank, err = tx.CreateTreasuryAccount(TreasuryAccount{Name: "Bank"}); err != nil {
			return err
		}
		if err := tx.MapPaymentMethod(connID, "mada", bank.ID); err != nil {
			return err
		}
		acc, err = tx.SeePaymentMethod(connID, "mada", "Mada")
		if err != nil || acc != bank.ID {
			t.Errorf("a mapped method pays into %d (%v), want %d", acc, err, bank.ID)
		}
		if err := tx.MapPaymentMethod(connID, "mada", 77); !IsValidation(err) {
			t.Errorf("mapping to a missing account: %v", err)
		}
		return nil
	}))
	ms, err := db.PaymentMethods(ctx, connID)
	must(t, err)
	if len(ms) != 2 || ms[0].Method != "cod" || ms[0].AccountName != "Cash" || ms[0].AccountID != 0 ||
		ms[1].Method != "mada" || ms[1].Title != "Mada" || ms[1].AccountName != "Bank" {
		t.Fatalf("methods %+v", ms)
	}
}

// Invoices issued before the books kept payments (books an older Mizan made) are not called
// unpaid: their state is not known until a payment is recorded for them.
func TestInvoicesBeforePaymentsAreUntracked(t *testing.T) {
	f := newPayFixture(t)
	ret := f.ret(t, "15")
	later := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if _, err := f.db.SQL().Exec(`UPDATE schema_migrations SET applied_at = ? WHERE name = '0009_payments.sql'`, later); err != nil {
		t.Fatal(err)
	}
	invs := []Invoice{f.sale, ret}
	st, err := f.db.PaymentStates(ctx, invs)
	must(t, err)
	if st[f.sale.ID].Status != PayUntracked || st[ret.ID].Status != PayUntracked {
		t.Fatalf("states before any payment: %+v", st)
	}
	f.pay(t, Payment{Direction: PaymentIn, AccountID: DefaultAccountID, InvoiceID: f.sale.ID, Amount: d("50")})
	st, err = f.db.PaymentStates(ctx, invs)
	must(t, err)
	if st[f.sale.ID].Status != PayPartly || st[ret.ID].Status != PayUnpaid {
		t.Fatalf("states after a payment: %+v", st)
	}
}
