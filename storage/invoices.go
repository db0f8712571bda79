package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// ComputeTotals fills each line's total and the invoice's subtotal, shipping, other charges, tax
// and total from its parts. Nothing is rounded: the parts are the store's or the user's amounts.
//
//	line total = quantity × unit price − line discount (+ line tax unless tax-inclusive)
//	subtotal   = Σ (quantity × unit price − line discount)
//	total      = subtotal − order discount + shipping + other charges (+ tax unless tax-inclusive)
func (inv *Invoice) ComputeTotals() {
	inv.Subtotal, inv.Shipping, inv.OtherCharges, inv.Tax = decimal.Zero, decimal.Zero, decimal.Zero, decimal.Zero
	for i := range inv.Lines {
		l := &inv.Lines[i]
		net := l.Quantity.Mul(l.UnitPrice).Sub(l.Discount)
		l.Total = net
		if !inv.TaxInclusive {
			l.Total = net.Add(l.Tax)
		}
		inv.Subtotal = inv.Subtotal.Add(net)
		inv.Tax = inv.Tax.Add(l.Tax)
	}
	for _, c := range inv.Charges {
		if c.Kind == ChargeShipping {
			inv.Shipping = inv.Shipping.Add(c.Amount)
		} else {
			inv.OtherCharges = inv.OtherCharges.Add(c.Amount)
		}
		inv.Tax = inv.Tax.Add(c.Tax)
	}
	inv.Total = inv.Subtotal.Sub(inv.Discount).Add(inv.Shipping).Add(inv.OtherCharges)
	if !inv.TaxInclusive {
		inv.Total = inv.Total.Add(inv.Tax)
	}
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// invoiceRefused is a refusal of an invoice as a whole: "sales invoice: …" around why.
func invoiceRefused(kind InvoiceType, why *ValidationError) error {
	if kind == ReturnInvoice {
		return refuse("return_invoice_refused", why)
	}
	return refuse("sales_invoice_refused", why)
}

// lineRefused is a refusal of an invoice's line (numbered from 1): "sales invoice line 2: …"
// around why, so a window says both in its language.
func lineRefused(kind InvoiceType, line int, why *ValidationError) error {
	if kind == ReturnInvoice {
		return refuse("return_line_refused", line, why)
	}
	return refuse("sales_line_refused", line, why)
}

// chargeRefused is a refusal of an invoice's charge (numbered from 1), as lineRefused.
func chargeRefused(kind InvoiceType, charge int, why *ValidationError) error {
	if kind == ReturnInvoice {
		return refuse("return_charge_refused", charge, why)
	}
	return refuse("sales_charge_refused", charge, why)
}

// checkInvoice validates what both invoice kinds share and fills defaults.
func (t *Tx) checkInvoice(inv *Invoice) error {
	if _, err := t.branchOf(inv.BranchID); err != nil {
		return err
	}
	if _, err := t.warehouseOf(inv.WarehouseID); err != nil {
		return err
	}
	if _, err := t.clientOf(inv.ClientID); err != nil {
		return err
	}
	inv.Currency = strings.ToUpper(strings.TrimSpace(inv.Currency))
	if !currencyCode.MatchString(inv.Currency) {
		return invoiceRefused(inv.Type, refusal("currency_code", inv.Currency))
	}
	switch {
	case len(inv.Lines) > 0:
	case inv.Type == ReturnInvoice && len(inv.Charges) > 0:
		// An amount-only return (refunded shipping, a goodwill amount) carries its money as
		// charges and moves no stock.
	case inv.Type == ReturnInvoice:
		return invoiceRefused(inv.Type, refusal("invoice_no_lines_or_charges"))
	default:
		return invoiceRefused(inv.Type, refusal("invoice_no_lines"))
	}
	if inv.IssueDate.IsZero() {
		inv.IssueDate = t.now
	}
	for i := range inv.Lines {
		l := &inv.Lines[i]
		if err := checkInvoiceQuantity(l.Quantity, inv.Type, i+1); err != nil {
			return err
		}
		switch {
		case l.UnitPrice.IsNegative():
			return lineRefused(inv.Type, i+1, refusal("unit_price_negative", l.UnitPrice))
		case l.Discount.IsNegative():
			return lineRefused(inv.Type, i+1, refusal("discount_negative", l.Discount))
		case l.Discount.GreaterThan(l.Quantity.Mul(l.UnitPrice)):
			return lineRefused(inv.Type, i+1, refusal("line_discount_over", l.Discount, l.Quantity.Mul(l.UnitPrice)))
		case l.Tax.IsNegative():
			return lineRefused(inv.Type, i+1, refusal("tax_negative", l.Tax))
		}
		l.Description = strings.TrimSpace(l.Description)
		if l.ProductID != 0 {
			p, err := t.productOf(l.ProductID)
			if err != nil {
				var v *ValidationError
				if errors.As(err, &v) && v.Error() == err.Error() {
					return lineRefused(inv.Type, i+1, v)
				}
				return fmt.Errorf("%s invoice line %d: %w", inv.Type, i+1, err)
			}
			if l.Description == "" {
				l.Description = p.Name
			}
		} else if l.Description == "" {
			return lineRefused(inv.Type, i+1, refusal("line_description"))
		}
	}
	for i := range inv.Charges {
		c := &inv.Charges[i]
		switch c.Kind {
		case ChargeShipping, ChargeFee, ChargeOther:
		default:
			return chargeRefused(inv.Type, i+1, refusal("charge_kind", c.Kind))
		}
		if c.Amount.IsNegative() || c.Tax.IsNegative() {
			return chargeRefused(inv.Type, i+1, refusal("charge_negative", c.Amount, c.Tax))
		}
		if c.Description = strings.TrimSpace(c.Description); c.Description == "" {
			c.Description = string(c.Kind)
		}
	}
	if inv.Discount.IsNegative() {
		return invoiceRefused(inv.Type, refusal("discount_negative", inv.Discount))
	}
	inv.ComputeTotals()
	if inv.Total.IsNegative() {
		return invoiceRefused(inv.Type, refusal("invoice_discount_over", inv.Discount, inv.Total))
	}
	return nil
}

// nextInvoiceNumber advances the branch's counter for the invoice type, in the caller's transaction,
// so a rolled-back invoice gives its number back: numbers have no gaps and no duplicates.
func (t *Tx) nextInvoiceNumber(branchID int64, typ InvoiceType) (int64, string, error) {
	seq, err := t.nextSeq(branchID, string(typ))
	if err != nil {
		return 0, "", fmt.Errorf("number invoice: %w", err)
	}
	b, err := t.branchOf(branchID)
	if err != nil {
		return 0, "", err
	}
	prefix := map[InvoiceType]string{SalesInvoice: "INV", ReturnInvoice: "RET"}[typ]
	return seq, fmt.Sprintf("%s-%s-%06d", b.Code, prefix, seq), nil
}

// seqKey names a branch's counter for one kind of document (number_sequences).
type seqKey struct {
	branch int64
	doc    string
}

// seqCount is a counter as the transaction has it: the value it read and the last number it gave.
type seqCount struct{ read, last int64 }

// seqTaken is a number a transaction gave, with the counter's value before, to give it back when
// the savepoint it was given in is undone.
type seqTaken struct {
	key  seqKey
	prev int64
}

// nextSeq gives the next number of a branch's counter for a kind of document. The counter is
// read once per transaction and counted on in memory; it is written when the transaction commits
// (writeNumbers), and a savepoint undone gives back the numbers given inside it (see atomic), so
// numbers have no gaps and no duplicates. number_sequences is written only through here.
func (t *Tx) nextSeq(branchID int64, docType string) (int64, error) {
	k := seqKey{branchID, docType}
	c, ok := t.seqs[k]
	if !ok {
		err := t.QueryRow(`SELECT last FROM number_sequences WHERE branch_id = ? AND doc_type = ?`, branchID, docType).Scan(&c.read)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("read counter: %w", err)
		}
		c.last = c.read
		if t.seqs == nil {
			t.seqs = map[seqKey]seqCount{}
		}
	}
	t.seqTaken = append(t.seqTaken, seqTaken{k, c.last})
	c.last++
	t.seqs[k] = c
	return c.last, nil
}

