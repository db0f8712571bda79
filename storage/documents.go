package storage

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// StockDocKind says what a stock document does.
type StockDocKind string

// The kinds of stock document.
const (
	DocReceive  StockDocKind = "receive"  // goods received into a warehouse (a manual inbound requisition)
	DocIssue    StockDocKind = "issue"    // goods taken out of a warehouse (a manual outbound requisition)
	DocTransfer StockDocKind = "transfer" // goods moved from one warehouse to another
	DocCount    StockDocKind = "count"    // a stock count: the difference from the books is booked as an adjustment
)

// StockDocKinds lists the kinds in the order they are offered.
var StockDocKinds = []StockDocKind{DocReceive, DocIssue, DocTransfer, DocCount}

// The kinds of stock document Mizan records itself: a sync brings a store's quantity into the
// books with an inbound requisition when it imports a product (or creates one from an order's
// line), and books the difference from a store's count as an adjustment (the demo records
// requisitions too). They are listed, shown, printed and exported with the merchant's documents,
// but never posted or reversed by hand (see Automatic).
const (
	DocInbound    StockDocKind = "inbound"    // an inbound requisition (IN-000001)
	DocOutbound   StockDocKind = "outbound"   // an outbound requisition (OUT-000001)
	DocAdjustment StockDocKind = "adjustment" // an adjustment to a store's count (ADJ-000001), either sign
)

// ListedDocKinds lists every kind the list of stock documents shows: the merchant's, then Mizan's.
var ListedDocKinds = []StockDocKind{DocReceive, DocIssue, DocTransfer, DocCount, DocInbound, DocOutbound, DocAdjustment}

// Automatic reports whether documents of the kind are recorded by Mizan itself. They are never
// reversed: a sync that set the books to a store's quantity would set them back on its next run
// (or send the undone quantity to the store, when the books own it), and the merchant's way to
// correct stock, whatever put it there, is a stock count.
func (k StockDocKind) Automatic() bool {
	return k == DocInbound || k == DocOutbound || k == DocAdjustment
}

// docPrefix numbers each kind in a sequence of its own: REC-000001, ISS-000001, TRF-000001, CNT-000001.
var docPrefix = map[StockDocKind]string{DocReceive: "REC", DocIssue: "ISS", DocTransfer: "TRF", DocCount: "CNT"}

// StockDocLine is one product of a stock document.
type StockDocLine struct {
	ProductID int64
	// Quantity is what the line moves (more than zero) for goods received, issued or
	// transferred. For a count it is filled in when posted: the difference booked (either sign).
	Quantity decimal.Decimal
	// UnitCost is the purchase price of goods received (HasCost says one was given).
	UnitCost decimal.Decimal
	HasCost  bool
	// Counted is the quantity a count found; Before is what the books held when it was posted.
	Counted decimal.Decimal
	Before  decimal.Decimal

	// Filled in when reading.
	Code string
	Name string
}

// StockDocument is a posted stock document. It is never changed: a mistake is corrected by a
// reversing document (ReverseStockDocument).
type StockDocument struct {
	ID            int64
	Number        string
	Kind          StockDocKind
	Date          time.Time // the movements' date
	WarehouseID   int64     // where goods are received, issued or counted; a transfer's source
	ToWarehouseID int64     // a transfer's destination
	Note          string
	ReversesID    int64 // the document this one reverses, if any
	Lines         []StockDocLine

	// Filled in when reading.
	Warehouse        string
	ToWarehouse      string
	ReversesNumber   string
	ReversedByID     int64
	ReversedByNumber string
	LineCount        int
	CreatedAt        time.Time
	// ConnectionID and Source are the store connection and its name that a document Mizan
	// recorded came from (0 and "" for the merchant's documents, and for the demo's).
	ConnectionID int64
	Source       string
	// NoteWords is the note of a document Mizan recorded in words a window translates; Note is
	// its English. Empty for the merchant's notes (shown as typed) and for older documents.
	NoteWords NoteWords
}

// NoteWords is a note Mizan writes itself on a document, as words a window can translate: the
// code of the engine's sentence and its arguments as JSON (see core.Phrase). The document keeps
// the note's English too, which the command line, exports and older readers show.
type NoteWords struct {
	Code string
	Args string
}

// The most a line may move, and the most decimal places of a quantity.
var maxQuantity = decimal.New(1, 9)

