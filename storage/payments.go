package storage

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// AccountKind says what a treasury account is.
type AccountKind string

// Treasury account kinds.
const (
	AccountCash AccountKind = "cash"
	AccountBank AccountKind = "bank"
)

// DefaultAccountID is the cash box every set of books starts with. A store's payment method that
// the merchant has not mapped to an account yet pays into it.
const DefaultAccountID int64 = 1

// TreasuryAccount is where money is kept: a cash box or a bank account.
type TreasuryAccount struct {
	ID        int64
	Name      string
	Kind      AccountKind
	IBAN      string // bank accounts only; empty when not given
	CreatedAt time.Time
}

// PaymentDirection says which way a payment moved money.
type PaymentDirection string

// Payment directions.
const (
	PaymentIn  PaymentDirection = "in"  // money received (a customer paying an invoice)
	PaymentOut PaymentDirection = "out" // money paid back (a refund)
)

// Payment is one issued movement of money into or out of a treasury account, for an invoice: a
// customer's payment of a sales invoice comes in; a refund goes out, for the return invoice it
// pays back (or the sales invoice itself when the refund names no return). It is numbered per
// branch without gaps (BRANCH-REC-000001 in, BRANCH-PAY-000001 out) and never changed or deleted:
// ReversePayment corrects one with a payment of the same amount the other way.
type Payment struct {
	ID          int64
	Number      string
	Direction   PaymentDirection
	AccountID   int64
	InvoiceID   int64
	Amount      decimal.Decimal // positive
	Date        time.Time       // when the money moved (the store's date for a store's payment)
	Method      string          // the store's own name for how it was paid (e.g. "cod", "shopify_payments")
	MethodTitle string          // what the store shows for it, when it says
	Notes       string
	Source      Source // the store payment it came from (ExternalID: the store's payment id)
	ReversesID  int64  // the payment this one reverses, 0 for none

	// Filled in when reading.
	BranchID        int64
	Currency        string // the invoice's currency
	AccountName     string
	InvoiceNumber   string
	InvoiceType     InvoiceType
	ReversesNumber  string
	ReversedBy      string // the number of the payment that reversed this one, if any
	CreatedAt       time.Time
	AccountKind     AccountKind
	ClientName      string
	OriginalInvoice int64 // for a payment on a return invoice, the sales invoice it returns against
}

// Signed is the payment's effect on its account's balance: positive in, negative out.
func (p Payment) Signed() decimal.Decimal {
	if p.Direction == PaymentOut {
		return p.Amount.Neg()
	}
	return p.Amount
}

// ---- Treasury accounts ----

func scanAccount(r scanner) (TreasuryAccount, error) {
	var a TreasuryAccount
	var kind string
	err := r.Scan(&a.ID, &a.Name, &kind, &a.IBAN, timeCol{&a.CreatedAt})
	a.Kind = AccountKind(kind)
	return a, err
}

const accountCols = `id, name, kind, iban, created_at`

// TreasuryAccounts lists the treasury accounts, the cash box first.
func (d *DB) TreasuryAccounts(ctx context.Context) ([]TreasuryAccount, error) {
	return queryList(ctx, d, `SELECT `+accountCols+` FROM treasury_accounts ORDER BY id`, scanAccount)
}

