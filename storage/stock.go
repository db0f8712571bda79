package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// move appends one movement to the ledger and adds it to the product's level in the warehouse.
// It returns the new level. An invoice's movement is dated by its issue date; others by now.
func (t *Tx) move(productID, warehouseID int64, qty decimal.Decimal, kind MovementKind, srcType string, srcID int64) (decimal.Decimal, error) {
	date := t.now
	if srcType == "sales_invoice" || srcType == "return_invoice" {
		if err := t.QueryRow(`SELECT issue_date FROM invoices WHERE id = ?`, srcID).Scan(timeCol{&date}); err != nil {
			return decimal.Zero, fmt.Errorf("read the date of invoice %d: %w", srcID, err)
		}
	}
	return t.moveOn(date, productID, warehouseID, qty, kind, srcType, srcID)
}

// moveOn is move with the movement's date: its document's.
func (t *Tx) moveOn(date time.Time, productID, warehouseID int64, qty decimal.Decimal, kind MovementKind, srcType string, srcID int64) (decimal.Decimal, error) {
	if qty.IsZero() {
		return t.StockLevel(productID, warehouseID)
	}
	if _, err := t.Exec(`INSERT INTO stock_movements(product_id, warehouse_id, quantity, kind, source_type, source_id, date, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, productID, warehouseID, decStr(qty), string(kind), srcType, srcID,
		formatTime(date), formatTime(t.now)); err != nil {
		return decimal.Zero, fmt.Errorf("record stock movement: %w", err)
	}
	level, err := t.StockLevel(productID, warehouseID)
	if err != nil {
		return decimal.Zero, err
	}
	level = level.Add(qty)
	// The write below names stock_levels, which makes the transaction forget the levels it
	// knows; it changes only this one, so the others are kept and this one learnt.
	known := t.stock
	t.stock = nil
	if _, err := t.Exec(`INSERT INTO stock_levels(product_id, warehouse_id, quantity) VALUES (?, ?, ?)
		ON CONFLICT(product_id, warehouse_id) DO UPDATE SET quantity = excluded.quantity`,
		productID, warehouseID, decStr(level)); err != nil {
		return decimal.Zero, fmt.Errorf("update stock level: %w", err)
	}
	if known == nil {
		known = map[stockKey]decimal.Decimal{}
	}
	known[stockKey{productID, warehouseID}] = level
	t.stock = known
	return level, nil
}

// stockKey names a product's level in a warehouse.
type stockKey struct{ product, warehouse int64 }

// StockLevel is the quantity of a product in a warehouse (the sum of its movements). The
// transaction reads it once and keeps it up to date with its own movements (a page of orders
// moves the same products many times); it reads it again after any other statement that writes
// stock_levels, or after a savepoint is undone.
func (t *Tx) StockLevel(productID, warehouseID int64) (decimal.Decimal, error) {
	k := stockKey{productID, warehouseID}
	if q, ok := t.stock[k]; ok {
		return q, nil
	}
	var q decimal.Decimal
	err := t.QueryRow(`SELECT quantity FROM stock_levels WHERE product_id = ? AND warehouse_id = ?`, productID, warehouseID).Scan(dec{&q})
	if errors.Is(err, sql.ErrNoRows) {
		q, err = decimal.Zero, nil
	}
	if err != nil {
		return decimal.Zero, err
	}
	if t.stock == nil {
		t.stock = map[stockKey]decimal.Decimal{}
	}
	t.stock[k] = q
	return q, nil
}

// ReadStockLevels reads the levels of products in a warehouse in one query, for StockLevel to
// give without reading them one at a time (a page of orders moves most of its products once).
func (t *Tx) ReadStockLevels(warehouseID int64, productIDs []int64) error {
	if len(productIDs) == 0 {
		return nil
	}
	levels := make(map[int64]decimal.Decimal, len(productIDs))
	rows, err := t.Query(`SELECT product_id, quantity FROM stock_levels WHERE warehouse_id = ?
		AND product_id IN (SELECT value FROM json_each(?))`, warehouseID, idArray(productIDs))
	if err != nil {
		return fmt.Errorf("read stock levels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var q decimal.Decimal
		if err := rows.Scan(&id, dec{&q}); err != nil {
			return fmt.Errorf("read stock levels: %w", err)
		}
		levels[id] = q
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read stock levels: %w", err)
	}
	if t.stock == nil {
		t.stock = make(map[stockKey]decimal.Decimal, len(productIDs))
	}
	for _, id := range productIDs {
		t.stock[stockKey{id, warehouseID}] = levels[id] // zero when it has no row
	}
	return nil
}

// nextNumber gives the next number of a document kept outside the per-branch sequences
// (requisitions, adjustments): writers are serialised, so MAX+1 is gap-free.
func (t *Tx) nextNumber(table, prefix string) (string, error) {
	var n int64
	if err := t.QueryRow(`SELECT COALESCE(MAX(id), 0) + 1 FROM ` + table).Scan(&n); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%06d", prefix, n), nil
}

// quantityRefused says what is wrong with a line's quantity: "zero" (not more than zero),
// "decimals" (more than 6 decimal places), or "" when nothing is.
func quantityRefused(q decimal.Decimal) string {
	switch {
	case !q.IsPositive():
		return "zero"
	case q.Exponent() < -6:
		return "decimals"
	}
	return ""
}

// checkRequisitionQuantity checks the quantity of a requisition's line (numbered from 1).
func checkRequisitionQuantity(q decimal.Decimal, line int) error {
	switch quantityRefused(q) {
	case "zero":
		return refuse("requisition_quantity_zero", line, q)
	case "decimals":
		return refuse("requisition_quantity_decimals", line, q)
	}
	return nil
}

// checkInvoiceQuantity checks the quantity of an invoice's line (numbered from 1).
func checkInvoiceQuantity(q decimal.Decimal, kind InvoiceType, line int) error {
	switch refused := quantityRefused(q); {
	case refused == "zero" && kind == ReturnInvoice:
		return refuse("return_quantity_zero", line, q)
	case refused == "decimals" && kind == ReturnInvoice:
		return refuse("return_quantity_decimals", line, q)
	case refused == "zero":
		return refuse("sales_quantity_zero", line, q)
	case refused == "decimals":
		return refuse("sales_quantity_decimals", line, q)
	}
	return nil
}

// PostRequisition records a manual inbound or outbound requisition and moves its stock. An
// outbound requisition may not take a warehouse below zero.
func (t *Tx) PostRequisition(r Requisition) (Requisition, error) {
	return atomicOp(t, func() (Requisition, error) { return t.postRequisition(r) })
}

func (t *Tx) postRequisition(r Requisition) (Requisition, error) {
	if r.Kind != Inbound && r.Kind != Outbound {
		return r, refuse("requisition_kind", r.Kind)
	}
	if len(r.Lines) == 0 {
		return r, refuse("requisition_no_lines")
	}
	if _, err := t.Warehouse(r.WarehouseID); err != nil {
		return r, err
	}
	for i, l := range r.Lines {
		if err := checkRequisitionQuantity(l.Quantity, i+1); err != nil {
			return r, err
		}
		if _, err := t.Product(l.ProductID); err != nil {
			return r, err
		}
	}
	if r.Date.IsZero() {
		r.Date = t.now
	}
	num, err := t.nextNumber("requisitions", map[RequisitionKind]string{Inbound: "IN", Outbound: "OUT"}[r.Kind])
	if err != nil {
		return r, err
	}
	res, err := t.Exec(`INSERT INTO requisitions(number, kind, warehouse_id, date, note, created_at, connection_id, note_code, note_args)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		num, string(r.Kind), r.WarehouseID, formatTime(r.Date), strings.TrimSpace(r.Note), formatTime(t.now), nullIfZero(r.ConnectionID),
		r.NoteWords.Code, r.NoteWords.Args)
	if err != nil {
		return r, fmt.Errorf("post requisition: %w", err)
	}
	r.ID, _ = res.LastInsertId()
	r.Number = num
	kind, sign := MoveInbound, decimal.NewFromInt(1)
	if r.Kind == Outbound {
		kind, sign = MoveOutbound, decimal.NewFromInt(-1)
	}
	for _, l := range r.Lines {
		if _, err := t.Exec(`INSERT INTO requisition_lines(requisition_id, product_id, quantity) VALUES (?, ?, ?)`,
			r.ID, l.ProductID, decStr(l.Quantity)); err != nil {
			return r, fmt.Errorf("post requisition line: %w", err)
		}
		level, err := t.moveOn(r.Date, l.ProductID, r.WarehouseID, l.Quantity.Mul(sign), kind, "requisition", r.ID)
		if err != nil {
			return r, err
		}
		if r.Kind == Outbound && level.IsNegative() {
			p, _ := t.Product(l.ProductID)
			return r, refuse("requisition_short", p.Code, l.Quantity, level)
		}
	}
	return r, nil
}