func checkDocQuantity(q decimal.Decimal, line int, allowZero bool) error {
	switch {
	case q.IsNegative() || (q.IsZero() && !allowZero):
		return refuseField("quantity", "doc_quantity_zero", line, q)
	case q.GreaterThanOrEqual(maxQuantity):
		return refuseField("quantity", "doc_quantity_large", line, q)
	case q.Exponent() < -6 && !q.Equal(q.Truncate(6)):
		return refuseField("quantity", "doc_quantity_decimals", line, q)
	}
	return nil
}

// PostStockDocument numbers a stock document, records it and moves its stock, all at once or
// not at all. Goods issued or transferred may not take a warehouse below zero. A count books,
// per line, the counted quantity less the books' quantity as an adjustment. The document's date
// (now when zero) is its movements' date; it may not be more than a day ahead.
func (t *Tx) PostStockDocument(d StockDocument) (StockDocument, error) {
	return atomicOp(t, func() (StockDocument, error) { return t.postStockDocument(d, true) })
}

func (t *Tx) postStockDocument(d StockDocument, fresh bool) (StockDocument, error) {
	prefix, ok := docPrefix[d.Kind]
	if !ok {
		return d, fieldInvalid("kind", "a stock document is goods received, issued, transferred or counted, not %q", d.Kind)
	}
	if d.Date.IsZero() {
		d.Date = t.now
	}
	if d.Date.After(t.now.Add(24 * time.Hour)) {
		return d, refuseField("date", "doc_date_future", d.Date.Format("2006-01-02"))
	}
	from, err := t.Warehouse(d.WarehouseID)
	if err != nil {
		return d, &FieldError{Field: "warehouse", Err: asValidation(err)}
	}
	d.Warehouse = from.Name
	if d.Kind == DocTransfer {
		to, err := t.Warehouse(d.ToWarehouseID)
		if err != nil {
			return d, &FieldError{Field: "to_warehouse", Err: asValidation(err)}
		}
		if to.ID == from.ID {
			return d, refuseField("to_warehouse", "doc_same_warehouse", from.Name)
		}
		d.ToWarehouse = to.Name
	} else {
		d.ToWarehouseID = 0
	}
	if len(d.Lines) == 0 {
		return d, refuseField("lines", "doc_no_lines")
	}
	seen := map[int64]int{}
	for i := range d.Lines {
		l := &d.Lines[i]
		p, err := t.Product(l.ProductID)
		if err != nil {
			return d, &FieldError{Field: "product", Err: asValidation(err)}
		}
		l.Code, l.Name = p.Code, p.Name
		if fresh && p.Archived {
			return d, refuseField("product", "doc_archived", i+1, p.Code)
		}
		if j, dup := seen[l.ProductID]; dup && d.Kind == DocCount {
			return d, refuseField("product", "doc_counted_twice", p.Code, j, i+1)
		}
		seen[l.ProductID] = i + 1
		if d.Kind == DocCount && fresh {
			if err := checkDocQuantity(l.Counted, i+1, true); err != nil {
				return d, &FieldError{Field: "counted", Err: asValidation(err)}
			}
			continue
		}
		if d.Kind == DocCount {
			continue // a reversing count books the negated differences as given
		}
		if err := checkDocQuantity(l.Quantity, i+1, false); err != nil {
			return d, err
		}
		if l.HasCost {
			if d.Kind != DocReceive {
				return d, refuseField("unit_cost", "doc_cost_not_received", i+1)
			}
			if err := checkPrice("unit_cost", "purchase_price", p.Code, l.UnitCost); err != nil {
				return d, err
			}
		}
	}
	var seq int64
	if err := t.QueryRow(`SELECT COALESCE(MAX(seq), 0) + 1 FROM stock_documents WHERE kind = ?`, string(d.Kind)).Scan(&seq); err != nil {
		return d, fmt.Errorf("number the stock document: %w", err)
	}
	d.Number = fmt.Sprintf("%s-%06d", prefix, seq)
	d.Note = strings.TrimSpace(d.Note)
	res, err := t.Exec(`INSERT INTO stock_documents(number, kind, seq, date, warehouse_id, to_warehouse_id, reverses_id, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.Number, string(d.Kind), seq, formatTime(d.Date), d.WarehouseID,
		nullIfZero(d.ToWarehouseID), nullIfZero(d.ReversesID), d.Note, formatTime(t.now))
	if isUniqueViolation(err) && d.ReversesID != 0 {
		return d, refuse("doc_reversed")
	}
	if err != nil {
		return d, fmt.Errorf("post stock document: %w", err)
	}
	d.ID, _ = res.LastInsertId()
	d.CreatedAt = t.now.UTC().Truncate(time.Second)
	for i := range d.Lines {
		l := &d.Lines[i]
		var cost, counted, before any
		switch d.Kind {
		case DocReceive:
			if l.HasCost {
				cost = decStr(l.UnitCost)
				if fresh {
					if err := t.receivedAt(l.ProductID, l.UnitCost, d.Date, d.ID); err != nil {
						return d, err
					}
				}
			}
			if _, err := t.moveOn(d.Date, l.ProductID, d.WarehouseID, l.Quantity, MoveInbound, "stock_document", d.ID); err != nil {
				return d, err
			}
		case DocIssue:
			level, err := t.moveOn(d.Date, l.ProductID, d.WarehouseID, l.Quantity.Neg(), MoveOutbound, "stock_document", d.ID)
			if err != nil {
				return d, err
			}
			if level.IsNegative() {
				return d, refuseField("quantity", "doc_short_issue", i+1, l.Code, from.Name, l.Quantity, level)
			}
		case DocTransfer:
			level, err := t.moveOn(d.Date, l.ProductID, d.WarehouseID, l.Quantity.Neg(), MoveTransfer, "stock_document", d.ID)
			if err != nil {
				return d, err
			}
			if level.IsNegative() {
				return d, refuseField("quantity", "doc_short_transfer", i+1, l.Code, from.Name, l.Quantity, level)
			}
			if _, err := t.moveOn(d.Date, l.ProductID, d.ToWarehouseID, l.Quantity, MoveTransfer, "stock_document", d.ID); err != nil {
				return d, err
			}
		case DocCount:
			if fresh {
				lv, err := t.StockLevel(l.ProductID, d.WarehouseID)
				if err != nil {
					return d, err
				}
				l.Before, l.Quantity = lv, l.Counted.Sub(lv)
				counted, before = decStr(l.Counted), decStr(l.Before)
			}
			if _, err := t.moveOn(d.Date, l.ProductID, d.WarehouseID, l.Quantity, MoveAdjustment, "stock_document", d.ID); err != nil {
				return d, err
			}
		}
		if _, err := t.Exec(`INSERT INTO stock_document_lines(document_id, position, product_id, quantity, unit_cost, counted, before)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, d.ID, i+1, l.ProductID, decStr(l.Quantity), cost, counted, before); err != nil {
			return d, fmt.Errorf("post stock document line %d: %w", i+1, err)
		}
	}
	return d, nil
}