// TreasuryAccount reads one account; ErrNotFound when there is none.
func (t *Tx) TreasuryAccount(id int64) (TreasuryAccount, error) {
	a, err := scanAccount(t.QueryRow(`SELECT `+accountCols+` FROM treasury_accounts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	return a, err
}

// TreasuryAccountByName reads an account by its name (exactly, ignoring surrounding spaces);
// ErrNotFound when there is none.
func (t *Tx) TreasuryAccountByName(name string) (TreasuryAccount, error) {
	a, err := scanAccount(t.QueryRow(`SELECT `+accountCols+` FROM treasury_accounts WHERE name = ?`, strings.TrimSpace(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	return a, err
}

// NormalizeIBAN takes out spaces and upper-cases an IBAN as it may be typed ("sa03 8000 …").
func NormalizeIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// CheckIBAN validates an IBAN (already normalised): a country code, two check digits and up to
// 30 letters or digits whose ISO 13616 check (mod 97) holds; a Saudi IBAN (SA) is 24 characters.
func CheckIBAN(iban string) error {
	if len(iban) < 15 || len(iban) > 34 {
		return refuse("iban_length", iban)
	}
	for i, r := range iban {
		letter, digit := r >= 'A' && r <= 'Z', r >= '0' && r <= '9'
		if (i < 2 && !letter) || (i >= 2 && i < 4 && !digit) || (!letter && !digit) {
			return refuse("iban_form", iban)
		}
	}
	if strings.HasPrefix(iban, "SA") && len(iban) != 24 {
		return refuse("iban_saudi_length", iban, len(iban))
	}
	var digits strings.Builder
	for _, r := range iban[4:] + iban[:4] {
		if r >= 'A' && r <= 'Z' {
			fmt.Fprintf(&digits, "%d", r-'A'+10)
		} else {
			digits.WriteRune(r)
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	if new(big.Int).Mod(n, big.NewInt(97)).Int64() != 1 {
		return refuse("iban_check", iban)
	}
	return nil
}

func (t *Tx) checkAccount(a *TreasuryAccount) error {
	a.Name = strings.TrimSpace(a.Name)
	if a.Name == "" {
		return refuse("account_name_required")
	}
	if a.Kind == "" {
		a.Kind = AccountBank
	}
	if a.Kind != AccountCash && a.Kind != AccountBank {
		return refuse("account_kind", a.Name, a.Kind)
	}
	a.IBAN = NormalizeIBAN(a.IBAN)
	if a.IBAN != "" {
		if a.Kind == AccountCash {
			return refuse("account_cash_iban", a.Name)
		}
		if err := CheckIBAN(a.IBAN); err != nil {
			return err
		}
	}
	var other int64
	err := t.QueryRow(`SELECT id FROM treasury_accounts WHERE name = ? AND id <> ?`, a.Name, a.ID).Scan(&other)
	if err == nil {
		return refuse("account_name_taken", a.Name)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

// CreateTreasuryAccount adds a cash or bank account (a bank account by default).
func (t *Tx) CreateTreasuryAccount(a TreasuryAccount) (TreasuryAccount, error) {
	a.ID = 0
	if err := t.checkAccount(&a); err != nil {
		return a, err
	}
	res, err := t.Exec(`INSERT INTO treasury_accounts(name, kind, iban, created_at) VALUES (?, ?, ?, ?)`,
		a.Name, string(a.Kind), a.IBAN, formatTime(t.now))
	if err != nil {
		return a, fmt.Errorf("add account %q: %w", a.Name, err)
	}
	a.ID, _ = res.LastInsertId()
	a.CreatedAt = t.now
	return a, nil
}

// UpdateTreasuryAccount renames an account or changes its IBAN. Its kind and its payments stay.
func (t *Tx) UpdateTreasuryAccount(a TreasuryAccount) (TreasuryAccount, error) {
	old, err := t.TreasuryAccount(a.ID)
	if err != nil {
		return a, err
	}
	a.Kind, a.CreatedAt = old.Kind, old.CreatedAt
	if err := t.checkAccount(&a); err != nil {
		return a, err
	}
	if _, err := t.Exec(`UPDATE treasury_accounts SET name = ?, iban = ? WHERE id = ?`, a.Name, a.IBAN, a.ID); err != nil {
		return a, fmt.Errorf("change account %q: %w", a.Name, err)
	}
	return a, nil
}

// ---- Payment methods ----

// PaymentMethod is a way a connection's store was paid, and the account it pays into.
type PaymentMethod struct {
	ConnectionID int64
	Method       string // the store's own name for it
	Title        string // what the store shows for it
	AccountID    int64  // 0: not chosen yet (it pays into the cash box)
	FirstSeen    time.Time
	AccountName  string // the account it pays into (the cash box's when not chosen)
}

// SeePaymentMethod records that a connection's store used a payment method, keeping its title up
// to date, and returns the account it pays into (the cash box until the merchant chooses one).
func (t *Tx) SeePaymentMethod(connID int64, method, title string) (int64, error) {
	method, title = strings.TrimSpace(method), strings.TrimSpace(title)
	if method == "" {
		return DefaultAccountID, nil
	}
	// Read once per transaction: a page of orders sees the same few methods again and again, and
	// writes only a method that is new or whose title changed.
	type methodKey struct {
		conn   int64
		method string
	}
	type methodRow struct {
		title   string
		account sql.NullInt64
	}
	read := func() (methodRow, bool, error) {
		var m methodRow
		err := t.QueryRow(`SELECT title, account_id FROM payment_methods WHERE connection_id = ? AND method = ?`, connID, method).Scan(&m.title, &m.account)
		if errors.Is(err, sql.ErrNoRows) {
			return m, false, nil
		} else if err != nil {
			return m, false, fmt.Errorf("read payment method %q: %w", method, err)
		}
		return m, true, nil
	}
	m, found, err := Memo(t, methodKey{connID, method}, read, "payment_methods")
	if err != nil {
		return 0, err
	}
	if !found || (title != "" && title != m.title) {
		if _, err := t.Exec(`INSERT INTO payment_methods(connection_id, method, title, first_seen_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(connection_id, method) DO UPDATE SET title = excluded.title WHERE excluded.title <> '' AND excluded.title <> title`,
			connID, method, title, formatTime(t.now)); err != nil {
			return 0, fmt.Errorf("record payment method %q: %w", method, err)
		}
		if m, _, err = Memo(t, methodKey{connID, method}, read, "payment_methods"); err != nil {
			return 0, err
		}
	}
	if !m.account.Valid {
		return DefaultAccountID, nil
	}
	return m.account.Int64, nil
}

// MapPaymentMethod chooses the account a connection's payment method pays into from now on
// (0: back to the cash box by default). Payments already issued keep their account. A method the
// store has not used yet is recorded.
func (t *Tx) MapPaymentMethod(connID int64, method string, accountID int64) error {
	method = strings.TrimSpace(method)
	if method == "" {
		return refuse("method_name_required")
	}
	if accountID != 0 {
		if _, err := t.TreasuryAccount(accountID); errors.Is(err, ErrNotFound) {
			return refuse("account_missing", accountID)
		} else if err != nil {
			return err
		}
	}
	_, err := t.Exec(`INSERT INTO payment_methods(connection_id, method, account_id, first_seen_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(connection_id, method) DO UPDATE SET account_id = excluded.account_id`,
		connID, method, nullIfZero(accountID), formatTime(t.now))
	if err != nil {
		return fmt.Errorf("map payment method %q: %w", method, err)
	}
	return nil
}

// PaymentMethods lists the payment methods a connection's store has used, in the order first seen.
func (d *DB) PaymentMethods(ctx context.Context, connID int64) ([]PaymentMethod, error) {
	return queryList(ctx, d, `SELECT m.connection_id, m.method, m.title, COALESCE(m.account_id, 0), m.first_seen_at, a.name
		FROM payment_methods m JOIN treasury_accounts a ON a.id = COALESCE(m.account_id, ?)
		WHERE m.connection_id = ? ORDER BY m.first_seen_at, m.method`, func(r scanner) (PaymentMethod, error) {
		var m PaymentMethod
		return m, r.Scan(&m.ConnectionID, &m.Method, &m.Title, &m.AccountID, timeCol{&m.FirstSeen}, &m.AccountName)
	}, DefaultAccountID, connID)
}

// ---- Payments ----

// RecordPayment validates, numbers and writes a payment for an invoice. Money comes in for a
// sales invoice only; it goes out for a return invoice or a sales invoice. The currency is the
// invoice's and the branch is the invoice's branch.
func (t *Tx) RecordPayment(p Payment) (Payment, error) {
	return atomicOp(t, func() (Payment, error) { return t.recordPayment(p) })
}

func (t *Tx) recordPayment(p Payment) (Payment, error) {
	if p.Direction != PaymentIn && p.Direction != PaymentOut {
		return p, refuse("payment_direction", p.Direction)
	}
	if !p.Amount.IsPositive() {
		return p, refuse("payment_amount", p.Amount)
	}
	acc, _, err := Memo(t, accountKey(p.AccountID), func() (TreasuryAccount, bool, error) {
		a, err := t.TreasuryAccount(p.AccountID)
		return a, err == nil, err
	}, "treasury_accounts")
	if errors.Is(err, ErrNotFound) {
		return p, refuse("account_missing", p.AccountID)
	} else if err != nil {
		return p, err
	}
	inv, err := t.invoiceFactsOf(p.InvoiceID)
	if err != nil {
		return p, err
	}
	if p.Direction == PaymentIn && inv.Type != SalesInvoice && p.ReversesID == 0 {
		return p, refuse("payment_return_invoice", inv.Number)
	}
	if p.Date.IsZero() {
		p.Date = t.now
	}
	p.Method, p.MethodTitle, p.Notes = strings.TrimSpace(p.Method), strings.TrimSpace(p.MethodTitle), strings.TrimSpace(p.Notes)
	p.BranchID, p.Currency, p.InvoiceNumber, p.InvoiceType, p.AccountName = inv.BranchID, inv.Currency, inv.Number, inv.Type, acc.Name
	seq, number, err := t.nextPaymentNumber(inv.BranchID, p.Direction)
	if err != nil {
		return p, err
	}
	p.Number = number
	res, err := t.Exec(`INSERT INTO payments(branch_id, seq, number, direction, account_id, invoice_id, currency, amount, date, method,
		method_title, reverses_id, notes, source_connection, source_platform, source_external_id, source_order_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.BranchID, seq, number, string(p.Direction), p.AccountID, p.InvoiceID, inv.Currency, decStr(p.Amount), formatTime(p.Date),
		p.Method, p.MethodTitle, nullIfZero(p.ReversesID), p.Notes, p.Source.Connection, p.Source.Platform, p.Source.ExternalID,
		p.Source.OrderName, formatTime(t.now))
	if err != nil {
		if isUniqueViolation(err) && p.ReversesID != 0 {
			return p, refuse("payment_reversed")
		}
		return p, fmt.Errorf("write payment: %w", err)
	}
	p.ID, _ = res.LastInsertId()
	p.CreatedAt = t.now
	return p, nil
}

func (t *Tx) nextPaymentNumber(branchID int64, dir PaymentDirection) (int64, string, error) {
	docType, prefix := "payment_in", "REC"
	if dir == PaymentOut {
		docType, prefix = "payment_out", "PAY"
	}
	seq, err := t.nextSeq(branchID, docType)
	if err != nil {
		return 0, "", fmt.Errorf("number payment: %w", err)
	}
	b, err := t.branchOf(branchID)
	if err != nil {
		return 0, "", err
	}
	return seq, fmt.Sprintf("%s-%s-%06d", b.Code, prefix, seq), nil
}

// ReversePayment corrects an issued payment with one of the same amount, account and invoice the
// other way, dated date (now when zero). A payment is reversed at most once, and a reversal is not
// reversed itself (record the payment again instead).
func (t *Tx) ReversePayment(id int64, date time.Time, note string) (Payment, error) {
	orig, err := t.Payment(id)
	if err != nil {
		return Payment{}, err
	}
	if orig.ReversesID != 0 {
		return Payment{}, refuse("payment_reversal", orig.Number, orig.ReversesNumber)
	}
	if orig.ReversedBy != "" {
		return Payment{}, refuse("payment_reversed_by", orig.Number, orig.ReversedBy)
	}
	dir := PaymentOut
	if orig.Direction == PaymentOut {
		dir = PaymentIn
	}
	if strings.TrimSpace(note) == "" {
		note = "Reverses " + orig.Number
	}
	return t.RecordPayment(Payment{Direction: dir, AccountID: orig.AccountID, InvoiceID: orig.InvoiceID, Amount: orig.Amount, Date: date,
		Method: orig.Method, MethodTitle: orig.MethodTitle, Notes: note, ReversesID: orig.ID,
		Source: Source{Connection: orig.Source.Connection, Platform: orig.Source.Platform, OrderName: orig.Source.OrderName}})
}

const paymentCols = `p.id, p.number, p.direction, p.account_id, p.invoice_id, p.amount, p.date, p.method, p.method_title, p.notes,
	p.source_connection, p.source_platform, p.source_external_id, p.source_order_name, COALESCE(p.reverses_id, 0), p.branch_id,
	p.currency, a.name, a.kind, i.number, i.type, COALESCE(r.number, ''), COALESCE(rb.number, ''), p.created_at, c.name,
	COALESCE(i.original_invoice_id, 0)`

const paymentFrom = ` FROM payments p JOIN treasury_accounts a ON a.id = p.account_id JOIN invoices i ON i.id = p.invoice_id
	JOIN clients c ON c.id = i.client_id LEFT JOIN payments r ON r.id = p.reverses_id LEFT JOIN payments rb ON rb.reverses_id = p.id `

func scanPayment(r scanner) (Payment, error) {
	var p Payment
	var dir, kind, typ string
	err := r.Scan(&p.ID, &p.Number, &dir, &p.AccountID, &p.InvoiceID, dec{&p.Amount}, timeCol{&p.Date}, &p.Method, &p.MethodTitle,
		&p.Notes, &p.Source.Connection, &p.Source.Platform, &p.Source.ExternalID, &p.Source.OrderName, &p.ReversesID, &p.BranchID,
		&p.Currency, &p.AccountName, &kind, &p.InvoiceNumber, &typ, &p.ReversesNumber, &p.ReversedBy, timeCol{&p.CreatedAt},
		&p.ClientName, &p.OriginalInvoice)
	p.Direction, p.AccountKind, p.InvoiceType = PaymentDirection(dir), AccountKind(kind), InvoiceType(typ)
	return p, err
}

// Payment reads one payment; ErrNotFound when there is none.
func (t *Tx) Payment(id int64) (Payment, error) {
	p, err := scanPayment(t.QueryRow(`SELECT `+paymentCols+paymentFrom+`WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// PaymentByNumber reads one payment by its number; ErrNotFound when there is none.
func (d *DB) PaymentByNumber(ctx context.Context, number string) (Payment, error) {
	p, err := scanPayment(d.sql.QueryRowContext(ctx, `SELECT `+paymentCols+paymentFrom+`WHERE p.number = ?`, strings.TrimSpace(number)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// PaymentFilter selects payments. Zero fields do not filter.
type PaymentFilter struct {
	AccountID int64
	InvoiceID int64     // the invoice's own payments and, for a sales invoice, its returns'
	From, To  time.Time // the payment's date, inclusive
}

// Payments lists payments oldest first (by date, then number order).
func (d *DB) Payments(ctx context.Context, f PaymentFilter) ([]Payment, error) {
	var conds []string
	var args []any
	if f.AccountID != 0 {
		conds = append(conds, `p.account_id = ?`)
		args = append(args, f.AccountID)
	}
	if f.InvoiceID != 0 {
		conds = append(conds, `(p.invoice_id = ? OR i.original_invoice_id = ?)`)
		args = append(args, f.InvoiceID, f.InvoiceID)
	}
	if !f.From.IsZero() {
		conds = append(conds, `p.date >= ?`)
		args = append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, `p.date <= ?`)
		args = append(args, formatTime(f.To))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return queryList(ctx, d, `SELECT `+paymentCols+paymentFrom+where+` ORDER BY p.date, p.id`, scanPayment, args...)
}

// Balance is what an account holds in one currency: the sum of its payments, in less out.
type Balance struct {
	AccountID   int64
	AccountName string
	Kind        AccountKind
	IBAN        string
	Currency    string // empty for an account without payments
	In, Out     decimal.Decimal
	Balance     decimal.Decimal // In − Out
	Count       int
}

// TreasuryBalances sums every account's payments, per currency, summed exactly (never in SQL's
// floating point). An account without payments has one row with a zero balance and no currency.
func (d *DB) TreasuryBalances(ctx context.Context) ([]Balance, error) {
	accounts, err := d.TreasuryAccounts(ctx)
	if err != nil {
		return nil, err
	}
	type key struct {
		id  int64
		cur string
	}
	sums := map[key]*Balance{}
	rows, err := d.sql.QueryContext(ctx, `SELECT account_id, currency, direction, amount FROM payments`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var dir string
		var amt decimal.Decimal
		if err := rows.Scan(&k.id, &k.cur, &dir, dec{&amt}); err != nil {
			return nil, err
		}
		b := sums[k]
		if b == nil {
			b = &Balance{AccountID: k.id, Currency: k.cur}
			sums[k] = b
		}
		if PaymentDirection(dir) == PaymentOut {
			b.Out = b.Out.Add(amt)
		} else {
			b.In = b.In.Add(amt)
		}
		b.Count++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Balance
	for _, a := range accounts {
		var mine []Balance
		for k, b := range sums {
			if k.id == a.ID {
				b.Balance = b.In.Sub(b.Out)
				mine = append(mine, *b)
			}
		}
		sort.Slice(mine, func(i, j int) bool { return mine[i].Currency < mine[j].Currency })
		if len(mine) == 0 {
			mine = []Balance{{AccountID: a.ID}}
		}
		for _, b := range mine {
			b.AccountName, b.Kind, b.IBAN = a.Name, a.Kind, a.IBAN
			out = append(out, b)
		}
	}
	return out, nil
}

// PaymentCSVHeader heads the CSV form of treasury movements.
var PaymentCSVHeader = []string{"number", "date", "direction", "account", "amount", "signed_amount", "currency", "balance",
	"invoice", "invoice_type", "client", "method", "method_title", "order", "connection", "store_payment_id", "reverses", "reversed_by", "notes"}

// WritePaymentsCSV writes payments as CSV under PaymentCSVHeader, one row each in the order
// given, with the running balance of each account and currency after it (so a list of one
// account's movements ends on its balance). Amounts are exact decimal strings and dates RFC 3339
// in UTC; text a spreadsheet would run as a formula is made safe.
func WritePaymentsCSV(w io.Writer, ps []Payment) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(PaymentCSVHeader); err != nil {
		return err
	}
	running := map[string]decimal.Decimal{}
	for _, p := range ps {
		key := fmt.Sprint(p.AccountID, "/", p.Currency)
		running[key] = running[key].Add(p.Signed())
		if err := cw.Write(SpreadsheetSafeRow(PaymentCSVRow(p, running[key]))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// PaymentCSVRow is a payment's row under PaymentCSVHeader, with its account's balance after it.
func PaymentCSVRow(p Payment, balance decimal.Decimal) []string {
	return []string{p.Number, p.Date.UTC().Format(time.RFC3339), string(p.Direction), p.AccountName, p.Amount.String(),
		p.Signed().String(), p.Currency, balance.String(), p.InvoiceNumber, string(p.InvoiceType), p.ClientName, p.Method,
		p.MethodTitle, p.Source.OrderName, p.Source.Connection, p.Source.ExternalID, p.ReversesNumber, p.ReversedBy, p.Notes}
}