// Adjust sets the books' quantity of a product in a warehouse to counted by recording the
// difference as an adjustment movement. It returns the movement's quantity (zero: nothing moved).
func (t *Tx) Adjust(productID, warehouseID int64, counted decimal.Decimal, reason string) (decimal.Decimal, error) {
	return atomicOp(t, func() (decimal.Decimal, error) { return t.adjust(productID, warehouseID, counted, reason) })
}

func (t *Tx) adjust(productID, warehouseID int64, counted decimal.Decimal, reason string) (decimal.Decimal, error) {
	if counted.IsNegative() {
		return decimal.Zero, invalid("a counted quantity cannot be negative (got %s)", counted)
	}
	if _, err := t.Product(productID); err != nil {
		return decimal.Zero, err
	}
	if _, err := t.Warehouse(warehouseID); err != nil {
		return decimal.Zero, err
	}
	level, err := t.StockLevel(productID, warehouseID)
	if err != nil {
		return decimal.Zero, err
	}
	return t.adjustBy(0, productID, warehouseID, counted.Sub(level), reason, NoteWords{})
}

// AdjustBy records an adjustment movement of delta (either sign) of a product in a warehouse,
// whatever the quantity it leaves: a store's count brought into the books may be below zero when
// the store sells on backorder. A zero delta records nothing.
func (t *Tx) AdjustBy(productID, warehouseID int64, delta decimal.Decimal, reason string) error {
	return t.AdjustFrom(0, productID, warehouseID, delta, reason, NoteWords{})
}