// asValidation keeps a validation error's message for a FieldError; other errors are kept whole.
// receivedAt makes a purchase price just received the product's purchase price: the books cost a
// product at its last purchase price, as a merchant reads it on the latest supplier's invoice. Goods
// received are dated by their document, so a document dated before another receipt of the product
// with a price does not replace that later price. A product linked to a store gets the new price
// there on its next sync when the connection lets the books send purchase prices (field ownership);
// the books keep it either way.
func (t *Tx) receivedAt(productID int64, price decimal.Decimal, date time.Time, docID int64) error {
	var later int
	if err := t.QueryRow(`SELECT COUNT(*) FROM stock_document_lines l JOIN stock_documents d ON d.id = l.document_id
		WHERE d.kind = ? AND l.product_id = ? AND l.unit_cost IS NOT NULL AND d.date > ? AND d.id <> ?`,
		string(DocReceive), productID, formatTime(date), docID).Scan(&later); err != nil {
		return fmt.Errorf("read the product's later purchase prices: %w", err)
	}
	if later > 0 {
		return nil
	}
	if _, err := t.Exec(`UPDATE products SET purchase_price = ?, updated_at = ? WHERE id = ? AND purchase_price <> ?`,
		decStr(price), formatTime(t.now), productID, decStr(price)); err != nil {
		return fmt.Errorf("set the product's purchase price: %w", err)
	}
	return nil
}

func asValidation(err error) *ValidationError {
	var v *ValidationError
	if errors.As(err, &v) {
		return v
	}
	return &ValidationError{Msg: err.Error()}
}