// giveNumbersBack undoes the numbers given since mark (a length of t.seqTaken), for a savepoint undone.
func (t *Tx) giveNumbersBack(mark int) {
	for i := len(t.seqTaken) - 1; i >= mark; i-- {
		u := t.seqTaken[i]
		c := t.seqs[u.key]
		c.last = u.prev
		t.seqs[u.key] = c
	}
	t.seqTaken = t.seqTaken[:mark]
}

// writeNumbers writes the counters the transaction advanced, as it commits.
func (t *Tx) writeNumbers() error {
	for k, c := range t.seqs {
		if c.last == c.read {
			continue
		}
		if _, err := t.Exec(`INSERT INTO number_sequences(branch_id, doc_type, last) VALUES (?, ?, ?)
			ON CONFLICT(branch_id, doc_type) DO UPDATE SET last = excluded.last`, k.branch, k.doc, c.last); err != nil {
			return fmt.Errorf("write counter %s: %w", k.doc, err)
		}
	}
	t.seqs, t.seqTaken = nil, nil
	return nil
}

// testHookAfterLine, when set by a test, runs after each line is written; an error aborts the
// invoice half-way.
var testHookAfterLine func(line int) error

func (t *Tx) insertInvoice(inv *Invoice) error {
	seq, number, err := t.nextInvoiceNumber(inv.BranchID, inv.Type)
	if err != nil {
		return err
	}
	inv.Number = number
	res, err := t.Exec(`INSERT INTO invoices(type, branch_id, seq, number, client_id, warehouse_id, currency, issue_date,
		tax_inclusive, original_invoice_id, subtotal, discount, shipping, other_charges, tax, total, notes,
		source_connection, source_platform, source_external_id, source_order_name, created_at, store_doc_number, store_doc_qr)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(inv.Type), inv.BranchID, seq, number, inv.ClientID, inv.WarehouseID, inv.Currency, formatTime(inv.IssueDate),
		inv.TaxInclusive, nullIfZero(inv.OriginalID), decStr(inv.Subtotal), decStr(inv.Discount), decStr(inv.Shipping),
		decStr(inv.OtherCharges), decStr(inv.Tax), decStr(inv.Total), strings.TrimSpace(inv.Notes),
		inv.Source.Connection, inv.Source.Platform, inv.Source.ExternalID, inv.Source.OrderName, formatTime(t.now),
		strings.TrimSpace(inv.StoreDoc.Number), strings.TrimSpace(inv.StoreDoc.QR))
	if err != nil {
		return fmt.Errorf("write invoice: %w", err)
	}
	inv.ID, _ = res.LastInsertId()
	inv.CreatedAt = t.now
	t.indexInvoice(inv.ID)
	t.remember(invoiceKey(inv.ID), invoiceFacts{Type: inv.Type, Number: number, BranchID: inv.BranchID, Currency: inv.Currency}, "invoices")
	srcType, kind, sign := "sales_invoice", MoveSale, decimal.NewFromInt(-1)
	if inv.Type == ReturnInvoice {
		srcType, kind, sign = "return_invoice", MoveReturn, decimal.NewFromInt(1)
	}
	for i, l := range inv.Lines {
		restock := inv.Type == SalesInvoice || l.Restock
		if _, err := t.Exec(`INSERT INTO invoice_lines(invoice_id, position, product_id, description, quantity, unit_price,
			discount, tax, total, restock) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			inv.ID, i+1, nullIfZero(l.ProductID), l.Description, decStr(l.Quantity), decStr(l.UnitPrice),
			decStr(l.Discount), decStr(l.Tax), decStr(l.Total), restock); err != nil {
			return fmt.Errorf("write invoice line %d: %w", i+1, err)
		}
		if l.ProductID != 0 && restock {
			// Dated by the invoice's issue date, as written above (move would read it back).
			if _, err := t.moveOn(inv.IssueDate, l.ProductID, inv.WarehouseID, l.Quantity.Mul(sign), kind, srcType, inv.ID); err != nil {
				return err
			}
		}
		if testHookAfterLine != nil {
			if err := testHookAfterLine(i + 1); err != nil {
				return err
			}
		}
	}
	for i, c := range inv.Charges {
		if _, err := t.Exec(`INSERT INTO invoice_charges(invoice_id, position, kind, description, amount, tax) VALUES (?, ?, ?, ?, ?, ?)`,
			inv.ID, i+1, string(c.Kind), c.Description, decStr(c.Amount), decStr(c.Tax)); err != nil {
			return fmt.Errorf("write invoice charge %d: %w", i+1, err)
		}
	}
	return nil
}

