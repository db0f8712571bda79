package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestIssueSalesInvoiceTotals(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "10")
	tests := []struct {
		name      string
		inclusive bool
		wantLine  []string
		subtotal  string
		tax       string
		total     string
	}{
		// 2 × 32.00 − 4.00 = 60.00 (+9.00 tax); 3 × 12.50 = 37.50 (+5.625 tax); shipping 15 (+2.25); COD fee 5.
		{"tax exclusive", false, []string{"69", "43.125"}, "97.5", "16.875", "124.375"},
		{"tax inclusive", true, []string{"60", "37.5"}, "97.5", "16.875", "107.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := f.sale(
				InvoiceLine{ProductID: f.coffee.ID, Quantity: d("2"), UnitPrice: d("32.00"), Discount: d("4.00"), Tax: d("9.00")},
				InvoiceLine{ProductID: f.tea.ID, Quantity: d("3"), UnitPrice: d("12.50"), Tax: d("5.625")},
			)
			inv.TaxInclusive = tc.inclusive
			inv.Discount = d("10")
			inv.Charges = []Charge{{Kind: ChargeShipping, Description: "Aramex", Amount: d("15"), Tax: d("2.25")},
				{Kind: ChargeFee, Description: "Cash on delivery", Amount: d("5")}}
			inv.Source = Source{Connection: "My Shopify", Platform: "shopify", ExternalID: "gid://shopify/Order/1", OrderName: "#1001"}
			got := f.issue(t, inv)
			back, err := f.db.Invoice(ctx, got.ID)
			must(t, err)
			for i, want := range tc.wantLine {
				if back.Lines[i].Total.String() != want {
					t.Errorf("line %d total %s, want %s", i+1, back.Lines[i].Total, want)
				}
			}
			if back.Subtotal.String() != tc.subtotal || back.Tax.String() != tc.tax || back.Total.String() != tc.total ||
				back.Shipping.String() != "15" || back.OtherCharges.String() != "5" || back.Discount.String() != "10" {
				t.Errorf("totals: subtotal %s tax %s total %s shipping %s other %s", back.Subtotal, back.Tax, back.Total, back.Shipping, back.OtherCharges)
			}
			if back.Source != inv.Source || back.Client.Name != DefaultClientName || back.BranchName != DefaultBranchName ||
				back.Lines[0].Description != "قهوة عربية 250g" || back.Lines[0].ProductCode != "COF-250" || len(back.Charges) != 2 {
				t.Errorf("read back: %+v", back)
			}
		})
	}
	if got := f.level(t, f.coffee); got != "6" {
		t.Fatalf("coffee level %s after selling 4, want 6", got)
	}
	if got := f.level(t, f.tea); got != "-6" { // sold with nothing booked in: the books show what is missing
		t.Fatalf("tea level %s, want -6", got)
	}
}

func TestIssueSalesInvoiceRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	line := func() InvoiceLine { return InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("10")} }
	tests := []struct {
		name string
		edit func(*Invoice)
		want string
	}{
		{"no lines", func(i *Invoice) { i.Lines = nil }, "at least one line"},
		{"zero quantity", func(i *Invoice) { i.Lines[0].Quantity = d("0") }, "more than zero"},
		{"negative price", func(i *Invoice) { i.Lines[0].UnitPrice = d("-1") }, "unit price -1 is negative"},
		{"discount over line", func(i *Invoice) { i.Lines[0].Discount = d("10.01") }, "more than the line's"},
		{"negative tax", func(i *Invoice) { i.Lines[0].Tax = d("-0.5") }, "tax -0.5 is negative"},
		{"unknown product", func(i *Invoice) { i.Lines[0].ProductID = 404 }, "product 404 does not exist"},
		{"free line without description", func(i *Invoice) { i.Lines[0].ProductID = 0 }, "needs a description"},
		{"bad currency", func(i *Invoice) { i.Currency = "riyal" }, "three-letter code"},
		{"unknown client", func(i *Invoice) { i.ClientID = 404 }, "client 404 does not exist"},
		{"unknown branch", func(i *Invoice) { i.BranchID = 404 }, "branch 404 does not exist"},
		{"unknown warehouse", func(i *Invoice) { i.WarehouseID = 404 }, "warehouse 404 does not exist"},
		{"discount over total", func(i *Invoice) { i.Discount = d("10.01") }, "more than the invoice is worth"},
		{"negative discount", func(i *Invoice) { i.Discount = d("-1") }, "negative"},
		{"bad charge kind", func(i *Invoice) { i.Charges = []Charge{{Kind: "tip", Amount: d("1")}} }, "shipping, fee or other"},
		{"negative shipping", func(i *Invoice) { i.Charges = []Charge{{Kind: ChargeShipping, Amount: d("-1")}} }, "cannot be negative"},
		{"names an original", func(i *Invoice) { i.OriginalID = 1 }, "cannot return against"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := f.sale(line())
			tc.edit(&inv)
			err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.IssueSalesInvoice(inv); return err })
			if err == nil || !strings.Contains(err.Error(), tc.want) || !IsValidation(err) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if n := count(t, f.db, "invoices") + count(t, f.db, "invoice_lines") + count(t, f.db, "stock_movements") + count(t, f.db, "number_sequences"); n != 0 {
		t.Fatalf("refused invoices left %d rows behind", n)
	}
	// The next good invoice still gets number 1.
	if got := f.issue(t, f.sale(line())); got.Number != "MAIN-INV-000001" {
		t.Fatalf("first number %s", got.Number)
	}
}

func TestInterruptedInvoiceLeavesNothing(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "10")
	inv := f.sale(
		InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")},
		InvoiceLine{ProductID: f.tea.ID, Quantity: d("2"), UnitPrice: d("12.5")},
		InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")},
	)
	before := snapshotCounts(t, f.db)

	t.Run("error half-way", func(t *testing.T) {
		testHookAfterLine = func(line int) error {
			if line == 2 {
				return errors.New("power cut")
			}
			return nil
		}
		defer func() { testHookAfterLine = nil }()
		err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.IssueSalesInvoice(inv); return err })
		if err == nil || !strings.Contains(err.Error(), "power cut") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("context cancelled half-way", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		testHookAfterLine = func(line int) error {
			if line == 2 {
				cancel()
			}
			return nil
		}
		defer func() { testHookAfterLine = nil }()
		err := f.db.Update(cctx, func(tx *Tx) error { _, err := tx.IssueSalesInvoice(inv); return err })
		if err == nil {
			t.Fatal("a cancelled transaction committed")
		}
	})
	t.Run("panic half-way", func(t *testing.T) {
		testHookAfterLine = func(line int) error {
			if line == 2 {
				panic("bug")
			}
			return nil
		}
		defer func() { testHookAfterLine = nil; recover() }()
		f.db.Update(ctx, func(tx *Tx) error { _, err := tx.IssueSalesInvoice(inv); return err })
	})
	if after := snapshotCounts(t, f.db); after != before {
		t.Fatalf("rows before %v, after %v", before, after)
	}
	if got := f.level(t, f.coffee); got != "10" {
		t.Fatalf("coffee %s after interrupted invoices, want 10", got)
	}
	if got := f.issue(t, inv); got.Number != "MAIN-INV-000001" {
		t.Fatalf("number after interruptions: %s", got.Number)
	}
}

func snapshotCounts(t testing.TB, db *DB) string {
	var parts []string
	for _, table := range []string{"invoices", "invoice_lines", "invoice_charges", "stock_movements", "stock_levels", "number_sequences"} {
		parts = append(parts, fmt.Sprintf("%s=%d", table, count(t, db, table)))
	}
	var seqs string
	db.SQL().QueryRow(`SELECT COALESCE(group_concat(last), '') FROM number_sequences`).Scan(&seqs)
	return strings.Join(parts, " ") + " seq=" + seqs
}