// ReverseStockDocument posts the document that undoes a posted one, dated date (now when zero):
// goods received are issued again, goods issued received again, a transfer moved back, and a
// count's differences booked the other way. A document is reversed once at most; a reversal that
// would take a warehouse below zero is refused (count the stock instead).
func (t *Tx) ReverseStockDocument(id int64, date time.Time, note string) (StockDocument, error) {
	return atomicOp(t, func() (StockDocument, error) {
		orig, err := t.StockDocument(id)
		if err != nil {
			return orig, err
		}
		if orig.ReversedByID != 0 {
			return orig, refuse("doc_reversed_by", orig.Number, orig.ReversedByNumber)
		}
		rev := StockDocument{Date: date, WarehouseID: orig.WarehouseID, ReversesID: orig.ID, Note: strings.TrimSpace(note)}
		switch orig.Kind {
		case DocReceive:
			rev.Kind = DocIssue
		case DocIssue:
			rev.Kind = DocReceive
		case DocTransfer:
			rev.Kind, rev.WarehouseID, rev.ToWarehouseID = DocTransfer, orig.ToWarehouseID, orig.WarehouseID
		case DocCount:
			rev.Kind = DocCount
		}
		for _, l := range orig.Lines {
			nl := StockDocLine{ProductID: l.ProductID, Quantity: l.Quantity, UnitCost: l.UnitCost, HasCost: l.HasCost && rev.Kind == DocReceive}
			if orig.Kind == DocCount {
				nl.Quantity = l.Quantity.Neg()
			}
			rev.Lines = append(rev.Lines, nl)
		}
		if orig.Kind == DocCount {
			// Only lines that booked a difference have anything to undo.
			kept := rev.Lines[:0]
			for _, l := range rev.Lines {
				if !l.Quantity.IsZero() {
					kept = append(kept, l)
				}
			}
			rev.Lines = kept
			if len(rev.Lines) == 0 {
				return orig, refuse("doc_nothing_to_undo", orig.Number)
			}
		}
		return t.postStockDocument(rev, false)
	})
}

const stockDocCols = `d.id, d.number, d.kind, d.date, d.warehouse_id, COALESCE(d.to_warehouse_id, 0), d.note,
	COALESCE(d.reverses_id, 0), w.name, COALESCE(tw.name, ''), COALESCE(o.number, ''), COALESCE(r.id, 0), COALESCE(r.number, ''),
	(SELECT COUNT(*) FROM stock_document_lines l WHERE l.document_id = d.id), d.created_at, 0, '', '', ''`

// The columns of Mizan's own documents, in stockDocCols' order: requisitions (alias d) and
// adjustments (alias d, one line each), with the connection they came from (c).
const (
	sourceCols = `COALESCE(d.connection_id, 0), COALESCE(NULLIF(c.removed_name, ''), c.name, '')`

	requisitionCols = `d.id, d.number, d.kind, d.date, d.warehouse_id, 0, d.note, 0, w.name, '', '', 0, '',
	(SELECT COUNT(*) FROM requisition_lines l WHERE l.requisition_id = d.id), d.created_at, ` + sourceCols + `, d.note_code, d.note_args`
	requisitionFrom = ` FROM requisitions d JOIN warehouses w ON w.id = d.warehouse_id
	LEFT JOIN connections c ON c.id = d.connection_id `

	adjustmentCols = `d.id, d.number, 'adjustment', d.date, d.warehouse_id, 0, d.reason, 0, w.name, '', '', 0, '',
	1, d.created_at, ` + sourceCols + `, d.note_code, d.note_args`
	adjustmentFrom = ` FROM adjustments d JOIN warehouses w ON w.id = d.warehouse_id
	LEFT JOIN connections c ON c.id = d.connection_id `
)

const stockDocFrom = ` FROM stock_documents d JOIN warehouses w ON w.id = d.warehouse_id
	LEFT JOIN warehouses tw ON tw.id = d.to_warehouse_id
	LEFT JOIN stock_documents o ON o.id = d.reverses_id
	LEFT JOIN stock_documents r ON r.reverses_id = d.id `

func scanStockDoc(r scanner) (StockDocument, error) {
	var d StockDocument
	var kind string
	err := r.Scan(&d.ID, &d.Number, &kind, timeCol{&d.Date}, &d.WarehouseID, &d.ToWarehouseID, &d.Note, &d.ReversesID,
		&d.Warehouse, &d.ToWarehouse, &d.ReversesNumber, &d.ReversedByID, &d.ReversedByNumber, &d.LineCount, timeCol{&d.CreatedAt},
		&d.ConnectionID, &d.Source, &d.NoteWords.Code, &d.NoteWords.Args)
	d.Kind = StockDocKind(kind)
	return d, err
}

