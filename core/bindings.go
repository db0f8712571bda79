package core

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"mizan/storage"
)

// binding is a store object bound to its local record.
type binding struct {
	Kind       string
	ExternalID string
	LocalID    int64
	ParentID   string
	StockRef   string
	Store      string // JSON
	Books      string // JSON
	StoreQty   *decimal.Decimal
	BaselineAt time.Time
	Origin     string
}

const bindingCols = `kind, external_id, local_id, parent_id, stock_ref, store_values, books_values, store_qty, COALESCE(baseline_at, ''), origin`

func scanBinding(r rowScanner) (binding, error) {
	var b binding
	var qty sql.NullString
	var baseline string
	err := r.Scan(&b.Kind, &b.ExternalID, &b.LocalID, &b.ParentID, &b.StockRef, &b.Store, &b.Books, &qty, &baseline, &b.Origin)
	if err != nil {
		return b, err
	}
	if qty.Valid {
		d, err := decimal.NewFromString(qty.String)
		if err != nil {
			return b, fmt.Errorf("binding %s %s: stored quantity: %w", b.Kind, b.ExternalID, err)
		}
		b.StoreQty = &d
	}
	b.BaselineAt = parseTime(baseline)
	return b, nil
}

// findBinding looks a store object up; found is false when it is not bound.
func findBinding(tx *storage.Tx, connID int64, kind, externalID string) (binding, bool, error) {
	b, err := scanBinding(tx.QueryRow(`SELECT `+bindingCols+` FROM sync_bindings WHERE connection_id = ? AND kind = ? AND external_id = ?`,
		connID, kind, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// bindingOfLocal finds the binding of a local record.
func bindingOfLocal(tx *storage.Tx, connID int64, kind string, localID int64) (binding, bool, error) {
	var row *sql.Row
	if kind == "product" {
		// The kind is written out: SQLite compiles a query whose parameter might match the partial
		// index on product bindings again each time it is run.
		row = tx.QueryRow(`SELECT `+bindingCols+` FROM sync_bindings WHERE connection_id = ? AND kind = 'product' AND local_id = ?
		ORDER BY external_id LIMIT 1`, connID, localID)
	} else {
		row = tx.QueryRow(`SELECT `+bindingCols+` FROM sync_bindings WHERE connection_id = ? AND kind = ? AND local_id = ?
		ORDER BY external_id LIMIT 1`, connID, kind, localID)
	}
	b, err := scanBinding(row)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// bind records a binding; binding the same store object twice is refused by the database.
func bind(tx *storage.Tx, connID int64, b binding) error {
	_, err := tx.Exec(`INSERT INTO sync_bindings(connection_id, kind, external_id, local_id, parent_id, stock_ref, store_values,
		books_values, store_qty, baseline_at, origin, synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		connID, b.Kind, b.ExternalID, b.LocalID, b.ParentID, b.StockRef, b.Store, b.Books, decPtr(b.StoreQty),
		nullTime(b.BaselineAt), b.Origin, fmtTime(tx.Now()))
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("%s %s is already bound: %w", b.Kind, b.ExternalID, err)
	}
	return err
}

// saveBinding rewrites a binding's values after a sync.
func saveBinding(tx *storage.Tx, connID int64, b binding) error {
	_, err := tx.Exec(`UPDATE sync_bindings SET local_id = ?, parent_id = ?, stock_ref = ?, store_values = ?, books_values = ?,
		store_qty = ?, baseline_at = ?, synced_at = ? WHERE connection_id = ? AND kind = ? AND external_id = ?`,
		b.LocalID, b.ParentID, b.StockRef, b.Store, b.Books, decPtr(b.StoreQty), nullTime(b.BaselineAt), fmtTime(tx.Now()),
		connID, b.Kind, b.ExternalID)
	return err
}

func unbind(tx *storage.Tx, connID int64, kind, externalID string) error {
	_, err := tx.Exec(`DELETE FROM sync_bindings WHERE connection_id = ? AND kind = ? AND external_id = ?`, connID, kind, externalID)
	return err
}

func decPtr(d *decimal.Decimal) any {
	if d == nil {
		return nil
	}
	return d.String()
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return fmtTime(t)
}

// storeSnapshot is what the engine last saw of a store product.
type storeSnapshot struct {
	Fields  ProductFields `json:"fields"`
	Tracked bool          `json:"tracked"`
	// FromLine: the product was made from an order line before the store's product was ever read,
	// so Fields (and the books' values) are guesses: no cost known, the line's price and name.
	// Unknown is not zero: at the first read of the store's product, the store's values replace
	// the guesses the books still hold instead of being "undone" by them.
	FromLine bool `json:"from_line,omitempty"`
	// NoCost: the store exposed no cost when last read (StoreProduct.HasCost was false), so
	// Fields.PurchasePrice is not the store's. When it first shows one, that cost is met as for
	// a product linked for the first time, not taken for a store edit the books' value undoes.
	NoCost bool `json:"no_cost,omitempty"`
}

func (b binding) storeSnapshot() storeSnapshot {
	var s storeSnapshot
	json.Unmarshal([]byte(b.Store), &s)
	return s
}

func (b binding) booksFields() ProductFields {
	var f ProductFields
	json.Unmarshal([]byte(b.Books), &f)
	return f
}

// watermark reads where a stream got to (zero when it has not run).
func watermark(tx *storage.Tx, connID int64, stream string) (time.Time, error) {
	var v string
	err := tx.QueryRow(`SELECT value FROM sync_watermarks WHERE connection_id = ? AND stream = ?`, connID, stream).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return parseTime(v), err
}

func setWatermark(tx *storage.Tx, connID int64, stream string, t time.Time) error {
	_, err := tx.Exec(`INSERT INTO sync_watermarks(connection_id, stream, value) VALUES (?, ?, ?)
		ON CONFLICT(connection_id, stream) DO UPDATE SET value = excluded.value`, connID, stream, fmtTime(t))
	return err
}

// fieldsEqual compares one field of two value sets (amounts as numbers, text exactly).
func fieldsEqual(f Field, a, b ProductFields) bool {
	switch f {
	case FieldName:
		return a.Name == b.Name
	case FieldCode:
		return a.Code == b.Code
	case FieldBarcode:
		return a.Barcode == b.Barcode
	case FieldCategory:
		return a.Category == b.Category
	case FieldPurchasePrice:
		return a.PurchasePrice.Equal(b.PurchasePrice)
	case FieldSalePrice:
		return a.SalePrice.Equal(b.SalePrice)
	}
	return true
}

// fieldValue shows a field's value for the log.
func fieldValue(f Field, p ProductFields) string {
	switch f {
	case FieldName:
		return p.Name
	case FieldCode:
		return p.Code
	case FieldBarcode:
		return p.Barcode
	case FieldCategory:
		return p.Category
	case FieldPurchasePrice:
		return p.PurchasePrice.String()
	case FieldSalePrice:
		return p.SalePrice.String()
	}
	return ""
}

// setField copies one field from src into dst.
func setField(f Field, dst *ProductFields, src ProductFields) {
	switch f {
	case FieldName:
		dst.Name = src.Name
	case FieldCode:
		dst.Code = src.Code
	case FieldBarcode:
		dst.Barcode = src.Barcode
	case FieldCategory:
		dst.Category = src.Category
	case FieldPurchasePrice:
		dst.PurchasePrice = src.PurchasePrice
	case FieldSalePrice:
		dst.SalePrice = src.SalePrice
	}
}

var syncedFields = []Field{FieldName, FieldCode, FieldBarcode, FieldCategory, FieldPurchasePrice, FieldSalePrice}

func booksFieldsOf(p storage.Product) ProductFields {
	return ProductFields{Name: p.Name, Code: p.Code, Barcode: p.Barcode, Category: p.Category,
		PurchasePrice: p.PurchasePrice, SalePrice: p.SalePrice}
}

func applyFields(p storage.Product, f ProductFields) storage.Product {
	p.Name, p.Code, p.Barcode, p.Category, p.PurchasePrice, p.SalePrice = f.Name, f.Code, f.Barcode, f.Category, f.PurchasePrice, f.SalePrice
	return p
}