func TestConcurrentNumbering(t *testing.T) {
	f := newFixture(t)
	var second int64
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		b, err := tx.CreateBranch("JED", "Jeddah branch")
		second = b.ID
		return err
	}))
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				inv := f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")})
				if w%2 == 1 {
					inv.BranchID = second
				}
				if i%5 == 4 { // some fail half-way and must give their number back
					inv.Lines = append(inv.Lines, InvoiceLine{ProductID: 999, Quantity: d("1")})
				}
				err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.IssueSalesInvoice(inv); return err })
				if err != nil && !IsValidation(err) {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rows, err := f.db.SQL().Query(`SELECT branch_id, seq, number FROM invoices ORDER BY branch_id, seq`)
	must(t, err)
	defer rows.Close()
	next := map[int64]int64{}
	seen := map[string]bool{}
	for rows.Next() {
		var b, seq int64
		var num string
		must(t, rows.Scan(&b, &seq, &num))
		next[b]++
		if seq != next[b] || seen[num] {
			t.Fatalf("branch %d: number %s (seq %d) after %d: gap or duplicate", b, num, seq, next[b]-1)
		}
		seen[num] = true
	}
	want := int64(workers / 2 * each * 4 / 5)
	if next[f.branch] != want || next[second] != want {
		t.Fatalf("issued %v, want %d per branch", next, want)
	}
	if !seen["JED-INV-000080"] || !seen["MAIN-INV-000080"] {
		t.Fatalf("numbers: %v", seen)
	}
}

func TestReturnInvoices(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "10")
	sale := f.sale(
		InvoiceLine{ProductID: f.coffee.ID, Quantity: d("3"), UnitPrice: d("32"), Tax: d("14.40")},
		InvoiceLine{ProductID: f.tea.ID, Quantity: d("1"), UnitPrice: d("12.5"), Tax: d("1.875")},
	)
	sale.Charges = []Charge{{Kind: ChargeShipping, Amount: d("20"), Tax: d("3")}}
	orig := f.issue(t, sale) // total 96 + 12.5 + 20 + 19.275 = 147.775

	ret := func(lines ...InvoiceLine) error {
		return f.db.Update(ctx, func(tx *Tx) error {
			_, err := tx.IssueReturnInvoice(Invoice{OriginalID: orig.ID, Lines: lines})
			return err
		})
	}
	// Partial return of 2 coffees, restocked.
	var r1 Invoice
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		r1, err = tx.IssueReturnInvoice(Invoice{OriginalID: orig.ID, Lines: []InvoiceLine{
			{ProductID: f.coffee.ID, Quantity: d("2"), UnitPrice: d("32"), Tax: d("9.60"), Restock: true}}})
		return err
	}))
	if r1.Number != "MAIN-RET-000001" || r1.Total.String() != "73.6" || r1.OriginalNumber != orig.Number || r1.Currency != "SAR" {
		t.Fatalf("return: %+v", r1)
	}
	if got := f.level(t, f.coffee); got != "9" {
		t.Fatalf("coffee after selling 3 and restocking 2: %s", got)
	}
	// A returned tea that is not restocked (damaged) moves nothing.
	must(t, ret(InvoiceLine{ProductID: f.tea.ID, Quantity: d("1"), UnitPrice: d("12.5"), Restock: false}))
	if got := f.level(t, f.tea); got != "-1" {
		t.Fatalf("tea after unrestocked return: %s", got)
	}
	// An amount-only refund: no product, no movement.
	moves := count(t, f.db, "stock_movements")
	must(t, ret(InvoiceLine{Description: "Goodwill refund", Quantity: d("1"), UnitPrice: d("5")}))
	if count(t, f.db, "stock_movements") != moves {
		t.Fatal("amount-only refund moved stock")
	}
	// Shipping refunded on its own: a return of charges only, with their VAT, and no line.
	var ship Invoice
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		var err error
		ship, err = tx.IssueReturnInvoice(Invoice{OriginalID: orig.ID, Charges: []Charge{{Kind: ChargeShipping, Amount: d("20"), Tax: d("3")}}})
		return err
	}))
	if ship.Total.String() != "23" || ship.Shipping.String() != "20" || ship.Tax.String() != "3" || len(ship.Lines) != 0 {
		t.Fatalf("shipping-only return: %+v", ship)
	}
	if count(t, f.db, "stock_movements") != moves {
		t.Fatal("shipping-only refund moved stock")
	}

	bad := []struct {
		name string
		inv  Invoice
		want string
	}{
		{"more than sold", Invoice{OriginalID: orig.ID, Lines: []InvoiceLine{{ProductID: f.coffee.ID, Quantity: d("2"), UnitPrice: d("32"), Restock: true}}},
			"sold 3 of \"COF-250\" and 2 already came back, so 2 cannot be returned"},
		{"more than sold across lines", Invoice{OriginalID: orig.ID, Lines: []InvoiceLine{
			{ProductID: f.coffee.ID, Quantity: d("0.5"), UnitPrice: d("1")}, {ProductID: f.coffee.ID, Quantity: d("0.6"), UnitPrice: d("1")}}}, "cannot be returned"},
		{"a product not sold", Invoice{OriginalID: orig.ID, Lines: []InvoiceLine{{ProductID: f.tea.ID + 100, Quantity: d("1")}}}, "does not exist"},
		{"more money than the invoice", Invoice{OriginalID: orig.ID, Lines: []InvoiceLine{{Description: "refund", Quantity: d("1"), UnitPrice: d("60")}}},
			"more than " + orig.Number},
		{"no original", Invoice{Lines: []InvoiceLine{{Description: "x", Quantity: d("1")}}}, "must name the sales invoice"},
		{"unknown original", Invoice{OriginalID: 999, Lines: []InvoiceLine{{Description: "x", Quantity: d("1")}}}, "invoice 999 does not exist"},
		{"other currency", Invoice{OriginalID: orig.ID, Currency: "USD", Lines: []InvoiceLine{{Description: "x", Quantity: d("1")}}}, "is in SAR"},
		{"against a return", Invoice{OriginalID: r1.ID, Lines: []InvoiceLine{{Description: "x", Quantity: d("1")}}}, "is a return invoice"},
		{"nothing returned", Invoice{OriginalID: orig.ID}, "at least one line or charge"},
	}
	before := snapshotCounts(t, f.db)
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := f.db.Update(ctx, func(tx *Tx) error { _, err := tx.IssueReturnInvoice(tc.inv); return err })
			if err == nil || !strings.Contains(err.Error(), tc.want) || !IsValidation(err) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if after := snapshotCounts(t, f.db); after != before {
		t.Fatalf("refused returns changed the books: %s → %s", before, after)
	}
	returns, err := f.db.ReturnsOf(ctx, orig.ID)
	must(t, err)
	if len(returns) != 4 || returns[3].Number != "MAIN-RET-000004" {
		t.Fatalf("returns of %s: %d", orig.Number, len(returns))
	}
	if _, err := f.db.SQL().Exec(`DELETE FROM invoices WHERE id = ?`, orig.ID); err == nil {
		t.Fatal("an issued invoice was deleted")
	}
}