// IssueSalesInvoice validates, numbers and writes a sales invoice, moving its products' quantities
// out of its warehouse. Stock may go below zero: the sale has happened (a store sold it), and the
// negative level shows what the books are missing.
func (t *Tx) IssueSalesInvoice(inv Invoice) (Invoice, error) {
	return atomicOp(t, func() (Invoice, error) { return t.issueSalesInvoice(inv) })
}

func (t *Tx) issueSalesInvoice(inv Invoice) (Invoice, error) {
	inv.Type = SalesInvoice
	if inv.OriginalID != 0 {
		return inv, refuse("sales_with_original")
	}
	if err := t.checkInvoice(&inv); err != nil {
		return inv, err
	}
	if err := t.insertInvoice(&inv); err != nil {
		return inv, err
	}
	return inv, nil
}

// IssueReturnInvoice validates, numbers and writes a return invoice against a sales invoice. Branch,
// warehouse, client and currency default to the original's. Each product line must be a product
// the original sold, and all returns together may not return more of it than was sold nor more
// money than the original's total. Lines with Restock move their quantity back into the warehouse;
// a line without a product (an amount-only refund) moves nothing.
func (t *Tx) IssueReturnInvoice(inv Invoice) (Invoice, error) {
	return atomicOp(t, func() (Invoice, error) { return t.issueReturnInvoice(inv) })
}