// AdjustFrom is AdjustBy for a store connection's sync: the adjustment says which connection it
// came from (0: none), and words gives its reason in words a window translates (reason is their
// English).
func (t *Tx) AdjustFrom(connectionID, productID, warehouseID int64, delta decimal.Decimal, reason string, words NoteWords) error {
	_, err := atomicOp(t, func() (decimal.Decimal, error) {
		if _, err := t.Product(productID); err != nil {
			return decimal.Zero, err
		}
		if _, err := t.Warehouse(warehouseID); err != nil {
			return decimal.Zero, err
		}
		return t.adjustBy(connectionID, productID, warehouseID, delta, reason, words)
	})
	return err
}

func (t *Tx) adjustBy(connectionID, productID, warehouseID int64, delta decimal.Decimal, reason string, words NoteWords) (decimal.Decimal, error) {
	if delta.IsZero() {
		return delta, nil
	}
	num, err := t.nextNumber("adjustments", "ADJ")
	if err != nil {
		return decimal.Zero, err
	}
	res, err := t.Exec(`INSERT INTO adjustments(number, warehouse_id, product_id, quantity, reason, date, created_at, connection_id,
		note_code, note_args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		num, warehouseID, productID, decStr(delta), strings.TrimSpace(reason), formatTime(t.now), formatTime(t.now), nullIfZero(connectionID),
		words.Code, words.Args)
	if err != nil {
		return decimal.Zero, fmt.Errorf("record adjustment: %w", err)
	}
	id, _ := res.LastInsertId()
	_, err = t.move(productID, warehouseID, delta, MoveAdjustment, "adjustment", id)
	return delta, err
}

// StockRow is one product's quantity in one warehouse.
type StockRow struct {
	ProductID   int64
	Code        string
	Name        string
	WarehouseID int64
	Warehouse   string
	Quantity    decimal.Decimal
}

// Stock lists the quantity of every product in every warehouse where it has moved.
func (d *DB) Stock(ctx context.Context) ([]StockRow, error) {
	return queryList(ctx, d, `SELECT p.id, p.code, p.name, w.id, w.name, s.quantity FROM stock_levels s
		JOIN products p ON p.id = s.product_id JOIN warehouses w ON w.id = s.warehouse_id
		ORDER BY p.code, w.name`, func(r scanner) (StockRow, error) {
		var s StockRow
		return s, r.Scan(&s.ProductID, &s.Code, &s.Name, &s.WarehouseID, &s.Warehouse, dec{&s.Quantity})
	})
}

// StockLevel reads one product's quantity in one warehouse.
func (d *DB) StockLevel(ctx context.Context, productID, warehouseID int64) (q decimal.Decimal, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		q, err = tx.StockLevel(productID, warehouseID)
		return err
	})
	return q, err
}

// Movements lists a product's ledger, oldest first, with each source document's number.
func (d *DB) Movements(ctx context.Context, productID int64) ([]Movement, error) {
	return queryList(ctx, d, `SELECT m.id, m.product_id, m.warehouse_id, m.quantity, m.kind, m.source_type, m.source_id,
		COALESCE(r.number, i.number, a.number, sd.number, ''), m.date, m.created_at
		FROM stock_movements m
		LEFT JOIN requisitions r ON m.source_type = 'requisition' AND r.id = m.source_id
		LEFT JOIN invoices i ON m.source_type IN ('sales_invoice', 'return_invoice') AND i.id = m.source_id
		LEFT JOIN adjustments a ON m.source_type = 'adjustment' AND a.id = m.source_id
		LEFT JOIN stock_documents sd ON m.source_type = 'stock_document' AND sd.id = m.source_id
		WHERE m.product_id = ? ORDER BY m.id`, scanMovement, productID)
}

func scanMovement(r scanner) (Movement, error) {
	var m Movement
	var kind string
	err := r.Scan(&m.ID, &m.ProductID, &m.WarehouseID, dec{&m.Quantity}, &kind, &m.SourceType, &m.SourceID, &m.SourceRef,
		timeCol{&m.Date}, timeCol{&m.CreatedAt})
	m.Kind = MovementKind(kind)
	return m, err
}

// AllMovements lists the whole ledger in order (for checks and exports).
func (d *DB) AllMovements(ctx context.Context) ([]Movement, error) {
	return queryList(ctx, d, `SELECT m.id, m.product_id, m.warehouse_id, m.quantity, m.kind, m.source_type, m.source_id, '', m.date, m.created_at
		FROM stock_movements m ORDER BY m.id`, scanMovement)
}