func TestInvoiceListing(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 5; i++ {
		inv := f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")})
		inv.IssueDate = inv.IssueDate.AddDate(0, 0, i)
		if i%2 == 0 {
			inv.Source = Source{Connection: "Zid store", Platform: "zid", ExternalID: fmt.Sprint(100 + i), OrderName: fmt.Sprint("#", 100+i)}
		}
		f.issue(t, inv)
	}
	tests := []struct {
		name string
		f    InvoiceFilter
		want int
	}{
		{"all", InvoiceFilter{}, 5},
		{"by order name", InvoiceFilter{Search: "#102"}, 1},
		{"by number part", InvoiceFilter{Search: "INV-00000"}, 5},
		{"by client", InvoiceFilter{Search: "Walk-in"}, 5},
		{"like chars are literal", InvoiceFilter{Search: "%"}, 0},
		{"connection", InvoiceFilter{Connection: "Zid store"}, 3},
		{"type", InvoiceFilter{Type: ReturnInvoice}, 0},
		{"date range", InvoiceFilter{From: f.sale().IssueDate.AddDate(0, 0, 1), To: f.sale().IssueDate.AddDate(0, 0, 3)}, 3},
		{"limit", InvoiceFilter{Limit: 2}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.db.Invoices(ctx, tc.f)
			must(t, err)
			n, err := f.db.CountInvoices(ctx, tc.f)
			must(t, err)
			if len(got) != tc.want || (tc.f.Limit == 0 && n != tc.want) {
				t.Fatalf("%d listed, %d counted, want %d", len(got), n, tc.want)
			}
		})
	}
	all, err := f.db.Invoices(ctx, InvoiceFilter{})
	must(t, err)
	if all[0].Number != "MAIN-INV-000005" {
		t.Fatalf("newest first: %s", all[0].Number)
	}
	full, err := f.db.FullInvoices(ctx, InvoiceFilter{})
	must(t, err)
	if len(full) != 5 || len(full[0].Lines) != 1 || full[0].Number != "MAIN-INV-000001" {
		t.Fatalf("full: %d", len(full))
	}
	if _, err := f.db.InvoiceByNumber(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown number: %v", err)
	}
}