func (t *Tx) issueReturnInvoice(inv Invoice) (Invoice, error) {
	inv.Type = ReturnInvoice
	if inv.OriginalID == 0 {
		return inv, refuse("return_without_original")
	}
	orig, err := t.invoiceHeader(inv.OriginalID)
	if err != nil {
		return inv, err
	}
	if orig.Type != SalesInvoice {
		return inv, refuse("return_of_return", orig.Number)
	}
	if inv.BranchID == 0 {
		inv.BranchID = orig.BranchID
	}
	if inv.WarehouseID == 0 {
		inv.WarehouseID = orig.WarehouseID
	}
	if inv.ClientID == 0 {
		inv.ClientID = orig.ClientID
	}
	if inv.Currency == "" {
		inv.Currency = orig.Currency
	}
	if err := t.checkInvoice(&inv); err != nil {
		return inv, err
	}
	if inv.Currency != orig.Currency {
		return inv, refuse("return_currency", inv.Currency, orig.Number, orig.Currency)
	}
	sold, returned, returnedMoney, err := t.returnable(orig.ID)
	if err != nil {
		return inv, err
	}
	for i, l := range inv.Lines {
		if l.ProductID == 0 {
			continue
		}
		returned[l.ProductID] = returned[l.ProductID].Add(l.Quantity)
		if returned[l.ProductID].GreaterThan(sold[l.ProductID]) {
			p, _ := t.Product(l.ProductID)
			already := returned[l.ProductID].Sub(l.Quantity)
			return inv, lineRefused(ReturnInvoice, i+1, refusal("return_more_than_sold",
				orig.Number, sold[l.ProductID], p.Code, already, l.Quantity))
		}
	}
	if returnedMoney.Add(inv.Total).GreaterThan(orig.Total) {
		return inv, refuse("return_total_over", inv.Total, returnedMoney, orig.Number, orig.Total)
	}
	if err := t.insertInvoice(&inv); err != nil {
		return inv, err
	}
	inv.OriginalNumber = orig.Number
	return inv, nil
}

