package cli

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

func init() {
	Register(Command{
		Name:    "treasury list",
		Args:    "[--format table|csv|json] [--out FILE] [--bom]",
		Summary: "Show each cash and bank account with what it received, paid out and holds",
		Help: `Lists the treasury accounts (the cash box the books start with and the bank accounts added)
with the sum of their payments in each currency: received, paid out and the balance, summed
exactly from the payments.`,
		Run: runTreasuryList,
	})
	Register(Command{
		Name:    "treasury movements",
		Args:    "[--account NAME] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format table|csv|json] [--out FILE] [--bom]",
		Summary: "List the payments in and out of the accounts, oldest first, with each account's running balance",
		Help: `Lists the payments (money received for sales invoices, refunds paid out for returns, and the
reversals that correct them) of one account or all, oldest first. The balance column is the
account's balance after each payment, counted from its first payment; --from and --to only choose
which rows are shown.`,
		Run: runTreasuryMovements,
	})
	Register(Command{
		Name:    "treasury add",
		Args:    "--name NAME [--iban IBAN] [--cash]",
		Summary: "Add a bank account (or, with --cash, a cash box) to the treasury",
		Run:     runTreasuryAdd,
	})
	Register(Command{
		Name:    "treasury edit",
		Args:    "NAME [--name NEW] [--iban IBAN]",
		Summary: "Rename a treasury account or change its IBAN (--iban '' removes it)",
		Run:     runTreasuryEdit,
	})
	Register(Command{
		Name:    "treasury methods",
		Args:    "[--connection NAME] [--format table|json]",
		Summary: "List the payment methods each store has used and the account each pays into",
		Run:     runTreasuryMethods,
	})
	Register(Command{
		Name:    "treasury map",
		Args:    "--connection NAME --method METHOD --account NAME|default",
		Summary: "Choose the account a store's payment method pays into from now on",
		Help: `Payments a store reports from now on for the method go into the account; "default" sends them
to the cash box again. Payments already recorded keep their account.`,
		Run: runTreasuryMap,
	})
	Register(Command{
		Name:    "treasury reverse",
		Args:    "NUMBER [--note TEXT]",
		Summary: "Correct a payment with a reversing payment of the same amount the other way",
		Help: `Issued payments are never changed or deleted: a mistaken one is corrected by a new payment
that reverses it (dated now), and the two cancel out in the account and on the invoice.`,
		Run: runTreasuryReverse,
	})
	readOnlyCommands["treasury list"], readOnlyCommands["treasury movements"], readOnlyCommands["treasury methods"] = true, true, true
}

type balanceJSON struct {
	Account  string `json:"account"`
	Kind     string `json:"kind"`
	IBAN     string `json:"iban,omitempty"`
	Currency string `json:"currency,omitempty"`
	In       string `json:"received"`
	Out      string `json:"paid_out"`
	Balance  string `json:"balance"`
	Payments int    `json:"payments"`
}

func runTreasuryList(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("treasury list", flag.ContinueOnError)
	var o exportFlags
	o.define(fs, "table", "csv", "json")
	db, err := flagsThenBooks(ctx, env, fs, args, o.check)
	if err != nil {
		return err
	}
	balances, err := db.TreasuryBalances(ctx)
	if err != nil {
		return fmt.Errorf("treasury balances: %w", err)
	}
	return writeOutput(env, o.out, func(w io.Writer) error {
		switch o.format {
		case "json":
			out := []balanceJSON{}
			for _, b := range balances {
				out = append(out, balanceJSON{Account: b.AccountName, Kind: string(b.Kind), IBAN: b.IBAN, Currency: b.Currency,
					In: b.In.String(), Out: b.Out.String(), Balance: b.Balance.String(), Payments: b.Count})
			}
			return writeJSON(w, out)
		case "csv":
			var rows [][]string
			for _, b := range balances {
				rows = append(rows, []string{b.AccountName, string(b.Kind), b.IBAN, b.Currency, b.In.String(), b.Out.String(),
					b.Balance.String(), strconv.Itoa(b.Count)})
			}
			return writeCSV(w, o.bom, []string{"account", "kind", "iban", "currency", "received", "paid_out", "balance", "payments"}, rows)
		default:
			t := newTable(w, "ACCOUNT", "KIND", "IBAN", "RECEIVED", "PAID OUT", "BALANCE", "CURRENCY", "PAYMENTS")
			for _, b := range balances {
				t.row(b.AccountName, string(b.Kind), b.IBAN, amount(b.In), amount(b.Out), amount(b.Balance), b.Currency, strconv.Itoa(b.Count))
			}
			return t.flush()
		}
	})
}