// TestNumbersGivenBack: a transaction counts its invoice and payment numbers in memory, and a
// savepoint undone gives back the numbers given inside it, nested or not, so the numbers that stay
// have no gaps and the counters the transaction writes as it commits are the last numbers kept.
func TestNumbersGivenBack(t *testing.T) {
	f := newFixture(t)
	f.inbound(t, f.coffee, "100")
	sale := f.sale(InvoiceLine{ProductID: f.coffee.ID, Quantity: d("1"), UnitPrice: d("32")})
	refused := errors.New("refused")
	var got []string
	issue := func(tx *Tx) (Invoice, error) {
		inv, err := tx.IssueSalesInvoice(sale)
		if err == nil {
			got = append(got, inv.Number)
		}
		return inv, err
	}
	pay := func(tx *Tx, inv Invoice) error {
		p, err := tx.RecordPayment(Payment{Direction: PaymentIn, AccountID: DefaultAccountID, InvoiceID: inv.ID, Amount: d("1")})
		if err == nil {
			got = append(got, p.Number)
		}
		return err
	}
	must(t, f.db.Update(ctx, func(tx *Tx) error {
		inv, err := issue(tx) // INV-1
		if err != nil {
			return err
		}
		if err := pay(tx, inv); err != nil { // REC-1
			return err
		}
		// An order refused after its invoice and payment: both numbers come back.
		if err := tx.Savepoint(func() error {
			inv, err := issue(tx)
			if err != nil {
				return err
			}
			if err := pay(tx, inv); err != nil {
				return err
			}
			return refused
		}); !errors.Is(err, refused) {
			return fmt.Errorf("savepoint: %v", err)
		}
		got = got[:2]
		// A payment refused inside an order that is kept: only its number comes back.
		if err := tx.Savepoint(func() error {
			inv, err := issue(tx) // INV-2
			if err != nil {
				return err
			}
			if err := tx.Savepoint(func() error {
				if err := pay(tx, inv); err != nil {
					return err
				}
				got = got[:len(got)-1]
				return refused
			}); !errors.Is(err, refused) {
				return fmt.Errorf("inner savepoint: %v", err)
			}
			return pay(tx, inv) // REC-2
		}); err != nil {
			return err
		}
		// A refused invoice that gave no number on its way gives nothing back it did not take.
		if _, err := tx.IssueSalesInvoice(f.sale()); err == nil {
			return errors.New("an invoice without lines was issued")
		}
		_, err = issue(tx) // INV-3
		return err
	}))
	want := []string{"MAIN-INV-000001", "MAIN-REC-000001", "MAIN-INV-000002", "MAIN-REC-000002", "MAIN-INV-000003"}
	if !slices.Equal(got, want) {
		t.Fatalf("numbers %v, want %v", got, want)
	}
	var seqs string
	must(t, f.db.SQL().QueryRow(`SELECT group_concat(doc_type || '=' || last, ' ') FROM (SELECT * FROM number_sequences ORDER BY doc_type)`).Scan(&seqs))
	if seqs != "payment_in=2 sales=3" {
		t.Fatalf("counters %q after the transaction", seqs)
	}
	// The next transaction reads the counters the last one wrote; one that fails writes none.
	f.db.Update(ctx, func(tx *Tx) error { issue(tx); return refused })
	if inv := f.issue(t, sale); inv.Number != "MAIN-INV-000004" {
		t.Fatalf("next invoice %s, want MAIN-INV-000004", inv.Number)
	}
}
