package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// FieldError is bad input in one field of a record: Field names it ("code", "sale_price"), so
// a form can show the message beside it. It is a validation error (IsValidation).
type FieldError struct {
	Field string
	Err   *ValidationError
}

func (e *FieldError) Error() string { return e.Err.Msg }
func (e *FieldError) Unwrap() error { return e.Err }

func fieldInvalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: &ValidationError{Msg: fmt.Sprintf(format, args...)}}
}

// InvalidField is the field a validation error is about ("" when it names none).
func InvalidField(err error) string {
	var f *FieldError
	if errors.As(err, &f) {
		return f.Field
	}
	return ""
}

// The largest price and the most decimal places the books take: anything beyond is a typing
// slip, not a price.
var maxPrice = decimal.New(1, 12)

const maxPriceDecimals = 6

// Longest code, barcode and name, in characters.
const (
	maxCodeLen = 255
	maxNameLen = 500
)

// checkPrice checks a product's price; price says which ("purchase_price" or "sale_price"), field
// the input that gave it.
func checkPrice(field, price, code string, d decimal.Decimal) error {
	switch {
	case d.IsNegative():
		return refuseField(field, price+"_negative", code, d)
	case d.GreaterThanOrEqual(maxPrice):
		return refuseField(field, price+"_too_large", code, d)
	case d.Exponent() < -maxPriceDecimals && !d.Equal(d.Truncate(maxPriceDecimals)):
		return refuseField(field, price+"_decimals", code, d, maxPriceDecimals)
	}
	return nil
}