// StockDocument reads a posted stock document with its lines.
func (t *Tx) StockDocument(id int64) (StockDocument, error) {
	d, err := scanStockDoc(t.QueryRow(`SELECT `+stockDocCols+stockDocFrom+`WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, refuse("stock_doc_missing", id)
	}
	if err != nil {
		return d, fmt.Errorf("read stock document %d: %w", id, err)
	}
	rows, err := t.Query(`SELECT l.product_id, l.quantity, l.unit_cost, COALESCE(l.counted, ''), COALESCE(l.before, ''), p.code, p.name
		FROM stock_document_lines l JOIN products p ON p.id = l.product_id WHERE l.document_id = ? ORDER BY l.position`, id)
	if err != nil {
		return d, fmt.Errorf("read stock document %s: %w", d.Number, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l StockDocLine
		var cost sql.NullString
		var counted, before string
		if err := rows.Scan(&l.ProductID, dec{&l.Quantity}, &cost, &counted, &before, &l.Code, &l.Name); err != nil {
			return d, fmt.Errorf("read stock document %s: %w", d.Number, err)
		}
		if cost.Valid {
			l.HasCost = true
			if err := (dec{&l.UnitCost}).parse(cost.String); err != nil {
				return d, err
			}
		}
		if counted != "" {
			if err := (dec{&l.Counted}).parse(counted); err != nil {
				return d, err
			}
			if err := (dec{&l.Before}).parse(before); err != nil {
				return d, err
			}
		}
		d.Lines = append(d.Lines, l)
	}
	return d, rows.Err()
}

// automaticDocument reads a document Mizan recorded (a requisition or an adjustment) with its
// lines, as a stock document of its kind.
func (t *Tx) automaticDocument(kind StockDocKind, id int64) (StockDocument, error) {
	var row *sql.Row
	var lines string
	switch kind {
	case DocInbound, DocOutbound:
		row = t.QueryRow(`SELECT `+requisitionCols+requisitionFrom+`WHERE d.id = ? AND d.kind = ?`, id, string(kind))
		lines = `SELECT l.product_id, l.quantity, p.code, p.name FROM requisition_lines l JOIN products p ON p.id = l.product_id
			WHERE l.requisition_id = ? ORDER BY l.id`
	case DocAdjustment:
		row = t.QueryRow(`SELECT `+adjustmentCols+adjustmentFrom+`WHERE d.id = ?`, id)
		lines = `SELECT d.product_id, d.quantity, p.code, p.name FROM adjustments d JOIN products p ON p.id = d.product_id WHERE d.id = ?`
	default:
		return StockDocument{}, invalid("Mizan records no stock document of kind %q", kind)
	}
	d, err := scanStockDoc(row)
	if errors.Is(err, sql.ErrNoRows) {
		return d, invalid("%s %d does not exist", kind, id)
	}
	if err != nil {
		return d, fmt.Errorf("read %s %d: %w", kind, id, err)
	}
	rows, err := t.Query(lines, id)
	if err != nil {
		return d, fmt.Errorf("read %s: %w", d.Number, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l StockDocLine
		if err := rows.Scan(&l.ProductID, dec{&l.Quantity}, &l.Code, &l.Name); err != nil {
			return d, fmt.Errorf("read %s: %w", d.Number, err)
		}
		d.Lines = append(d.Lines, l)
	}
	return d, rows.Err()
}

// StockDocumentOf reads a document of any listed kind with its lines: a merchant's stock
// document, or a requisition or adjustment Mizan recorded (their ids are counted apart).
func (t *Tx) StockDocumentOf(kind StockDocKind, id int64) (StockDocument, error) {
	if kind.Automatic() {
		return t.automaticDocument(kind, id)
	}
	return t.StockDocument(id)
}

// StockDocumentOf reads one document of any listed kind with its lines (see Tx.StockDocumentOf).
func (d *DB) StockDocumentOf(ctx context.Context, kind StockDocKind, id int64) (doc StockDocument, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		doc, err = tx.StockDocumentOf(kind, id)
		return err
	})
	return doc, err
}

// StockDocument reads one posted stock document with its lines.
func (d *DB) StockDocument(ctx context.Context, id int64) (doc StockDocument, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		doc, err = tx.StockDocument(id)
		return err
	})
	return doc, err
}

// StockDocumentByNumber finds a stock document of any listed kind by its number, ignoring case
// (each kind numbers with a prefix of its own, so a number names one document).
func (d *DB) StockDocumentByNumber(ctx context.Context, number string) (doc StockDocument, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		var id int64
		var kind string
		err := tx.QueryRow(`SELECT id, kind FROM stock_documents WHERE number = ?1
			UNION ALL SELECT id, kind FROM requisitions WHERE number = ?1
			UNION ALL SELECT id, 'adjustment' FROM adjustments WHERE number = ?1
			LIMIT 1`, strings.ToUpper(strings.TrimSpace(number))).Scan(&id, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return invalid("no stock document is numbered %q", number)
		}
		if err != nil {
			return err
		}
		doc, err = tx.StockDocumentOf(StockDocKind(kind), id)
		return err
	})
	return doc, err
}

// StockDocumentFilter narrows the list of stock documents.
type StockDocumentFilter struct {
	Kind StockDocKind // "" for every listed kind
	// Search matches the number, the note (an adjustment's reason) or the source connection's
	// name (case-insensitive).
	Search string
	// From and To keep the documents dated from From (inclusive) to To (exclusive); a zero
	// time leaves that end open.
	From, To time.Time
	Limit    int // 0: no limit
	Offset   int // with Limit: the documents skipped first, newest first

	// keys, when not nil, keeps only these documents (by the table they are kept in).
	keys map[docTable][]any
}

// docTable is the table a listed document is kept in: the merchant's documents, requisitions or
// adjustments (each numbers its rows apart).
type docTable int

const (
	docTableStock docTable = iota
	docTableRequisition
	docTableAdjustment
)

// docKeyCols are the columns StockDocumentPage finds a page by: the table and id, then the
// columns the list is sorted by (see docOrder).
func docKeyCols(t docTable) string {
	return fmt.Sprintf(`%d, d.id, d.number, d.date, d.created_at`, t)
}

// query builds the list's query: each table's documents the filter keeps, with cols (nil: every
// column, scanned by scanStockDoc; docKeyCols: the keys), united and sorted newest first. An empty
// query keeps nothing.
func (f StockDocumentFilter) query(cols func(docTable) string) (q string, args []any, err error) {
	if f.Kind != "" && !slices.Contains(ListedDocKinds, f.Kind) {
		return "", nil, invalid("no stock document is of kind %q", f.Kind)
	}
	var parts []string
	part := func(t docTable, all, from, kindCol, noteCol, source string, kinds ...StockDocKind) {
		if f.Kind != "" && !slices.Contains(kinds, f.Kind) {
			return
		}
		if f.keys != nil && len(f.keys[t]) == 0 {
			return
		}
		if cols != nil {
			all = cols(t)
		}
		q := `SELECT ` + all + from + `WHERE 1 = 1`
		if f.keys != nil {
			q += ` AND d.id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(f.keys[t])), ",") + `)`
			args = append(args, f.keys[t]...)
		}
		if f.Kind != "" && kindCol != "" {
			q += ` AND ` + kindCol + ` = ?`
			args = append(args, string(f.Kind))
		}
		if s := strings.TrimSpace(f.Search); s != "" {
			like := "%" + likeEscape(s) + "%"
			q += ` AND (d.number LIKE ? ESCAPE '\' OR ` + noteCol + ` LIKE ? ESCAPE '\'`
			args = append(args, like, like)
			if source != "" {
				q += ` OR ` + source + ` LIKE ? ESCAPE '\'`
				args = append(args, like)
			}
			q += `)`
		}
		if !f.From.IsZero() {
			q += ` AND d.date >= ?`
			args = append(args, formatTime(f.From))
		}
		if !f.To.IsZero() {
			q += ` AND d.date < ?`
			args = append(args, formatTime(f.To))
		}
		parts = append(parts, q)
	}
	source := `COALESCE(NULLIF(c.removed_name, ''), c.name, '')`
	part(docTableStock, stockDocCols, stockDocFrom, "d.kind", "d.note", "", StockDocKinds...)
	part(docTableRequisition, requisitionCols, requisitionFrom, "d.kind", "d.note", source, DocInbound, DocOutbound)
	part(docTableAdjustment, adjustmentCols, adjustmentFrom, "", "d.reason", source, DocAdjustment)
	if len(parts) == 0 {
		return "", nil, nil
	}
	// The date, when it was recorded, and the number (each kind's numbers have one width, so they
	// sort as they were given): columns 4, 15 and 2 of every column, 4, 5 and 3 of the keys.
	order := ` ORDER BY 4 DESC, 15 DESC, 2 DESC`
	if cols != nil {
		order = ` ORDER BY 4 DESC, 5 DESC, 3 DESC`
	}
	return strings.Join(parts, " UNION ALL ") + order, args, nil
}