// returnable sums per product what a sales invoice sold and what its returns took back, and the
// money already returned.
func (t *Tx) returnable(origID int64) (sold, returned map[int64]decimal.Decimal, money decimal.Decimal, err error) {
	sold, returned = map[int64]decimal.Decimal{}, map[int64]decimal.Decimal{}
	rows, err := t.Query(`SELECT i.type, l.product_id, l.quantity FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
		WHERE l.product_id IS NOT NULL AND (i.id = ? OR i.original_invoice_id = ?)`, origID, origID)
	if err != nil {
		return nil, nil, money, err
	}
	defer rows.Close()
	for rows.Next() {
		var typ string
		var pid int64
		var q decimal.Decimal
		if err := rows.Scan(&typ, &pid, dec{&q}); err != nil {
			return nil, nil, money, err
		}
		if typ == string(SalesInvoice) {
			sold[pid] = sold[pid].Add(q)
		} else {
			returned[pid] = returned[pid].Add(q)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, money, err
	}
	totals, err := t.Query(`SELECT total FROM invoices WHERE original_invoice_id = ?`, origID)
	if err != nil {
		return nil, nil, money, err
	}
	defer totals.Close()
	for totals.Next() {
		var v decimal.Decimal
		if err := totals.Scan(dec{&v}); err != nil {
			return nil, nil, money, err
		}
		money = money.Add(v)
	}
	return sold, returned, money, totals.Err()
}

const invoiceCols = `i.id, i.type, i.number, i.branch_id, b.name, i.warehouse_id, w.name, i.client_id, c.name, c.email, c.phone,
	c.phone_e164, i.currency, i.issue_date, i.tax_inclusive, COALESCE(i.original_invoice_id, 0), COALESCE(o.number, ''),
	i.subtotal, i.discount, i.shipping, i.other_charges, i.tax, i.total, i.notes,
	i.source_connection, i.source_platform, i.source_external_id, i.source_order_name, i.created_at, i.store_doc_number, i.store_doc_qr`

const invoiceFrom = ` FROM invoices i JOIN branches b ON b.id = i.branch_id JOIN warehouses w ON w.id = i.warehouse_id
	JOIN clients c ON c.id = i.client_id LEFT JOIN invoices o ON o.id = i.original_invoice_id `

func scanInvoice(r scanner) (Invoice, error) {
	var inv Invoice
	var typ string
	err := r.Scan(&inv.ID, &typ, &inv.Number, &inv.BranchID, &inv.BranchName, &inv.WarehouseID, &inv.WarehouseName,
		&inv.ClientID, &inv.Client.Name, &inv.Client.Email, &inv.Client.Phone, &inv.Client.PhoneE164,
		&inv.Currency, timeCol{&inv.IssueDate}, &inv.TaxInclusive, &inv.OriginalID, &inv.OriginalNumber,
		dec{&inv.Subtotal}, dec{&inv.Discount}, dec{&inv.Shipping}, dec{&inv.OtherCharges}, dec{&inv.Tax}, dec{&inv.Total},
		&inv.Notes, &inv.Source.Connection, &inv.Source.Platform, &inv.Source.ExternalID, &inv.Source.OrderName,
		timeCol{&inv.CreatedAt}, &inv.StoreDoc.Number, &inv.StoreDoc.QR)
	inv.Type = InvoiceType(typ)
	inv.Client.ID = inv.ClientID
	return inv, err
}

func (t *Tx) invoiceHeader(id int64) (Invoice, error) {
	inv, err := scanInvoice(t.QueryRow(`SELECT `+invoiceCols+invoiceFrom+`WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, refuse("invoice_missing", id)
	}
	return inv, err
}

// Invoice reads a whole invoice: header, lines and charges.
func (t *Tx) Invoice(id int64) (Invoice, error) {
	inv, err := t.invoiceHeader(id)
	if err != nil {
		return inv, err
	}
	return inv, t.fillInvoice(&inv)
}

// InvoiceByNumber reads a whole invoice by its number; ErrNotFound when there is none.
func (t *Tx) InvoiceByNumber(number string) (Invoice, error) {
	inv, err := scanInvoice(t.QueryRow(`SELECT `+invoiceCols+invoiceFrom+`WHERE i.number = ?`, strings.TrimSpace(number)))
	if errors.Is(err, sql.ErrNoRows) {
		return inv, ErrNotFound
	}
	if err != nil {
		return inv, err
	}
	return inv, t.fillInvoice(&inv)
}

func (t *Tx) fillInvoice(inv *Invoice) error {
	rows, err := t.Query(`SELECT COALESCE(l.product_id, 0), COALESCE(p.code, ''), l.description, l.quantity, l.unit_price,
		l.discount, l.tax, l.total, l.restock FROM invoice_lines l LEFT JOIN products p ON p.id = l.product_id
		WHERE l.invoice_id = ? ORDER BY l.position`, inv.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	inv.Lines = nil
	for rows.Next() {
		var l InvoiceLine
		if err := rows.Scan(&l.ProductID, &l.ProductCode, &l.Description, dec{&l.Quantity}, dec{&l.UnitPrice},
			dec{&l.Discount}, dec{&l.Tax}, dec{&l.Total}, &l.Restock); err != nil {
			return err
		}
		inv.Lines = append(inv.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	crows, err := t.Query(`SELECT kind, description, amount, tax FROM invoice_charges WHERE invoice_id = ? ORDER BY position`, inv.ID)
	if err != nil {
		return err
	}
	defer crows.Close()
	inv.Charges = nil
	for crows.Next() {
		var c Charge
		var kind string
		if err := crows.Scan(&kind, &c.Description, dec{&c.Amount}, dec{&c.Tax}); err != nil {
			return err
		}
		c.Kind = ChargeKind(kind)
		inv.Charges = append(inv.Charges, c)
	}
	return crows.Err()
}

// The records an invoice or a payment names, read once per transaction (see Memo): a page of
// orders names the same branch, warehouse and accounts, and often the same client and products.
type (
	branchKey    int64
	warehouseKey int64
	clientKey    int64
	productKey   int64
	accountKey   int64
	invoiceKey   int64
)

func (t *Tx) branchOf(id int64) (Branch, error) {
	b, _, err := Memo(t, branchKey(id), func() (Branch, bool, error) {
		b, err := t.Branch(id)
		return b, err == nil, err
	}, "branches")
	return b, err
}

func (t *Tx) warehouseOf(id int64) (Warehouse, error) {
	w, _, err := Memo(t, warehouseKey(id), func() (Warehouse, bool, error) {
		w, err := t.Warehouse(id)
		return w, err == nil, err
	}, "warehouses")
	return w, err
}

func (t *Tx) clientOf(id int64) (Client, error) {
	c, _, err := Memo(t, clientKey(id), func() (Client, bool, error) {
		c, err := t.Client(id)
		return c, err == nil, err
	}, "clients")
	return c, err
}

func (t *Tx) productOf(id int64) (Product, error) {
	p, _, err := Memo(t, productKey(id), func() (Product, bool, error) {
		p, err := t.Product(id)
		return p, err == nil, err
	}, "products", "categories")
	return p, err
}

// ReadProducts reads the products ids names (those there are) in one query, into the
// transaction's memo: the invoices it goes on to issue find them there (see Memo). A page of
// orders names its products a line at a time.
func (t *Tx) ReadProducts(ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := t.Query(`SELECT `+productCols+productFrom+`WHERE p.id IN (SELECT value FROM json_each(?))`, idArray(ids))
	if err != nil {
		return fmt.Errorf("read products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return fmt.Errorf("read products: %w", err)
		}
		t.remember(productKey(p.ID), p, "products", "categories")
	}
	return rows.Err()
}

// invoiceFacts is what a payment needs of its invoice. An issued invoice never changes.
type invoiceFacts struct {
	Type     InvoiceType
	Number   string
	BranchID int64
	Currency string
}

// invoiceFactsOf reads what a payment needs of an invoice: once per transaction, and not at all
// for an invoice the transaction issued.
func (t *Tx) invoiceFactsOf(id int64) (invoiceFacts, error) {
	f, _, err := Memo(t, invoiceKey(id), func() (invoiceFacts, bool, error) {
		var f invoiceFacts
		var typ string
		err := t.QueryRow(`SELECT type, number, branch_id, currency FROM invoices WHERE id = ?`, id).Scan(&typ, &f.Number, &f.BranchID, &f.Currency)
		if errors.Is(err, sql.ErrNoRows) {
			return f, false, refuse("invoice_missing", id)
		}
		f.Type = InvoiceType(typ)
		return f, err == nil, err
	}, "invoices")
	return f, err
}