type movementJSON struct {
	Number      string `json:"number"`
	Date        string `json:"date"`
	Direction   string `json:"direction"`
	Account     string `json:"account"`
	Amount      string `json:"amount"`
	Currency    string `json:"currency"`
	Balance     string `json:"balance"`
	Invoice     string `json:"invoice"`
	Client      string `json:"client"`
	Method      string `json:"method,omitempty"`
	MethodTitle string `json:"method_title,omitempty"`
	Order       string `json:"order,omitempty"`
	Connection  string `json:"connection,omitempty"`
	Reverses    string `json:"reverses,omitempty"`
	ReversedBy  string `json:"reversed_by,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

func runTreasuryMovements(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("treasury movements", flag.ContinueOnError)
	account := fs.String("account", "", "only the account named `NAME`")
	from := fs.String("from", "", "show payments from this day (`YYYY-MM-DD`)")
	to := fs.String("to", "", "show payments up to this day (`YYYY-MM-DD`)")
	var o exportFlags
	o.define(fs, "table", "csv", "json")
	db, err := flagsThenBooks(ctx, env, fs, args, o.check)
	if err != nil {
		return err
	}
	var f storage.PaymentFilter
	if name := strings.TrimSpace(*account); name != "" {
		a, err := findAccount(ctx, db, name)
		if err != nil {
			return err
		}
		f.AccountID = a.ID
	}
	var first, last time.Time
	if *from != "" {
		if first, err = env.parseDay("from", *from); err != nil {
			return err
		}
	}
	if *to != "" {
		if last, err = env.parseDay("to", *to); err != nil {
			return err
		}
		last = last.AddDate(0, 0, 1).Add(-time.Second)
	}
	all, err := db.Payments(ctx, f)
	if err != nil {
		return fmt.Errorf("treasury movements: %w", err)
	}
	// Running balances count every payment; the period only chooses the rows.
	running := map[string]decimal.Decimal{}
	var shown []storage.Payment
	var after []decimal.Decimal
	for _, p := range all {
		key := fmt.Sprint(p.AccountID, "/", p.Currency)
		running[key] = running[key].Add(p.Signed())
		if (!first.IsZero() && p.Date.Before(first)) || (!last.IsZero() && p.Date.After(last)) {
			continue
		}
		shown = append(shown, p)
		after = append(after, running[key])
	}
	return writeOutput(env, o.out, func(w io.Writer) error {
		switch o.format {
		case "json":
			out := []movementJSON{}
			for i, p := range shown {
				out = append(out, movementJSON{Number: p.Number, Date: p.Date.UTC().Format(time.RFC3339), Direction: string(p.Direction),
					Account: p.AccountName, Amount: p.Signed().String(), Currency: p.Currency, Balance: after[i].String(), Invoice: p.InvoiceNumber,
					Client: p.ClientName, Method: p.Method, MethodTitle: p.MethodTitle, Order: p.Source.OrderName,
					Connection: p.Source.Connection, Reverses: p.ReversesNumber, ReversedBy: p.ReversedBy, Notes: p.Notes})
			}
			return writeJSON(w, out)
		case "csv":
			if o.bom {
				if _, err := io.WriteString(w, utf8BOM); err != nil {
					return err
				}
			}
			if first.IsZero() && last.IsZero() {
				return storage.WritePaymentsCSV(w, shown)
			}
			// The CSV form counts its balance from the rows it is given: a period's rows carry the
			// balance counted from the account's first payment, as the table does.
			var rows [][]string
			for i, p := range shown {
				rows = append(rows, storage.PaymentCSVRow(p, after[i]))
			}
			return writeCSV(w, false, storage.PaymentCSVHeader, rows)
		default:
			t := newTable(w, "NUMBER", "DATE", "ACCOUNT", "INVOICE", "CLIENT", "METHOD", "AMOUNT", "BALANCE", "CURRENCY")
			for i, p := range shown {
				number := p.Number
				if p.ReversesNumber != "" {
					number += " (reverses " + p.ReversesNumber + ")"
				} else if p.ReversedBy != "" {
					number += " (reversed)"
				}
				t.row(number, env.localTime(p.Date), p.AccountName, p.InvoiceNumber, p.ClientName, p.Method, amount(p.Signed()),
					amount(after[i]), p.Currency)
			}
			return t.flush()
		}
	})
}

func findAccount(ctx context.Context, db *storage.DB, name string) (storage.TreasuryAccount, error) {
	var a storage.TreasuryAccount
	err := db.View(ctx, func(tx *storage.Tx) error {
		var err error
		a, err = tx.TreasuryAccountByName(name)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return a, fmt.Errorf("no treasury account is named %q (see mizan treasury list)", name)
	}
	return a, err
}

func runTreasuryAdd(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("treasury add", flag.ContinueOnError)
	name := fs.String("name", "", "the account's `NAME`")
	iban := fs.String("iban", "", "the bank account's `IBAN` (optional)")
	cash := fs.Bool("cash", false, "a cash box rather than a bank account")
	db, err := flagsThenBooks(ctx, env, fs, args, func() error {
		if strings.TrimSpace(*name) == "" {
			return Usagef("--name is required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	a := storage.TreasuryAccount{Name: *name, IBAN: *iban, Kind: storage.AccountBank}
	if *cash {
		a.Kind = storage.AccountCash
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		a, err = tx.CreateTreasuryAccount(a)
		return err
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "Added %s account %q\n", a.Kind, a.Name)
	return err
}

func runTreasuryEdit(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("treasury edit", flag.ContinueOnError)
	name := fs.String("name", "", "the account's new `NAME`")
	iban := fs.String("iban", "", "the account's `IBAN` ('' removes it)")
	set := map[string]bool{}
	pos, db, err := argsThenBooks(ctx, env, fs, args, oneArg("give the name of one account to edit"), func() error {
		if set = flagsGiven(fs); !set["name"] && !set["iban"] {
			return Usagef("nothing to change: give --name or --iban")
		}
		return nil
	})
	if err != nil {
		return err
	}
	a, err := findAccount(ctx, db, pos[0])
	if err != nil {
		return err
	}
	if set["name"] {
		a.Name = *name
	}
	if set["iban"] {
		a.IBAN = *iban
	}
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		a, err = tx.UpdateTreasuryAccount(a)
		return err
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "Saved account %q\n", a.Name)
	return err
}

// connectionID finds a store connection by its name.
func connectionID(ctx context.Context, db *storage.DB, name string) (int64, error) {
	var id int64
	err := db.View(ctx, func(tx *storage.Tx) error {
		return tx.QueryRow(`SELECT id FROM connections WHERE name = ?`, strings.TrimSpace(name)).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("no store connection is named %q (see mizan connections list)", name)
	}
	return id, err
}

type methodJSON struct {
	Connection string `json:"connection"`
	Method     string `json:"method"`
	Title      string `json:"title,omitempty"`
	Account    string `json:"account"`
	Chosen     bool   `json:"chosen"`
}

func runTreasuryMethods(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("treasury methods", flag.ContinueOnError)
	connection := fs.String("connection", "", "only the store connection named `NAME`")
	format := defineChoice(fs, "format", "output format: table, json", "table", "json")
	db, err := flagsThenBooks(ctx, env, fs, args, format.check)
	if err != nil {
		return err
	}
	type conn struct {
		id   int64
		name string
	}
	var conns []conn
	if name := strings.TrimSpace(*connection); name != "" {
		id, err := connectionID(ctx, db, name)
		if err != nil {
			return err
		}
		conns = append(conns, conn{id, name})
	} else {
		err := db.View(ctx, func(tx *storage.Tx) error {
			rows, err := tx.Query(`SELECT id, name FROM connections ORDER BY name`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var c conn
				if err := rows.Scan(&c.id, &c.name); err != nil {
					return err
				}
				conns = append(conns, c)
			}
			return rows.Err()
		})
		if err != nil {
			return fmt.Errorf("list the connections: %w", err)
		}
	}
	out := []methodJSON{}
	for _, c := range conns {
		ms, err := db.PaymentMethods(ctx, c.id)
		if err != nil {
			return fmt.Errorf("payment methods of %s: %w", c.name, err)
		}
		for _, m := range ms {
			out = append(out, methodJSON{Connection: c.name, Method: m.Method, Title: m.Title, Account: m.AccountName, Chosen: m.AccountID != 0})
		}
	}
	return writeOutput(env, "", func(w io.Writer) error {
		if format.value == "json" {
			return writeJSON(w, out)
		}
		t := newTable(w, "CONNECTION", "METHOD", "TITLE", "ACCOUNT")
		for _, m := range out {
			acc := m.Account
			if !m.Chosen {
				acc += " (default)"
			}
			t.row(m.Connection, m.Method, m.Title, acc)
		}
		return t.flush()
	})
}

func runTreasuryMap(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("treasury map", flag.ContinueOnError)
	connection := fs.String("connection", "", "the store connection `NAME`")
	method := fs.String("method", "", "the store's name for the payment `METHOD` (see mizan treasury methods)")
	account := fs.String("account", "", "the account `NAME`, or default for the cash box")
	db, err := flagsThenBooks(ctx, env, fs, args, func() error {
		if strings.TrimSpace(*connection) == "" || strings.TrimSpace(*method) == "" || strings.TrimSpace(*account) == "" {
			return Usagef("--connection, --method and --account are required")
		}
		return nil
	})
	if err != nil {
		return err
	}
	connID, err := connectionID(ctx, db, *connection)
	if err != nil {
		return err
	}
	var accountID int64
	if strings.TrimSpace(*account) != "default" {
		a, err := findAccount(ctx, db, *account)
		if err != nil {
			return err
		}
		accountID = a.ID
	}
	if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.MapPaymentMethod(connID, *method, accountID) }); err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "Payments by %s in %s now go to %s\n", strings.TrimSpace(*method), strings.TrimSpace(*connection), strings.TrimSpace(*account))
	return err
}

func runTreasuryReverse(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("treasury reverse", flag.ContinueOnError)
	note := fs.String("note", "", "why the payment is reversed")
	pos, db, err := argsThenBooks(ctx, env, fs, args, oneArg("give the number of one payment to reverse"))
	if err != nil {
		return err
	}
	p, err := db.PaymentByNumber(ctx, pos[0])
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("no payment is numbered %q (see mizan treasury movements)", pos[0])
	} else if err != nil {
		return err
	}
	var rev storage.Payment
	err = db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		rev, err = tx.ReversePayment(p.ID, time.Time{}, *note)
		return err
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "Payment %s reverses %s: %s %s %s %s\n", rev.Number, p.Number, rev.Direction, amount(rev.Amount), rev.Currency, rev.AccountName)
	return err
}