// StockDocuments lists the merchant's stock documents and the requisitions and adjustments Mizan
// recorded, newest first, without their lines (LineCount says how many).
func (d *DB) StockDocuments(ctx context.Context, f StockDocumentFilter) ([]StockDocument, error) {
	q, args, err := f.query(nil)
	if err != nil || q == "" {
		return nil, err
	}
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	return queryList(ctx, d, q, scanStockDoc, args...)
}

// StockDocumentPage reads a page of up to limit documents the filter keeps (from its Offset,
// newest first; its Limit is not used) and counts all it keeps, from one snapshot of the books,
// as InvoicePage does for invoices: one pass over the documents' keys finds the page and, when
// fewer than pageScan match from the offset on, the count; only the page's documents are then
// read whole (their lines counted, their warehouses and stores named).
func (d *DB) StockDocumentPage(ctx context.Context, f StockDocumentFilter, limit int) (page []StockDocument, count int, err error) {
	if limit <= 0 {
		return nil, 0, fmt.Errorf("stock document page: the page size must be positive, not %d", limit)
	}
	f.keys = nil
	keysQuery, args, err := f.query(docKeyCols)
	if err != nil || keysQuery == "" {
		return nil, 0, err
	}
	err = d.View(ctx, func(tx *Tx) error {
		rows, err := tx.Query(keysQuery+` LIMIT ? OFFSET ?`, append(slices.Clip(args), max(limit, pageScan), f.Offset)...)
		if err != nil {
			return fmt.Errorf("stock document page: %w", err)
		}
		keys := map[docTable][]any{}
		matched := 0
		for rows.Next() {
			var t docTable
			var id int64
			var number, date, created string
			if err := rows.Scan(&t, &id, &number, &date, &created); err != nil {
				rows.Close()
				return fmt.Errorf("stock document page: %w", err)
			}
			if matched < limit {
				keys[t] = append(keys[t], id)
			}
			matched++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("stock document page: %w", err)
		}
		switch {
		case matched < max(limit, pageScan) && (matched > 0 || f.Offset == 0):
			count = f.Offset + matched
		default: // more than one pass reads, or an offset past the end
			if err := tx.QueryRow(`SELECT COUNT(*) FROM (`+keysQuery+`)`, args...).Scan(&count); err != nil {
				return fmt.Errorf("count stock documents: %w", err)
			}
		}
		if len(keys) == 0 {
			return nil
		}
		f.keys = keys
		q, args, err := f.query(nil)
		if err != nil {
			return err
		}
		rows, err = tx.Query(q, args...)
		if err != nil {
			return fmt.Errorf("stock document page: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			doc, err := scanStockDoc(rows)
			if err != nil {
				return fmt.Errorf("stock document page: %w", err)
			}
			page = append(page, doc)
		}
		return rows.Err()
	})
	return page, count, err
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// WriteStockDocumentCSV writes a document as CSV: one row per line, with the document's number,
// kind, date, warehouses and source on each, so the file reads alone. Amounts and quantities are
// exact; an adjustment's quantity has its sign.
func WriteStockDocumentCSV(w io.Writer, doc StockDocument) error {
	cw := csv.NewWriter(w)
	header := []string{"number", "kind", "date", "warehouse", "to_warehouse", "reverses", "note", "line", "code", "name",
		"quantity", "unit_cost", "counted", "before", "source"}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i, l := range doc.Lines {
		cost, counted, before := "", "", ""
		if l.HasCost {
			cost = l.UnitCost.String()
		}
		if doc.Kind == DocCount && doc.ReversesID == 0 {
			counted, before = l.Counted.String(), l.Before.String()
		}
		row := []string{doc.Number, string(doc.Kind), doc.Date.UTC().Format(time.RFC3339), doc.Warehouse, doc.ToWarehouse,
			doc.ReversesNumber, doc.Note, fmt.Sprint(i + 1), l.Code, l.Name, l.Quantity.String(), cost, counted, before, doc.Source}
		if err := cw.Write(SpreadsheetSafeRow(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