func (p *Product) normalize() error {
	p.Code = strings.TrimSpace(p.Code)
	p.Barcode = strings.TrimSpace(p.Barcode)
	p.Name = strings.TrimSpace(p.Name)
	p.Category = strings.TrimSpace(p.Category)
	switch {
	case p.Code == "":
		return refuseField("code", "code_required")
	case utf8.RuneCountInString(p.Code) > maxCodeLen:
		return refuseField("code", "code_too_long", firstRunes(p.Code, 20), maxCodeLen)
	case strings.ContainsFunc(p.Code, unicode.IsControl):
		return refuseField("code", "code_control", p.Code)
	case strings.ContainsFunc(p.Barcode, unicode.IsControl):
		return refuseField("barcode", "barcode_control", p.Code)
	case utf8.RuneCountInString(p.Barcode) > maxCodeLen:
		return refuseField("barcode", "barcode_too_long", p.Code, maxCodeLen)
	case p.Name == "":
		return refuseField("name", "name_required", p.Code)
	case utf8.RuneCountInString(p.Name) > maxNameLen:
		return refuseField("name", "name_too_long", p.Code, maxNameLen)
	}
	if err := checkPrice("purchase_price", "purchase_price", p.Code, p.PurchasePrice); err != nil {
		return err
	}
	return checkPrice("sale_price", "sale_price", p.Code, p.SalePrice)
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// CreateProduct adds a product. Its code is unique, and so is its barcode when it has one.
func (t *Tx) CreateProduct(p Product) (Product, error) {
	return atomicOp(t, func() (Product, error) { return t.createProduct(p) })
}

func (t *Tx) createProduct(p Product) (Product, error) {
	if err := p.normalize(); err != nil {
		return Product{}, err
	}
	cat, err := t.categoryID(p.Category)
	if err != nil {
		return Product{}, err
	}
	now := formatTime(t.now)
	res, err := t.Exec(`INSERT INTO products(code, barcode, name, category_id, purchase_price, sale_price, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Code, nullIfEmpty(p.Barcode), p.Name, cat, decStr(p.PurchasePrice), decStr(p.SalePrice), now, now)
	if isUniqueViolation(err) {
		return Product{}, t.duplicateProduct(p, 0)
	}
	if err != nil {
		return Product{}, fmt.Errorf("create product %q: %w", p.Code, err)
	}
	p.ID, _ = res.LastInsertId()
	p.CreatedAt, p.UpdatedAt = t.now.UTC().Truncate(1e9), t.now.UTC().Truncate(1e9)
	return p, nil
}

func (t *Tx) duplicateProduct(p Product, self int64) error {
	if other, err := t.ProductByCode(p.Code); err == nil && other.ID != self {
		return refuseField("code", "code_taken", p.Code, other.Name)
	}
	if p.Barcode != "" {
		if other, err := t.ProductByBarcode(p.Barcode); err == nil && other.ID != self {
			return refuseField("barcode", "barcode_taken", p.Barcode, other.Code)
		}
	}
	return refuse("duplicate", p.Code)
}

// UpdateProduct edits a product's fields (all of them, as given).
func (t *Tx) UpdateProduct(p Product) (Product, error) {
	return atomicOp(t, func() (Product, error) { return t.updateProduct(p) })
}

func (t *Tx) updateProduct(p Product) (Product, error) {
	if p.ID == 0 {
		return Product{}, refuse("product_none")
	}
	if err := p.normalize(); err != nil {
		return Product{}, err
	}
	cat, err := t.categoryID(p.Category)
	if err != nil {
		return Product{}, err
	}
	res, err := t.Exec(`UPDATE products SET code = ?, barcode = ?, name = ?, category_id = ?, purchase_price = ?,
		sale_price = ?, updated_at = ? WHERE id = ?`,
		p.Code, nullIfEmpty(p.Barcode), p.Name, cat, decStr(p.PurchasePrice), decStr(p.SalePrice), formatTime(t.now), p.ID)
	if isUniqueViolation(err) {
		return Product{}, t.duplicateProduct(p, p.ID)
	}
	if err != nil {
		return Product{}, fmt.Errorf("edit product %q: %w", p.Code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Product{}, refuse("product_missing", p.ID)
	}
	return t.Product(p.ID)
}

const productCols = `p.id, p.code, COALESCE(p.barcode, ''), p.name, COALESCE(c.name, ''), p.purchase_price, p.sale_price, p.created_at, p.updated_at,
	p.archived_at IS NOT NULL`
const productFrom = ` FROM products p LEFT JOIN categories c ON c.id = p.category_id `

func scanProduct(r scanner) (Product, error) {
	var p Product
	err := r.Scan(&p.ID, &p.Code, &p.Barcode, &p.Name, &p.Category, dec{&p.PurchasePrice}, dec{&p.SalePrice},
		timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}, &p.Archived)
	return p, err
}

func (t *Tx) productWhere(cond string, arg any) (Product, error) {
	p, err := scanProduct(t.QueryRow(`SELECT `+productCols+productFrom+`WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// Product reads a product by id.
func (t *Tx) Product(id int64) (Product, error) {
	p, err := t.productWhere("p.id = ?", id)
	if errors.Is(err, ErrNotFound) {
		return p, refuse("product_missing", id)
	}
	return p, err
}

// ProductByCode finds a product by its exact code; ErrNotFound when there is none.
func (t *Tx) ProductByCode(code string) (Product, error) {
	return t.productWhere("p.code = ?", strings.TrimSpace(code))
}

// ProductByBarcode finds a product by its exact barcode; ErrNotFound when there is none.
func (t *Tx) ProductByBarcode(barcode string) (Product, error) {
	barcode = strings.TrimSpace(barcode)
	if barcode == "" {
		return Product{}, ErrNotFound
	}
	return t.productWhere("p.barcode = ?", barcode)
}

// Products lists every product by code.
func (d *DB) Products(ctx context.Context) ([]Product, error) {
	return queryList(ctx, d, `SELECT `+productCols+productFrom+`ORDER BY p.code`, scanProduct)
}

// Product reads one product by id.
func (d *DB) Product(ctx context.Context, id int64) (p Product, err error) {
	err = d.View(ctx, func(tx *Tx) error {
		p, err = tx.Product(id)
		return err
	})
	return p, err
}

// ActiveProducts lists the products that are not archived, by code: those offered for new documents.
func (d *DB) ActiveProducts(ctx context.Context) ([]Product, error) {
	return queryList(ctx, d, `SELECT `+productCols+productFrom+`WHERE p.archived_at IS NULL ORDER BY p.code`, scanProduct)
}

// ProductInUse says what refers to a product (stock movements, invoice lines, documents, a
// store's link), or "" when nothing does and it may be deleted.
func (t *Tx) ProductInUse(id int64) (string, error) {
	checks := []struct{ what, query string }{
		{"stock movements", `SELECT EXISTS (SELECT 1 FROM stock_movements WHERE product_id = ?)`},
		{"invoice lines", `SELECT EXISTS (SELECT 1 FROM invoice_lines WHERE product_id = ?)`},
		{"requisitions", `SELECT EXISTS (SELECT 1 FROM requisition_lines WHERE product_id = ?)`},
		{"stock documents", `SELECT EXISTS (SELECT 1 FROM stock_document_lines WHERE product_id = ?)`},
		{"adjustments", `SELECT EXISTS (SELECT 1 FROM adjustments WHERE product_id = ?)`},
		{"a store's product", `SELECT EXISTS (SELECT 1 FROM sync_bindings WHERE kind = 'product' AND local_id = ?)`},
		{"a store's stock", `SELECT EXISTS (SELECT 1 FROM sync_stock_events WHERE product_id = ?) OR EXISTS (SELECT 1 FROM sync_pushes WHERE product_id = ?)`},
	}
	for _, c := range checks {
		args := []any{id}
		if strings.Count(c.query, "?") == 2 {
			args = append(args, id)
		}
		var used bool
		if err := t.QueryRow(c.query, args...).Scan(&used); err != nil {
			return "", fmt.Errorf("check what uses product %d: %w", id, err)
		}
		if used {
			return c.what, nil
		}
	}
	return "", nil
}

// productUsed refuses to delete the product code since used (what ProductInUse says) refers to it.
func productUsed(code, used string) error {
	switch used {
	case "stock movements":
		return refuse("product_used_movements", code)
	case "invoice lines":
		return refuse("product_used_invoices", code)
	case "requisitions":
		return refuse("product_used_requisition", code)
	case "stock documents":
		return refuse("product_used_documents", code)
	case "adjustments":
		return refuse("product_used_adjustments", code)
	case "a store's product":
		return refuse("product_used_store", code)
	}
	return refuse("product_used_store_stock", code)
}

// DeleteProduct deletes a product nothing refers to. One with a history (movements, invoices,
// documents, a store's link) is refused: archive it instead.
func (t *Tx) DeleteProduct(id int64) error {
	return t.atomic(func() error {
		p, err := t.Product(id)
		if err != nil {
			return err
		}
		used, err := t.ProductInUse(id)
		if err != nil {
			return err
		}
		if used != "" {
			return productUsed(p.Code, used)
		}
		if _, err := t.Exec(`DELETE FROM products WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete product %q: %w", p.Code, err)
		}
		return nil
	})
}

// SetArchived archives a product or brings it back. An archived product keeps its history, but
// new documents do not offer it and no store is asked to create it.
func (t *Tx) SetArchived(id int64, archived bool) error {
	return t.atomic(func() error {
		if _, err := t.Product(id); err != nil {
			return err
		}
		var at any
		if archived {
			at = formatTime(t.now)
		}
		_, err := t.Exec(`UPDATE products SET archived_at = ? WHERE id = ? AND (archived_at IS NULL) = ?`, at, id, archived)
		if err != nil {
			return fmt.Errorf("archive product %d: %w", id, err)
		}
		return nil
	})
}

// View runs fn in a transaction that is always rolled back: for consistent reads.
func (d *DB) View(ctx context.Context, fn func(*Tx) error) error {
	stx, err := d.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer stx.Rollback()
	return fn(&Tx{ctx: ctx, tx: stx, db: d, now: d.now()})
}
